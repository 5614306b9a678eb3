// SPDX-License-Identifier: MIT
/*
 * The local APIC on this CPU: choosing its mode, the hardware side of
 * the `lapic_hw_*` backend (apic_ops.h), and the timer calibration and
 * delay that need the PIT. The mode-specific register access and the
 * rest of arch/apic.h are in apic_ops.c.
 *
 * In xAPIC mode the APIC page is mapped once, uncached, in the kernel's
 * MMIO region; nothing else of the MMIO space is mapped. In x2APIC mode
 * nothing is mapped: the registers are MSRs. Timer calibration counts
 * the timer across the PIT window (arch/pit.h), which needs no
 * interrupt.
 */
#include "arch/apic.h"

#include "arch/cpuid.h"
#include "arch/insn.h"
#include "arch/irqflags.h"
#include "arch/msr.h"
#include "arch/pit.h"

#include "svsm/cmdline.h"
#include "svsm/log.h"
#include "svsm/mm.h"
#include "svsm/pgtable.h"
#include "svsm/time.h"

#include "apic_ops.h"

static volatile uint32_t *lapic_mmio;

uint32_t lapic_hw_mmio_read(uint32_t reg)
{
	return lapic_mmio[reg / 4U];
}

void lapic_hw_mmio_write(uint32_t reg, uint32_t val)
{
	lapic_mmio[reg / 4U] = val;
}

uint64_t lapic_hw_rdmsr(uint32_t msr)
{
	return rdmsr(msr);
}

void lapic_hw_wrmsr(uint32_t msr, uint64_t val)
{
	wrmsr(msr, val);
}

void lapic_hw_fence(void)
{
	mfence();
	lfence();
}

void lapic_hw_relax(void)
{
	pause();
}

/** Maps the xAPIC page at `apic_base`'s address, once, uncached. */
static enum svsm_err xapic_map(uint64_t apic_base)
{
	struct pt_batch b;
	enum svsm_err err;

	if (lapic_mmio) {
		return SVSM_OK;
	}
	err = pgtable_map_prepare(&b, mm_kernel_pgtable(),
				  va_init(MM_MMIO_BASE),
				  pa_init(apic_base & APIC_BASE_ADDR_MASK), 1,
				  PT_PROT_WRITE | PT_PROT_DEVICE);
	if (err != SVSM_OK) {
		return err;
	}
	pgtable_map_commit(&b);
	lapic_mmio = va_to_ptr(va_init(MM_MMIO_BASE));
	return SVSM_OK;
}

/**
 * Whether to stay in xAPIC mode when x2APIC is there: what the first CPU
 * chose, so every CPU agrees, and `nox2apic` on the command line before
 * that.
 */
static bool prefer_xapic(void)
{
	enum lapic_mode mode;
	char val[8];

	if (lapic_mode_get(&mode)) {
		return mode == LAPIC_MODE_XAPIC;
	}
	return cmdline_value("nox2apic", val, sizeof(val));
}

/**
 * Chooses the timer mode for every CPU, once, on the first CPU: the APs
 * of one VM share its CPUID, and the tick must not mix modes.
 */
static void timer_mode_init(uint32_t cpuid_1_ecx)
{
	bool has_deadline = (cpuid_1_ecx & CPUID_1_ECX_TSC_DEADLINE) != 0;
	char val[8];
	bool forced_off =
		cmdline_value("nolapic_tscdeadline", val, sizeof(val));
	enum lapic_timer_mode tm =
		lapic_timer_mode_choose(has_deadline, forced_off);

	lapic_timer_mode_set(tm);
	log_printf("local APIC timer: %s%s\n", lapic_timer_mode_name(tm),
		   !has_deadline ? " (the CPU has no TSC-deadline)"
		   : forced_off	 ? " (nolapic_tscdeadline)"
				 : "");
}

/** Chooses the mode and enables the local APIC; see apic.h. */
enum svsm_err lapic_init(void)
{
	uint64_t base = rdmsr(MSR_APIC_BASE);
	uint32_t ecx = cpuid(1, 0).ecx;
	bool has_x2apic = (ecx & CPUID_1_ECX_X2APIC) != 0;
	enum lapic_mode mode;
	bool is_first = !lapic_mode_get(&mode);
	enum svsm_err err =
		lapic_mode_choose(has_x2apic, base, prefer_xapic(), &mode);

	if (err == SVSM_OK && mode == LAPIC_MODE_XAPIC) {
		err = xapic_map(base);
	}
	if (err == SVSM_OK) {
		err = lapic_ops_start(mode, base);
	}
	if (err == SVSM_OK && is_first) {
		log_printf("local APIC: %s mode%s\n",
			   mode == LAPIC_MODE_X2APIC ? "x2APIC" : "xAPIC",
			   has_x2apic ? "" : " (the CPU has no x2APIC)");
		timer_mode_init(ecx);
	}
	return err;
}

