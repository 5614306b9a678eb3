/* SPDX-License-Identifier: MIT */
/*
 * The SEV-SNP platform's guest side: the core protocol's privileged
 * steps (struct proto_core_ops) on SNP, guest memory for the protocol
 * layer, and the pieces the VMPL switch loop needs (the request in the
 * guest's VMSA and calling area, the results written back). csvsm runs
 * at VMPL0 and the guest at SNP_GUEST_VMPL; the hardware is reached only
 * through arch/x86/snp_ops.h, so the same code runs against the SNP
 * model in the host tests.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "svsm/err.h"
#include "svsm/proto.h"
#include "svsm/spinlock.h"
#include "svsm/valid_state.h"

/** The VMPL the guest OS runs at (COCONUT's choice; SVSM 58019). */
#define SNP_GUEST_VMPL 2U
/** vCPUs csvsm tracks for one guest. */
#define SNP_VCPUS_MAX 8U

/** A vCPU created by CREATE_VCPU. */
struct snp_vcpu {
	uint64_t vmsa; /**< GPA of its VMSA page; 0: slot free */
	uint64_t caa;  /**< GPA of its calling area */
	uint32_t apic_id;
};

/**
 * One guest as csvsm serves it. `lock` serialises every change of the
 * validation table, the RMP (through PVALIDATE and RMPADJUST) and the
 * vCPU slots, so two vCPUs racing on one page see each other's result.
 */
struct snp_guest {
	struct spinlock lock;
	uint64_t base; /**< guest memory [base, end), page aligned */
	uint64_t end;
	uint64_t svsm_base; /**< the SVSM's region, never the guest's */
	uint64_t svsm_size;
	uint64_t sev_features; /**< what a guest VMSA must carry */
	struct valid_region valid;
	uint64_t caa[SNP_VCPUS_MAX]; /**< per calling vCPU (REMAP_CA) */
	struct snp_vcpu vcpus[SNP_VCPUS_MAX];
};

/** Where the guest's memory and the SVSM's region are (page aligned). */
struct snp_guest_layout {
	uint64_t base; /**< guest memory [base, end) */
	uint64_t end;
	uint64_t svsm_base; /**< the SVSM's region, cut out of it */
	uint64_t svsm_size;
};

/**
 * Sets `g` up for the memory `l` describes, the validation table in the
 * caller's `bits` ((pages + 3) / 4 bytes over [base, end)). Every page
 * starts INVALID.
 */
enum svsm_err snp_guest_init(struct snp_guest *g,
			     const struct snp_guest_layout *l, uint8_t *bits,
			     size_t bits_size) SVSM_MUST_CHECK;
/** The protocol environment of `g` for calling vCPU `vcpu`. */
void snp_proto_env(struct snp_guest *g, uint32_t vcpu, struct proto_env *env);
/**
 * The VMPL switch loop's intake: if the calling area at `caa` had a call
 * pending (cleared here, SVSM 58019), copies the request registers out
 * of the guest VMSA at `vmsa` once into `regs`. `*is_pending` says which.
 */
enum svsm_err snp_request_take(struct snp_guest *g, uint32_t vcpu,
			       uint64_t vmsa, uint64_t caa,
			       struct svsm_call_regs *regs,
			       bool *is_pending) SVSM_MUST_CHECK;
/** Writes RAX, RCX, RDX and R8 of `regs` into the guest VMSA at `vmsa`. */
enum svsm_err
snp_request_finish(struct snp_guest *g, uint64_t vmsa,
		   const struct svsm_call_regs *regs) SVSM_MUST_CHECK;
