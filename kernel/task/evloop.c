// SPDX-License-Identifier: MIT
/*
 * The per-CPU event loop (svsm/evloop.h). Each CPU's `struct evloop`
 * holds a FIFO of ready events and a wait queue its loop task sleeps on.
 * event_signal() counts the signal in the event, puts the event on its
 * CPU's ready list if it is not there yet, and wakes the loop task: the
 * scheduler's wake-up sends the reschedule IPI when the loop runs on
 * another CPU. The loop pops one event at a time, takes its pending
 * count and calls the handler without the lock, so a handler may signal
 * its own event (it is queued again).
 *
 * Locking: a loop's `lock` protects its ready list and every field of
 * the events on that CPU except `fn` and `arg`; always taken with
 * interrupts off. Lock order: a loop's lock, then a wait queue's lock,
 * then a run queue's lock (the wake-up).
 *
 * event_destroy() against a running handler: the loop records the event
 * whose handler runs (`running`), like the timers do, and destroy waits
 * until that is no longer the event.
 */
#include "svsm/evloop.h"

#include "arch/apic.h"
#include "arch/insn.h"
#include "arch/irq.h"

#include "svsm/boot.h"
#include "svsm/fmt.h"
#include "svsm/panic.h"
#include "svsm/percpu.h"
#include "svsm/spinlock.h"
#include "svsm/task.h"

#include "sched_internal.h"

/** One CPU's loop. */
struct evloop {
	struct list_node ready;
	struct waitq wq;
	struct event *running; /**< whose handler runs now, or NULL */
	struct task *task;
	uint64_t dispatched;
	struct spinlock lock;
	bool is_ready;
};

static struct evloop loops[SVSM_MAX_CPUS];
/* Interrupt vectors routed to events; written only while unbound. */
static struct event *irq_events[256];

/** The loop task: waits for ready events and runs their handlers. */
static void evloop_main(void *arg)
{
	struct evloop *lp = arg;

	for (;;) {
		uint64_t flags = spin_lock_irqsave(&lp->lock);
		struct list_node *n;
		struct event *ev;
		uint64_t count;

		while ((n = list_pop(&lp->ready)) == NULL) {
			waitq_wait(&lp->wq, &lp->lock);
		}
		ev = LIST_ENTRY(n, struct event, link);
		ev->is_queued = false;
		count = ev->pending;
		ev->pending = 0;
		ev->delivered += count;
		__atomic_store_n(&lp->running, ev, __ATOMIC_RELEASE);
		spin_unlock_irqrestore(&lp->lock, flags);
		ev->fn(ev, count);
		flags = spin_lock_irqsave(&lp->lock);
		__atomic_store_n(&lp->running, NULL, __ATOMIC_RELEASE);
		lp->dispatched++;
		spin_unlock_irqrestore(&lp->lock, flags);
	}
}

/** Starts this CPU's loop task; see evloop.h. */
enum svsm_err evloop_init_cpu(void)
{
	uint32_t cpu = task_cpu();
	struct evloop *lp = &loops[cpu];
	char name[TASK_NAME_SIZE];
	struct task *t;
	enum svsm_err err;

	if (__atomic_load_n(&lp->is_ready, __ATOMIC_ACQUIRE)) {
		return SVSM_ERR_EXISTS;
	}
	spin_lock_init(&lp->lock);
	list_init(&lp->ready);
	waitq_init(&lp->wq);
	(void)fmt_snprintf(name, sizeof(name), "ev/%u", cpu);
	err = task_create_on(cpu, evloop_main, lp, TASK_PRIO_HIGH, name, &t);
	if (err != SVSM_OK) {
		return err;
	}
	task_detach(t); /* never exits */
	lp->task = t;
	__atomic_store_n(&lp->is_ready, true, __ATOMIC_RELEASE);
	return SVSM_OK;
}

bool evloop_cpu_ready(uint32_t cpu)
{
	return cpu < SVSM_MAX_CPUS &&
	       __atomic_load_n(&loops[cpu].is_ready, __ATOMIC_ACQUIRE);
}

