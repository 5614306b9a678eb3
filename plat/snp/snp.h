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
	uint64_t caa[SNP_VCPUS_MAX]; /**< per vCPU slot, moved by REMAP_CA */
	struct snp_vcpu vcpus[SNP_VCPUS_MAX];
	bool is_lost; /**< integrity lost: termination requested */
};

/** The vCPU one round of the VMPL switch loop runs (snp_vcpu_arm). */
struct snp_run {
	uint32_t slot; /**< its index in snp_guest.vcpus: the calling vCPU */
	uint64_t vmsa;
	uint64_t caa; /**< its calling area now (REMAP_CA moves it) */
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
/**
 * Takes the guest's boot vCPU (the VMSA at `vmsa` the launch gave, its
 * calling area `caa`) as CREATE_VCPU takes a new one: the page must be
 * validated guest memory, is made a VMSA for the guest's VMPL, then
 * checked. The VMPL switch loop runs only vCPUs taken this way or made by
 * CREATE_VCPU.
 */
enum svsm_err snp_vcpu_adopt(struct snp_guest *g, uint64_t vmsa, uint64_t caa,
			     uint32_t apic_id) SVSM_MUST_CHECK;
/**
 * Before the loop enters the guest: finds the vCPU for `apic_id`, sets
 * EFER.SVME in its VMSA (runnable) and says in `run` what runs.
 * SVSM_ERR_NOTFOUND when there is none (deleted, never created) or
 * integrity was lost.
 */
enum svsm_err snp_vcpu_arm(struct snp_guest *g, uint32_t apic_id,
			   struct snp_run *run) SVSM_MUST_CHECK;
/**
 * After the guest exited: if `run` is still that vCPU, clears EFER.SVME
 * (nobody may run it while csvsm works on it) and reads the exit code
 * once into `*exit_code`. SVSM_ERR_NOTFOUND if it was deleted meanwhile.
 */
enum svsm_err snp_vcpu_disarm(struct snp_guest *g, const struct snp_run *run,
			      uint64_t *exit_code) SVSM_MUST_CHECK;
