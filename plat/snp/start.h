/* SPDX-License-Identifier: MIT */
/*
 * The SEV-SNP boot sequence: the checks of boot.h run in one fixed order
 * over the backend seam (arch/x86/snp_ops.h), each refusal turned into a
 * termination request with its own reason before anything later runs:
 *
 *   1. SEV_STATUS      the features csvsm requires, nothing it refuses
 *   2. CPUID page      copied once and checked; the source of CPUID
 *   3. C-bit           the host's GHCB SEV information agrees with the
 *                      CPUID page, and every present entry of the
 *                      page-table pages carries it (the entry stub's work)
 *   4. secrets page    copied once into csvsm's memory and checked
 *   5. GHCB            the boot CPU's GHCB page (a page of the image)
 *                      rescinded, made shared, its mapping made shared,
 *                      registered
 *   6. validation table the memory the launch validated recorded, and
 *                      the GHCB page's shared state carried over
 *
 * Steps 1-5 run before the kernel has a page allocator (snp_boot_early);
 * step 6 runs when mm_init() builds the SVSM region's table
 * (snp_boot_table). Until then the GHCB page's state lives in a
 * one-page table of its own, so that no page-state change is ever made
 * outside a table.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "svsm/err.h"
#include "svsm/valid_state.h"

#include "boot.h"
#include "ghcb.h"
#include "ghcb_msr.h"
#include "uapi/svsm/launch.h"
#include "uapi/svsm/snp_secrets.h"

/** The steps, in order; `snp_boot.steps` is the last one done. */
enum snp_boot_step {
	SNP_BOOT_NONE = 0,
	SNP_BOOT_SEV_STATUS,
	SNP_BOOT_CPUID,
	SNP_BOOT_CBIT,
	SNP_BOOT_SECRETS,
	SNP_BOOT_GHCB,
	SNP_BOOT_TABLE,
};

/** What the boot reads besides the hardware. */
struct snp_boot_in {
	const struct svsm_launch_info *li; /**< csvsm's copy */
	const uint64_t *ptes; /**< the page-table pages [pt_pbase, pt_pend) */
	size_t pte_count;
	void *ghcb_va; /**< the boot CPU's GHCB page, a page of the image */
	uint64_t ghcb_gpa;
};

/** What the boot established. */
struct snp_boot {
	enum snp_boot_step steps;
	uint64_t sev_status;
	uint64_t sev_features; /**< for csvsm's own VMSAs */
	struct ghcb_sev_info info;
	struct snp_cpuid cpuid;
	struct snp_secrets_page secrets; /**< csvsm's copy, VMPCK0 in it */
	struct ghcb *ghcb; /**< the boot CPU's GHCB page, shared mapping */
	uint64_t ghcb_gpa;
	struct valid_region ghcb_valid; /**< its state until step 6 */
	uint8_t ghcb_bits[1];
};

/**
 * Steps 1-5 into `b`. On a refusal the termination is requested (on
 * hardware it does not return) and the error is returned with
 * `b->steps` at the last step that passed.
 */
enum svsm_err snp_boot_early(struct snp_boot *b,
			     const struct snp_boot_in *in) SVSM_MUST_CHECK;
/**
 * Step 6: records the launch's pre-validated memory of `li` in `r` (the
 * SVSM region's table, still all INVALID) and the GHCB page SHARED.
 * Terminates on a refusal, as snp_boot_early does.
 */
enum svsm_err snp_boot_table(struct snp_boot *b, struct valid_region *r,
			     const struct svsm_launch_info *li) SVSM_MUST_CHECK;
