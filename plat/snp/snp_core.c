// SPDX-License-Identifier: MIT
/*
 * The core protocol's privileged steps on SEV-SNP (plat/snp/snp.h).
 *
 * PVALIDATE: the validation table (valid_state.h) is consulted before the
 * instruction. A page the table already holds in the state asked for is
 * answered "no change" without PVALIDATE, and a range in mixed states is
 * refused: either way the instruction is never issued for it, which is
 * the defence against double validation (a host that remapped a
 * validated page cannot get it validated again). After the instruction,
 * any answer the table did not predict (CF set, FAIL_INPUT) means the
 * RMP and the table disagree: integrity is lost and csvsm terminates.
 * FAIL_SIZEMISMATCH alone is the guest's mistake (a 4 KiB request inside
 * a 2 MiB RMP entry) and goes back to it. A newly validated page is
 * zeroed, and only then does RMPADJUST give the guest's VMPL access.
 *
 * CREATE_VCPU: RMPADJUST first makes the page a VMSA and takes the
 * guest's access away; only then are its contents checked
 * (proto_vmsa_check), so the guest cannot change them after the check.
 * On a failed check the RMPADJUST is undone. DELETE_VCPU clears
 * EFER.SVME in the VMSA (the vCPU can no longer run), then clears the
 * VMSA bit and gives the page back to the guest. An RMPADJUST that fails
 * where it cannot (on a page csvsm validated itself) is integrity loss.
 *
 * Locking: `g->lock` around every operation that changes the table, the
 * RMP or the vCPU slots; guest-memory copies take no lock (the table is
 * read under it). Nothing here allocates.
 */
#include <stddef.h>

#include "svsm/string.h"

#include "../../arch/x86/snp_ops.h"
#include "ghcb_msr.h"
#include "snp.h"
#include "uapi/svsm/vmsa.h"

#define PAGE 0x1000ULL
#define HUGE_PAGES 512ULL

/** Whether [gpa, gpa + len) is guest memory (not the SVSM's). */
static bool is_guest(const struct snp_guest *g, uint64_t gpa, uint64_t len)
{
	if (len == 0 || gpa < g->base || gpa > UINT64_MAX - len ||
	    gpa + len > g->end) {
		return false;
	}
	return gpa >= g->svsm_base + g->svsm_size || gpa + len <= g->svsm_base;
}

/** The vCPU whose VMSA is the page holding `pa`, or NULL. */
static struct snp_vcpu *vmsa_at(struct snp_guest *g, uint64_t pa)
{
	for (uint32_t i = 0; i < SNP_VCPUS_MAX; i++) {
		if (g->vcpus[i].vmsa != 0 &&
		    g->vcpus[i].vmsa == (pa & ~(PAGE - 1U))) {
			return &g->vcpus[i];
		}
	}
	return NULL;
}

static bool touches_vmsa(struct snp_guest *g, uint64_t gpa, uint64_t len)
{
	for (uint64_t p = gpa & ~(PAGE - 1U); p < gpa + len; p += PAGE) {
		if (vmsa_at(g, p)) {
			return true;
		}
	}
	return false;
}

/** The vCPU created for APIC ID `apic_id`, or NULL. */
static struct snp_vcpu *vcpu_of_apic(struct snp_guest *g, uint32_t apic_id)
{
	for (uint32_t i = 0; i < SNP_VCPUS_MAX; i++) {
		if (g->vcpus[i].vmsa != 0 && g->vcpus[i].apic_id == apic_id) {
			return &g->vcpus[i];
		}
	}
	return NULL;
}

/** Whether `pa` is some vCPU's calling area. */
static bool is_caa(const struct snp_guest *g, uint64_t pa)
{
	for (uint32_t i = 0; i < SNP_VCPUS_MAX; i++) {
		if ((g->caa[i] != 0 && g->caa[i] == pa) ||
		    (g->vcpus[i].vmsa != 0 && g->vcpus[i].caa == pa)) {
			return true;
		}
	}
	return false;
}

/**
 * Whether every page of [gpa, gpa + len) is validated guest memory (a
 * private page that is not validated cannot be touched: #VC).
 */
static bool is_valid_guest(struct snp_guest *g, uint64_t gpa, uint64_t len)
{
	bool ok = is_guest(g, gpa, len);

	for (uint64_t p = gpa & ~(PAGE - 1U); ok && p < gpa + len; p += PAGE) {
		ok = valid_get(&g->valid, pa_init(p)) == VALID_STATE_VALID;
	}
	return ok;
}

