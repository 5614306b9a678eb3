/* SPDX-License-Identifier: MIT */
/*
 * Timers usable from tasks: a function called once or periodically from
 * the scheduler tick (resolution SCHED_TICK_MS), on the CPU that armed
 * the timer, by the monotonic clock (svsm/time.h). Implementation and
 * locking in kernel/time/timer.c.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "svsm/err.h"
#include "svsm/list.h"

struct timer;
/**
 * A timer's function. It runs from the tick interrupt on the CPU that
 * armed the timer, with interrupts off: it must not block, sleep, take a
 * mutex or allocate. It may wake tasks, and start or cancel timers
 * (including its own).
 */
typedef void (*timer_fn)(struct timer *t);

/** A timer; zero-initialised means not armed. Owned by its user. */
struct timer {
	struct list_node link; /**< on its CPU's list while armed */
	uint64_t expires_ns;   /**< clock_monotonic_ns() deadline */
	uint64_t period_ns;    /**< 0: one-shot */
	timer_fn fn;
	uint32_t cpu; /**< the CPU whose list holds it */
	bool is_armed;
};

/**
 * Arms `t` to call `fn(t)` once `ns` nanoseconds from now, then every
 * `ns` if `is_periodic`; re-arms it if it was armed. Resolution is the
 * scheduler tick (SCHED_TICK_MS). SVSM_ERR_INVAL for a NULL `fn` or a
 * zero period.
 */
enum svsm_err timer_start(struct timer *t, uint64_t ns, bool is_periodic,
			  timer_fn fn) SVSM_MUST_CHECK;
/**
 * Disarms `t`. Returns whether a call was pending (and is now
 * prevented). When it returns, `fn` is not running on another CPU and
 * will not be called again unless `t` is restarted; called from `t`'s own
 * function it only disarms. Harmless on a timer that is not armed.
 */
bool timer_cancel(struct timer *t);
