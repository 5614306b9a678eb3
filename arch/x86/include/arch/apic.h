/* SPDX-License-Identifier: MIT */
/*
 * The local APIC in xAPIC mode (MMIO at the address IA32_APIC_BASE gives;
 * Intel SDM vol. 3A, chapter 11), as QEMU 7.2's TCG provides it (no
 * x2APIC, no TSC-deadline). SEV-SNP and TDX guests use x2APIC; that path
 * comes with their platforms.
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
#define LAPIC_LVT_TIMER 0x320U
#define LAPIC_TIMER_INITIAL 0x380U
#define LAPIC_TIMER_CURRENT 0x390U
#define LAPIC_TIMER_DIVIDE 0x3E0U

#define LAPIC_SVR_ENABLE (1U << 8)
#define LAPIC_LVT_MASKED (1U << 16)
#define LAPIC_LVT_PERIODIC (1U << 17)
#define LAPIC_DIVIDE_16 0x3U

/**
 * Maps this CPU's local APIC (uncached) and enables it with the spurious
 * vector. SVSM_ERR_UNSUPPORTED if the APIC is off or in x2APIC mode.
 */
enum svsm_err lapic_init(void) SVSM_MUST_CHECK;
/** Whether lapic_init() succeeded. */
bool lapic_ready(void);
/** This CPU's APIC ID. */
uint32_t lapic_id(void);
/** Signals end of interrupt. */
void lapic_eoi(void);
/**
 * Measures the timer's rate (divide by 16) against the PIT over 10 ms:
 * ticks per millisecond. SVSM_ERR_IO if the PIT never finishes.
 */
enum svsm_err lapic_timer_calibrate(uint32_t *ticks_per_ms) SVSM_MUST_CHECK;
/** Starts the timer: `vector` every `ticks` (periodic) or once. */
void lapic_timer_start(uint32_t vector, uint32_t ticks, bool is_periodic);
/** Stops (masks) the timer. */
void lapic_timer_stop(void);