/**
 * Copies validated guest memory at `gpa` to `dst`, or `src` to it when
 * `src` is not NULL, page by page, with `g->lock` held (no page can be
 * rescinded meanwhile).
 */
static enum svsm_err copy_locked(struct snp_guest *g, uint64_t gpa, void *dst,
				 const void *src, size_t len)
{
	uint8_t *d = dst;
	const uint8_t *s = src;

	if (!is_valid_guest(g, gpa, len)) {
		return SVSM_ERR_RANGE;
	}
	while (len > 0) {
		uint64_t off = gpa & (PAGE - 1U);
		size_t n = len < PAGE - off ? len : (size_t)(PAGE - off);
		uint8_t *page = snp_hw_map(gpa - off, false);

		if (!page) {
			return SVSM_ERR_BUSY;
		}
		if (s) {
			memcpy(page + off, s, n);
			s += n;
		} else if (d) {
			memcpy(d, page + off, n);
			d += n;
		}
		snp_hw_unmap(page, false);
		gpa += n;
		len -= n;
	}
	return SVSM_OK;
}

/** copy_locked() under `g->lock`. */
static enum svsm_err copy(struct snp_guest *g, uint64_t gpa, void *dst,
			  const void *src, size_t len)
{
	enum svsm_err err;

	spin_lock(&g->lock);
	err = copy_locked(g, gpa, dst, src, len);
	spin_unlock(&g->lock);
	return err;
}

static enum svsm_err mem_read(void *plat, uint64_t gpa, void *dst, size_t len)
{
	return copy(plat, gpa, dst, NULL, len);
}

static enum svsm_err mem_write(void *plat, uint64_t gpa, const void *src,
			       size_t len)
{
	return copy(plat, gpa, NULL, src, len);
}

/* The same for code that already holds `g->lock` (CREATE_VCPU's check). */
static enum svsm_err mem_read_locked(void *plat, uint64_t gpa, void *dst,
				     size_t len)
{
	return copy_locked(plat, gpa, dst, NULL, len);
}

static enum svsm_err mem_write_locked(void *plat, uint64_t gpa, const void *src,
				      size_t len)
{
	return copy_locked(plat, gpa, NULL, src, len);
}

static const struct proto_mem_ops SNP_MEM_LOCKED = { mem_read_locked,
						     mem_write_locked };

/**
 * Integrity is lost: terminate (csvsm's reason set). On hardware the
 * request does not return; `g->is_lost` stops the VMPL switch loop where
 * it does (the model), so nothing is written back or run after it.
 */
static enum svsm_err lost(struct snp_guest *g)
{
	g->is_lost = true;
	return ghcb_fail_closed(SVSM_ERR_INTEGRITY, GHCB_TERM_INTEGRITY);
}

/**
 * The table's verdict on a PVALIDATE before the instruction: SVSM_OK to
 * go ahead; otherwise `*out` already holds the answer (no change, or a
 * refusal) and `*is_done` is set.
 */
static enum svsm_err pval_prepare(struct snp_guest *g, uint64_t gpa,
				  uint64_t pages, bool validate,
				  struct proto_pval_out *out, bool *is_done)
{
	enum valid_state want =
		validate ? VALID_STATE_VALID : VALID_STATE_INVALID;
	enum valid_state from =
		validate ? VALID_STATE_INVALID : VALID_STATE_VALID;
	enum svsm_err err;

	*is_done = true;
	if (!is_guest(g, gpa, pages * PAGE)) {
		return SVSM_ERR_RANGE;
	}
	if (touches_vmsa(g, gpa, pages * PAGE)) {
		out->rc = SNP_RC_FAIL_INPUT; /* a VMSA is never rescinded */
		return SVSM_OK;
	}
	err = valid_prepare(&g->valid, pa_init(gpa), pages, from, want);
	if (err == SVSM_ERR_EXISTS &&
	    valid_prepare(&g->valid, pa_init(gpa), pages, want, from) ==
		    SVSM_OK) {
		out->no_change = true; /* every page is there already */
		return SVSM_OK;
	}
	if (err != SVSM_OK) {
		out->rc = pages > 1 ? SNP_RC_FAIL_SIZEMISMATCH
				    : SNP_RC_FAIL_INPUT;
		return SVSM_OK;
	}
	*is_done = false;
	return SVSM_OK;
}

