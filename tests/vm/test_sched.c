// SPDX-License-Identifier: MIT
/*
 * In-VM tests of kernel tasks and the scheduler: preemption by the timer
 * tick, strict priorities, sleeping, wait queues, the mutex, task stacks
 * with guard pages, creation and reaping under allocation failure, and
 * the cost of a context switch (for bench/sched.md).
 */
#include "arch/insn.h"

#include "svsm/log.h"
#include "svsm/mm.h"
#include "svsm/pgtable.h"
#include "svsm/task.h"
#include "svsm/test.h"

#define BUSY_TASKS 2U
#define ITEMS 500U
#define RING_SIZE 4U
#define MUTEX_TASKS 4U
#define MUTEX_ROUNDS 500U
#define SWITCH_ROUNDS 2000U

/* ---- preemption ------------------------------------------------------ */

struct busy {
	volatile uint64_t count;
	volatile bool *stop;
};

static void busy_main(void *arg)
{
	struct busy *b = arg;

	while (!*b->stop) {
		b->count++;
	}
}

TEST(sched, busy_tasks_that_never_yield_both_progress)
{
	volatile bool stop = false;
	struct busy b[BUSY_TASKS] = { { 0, &stop }, { 0, &stop } };
	struct task *tasks[BUSY_TASKS];
	uint64_t switches = sched_switch_count();

	for (uint32_t i = 0; i < BUSY_TASKS; i++) {
		ASSERT_OK(task_create(busy_main, &b[i], TASK_PRIO_NORMAL,
				      "busy", &tasks[i]));
	}
	task_sleep_ms(50);
	/* Both ran although neither yields: the tick preempted them. */
	uint64_t c0 = b[0].count;
	uint64_t c1 = b[1].count;

	stop = true;
	for (uint32_t i = 0; i < BUSY_TASKS; i++) {
		task_join(tasks[i]);
	}
	EXPECT_GT(c0, 0);
	EXPECT_GT(c1, 0);
	EXPECT_GT(sched_switch_count() - switches, 4);
	test_diag(t, "in 50 ms: %llu and %llu iterations, %llu switches",
		  (unsigned long long)c0, (unsigned long long)c1,
		  (unsigned long long)(sched_switch_count() - switches));
}

struct prio_run {
	struct busy low;
	uint64_t low_before;
	uint64_t low_after;
	uint64_t high_ticks;
};

/* Runs 10 ms of busy loop at high priority, watching the low task. */
static void high_main(void *arg)
{
	struct prio_run *r = arg;

	task_sleep_ms(5);
	r->low_before = r->low.count;
	uint64_t start = sched_ticks();

	while (sched_ticks() - start < 10U) {
		pause();
	}
	r->high_ticks = sched_ticks() - start;
	r->low_after = r->low.count;
}

TEST(sched, higher_priority_task_preempts_and_starves_lower)
{
	volatile bool stop = false;
	struct prio_run r = { { 0, &stop }, 0, 0, 0 };
	struct task *low;
	struct task *high;

	ASSERT_OK(task_create(busy_main, &r.low, TASK_PRIO_LOW, "low", &low));
	ASSERT_OK(task_create(high_main, &r, TASK_PRIO_HIGH, "high", &high));
	task_join(high);
	stop = true;
	task_join(low);
	/* The low task ran while the high one slept, never while it ran. */
	EXPECT_GT(r.low_before, 0);
	EXPECT_EQ(r.low_after, r.low_before);
	EXPECT_GE(r.high_ticks, 10);
}

/* ---- sleeping -------------------------------------------------------- */

static void sleeper_main(void *arg)
{
	task_sleep_ms(*(uint64_t *)arg);
}

TEST(sched, sleep_wakes_within_bounds)
{
	static const uint64_t sleeps[] = { 1, 10, 25 };
	uint64_t ms = 30;
	struct task *sleeper;

	for (uint32_t i = 0; i < sizeof(sleeps) / sizeof(sleeps[0]); i++) {
		uint64_t start = sched_ticks();

		task_sleep_ms(sleeps[i]);
		uint64_t took = sched_ticks() - start;

		/* At least the time asked for (the partial tick at the
		 * start does not count), at most a few ticks late. */
		EXPECT_GE(took, sleeps[i] + 1U);
		EXPECT_LE(took, sleeps[i] + 4U);
	}
	uint64_t start = sched_ticks();

	ASSERT_OK(task_create(sleeper_main, &ms, TASK_PRIO_NORMAL, "sleeper",
			      &sleeper));
	task_join(sleeper);
	EXPECT_GE(sched_ticks() - start, ms);
	EXPECT_LE(sched_ticks() - start, ms + 4U);
}

/* ---- wait queues ----------------------------------------------------- */

struct ring {
	struct spinlock lock;
	struct waitq not_empty;
	struct waitq not_full;
	uint32_t items[RING_SIZE];
	uint32_t head;
	uint32_t count;
	uint32_t received;
	uint32_t out_of_order;
	uint64_t sum;
};

