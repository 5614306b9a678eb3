/* SPDX-License-Identifier: MIT */
/*
 * The SEV-SNP platform's side of the plat_* interface (svsm/plat.h),
 * called by the platform layer (plat/native/plat.c) only when the launch
 * said SEV-SNP, so none of it runs on native. Kernel only: it reaches
 * trap frames, the page allocator and the CPU's registers.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "svsm/addr.h"
#include "svsm/err.h"
#include "svsm/plat.h"
#include "svsm/valid_state.h"

#include "uapi/svsm/launch.h"

struct trap_frame;

/** The boot sequence's steps 1-5 (plat/snp/start.h); then the console. */
enum svsm_err snp_plat_init(const struct svsm_launch_info *li) SVSM_MUST_CHECK;
/** Console bytes to COM1 through this CPU's GHCB (no #VC needed). */
void snp_plat_console_write(const char *s, size_t len);
/** A termination request: stopped on purpose, or failed. */
__attribute__((noreturn)) void snp_plat_exit(bool success);
/** PVALIDATE of each page through the temporary window. */
enum svsm_err snp_plat_validate(paddr_t pa, uint64_t pages,
				bool valid) SVSM_MUST_CHECK;
/** Step 6 of the boot sequence into the SVSM region's table `r`. */
enum svsm_err
snp_plat_record_prevalidated(struct valid_region *r,
			     const struct svsm_launch_info *li) SVSM_MUST_CHECK;
/** The #VC entry: true when handled (the frame updated). */
bool snp_plat_vc(struct trap_frame *f);
/** Starts an AP from a VMSA csvsm builds (plat/snp/ap_start.c). */
enum svsm_err snp_plat_start_ap(uint32_t apic_id,
				const struct plat_ap_boot *ap) SVSM_MUST_CHECK;
/** The VMPL switch loop on this CPU until it has no guest vCPU. */
void snp_plat_run_loop(void);