/** PVALIDATE of one page or one 2 MiB page, under the lock. */
static enum svsm_err pvalidate_locked(struct snp_guest *g, uint64_t gpa,
				      bool huge, bool validate,
				      struct proto_pval_out *out)
{
	uint64_t pages = huge ? HUGE_PAGES : 1U;
	bool is_done = true;
	enum svsm_err err =
		pval_prepare(g, gpa, pages, validate, out, &is_done);

	if (err != SVSM_OK || is_done) {
		return err;
	}
	uint8_t *va = snp_hw_map(gpa, huge);

	if (!va) {
		return SVSM_ERR_BUSY;
	}
	struct snp_pval_status st = snp_hw_pvalidate(va, huge, validate);

	if (st.rc == SNP_RC_FAIL_SIZEMISMATCH && !st.no_change) {
		out->rc = st.rc; /* the guest named the wrong page size */
		snp_hw_unmap(va, huge);
		return SVSM_OK;
	}
	if (st.rc != SNP_RC_SUCCESS || st.no_change) {
		snp_hw_unmap(va, huge);
		return lost(g); /* the RMP is not what the table says */
	}
	valid_commit(&g->valid, pa_init(gpa), pages,
		     validate ? VALID_STATE_VALID : VALID_STATE_INVALID);
	uint32_t rc = SNP_RC_SUCCESS;

	if (validate) {
		memset(va, 0, pages * PAGE); /* before the guest can see it */
		rc = snp_hw_rmpadjust(va, huge, SNP_GUEST_VMPL | RMPADJUST_RWX);
	}
	snp_hw_unmap(va, huge);
	return rc == SNP_RC_SUCCESS ? SVSM_OK : lost(g);
}

static enum svsm_err core_pvalidate(void *plat, uint64_t gpa, bool huge,
				    bool validate, struct proto_pval_out *out)
{
	struct snp_guest *g = plat;
	enum svsm_err err;

	spin_lock(&g->lock);
	err = pvalidate_locked(g, gpa, huge, validate, out);
	spin_unlock(&g->lock);
	return err;
}

static enum svsm_err core_remap_ca(void *plat, uint32_t vcpu, uint64_t gpa)
{
	struct snp_guest *g = plat;
	enum svsm_err err = SVSM_OK;

	if (vcpu >= SNP_VCPUS_MAX) {
		return SVSM_ERR_INVAL;
	}
	spin_lock(&g->lock);
	if (!is_guest(g, gpa, PAGE) || touches_vmsa(g, gpa, PAGE) ||
	    valid_get(&g->valid, pa_init(gpa)) != VALID_STATE_VALID) {
		err = SVSM_ERR_RANGE;
	} else {
		g->caa[vcpu] = gpa;
	}
	spin_unlock(&g->lock);
	return err;
}

/** RMPADJUST of the 4 KiB page at `gpa` for the guest's VMPL. */
static uint32_t adjust_page(uint64_t gpa, uint64_t attrs)
{
	uint8_t *va = snp_hw_map(gpa, false);
	uint32_t rc;

	if (!va) {
		return SNP_RC_FAIL_INPUT;
	}
	rc = snp_hw_rmpadjust(va, false, SNP_GUEST_VMPL | attrs);
	snp_hw_unmap(va, false);
	return rc;
}

/** The checks of CREATE_VCPU before anything changes; a free slot. */
static enum svsm_err create_prepare(struct snp_guest *g, uint64_t vmsa,
				    uint64_t caa, uint32_t apic_id,
				    struct snp_vcpu **slot)
{
	if (!is_guest(g, vmsa, PAGE) || !is_guest(g, caa, PAGE)) {
		return SVSM_ERR_RANGE;
	}
	if (vmsa_at(g, vmsa) || vmsa_at(g, caa) || is_caa(g, vmsa) ||
	    vcpu_of_apic(g, apic_id)) {
		return SVSM_ERR_EXISTS; /* one VMSA per APIC ID: the loop's */
	}
	if (valid_get(&g->valid, pa_init(vmsa)) != VALID_STATE_VALID ||
	    valid_get(&g->valid, pa_init(caa)) != VALID_STATE_VALID) {
		return SVSM_ERR_INVAL;
	}
	for (uint32_t i = 0; i < SNP_VCPUS_MAX; i++) {
		if (g->vcpus[i].vmsa == 0) {
			*slot = &g->vcpus[i];
			return SVSM_OK;
		}
	}
	return SVSM_ERR_BUSY;
}

