// SPDX-License-Identifier: MIT
/*
 * The core protocol (0), version 1 (SVSM 58019 chapter 5-6; the rules
 * Linux and OVMF depend on are in shared/reference). Every register is
 * checked here for what the specification fixes (alignment, reserved
 * bits, counts); whether an address is guest memory and not the SVSM's
 * is the memory and core operations' to decide. A guest structure is
 * copied into a private buffer once and only that copy is checked and
 * used.
 *
 * PVALIDATE processes entries next..entries-1 of the request and writes
 * `next` back once: the index of the failing entry on an error, or
 * `entries` when all succeeded, so a guest that retries continues where
 * it stopped. The header is not written when no entry was done.
 */
#include "svsm/le.h"
#include "svsm/proto.h"

#include "uapi/svsm/vmsa.h"

#define PAGE_4K 0x1000ULL
#define PAGE_2M 0x200000ULL
#define PVAL_CHUNK 32U /* entries copied in at a time */

uint32_t proto_core_result(enum svsm_err err)
{
	switch (err) {
	case SVSM_OK:
		return SVSM_RC_SUCCESS;
	case SVSM_ERR_RANGE:
	case SVSM_ERR_FAULT:
	case SVSM_ERR_PERM:
		return SVSM_RC_INVALID_ADDRESS;
	case SVSM_ERR_INVAL:
	case SVSM_ERR_NOTFOUND:
	case SVSM_ERR_EXISTS:
		return SVSM_RC_INVALID_PARAMETER;
	case SVSM_ERR_BUSY:
		return SVSM_RC_BUSY;
	case SVSM_ERR_UNSUPPORTED:
		return SVSM_RC_UNSUPPORTED_CALL;
	case SVSM_ERR_NOMEM:
	case SVSM_ERR_IO:
	case SVSM_ERR_INTEGRITY:
	case SVSM_ERR_COUNT:
	default:
		return SVSM_RC_INVALID_REQUEST;
	}
}

/** Checks and performs one PVALIDATE entry. */
static uint32_t pvalidate_entry(const struct proto_env *env, uint64_t e)
{
	bool huge = (e & SVSM_PVAL_SIZE_MASK) == SVSM_PVAL_SIZE_2M;
	uint64_t gpa = e & ~(PAGE_4K - 1U);
	struct proto_pval_out out = { 0, false };
	enum svsm_err err;

	if ((e & SVSM_PVAL_RESERVED) != 0 ||
	    (e & SVSM_PVAL_SIZE_MASK) > SVSM_PVAL_SIZE_2M ||
	    (huge && (gpa & (PAGE_2M - 1U)) != 0)) {
		return SVSM_RC_INVALID_PARAMETER;
	}
	err = env->core->pvalidate(env->plat, gpa, huge,
				   (e & SVSM_PVAL_VALIDATE) != 0, &out);
	if (err != SVSM_OK) {
		return proto_core_result(err);
	}
	if (out.rc != 0) {
		return SVSM_RC_PROTOCOL_BASE + (out.rc & 0xFFFU);
	}
	if (out.no_change && !(e & SVSM_PVAL_IGNORE_CF)) {
		return SVSM_RC_PVALIDATE_FAIL_NO_CHANGE;
	}
	return SVSM_RC_SUCCESS;
}

/**
 * Runs entries [from, to) of the list whose first entry is at `list`,
 * copied in PVAL_CHUNK at a time (each byte once); `*stop` is the index
 * reached: the failing entry, or `to`.
 */
