/* SPDX-License-Identifier: MIT */
/*
 * Time keeping and timers. The monotonic clock counts nanoseconds since
 * clock_init() from the TSC, whose rate is measured against the PIT at
 * boot; it never goes backwards, whatever the TSC does. Timers call a
 * function from the scheduler tick (1 ms) once or periodically.
 *
 * Time here is for timeouts and scheduling only: the host controls the
 * TSC and the PIT on SEV-SNP without SecureTSC, so nothing may base a
 * security decision on it (docs/TIME.md).
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "svsm/err.h"

#define NSEC_PER_SEC 1000000000ULL
#define NSEC_PER_MSEC 1000000ULL
#define NSEC_PER_USEC 1000ULL

/* The TSC rates clock_init() accepts; anything else is refused. */
#define CLOCK_TSC_HZ_MIN 100000000ULL	/* 100 MHz */
#define CLOCK_TSC_HZ_MAX 10000000000ULL /* 10 GHz */
#define CLOCK_SHIFT 32U			/* ns = (ticks * mult) >> CLOCK_SHIFT */

/* ---- HAL: arch/x86/pit.c in the kernel, plat/host/clock_env.c on the
 * host (a controllable fake TSC). */

/** Reads this CPU's time-stamp counter. */
uint64_t arch_tsc_read(void);
/**
 * Measures the TSC's rate in Hz (against the PIT in the kernel).
 * SVSM_ERR_IO when the reference never finishes.
 */
enum svsm_err arch_tsc_calibrate(uint64_t *hz) SVSM_MUST_CHECK;

/* ---- the monotonic clock (kernel/time/clock.c) ---- */

/**
 * Calibrates the TSC and starts the clock at 0. SVSM_ERR_RANGE when the
 * measured rate is outside [CLOCK_TSC_HZ_MIN, CLOCK_TSC_HZ_MAX] (the
 * clock stays unset), SVSM_ERR_IO when calibration fails.
 */
enum svsm_err clock_init(void) SVSM_MUST_CHECK;
/**
 * Starts the clock with a TSC of `hz` Hz, now. SVSM_ERR_RANGE when `hz`
 * is out of bounds. clock_init() uses it; tests call it directly.
 */
enum svsm_err clock_init_hz(uint64_t hz) SVSM_MUST_CHECK;
/** Whether the clock runs (clock_init succeeded). */
bool clock_is_ready(void);
/**
 * Nanoseconds since clock_init(): never less than any value returned
 * before, on any CPU. 0 before clock_init().
 */
uint64_t clock_monotonic_ns(void);
/**
 * Busy-waits at least `us` microseconds on the clock, serving TLB
 * shootdowns meanwhile; usable with interrupts off and while the
 * scheduler tick runs. SVSM_ERR_UNSUPPORTED before clock_init(). A host
 * that stops the TSC stretches the wait (docs/TIME.md).
 */
enum svsm_err clock_delay_us(uint64_t us) SVSM_MUST_CHECK;
/** What clock_init() last measured, in Hz, even if it was refused. */
uint64_t clock_last_measured_hz(void);
/** The calibrated TSC rate in Hz (0 before clock_init()). */
uint64_t clock_tsc_hz(void);
/** The TSC value clock_init() started from. */
uint64_t clock_tsc_base(void);
/**
 * Converts `ticks` TSC ticks to nanoseconds with multiplier `mult`
 * (CLOCK_SHIFT fractional bits); saturates at UINT64_MAX.
 */
uint64_t clock_ticks_to_ns(uint64_t ticks, uint64_t mult);
/** The multiplier for a TSC of `hz` Hz (0 if `hz` is 0). */
uint64_t clock_mult_for_hz(uint64_t hz);
/**
 * The next deadline, in TSC ticks, of a tick every `period` ticks (0
 * counts as 1) whose last deadline was `prev`, at TSC `now`: the first
 * `prev + k * period` (k >= 1) after `now`, so deadlines the CPU missed
 * (the host did not run it) are skipped, not fired in a burst; or
 * `now + period` if the TSC went back behind `prev`. Always in
 * (now, now + period], saturating at UINT64_MAX.
 */
uint64_t clock_tick_deadline_next(uint64_t prev, uint64_t period, uint64_t now);

/* ---- the timers' hook (kernel/time/timer.c; API in svsm/timer.h) ---- */

/**
 * Calls this CPU's due timers. The scheduler tick calls it, interrupts
 * off, with the clock's current value.
 */
void timer_tick(uint64_t now_ns);
