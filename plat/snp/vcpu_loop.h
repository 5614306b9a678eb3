/* SPDX-License-Identifier: MIT */
/*
 * The VMPL switch loop (SVSM 58019; GHCB 56421, SNP_RUN_VMPL): each CPU
 * csvsm runs on enters the guest's VMSA for its APIC ID at the guest's
 * VMPL through its GHCB page, and when the guest exits takes the SVSM
 * call it left in its VMSA and calling area, serves it through the
 * protocol layer (proto_dispatch with the SNP core operations), writes
 * the results back into the VMSA and enters it again.
 */
#pragma once

#include <stdint.h>

#include "svsm/err.h"

#include "ghcb.h"
#include "snp.h"

/** VMSA.guest_exit_code after the guest's VMGEXIT (APM vol. 2, C-1). */
#define SNP_EXIT_VMGEXIT 0x403ULL

/** One CPU's side of the loop. */
struct snp_cpu {
	struct snp_guest *g;
	struct ghcb *ghcb; /**< this CPU's GHCB page, shared, registered */
	uint64_t ghcb_gpa;
	uint32_t apic_id; /**< the guest vCPU this CPU runs */
	uint32_t calls;	  /**< SVSM calls served (for tests and statistics) */
};

/**
 * One round: enter the guest, take its exit, serve a pending call.
 * SVSM_OK to go round again; SVSM_ERR_NOTFOUND when this CPU has no
 * guest vCPU (none yet, or deleted); SVSM_ERR_INTEGRITY when the host
 * broke the protocol or the RMP disagreed with csvsm (termination was
 * requested); another error when the guest's VMSA could not be reached.
 */
enum svsm_err snp_vcpu_step(struct snp_cpu *c) SVSM_MUST_CHECK;
/** Rounds until one does not return SVSM_OK; returns that error. */
enum svsm_err snp_vcpu_loop(struct snp_cpu *c) SVSM_MUST_CHECK;
