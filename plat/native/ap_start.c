// SPDX-License-Identifier: MIT
/*
 * Starting an application processor on the native platform with the
 * universal start-up algorithm (Intel SDM vol. 3A, 9.4.4.1): INIT, wait
 * 10 ms, SIPI, wait 200 us, SIPI, wait 200 us. The IPIs go through the
 * local APIC in whichever mode it runs (arch/apic.h). This file uses only
 * the APIC calls, so the host tests run it unmodified against the APIC
 * model and check the whole sequence in both modes.
 */
#include "ap_start.h"

#include "arch/apic.h"

#define INIT_DELAY_US 10000U
#define SIPI_DELAY_US 200U
#define SIPI_LIMIT 0x100000ULL /* the vector is a page number: 8 bits */

/** INIT-SIPI-SIPI to `apic_id`; see ap_start.h. */
enum svsm_err native_start_ap(uint32_t apic_id, paddr_t trampoline_pa)
{
	if (!pa_is_page_aligned(trampoline_pa)) {
		return SVSM_ERR_INVAL;
	}
	if (pa_addr(trampoline_pa) >= SIPI_LIMIT) {
		return SVSM_ERR_RANGE;
	}
	uint8_t page = (uint8_t)(pa_addr(trampoline_pa) >> PAGE_SHIFT);
	enum svsm_err err = lapic_send_init(apic_id);

	if (err == SVSM_OK) {
		err = lapic_delay_us(INIT_DELAY_US);
	}
	for (uint32_t i = 0; i < 2 && err == SVSM_OK; i++) {
		err = lapic_send_startup(apic_id, page);
		if (err == SVSM_OK) {
			err = lapic_delay_us(SIPI_DELAY_US);
		}
	}
	return err;
}
