/* SPDX-License-Identifier: MIT */
/* Starting an AP on the native platform (ap_start.c). */
#pragma once

#include <stdint.h>

#include "svsm/addr.h"
#include "svsm/err.h"

/** INIT, SIPI, SIPI to `apic_id`; plat_start_ap() in svsm/plat.h. */
enum svsm_err native_start_ap(uint32_t apic_id,
			      paddr_t trampoline_pa) SVSM_MUST_CHECK;
