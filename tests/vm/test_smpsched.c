// SPDX-License-Identifier: MIT
/*
 * In-VM tests of scheduling on every CPU: tasks created on each CPU run
 * there, a wake-up from another CPU reaches a CPU whose tick is stopped
 * (so only the reschedule IPI can deliver it), a task migrates through
 * every CPU and finds itself on each, and two busy tasks on an AP are
 * both preempted by that AP's tick.
 */
#include "arch/insn.h"

#include "svsm/percpu.h"
#include "svsm/smp.h"
#include "svsm/task.h"
#include "svsm/test.h"
#include "svsm/time.h"

#define MIGRATE_ROUNDS 50U
#define WAIT_DEADLINE_NS (10ULL * NSEC_PER_SEC)

/** Sleeps (1 ms steps) until `*flag` is set or the deadline passes. */
static bool wait_flag(const volatile uint32_t *flag, uint32_t want)
{
	uint64_t start = clock_monotonic_ns();

	while (__atomic_load_n(flag, __ATOMIC_ACQUIRE) != want) {
		if (clock_monotonic_ns() - start > WAIT_DEADLINE_NS) {
			return false;
		}
		task_sleep_ms(1);
	}
	return true;
}

struct where {
	uint32_t cpu;	   /* task_cpu() as the task saw it */
	uint32_t gs_index; /* this_cpu()->cpu_index, read through GS */
};

static void where_main(void *arg)
{
	struct where *w = arg;

	w->cpu = task_cpu();
	w->gs_index = this_cpu()->cpu_index;
}

TEST(smpsched, tasks_run_on_the_cpu_they_are_created_on)
{
	static struct where w[SVSM_MAX_CPUS];
	static struct task *tasks[SVSM_MAX_CPUS];
	uint32_t n = smp_cpu_count();

	for (uint32_t i = 0; i < n; i++) {
		w[i] = (struct where){ UINT32_MAX, UINT32_MAX };
		ASSERT_TRUE(sched_cpu_is_started(i));
		ASSERT_OK(task_create_on(i, where_main, &w[i], TASK_PRIO_NORMAL,
					 "where", &tasks[i]));
	}
	for (uint32_t i = 0; i < n; i++) {
		task_join(tasks[i]);
		EXPECT_EQ(w[i].cpu, i);
		EXPECT_EQ(w[i].gs_index, i);
	}
	EXPECT_ERR(task_create_on(n, where_main, &w[0], TASK_PRIO_NORMAL, "bad",
				  &tasks[0]),
		   SVSM_ERR_INVAL);
	EXPECT_ERR(task_create_on(SVSM_MAX_CPUS + 5U, where_main, &w[0],
				  TASK_PRIO_NORMAL, "bad", &tasks[0]),
		   SVSM_ERR_INVAL);
}

/* ---- cross-CPU wake-up ----------------------------------------------- */

struct sleeper {
	struct spinlock lock;
	struct waitq wq;
	uint32_t is_waiting; /* set under `lock` right before it blocks */
	uint32_t go;
	uint32_t woke_on;
	uint64_t ticks_before;
	uint64_t ticks_after;
	uint32_t done;
};

/* Stops this CPU's tick, blocks, and restarts the tick once woken. */
static void sleeper_main(void *arg)
{
	struct sleeper *s = arg;
	uint64_t flags;

	sched_timer_pause();
	s->ticks_before = sched_ticks();
	flags = spin_lock_irqsave(&s->lock);
	__atomic_store_n(&s->is_waiting, 1, __ATOMIC_RELEASE);
	while (!s->go) {
		waitq_wait(&s->wq, &s->lock);
	}
	spin_unlock_irqrestore(&s->lock, flags);
	s->ticks_after = sched_ticks();
	s->woke_on = task_cpu();
	if (sched_timer_resume() != SVSM_OK) {
		s->woke_on = UINT32_MAX;
	}
	__atomic_store_n(&s->done, 1, __ATOMIC_RELEASE);
}

