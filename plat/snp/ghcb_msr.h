/* SPDX-License-Identifier: MIT */
/*
 * The GHCB MSR protocol, client side (GHCB specification 56421, 2.3.1):
 * requests that fit in the 64-bit GHCB MSR, each followed by a VMGEXIT
 * and the host's answer read back from the same MSR. Every answer is
 * untrusted: its response code, its reserved bits and every value in it
 * are checked. An answer that breaks the protocol is integrity loss: the
 * call requests termination (fail closed) and returns SVSM_ERR_INTEGRITY
 * (on hardware the termination request does not return).
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "svsm/err.h"
#include "svsm/valid_state.h"

/** The GHCB protocol version csvsm speaks (56421, 2.2). */
#define GHCB_PROTOCOL_VERSION 2U

/* Termination reasons (56421, table "Termination request"): set 0. */
#define GHCB_TERM_SET_GENERAL 0U
#define GHCB_TERM_GENERAL 0U
#define GHCB_TERM_PROTOCOL 1U /* unsupported GHCB protocol version */
#define GHCB_TERM_FEATURE 2U  /* a required SEV-SNP feature is missing */
/* Set 1 is csvsm's own (the set the spec leaves to the guest). */
#define GHCB_TERM_SET_CSVSM 1U
#define GHCB_TERM_BAD_ANSWER 1U /* the host broke the MSR protocol */
#define GHCB_TERM_INTEGRITY 2U	/* PVALIDATE/RMPADJUST went wrong */
#define GHCB_TERM_VC 3U		/* a #VC csvsm does not handle */
#define GHCB_TERM_CPUID_PAGE 4U /* the CPUID page was refused */
#define GHCB_TERM_SECRETS 5U	/* the secrets page was refused */
#define GHCB_TERM_CBIT 6U	/* page tables without the C-bit */
#define GHCB_TERM_LAUNCH 7U	/* launch info or pre-validated memory */
#define GHCB_TERM_GHCB_BUSY 8U	/* the GHCB page needed while in use */
#define GHCB_TERM_BOOT 9U	/* any other failure of the SNP boot */
#define GHCB_TERM_STOPPED 10U	/* plat_exit(true): stopped on purpose */
#define GHCB_TERM_FAILED 11U	/* plat_exit(false): a fatal error */

/** What the SEV information answer said (0x001). */
struct ghcb_sev_info {
	uint16_t min_version;
	uint16_t max_version;
	uint8_t cbit_pos;
};

/**
 * Asks for the SEV information (0x002) and checks it: protocol
 * version GHCB_PROTOCOL_VERSION in [min, max], C-bit position 32-51.
 */
enum svsm_err ghcb_msr_sev_info(struct ghcb_sev_info *out) SVSM_MUST_CHECK;
/** CPUID function `fn`, register `reg` (0 EAX .. 3 EDX) via 0x004. */
enum svsm_err ghcb_msr_cpuid(uint32_t fn, uint32_t reg,
			     uint32_t *val) SVSM_MUST_CHECK;
/** Registers the GHCB page at `gpa` (0x012); the host must echo it. */
enum svsm_err ghcb_msr_register(uint64_t gpa) SVSM_MUST_CHECK;
/**
 * Page-state change of one 4 KiB page (0x014): `is_shared` asks the host
 * to make it shared, else private. The host must report success.
 */
enum svsm_err ghcb_msr_psc(uint64_t gpa, bool is_shared) SVSM_MUST_CHECK;
/** Asks the host to run this vCPU at `vmpl` (0x016); 0x017 must say 0. */
enum svsm_err ghcb_msr_run_vmpl(uint8_t vmpl) SVSM_MUST_CHECK;
/**
 * Makes this CPU's GHCB page (mapped at `va`, at `gpa`) shared and
 * registers it (56421, 2.3.2). The validation table `valid` must hold it
 * VALID (else SVSM_ERR_EXISTS or _INVAL, and no instruction is issued);
 * PVALIDATE rescinds it, the host makes it shared (page-state change),
 * the table records SHARED, then its GPA is registered. Any surprise
 * from the hardware or the host is integrity loss.
 */
enum svsm_err ghcb_page_share(struct valid_region *valid, void *va,
			      uint64_t gpa) SVSM_MUST_CHECK;
/**
 * ghcb_page_share() without the registration: for another CPU's GHCB
 * page, which that CPU registers itself (the GHCB MSR is per vCPU).
 */
enum svsm_err ghcb_page_make_shared(struct valid_region *valid, void *va,
				    uint64_t gpa) SVSM_MUST_CHECK;
/**
 * Requests termination (0x100) with `reason` in `set`, then halts; on
 * hardware it never returns.
 */
void ghcb_msr_terminate(uint8_t set, uint8_t reason);
/**
 * The fail-closed rule in one place: for SVSM_ERR_INTEGRITY requests
 * termination (csvsm set, `reason`); returns `err` unchanged.
 */
enum svsm_err ghcb_fail_closed(enum svsm_err err,
			       uint8_t reason) SVSM_MUST_CHECK;
