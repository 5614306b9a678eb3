/* SPDX-License-Identifier: MIT */
/*
 * The local APIC (Intel SDM vol. 3A, chapter 11), in either of its two
 * modes: xAPIC, registers in a 4 KiB MMIO page at the address
 * IA32_APIC_BASE gives, 8-bit IDs; or x2APIC (11.12), registers as MSRs
 * 0x800 + (offset >> 4), a single 64-bit ICR with a 32-bit destination,
 * 32-bit IDs. lapic_init() picks x2APIC when CPUID.1:ECX[21] offers it or
 * the APIC is already in that mode, xAPIC otherwise; `nox2apic` on the
 * command line keeps xAPIC where that is still possible. Every call
 * below works in both modes; the mode-specific part is the small table
 * of operations in arch/x86/apic_ops.c.
 *
 * The timer runs periodic or one-shot on the calibrated bus clock, or,
 * where CPUID.1:ECX[24] offers it and `nolapic_tscdeadline` is not on
 * the command line, in TSC-deadline mode (11.5.4.1): armed by writing an
 * absolute TSC value to IA32_TSC_DEADLINE, one interrupt per write.
 *
 * QEMU 7.2's TCG has no x2APIC (and no TSC-deadline), so in the VM here
 * the xAPIC path and the periodic timer run; the x2APIC path, which
 * SEV-SNP and TDX guests use, and the TSC-deadline timer are proven by
 * the host tests (tests/unit/test_apic.c) against a model of the SDM's
 * rules (plat/host/apic_env.c).
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "svsm/err.h"

/* Register offsets (SDM vol. 3A, table 11-1). */
#define LAPIC_ID 0x020U
#define LAPIC_VERSION 0x030U
#define LAPIC_EOI 0x0B0U
#define LAPIC_SVR 0x0F0U
#define LAPIC_ICR_LOW 0x300U
#define LAPIC_ICR_HIGH 0x310U
#define LAPIC_LVT_TIMER 0x320U
#define LAPIC_TIMER_INITIAL 0x380U
#define LAPIC_TIMER_CURRENT 0x390U
#define LAPIC_TIMER_DIVIDE 0x3E0U
#define LAPIC_SELF_IPI 0x3F0U /* x2APIC mode only (SDM 11.12.11) */

/*
 * x2APIC mode (SDM vol. 3A, 11.12.1.2, table 11-6): the register at
 * offset R is MSR 0x800 + (R >> 4); ICR_LOW and ICR_HIGH are one 64-bit
 * MSR, destination in bits 63:32, and there is no MSR 0x831.
 */
#define LAPIC_X2APIC_MSR_BASE 0x800U
#define LAPIC_X2APIC_ICR_MSR 0x830U
#define LAPIC_X2APIC_ICR_DEST_SHIFT 32U

#define LAPIC_SVR_ENABLE (1U << 8)
#define LAPIC_LVT_MASKED (1U << 16)
#define LAPIC_LVT_PERIODIC (1U << 17)
/* LVT timer mode, bits 18:17 (SDM vol. 3A, 11.5.1, figure 11-8). */
#define LAPIC_LVT_TIMER_MODE_MASK (3U << 17)
#define LAPIC_LVT_TSC_DEADLINE (2U << 17)
#define LAPIC_DIVIDE_16 0x3U

/* Interrupt command register fields (SDM vol. 3A, 11.6.1, figure 11-12). */
#define LAPIC_ICR_INIT (5U << 8)
#define LAPIC_ICR_STARTUP (6U << 8)
#define LAPIC_ICR_PENDING (1U << 12) /* xAPIC delivery status: pending */
#define LAPIC_ICR_ASSERT (1U << 14)
#define LAPIC_ICR_LEVEL (1U << 15)
#define LAPIC_ICR_DEST_SHIFT 24U /* in ICR_HIGH: 8-bit xAPIC destination */
#define LAPIC_XAPIC_MAX_ID 0xFFU

/** How the timer counts (SDM vol. 3A, 11.5.4). */
enum lapic_timer_mode {
	LAPIC_TIMER_PERIODIC = 0,     /**< bus clock: periodic or one-shot */
	LAPIC_TIMER_TSC_DEADLINE = 1, /**< IA32_TSC_DEADLINE, one-shot */
};

