// SPDX-License-Identifier: MIT
/*
 * In-VM tests of the monotonic clock and of timers: the clock advances
 * and never goes backwards, the PIT-calibrated TSC rate is in bounds,
 * one-shot and periodic timers fire when due (tick resolution, 1 ms),
 * cancel stops them for good, and a function can re-arm or cancel its
 * own timer.
 */
#include "svsm/task.h"
#include "svsm/test.h"
#include "svsm/time.h"
#include "svsm/timer.h"

#define READS 100000U
#define MAX_FIRES 16U

/** A timer and what its function saw. */
struct probe {
	struct timer timer;
	volatile uint32_t count;
	uint32_t stop_at; /**< re-arm / self-cancel tests: stop here */
	uint64_t start_ns;
	volatile uint64_t at_ns[MAX_FIRES];
};

static struct probe *probe_of(struct timer *t)
{
	return LIST_ENTRY(t, struct probe, timer);
}

static void probe_record(struct timer *t)
{
	struct probe *p = probe_of(t);

	if (p->count < MAX_FIRES) {
		p->at_ns[p->count] = clock_monotonic_ns();
	}
	p->count++;
}

/** Re-arms its own one-shot timer (1 ms) until `stop_at` calls. */
static void probe_rearm(struct timer *t)
{
	struct probe *p = probe_of(t);

	probe_record(t);
	if (p->count < p->stop_at &&
	    timer_start(t, NSEC_PER_MSEC, false, probe_rearm) != SVSM_OK) {
		p->count = MAX_FIRES; /* the test sees the wrong count */
	}
}

/** Cancels its own periodic timer at `stop_at` calls. */
static void probe_self_cancel(struct timer *t)
{
	struct probe *p = probe_of(t);

	probe_record(t);
	if (p->count == p->stop_at) {
		(void)timer_cancel(t);
	}
}

TEST(time, clock_advances_and_is_monotonic)
{
	uint64_t first = clock_monotonic_ns();
	uint64_t prev = first;

	ASSERT_TRUE(clock_is_ready());
	for (uint32_t i = 0; i < READS; i++) {
		uint64_t now = clock_monotonic_ns();

		ASSERT_LE(prev, now);
		prev = now;
	}
	EXPECT_GT(prev, first);
	/* Sleeps count APIC timer ticks, calibrated apart from the TSC:
	 * under TCG the two can disagree by tens of percent. */
	task_sleep_ms(2);
	EXPECT_GT(clock_monotonic_ns() - prev, NSEC_PER_MSEC / 2U);
	test_diag(t, "%u reads took %llu ns", READS,
		  (unsigned long long)(prev - first));
}

TEST(time, calibrated_tsc_rate_is_in_bounds)
{
	uint64_t hz = clock_tsc_hz();

	EXPECT_GE(hz, CLOCK_TSC_HZ_MIN);
	EXPECT_LE(hz, CLOCK_TSC_HZ_MAX);
	test_diag(t, "TSC %llu kHz", (unsigned long long)(hz / 1000U));
}

/*
 * Tolerance. A timer is never early: the k-th call of a periodic timer
 * comes at least k periods after it was started (periods missed while
 * the CPU did not run are skipped, so it may come later). Lateness is
 * at most one tick (1 ms) plus however long the host did not run the
 * vCPU; the tests allow TIMER_LATE_NS for both, which a busy shared host
 * under TCG needs.
 */
#define TIMER_LATE_NS (10 * NSEC_PER_MSEC)

TEST(time, one_shot_fires_once_on_time)
{
	struct probe p = { 0 };

	p.start_ns = clock_monotonic_ns();
	ASSERT_OK(
		timer_start(&p.timer, 10 * NSEC_PER_MSEC, false, probe_record));
	task_sleep_ms(25);
	ASSERT_EQ(p.count, 1);
	uint64_t after = p.at_ns[0] - p.start_ns;

	EXPECT_GE(after, 10 * NSEC_PER_MSEC);
	EXPECT_LE(after, 10 * NSEC_PER_MSEC + TIMER_LATE_NS);
	EXPECT_FALSE(timer_cancel(&p.timer)); /* already fired */
	test_diag(t, "fired after %llu us",
		  (unsigned long long)(after / 1000U));
}

TEST(time, periodic_fires_and_stops_on_cancel)
{
	struct probe p = { 0 };
	uint64_t start = clock_monotonic_ns();
	uint32_t at_cancel;

	ASSERT_OK(timer_start(&p.timer, 2 * NSEC_PER_MSEC, true, probe_record));
	while (clock_monotonic_ns() - start < 10 * NSEC_PER_MSEC) {
		task_sleep_ms(1);
	}
	EXPECT_TRUE(timer_cancel(&p.timer));
	at_cancel = p.count;
	EXPECT_GE(at_cancel, 2);
	EXPECT_LE(at_cancel, 6);
	task_sleep_ms(8);
	EXPECT_EQ(p.count, at_cancel); /* nothing after cancel returned */
	for (uint32_t i = 0; i < at_cancel && i < MAX_FIRES; i++) {
		EXPECT_GE(p.at_ns[i] - start,
			  (uint64_t)(i + 1U) * 2U * NSEC_PER_MSEC);
		if (i > 0) {
			EXPECT_LE(p.at_ns[i] - p.at_ns[i - 1],
				  2 * NSEC_PER_MSEC + TIMER_LATE_NS);
		}
	}
	test_diag(t, "%u calls in 10 ms", at_cancel);
}

TEST(time, rearm_from_the_callback)
{
	struct probe p = { .stop_at = 3 };

	ASSERT_OK(timer_start(&p.timer, NSEC_PER_MSEC, false, probe_rearm));
	task_sleep_ms(15);
	EXPECT_EQ(p.count, 3);
	EXPECT_FALSE(p.timer.is_armed);
	EXPECT_FALSE(timer_cancel(&p.timer));
}

TEST(time, periodic_cancels_itself)
{
	struct probe p = { .stop_at = 2 };

	ASSERT_OK(
		timer_start(&p.timer, NSEC_PER_MSEC, true, probe_self_cancel));
	task_sleep_ms(10);
	EXPECT_EQ(p.count, 2);
	EXPECT_FALSE(timer_cancel(&p.timer));
}

TEST(time, cancel_is_harmless_and_prevents_the_call)
{
	struct probe p = { 0 };

	EXPECT_FALSE(timer_cancel(&p.timer)); /* never armed */
	EXPECT_FALSE(timer_cancel(&p.timer));
	ASSERT_OK(
		timer_start(&p.timer, 3 * NSEC_PER_MSEC, false, probe_record));
	EXPECT_TRUE(timer_cancel(&p.timer));
	EXPECT_FALSE(timer_cancel(&p.timer));
	task_sleep_ms(6);
	EXPECT_EQ(p.count, 0);
	EXPECT_ERR(timer_start(&p.timer, 0, true, probe_record),
		   SVSM_ERR_INVAL);
	EXPECT_ERR(timer_start(&p.timer, 1, false, NULL), SVSM_ERR_INVAL);
	EXPECT_FALSE(p.timer.is_armed);
}
