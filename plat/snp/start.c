// SPDX-License-Identifier: MIT
/*
 * The SEV-SNP boot sequence (start.h). Each step reads the hardware or
 * the host only through arch/x86/snp_ops.h and the GHCB clients, copies
 * what it reads once, and checks the copy with the functions of boot.c
 * and secrets.c. A step that refuses requests termination with the
 * reason of its own (GHCB_TERM_*), so that a host reading the reason
 * learns which check failed, and nothing after it runs. The errors that
 * the GHCB clients turn into a termination themselves (a broken MSR
 * protocol: GHCB_TERM_BAD_ANSWER; a protocol version outside the host's
 * range: set 0, GHCB_TERM_PROTOCOL) keep their reason.
 */
#include "start.h"

#include <stdbool.h>

#include "svsm/string.h"

#include "../../arch/x86/snp_ops.h"

#define PAGE 0x1000ULL

/** Terminates with `reason` unless the callee did already. */
static enum svsm_err refuse(enum svsm_err err, uint8_t reason)
{
	if (err != SVSM_ERR_INTEGRITY) {
		ghcb_msr_terminate(GHCB_TERM_SET_CSVSM, reason);
	}
	return err == SVSM_OK ? SVSM_ERR_INVAL : err;
}

/** Step 1: SEV_STATUS against csvsm's policy (boot.h). */
static enum svsm_err step_status(struct snp_boot *b)
{
	uint64_t status = snp_hw_sev_status();

	if (snp_sev_status_check(status, &b->sev_features) != SVSM_OK) {
		/* The specification's own reason: a feature is missing. */
		ghcb_msr_terminate(GHCB_TERM_SET_GENERAL, GHCB_TERM_FEATURE);
		return SVSM_ERR_UNSUPPORTED;
	}
	b->sev_status = status;
	return SVSM_OK;
}

/** Copies the 4 KiB page at `gpa` once into `dst`. */
static enum svsm_err copy_page(uint64_t gpa, void *dst)
{
	void *src;

	if (gpa == 0 || (gpa & (PAGE - 1U)) != 0) {
		return SVSM_ERR_INVAL;
	}
	src = snp_hw_map(gpa, false);
	if (!src) {
		return SVSM_ERR_BUSY;
	}
	memcpy(dst, src, PAGE);
	snp_hw_unmap(src, false);
	return SVSM_OK;
}

/** Step 2: the CPUID page, copied once and checked. */
static enum svsm_err step_cpuid(struct snp_boot *b,
				const struct snp_boot_in *in)
{
	static struct snp_cpuid_page raw;
	enum svsm_err err = copy_page(in->li->snp_cpuid_pa, &raw);

	if (err == SVSM_OK) {
		err = snp_cpuid_load(&raw, sizeof(raw), &b->cpuid);
	}
	return err == SVSM_OK ? SVSM_OK : refuse(err, GHCB_TERM_CPUID_PAGE);
}

/** Step 3: the host's C-bit, the page's, and the page tables'. */
static enum svsm_err step_cbit(struct snp_boot *b, const struct snp_boot_in *in)
{
	enum svsm_err err = ghcb_msr_sev_info(&b->info);

	if (err != SVSM_OK) {
		return err; /* terminated by the client */
	}
	err = snp_cbit_crosscheck(&b->cpuid, b->info.cbit_pos);
	if (err != SVSM_OK) {
		ghcb_msr_terminate(GHCB_TERM_SET_CSVSM, GHCB_TERM_CBIT);
		return err;
	}
	if (!in->ptes || in->pte_count == 0 ||
	    !snp_pte_is_encrypted(in->ptes, in->pte_count, b->cpuid.cbit)) {
		return refuse(SVSM_ERR_INVAL, GHCB_TERM_CBIT);
	}
	return SVSM_OK;
}

/** Step 4: the secrets page, copied once into csvsm's memory. */
static enum svsm_err step_secrets(struct snp_boot *b,
				  const struct snp_boot_in *in)
{
	enum svsm_err err = copy_page(in->li->snp_secrets_pa, &b->secrets);

	if (err == SVSM_OK) {
		err = snp_secrets_check(&b->secrets);
	}
	if (err != SVSM_OK) {
		memset(&b->secrets, 0, sizeof(b->secrets));
		return refuse(err, GHCB_TERM_SECRETS);
	}
	return SVSM_OK;
}

