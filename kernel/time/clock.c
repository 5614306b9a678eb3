// SPDX-License-Identifier: MIT
/*
 * The monotonic clock: nanoseconds since clock_init(), from the TSC.
 *
 * Conversion is fixed point, ns = (ticks * mult) >> CLOCK_SHIFT, with the
 * product taken in 128 bits: it cannot overflow for any 64-bit tick
 * count, and the result saturates instead of wrapping (UINT64_MAX ns is
 * 584 years). `mult` is rounded to the nearest integer; with 32
 * fractional bits its relative error is below 2.4e-9 at 10 GHz (about
 * 75 ms a year), far below the PIT calibration's own error.
 *
 * Monotonicity: the TSC is the host's to set on SEV-SNP without
 * SecureTSC, CPUs' TSCs need not agree, and the host may move them. A
 * reading below the base counts as 0 elapsed, and every result is
 * clamped to the largest value returned so far on any CPU (an atomic
 * max), so the clock stalls rather than going backwards.
 */
#include "arch/insn.h"
#include "arch/irqflags.h"

#include "svsm/time.h"

/** The clock's parameters, fixed by clock_init_hz(). */
struct clock_state {
	uint64_t tsc_base;
	uint64_t hz;
	uint64_t mult;
	bool is_ready;
};

static struct clock_state clk;
static uint64_t measured_hz; /* the last calibration's result */
static uint64_t last_ns;     /* the largest value returned; atomic */

uint64_t clock_mult_for_hz(uint64_t hz)
{
	if (hz == 0) {
		return 0;
	}
	/* 1e9 << 32 is below 2^63: no overflow, no 128-bit division. */
	return ((NSEC_PER_SEC << CLOCK_SHIFT) + hz / 2U) / hz;
}

uint64_t clock_ticks_to_ns(uint64_t ticks, uint64_t mult)
{
	unsigned __int128 ns = ((unsigned __int128)ticks * mult) >> CLOCK_SHIFT;

	return ns > UINT64_MAX ? UINT64_MAX : (uint64_t)ns;
}

/**
 * The next deadline of a tick of `period` TSC ticks whose last deadline
 * was `prev`, seen at TSC `now`; see time.h. In phase with `prev` when
 * the TSC moved forward, restarted from `now` when it moved back.
 */
uint64_t clock_tick_deadline_next(uint64_t prev, uint64_t period, uint64_t now)
{
	uint64_t step = period == 0 ? 1U : period;
	uint64_t ahead = step;

	if (now >= prev) {
		/* Skip the deadlines already past: one interrupt, no burst. */
		ahead = step - (now - prev) % step;
	}
	return now > UINT64_MAX - ahead ? UINT64_MAX : now + ahead;
}

/** Starts the clock at `hz`; see time.h. */
enum svsm_err clock_init_hz(uint64_t hz)
{
	if (hz < CLOCK_TSC_HZ_MIN || hz > CLOCK_TSC_HZ_MAX) {
		return SVSM_ERR_RANGE;
	}
	clk.hz = hz;
	clk.mult = clock_mult_for_hz(hz);
	__atomic_store_n(&last_ns, 0, __ATOMIC_RELAXED);
	clk.tsc_base = arch_tsc_read();
	__atomic_store_n(&clk.is_ready, true, __ATOMIC_RELEASE);
	return SVSM_OK;
}

/** Calibrates against the platform's reference; see time.h. */
enum svsm_err clock_init(void)
{
	uint64_t hz = 0;
	enum svsm_err err = arch_tsc_calibrate(&hz);

	if (err != SVSM_OK) {
		return err;
	}
	measured_hz = hz;
	return clock_init_hz(hz);
}

bool clock_is_ready(void)
{
	return __atomic_load_n(&clk.is_ready, __ATOMIC_ACQUIRE);
}

/** Raises `last_ns` to `ns` unless it is already higher; returns it. */
static uint64_t clamp_to_last(uint64_t ns)
{
	uint64_t prev = __atomic_load_n(&last_ns, __ATOMIC_RELAXED);

	while (ns > prev) {
		if (__atomic_compare_exchange_n(&last_ns, &prev, ns, true,
						__ATOMIC_RELAXED,
						__ATOMIC_RELAXED)) {
			return ns;
		}
	}
	return prev;
}

/** Nanoseconds since boot, never decreasing; see time.h. */
uint64_t clock_monotonic_ns(void)
{
	if (!clock_is_ready()) {
		return 0;
	}
	uint64_t tsc = arch_tsc_read();
	uint64_t ticks = tsc > clk.tsc_base ? tsc - clk.tsc_base : 0;

	return clamp_to_last(clock_ticks_to_ns(ticks, clk.mult));
}

uint64_t clock_last_measured_hz(void)
{
	return measured_hz;
}

uint64_t clock_tsc_hz(void)
{
	return clk.hz;
}

uint64_t clock_tsc_base(void)
{
	return clk.tsc_base;
}

/** Busy-waits on the clock; see time.h. */
enum svsm_err clock_delay_us(uint64_t us)
{
	uint64_t start;
	uint64_t ns;

	if (!clock_is_ready()) {
		return SVSM_ERR_UNSUPPORTED;
	}
	ns = us > UINT64_MAX / NSEC_PER_USEC ? UINT64_MAX : us * NSEC_PER_USEC;
	start = clock_monotonic_ns();
	while (clock_monotonic_ns() - start < ns) {
		pause();
		arch_spin_relax();
	}
	return SVSM_OK;
}