static enum svsm_err create_locked(struct snp_guest *g, uint32_t vcpu,
				   uint64_t vmsa, uint64_t caa,
				   uint32_t apic_id)
{
	struct snp_vcpu *slot = NULL;
	enum svsm_err err = create_prepare(g, vmsa, caa, apic_id, &slot);

	if (err != SVSM_OK) {
		return err;
	}
	/* Marked first: from here the guest cannot write the page. */
	uint32_t rc = adjust_page(vmsa, RMPADJUST_VMSA);

	if (rc == SNP_RC_FAIL_SIZEMISMATCH) {
		return SVSM_ERR_INVAL; /* inside a 2 MiB page: never a VMSA */
	}
	if (rc != SNP_RC_SUCCESS) {
		return lost(g);
	}
	*slot = (struct snp_vcpu){ vmsa, caa, apic_id };
	g->caa[slot - g->vcpus] = 0; /* a new vCPU starts on `caa` */
	struct proto_env env;
	struct proto_vmsa_rules rules = {
		.guest_vmpl = SNP_GUEST_VMPL,
		.sev_features = g->sev_features,
	};

	snp_proto_env(g, vcpu, &env);
	env.mem = &SNP_MEM_LOCKED; /* the lock is held */
	err = proto_vmsa_check(&env, vmsa, &rules);
	if (err != SVSM_OK) {
		slot->vmsa = 0;
		if (adjust_page(vmsa, RMPADJUST_RWX) != SNP_RC_SUCCESS) {
			return lost(g);
		}
	}
	return err;
}

static enum svsm_err core_create_vcpu(void *plat, uint32_t vcpu, uint64_t vmsa,
				      uint64_t caa, uint32_t apic_id)
{
	struct snp_guest *g = plat;
	enum svsm_err err;

	spin_lock(&g->lock);
	err = create_locked(g, vcpu, vmsa, caa, apic_id);
	spin_unlock(&g->lock);
	return err;
}

/** Clears EFER.SVME in the VMSA at `vmsa`: the vCPU cannot run. */
static enum svsm_err vmsa_stop(uint64_t vmsa)
{
	struct vmsa *v = snp_hw_map(vmsa, false);

	if (!v) {
		return SVSM_ERR_BUSY;
	}
	v->efer &= ~VMSA_EFER_SVME;
	snp_hw_unmap(v, false);
	return SVSM_OK;
}

static enum svsm_err core_delete_vcpu(void *plat, uint32_t vcpu, uint64_t vmsa)
{
	struct snp_guest *g = plat;
	enum svsm_err err = SVSM_ERR_NOTFOUND;

	(void)vcpu;
	spin_lock(&g->lock);
	struct snp_vcpu *v = vmsa_at(g, vmsa);

	if (v && v->vmsa == vmsa) {
		err = vmsa_stop(vmsa);
		if (err == SVSM_OK) {
			v->vmsa = 0;
			g->caa[v - g->vcpus] = 0;
			/* Clears the VMSA bit and gives the page back. */
			if (adjust_page(vmsa, RMPADJUST_RWX) !=
			    SNP_RC_SUCCESS) {
				err = lost(g);
			}
		}
	}
	spin_unlock(&g->lock);
	return err;
}

static const struct proto_mem_ops SNP_MEM = { mem_read, mem_write };
static const struct proto_core_ops SNP_CORE = {
	core_pvalidate,
	core_remap_ca,
	core_create_vcpu,
	core_delete_vcpu,
};

void snp_proto_env(struct snp_guest *g, uint32_t vcpu, struct proto_env *env)
{
	static const struct proto_desc *const protos[] = { &PROTO_CORE_DESC };

	*env = (struct proto_env){
		.mem = &SNP_MEM,
		.core = &SNP_CORE,
		.plat = g,
		.vcpu = vcpu,
		.protos = protos,
		.proto_count = sizeof(protos) / sizeof(protos[0]),
	};
}

enum svsm_err snp_guest_init(struct snp_guest *g,
			     const struct snp_guest_layout *l, uint8_t *bits,
			     size_t bits_size)
{
	enum svsm_err err;

	if (((l->base | l->end | l->svsm_base | l->svsm_size) & (PAGE - 1U)) !=
		    0 ||
	    l->end <= l->base || l->svsm_base > UINT64_MAX - l->svsm_size) {
		return SVSM_ERR_INVAL;
	}
	memset(g, 0, sizeof(*g));
	err = valid_region_init(&g->valid, pa_init(l->base),
				(l->end - l->base) / PAGE, bits, bits_size);
	if (err != SVSM_OK) {
		return err;
	}
	spin_lock_init(&g->lock);
	g->base = l->base;
	g->end = l->end;
	g->svsm_base = l->svsm_base;
	g->svsm_size = l->svsm_size;
	g->sev_features = VMSA_SEV_FEATURE_SNP_ACTIVE;
	return SVSM_OK;
}

