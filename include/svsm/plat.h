/* SPDX-License-Identifier: MIT */
/*
 * The platform interface. Core code reaches everything that differs
 * between native, SEV-SNP and TDX through these calls; the platform is
 * chosen once at boot from the number the launch context carries.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "svsm/addr.h"
#include "svsm/err.h"

/** The platform the kernel runs on (SVSM_LAUNCH_PLATFORM_*). */
enum plat_type {
	PLAT_NATIVE = 0,
	PLAT_SNP = 1,
	PLAT_TDX = 2,
};

/** Records the platform and brings up its console. */
enum svsm_err plat_init_early(uint32_t platform) SVSM_MUST_CHECK;
/** The platform's name ("native", "sev-snp", "tdx"). */
const char *plat_name(void);
/** Writes console bytes (no-op before plat_init_early). */
void plat_console_write(const char *s, size_t len);
/**
 * Leaves the VM reporting success or failure: the test device on native
 * (QEMU isa-debug-exit), a termination request on SNP and TDX. Never
 * returns; halts if the platform cannot exit.
 */
__attribute__((noreturn)) void plat_exit(bool success);
/**
 * The platform's part of page validation (SEV-SNP: PVALIDATE; native:
 * nothing to do). Called only after the validation table agreed; a
 * failure means integrity is lost.
 */
enum svsm_err plat_validate_pages(paddr_t pa, uint64_t pages,
				  bool valid) SVSM_MUST_CHECK;
/**
 * Starts the application processor with APIC ID `apic_id` at the
 * real-mode trampoline in the page at `trampoline_pa` (page-aligned,
 * below 1 MiB), and returns once the platform has sent it on its way;
 * the caller waits for the CPU to report itself. Native: INIT, SIPI,
 * SIPI through the local APIC. SVSM_ERR_INVAL or SVSM_ERR_RANGE for a
 * trampoline address a start-up IPI cannot carry, SVSM_ERR_UNSUPPORTED
 * where the platform cannot start APs yet (SEV-SNP, TDX), or the local
 * APIC's error.
 */
enum svsm_err plat_start_ap(uint32_t apic_id,
			    paddr_t trampoline_pa) SVSM_MUST_CHECK;
/**
 * Starts the platform's way of receiving guest requests (native: the
 * request channel on COM2, when the host attached one; SNP: the VMPL
 * switch loop, later). SVSM_ERR_NOTFOUND when there is none.
 */
enum svsm_err plat_start_requests(void) SVSM_MUST_CHECK;
/** Waits for interrupts forever. */
__attribute__((noreturn)) void plat_idle(void);
