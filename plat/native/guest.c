// SPDX-License-Identifier: MIT
/*
 * The native platform's guest (plat/native/guest.h).
 *
 * Guest memory: the RAM ranges of the boot memory map from 1 MiB up,
 * minus the SVSM region; anything else (the SVSM's pages, holes, MMIO,
 * the first MiB) is SVSM_ERR_RANGE, which the protocol reports as
 * INVALID_ADDRESS. Each access maps one page at a time in the window,
 * copies, and unmaps.
 *
 * The SNP rules modelled (AMD SEV-SNP ABI; SVSM 58019):
 * - PVALIDATE flips a page between invalid and valid; asking for the
 *   state it is in sets "no change" (CF). A 2 MiB operation needs all
 *   512 pages in one state, else FAIL_SIZEMISMATCH (the RMP would hold
 *   them as 4 KiB entries). A validated page is zeroed, as csvsm does
 *   before a lower VMPL may use it.
 * - A VMSA page must be valid and cannot be rescinded or touched by the
 *   host while it is one (FAIL_INPUT; the channel refuses access). Its
 *   contents are checked only after it is marked, so a guest cannot
 *   change them between the check and the use.
 * One mutex serialises every change, so PVALIDATE and CREATE_VCPU on the
 * same page from two CPUs see each other's result, never a mixture.
 */
#include "guest.h"

#include "svsm/boot.h"
#include "svsm/heap.h"
#include "svsm/log.h"
#include "svsm/memmap.h"
#include "svsm/request.h"
#include "svsm/string.h"
#include "svsm/task.h"
#include "svsm/tmpmap.h"
#include "svsm/valid_state.h"

#include "uapi/svsm/vmsa.h"

#define PAGE 0x1000ULL
#define HUGE_PAGES 512U
#define GUEST_TRACK_MAX (16ULL << 30) /* validation tracked below 16 GiB */

struct native_vcpu {
	uint64_t vmsa; /* 0: slot free */
	uint64_t caa;
	uint32_t apic_id;
};

static struct {
	struct mutex lock;
	bool is_ready;
	uint64_t base; /* the guest span, for the channel's SYNC reply */
	uint64_t end;
	struct valid_region valid;
	uint64_t caa[NATIVE_VCPUS_MAX]; /* per calling vCPU (REMAP_CA) */
	struct native_vcpu vcpus[NATIVE_VCPUS_MAX];
} g;

/** Whether [gpa, gpa + len) is guest memory (RAM, not the SVSM's). */
static bool is_guest(uint64_t gpa, uint64_t len)
{
	const struct boot_info *bi = boot_info_get();

	if (len == 0 || gpa < NATIVE_GUEST_MIN || gpa > UINT64_MAX - len) {
		return false;
	}
	if (gpa < bi->launch.kernel_pend &&
	    gpa + len > bi->launch.kernel_pbase) {
		return false;
	}
	return memmap_covers_ram(&bi->memmap, gpa, gpa + len);
}

/** The vCPU slot whose VMSA is the page at `pa`, or NULL. */
static struct native_vcpu *vmsa_at(uint64_t pa)
{
	for (uint32_t i = 0; i < NATIVE_VCPUS_MAX; i++) {
		if (g.vcpus[i].vmsa != 0 &&
		    g.vcpus[i].vmsa == (pa & ~(PAGE - 1U))) {
			return &g.vcpus[i];
		}
	}
	return NULL;
}

/** Whether any page of [gpa, gpa + len) is a VMSA. */
static bool touches_vmsa(uint64_t gpa, uint64_t len)
{
	for (uint64_t p = gpa & ~(PAGE - 1U); p < gpa + len; p += PAGE) {
		if (vmsa_at(p)) {
			return true;
		}
	}
	return false;
}

/**
 * Walks [gpa, gpa + len) of guest memory a page at a time, mapping each
 * page in the window: `fn(page + offset, done, n, ctx)` copies one piece.
 */
static enum svsm_err
walk(uint64_t gpa, size_t len,
     void (*fn)(uint8_t *at, size_t done, size_t n, void *ctx), void *ctx)
{
	size_t done = 0;

	if (!is_guest(gpa, len)) {
		return SVSM_ERR_RANGE;
	}
	while (done < len) {
		uint64_t off = (gpa + done) & (PAGE - 1U);
		size_t n = len - done < PAGE - off ? len - done
						   : (size_t)(PAGE - off);
		uint8_t *page = tmpmap_map(pa_init(gpa + done - off));

		if (!page) {
			return SVSM_ERR_BUSY;
		}
		fn(page + off, done, n, ctx);
		tmpmap_unmap(page);
		done += n;
	}
	return SVSM_OK;
}

static void piece_out(uint8_t *at, size_t done, size_t n, void *ctx)
{
	memcpy((uint8_t *)ctx + done, at, n);
}

static void piece_in(uint8_t *at, size_t done, size_t n, void *ctx)
{
	memcpy(at, (const uint8_t *)ctx + done, n);
}

