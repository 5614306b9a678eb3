// SPDX-License-Identifier: MIT
/*
 * Measurements for bench/sched.md, in TSC cycles: under `csvsm run
 * --icount` one cycle is one guest instruction (summed over every vCPU
 * that ran meanwhile: QEMU runs them in turn), so the figures are
 * deterministic there. No test asserts a duration; each checks only that
 * the measurement completed.
 *
 * - IPI round trip: CPU 0 sends a fixed IPI to the last CPU, whose
 *   handler sends one back; CPU 0 waits for the reply with interrupts on.
 * - Cross-CPU wake-up round trip: two tasks on different CPUs hand a
 *   token back and forth through wait queues (block, wake, reschedule
 *   IPI, switch, on both sides).
 * - Timer interrupt: a fixed busy loop with the tick stopped and then
 *   running; the difference over the ticks taken is one tick's cost.
 */
#include "arch/apic.h"
#include "arch/insn.h"
#include "arch/irq.h"

#include "svsm/smp.h"
#include "svsm/task.h"
#include "svsm/test.h"

#define PING_ROUNDS 1000U
#define TOKEN_ROUNDS 1000U
#define SPIN_LOOPS 20000000ULL
#define IPI_WAIT_SPINS 100000000U

static volatile uint32_t pongs;
static uint32_t ping_dest; /* APIC ID of CPU 0, where pongs go */
static volatile uint32_t ping_failed;

static void ping_irq(struct trap_frame *f)
{
	(void)f;
	lapic_eoi();
	if (lapic_send_ipi(ping_dest, VEC_TEST_PONG) != SVSM_OK) {
		ping_failed++; /* the waiting side times out */
	}
}

static void pong_irq(struct trap_frame *f)
{
	(void)f;
	lapic_eoi();
	pongs++;
}

TEST(bench, ipi_round_trip)
{
	uint32_t cpu = smp_cpu_count() - 1U;
	uint64_t start;
	uint64_t end;
	uint32_t done = 0;

	SKIP_IF(cpu == 0, "needs a second CPU");
	ping_dest = lapic_id();
	ASSERT_OK(irq_register(VEC_TEST_PING, ping_irq));
	ASSERT_OK(irq_register(VEC_TEST_PONG, pong_irq));
	pongs = 0;
	start = rdtsc();
	for (uint32_t i = 0; i < PING_ROUNDS; i++) {
		uint32_t spins = 0;

		if (lapic_send_ipi(smp_cpu_get(cpu)->apic_id, VEC_TEST_PING) !=
		    SVSM_OK) {
			break;
		}
		while (pongs == i && spins++ < IPI_WAIT_SPINS) {
			pause();
		}
		if (pongs != i + 1U) {
			break;
		}
		done++;
	}
	end = rdtsc();
	irq_unregister(VEC_TEST_PING);
	irq_unregister(VEC_TEST_PONG);
	EXPECT_EQ(done, PING_ROUNDS);
	EXPECT_EQ(ping_failed, 0);
	test_diag(t,
		  "IPI round trip CPU 0 -> CPU %u -> CPU 0: %llu TSC "
		  "cycles each over %u",
		  cpu, (unsigned long long)((end - start) / PING_ROUNDS),
		  PING_ROUNDS);
}

/** A token passed between two tasks through one wait queue each way. */
struct token {
	struct spinlock lock;
	struct waitq wq[2];
	uint32_t holder; /* 0 or 1: who may go */
	uint32_t rounds;
};

struct token_side {
	struct token *tok;
	uint32_t me;
};

static void token_main(void *arg)
{
	struct token_side *side = arg;
	struct token *tok = side->tok;

	for (uint32_t r = 0; r < TOKEN_ROUNDS; r++) {
		uint64_t flags = spin_lock_irqsave(&tok->lock);

		while (tok->holder != side->me) {
			waitq_wait(&tok->wq[side->me], &tok->lock);
		}
		tok->holder = 1U - side->me;
		tok->rounds++;
		(void)waitq_wake_one(&tok->wq[1U - side->me]);
		spin_unlock_irqrestore(&tok->lock, flags);
	}
}

TEST(bench, cross_cpu_wakeup_round_trip)
{
	static struct token tok;
	static struct token_side sides[2];
	uint32_t cpu = smp_cpu_count() - 1U;
	struct task *tasks[2];
	struct sched_cpu_stats b0;
	struct sched_cpu_stats b1;
	struct sched_cpu_stats a0;
	struct sched_cpu_stats a1;
	uint64_t start;
	uint64_t end;

	SKIP_IF(cpu == 0, "needs a second CPU");
	sched_get_cpu_stats(0, &b0);
	sched_get_cpu_stats(cpu, &b1);
	tok = (struct token){ 0 };
	spin_lock_init(&tok.lock);
	waitq_init(&tok.wq[0]);
	waitq_init(&tok.wq[1]);
	start = rdtsc();
	for (uint32_t i = 0; i < 2; i++) {
		sides[i] = (struct token_side){ &tok, i };
		ASSERT_OK(task_create_on(i == 0 ? 0U : cpu, token_main,
					 &sides[i], TASK_PRIO_HIGH, "token",
					 &tasks[i]));
	}
	task_join(tasks[0]);
	task_join(tasks[1]);
	end = rdtsc();
	sched_get_cpu_stats(0, &a0);
	sched_get_cpu_stats(cpu, &a1);
	EXPECT_EQ(tok.rounds, 2U * TOKEN_ROUNDS);
	/* About one reschedule IPI per hand-over: woken by IPI, not tick. */
	EXPECT_GE(a1.resched_irqs - b1.resched_irqs, TOKEN_ROUNDS / 2U);
	test_diag(t, "reschedule IPIs received: CPU 0 %llu, CPU %u %llu",
		  (unsigned long long)(a0.resched_irqs - b0.resched_irqs), cpu,
		  (unsigned long long)(a1.resched_irqs - b1.resched_irqs));
	test_diag(t,
		  "wake-up round trip between CPU 0 and CPU %u: %llu TSC "
		  "cycles each over %u",
		  cpu, (unsigned long long)((end - start) / TOKEN_ROUNDS),
		  TOKEN_ROUNDS);
}

/** A loop of a fixed instruction count; returns its TSC span. */
static uint64_t spin_span(void)
{
	volatile uint64_t sink = 0;
	uint64_t start = rdtsc();

	for (uint64_t i = 0; i < SPIN_LOOPS; i++) {
		sink += i;
	}
	(void)sink;
	return rdtsc() - start;
}

TEST(bench, timer_interrupt_cost)
{
	uint64_t quiet;
	uint64_t ticked;
	uint64_t ticks;

	sched_preempt_disable(); /* ticks, but no switch away */
	sched_timer_pause();
	quiet = spin_span();
	EXPECT_OK(sched_timer_resume());
	ticks = sched_ticks();
	ticked = spin_span();
	ticks = sched_ticks() - ticks;
	sched_preempt_enable();
	ASSERT_TRUE(ticks > 0);
	test_diag(t,
		  "busy loop: %llu cycles quiet, %llu with %llu ticks: "
		  "%lld cycles per tick",
		  (unsigned long long)quiet, (unsigned long long)ticked,
		  (unsigned long long)ticks,
		  (long long)(((int64_t)ticked - (int64_t)quiet) /
			      (int64_t)ticks));
}
