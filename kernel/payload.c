// SPDX-License-Identifier: MIT
/*
 * The production payload: for now the kernel reports that it is ready
 * and idles. The services (request loop, vTPM, ...) start here as they
 * arrive.
 */
#include "svsm/boot.h"
#include "svsm/log.h"
#include "svsm/plat.h"

/** Reports readiness and idles until the VM is stopped. */
void kernel_payload(void)
{
	log_printf("csvsm: ready\n");
	plat_idle();
}