/**
 * Enables this CPU's local APIC with the spurious vector, in x2APIC mode
 * when the CPU has it, else in xAPIC mode (mapping the page, uncached,
 * once). The first call chooses the mode for every CPU; a later CPU that
 * cannot use the same mode gets SVSM_ERR_UNSUPPORTED, as does an APIC
 * that is disabled in IA32_APIC_BASE.
 */
enum svsm_err lapic_init(void) SVSM_MUST_CHECK;
/** Whether lapic_init() succeeded. */
bool lapic_ready(void);
/** This CPU's APIC ID: 8 bits in xAPIC mode, 32 in x2APIC mode. */
uint32_t lapic_id(void);
/** Signals end of interrupt. */
void lapic_eoi(void);
/**
 * The timer's rate (divide by 16) in ticks per millisecond, measured on
 * the first call and remembered after: against the clock over 2 ms with
 * bracketed reads once the clock runs, else against the PIT over 10 ms.
 * SVSM_ERR_IO if no measurement succeeds.
 */
enum svsm_err lapic_timer_calibrate(uint32_t *ticks_per_ms) SVSM_MUST_CHECK;
/** Starts the timer: `vector` every `ticks` (periodic) or once. */
void lapic_timer_start(uint32_t vector, uint32_t ticks, bool is_periodic);
/** Stops (masks) the timer. */
void lapic_timer_stop(void);
/**
 * The timer mode the first lapic_init() chose for every CPU:
 * LAPIC_TIMER_TSC_DEADLINE when the CPU has it and the command line does
 * not say `nolapic_tscdeadline`; LAPIC_TIMER_PERIODIC otherwise, and
 * before lapic_init().
 */
enum lapic_timer_mode lapic_timer_mode(void);
/** A name for `mode`, for the boot log ("periodic", "TSC-deadline"). */
const char *lapic_timer_mode_name(enum lapic_timer_mode mode);
/**
 * Switches the timer to TSC-deadline mode with `vector` and arms it for
 * TSC value `tsc_deadline` (0 leaves it disarmed): the LVT write, a
 * fence (in xAPIC mode the MMIO write and the WRMSR are not ordered
 * otherwise, SDM 11.5.4.1), then IA32_TSC_DEADLINE. A deadline already
 * past fires at once. SVSM_ERR_UNSUPPORTED, with nothing written, unless
 * lapic_timer_mode() is LAPIC_TIMER_TSC_DEADLINE.
 */
enum svsm_err lapic_timer_arm_deadline(uint32_t vector,
				       uint64_t tsc_deadline) SVSM_MUST_CHECK;
/**
 * Re-arms the timer that lapic_timer_arm_deadline() set up, for TSC
 * value `tsc_deadline`: a fenced WRMSR, no LVT write (the tick's handler
 * calls it on every tick). 0 disarms.
 */
void lapic_timer_set_deadline(uint64_t tsc_deadline);
/**
 * Stops a TSC-deadline timer: writes 0 to IA32_TSC_DEADLINE (disarm),
 * then masks the LVT, which also leaves TSC-deadline mode.
 */
void lapic_timer_stop_deadline(void);
/**
 * Sends the IPI `icr_low` (delivery mode, level, vector) to the APIC with
 * ID `apic_id`. In xAPIC mode it then waits (bounded) until the APIC has
 * sent it; x2APIC has no delivery status to wait on. SVSM_ERR_RANGE for
 * an ID above 255 in xAPIC mode, SVSM_ERR_IO when the send stays
 * pending, SVSM_ERR_UNSUPPORTED before lapic_init().
 */
enum svsm_err lapic_send_ipi(uint32_t apic_id,
			     uint32_t icr_low) SVSM_MUST_CHECK;
/** Sends INIT (level, assert) to `apic_id`: the CPU waits for a SIPI. */
enum svsm_err lapic_send_init(uint32_t apic_id) SVSM_MUST_CHECK;
/** Sends a start-up IPI: the CPU starts in real mode at `page` << 12. */
enum svsm_err lapic_send_startup(uint32_t apic_id,
				 uint8_t page) SVSM_MUST_CHECK;
/**
 * Busy-waits at least `us` microseconds: on the TSC clock once it runs
 * (clock_delay_us, which leaves the APIC timer to the tick), before that
 * on this CPU's APIC timer (masked, one-shot, calibrated against the PIT
 * on first use), which it stops. SVSM_ERR_IO when calibration fails.
 */
enum svsm_err lapic_delay_us(uint32_t us) SVSM_MUST_CHECK;