/** Whether `gpa` is a page of the image the launch validated. */
static bool is_image_page(const struct svsm_launch_info *li, uint64_t gpa)
{
	return (gpa & (PAGE - 1U)) == 0 && gpa >= li->kernel_pbase &&
	       gpa < li->free_pbase && gpa != li->snp_cpuid_pa &&
	       gpa != li->snp_secrets_pa &&
	       (gpa < li->param_gpa || gpa - li->param_gpa >= li->param_size);
}

/** Step 5: the boot CPU's GHCB page shared, mapped shared, registered. */
static enum svsm_err step_ghcb(struct snp_boot *b, const struct snp_boot_in *in)
{
	enum svsm_err err;

	if (!in->ghcb_va || !is_image_page(in->li, in->ghcb_gpa)) {
		return refuse(SVSM_ERR_INVAL, GHCB_TERM_BOOT);
	}
	err = valid_region_init(&b->ghcb_valid, pa_init(in->ghcb_gpa), 1,
				b->ghcb_bits, sizeof(b->ghcb_bits));
	if (err != SVSM_OK) {
		return refuse(err, GHCB_TERM_BOOT);
	}
	/* Validated by the launch (it is a page of the image). */
	valid_commit(&b->ghcb_valid, pa_init(in->ghcb_gpa), 1,
		     VALID_STATE_VALID);
	err = ghcb_page_share(&b->ghcb_valid, in->ghcb_va, in->ghcb_gpa);
	if (err != SVSM_OK) {
		return refuse(err, GHCB_TERM_BOOT);
	}
	b->ghcb = snp_hw_map_shared(in->ghcb_va, b->cpuid.cbit);
	if (!b->ghcb) {
		return refuse(SVSM_ERR_BUSY, GHCB_TERM_BOOT);
	}
	b->ghcb_gpa = in->ghcb_gpa;
	memset(b->ghcb, 0, sizeof(*b->ghcb));
	return SVSM_OK;
}

enum svsm_err snp_boot_early(struct snp_boot *b, const struct snp_boot_in *in)
{
	enum svsm_err err;

	b->steps = SNP_BOOT_NONE;
	err = step_status(b);
	if (err != SVSM_OK) {
		return err;
	}
	b->steps = SNP_BOOT_SEV_STATUS;
	err = step_cpuid(b, in);
	if (err != SVSM_OK) {
		return err;
	}
	b->steps = SNP_BOOT_CPUID;
	err = step_cbit(b, in);
	if (err != SVSM_OK) {
		return err;
	}
	b->steps = SNP_BOOT_CBIT;
	err = step_secrets(b, in);
	if (err != SVSM_OK) {
		return err;
	}
	b->steps = SNP_BOOT_SECRETS;
	err = step_ghcb(b, in);
	if (err != SVSM_OK) {
		return err;
	}
	b->steps = SNP_BOOT_GHCB;
	return SVSM_OK;
}

enum svsm_err snp_boot_table(struct snp_boot *b, struct valid_region *r,
			     const struct svsm_launch_info *li)
{
	enum svsm_err err;

	if (b->steps != SNP_BOOT_GHCB ||
	    valid_get(&b->ghcb_valid, pa_init(b->ghcb_gpa)) !=
		    VALID_STATE_SHARED) {
		return refuse(SVSM_ERR_INVAL, GHCB_TERM_BOOT);
	}
	err = snp_prevalidated_record(r, li);
	if (err == SVSM_OK) {
		err = valid_prepare(r, pa_init(b->ghcb_gpa), 1,
				    VALID_STATE_VALID, VALID_STATE_SHARED);
	}
	if (err != SVSM_OK) {
		return refuse(err, GHCB_TERM_LAUNCH);
	}
	valid_commit(r, pa_init(b->ghcb_gpa), 1, VALID_STATE_SHARED);
	b->steps = SNP_BOOT_TABLE;
	return SVSM_OK;
}