enum svsm_err event_init(struct event *ev, uint32_t cpu, event_fn fn, void *arg)
{
	if (!fn) {
		return SVSM_ERR_INVAL;
	}
	if (!evloop_cpu_ready(cpu)) {
		return SVSM_ERR_UNSUPPORTED;
	}
	*ev = (struct event){ .fn = fn, .arg = arg, .cpu = cpu };
	list_init(&ev->link);
	ev->is_live = true;
	return SVSM_OK;
}

/** Counts a signal and queues `ev` on its CPU's loop; see evloop.h. */
void event_signal(struct event *ev)
{
	struct evloop *lp = &loops[ev->cpu];
	uint64_t flags = spin_lock_irqsave(&lp->lock);
	bool should_wake = false;

	if (ev->is_live) {
		ev->pending++;
		if (!ev->is_queued) {
			ev->is_queued = true;
			list_add_tail(&lp->ready, &ev->link);
			should_wake = true;
		}
	}
	if (should_wake) {
		(void)waitq_wake_one(&lp->wq);
	}
	spin_unlock_irqrestore(&lp->lock, flags);
	sched_resched_point();
}

/** Stops `ev` and waits out a running handler; see evloop.h. */
void event_destroy(struct event *ev)
{
	struct evloop *lp = &loops[ev->cpu];
	uint64_t flags = spin_lock_irqsave(&lp->lock);

	ev->is_live = false;
	if (ev->is_queued) {
		list_del(&ev->link);
		ev->is_queued = false;
	}
	ev->pending = 0;
	spin_unlock_irqrestore(&lp->lock, flags);
	CHECK(!(task_cpu() == ev->cpu && task_current() == lp->task));
	while (__atomic_load_n(&lp->running, __ATOMIC_ACQUIRE) == ev) {
		task_sleep_ms(1);
	}
}

/** A vector routed to an event: acknowledge, then signal. */
static void evloop_irq(struct trap_frame *f)
{
	struct event *ev = __atomic_load_n(&irq_events[f->vector & 0xFFU],
					   __ATOMIC_ACQUIRE);

	lapic_eoi();
	if (ev) {
		event_signal(ev);
	}
}

enum svsm_err event_bind_irq(struct event *ev, uint32_t vector)
{
	enum svsm_err err;

	if (vector >= 256U || !ev) {
		return SVSM_ERR_INVAL;
	}
	struct event *none = NULL;

	/* Claim the slot first: the handler may run as soon as it is in. */
	if (!__atomic_compare_exchange_n(&irq_events[vector], &none, ev, false,
					 __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
		return SVSM_ERR_BUSY;
	}
	err = irq_register(vector, evloop_irq);
	if (err != SVSM_OK) {
		__atomic_store_n(&irq_events[vector], NULL, __ATOMIC_RELEASE);
	}
	return err;
}

void event_unbind_irq(uint32_t vector)
{
	if (vector < 256U) {
		irq_unregister(vector);
		__atomic_store_n(&irq_events[vector], NULL, __ATOMIC_RELEASE);
	}
}

static void event_timer_fn(struct timer *t)
{
	struct event_timer *et = LIST_ENTRY(t, struct event_timer, timer);

	event_signal(et->ev);
}

enum svsm_err event_timer_start(struct event_timer *et, struct event *ev,
				uint64_t ns, bool is_periodic)
{
	if (!ev) {
		return SVSM_ERR_INVAL;
	}
	et->ev = ev;
	return timer_start(&et->timer, ns, is_periodic, event_timer_fn);
}

bool event_timer_cancel(struct event_timer *et)
{
	return timer_cancel(&et->timer);
}

uint64_t evloop_dispatch_count(uint32_t cpu)
{
	struct evloop *lp;
	uint64_t flags;
	uint64_t n;

	if (!evloop_cpu_ready(cpu)) {
		return 0;
	}
	lp = &loops[cpu];
	flags = spin_lock_irqsave(&lp->lock);
	n = lp->dispatched;
	spin_unlock_irqrestore(&lp->lock, flags);
	return n;
}
