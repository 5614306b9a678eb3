// SPDX-License-Identifier: MIT
/*
 * In-VM tests of the per-CPU event loop: every CPU has a loop; handlers
 * run on the event's CPU in task context; signals from every CPU are
 * counted exactly (none lost, none doubled) however they coalesce; a
 * timer and a device interrupt (a self-IPI on VEC_TEST standing in for
 * one) reach their handlers; a destroyed event is never called again.
 */
#include "arch/apic.h"
#include "arch/cpu.h"
#include "arch/insn.h"
#include "arch/irq.h"

#include "svsm/evloop.h"
#include "svsm/percpu.h"
#include "svsm/smp.h"
#include "svsm/task.h"
#include "svsm/test.h"
#include "svsm/time.h"

#define SIGNALS_PER_CPU 2000U
#define DEADLINE_NS (20ULL * NSEC_PER_SEC)

/** What one event's handler saw. */
struct ev_log {
	uint64_t calls;
	uint64_t count_sum; /* sum of `count` over the calls */
	uint64_t wrong_cpu;
	uint64_t irqs_off;
};

static void log_handler(struct event *ev, uint64_t count)
{
	struct ev_log *l = ev->arg;

	if (task_cpu() != ev->cpu) {
		l->wrong_cpu++;
	}
	if (!(read_rflags() & RFLAGS_IF)) {
		l->irqs_off++;
	}
	l->calls++;
	__atomic_fetch_add(&l->count_sum, count, __ATOMIC_RELEASE);
}

/** Sleeps until `*v` reaches `want` or the deadline passes. */
static bool wait_count(const uint64_t *v, uint64_t want)
{
	uint64_t start = clock_monotonic_ns();

	while (__atomic_load_n(v, __ATOMIC_ACQUIRE) < want) {
		if (clock_monotonic_ns() - start > DEADLINE_NS) {
			return false;
		}
		task_sleep_ms(1);
	}
	return true;
}

TEST(evloop, every_cpu_has_a_loop)
{
	struct event ev;

	for (uint32_t i = 0; i < smp_cpu_count(); i++) {
		EXPECT_TRUE(evloop_cpu_ready(i));
	}
	EXPECT_FALSE(evloop_cpu_ready(smp_cpu_count()));
	EXPECT_ERR(event_init(&ev, 0, NULL, NULL), SVSM_ERR_INVAL);
	EXPECT_ERR(event_init(&ev, smp_cpu_count(), log_handler, NULL),
		   SVSM_ERR_UNSUPPORTED);
}

/* ---- signals from every CPU to every CPU --------------------------------- */

static struct event storm_ev[SVSM_MAX_CPUS];
static struct ev_log storm_log[SVSM_MAX_CPUS];

/* Signals every CPU's event SIGNALS_PER_CPU times. */
static void storm_signal_all(void *arg)
{
	(void)arg;
	for (uint32_t k = 0; k < SIGNALS_PER_CPU; k++) {
		for (uint32_t c = 0; c < smp_cpu_count(); c++) {
			event_signal(&storm_ev[c]);
		}
	}
}

TEST(evloop, signals_from_every_cpu_are_counted_exactly)
{
	uint32_t n = smp_cpu_count();
	uint64_t want = (uint64_t)SIGNALS_PER_CPU * n;
	uint64_t calls = 0;

	for (uint32_t c = 0; c < n; c++) {
		storm_log[c] = (struct ev_log){ 0 };
		ASSERT_OK(event_init(&storm_ev[c], c, log_handler,
				     &storm_log[c]));
	}
	/* The APs signal from their loops, CPU 0 from this task. */
	ASSERT_OK(smp_run_on_aps(storm_signal_all, NULL));
	storm_signal_all(NULL);
	for (uint32_t c = 0; c < n; c++) {
		EXPECT_TRUE(wait_count(&storm_log[c].count_sum, want));
	}
	for (uint32_t i = 0; i < 10000U && smp_work_done_count() < n - 1U;
	     i++) {
		task_sleep_ms(1);
	}
	EXPECT_EQ(smp_work_done_count(), n - 1U);
	for (uint32_t c = 0; c < n; c++) {
		EXPECT_EQ(storm_log[c].count_sum, want);
		EXPECT_EQ(storm_ev[c].delivered, want);
		EXPECT_EQ(storm_log[c].wrong_cpu, 0);
		EXPECT_EQ(storm_log[c].irqs_off, 0);
		EXPECT_GE(storm_log[c].calls, 1);
		calls += storm_log[c].calls;
		event_destroy(&storm_ev[c]);
	}
	test_diag(t, "%llu signals to %u CPUs in %llu handler calls",
		  (unsigned long long)want * n, n, (unsigned long long)calls);
}

