/* SPDX-License-Identifier: MIT */
/*
 * Starting csvsm's own application processors on SEV-SNP: a start-up
 * IPI would let the hypervisor choose the AP's first state, so csvsm
 * writes the AP's whole first state into a VMSA page of its own (VMPL0,
 * 64-bit mode, already on the kernel's page tables), makes the page a
 * VMSA with RMPADJUST and asks the hypervisor to run it with the AP
 * creation request (GHCB 56421, SW_EXITCODE 0x8000_0013).
 */
#pragma once

#include <stdint.h>

#include "svsm/err.h"

#include "ghcb.h"
#include "uapi/svsm/vmsa.h"

/** The 64-bit state an SVSM AP starts in (the boot CPU's, mostly). */
struct snp_ap_context {
	uint64_t rip; /**< the AP entry (kernel half) */
	uint64_t rsp; /**< top of its stack */
	uint64_t rdi; /**< the entry's argument: the CPU index */
	uint64_t cr0;
	uint64_t cr3;
	uint64_t cr4;
	uint64_t efer;
	uint64_t g_pat;
	uint64_t gdt_base;
	uint64_t idt_base;
	uint16_t gdt_limit;
	uint16_t idt_limit;
	uint16_t cs;	       /**< 64-bit code selector in that GDT */
	uint16_t ds;	       /**< data selector for DS, ES, SS, FS, GS */
	uint64_t sev_features; /**< csvsm's own (SEV_STATUS >> 2) */
};

/**
 * Checks `ctx` is a state a VMPL0 AP can start in: long mode on
 * (EFER.LME, LMA, SVME; CR0.PE, PG; CR4.PAE), canonical kernel-half RIP
 * and RSP, SNP active in the SEV features. SVSM_ERR_INVAL otherwise.
 */
enum svsm_err
snp_ap_context_check(const struct snp_ap_context *ctx) SVSM_MUST_CHECK;
/** Writes the whole VMSA `v` for `ctx` (every other byte zero). */
void snp_ap_vmsa_build(struct vmsa *v, const struct snp_ap_context *ctx);
/**
 * Starts the AP with APIC ID `apic_id` in the state `ctx`, its VMSA in
 * csvsm's page at `vmsa_gpa` (validated, private, not 2 MiB aligned:
 * the SNP erratum Linux and COCONUT avoid), through this CPU's GHCB page
 * `page` at `ghcb_gpa`. The page is built, made a VMSA (RMPADJUST:
 * target VMPL1, no permissions, the VMSA bit), then the AP creation
 * request is sent. SVSM_ERR_IO when the hypervisor refused (the page is
 * a plain page again); SVSM_ERR_INTEGRITY when the RMP or the host broke
 * the rules (termination requested).
 */
enum svsm_err snp_ap_start(struct ghcb *page, uint64_t ghcb_gpa,
			   uint64_t vmsa_gpa, uint32_t apic_id,
			   const struct snp_ap_context *ctx) SVSM_MUST_CHECK;
