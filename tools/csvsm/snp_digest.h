/* SPDX-License-Identifier: MIT */
/*
 * The SEV-SNP launch digest of a checked IGVM file: the value the AMD
 * secure processor reports as MEASUREMENT after the host has loaded the
 * file's SNP directives with SNP_LAUNCH_UPDATE in file order (SNP ABI
 * specification, section 8.17, PAGE_INFO). docs/MEASURE.md says exactly
 * which directives count and how.
 */
#pragma once

#include <stdint.h>

#include "svsm/err.h"

#include "igvm/igvm_file.h"

#define SNP_DIGEST_SIZE 48U
#define SNP_PAGE_INFO_SIZE 0x70U

/* PAGE_INFO page types (SNP ABI, SNP_LAUNCH_UPDATE PAGE_TYPE). */
#define SNP_PAGE_TYPE_NORMAL 0x1U
#define SNP_PAGE_TYPE_VMSA 0x2U
#define SNP_PAGE_TYPE_ZERO 0x3U
#define SNP_PAGE_TYPE_UNMEASURED 0x4U
#define SNP_PAGE_TYPE_SECRETS 0x5U
#define SNP_PAGE_TYPE_CPUID 0x6U

/** Counts of the PAGE_INFO records folded into a digest, by page type. */
struct snp_digest_stats {
	uint32_t type_count[7]; /**< indexed by SNP_PAGE_TYPE_* */
};

/**
 * Builds the 112-byte PAGE_INFO for one 4 KiB page into `out`: the
 * running digest, `contents` (a SHA-384, or NULL for 48 zero bytes), the
 * length 0x70, `page_type`, and `gpa`; IMI and VMPL permissions zero.
 */
void snp_page_info(uint8_t out[SNP_PAGE_INFO_SIZE],
		   const uint8_t digest[SNP_DIGEST_SIZE],
		   const uint8_t *contents, uint8_t page_type, uint64_t gpa);

/**
 * Computes the launch digest of the SEV-SNP platform of the parsed file
 * `f` into `digest`, and (if `stats` is not NULL) how many pages of each
 * type went into it. Fails with SVSM_ERR_INVAL and a one-line reason in
 * `why` if the file declares no SEV-SNP platform.
 */
enum svsm_err snp_digest_compute(const struct igvm_file *f,
				 uint8_t digest[SNP_DIGEST_SIZE],
				 struct snp_digest_stats *stats, char *why,
				 size_t why_size) SVSM_MUST_CHECK;