static void producer_main(void *arg)
{
	struct ring *r = arg;

	for (uint32_t v = 1; v <= ITEMS; v++) {
		uint64_t flags = spin_lock_irqsave(&r->lock);

		while (r->count == RING_SIZE) {
			waitq_wait(&r->not_full, &r->lock);
		}
		r->items[(r->head + r->count) % RING_SIZE] = v;
		r->count++;
		(void)waitq_wake_one(&r->not_empty);
		spin_unlock_irqrestore(&r->lock, flags);
	}
}

static void consumer_main(void *arg)
{
	struct ring *r = arg;

	for (uint32_t want = 1; want <= ITEMS; want++) {
		uint64_t flags = spin_lock_irqsave(&r->lock);

		while (r->count == 0) {
			waitq_wait(&r->not_empty, &r->lock);
		}
		uint32_t v = r->items[r->head];

		r->head = (r->head + 1U) % RING_SIZE;
		r->count--;
		(void)waitq_wake_one(&r->not_full);
		spin_unlock_irqrestore(&r->lock, flags);
		r->received++;
		r->sum += v;
		if (v != want) {
			r->out_of_order++;
		}
	}
}

TEST(sched, waitq_producer_consumer_loses_no_wakeup)
{
	static struct ring r;
	struct task *prod;
	struct task *cons;

	r = (struct ring){ 0 };
	waitq_init(&r.not_empty);
	waitq_init(&r.not_full);
	ASSERT_OK(task_create(consumer_main, &r, TASK_PRIO_NORMAL, "consumer",
			      &cons));
	ASSERT_OK(task_create(producer_main, &r, TASK_PRIO_NORMAL, "producer",
			      &prod));
	task_join(prod);
	task_join(cons);
	EXPECT_EQ(r.received, ITEMS);
	EXPECT_EQ(r.out_of_order, 0);
	EXPECT_EQ(r.sum, (uint64_t)ITEMS * (ITEMS + 1U) / 2U);
	EXPECT_EQ(r.count, 0);
}

static void waiter_main(void *arg)
{
	struct ring *r = arg;
	uint64_t flags = spin_lock_irqsave(&r->lock);

	while (r->count == 0) {
		waitq_wait(&r->not_empty, &r->lock);
	}
	r->received++;
	spin_unlock_irqrestore(&r->lock, flags);
}

TEST(sched, waitq_wake_all_wakes_every_waiter)
{
	static struct ring r;
	struct task *tasks[3];

	r = (struct ring){ 0 };
	waitq_init(&r.not_empty);
	for (uint32_t i = 0; i < 3U; i++) {
		ASSERT_OK(task_create(waiter_main, &r, TASK_PRIO_NORMAL,
				      "waiter", &tasks[i]));
	}
	task_sleep_ms(2); /* all three block */
	uint64_t flags = spin_lock_irqsave(&r.lock);

	r.count = 1;
	uint32_t woken = waitq_wake_all(&r.not_empty);

	spin_unlock_irqrestore(&r.lock, flags);
	for (uint32_t i = 0; i < 3U; i++) {
		task_join(tasks[i]);
	}
	EXPECT_EQ(woken, 3);
	EXPECT_EQ(r.received, 3);
	EXPECT_EQ(waitq_wake_one(&r.not_empty), NULL);
}

/* ---- mutex ----------------------------------------------------------- */

struct counter {
	struct mutex m;
	uint64_t value;
};

static void incrementer_main(void *arg)
{
	struct counter *c = arg;

	for (uint32_t i = 0; i < MUTEX_ROUNDS; i++) {
		mutex_lock(&c->m);
		uint64_t v = c->value;

		/* Give the others a chance to find the mutex held. */
		if (i % 16U == 0) {
			task_yield();
		}
		c->value = v + 1U;
		mutex_unlock(&c->m);
	}
}

TEST(sched, mutex_contention_keeps_count_exact)
{
	static struct counter c;
	struct task *tasks[MUTEX_TASKS];

	mutex_init(&c.m);
	c.value = 0;
	for (uint32_t i = 0; i < MUTEX_TASKS; i++) {
		ASSERT_OK(task_create(incrementer_main, &c, TASK_PRIO_NORMAL,
				      "incr", &tasks[i]));
	}
	for (uint32_t i = 0; i < MUTEX_TASKS; i++) {
		task_join(tasks[i]);
	}
	EXPECT_EQ(c.value, (uint64_t)MUTEX_TASKS * MUTEX_ROUNDS);
	EXPECT_GT(c.m.contended, 0);
	EXPECT_EQ(c.m.owner, NULL);
}

/* ---- stacks, creation and reaping ------------------------------------ */

static void blocked_main(void *arg)
{
	struct ring *r = arg;
	uint64_t flags = spin_lock_irqsave(&r->lock);

	while (r->count == 0) {
		waitq_wait(&r->not_empty, &r->lock);
	}
	spin_unlock_irqrestore(&r->lock, flags);
}

