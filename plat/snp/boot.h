/* SPDX-License-Identifier: MIT */
/*
 * The checks csvsm's SEV-SNP entry makes before it trusts its platform,
 * each a function of copied-in values so that it is tested on the host:
 * SEV_STATUS (which SNP features are on), the CPUID page (parsed and
 * checked once, then the source of CPUID answers and of the C-bit
 * position, cross-checked with the hypervisor's), the C-bit in the
 * build-time page tables, the memory the launch validated (recorded in
 * the validation table), and the secrets page (csvsm keeps the firmware's
 * copy; the guest gets one without VMPCK0).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "svsm/err.h"
#include "svsm/valid_state.h"

#include "secrets.h"
#include "snp.h"
#include "uapi/svsm/launch.h"
#include "uapi/svsm/snp_cpuid.h"

/* SEV_STATUS (MSR C001_0131) bits (APM vol. 2, 15.34.10). */
#define SEV_STATUS_SEV (1ULL << 0)
#define SEV_STATUS_SEV_ES (1ULL << 1)
#define SEV_STATUS_SNP (1ULL << 2)
#define SEV_STATUS_VTOM (1ULL << 3)
#define SEV_STATUS_REFLECT_VC (1ULL << 4)
#define SEV_STATUS_RESTRICTED_INJ (1ULL << 5)
#define SEV_STATUS_ALTERNATE_INJ (1ULL << 6)
#define SEV_STATUS_DEBUG_SWAP (1ULL << 7)
#define SEV_STATUS_PREVENT_HOST_IBS (1ULL << 8)
#define SEV_STATUS_BTB_ISOLATION (1ULL << 9)
#define SEV_STATUS_VMPL_SSS (1ULL << 10)
#define SEV_STATUS_SECURE_TSC (1ULL << 11)
#define SEV_STATUS_VMSA_REG_PROT (1ULL << 16)
#define SEV_STATUS_SMT_PROT (1ULL << 17)

/** What csvsm cannot run without. */
#define SNP_STATUS_REQUIRED                                    \
	(SEV_STATUS_SEV | SEV_STATUS_SEV_ES | SEV_STATUS_SNP | \
	 SEV_STATUS_RESTRICTED_INJ)
/** What may be on as well: it changes nothing csvsm does. */
#define SNP_STATUS_TOLERATED                                   \
	(SEV_STATUS_DEBUG_SWAP | SEV_STATUS_PREVENT_HOST_IBS | \
	 SEV_STATUS_BTB_ISOLATION | SEV_STATUS_SMT_PROT)

/**
 * Checks SEV_STATUS: every SNP_STATUS_REQUIRED bit on, nothing on but
 * those and SNP_STATUS_TOLERATED. `*sev_features` gets the VMSA
 * SEV_FEATURES these bits mean (bit n of SEV_FEATURES is bit n + 2 of
 * SEV_STATUS), for csvsm's own VMSAs. SVSM_ERR_UNSUPPORTED otherwise.
 */
enum svsm_err snp_sev_status_check(uint64_t status,
				   uint64_t *sev_features) SVSM_MUST_CHECK;

/** The checked CPUID page, in csvsm's memory. */
struct snp_cpuid {
	struct snp_cpuid_page page;
	uint8_t cbit; /**< from leaf 0x8000001F EBX[5:0] */
};

/**
 * Copies the CPUID page at `src` once into `out` and checks the copy:
 * count at most SNP_CPUID_COUNT_MAX, every reserved field and byte zero,
 * XCR0/XSS inputs only for leaf 0xD, no function listed twice, leaves 0
 * and 0x8000_0000 present and every other leaf within the ranges they
 * give, leaf 0x8000_001F present with SEV and SEV-SNP set and a C-bit
 * position 32-51. SVSM_ERR_INVAL otherwise (`out` then holds nothing
 * usable).
 */
enum svsm_err snp_cpuid_load(const void *src, size_t len,
			     struct snp_cpuid *out) SVSM_MUST_CHECK;
/**
 * The answer for (`leaf`, `subleaf`) in the checked page; false when it
 * holds none (the caller must then not ask the hypervisor instead).
 * For leaf 0xD, only the entry for XCR0 = `xcr0`.
 */
bool snp_cpuid_find(const struct snp_cpuid *c, uint32_t leaf, uint32_t subleaf,
		    uint64_t xcr0, uint32_t regs[4]);
/**
 * The C-bit the CPUID page gives against the one the hypervisor reported
 * in the GHCB SEV information: they must agree, else the hypervisor is
 * lying about the page tables' encryption bit (SVSM_ERR_INTEGRITY).
 */
enum svsm_err snp_cbit_crosscheck(const struct snp_cpuid *c,
				  uint8_t ghcb_cbit) SVSM_MUST_CHECK;

/**
 * Sets the C-bit (bit `cbit`, 32-51) in every present entry of the
 * page-table pages `ptes` (`count` entries), as the entry stub does
 * before it enables paging. Checks all first and changes nothing if an
 * entry has it set already or an address reaching it (SVSM_ERR_INVAL).
 */
enum svsm_err snp_pte_encrypt(uint64_t *ptes, size_t count,
			      uint8_t cbit) SVSM_MUST_CHECK;
/** Whether every present entry of `ptes` has the C-bit `cbit`. */
bool snp_pte_is_encrypted(const uint64_t *ptes, size_t count, uint8_t cbit);

/**
 * Records the memory the launch validated in `r` (the SVSM region's
 * table): the image [kernel_pbase, free_pbase) of the launch info `li`.
 * The info is checked first: page aligned, ordered, inside `r`, the
 * parameter area, CPUID and secrets pages inside the image, the boot
 * VMSA outside the kernel region, the table still all INVALID there (a
 * range recorded twice is refused). SVSM_ERR_INVAL or _RANGE, or
 * _EXISTS, and nothing recorded.
 */
enum svsm_err
snp_prevalidated_record(struct valid_region *r,
			const struct svsm_launch_info *li) SVSM_MUST_CHECK;

/**
 * The secrets page at boot: copies the firmware's page at `fw_gpa` (the
 * SVSM's memory) into `keep` (csvsm's private copy, VMPCK0 included),
 * checks it, builds the guest's copy in `scratch` (VMPCK0 up to the
 * guest's VMPL zeroed, the SVSM fields from `svsm`) and writes it to
 * the guest's page at `guest_gpa`, which must be validated guest memory
 * of `g`. `scratch` is wiped afterwards.
 */
enum svsm_err
snp_secrets_boot(struct snp_guest *g, uint64_t fw_gpa, uint64_t guest_gpa,
		 const struct snp_secrets_svsm *svsm,
		 struct snp_secrets_page *keep,
		 struct snp_secrets_page *scratch) SVSM_MUST_CHECK;