/*
 * The timer's rate, measured once (every local APIC in the VM counts at
 * the same bus rate): the delay loop and the scheduler tick share it.
 */
static uint32_t timer_ticks_per_ms;

/*
 * Against the clock, the timer is read between two clock reads at each
 * end of a CAL_CLOCK_US wait; a pair further apart than CAL_SLACK_NS
 * (the vCPU was stopped between them) is retried, up to CAL_ATTEMPTS
 * times, keeping the tightest.
 */
#define CAL_CLOCK_US 2000U
#define CAL_SLACK_NS 20000U
#define CAL_ATTEMPTS 5U

/** One bracketed read of the timer's current count. */
static uint32_t bracketed_count(uint64_t *mid_ns, uint64_t *slack_ns)
{
	uint64_t lo = clock_monotonic_ns();
	uint32_t count = lapic_reg_read(LAPIC_TIMER_CURRENT);
	uint64_t hi = clock_monotonic_ns();

	*mid_ns = lo + (hi - lo) / 2U;
	*slack_ns += hi - lo;
	return count;
}

/** Ticks per ms measured against the running clock; 0 if it failed. */
static uint64_t calibrate_against_clock(void)
{
	uint64_t best = 0;
	uint64_t best_slack = UINT64_MAX;

	for (uint32_t i = 0; i < CAL_ATTEMPTS; i++) {
		uint64_t t0 = 0;
		uint64_t t1 = 0;
		uint64_t slack = 0;

		lapic_reg_write(LAPIC_TIMER_INITIAL, 0xFFFFFFFFU);
		uint32_t c0 = bracketed_count(&t0, &slack);

		if (clock_delay_us(CAL_CLOCK_US) != SVSM_OK) {
			break;
		}
		uint32_t c1 = bracketed_count(&t1, &slack);

		if (t1 <= t0 || c1 >= c0) {
			continue;
		}
		if (slack < best_slack) {
			best_slack = slack;
			best = (uint64_t)(c0 - c1) * NSEC_PER_MSEC / (t1 - t0);
		}
		if (slack <= CAL_SLACK_NS) {
			break;
		}
	}
	return best;
}

/** Ticks per ms across the PIT window (before the clock runs). */
static uint64_t calibrate_against_pit(void)
{
	struct pit_window w;

	pit_window_start(&w);
	lapic_reg_write(LAPIC_TIMER_INITIAL, 0xFFFFFFFFU);
	bool done = pit_window_wait(&w);
	uint32_t elapsed = 0xFFFFFFFFU - lapic_reg_read(LAPIC_TIMER_CURRENT);

	return done ? elapsed / PIT_WINDOW_MS : 0;
}

/** Measures the timer once; see apic.h. */
enum svsm_err lapic_timer_calibrate(uint32_t *ticks_per_ms)
{
	uint64_t per_ms;

	if (timer_ticks_per_ms != 0) {
		*ticks_per_ms = timer_ticks_per_ms;
		return SVSM_OK;
	}
	lapic_reg_write(LAPIC_TIMER_DIVIDE, LAPIC_DIVIDE_16);
	lapic_reg_write(LAPIC_LVT_TIMER, LAPIC_LVT_MASKED);
	per_ms = clock_is_ready() ? calibrate_against_clock()
				  : calibrate_against_pit();
	lapic_reg_write(LAPIC_TIMER_INITIAL, 0);
	if (per_ms == 0 || per_ms > UINT32_MAX) {
		return SVSM_ERR_IO;
	}
	timer_ticks_per_ms = (uint32_t)per_ms;
	*ticks_per_ms = timer_ticks_per_ms;
	return SVSM_OK;
}

/** Busy-waits on the clock, or on the APIC timer before it; see apic.h. */
enum svsm_err lapic_delay_us(uint32_t us)
{
	uint32_t per_ms;
	enum svsm_err err;

	if (clock_is_ready()) {
		return clock_delay_us(us); /* leaves the tick's timer alone */
	}
	err = lapic_timer_calibrate(&per_ms);

	if (err != SVSM_OK) {
		return err;
	}
	uint64_t left = ((uint64_t)per_ms * us + 999U) / 1000U;

	lapic_reg_write(LAPIC_TIMER_DIVIDE, LAPIC_DIVIDE_16);
	lapic_reg_write(LAPIC_LVT_TIMER, LAPIC_LVT_MASKED);
	while (left > 0) {
		uint32_t chunk =
			left > 0xFFFFFFFFU ? 0xFFFFFFFFU : (uint32_t)left;

		lapic_reg_write(LAPIC_TIMER_INITIAL, chunk);
		while (lapic_reg_read(LAPIC_TIMER_CURRENT) != 0) {
			pause();
		}
		left -= chunk;
	}
	lapic_reg_write(LAPIC_TIMER_INITIAL, 0);
	return SVSM_OK;
}