static uint32_t pvalidate_list(const struct proto_env *env, uint64_t list,
			       uint16_t from, uint16_t to, uint16_t *stop)
{
	uint8_t chunk[PVAL_CHUNK * SVSM_PVAL_ENTRY_SIZE];
	uint16_t i = from;
	uint32_t rc = SVSM_RC_SUCCESS;

	while (i < to && rc == SVSM_RC_SUCCESS) {
		uint16_t n = (uint16_t)(to - i) < PVAL_CHUNK
				     ? (uint16_t)(to - i)
				     : (uint16_t)PVAL_CHUNK;
		enum svsm_err err = env->mem->read(
			env->plat, list + (uint64_t)i * SVSM_PVAL_ENTRY_SIZE,
			chunk, (size_t)n * SVSM_PVAL_ENTRY_SIZE);

		if (err != SVSM_OK) {
			rc = proto_core_result(err);
			break;
		}
		for (uint16_t k = 0; k < n; k++, i++) {
			rc = pvalidate_entry(
				env,
				le64_get(chunk +
					 (size_t)k * SVSM_PVAL_ENTRY_SIZE));
			if (rc != SVSM_RC_SUCCESS) {
				break;
			}
		}
	}
	*stop = i;
	return rc;
}

uint32_t proto_core_pvalidate(const struct proto_env *env, uint64_t gpa)
{
	uint8_t hdr[SVSM_PVAL_HDR_SIZE];
	enum svsm_err err;

	if ((gpa & 7U) != 0 || gpa > UINT64_MAX - PAGE_4K) {
		return SVSM_RC_INVALID_PARAMETER;
	}
	err = env->mem->read(env->plat, gpa, hdr, sizeof(hdr));
	if (err != SVSM_OK) {
		return proto_core_result(err);
	}
	uint16_t entries = le16_get(hdr + SVSM_PVAL_HDR_ENTRIES);
	uint16_t next = le16_get(hdr + SVSM_PVAL_HDR_NEXT);
	/* The list may not run past the page the header starts in. */
	uint64_t room =
		(PAGE_4K - (gpa & (PAGE_4K - 1U)) - SVSM_PVAL_HDR_SIZE) /
		SVSM_PVAL_ENTRY_SIZE;

	if (entries == 0 || entries > room || next >= entries) {
		return SVSM_RC_INVALID_PARAMETER;
	}
	uint16_t stop = next;
	uint32_t rc = pvalidate_list(env, gpa + SVSM_PVAL_HDR_SIZE, next,
				     entries, &stop);
	uint8_t out[2] = { (uint8_t)stop, (uint8_t)(stop >> 8) };

	/* `next` moves only if an entry was done (else it is right). */
	if (stop != next) {
		err = env->mem->write(env->plat, gpa + SVSM_PVAL_HDR_NEXT, out,
				      sizeof(out));
		if (err != SVSM_OK && rc == SVSM_RC_SUCCESS) {
			rc = proto_core_result(err);
		}
	}
	return rc;
}

/** REMAP_CA: RCX = the new calling area, whose header is zeroed. */
static uint32_t core_remap_ca(const struct proto_env *env,
			      const struct svsm_call_regs *regs)
{
	static const uint8_t zero[SVSM_CAA_HEADER_SIZE];
	uint64_t gpa = regs->rcx;
	enum svsm_err err;

	if ((gpa & (PAGE_4K - 1U)) != 0) {
		return SVSM_RC_INVALID_PARAMETER;
	}
	err = env->core->remap_ca(env->plat, env->vcpu, gpa);
	if (err == SVSM_OK) {
		err = env->mem->write(env->plat, gpa, zero, sizeof(zero));
	}
	return proto_core_result(err);
}

/** CREATE_VCPU: RCX = VMSA, RDX = calling area, R8[31:0] = APIC ID. */
static uint32_t core_create_vcpu(const struct proto_env *env,
				 const struct svsm_call_regs *regs)
{
	uint64_t vmsa = regs->rcx;
	uint64_t caa = regs->rdx;

	if (((vmsa | caa) & (PAGE_4K - 1U)) != 0 || vmsa == caa) {
		return SVSM_RC_INVALID_PARAMETER;
	}
	return proto_core_result(env->core->create_vcpu(
		env->plat, env->vcpu, vmsa, caa, (uint32_t)regs->r8));
}