static enum svsm_err mem_read(void *plat, uint64_t gpa, void *dst, size_t len)
{
	(void)plat;
	return walk(gpa, len, piece_out, dst);
}

static enum svsm_err mem_write(void *plat, uint64_t gpa, const void *src,
			       size_t len)
{
	/* The walker's context is not const; piece_in only reads it. */
	union {
		const void *c;
		void *v;
	} u = { .c = src };

	(void)plat;
	return walk(gpa, len, piece_in, u.v);
}

enum svsm_err native_guest_host_read(uint64_t gpa, void *dst, size_t len)
{
	enum svsm_err err = SVSM_ERR_RANGE;

	mutex_lock(&g.lock);
	if (!touches_vmsa(gpa, len)) {
		err = mem_read(NULL, gpa, dst, len);
	}
	mutex_unlock(&g.lock);
	return err;
}

enum svsm_err native_guest_host_write(uint64_t gpa, const void *src, size_t len)
{
	enum svsm_err err = SVSM_ERR_RANGE;

	mutex_lock(&g.lock);
	if (!touches_vmsa(gpa, len)) {
		err = mem_write(NULL, gpa, src, len);
	}
	mutex_unlock(&g.lock);
	return err;
}

/** Zeroes `pages` pages from `gpa` (guest memory, checked). */
static void zero_pages(uint64_t gpa, uint64_t pages)
{
	for (uint64_t i = 0; i < pages; i++) {
		uint8_t *page = tmpmap_map(pa_init(gpa + i * PAGE));

		if (page) {
			memset(page, 0, PAGE);
			tmpmap_unmap(page);
		}
	}
}

/** PVALIDATE of one page or one 2 MiB page, under the lock. */
static enum svsm_err pvalidate_locked(uint64_t gpa, bool huge, bool validate,
				      struct proto_pval_out *out)
{
	uint64_t pages = huge ? HUGE_PAGES : 1U;
	enum valid_state want =
		validate ? VALID_STATE_VALID : VALID_STATE_INVALID;
	enum valid_state from =
		validate ? VALID_STATE_INVALID : VALID_STATE_VALID;

	if (!is_guest(gpa, pages * PAGE) ||
	    valid_get(&g.valid, pa_init(gpa)) == VALID_STATE_UNKNOWN ||
	    valid_get(&g.valid, pa_init(gpa + (pages - 1U) * PAGE)) ==
		    VALID_STATE_UNKNOWN) {
		return SVSM_ERR_RANGE;
	}
	if (touches_vmsa(gpa, pages * PAGE)) {
		out->rc = 1; /* FAIL_INPUT: the RMP holds a VMSA there */
		return SVSM_OK;
	}
	enum svsm_err err =
		valid_prepare(&g.valid, pa_init(gpa), pages, from, want);

	/* Every page already in `want` is what the reverse move accepts. */
	if (err == SVSM_ERR_EXISTS &&
	    valid_prepare(&g.valid, pa_init(gpa), pages, want, from) ==
		    SVSM_OK) {
		out->no_change = true; /* every page is there already */
		return SVSM_OK;
	}
	if (err != SVSM_OK) {
		out->rc = huge ? 6U : 1U; /* mixed: FAIL_SIZEMISMATCH */
		return SVSM_OK;
	}
	if (validate) {
		zero_pages(gpa, pages);
	}
	valid_commit(&g.valid, pa_init(gpa), pages, want);
	return SVSM_OK;
}

static enum svsm_err core_pvalidate(void *plat, uint64_t gpa, bool huge,
				    bool validate, struct proto_pval_out *out)
{
	enum svsm_err err;

	(void)plat;
	mutex_lock(&g.lock);
	err = pvalidate_locked(gpa, huge, validate, out);
	mutex_unlock(&g.lock);
	return err;
}

static enum svsm_err core_remap_ca(void *plat, uint32_t vcpu, uint64_t gpa)
{
	enum svsm_err err = SVSM_OK;

	(void)plat;
	if (vcpu >= NATIVE_VCPUS_MAX) {
		return SVSM_ERR_INVAL;
	}
	mutex_lock(&g.lock);
	if (!is_guest(gpa, PAGE) || touches_vmsa(gpa, PAGE)) {
		err = SVSM_ERR_RANGE;
	} else {
		g.caa[vcpu] = gpa;
	}
	mutex_unlock(&g.lock);
	return err;
}

/** Whether `pa` is some vCPU's calling area (the caller's included). */
static bool is_caa(uint64_t pa)
{
	for (uint32_t i = 0; i < NATIVE_VCPUS_MAX; i++) {
		if ((g.caa[i] != 0 && g.caa[i] == pa) ||
		    (g.vcpus[i].vmsa != 0 && g.vcpus[i].caa == pa)) {
			return true;
		}
	}
	return false;
}

