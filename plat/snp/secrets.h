/* SPDX-License-Identifier: MIT */
/*
 * The SEV-SNP secrets page (include/uapi/svsm/snp_secrets.h): checking
 * the firmware's page and building the guest's copy, in which the keys
 * of every VMPL more privileged than the guest's are zeroed (VMPCK0 is
 * csvsm's alone) and the SVSM fields say where csvsm is.
 */
#pragma once

#include <stdint.h>

#include "svsm/err.h"

#include "uapi/svsm/snp_secrets.h"

/** What the guest's copy tells the guest about the SVSM. */
struct snp_secrets_svsm {
	uint64_t base; /**< the SVSM's region, page aligned, non-empty */
	uint64_t size;
	uint64_t caa;	    /**< the boot vCPU's calling area, page aligned */
	uint8_t guest_vmpl; /**< 1-3 */
};

/**
 * Checks the page the firmware gave (copied in by the caller): a
 * version csvsm knows (2 or 3), no SVSM fields set yet.
 */
enum svsm_err
snp_secrets_check(const struct snp_secrets_page *fw) SVSM_MUST_CHECK;
/**
 * Builds the guest's copy `out` of the checked page `fw`: VMPCK0 ..
 * VMPCK(guest_vmpl - 1) zeroed, the SVSM fields from `svsm` (core
 * protocol version 1). Writes `out` only on success.
 */
enum svsm_err
snp_secrets_guest_copy(const struct snp_secrets_page *fw,
		       const struct snp_secrets_svsm *svsm,
		       struct snp_secrets_page *out) SVSM_MUST_CHECK;
