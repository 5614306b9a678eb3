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
#include "svsm/valid_state.h"

#include "uapi/svsm/launch.h"

struct trap_frame;

/** The platform the kernel runs on (SVSM_LAUNCH_PLATFORM_*). */
enum plat_type {
	PLAT_NATIVE = 0,
	PLAT_SNP = 1,
	PLAT_TDX = 2,
};

/**
 * Records the platform and brings up its console. SEV-SNP: first the
 * boot checks of plat/snp/start.h against the launch info `li` (a
 * refusal requests termination).
 */
enum svsm_err
plat_init_early(uint32_t platform,
		const struct svsm_launch_info *li) SVSM_MUST_CHECK;
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
 * Records in `r` (the SVSM region's validation table, all INVALID) the
 * pages the launch placed and validated: native, the image
 * [kernel_pbase, free_pbase); SEV-SNP, the same after checking the
 * launch info, with the GHCB pages SHARED (plat/snp/start.h, step 6).
 */
enum svsm_err
plat_record_prevalidated(struct valid_region *r,
			 const struct svsm_launch_info *li) SVSM_MUST_CHECK;
/**
 * A #VC (vector 29): SEV-SNP handles what it can and updates `f`; true
 * when the interrupted code may go on. Native: false (there is no #VC).
 */
bool plat_handle_vc(struct trap_frame *f);
/** What an AP needs to reach ap_main() (smp.c fills it). */
struct plat_ap_boot {
	uint64_t cr3;	    /**< its own PML4 */
	uint64_t stack_top; /**< 16-byte aligned */
	uint32_t cpu_index;
};
/**
 * Whether APs start through the real-mode trampoline (native: a
 * start-up IPI). SEV-SNP starts them from a VMSA in 64-bit mode, and the
 * low page the trampoline would use is the guest's.
 */
bool plat_ap_uses_trampoline(void);
/**
 * Starts the application processor with APIC ID `apic_id` at the
 * real-mode trampoline in the page at `trampoline_pa` (page-aligned,
 * below 1 MiB), and returns once the platform has sent it on its way;
 * the caller waits for the CPU to report itself. Native: INIT, SIPI,
 * SIPI through the local APIC; SEV-SNP: a VMSA csvsm builds from `ap`
 * and the AP creation request (the trampoline is not used). Native:
 * SVSM_ERR_INVAL or SVSM_ERR_RANGE for a trampoline address a start-up
 * IPI cannot carry, or the local APIC's error; SVSM_ERR_UNSUPPORTED
 * where the platform cannot start APs yet (TDX).
 */
enum svsm_err plat_start_ap(uint32_t apic_id, paddr_t trampoline_pa,
			    const struct plat_ap_boot *ap) SVSM_MUST_CHECK;
/**
 * Runs the platform's own payload on this CPU, if it has one: SEV-SNP,
 * the VMPL switch loop (it returns when this CPU has no guest vCPU);
 * native, none. True when it ran: the kernel then idles instead of
 * starting init.
 */
bool plat_run_payload(void);
/**
 * Starts the platform's way of receiving guest requests (native: the
 * request channel on COM2, when the host attached one; SNP: the VMPL
 * switch loop, later). SVSM_ERR_NOTFOUND when there is none.
 */
enum svsm_err plat_start_requests(void) SVSM_MUST_CHECK;
/** Waits for interrupts forever. */
__attribute__((noreturn)) void plat_idle(void);
