// SPDX-License-Identifier: MIT
/*
 * The GHCB MSR protocol client (ghcb_msr.h). Each request writes the MSR,
 * exits, and reads the answer back once into a local; only that copy is
 * checked and used. The checks are the specification's (56421, 2.3.1):
 * the response code must be the one that belongs to the request, the
 * bits the specification reserves must be zero, and echoed values must
 * match what was sent. Anything else means the host is not following
 * the protocol, so csvsm stops (fail closed) rather than guess.
 *
 * The MSR holds the GHCB page's GPA between calls; a request overwrites
 * it, and the caller re-registers (or rewrites) the GPA afterwards, so
 * nothing here runs concurrently on one CPU: these calls are made with
 * interrupts off, one CPU at a time per MSR (the MSR is per vCPU).
 */
#include "ghcb_msr.h"

#include "../../arch/x86/snp_ops.h"

#define CODE_MASK 0xFFFULL
#define SEV_INFO_REQ 0x002ULL
#define SEV_INFO_RESP 0x001ULL
#define CPUID_REQ 0x004ULL
#define CPUID_RESP 0x005ULL
#define REGISTER_REQ 0x012ULL
#define REGISTER_RESP 0x013ULL
#define PSC_REQ 0x014ULL
#define PSC_RESP 0x015ULL
#define VMPL_REQ 0x016ULL
#define VMPL_RESP 0x017ULL
#define TERM_REQ 0x100ULL
#define PSC_OP_PRIVATE 1ULL
#define PSC_OP_SHARED 2ULL
#define GFN_MASK 0x000FFFFFFFFFF000ULL /* GPA bits 51:12 */
#define CBIT_MIN 32U
#define CBIT_MAX 51U

/** One request: write, exit, read the answer back once. */
static uint64_t msr_call(uint64_t req)
{
	snp_hw_ghcb_msr_write(req);
	snp_hw_vmgexit();
	return snp_hw_ghcb_msr_read();
}

void ghcb_msr_terminate(uint8_t set, uint8_t reason)
{
	snp_hw_ghcb_msr_write(TERM_REQ | (uint64_t)(set & 0xFU) << 12 |
			      (uint64_t)reason << 16);
	snp_hw_vmgexit();
	snp_hw_halt();
}

enum svsm_err ghcb_fail_closed(enum svsm_err err, uint8_t reason)
{
	if (err == SVSM_ERR_INTEGRITY) {
		ghcb_msr_terminate(GHCB_TERM_SET_CSVSM, reason);
	}
	return err;
}

/** A broken answer: terminate, and SVSM_ERR_INTEGRITY for the host tests. */
static enum svsm_err bad_answer(void)
{
	return ghcb_fail_closed(SVSM_ERR_INTEGRITY, GHCB_TERM_BAD_ANSWER);
}

enum svsm_err ghcb_msr_sev_info(struct ghcb_sev_info *out)
{
	uint64_t a = msr_call(SEV_INFO_REQ);
	uint16_t max = (uint16_t)(a >> 48);
	uint16_t min = (uint16_t)(a >> 32);
	uint8_t cbit = (uint8_t)(a >> 24);

	/* Bits 23:12 are reserved. */
	if ((a & CODE_MASK) != SEV_INFO_RESP || (a & 0xFFF000ULL) != 0 ||
	    cbit < CBIT_MIN || cbit > CBIT_MAX || min > max) {
		return bad_answer();
	}
	if (min > GHCB_PROTOCOL_VERSION || max < GHCB_PROTOCOL_VERSION) {
		ghcb_msr_terminate(GHCB_TERM_SET_GENERAL, GHCB_TERM_PROTOCOL);
		return SVSM_ERR_INTEGRITY;
	}
	*out = (struct ghcb_sev_info){ min, max, cbit };
	return SVSM_OK;
}

enum svsm_err ghcb_msr_cpuid(uint32_t fn, uint32_t reg, uint32_t *val)
{
	uint64_t a;

	if (reg > 3U) {
		return SVSM_ERR_INVAL;
	}
	a = msr_call((uint64_t)fn << 32 | (uint64_t)reg << 30 | CPUID_REQ);
	/* Bits 29:12 are reserved; bits 31:30 echo the register. */
	if ((a & CODE_MASK) != CPUID_RESP || (a & 0x3FFFF000ULL) != 0 ||
	    ((a >> 30) & 3U) != reg) {
		return bad_answer();
	}
	*val = (uint32_t)(a >> 32);
	return SVSM_OK;
}

enum svsm_err ghcb_msr_register(uint64_t gpa)
{
	uint64_t a;

	if ((gpa & ~GFN_MASK) != 0) {
		return SVSM_ERR_INVAL;
	}
	a = msr_call(gpa | REGISTER_REQ);
	if ((a & CODE_MASK) != REGISTER_RESP || (a & ~CODE_MASK) != gpa) {
		return bad_answer();
	}
	return SVSM_OK;
}

enum svsm_err ghcb_msr_psc(uint64_t gpa, bool is_shared)
{
	uint64_t op = is_shared ? PSC_OP_SHARED : PSC_OP_PRIVATE;
	uint64_t a;

	if ((gpa & ~GFN_MASK) != 0) {
		return SVSM_ERR_INVAL;
	}
	a = msr_call(op << 52 | gpa | PSC_REQ);
	/* Bits 31:12 are reserved, 63:32 the error code (0: done). */
	if ((a & CODE_MASK) != PSC_RESP || (a >> 12) != 0) {
		return bad_answer();
	}
	return SVSM_OK;
}

enum svsm_err ghcb_msr_run_vmpl(uint8_t vmpl)
{
	uint64_t a;

	if (vmpl == 0 || vmpl > 3) {
		return SVSM_ERR_INVAL;
	}
	a = msr_call((uint64_t)vmpl << 32 | VMPL_REQ);
	/* Bits 31:12 are reserved, 63:32 the error code (0: it ran). */
	if ((a & CODE_MASK) != VMPL_RESP || (a >> 12) != 0) {
		return bad_answer();
	}
	return SVSM_OK;
}

enum svsm_err ghcb_page_share(struct valid_region *valid, void *va,
			      uint64_t gpa)
{
	enum svsm_err err = ghcb_page_make_shared(valid, va, gpa);

	return err == SVSM_OK ? ghcb_msr_register(gpa) : err;
}

enum svsm_err ghcb_page_make_shared(struct valid_region *valid, void *va,
				    uint64_t gpa)
{
	struct snp_pval_status st;
	enum svsm_err err;

	if ((gpa & ~GFN_MASK) != 0) {
		return SVSM_ERR_INVAL;
	}
	err = valid_prepare(valid, pa_init(gpa), 1, VALID_STATE_VALID,
			    VALID_STATE_SHARED);
	if (err != SVSM_OK) {
		return err; /* not valid here: never reaches PVALIDATE */
	}
	st = snp_hw_pvalidate(va, false, false);
	if (st.rc != SNP_RC_SUCCESS || st.no_change) {
		return ghcb_fail_closed(SVSM_ERR_INTEGRITY,
					GHCB_TERM_INTEGRITY);
	}
	valid_commit(valid, pa_init(gpa), 1, VALID_STATE_INVALID);
	err = ghcb_msr_psc(gpa, true);
	if (err != SVSM_OK) {
		return err;
	}
	valid_commit(valid, pa_init(gpa), 1, VALID_STATE_SHARED);
	return SVSM_OK;
}
