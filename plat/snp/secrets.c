// SPDX-License-Identifier: MIT
/*
 * The SEV-SNP secrets page (secrets.h). csvsm keeps the firmware's page
 * private: VMPCK0 is the key of its own messages to the secure processor
 * (attestation reports for any VMPL), so a guest that could read it
 * could forge VMPL0's requests. The guest gets a copy built here, with
 * the keys of VMPL0 up to its own VMPL wiped (COCONUT `copy_for_vmpl`),
 * and the SVSM fields set as SVSM 58019 says (Linux checks svsm_size,
 * svsm_guest_vmpl and the CAA's alignment: svsm-abi-and-peers.md 1.3).
 */
#include "secrets.h"

#include "svsm/string.h"

#define PAGE 0x1000ULL
#define SECRETS_VERSION_MIN 2U
#define SECRETS_VERSION_MAX 3U
#define SVSM_CORE_VERSION_MAX 1U

enum svsm_err snp_secrets_check(const struct snp_secrets_page *fw)
{
	if (fw->version < SECRETS_VERSION_MIN ||
	    fw->version > SECRETS_VERSION_MAX) {
		return SVSM_ERR_UNSUPPORTED;
	}
	if (fw->svsm_base != 0 || fw->svsm_size != 0 || fw->svsm_caa != 0 ||
	    fw->svsm_max_version != 0 || fw->svsm_guest_vmpl != 0) {
		return SVSM_ERR_INVAL;
	}
	return SVSM_OK;
}

enum svsm_err snp_secrets_guest_copy(const struct snp_secrets_page *fw,
				     const struct snp_secrets_svsm *svsm,
				     struct snp_secrets_page *out)
{
	if (svsm->guest_vmpl == 0 || svsm->guest_vmpl >= SNP_VMPCK_COUNT ||
	    svsm->size == 0 ||
	    ((svsm->base | svsm->size | svsm->caa) & (PAGE - 1U)) != 0 ||
	    svsm->base > UINT64_MAX - svsm->size) {
		return SVSM_ERR_INVAL;
	}
	if (svsm->caa >= svsm->base && svsm->caa < svsm->base + svsm->size) {
		return SVSM_ERR_INVAL; /* the guest's CAA is not the SVSM's */
	}
	memcpy(out, fw, sizeof(*out));
	for (uint8_t i = 0; i < svsm->guest_vmpl; i++) {
		memset(out->vmpck[i], 0, SNP_VMPCK_SIZE);
	}
	out->svsm_base = svsm->base;
	out->svsm_size = svsm->size;
	out->svsm_caa = svsm->caa;
	out->svsm_max_version = SVSM_CORE_VERSION_MAX;
	out->svsm_guest_vmpl = svsm->guest_vmpl;
	return SVSM_OK;
}