static enum svsm_err create_locked(const struct proto_env *env, uint64_t vmsa,
				   uint64_t caa, uint32_t apic_id)
{
	struct native_vcpu *slot = NULL;

	if (!is_guest(vmsa, PAGE) || !is_guest(caa, PAGE)) {
		return SVSM_ERR_RANGE;
	}
	if (vmsa_at(vmsa) || vmsa_at(caa) || is_caa(vmsa)) {
		return SVSM_ERR_EXISTS;
	}
	if (valid_get(&g.valid, pa_init(vmsa)) != VALID_STATE_VALID) {
		return SVSM_ERR_INVAL;
	}
	for (uint32_t i = 0; i < NATIVE_VCPUS_MAX && !slot; i++) {
		slot = g.vcpus[i].vmsa == 0 ? &g.vcpus[i] : NULL;
	}
	if (!slot) {
		return SVSM_ERR_BUSY;
	}
	/* Marked first: from here the host cannot change the page. */
	*slot = (struct native_vcpu){ vmsa, caa, apic_id };
	static const struct proto_vmsa_rules rules = {
		.guest_vmpl = NATIVE_GUEST_VMPL,
		.sev_features = VMSA_SEV_FEATURE_SNP_ACTIVE,
	};
	enum svsm_err err = proto_vmsa_check(env, vmsa, &rules);

	if (err != SVSM_OK) {
		slot->vmsa = 0;
	}
	return err;
}

static struct proto_env self_env;

static enum svsm_err core_create_vcpu(void *plat, uint32_t vcpu, uint64_t vmsa,
				      uint64_t caa, uint32_t apic_id)
{
	enum svsm_err err;

	(void)plat;
	(void)vcpu;
	mutex_lock(&g.lock);
	err = create_locked(&self_env, vmsa, caa, apic_id);
	mutex_unlock(&g.lock);
	return err;
}

static enum svsm_err core_delete_vcpu(void *plat, uint32_t vcpu, uint64_t vmsa)
{
	enum svsm_err err = SVSM_ERR_NOTFOUND;

	(void)plat;
	(void)vcpu;
	mutex_lock(&g.lock);
	struct native_vcpu *v = vmsa_at(vmsa);

	if (v && v->vmsa == vmsa) {
		v->vmsa = 0;
		err = SVSM_OK;
	}
	mutex_unlock(&g.lock);
	return err;
}

bool native_guest_is_consistent(void)
{
	bool ok = true;

	mutex_lock(&g.lock);
	for (uint32_t i = 0; i < NATIVE_VCPUS_MAX; i++) {
		uint64_t v = g.vcpus[i].vmsa;

		if (v != 0 &&
		    (valid_get(&g.valid, pa_init(v)) != VALID_STATE_VALID ||
		     is_caa(v))) {
			ok = false;
		}
	}
	mutex_unlock(&g.lock);
	return ok;
}

static const struct proto_mem_ops NATIVE_MEM = { mem_read, mem_write };
static const struct proto_core_ops NATIVE_CORE = {
	core_pvalidate,
	core_remap_ca,
	core_create_vcpu,
	core_delete_vcpu,
};

enum svsm_err native_guest_init(void)
{
	const struct memmap *m = &boot_info_get()->memmap;
	uint64_t end = 0;

	if (g.is_ready) {
		return SVSM_OK;
	}
	for (uint32_t i = 0; i < m->count; i++) {
		uint64_t e = m->ranges[i].base + m->ranges[i].size;

		end = e > end ? e : end;
	}
	end = end > GUEST_TRACK_MAX ? GUEST_TRACK_MAX : end;
	if (end <= NATIVE_GUEST_MIN) {
		return SVSM_ERR_RANGE;
	}
	uint64_t pages = (end - NATIVE_GUEST_MIN) / PAGE;
	size_t bytes = (size_t)((pages + 3U) / 4U);
	uint8_t *bits = kmalloc(bytes);

	if (!bits) {
		return SVSM_ERR_NOMEM;
	}
	mutex_init(&g.lock);
	enum svsm_err err = valid_region_init(
		&g.valid, pa_init(NATIVE_GUEST_MIN), pages, bits, bytes);

	if (err != SVSM_OK) {
		kfree(bits);
		return err;
	}
	g.base = NATIVE_GUEST_MIN;
	g.end = end;
	native_proto_env(0, &self_env);
	g.is_ready = true;
	return SVSM_OK;
}

void native_guest_span(uint64_t *base, uint64_t *size)
{
	*base = g.base;
	*size = g.end - g.base;
}

void native_proto_env(uint32_t vcpu, struct proto_env *env)
{
	static const struct proto_desc *const protos[] = { &PROTO_CORE_DESC };

	*env = (struct proto_env){
		.mem = &NATIVE_MEM,
		.core = &NATIVE_CORE,
		.plat = NULL,
		.vcpu = vcpu,
		.protos = protos,
		.proto_count = sizeof(protos) / sizeof(protos[0]),
	};
}

void plat_proto_env(uint32_t vcpu, struct proto_env *env)
{
	native_proto_env(vcpu, env);
}