/* ---- the VMPL switch loop's pieces ------------------------------------ */

/** Whether `vmsa` is the VMSA of a vCPU created here. */
static bool is_vcpu_vmsa(struct snp_guest *g, uint64_t vmsa)
{
	bool ok;

	spin_lock(&g->lock);
	ok = (vmsa & (PAGE - 1U)) == 0 && vmsa_at(g, vmsa) != NULL;
	spin_unlock(&g->lock);
	return ok;
}

enum svsm_err snp_request_take(struct snp_guest *g, uint32_t vcpu,
			       uint64_t vmsa, uint64_t caa,
			       struct svsm_call_regs *regs, bool *is_pending)
{
	struct proto_env env;
	bool was_pending = false;
	enum svsm_err err;

	if (!is_vcpu_vmsa(g, vmsa)) {
		return SVSM_ERR_NOTFOUND;
	}
	snp_proto_env(g, vcpu, &env);
	err = proto_caa_take_pending(&env, caa, &was_pending);
	if (err != SVSM_OK || !was_pending) {
		*is_pending = false;
		return err;
	}
	struct vmsa *v = snp_hw_map(vmsa, false);

	if (!v) {
		return SVSM_ERR_BUSY;
	}
	/* One copy of each register; the guest is not running. */
	*regs = (struct svsm_call_regs){ v->rax, v->rcx, v->rdx, v->r8, v->r9 };
	snp_hw_unmap(v, false);
	*is_pending = true;
	return SVSM_OK;
}

enum svsm_err snp_request_finish(struct snp_guest *g, uint64_t vmsa,
				 const struct svsm_call_regs *regs)
{
	if (!is_vcpu_vmsa(g, vmsa)) {
		return SVSM_ERR_NOTFOUND;
	}
	struct vmsa *v = snp_hw_map(vmsa, false);

	if (!v) {
		return SVSM_ERR_BUSY;
	}
	v->rax = regs->rax;
	v->rcx = regs->rcx;
	v->rdx = regs->rdx;
	v->r8 = regs->r8;
	snp_hw_unmap(v, false);
	return SVSM_OK;
}

enum svsm_err snp_vcpu_adopt(struct snp_guest *g, uint64_t vmsa, uint64_t caa,
			     uint32_t apic_id)
{
	return core_create_vcpu(g, 0, vmsa, caa, apic_id);
}

/** Sets (`is_on`) or clears EFER.SVME of the VMSA at `vmsa`. */
static enum svsm_err vmsa_set_runnable(uint64_t vmsa, bool is_on,
				       uint64_t *exit_code)
{
	struct vmsa *v = snp_hw_map(vmsa, false);

	if (!v) {
		return SVSM_ERR_BUSY;
	}
	if (is_on) {
		v->efer |= VMSA_EFER_SVME;
	} else {
		v->efer &= ~VMSA_EFER_SVME;
		*exit_code = v->guest_exit_code; /* read once */
	}
	snp_hw_unmap(v, false);
	return SVSM_OK;
}

enum svsm_err snp_vcpu_arm(struct snp_guest *g, uint32_t apic_id,
			   struct snp_run *run)
{
	enum svsm_err err = SVSM_ERR_NOTFOUND;

	spin_lock(&g->lock);
	struct snp_vcpu *v = g->is_lost ? NULL : vcpu_of_apic(g, apic_id);

	if (v) {
		uint32_t slot = (uint32_t)(v - g->vcpus);

		err = vmsa_set_runnable(v->vmsa, true, NULL);
		*run = (struct snp_run){
			.slot = slot,
			.vmsa = v->vmsa,
			.caa = g->caa[slot] != 0 ? g->caa[slot] : v->caa,
		};
	}
	spin_unlock(&g->lock);
	return err;
}

enum svsm_err snp_vcpu_disarm(struct snp_guest *g, const struct snp_run *run,
			      uint64_t *exit_code)
{
	enum svsm_err err = SVSM_ERR_NOTFOUND;

	spin_lock(&g->lock);
	if (g->vcpus[run->slot].vmsa == run->vmsa) {
		err = vmsa_set_runnable(run->vmsa, false, exit_code);
	}
	spin_unlock(&g->lock);
	return err;
}
