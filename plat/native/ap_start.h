/* SPDX-License-Identifier: MIT */
/* Starting an AP on the native platform (ap_start.c). */
#pragma once

#include <stdint.h>

#include "svsm/addr.h"
#include "svsm/err.h"

/* The SDM's wait between INIT and the first SIPI, for older CPUs. */
#define NATIVE_INIT_DELAY_LEGACY_US 10000U

/**
 * INIT, wait `init_delay_us` (none if 0), SIPI, 200 us, SIPI, 200 us to
 * `apic_id`; plat_start_ap() in svsm/plat.h.
 */
enum svsm_err native_start_ap(uint32_t apic_id, paddr_t trampoline_pa,
			      uint32_t init_delay_us) SVSM_MUST_CHECK;
/**
 * The wait after INIT for the boot CPU described by CPUID leaf 0 (the
 * vendor in EBX, EDX, ECX) and leaf 1 EAX (family): none for CPUs that
 * need no settling time after INIT (Intel family 6 and later, AMD family
 * 0xF and later, Hygon family 0x18 and later: the rule Linux applies),
 * NATIVE_INIT_DELAY_LEGACY_US for anything else.
 */
uint32_t native_init_delay_us(uint32_t vendor_ebx, uint32_t vendor_edx,
			      uint32_t vendor_ecx, uint32_t leaf1_eax);
