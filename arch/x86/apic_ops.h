/* SPDX-License-Identifier: MIT */
/*
 * Inside the local APIC driver: the two register-access modes behind
 * arch/apic.h, the pure encodings they use, and the backend they reach
 * the hardware through. apic_ops.c holds everything here and builds both
 * for the kernel and for the host unit tests; the backend (`lapic_hw_*`)
 * is real MMIO and MSRs in apic.c and a model that checks the SDM's
 * rules in plat/host/apic_env.c.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "arch/apic.h"

#include "svsm/err.h"

/** The local APIC's register interface (SDM vol. 3A, 11.12.5.1). */
enum lapic_mode {
	LAPIC_MODE_XAPIC = 0,  /**< MMIO page, 8-bit IDs */
	LAPIC_MODE_X2APIC = 1, /**< MSRs 0x800-0x8FF, 32-bit IDs */
};

/**
 * One mode's register access. Only these four differ between the modes;
 * everything in arch/apic.h is built on them. The two tables (xAPIC and
 * x2APIC, in apic_ops.c) are const and the driver picks one once, in
 * lapic_init().
 */
struct lapic_ops {
	enum lapic_mode mode;
	/** Reads the 32-bit register at xAPIC offset `reg`. */
	uint32_t (*read)(uint32_t reg);
	/** Writes the 32-bit register at xAPIC offset `reg`. */
	void (*write)(uint32_t reg, uint32_t val);
	/** Sends `icr_low` to APIC `dest`; see lapic_send_ipi(). */
	enum svsm_err (*send_icr)(uint32_t dest, uint32_t icr_low);
	/** This CPU's APIC ID. */
	uint32_t (*id)(void);
};

/** The MSR of the register at xAPIC offset `reg` in x2APIC mode. */
uint32_t lapic_x2apic_msr(uint32_t reg);
/**
 * The xAPIC ICR_HIGH value that addresses `dest` (bits 31:24), into
 * `*icr_high`. SVSM_ERR_RANGE if `dest` does not fit in 8 bits.
 */
enum svsm_err lapic_xapic_icr_high(uint32_t dest,
				   uint32_t *icr_high) SVSM_MUST_CHECK;
/** The x2APIC ICR value: `dest` in bits 63:32, `icr_low` below. */
uint64_t lapic_x2apic_icr(uint32_t dest, uint32_t icr_low);
/**
 * The mode to run this CPU's APIC in, from CPUID.1:ECX[21]
 * (`has_x2apic`) and IA32_APIC_BASE (`apic_base`): x2APIC if the APIC is
 * already in it (leaving it needs the APIC disabled first) or if the CPU
 * has it and `prefer_xapic` is false; xAPIC otherwise.
 * SVSM_ERR_UNSUPPORTED if the APIC is disabled (EN clear, including the
 * invalid EN=0, EXTD=1).
 */
enum svsm_err lapic_mode_choose(bool has_x2apic, uint64_t apic_base,
				bool prefer_xapic,
				enum lapic_mode *mode) SVSM_MUST_CHECK;
/**
 * The timer mode to use: TSC-deadline when CPUID.1:ECX[24] offers it
 * (`has_tsc_deadline`) and the command line did not turn it off
 * (`forced_off`), periodic otherwise.
 */
enum lapic_timer_mode lapic_timer_mode_choose(bool has_tsc_deadline,
					      bool forced_off);
/**
 * Fixes the timer mode for every CPU: what lapic_timer_mode() reports
 * and what lapic_timer_arm_deadline() checks. lapic_init() calls it on
 * the first CPU; the host tests call it to pick the path they drive.
 */
void lapic_timer_mode_set(enum lapic_timer_mode mode);
/**
 * The mode the first lapic_init() chose, into `*mode`; false before
 * that.
 */
bool lapic_mode_get(enum lapic_mode *mode);
/**
 * Starts this CPU's APIC in `mode` (from lapic_mode_choose() on this
 * CPU's `apic_base`): switches xAPIC to x2APIC in IA32_APIC_BASE if
 * needed, masks the timer and enables the APIC with the spurious vector.
 * The first call fixes the mode for all CPUs; SVSM_ERR_UNSUPPORTED, with
 * nothing written, for a later call in the other mode.
 */
enum svsm_err lapic_ops_start(enum lapic_mode mode,
			      uint64_t apic_base) SVSM_MUST_CHECK;
/**
 * Forgets the chosen mode and timer mode. For the host tests, which
 * start the model in one mode after the other; the kernel never calls
 * it.
 */
void lapic_ops_forget(void);
/** Reads a register through the chosen mode (after lapic_init()). */
uint32_t lapic_reg_read(uint32_t reg);
/** Writes a register through the chosen mode (after lapic_init()). */
void lapic_reg_write(uint32_t reg, uint32_t val);

/*
 * The backend. Offsets are xAPIC offsets into the APIC page; MSRs are
 * whole 64-bit values.
 */
/** Reads the 32-bit xAPIC register at `reg`. */
uint32_t lapic_hw_mmio_read(uint32_t reg);
/** Writes the 32-bit xAPIC register at `reg`. */
void lapic_hw_mmio_write(uint32_t reg, uint32_t val);
/** RDMSR. */
uint64_t lapic_hw_rdmsr(uint32_t msr);
/** WRMSR. */
void lapic_hw_wrmsr(uint32_t msr, uint64_t val);
/**
 * Orders earlier stores before a following x2APIC WRMSR, which is not
 * serializing (SDM vol. 3A, 11.12.3): MFENCE; LFENCE.
 */
void lapic_hw_fence(void);
/** One step of a busy-wait (PAUSE). */
void lapic_hw_relax(void);
