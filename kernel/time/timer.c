// SPDX-License-Identifier: MIT
/*
 * Timers: each CPU keeps the timers armed on it in a list sorted by
 * deadline, and timer_tick() (called by the scheduler tick, interrupts
 * off) calls the ones that are due. A periodic timer is put back on the
 * list, one period later, before its function runs, so the function may
 * cancel or restart it; periods missed while the CPU was busy are
 * skipped, not replayed in a burst.
 *
 * Cancel against a firing timer: a CPU records the timer whose function
 * it is running (`running`). timer_cancel() takes the timer off its list
 * and then, when called from another CPU, waits until that CPU is no
 * longer running the timer's function, so nothing is called after it
 * returns (Linux's del_timer_sync). From the function itself it only
 * disarms.
 *
 * Locking: a CPU's `lock` protects its list, `running`, and the `link`,
 * `is_armed`, `expires_ns` and `cpu` of the timers on it; always taken
 * with interrupts off. Functions are called without it. It nests inside
 * nothing and nothing nests inside it.
 *
 * Every CPU that schedules has a tick (kernel/task/sched.c), so a timer
 * fires on the CPU that armed it, wherever its owner runs later.
 */
#include "svsm/timer.h"

#include "arch/insn.h"

#include "svsm/boot.h"
#include "svsm/percpu.h"
#include "svsm/spinlock.h"
#include "svsm/time.h"

/** One CPU's armed timers. */
struct timer_cpu {
	struct list_node armed; /**< sorted by expires_ns, earliest first */
	struct timer *running;	/**< whose function runs now, or NULL */
	struct spinlock lock;
	bool is_init;
};

static struct timer_cpu timer_cpus[SVSM_MAX_CPUS];

/** CPU `cpu`'s state; the list head is set up on first use. */
static struct timer_cpu *timer_cpu_get(uint32_t cpu)
{
	struct timer_cpu *tc = &timer_cpus[cpu];

	if (!tc->is_init) {
		/* Only ever done by `cpu` itself, interrupts off. */
		list_init(&tc->armed);
		tc->is_init = true;
	}
	return tc;
}

/** Inserts `t` in `tc`'s sorted list; `tc->lock` held. */
static void insert_locked(struct timer_cpu *tc, struct timer *t)
{
	struct list_node *n = tc->armed.next;

	while (n != &tc->armed) {
		struct timer *o = LIST_ENTRY(n, struct timer, link);

		if (o->expires_ns > t->expires_ns) {
			break;
		}
		n = n->next;
	}
	list_add_tail(n, &t->link); /* before `n`: after equal deadlines */
	t->is_armed = true;
}

/**
 * Takes `t` off its CPU's list if it is armed; returns whether it was.
 * Sets `*cpu` to the CPU that held it. Interrupts off.
 */
static bool disarm(struct timer *t, uint32_t *cpu)
{
	uint32_t c = __atomic_load_n(&t->cpu, __ATOMIC_RELAXED);
	struct timer_cpu *tc = &timer_cpus[c];
	bool was_armed;

	spin_lock(&tc->lock);
	was_armed = t->is_armed;
	if (was_armed) {
		list_del(&t->link);
		t->is_armed = false;
	}
	spin_unlock(&tc->lock);
	*cpu = c;
	return was_armed;
}

/** Arms `t` on this CPU; see time.h. */
enum svsm_err timer_start(struct timer *t, uint64_t ns, bool is_periodic,
			  timer_fn fn)
{
	uint64_t flags;
	struct timer_cpu *tc;
	uint32_t old_cpu;
	uint64_t now;

	if (fn == NULL || (is_periodic && ns == 0)) {
		return SVSM_ERR_INVAL;
	}
	flags = irq_save();
	(void)disarm(t, &old_cpu);
	tc = timer_cpu_get(this_cpu()->cpu_index);
	now = clock_monotonic_ns();
	spin_lock(&tc->lock);
	t->fn = fn;
	t->period_ns = is_periodic ? ns : 0;
	/* At least 1 ns: a timer started from a function is never due in
	 * the same tick, so timer_tick() always ends. */
	ns = ns == 0 ? 1 : ns;
	t->expires_ns = ns > UINT64_MAX - now ? UINT64_MAX : now + ns;
	__atomic_store_n(&t->cpu, this_cpu()->cpu_index, __ATOMIC_RELAXED);
	insert_locked(tc, t);
	spin_unlock(&tc->lock);
	irq_restore(flags);
	return SVSM_OK;
}

/** Whether CPU `cpu` is running `t`'s function now. */
static bool is_running(uint32_t cpu, const struct timer *t)
{
	return __atomic_load_n(&timer_cpus[cpu].running, __ATOMIC_ACQUIRE) == t;
}

/** Disarms `t` and waits out a call in progress elsewhere; see time.h. */
bool timer_cancel(struct timer *t)
{
	uint32_t self;
	uint32_t cpu;
	bool was_armed;
	uint64_t flags = irq_save();

	self = this_cpu()->cpu_index;
	was_armed = disarm(t, &cpu);
	irq_restore(flags);
	/* The function may re-arm the timer while we wait: disarm again. */
	while (cpu != self && is_running(cpu, t)) {
		while (is_running(cpu, t)) {
			pause();
		}
		flags = irq_save();
		was_armed = disarm(t, &cpu) || was_armed;
		irq_restore(flags);
	}
	return was_armed;
}

/** The first due timer of `tc`, unlinked, or NULL; `tc->lock` held. */
static struct timer *pop_due_locked(struct timer_cpu *tc, uint64_t now_ns)
{
	struct timer *t;

	if (list_is_empty(&tc->armed)) {
		return NULL;
	}
	t = LIST_ENTRY(tc->armed.next, struct timer, link);
	if (t->expires_ns > now_ns) {
		return NULL;
	}
	list_del(&t->link);
	t->is_armed = false;
	if (t->period_ns != 0) {
		uint64_t missed = (now_ns - t->expires_ns) / t->period_ns;

		t->expires_ns += (missed + 1U) * t->period_ns;
		insert_locked(tc, t);
	}
	return t;
}

/** Runs this CPU's due timers; interrupts are off. See time.h. */
void timer_tick(uint64_t now_ns)
{
	struct timer_cpu *tc = timer_cpu_get(this_cpu()->cpu_index);
	struct timer *t;

	spin_lock(&tc->lock);
	while ((t = pop_due_locked(tc, now_ns)) != NULL) {
		timer_fn fn = t->fn;

		__atomic_store_n(&tc->running, t, __ATOMIC_RELEASE);
		spin_unlock(&tc->lock);
		fn(t);
		spin_lock(&tc->lock);
		__atomic_store_n(&tc->running, NULL, __ATOMIC_RELEASE);
	}
	spin_unlock(&tc->lock);
}
