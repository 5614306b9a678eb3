/* SPDX-License-Identifier: MIT */
/*
 * The per-CPU event loop: one place per CPU that waits for events from
 * every source and dispatches them, in task context, to the handler
 * registered for each. A source signals an event from any context (an
 * interrupt handler, a timer function, a task on any CPU); the event's
 * CPU runs its handler in that CPU's loop task ("ev/N", priority HIGH),
 * which sleeps on a wait queue while nothing is pending. Signalling an
 * event of another CPU wakes its loop with a reschedule IPI.
 *
 * Sources so far: timer expiry (event_timer_start), device interrupts
 * (event_bind_irq), and other CPUs (event_signal; smp_run_on_aps is
 * built on it). Guest requests arrive the same way later.
 *
 * Signals are counted, not merely flagged: a handler receives how many
 * signals arrived since its last call, so nothing is lost when several
 * arrive before it runs. Implementation and locking: kernel/task/evloop.c.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "svsm/err.h"
#include "svsm/list.h"
#include "svsm/timer.h"

struct event;
/**
 * An event's handler: `count` signals (at least 1) arrived since its
 * last call. Runs in the event CPU's loop task with interrupts on; it may
 * allocate and take mutexes, and while it blocks the CPU's other events
 * wait.
 */
typedef void (*event_fn)(struct event *ev, uint64_t count);

/** An event; set up with event_init(), owned by its user. */
struct event {
	struct list_node link; /**< on its loop's ready list while queued */
	event_fn fn;
	void *arg;	    /**< the user's */
	uint64_t pending;   /**< signals not yet handed to `fn` */
	uint64_t delivered; /**< signals handed to `fn` so far */
	uint32_t cpu;	    /**< the CPU whose loop runs `fn` */
	bool is_queued;
	bool is_live; /**< between event_init and event_destroy */
};

/** An event signalled by a timer (the timer's function signals it). */
struct event_timer {
	struct timer timer;
	struct event *ev;
};

/**
 * Starts the calling CPU's loop task. Called once per CPU after its
 * scheduler starts. SVSM_ERR_EXISTS if it runs already.
 */
enum svsm_err evloop_init_cpu(void) SVSM_MUST_CHECK;
/** Whether CPU `cpu` has a loop. */
bool evloop_cpu_ready(uint32_t cpu);
/**
 * Sets up `ev` to run `fn` in CPU `cpu`'s loop. SVSM_ERR_INVAL for a
 * NULL `fn`, SVSM_ERR_UNSUPPORTED for a CPU without a loop.
 */
enum svsm_err event_init(struct event *ev, uint32_t cpu, event_fn fn,
			 void *arg) SVSM_MUST_CHECK;
/** Signals `ev` from any context, on any CPU. */
void event_signal(struct event *ev);
/**
 * Takes `ev` out of use: drops signals not yet handled and returns once
 * its handler does not run (not from the handler itself). Unbind its
 * interrupt and cancel its timer first.
 */
void event_destroy(struct event *ev);
/**
 * Routes interrupt `vector` to `ev`: the vector's handler acknowledges
 * the interrupt and signals `ev`. SVSM_ERR_BUSY if the vector has a
 * handler, SVSM_ERR_INVAL for a vector out of range.
 */
enum svsm_err event_bind_irq(struct event *ev, uint32_t vector) SVSM_MUST_CHECK;
/** Undoes event_bind_irq(). */
void event_unbind_irq(uint32_t vector);
/**
 * Signals `ev` from a timer `ns` from now (then every `ns` if
 * `is_periodic`), armed on the calling CPU; see timer_start().
 */
enum svsm_err event_timer_start(struct event_timer *et, struct event *ev,
				uint64_t ns, bool is_periodic) SVSM_MUST_CHECK;
/** Cancels the timer; see timer_cancel(). */
bool event_timer_cancel(struct event_timer *et);
/** Handler calls made by CPU `cpu`'s loop so far. */
uint64_t evloop_dispatch_count(uint32_t cpu);