/* ---- a timer as a source ---------------------------------------------------
 */

TEST(evloop, periodic_timer_event_runs_in_the_loop)
{
	static struct event ev;
	static struct ev_log log;
	struct event_timer et = { 0 };

	log = (struct ev_log){ 0 };
	ASSERT_OK(event_init(&ev, task_cpu(), log_handler, &log));
	ASSERT_OK(event_timer_start(&et, &ev, 2 * NSEC_PER_MSEC, true));
	EXPECT_TRUE(wait_count(&log.count_sum, 5));
	(void)event_timer_cancel(&et);
	event_destroy(&ev);
	uint64_t seen = log.count_sum;

	task_sleep_ms(10);
	EXPECT_EQ(log.count_sum, seen); /* nothing after destroy */
	EXPECT_EQ(log.wrong_cpu, 0);
	EXPECT_EQ(log.irqs_off, 0);
	EXPECT_ERR(event_timer_start(&et, NULL, 1, false), SVSM_ERR_INVAL);
}

/* ---- a device interrupt as a source ------------------------------------- */

TEST(evloop, interrupt_vector_bound_to_an_event)
{
	static struct event ev;
	static struct ev_log log;
	uint32_t self = lapic_id();

	log = (struct ev_log){ 0 };
	ASSERT_OK(event_init(&ev, task_cpu(), log_handler, &log));
	ASSERT_OK(event_bind_irq(&ev, VEC_TEST));
	EXPECT_ERR(event_bind_irq(&ev, VEC_TEST), SVSM_ERR_BUSY);
	EXPECT_ERR(event_bind_irq(&ev, 256), SVSM_ERR_INVAL);
	for (uint32_t i = 0; i < 3; i++) {
		EXPECT_OK(lapic_send_ipi(self, VEC_TEST));
		EXPECT_TRUE(wait_count(&log.count_sum, i + 1U));
	}
	event_unbind_irq(VEC_TEST);
	event_destroy(&ev);
	EXPECT_EQ(log.count_sum, 3);
	EXPECT_EQ(log.wrong_cpu, 0);
}

/* ---- destroy against a running handler ---------------------------------- */

struct slow {
	uint32_t is_running;
	uint32_t calls_after_destroy;
	uint32_t is_destroyed;
};

static void slow_handler(struct event *ev, uint64_t count)
{
	struct slow *s = ev->arg;

	(void)count;
	if (__atomic_load_n(&s->is_destroyed, __ATOMIC_ACQUIRE)) {
		s->calls_after_destroy++;
	}
	__atomic_store_n(&s->is_running, 1, __ATOMIC_RELEASE);
	task_sleep_ms(20);
	__atomic_store_n(&s->is_running, 0, __ATOMIC_RELEASE);
}

TEST(evloop, destroy_waits_for_a_running_handler)
{
	static struct event ev;
	static struct slow s;
	uint32_t cpu = smp_cpu_count() - 1U;

	s = (struct slow){ 0 };
	ASSERT_OK(event_init(&ev, cpu, slow_handler, &s));
	event_signal(&ev);
	while (!__atomic_load_n(&s.is_running, __ATOMIC_ACQUIRE)) {
		task_sleep_ms(1);
	}
	event_signal(&ev); /* queued behind the running call */
	event_destroy(&ev);
	__atomic_store_n(&s.is_destroyed, 1, __ATOMIC_RELEASE);
	EXPECT_EQ(__atomic_load_n(&s.is_running, __ATOMIC_ACQUIRE), 0);
	event_signal(&ev); /* ignored: not live */
	task_sleep_ms(30);
	EXPECT_EQ(s.calls_after_destroy, 0);
}
