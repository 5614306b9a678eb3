// SPDX-License-Identifier: MIT
/*
 * In-VM scheduler stress on every CPU: pairs of tasks pass numbered
 * messages through one-slot mailboxes (wait queues, so every message is a
 * wake-up, most of them across CPUs), every task takes a shared mutex
 * and a shared spinlock on each round, sleeps now and then, and moves to
 * a random CPU every few rounds, for a fixed number of rounds. Checked
 * afterwards: every message arrived once and in order (a lost wake-up
 * hangs a pair and misses the deadline; a duplicated one shows as a
 * consumer woken with an empty mailbox), the lock-protected counters are
 * exact, every task landed on the CPU it asked for, every CPU ran tasks
 * and saw migrations, and the whole run ended within SS_DEADLINE_MS.
 */
#include "svsm/percpu.h"
#include "svsm/smp.h"
#include "svsm/spinlock.h"
#include "svsm/task.h"
#include "svsm/test.h"
#include "svsm/time.h"

#define SS_PAIRS_PER_CPU 2U
#define SS_MAX_PAIRS 32U
#define SS_ROUNDS 1000U
#define SS_MIGRATE_EVERY 8U
#define SS_SLEEP_EVERY 16U
#define SS_DEADLINE_MS 60000U

/** A one-slot mailbox between a producer and a consumer. */
struct mailbox {
	struct waitq not_empty;
	struct waitq not_full;
	uint64_t item; /* the message number, valid while `is_full` */
	uint64_t sent;
	uint64_t received;
	uint64_t out_of_order;
	uint64_t woken_empty; /* consumer woken with nothing to take */
	uint64_t woken_full;  /* producer woken with the slot still taken */
	struct spinlock lock;
	bool is_full;
};

/** What one task did. */
struct ss_task {
	struct mailbox *box;
	uint64_t seed;
	uint64_t migrations;
	uint64_t wrong_cpu;
	uint64_t bad_calls;
	bool is_producer;
};

static struct mailbox boxes[SS_MAX_PAIRS];
static struct ss_task ss_tasks[2U * SS_MAX_PAIRS];
static struct task *ss_handles[2U * SS_MAX_PAIRS];
static struct mutex ss_mutex;
static uint64_t ss_mutex_count;
static struct spinlock ss_spin;
static uint64_t ss_spin_count;
static uint32_t ss_done;
static struct sched_cpu_stats before[SVSM_MAX_CPUS];

static uint64_t ss_rnd(struct ss_task *s)
{
	uint64_t x = s->seed;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	s->seed = x;
	return x;
}

static void box_put(struct mailbox *b, uint64_t item)
{
	uint64_t flags = spin_lock_irqsave(&b->lock);

	while (b->is_full) {
		waitq_wait(&b->not_full, &b->lock);
		if (b->is_full) {
			b->woken_full++;
		}
	}
	b->item = item;
	b->is_full = true;
	b->sent++;
	(void)waitq_wake_one(&b->not_empty);
	spin_unlock_irqrestore(&b->lock, flags);
}

static void box_take(struct mailbox *b)
{
	uint64_t flags = spin_lock_irqsave(&b->lock);

	while (!b->is_full) {
		waitq_wait(&b->not_empty, &b->lock);
		if (!b->is_full) {
			b->woken_empty++;
		}
	}
	if (b->item != b->received) {
		b->out_of_order++;
	}
	b->received++;
	b->is_full = false;
	(void)waitq_wake_one(&b->not_full);
	spin_unlock_irqrestore(&b->lock, flags);
}

/**
 * The shared locks: a sleeping mutex (held across a yield every few
 * rounds, so that others queue on it) and an IRQ-saving spinlock.
 */
static void contend(uint32_t round)
{
	uint64_t flags;

	mutex_lock(&ss_mutex);
	ss_mutex_count++;
	if (round % 4U == 0) {
		task_yield();
	}
	mutex_unlock(&ss_mutex);
	flags = spin_lock_irqsave(&ss_spin);
	ss_spin_count++;
	spin_unlock_irqrestore(&ss_spin, flags);
}

static void ss_main(void *arg)
{
	struct ss_task *s = arg;
	uint32_t cpus = smp_cpu_count();

	for (uint32_t r = 0; r < SS_ROUNDS; r++) {
		if (s->is_producer) {
			box_put(s->box, r);
		} else {
			box_take(s->box);
		}
		contend(r);
		if (r % SS_MIGRATE_EVERY == 0) {
			uint32_t to = (uint32_t)(ss_rnd(s) % cpus);

			if (task_migrate(to) != SVSM_OK) {
				s->bad_calls++;
			} else if (task_cpu() != to ||
				   this_cpu()->cpu_index != to) {
				s->wrong_cpu++;
			} else {
				s->migrations++;
			}
		}
		if (r % SS_SLEEP_EVERY == 0) {
			task_sleep_ms(ss_rnd(s) % 3U);
		}
	}
	__atomic_fetch_add(&ss_done, 1, __ATOMIC_RELEASE);
}

