/* SPDX-License-Identifier: MIT */
/*
 * The SVSM protocol layer, platform-neutral (DESIGN.md, The path of a
 * request). It takes the caller's registers and an environment, and
 * returns the result registers. The environment says how to reach guest
 * memory (a copy in or out, checked by the platform against the guest's
 * memory map and the SVSM's own regions) and how to perform the
 * privileged steps (plat_* on the kernel side, IPC to the kernel from
 * svsm-reqd, a model in the host tests). Nothing here knows which
 * platform carried the request, and nothing here reads guest memory
 * twice: each structure is copied in once, then checked, then used.
 *
 * Each protocol has one function mapping internal errors (enum svsm_err)
 * to SVSM result codes, so the code a guest sees for a failure is decided
 * in one place (proto_core_result for the core protocol).
 *
 * Serialisation of conflicting calls (PVALIDATE against CREATE_VCPU on
 * the same page, from two vCPUs) belongs to the platform's operations,
 * which own the state they change.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "svsm/err.h"

#include "uapi/svsm/protocol.h"

/** The registers of one SVSM call, in and out. */
struct svsm_call_regs {
	uint64_t rax; /**< in: protocol << 32 | call; out: result code */
	uint64_t rcx;
	uint64_t rdx;
	uint64_t r8;
	uint64_t r9;
};

/**
 * Guest memory. Each operation copies exactly `len` bytes or nothing,
 * and fails with SVSM_ERR_RANGE when any byte lies outside the guest's
 * memory or inside the SVSM's own (INVALID_ADDRESS to the guest), or
 * SVSM_ERR_FAULT when the copy could not be made.
 */
struct proto_mem_ops {
	enum svsm_err (*read)(void *plat, uint64_t gpa, void *dst, size_t len);
	enum svsm_err (*write)(void *plat, uint64_t gpa, const void *src,
			       size_t len);
};

/** What one PVALIDATE of one page reported. */
struct proto_pval_out {
	uint32_t rc;	/**< the instruction's return code: 0, 1 (FAIL_INPUT),
			 *  6 (FAIL_SIZEMISMATCH) */
	bool no_change; /**< CF: the page was already in that state */
};

/**
 * The core protocol's privileged steps. The platform checks addresses
 * against its own regions and serialises its state; errors map through
 * proto_core_result().
 */
struct proto_core_ops {
	/** PVALIDATE one page (`huge`: 2 MiB) to `validate`. */
	enum svsm_err (*pvalidate)(void *plat, uint64_t gpa, bool huge,
				   bool validate, struct proto_pval_out *out);
	/** The calling vCPU's calling area moves to `gpa` (page aligned). */
	enum svsm_err (*remap_ca)(void *plat, uint32_t vcpu, uint64_t gpa);
	/** A vCPU from the VMSA at `vmsa` with calling area `caa`. */
	enum svsm_err (*create_vcpu)(void *plat, uint32_t vcpu, uint64_t vmsa,
				     uint64_t caa, uint32_t apic_id);
	/** Retires the vCPU whose VMSA is at `vmsa`. */
	enum svsm_err (*delete_vcpu)(void *plat, uint32_t vcpu, uint64_t vmsa);
};

/**
 * The vTPM protocol's backend (svsm-reqd: IPC to the vTPM service; host
 * tests: the service core or a fake). A platform that has none leaves
 * proto_env.vtpm NULL and does not list PROTO_VTPM_DESC.
 */
struct proto_vtpm {
	/**
	 * Runs the TPM command in buf[0..len) at locality 0 and writes the
	 * response over it, at most `cap` bytes, its length to `*rsp_len`.
	 */
	enum svsm_err (*send_command)(void *ctx, uint8_t *buf, size_t len,
				      size_t cap, size_t *rsp_len);
	void *ctx;
	/** SVSM_VTPM_BUFFER_SIZE private bytes the call works in; the
	 *  platform serves one vTPM call at a time per buffer. */
	uint8_t *buf;
};

struct proto_env;

/** A protocol: its number, the versions offered and its call handler. */
struct proto_desc {
	uint32_t id;
	uint32_t min_version;
	uint32_t max_version;
	/** Handles `call`; returns the result code (also put in RAX). */
	uint32_t (*handle)(const struct proto_env *env, uint32_t call,
			   struct svsm_call_regs *regs);
};

/** Where a request is served. */
struct proto_env {
	const struct proto_mem_ops *mem;
	const struct proto_core_ops *core;
	void *plat;				/**< the operations' context */
	uint32_t vcpu;				/**< the calling vCPU */
	const struct proto_desc *const *protos; /**< offered */
	size_t proto_count;
	const struct proto_vtpm *vtpm; /**< NULL: no vTPM (optional) */
};

/** The core protocol (0), version 1. */
extern const struct proto_desc PROTO_CORE_DESC;
/** The vTPM protocol (2), version 1 (needs proto_env.vtpm). */
extern const struct proto_desc PROTO_VTPM_DESC;

/**
 * Serves one call: decodes RAX, finds the protocol and runs the call.
 * RAX holds the result code afterwards (UNSUPPORTED_PROTOCOL for a
 * protocol not offered); the other registers hold the call's outputs.
 */
uint32_t proto_dispatch(const struct proto_env *env,
			struct svsm_call_regs *regs);
/**
 * The calling-area handshake (SVSM 58019, as Linux and OVMF expect):
 * reads call_pending at `caa`, writes it back as 0, and says whether a
 * call was pending. A call is served only if it was; the guest's atomic
 * exchange then reads 0 and knows it ran.
 */
enum svsm_err proto_caa_take_pending(const struct proto_env *env, uint64_t caa,
				     bool *was_pending) SVSM_MUST_CHECK;
/** What CREATE_VCPU requires of a VMSA's contents. */
struct proto_vmsa_rules {
	uint8_t guest_vmpl;    /**< VMSA.VMPL must be the guest's */
	uint64_t sev_features; /**< must equal the caller's */
};

/**
 * Checks the VMSA at `vmsa` (copied in once) against `rules`: VMPL,
 * EFER.SVME set, SEV_FEATURES. SVSM_ERR_INVAL on a mismatch. The
 * platform calls it only after the page is out of the guest's reach
 * (on SNP: after RMPADJUST made it a VMSA).
 */
enum svsm_err
proto_vmsa_check(const struct proto_env *env, uint64_t vmsa,
		 const struct proto_vmsa_rules *rules) SVSM_MUST_CHECK;
/** An internal error as the request interface's -errno (syscall.h). */
int64_t proto_err_to_errno(enum svsm_err err);
/** The request interface's -errno back to the internal error. */
enum svsm_err proto_errno_to_err(int64_t neg_errno);
/** The core protocol's mapping of internal errors to result codes. */
uint32_t proto_core_result(enum svsm_err err);
/** The vTPM protocol's mapping of internal errors to result codes. */
uint32_t proto_vtpm_result(enum svsm_err err);
/**
 * Walks a PVALIDATE request at guest address `gpa` (exported for the
 * fuzz target and tests; the core handler calls it).
 */
uint32_t proto_core_pvalidate(const struct proto_env *env, uint64_t gpa);
