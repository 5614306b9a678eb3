// SPDX-License-Identifier: MIT
/*
 * Host tests of the monotonic clock's core (kernel/time/clock.c,
 * unmodified) against plat/host's fake TSC: the fixed-point conversion
 * over long uptimes, the rate bounds, and the clamp that keeps the clock
 * monotonic when the TSC goes backwards or wraps.
 */
#include "svsm/test.h"
#include "svsm/time.h"

#include "../../plat/host/clock_env.h"

#define SECONDS_PER_YEAR (365ULL * 24U * 3600U)

/** ns for `ticks` at `hz`, computed exactly in 128 bits. */
static uint64_t exact_ns(uint64_t ticks, uint64_t hz)
{
	return (uint64_t)((unsigned __int128)ticks * NSEC_PER_SEC / hz);
}

/** |a - b| within `ppb` parts per billion of `b` (plus 1 ns). */
static bool close_ppb(uint64_t a, uint64_t b, uint64_t ppb)
{
	uint64_t d = a > b ? a - b : b - a;

	return d <= (uint64_t)((unsigned __int128)b * ppb / NSEC_PER_SEC) + 1U;
}

TEST(clock, conversion_is_exact_for_1ghz)
{
	uint64_t mult = clock_mult_for_hz(NSEC_PER_SEC);

	EXPECT_EQ(mult, 1ULL << CLOCK_SHIFT);
	EXPECT_EQ(clock_ticks_to_ns(0, mult), 0);
	EXPECT_EQ(clock_ticks_to_ns(12345, mult), 12345);
	EXPECT_EQ(clock_ticks_to_ns(UINT64_MAX, mult), UINT64_MAX);
}

TEST(clock, conversion_is_accurate_over_ten_years)
{
	static const uint64_t rates[] = { CLOCK_TSC_HZ_MIN, 1193182ULL * 1000U,
					  2306634000ULL, 3000000000ULL,
					  CLOCK_TSC_HZ_MAX };

	for (uint32_t i = 0; i < sizeof(rates) / sizeof(rates[0]); i++) {
		uint64_t hz = rates[i];
		uint64_t mult = clock_mult_for_hz(hz);
		uint64_t ticks = hz * 10U * SECONDS_PER_YEAR;

		EXPECT_TRUE(close_ppb(clock_ticks_to_ns(ticks, mult),
				      exact_ns(ticks, hz), 3));
		EXPECT_TRUE(close_ppb(clock_ticks_to_ns(hz, mult), NSEC_PER_SEC,
				      3));
		EXPECT_TRUE(close_ppb(clock_ticks_to_ns(hz / 1000U, mult),
				      NSEC_PER_MSEC, 3));
	}
}

TEST(clock, conversion_saturates_instead_of_wrapping)
{
	uint64_t mult = clock_mult_for_hz(CLOCK_TSC_HZ_MIN); /* 10 ns/tick */

	EXPECT_EQ(clock_ticks_to_ns(UINT64_MAX, mult), UINT64_MAX);
	EXPECT_EQ(clock_ticks_to_ns(UINT64_MAX / 5U, mult), UINT64_MAX);
	EXPECT_LT(clock_ticks_to_ns(UINT64_MAX / 20U, mult), UINT64_MAX);
}

TEST(clock, rate_bounds_are_enforced)
{
	EXPECT_ERR(clock_init_hz(0), SVSM_ERR_RANGE);
	EXPECT_ERR(clock_init_hz(CLOCK_TSC_HZ_MIN - 1U), SVSM_ERR_RANGE);
	EXPECT_ERR(clock_init_hz(CLOCK_TSC_HZ_MAX + 1U), SVSM_ERR_RANGE);
	EXPECT_OK(clock_init_hz(CLOCK_TSC_HZ_MIN));
	EXPECT_OK(clock_init_hz(CLOCK_TSC_HZ_MAX));
	clock_env_set_calibration(50000000ULL, SVSM_OK); /* a lying host */
	EXPECT_ERR(clock_init(), SVSM_ERR_RANGE);
	clock_env_set_calibration(0, SVSM_ERR_IO);
	EXPECT_ERR(clock_init(), SVSM_ERR_IO);
	clock_env_set_calibration(2000000000ULL, SVSM_OK);
	clock_env_set_tsc(1000);
	ASSERT_OK(clock_init());
	EXPECT_EQ(clock_tsc_hz(), 2000000000ULL);
	EXPECT_EQ(clock_tsc_base(), 1000);
	EXPECT_TRUE(clock_is_ready());
}

TEST(clock, counts_from_the_base)
{
	clock_env_set_tsc(5000000000ULL);
	ASSERT_OK(clock_init_hz(2000000000ULL));
	EXPECT_EQ(clock_monotonic_ns(), 0);
	clock_env_set_tsc(5000000000ULL + 3000U);
	EXPECT_EQ(clock_monotonic_ns(), 1500);
	clock_env_set_tsc(5000000000ULL + 2000000000ULL * 3600U);
	EXPECT_EQ(clock_monotonic_ns(), 3600ULL * NSEC_PER_SEC);
}

TEST(clock, backward_tsc_is_clamped)
{
	clock_env_set_tsc(1000000);
	ASSERT_OK(clock_init_hz(NSEC_PER_SEC));
	clock_env_set_tsc(1000000 + 500);
	EXPECT_EQ(clock_monotonic_ns(), 500);
	clock_env_set_tsc(1000000 + 200); /* another CPU's TSC, behind */
	EXPECT_EQ(clock_monotonic_ns(), 500);
	clock_env_set_tsc(10); /* below the base: 0 elapsed, clamped */
	EXPECT_EQ(clock_monotonic_ns(), 500);
	clock_env_set_tsc(1000000 + 501);
	EXPECT_EQ(clock_monotonic_ns(), 501);
}

TEST(clock, wrap_and_jumps_never_go_backwards)
{
	uint64_t prev = 0;
	uint64_t tsc = UINT64_MAX - 5000U;

	clock_env_set_tsc(tsc);
	ASSERT_OK(clock_init_hz(3000000000ULL));
	for (uint32_t i = 0; i < 10000; i++) {
		/* Forward steps, a wrap past 2^64, and backward jumps. */
		tsc += (i % 7U == 3U) ? (uint64_t)-2000 : 1000U;
		clock_env_set_tsc(tsc);
		uint64_t now = clock_monotonic_ns();

		ASSERT_LE(prev, now);
		prev = now;
	}
}