TEST(smpsched, wakeup_from_another_cpu_arrives_by_ipi)
{
	static struct sleeper s;
	uint32_t cpu = smp_cpu_count() - 1U;
	struct sched_cpu_stats before;
	struct sched_cpu_stats after;
	struct task *task;

	SKIP_IF(cpu == 0, "needs a second CPU");
	s = (struct sleeper){ 0 };
	spin_lock_init(&s.lock);
	waitq_init(&s.wq);
	ASSERT_OK(task_create_on(cpu, sleeper_main, &s, TASK_PRIO_NORMAL,
				 "sleeper", &task));
	ASSERT_TRUE(wait_flag(&s.is_waiting, 1));
	task_sleep_ms(5); /* let it block; its CPU then halts, no tick */
	sched_get_cpu_stats(cpu, &before);

	uint64_t flags = spin_lock_irqsave(&s.lock);

	s.go = 1;
	(void)waitq_wake_one(&s.wq);
	spin_unlock_irqrestore(&s.lock, flags);
	/* Without the IPI the task would never run: its CPU has no tick. */
	EXPECT_TRUE(wait_flag(&s.done, 1));
	task_join(task);
	sched_get_cpu_stats(cpu, &after);
	EXPECT_EQ(s.woke_on, cpu);
	EXPECT_EQ(s.ticks_after, s.ticks_before);
	EXPECT_GT(after.resched_irqs, before.resched_irqs);
	EXPECT_GT(after.wakeups, before.wakeups);
}

/* ---- migration ------------------------------------------------------- */

struct walker {
	uint32_t rounds;
	uint32_t wrong_cpu;
	uint32_t bad_calls;
	uint64_t visits[SVSM_MAX_CPUS];
};

/* Moves to each CPU in turn and checks where it arrives. */
static void walker_main(void *arg)
{
	struct walker *w = arg;
	uint32_t n = smp_cpu_count();

	for (uint32_t r = 0; r < w->rounds; r++) {
		uint32_t to = (r * 7U + 3U) % n;

		if (task_migrate(to) != SVSM_OK) {
			w->bad_calls++;
			continue;
		}
		if (task_cpu() != to || this_cpu()->cpu_index != to) {
			w->wrong_cpu++;
		}
		w->visits[to]++;
		if (r % 4U == 0) {
			task_sleep_ms(1); /* sleeps on the new CPU's list */
			if (task_cpu() != to) {
				w->wrong_cpu++;
			}
		}
	}
	if (task_migrate(n) != SVSM_ERR_INVAL) {
		w->bad_calls++;
	}
}

TEST(smpsched, task_migrates_through_every_cpu)
{
	static struct walker w;
	uint32_t n = smp_cpu_count();
	struct sched_cpu_stats st;
	uint64_t out_before = 0;
	uint64_t out_after = 0;
	struct task *task;

	w = (struct walker){ .rounds = MIGRATE_ROUNDS * n };
	for (uint32_t i = 0; i < n; i++) {
		sched_get_cpu_stats(i, &st);
		out_before += st.migrations_out;
	}
	ASSERT_OK(task_create(walker_main, &w, TASK_PRIO_NORMAL, "walker",
			      &task));
	task_join(task);
	for (uint32_t i = 0; i < n; i++) {
		sched_get_cpu_stats(i, &st);
		out_after += st.migrations_out;
		EXPECT_GT(w.visits[i], 0);
	}
	EXPECT_EQ(w.wrong_cpu, 0);
	EXPECT_EQ(w.bad_calls, 0);
	if (n > 1) {
		EXPECT_GT(out_after - out_before, MIGRATE_ROUNDS);
	}
	/* The boot task's stack is the boot CPU's: it may not move. */
	EXPECT_ERR(task_migrate(0), SVSM_ERR_INVAL);
	test_diag(t, "%u migrations over %u CPUs",
		  (unsigned)(out_after - out_before), n);
}

/* ---- preemption on an AP ---------------------------------------------- */

struct spinner {
	volatile uint64_t count;
	volatile uint32_t *stop;
	uint32_t cpu;
};

static void spinner_main(void *arg)
{
	struct spinner *s = arg;

	s->cpu = task_cpu();
	while (!*s->stop) {
		s->count++;
	}
}

TEST(smpsched, busy_tasks_on_an_ap_are_both_preempted)
{
	static volatile uint32_t stop;
	static struct spinner sp[2];
	uint32_t cpu = smp_cpu_count() - 1U;
	struct task *tasks[2];

	SKIP_IF(cpu == 0, "needs a second CPU");
	stop = 0;
	for (uint32_t i = 0; i < 2; i++) {
		sp[i] = (struct spinner){ 0, &stop, UINT32_MAX };
		ASSERT_OK(task_create_on(cpu, spinner_main, &sp[i],
					 TASK_PRIO_NORMAL, "spin", &tasks[i]));
	}
	task_sleep_ms(50);
	uint64_t c0 = sp[0].count;
	uint64_t c1 = sp[1].count;

	stop = 1;
	for (uint32_t i = 0; i < 2; i++) {
		task_join(tasks[i]);
		EXPECT_EQ(sp[i].cpu, cpu);
	}
	EXPECT_GT(c0, 0);
	EXPECT_GT(c1, 0);
	test_diag(t, "cpu %u in 50 ms: %llu and %llu iterations", cpu,
		  (unsigned long long)c0, (unsigned long long)c1);
}
