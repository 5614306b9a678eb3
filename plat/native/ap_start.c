// SPDX-License-Identifier: MIT
/*
 * Starting an application processor on the native platform with the
 * universal start-up algorithm (Intel SDM vol. 3A, 9.4.4.1): INIT, wait
 * 10 ms, SIPI, wait 200 us, SIPI, wait 200 us. CPUs of the last two
 * decades need no wait after INIT (native_init_delay_us), which saves
 * 10 ms per AP at boot. The IPIs go through the
 * local APIC in whichever mode it runs (arch/apic.h). This file uses only
 * the APIC calls, so the host tests run it unmodified against the APIC
 * model and check the whole sequence in both modes.
 */
#include "ap_start.h"

#include <stdbool.h>

#include "arch/apic.h"

#define SIPI_DELAY_US 200U
#define SIPI_LIMIT 0x100000ULL /* the vector is a page number: 8 bits */

/** INIT-SIPI-SIPI to `apic_id`; see ap_start.h. */
enum svsm_err native_start_ap(uint32_t apic_id, paddr_t trampoline_pa,
			      uint32_t init_delay_us)
{
	if (!pa_is_page_aligned(trampoline_pa)) {
		return SVSM_ERR_INVAL;
	}
	if (pa_addr(trampoline_pa) >= SIPI_LIMIT) {
		return SVSM_ERR_RANGE;
	}
	uint8_t page = (uint8_t)(pa_addr(trampoline_pa) >> PAGE_SHIFT);
	enum svsm_err err = lapic_send_init(apic_id);

	if (err == SVSM_OK && init_delay_us != 0) {
		err = lapic_delay_us(init_delay_us);
	}
	for (uint32_t i = 0; i < 2 && err == SVSM_OK; i++) {
		err = lapic_send_startup(apic_id, page);
		if (err == SVSM_OK) {
			err = lapic_delay_us(SIPI_DELAY_US);
		}
	}
	return err;
}

/* CPUID leaf 0 vendor strings, as EBX, EDX, ECX. */
#define VENDOR_INTEL_EBX 0x756E6547U /* "Genu" */
#define VENDOR_INTEL_EDX 0x49656E69U /* "ineI" */
#define VENDOR_INTEL_ECX 0x6C65746EU /* "ntel" */
#define VENDOR_AMD_EBX 0x68747541U   /* "Auth" */
#define VENDOR_AMD_EDX 0x69746E65U   /* "enti" */
#define VENDOR_AMD_ECX 0x444D4163U   /* "cAMD" */
#define VENDOR_HYGON_EBX 0x6F677948U /* "Hygo" */
#define VENDOR_HYGON_EDX 0x6E65476EU /* "nGen" */
#define VENDOR_HYGON_ECX 0x656E6975U /* "uine" */

/** The display family of CPUID leaf 1 EAX (SDM vol. 2A, CPUID). */
static uint32_t display_family(uint32_t eax)
{
	uint32_t family = (eax >> 8) & 0xFU;

	return family == 0xFU ? family + ((eax >> 20) & 0xFFU) : family;
}

/** The wait after INIT for this CPU; see ap_start.h. */
uint32_t native_init_delay_us(uint32_t vendor_ebx, uint32_t vendor_edx,
			      uint32_t vendor_ecx, uint32_t leaf1_eax)
{
	uint32_t family = display_family(leaf1_eax);
	bool is_intel = vendor_ebx == VENDOR_INTEL_EBX &&
			vendor_edx == VENDOR_INTEL_EDX &&
			vendor_ecx == VENDOR_INTEL_ECX;
	bool is_amd = vendor_ebx == VENDOR_AMD_EBX &&
		      vendor_edx == VENDOR_AMD_EDX &&
		      vendor_ecx == VENDOR_AMD_ECX;
	bool is_hygon = vendor_ebx == VENDOR_HYGON_EBX &&
			vendor_edx == VENDOR_HYGON_EDX &&
			vendor_ecx == VENDOR_HYGON_ECX;

	if ((is_intel && family >= 6U) || (is_amd && family >= 0xFU) ||
	    (is_hygon && family >= 0x18U)) {
		return 0;
	}
	return NATIVE_INIT_DELAY_LEGACY_US;
}
