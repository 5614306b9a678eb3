/* SPDX-License-Identifier: MIT */
/*
 * Host stand-in for the local APIC (apic_env.c): the `lapic_hw_*`
 * backend of arch/x86/apic_ops.h as a model that records every access
 * and raises a "fault" where the hardware would raise #GP (or silently
 * ignore an access the driver relies on).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "svsm/err.h"

/** What one recorded access was. */
enum apic_env_kind {
	APIC_ENV_MMIO_READ,
	APIC_ENV_MMIO_WRITE,
	APIC_ENV_RDMSR,
	APIC_ENV_WRMSR,
	APIC_ENV_FENCE,
	APIC_ENV_DELAY, /**< lapic_delay_us(); `val` is the microseconds */
};

/** One recorded access: MMIO offset or MSR in `addr`, value in `val`. */
struct apic_env_access {
	enum apic_env_kind kind;
	uint32_t addr;
	uint64_t val;
};

/**
 * Resets the model: an APIC with ID `apic_id` (32 bits; xAPIC mode shows
 * the low 8), x2APIC support as `has_x2apic` says, IA32_APIC_BASE at
 * `apic_base`, registers at their reset values, an empty log, no fault.
 */
void apic_env_reset(uint32_t apic_id, bool has_x2apic, uint64_t apic_base);
/** Empties the log (the model's state stays). */
void apic_env_log_clear(void);
/** How many accesses were made since the log was last emptied. */
size_t apic_env_log_count(void);
/** Access `i` of the log; NULL past the end or past the log's room. */
const struct apic_env_access *apic_env_log_get(size_t i);
/**
 * The first rule the driver broke since the reset ("EOI written with a
 * non-zero value", ...), or NULL.
 */
const char *apic_env_fault(void);
/** The model's IA32_APIC_BASE. */
uint64_t apic_env_apic_base(void);
/**
 * Keeps the xAPIC ICR's delivery status "send pending" for the next `n`
 * reads after each send (UINT32_MAX: for ever).
 */
void apic_env_set_pending_reads(uint32_t n);
/** Makes lapic_delay_us() fail with `err` (SVSM_OK: succeed). */
void apic_env_set_delay_err(enum svsm_err err);
/**
 * Gives the CPU the TSC-deadline timer (CPUID.1:ECX[24]) or takes it
 * away; a reset takes it away.
 */
void apic_env_set_tsc_deadline(bool has_tsc_deadline);
/** The armed IA32_TSC_DEADLINE value; 0 when disarmed. */
uint64_t apic_env_tsc_deadline(void);