/** DELETE_VCPU: RCX = VMSA. */
static uint32_t core_delete_vcpu(const struct proto_env *env,
				 const struct svsm_call_regs *regs)
{
	if ((regs->rcx & (PAGE_4K - 1U)) != 0) {
		return SVSM_RC_INVALID_PARAMETER;
	}
	return proto_core_result(
		env->core->delete_vcpu(env->plat, env->vcpu, regs->rcx));
}

/**
 * QUERY_PROTOCOL: RCX = protocol << 32 | version. RCX out = max << 32 |
 * min when that version of that protocol is offered, else 0; the call
 * itself succeeds either way.
 */
static uint32_t core_query(const struct proto_env *env,
			   struct svsm_call_regs *regs)
{
	uint32_t proto = (uint32_t)(regs->rcx >> 32);
	uint32_t version = (uint32_t)regs->rcx;

	regs->rcx = 0;
	for (size_t i = 0; i < env->proto_count; i++) {
		const struct proto_desc *d = env->protos[i];

		if (d->id == proto && version >= d->min_version &&
		    version <= d->max_version) {
			regs->rcx =
				(uint64_t)d->max_version << 32 | d->min_version;
		}
	}
	return SVSM_RC_SUCCESS;
}

enum svsm_err proto_vmsa_check(const struct proto_env *env, uint64_t vmsa,
			       const struct proto_vmsa_rules *rules)
{
	uint8_t vmpl = 0;
	uint8_t efer[8];
	uint8_t features[8];
	enum svsm_err err = env->mem->read(
		env->plat, vmsa + offsetof(struct vmsa, vmpl), &vmpl, 1);

	if (err == SVSM_OK) {
		err = env->mem->read(env->plat,
				     vmsa + offsetof(struct vmsa, efer), efer,
				     sizeof(efer));
	}
	if (err == SVSM_OK) {
		err = env->mem->read(env->plat,
				     vmsa + offsetof(struct vmsa, sev_features),
				     features, sizeof(features));
	}
	if (err != SVSM_OK) {
		return err;
	}
	if (vmpl != rules->guest_vmpl || !(le64_get(efer) & VMSA_EFER_SVME) ||
	    le64_get(features) != rules->sev_features) {
		return SVSM_ERR_INVAL;
	}
	return SVSM_OK;
}

/** CONFIGURE_VTOM: no vTOM support; a query says so with RCX = 0. */
static uint32_t core_configure_vtom(struct svsm_call_regs *regs)
{
	if (regs->rcx & SVSM_VTOM_QUERY) {
		regs->rcx = 0;
		return SVSM_RC_SUCCESS;
	}
	return SVSM_RC_INVALID_REQUEST;
}

static uint32_t core_handle(const struct proto_env *env, uint32_t call,
			    struct svsm_call_regs *regs)
{
	switch (call) {
	case SVSM_CORE_REMAP_CA:
		return core_remap_ca(env, regs);
	case SVSM_CORE_PVALIDATE:
		return proto_core_pvalidate(env, regs->rcx);
	case SVSM_CORE_CREATE_VCPU:
		return core_create_vcpu(env, regs);
	case SVSM_CORE_DELETE_VCPU:
		return core_delete_vcpu(env, regs);
	case SVSM_CORE_QUERY_PROTOCOL:
		return core_query(env, regs);
	case SVSM_CORE_CONFIGURE_VTOM:
		return core_configure_vtom(regs);
	case SVSM_CORE_DEPOSIT_MEM:  /* no memory is taken from the guest */
	case SVSM_CORE_WITHDRAW_MEM: /* so none is given back */
	default:
		return SVSM_RC_UNSUPPORTED_CALL;
	}
}

const struct proto_desc PROTO_CORE_DESC = {
	.id = SVSM_PROTO_CORE,
	.min_version = 1,
	.max_version = 1,
	.handle = core_handle,
};