TEST(sched, task_stack_has_guard_page_reported_as_overflow)
{
	static struct ring r;
	struct task *task;
	paddr_t pa;
	uint64_t fl;

	r = (struct ring){ 0 };
	waitq_init(&r.not_empty);
	ASSERT_OK(task_create(blocked_main, &r, TASK_PRIO_NORMAL, "guarded",
			      &task));
	struct pgtable *kpt = mm_kernel_pgtable();

	EXPECT_EQ(task->stack_hi - task->stack_lo, TASK_STACK_SIZE);
	EXPECT_GE(task->stack_lo, MM_STACK_BASE);
	for (uint64_t va = task->stack_lo; va < task->stack_hi;
	     va += PAGE_SIZE) {
		EXPECT_TRUE(pgtable_lookup(kpt, va_init(va), &pa, &fl) &&
			    (fl & PTE_RW) && (fl & PTE_NX));
	}
	EXPECT_FALSE(pgtable_lookup(kpt, va_init(task->stack_lo - PAGE_SIZE),
				    &pa, &fl));
	uint64_t mark = log_mark();
	bool was_on = log_console_enabled();

	log_set_console(false);
	int faulted = store_u64_reported(
		(volatile uint64_t *)va_to_ptr(va_init(task->stack_lo - 8U)),
		1);
	log_set_console(was_on);
	EXPECT_EQ(faulted, 1);
	EXPECT_TRUE(log_contains_since(mark, "kernel stack overflow: guard "
					     "page hit"));
	uint64_t flags = spin_lock_irqsave(&r.lock);

	r.count = 1;
	(void)waitq_wake_one(&r.not_empty);
	spin_unlock_irqrestore(&r.lock, flags);
	uint64_t lo = task->stack_lo;

	task_join(task);
	/* Reaped: the stack is unmapped again. */
	EXPECT_FALSE(pgtable_lookup(kpt, va_init(lo), &pa, &fl));
}

static void count_main(void *arg)
{
	__atomic_fetch_add((uint32_t *)arg, 1U, __ATOMIC_RELAXED);
}

TEST_ALLOC(sched, create_and_reap_under_fault_injection)
{
	struct task *tasks[3];
	uint32_t created = 0;
	uint32_t ran = 0;
	enum svsm_err err = SVSM_OK;

	EXPECT_EQ(task_create(count_main, &ran, TASK_PRIO_IDLE, "x", &tasks[0]),
		  SVSM_ERR_INVAL);
	for (; created < 3U; created++) {
		err = task_create(count_main, &ran, TASK_PRIO_NORMAL, "short",
				  &tasks[created]);
		if (err != SVSM_OK) {
			break;
		}
	}
	/* Reap what was created before looking at the error. */
	for (uint32_t i = 0; i < created; i++) {
		task_join(tasks[i]);
	}
	EXPECT_EQ(ran, created);
	ASSERT_OK_OR_OOM(err);
	EXPECT_EQ(created, 3);
}

TEST(sched, detached_tasks_are_reaped_by_idle)
{
	uint64_t before = mm_outstanding();
	uint32_t ran = 0;
	struct task *task;

	ASSERT_OK(task_create(count_main, &ran, TASK_PRIO_NORMAL, "detached",
			      &task));
	task_detach(task);
	/* The task runs and exits, then idle reaps it while we sleep. */
	for (uint32_t i = 0; i < 50U && mm_outstanding() != before; i++) {
		task_sleep_ms(1);
	}
	EXPECT_EQ(ran, 1);
	EXPECT_EQ(mm_outstanding(), before);
}

/* ---- the cost of a switch -------------------------------------------- */

struct pingpong {
	uint64_t start;
	uint64_t end;
	uint32_t done;
};

static void yielder_main(void *arg)
{
	struct pingpong *p = arg;

	if (p->start == 0) {
		p->start = rdtsc();
	}
	for (uint32_t i = 0; i < SWITCH_ROUNDS; i++) {
		task_yield();
	}
	p->done++;
	p->end = rdtsc();
}

TEST(sched, context_switch_cost)
{
	static struct pingpong p;
	struct task *a;
	struct task *b;

	p = (struct pingpong){ 0 };
	uint64_t switches = sched_switch_count();

	/* Both exist before either runs (a new HIGH task runs at once). */
	sched_preempt_disable();
	ASSERT_OK(task_create(yielder_main, &p, TASK_PRIO_HIGH, "ping", &a));
	ASSERT_OK(task_create(yielder_main, &p, TASK_PRIO_HIGH, "pong", &b));
	sched_preempt_enable();
	task_join(a);
	task_join(b);
	switches = sched_switch_count() - switches;
	EXPECT_EQ(p.done, 2);
	EXPECT_GE(switches, 2U * SWITCH_ROUNDS);
	test_diag(t,
		  "context switch (task_yield between two tasks): %llu TSC "
		  "cycles each over %u yields, %llu switches",
		  (unsigned long long)((p.end - p.start) /
				       (2ULL * SWITCH_ROUNDS)),
		  2U * SWITCH_ROUNDS, (unsigned long long)switches);
}
