// SPDX-License-Identifier: MIT
/*
 * In-VM tests of interrupts through the local APIC: the timer is
 * calibrated against the PIT and delivers periodic interrupts to a
 * registered handler, which acknowledges each; unhandled vectors are
 * counted and acknowledged; the timer mode the tick uses follows CPUID
 * (periodic under TCG, which has no TSC-deadline).
 */
#include "arch/apic.h"
#include "arch/cpuid.h"
#include "arch/insn.h"
#include "arch/irq.h"

#include "svsm/cmdline.h"
#include "svsm/task.h"
#include "svsm/test.h"
#include "svsm/time.h"

static volatile uint64_t ticks;

/* These tests own the local APIC timer: the scheduler's tick pauses. */
SET_UP(apic)
{
	(void)t;
	sched_timer_pause();
}

TEAR_DOWN(apic)
{
	/* The tests halt with `sti; hlt; cli`: the runner gets IF back. */
	sti();
	EXPECT_OK(sched_timer_resume());
}

static void count_tick(struct trap_frame *f)
{
	(void)f;
	ticks++;
	lapic_eoi();
}

TEST(apic, timer_calibrates_against_the_pit)
{
	uint32_t per_ms = 0;

	ASSERT_OK(lapic_init());
	ASSERT_OK(lapic_timer_calibrate(&per_ms));
	test_diag(t, "local APIC timer: %u ticks/ms (divide by 16)", per_ms);
	EXPECT_GT(per_ms, 0);
}

TEST(apic, periodic_timer_interrupts_reach_the_handler)
{
	uint32_t per_ms = 0;

	ASSERT_OK(lapic_init());
	ASSERT_OK(lapic_timer_calibrate(&per_ms));
	/* Its own vector: the tick's is shared with the other CPUs. */
	ASSERT_OK(irq_register(VEC_TEST_TIMER, count_tick));
	ticks = 0;
	lapic_timer_start(VEC_TEST_TIMER, per_ms, true); /* every ms */
	/* Each HLT ends at the next interrupt; bounded, never a hang. */
	for (uint32_t i = 0; i < 1000U && ticks < 5U; i++) {
		sti();
		hlt();
		cli();
	}
	lapic_timer_stop();
	irq_unregister(VEC_TEST_TIMER);
	/* Five ticks means the handler's EOI let the next ones through. */
	EXPECT_GE(ticks, 5);
	EXPECT_EQ(irq_register(VEC_LAPIC_SPURIOUS, count_tick), SVSM_ERR_INVAL);
	EXPECT_EQ(irq_register(VEC_IRQ_FIRST - 1, count_tick), SVSM_ERR_INVAL);
}

TEST(apic, unhandled_vector_counted_and_acknowledged)
{
	uint64_t before = irq_unhandled_count();

	ASSERT_OK(lapic_init());
	/* A one-shot on a vector nobody handles. */
	lapic_timer_start(0x40U, 1000U, false);
	/* Waits on the clock, not in HLT: a lost interrupt fails the test
	 * instead of hanging it (nothing else interrupts this CPU now). */
	sti();
	for (uint64_t t0 = clock_monotonic_ns();
	     irq_unhandled_count() == before &&
	     clock_monotonic_ns() - t0 < 100U * NSEC_PER_MSEC;) {
		pause();
	}
	lapic_timer_stop();
	EXPECT_EQ(irq_unhandled_count(), before + 1);
}

TEST(apic, timer_mode_follows_cpuid_and_the_command_line)
{
	bool has = (cpuid(1, 0).ecx & CPUID_1_ECX_TSC_DEADLINE) != 0;
	char val[8];
	bool forced_off =
		cmdline_value("nolapic_tscdeadline", val, sizeof(val));
	enum lapic_timer_mode mode = lapic_timer_mode();

	ASSERT_OK(lapic_init());
	test_diag(t, "local APIC timer: %s mode (CPUID.1:ECX[24] = %u%s)",
		  lapic_timer_mode_name(mode), has ? 1U : 0U,
		  forced_off ? ", nolapic_tscdeadline" : "");
	EXPECT_EQ(mode, has && !forced_off ? LAPIC_TIMER_TSC_DEADLINE
					   : LAPIC_TIMER_PERIODIC);
	if (mode == LAPIC_TIMER_PERIODIC) {
		/* Refused before any write: the LVT keeps its mode. */
		EXPECT_ERR(lapic_timer_arm_deadline(VEC_TEST_TIMER, 1),
			   SVSM_ERR_UNSUPPORTED);
	}
}