/** Resets the shared state and takes the CPUs' statistics before a run. */
static void ss_reset(uint32_t cpus, uint32_t pairs)
{
	for (uint32_t c = 0; c < cpus; c++) {
		sched_get_cpu_stats(c, &before[c]);
	}
	mutex_init(&ss_mutex);
	spin_lock_init(&ss_spin);
	ss_mutex_count = 0;
	ss_spin_count = 0;
	__atomic_store_n(&ss_done, 0, __ATOMIC_RELEASE);
	for (uint32_t p = 0; p < pairs; p++) {
		boxes[p] = (struct mailbox){ 0 };
		spin_lock_init(&boxes[p].lock);
		waitq_init(&boxes[p].not_empty);
		waitq_init(&boxes[p].not_full);
	}
}

/** Checks the CPUs' statistics after a run of `n` tasks and reports. */
static void ss_report(struct test_ctx *t, uint32_t cpus, uint32_t n,
		      uint64_t ms)
{
	struct sched_cpu_stats st;
	uint64_t migrations = 0;
	uint64_t ipis = 0;
	uint64_t wakeups = 0;

	for (uint32_t i = 0; i < n; i++) {
		migrations += ss_tasks[i].migrations;
	}
	for (uint32_t c = 0; c < cpus; c++) {
		sched_get_cpu_stats(c, &st);
		EXPECT_GT(st.switches, before[c].switches);
		EXPECT_GT(st.wakeups, before[c].wakeups);
		if (cpus > 1) {
			EXPECT_GT(st.migrations_out, before[c].migrations_out);
		}
		ipis += st.resched_irqs - before[c].resched_irqs;
		wakeups += st.wakeups - before[c].wakeups;
	}
	test_diag(t,
		  "%u tasks x %u rounds on %u CPUs in %llu ms: %llu "
		  "migrations, %llu wake-ups, %llu reschedule IPIs, mutex "
		  "contended %llu times",
		  n, SS_ROUNDS, cpus, (unsigned long long)ms,
		  (unsigned long long)migrations, (unsigned long long)wakeups,
		  (unsigned long long)ipis,
		  (unsigned long long)ss_mutex.contended);
}

TEST(schedstress, tasks_sleep_wake_migrate_and_contend)
{
	uint32_t cpus = smp_cpu_count();
	uint32_t pairs = cpus * SS_PAIRS_PER_CPU;
	uint64_t start;
	uint64_t ms;
	uint32_t n;

	if (pairs > SS_MAX_PAIRS) {
		pairs = SS_MAX_PAIRS;
	}
	n = 2U * pairs;
	ss_reset(cpus, pairs);
	start = clock_monotonic_ns();
	for (uint32_t i = 0; i < n; i++) {
		ss_tasks[i] = (struct ss_task){
			.box = &boxes[i / 2U],
			.seed = 0x9E3779B97F4A7C15ULL * (i + 1U),
			.is_producer = (i % 2U) == 0,
		};
		/* Producer and consumer start on different CPUs. */
		ASSERT_OK(task_create_on(i % cpus, ss_main, &ss_tasks[i],
					 TASK_PRIO_NORMAL, "ss",
					 &ss_handles[i]));
	}
	while (__atomic_load_n(&ss_done, __ATOMIC_ACQUIRE) < n) {
		ASSERT_LE(clock_monotonic_ns() - start,
			  SS_DEADLINE_MS * NSEC_PER_MSEC);
		task_sleep_ms(5);
	}
	ms = (clock_monotonic_ns() - start) / NSEC_PER_MSEC;
	for (uint32_t i = 0; i < n; i++) {
		task_join(ss_handles[i]);
		EXPECT_EQ(ss_tasks[i].wrong_cpu, 0);
		EXPECT_EQ(ss_tasks[i].bad_calls, 0);
	}
	for (uint32_t p = 0; p < pairs; p++) {
		EXPECT_EQ(boxes[p].sent, SS_ROUNDS);
		EXPECT_EQ(boxes[p].received, SS_ROUNDS);
		EXPECT_EQ(boxes[p].out_of_order, 0);
		EXPECT_EQ(boxes[p].woken_empty, 0);
		EXPECT_EQ(boxes[p].woken_full, 0);
		EXPECT_FALSE(boxes[p].is_full);
	}
	EXPECT_EQ(ss_mutex_count, (uint64_t)n * SS_ROUNDS);
	EXPECT_EQ(ss_spin_count, (uint64_t)n * SS_ROUNDS);
	ss_report(t, cpus, n, ms);
}
