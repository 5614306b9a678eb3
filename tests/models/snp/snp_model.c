// SPDX-License-Identifier: MIT
/*
 * The SEV-SNP model (snp_model.h): the backend of arch/x86/snp_ops.h on
 * the host. The rules it enforces, with where they come from:
 *
 * PVALIDATE (APM vol. 3, PVALIDATE; SNP ABI 56860 "RMP"):
 * - only at VMPL0 (#GP otherwise, recorded as a fault);
 * - the address must be aligned to the page size asked for: FAIL_INPUT;
 * - the page must be assigned to the guest: else #NPF (recorded as a
 *   fault; the call reports FAIL_INPUT, which the hardware never would);
 * - a 4 KiB request inside a 2 MiB RMP entry, or a 2 MiB request over
 *   4 KiB entries: FAIL_SIZEMISMATCH;
 * - a VMSA page is never rescinded: FAIL_INPUT;
 * - asking for the state the page is in: success with CF set;
 * - else the Validated bit flips (every page of a 2 MiB entry).
 *
 * RMPADJUST (APM vol. 3, RMPADJUST):
 * - reserved bits of RDX, or a target VMPL above 3: FAIL_INPUT;
 * - the target VMPL must be numerically higher (less privileged) than
 *   the caller's, and the permissions granted a subset of the caller's
 *   own: FAIL_PERMISSION;
 * - the page must be assigned (#NPF, recorded); page size as for
 *   PVALIDATE: FAIL_SIZEMISMATCH; then it must be validated: FAIL_INPUT;
 * - the VMSA bit only on a 4 KiB page: FAIL_INPUT;
 * - else the target VMPL's permissions become the mask, and the page's
 *   VMSA bit becomes RDX[16].
 *
 * The GHCB MSR protocol (GHCB spec 56421, 2.3.1 and table 4): SEV
 * information 0x002/0x001, CPUID 0x004/0x005, GHCB GPA registration
 * 0x012/0x013, page-state change 0x014/0x015, VMPL run request
 * 0x016/0x017, termination 0x100. An honest hypervisor answers as the
 * specification says; the malicious modes answer as snp_model.h lists.
 * A GHCB page may only be registered when it is shared (the hypervisor
 * cannot read a private page): registering a private one is a fault.
 */
#include "snp_model.h"

#include <stddef.h>
#include <string.h>

#include "../../../arch/x86/snp_ops.h"
#include "uapi/svsm/vmsa.h"

#define HUGE_SIZE 0x200000ULL
#define HUGE_PAGES 512U
#define GHCB_VERSION_MIN 1U
#define GHCB_VERSION_MAX 2U
#define CBIT_POS 51U
#define CPUID_ROOM 8U
#define DEV_ROOM 8U

struct cpuid_answer {
	uint32_t fn;
	uint32_t reg;
	uint32_t val;
};

static uint8_t mem[SNPM_MEM_SIZE] __attribute__((aligned(0x200000)));

static struct {
	struct snpm_rmp rmp[SNPM_PAGES];
	uint32_t maps_marked[SNPM_PAGES];
	uint32_t maps_unmarked[SNPM_PAGES];
	uint8_t vmpl; /* the VMPL the code under test runs at */
	struct snpm_counts counts;
	const char *fault;
	uint64_t msr;
	enum snpm_ghcb_mode mode;
	int32_t terminated;
	uint64_t ghcb_gpa;
	bool is_halted;
	struct cpuid_answer cpuid[CPUID_ROOM];
	uint32_t cpuid_count;
	const uint64_t *script;
	size_t script_left;
	uint64_t (*guest_fn)(void *ctx, struct vmsa *v);
	void *guest_ctx;
	uint64_t guest_vmsa;
	uint32_t guest_runs;
	uint64_t ap_vmsa[SNPM_APICS];
	uint32_t io_port[DEV_ROOM];
	uint32_t io_val[DEV_ROOM];
	uint32_t io_count;
	bool has_out;
	uint16_t out_port;
	uint32_t out_val;
	uint8_t out_size;
	uint32_t msr_id[DEV_ROOM];
	uint64_t msr_val[DEV_ROOM];
	uint32_t msr_count;
	const struct snpm_page_answer *page_answer;
	uint64_t sev_status;
	void *shared_va;
} m;

static void fault(const char *what)
{
	if (!m.fault) {
		m.fault = what;
	}
}

void snpm_reset(void)
{
	memset(mem, 0, sizeof(mem));
	memset(&m, 0, sizeof(m));
	m.terminated = -1;
	m.sev_status = 0x27; /* SEV, SEV-ES, SNP, restricted injection */
	for (uint64_t i = 0; i < SNPM_PAGES; i++) {
		uint64_t gpa = i * SNPM_PAGE;
		struct snpm_rmp *r = &m.rmp[i];

		r->is_assigned = true;
		r->perms[0] = SNPM_PERM_ALL;
		r->is_huge = gpa >= SNPM_HUGE_BASE &&
			     gpa < SNPM_HUGE_BASE + HUGE_SIZE;
		r->is_validated = gpa >= SNPM_SVSM_BASE;
	}
}

void snpm_reset_host(void)
{
	m.msr = 0;
	m.mode = SNPM_GHCB_HONEST;
	m.terminated = -1;
	m.ghcb_gpa = 0;
	m.is_halted = false;
	m.script = NULL;
	m.script_left = 0;
	m.has_out = false;
	m.page_answer = NULL;
}

struct snpm_rmp *snpm_rmp(uint64_t gpa)
{
	return gpa < SNPM_MEM_SIZE ? &m.rmp[gpa / SNPM_PAGE] : NULL;
}

uint8_t *snpm_mem(uint64_t gpa)
{
	return gpa < SNPM_MEM_SIZE ? &mem[gpa] : NULL;
}

void snpm_host_rmpupdate(uint64_t gpa, bool is_private)
{
	struct snpm_rmp *r = snpm_rmp(gpa);

	if (r) {
		bool is_huge = r->is_huge;

		*r = (struct snpm_rmp){ .is_assigned = is_private,
					.is_huge = is_huge };
		r->perms[0] = SNPM_PERM_ALL;
	}
}

bool snpm_access_ok(uint64_t gpa, uint8_t vmpl, uint8_t perm)
{
	const struct snpm_rmp *r = snpm_rmp(gpa);

	if (!r || vmpl > 3) {
		return false;
	}
	if (!r->is_assigned) {
		return true; /* shared: the host's and everyone's */
	}
	if (!r->is_validated) {
		return false; /* #VC on a private, unvalidated page */
	}
	if (vmpl > 0 && r->is_vmsa && (perm & SNPM_PERM_WRITE)) {
		return false;
	}
	return (r->perms[vmpl] & perm) == perm;
}

const struct snpm_counts *snpm_counts(void)
{
	return &m.counts;
}

const char *snpm_fault(void)
{
	return m.fault;
}

void snpm_set_ghcb_mode(enum snpm_ghcb_mode mode)
{
	m.mode = mode;
}

int32_t snpm_terminated(void)
{
	return m.terminated;
}

uint64_t snpm_ghcb_gpa(void)
{
	return m.ghcb_gpa;
}

bool snpm_halted(void)
{
	return m.is_halted;
}

void snpm_maps_of(uint64_t gpa, uint32_t *marked, uint32_t *unmarked)
{
	*marked = gpa < SNPM_MEM_SIZE ? m.maps_marked[gpa / SNPM_PAGE] : 0;
	*unmarked = gpa < SNPM_MEM_SIZE ? m.maps_unmarked[gpa / SNPM_PAGE] : 0;
}

void snpm_script(const uint64_t *answers, size_t count)
{
	m.script = answers;
	m.script_left = count;
}

void snpm_set_cpuid(uint32_t fn, uint32_t reg, uint32_t val)
{
	if (m.cpuid_count < CPUID_ROOM) {
		m.cpuid[m.cpuid_count++] =
			(struct cpuid_answer){ fn, reg, val };
	}
}

void snpm_set_guest(uint64_t (*fn)(void *ctx, struct vmsa *v), void *ctx,
		    uint64_t vmsa_gpa)
{
	m.guest_fn = fn;
	m.guest_ctx = ctx;
	m.guest_vmsa = vmsa_gpa;
}

void snpm_set_guest_vmsa(uint64_t vmsa_gpa)
{
	m.guest_vmsa = vmsa_gpa;
}

uint32_t snpm_guest_runs(void)
{
	return m.guest_runs;
}

uint64_t snpm_ap_vmsa(uint32_t apic_id)
{
	return apic_id < SNPM_APICS ? m.ap_vmsa[apic_id] : 0;
}

/** Whether the guest's VMPL may access every page of [gpa, gpa + len). */
static bool guest_may(uint64_t gpa, size_t len, uint8_t perm)
{
	uint8_t vmpl = m.vmpl != 0 ? m.vmpl : 2U;

	if (len == 0 || gpa >= SNPM_MEM_SIZE || len > SNPM_MEM_SIZE - gpa) {
		return false;
	}
	for (uint64_t p = gpa & ~(SNPM_PAGE - 1U); p < gpa + len;
	     p += SNPM_PAGE) {
		if (!snpm_access_ok(p, vmpl, perm)) {
			return false;
		}
	}
	return true;
}

bool snpm_guest_write(uint64_t gpa, const void *src, size_t len)
{
	if (!guest_may(gpa, len, SNPM_PERM_WRITE)) {
		return false;
	}
	memcpy(&mem[gpa], src, len);
	return true;
}

bool snpm_guest_read(uint64_t gpa, void *dst, size_t len)
{
	if (!guest_may(gpa, len, SNPM_PERM_READ)) {
		return false;
	}
	memcpy(dst, &mem[gpa], len);
	return true;
}

/* ---- the instructions ------------------------------------------------ */

/** The GPA of host pointer `va` into the model's memory, or UINT64_MAX. */
static uint64_t gpa_of(const void *va)
{
	uintptr_t p = (uintptr_t)va;
	uintptr_t base = (uintptr_t)mem;

	return p >= base && p < base + SNPM_MEM_SIZE ? (uint64_t)(p - base)
						     : UINT64_MAX;
}

/**
 * The checks PVALIDATE and RMPADJUST share: range and alignment
 * (FAIL_INPUT), assignment (#NPF), page size (FAIL_SIZEMISMATCH).
 * Returns the failing code, or SNP_RC_SUCCESS with `*first` the first
 * page index and `*count` the page count.
 */
static uint32_t check_page(const void *va, bool huge, uint64_t *first,
			   uint64_t *count)
{
	uint64_t gpa = gpa_of(va);
	uint64_t size = huge ? HUGE_SIZE : SNPM_PAGE;

	if (gpa == UINT64_MAX || (gpa & (size - 1U)) != 0 ||
	    gpa + size > SNPM_MEM_SIZE) {
		return SNP_RC_FAIL_INPUT;
	}
	*first = gpa / SNPM_PAGE;
	*count = size / SNPM_PAGE;
	for (uint64_t i = *first; i < *first + *count; i++) {
		if (!m.rmp[i].is_assigned) {
			fault("#NPF: page not assigned to the guest");
			return SNP_RC_FAIL_INPUT;
		}
		if (m.rmp[i].is_huge != huge) {
			return SNP_RC_FAIL_SIZEMISMATCH;
		}
	}
	return SNP_RC_SUCCESS;
}

struct snp_pval_status snp_hw_pvalidate(void *va, bool huge, bool validate)
{
	uint64_t first = 0;
	uint64_t count = 0;
	uint32_t rc;

	m.counts.pvalidates++;
	if (m.vmpl != 0) {
		fault("#GP: PVALIDATE above VMPL0");
		return (struct snp_pval_status){ SNP_RC_FAIL_INPUT, false };
	}
	rc = check_page(va, huge, &first, &count);
	if (rc != SNP_RC_SUCCESS) {
		return (struct snp_pval_status){ rc, false };
	}
	if (m.rmp[first].is_validated == validate) {
		return (struct snp_pval_status){ SNP_RC_SUCCESS, true };
	}
	for (uint64_t i = first; i < first + count; i++) {
		if (m.rmp[i].is_vmsa) {
			return (struct snp_pval_status){ SNP_RC_FAIL_INPUT,
							 false };
		}
	}
	for (uint64_t i = first; i < first + count; i++) {
		m.rmp[i].is_validated = validate;
	}
	return (struct snp_pval_status){ SNP_RC_SUCCESS, false };
}

uint32_t snp_hw_rmpadjust(void *va, bool huge, uint64_t attrs)
{
	uint64_t first = 0;
	uint64_t count = 0;
	uint8_t target = (uint8_t)(attrs & RMPADJUST_VMPL_MASK);
	uint8_t perms = (uint8_t)((attrs & RMPADJUST_PERM_MASK) >> 8);
	bool is_vmsa = (attrs & RMPADJUST_VMSA) != 0;
	uint32_t rc;

	m.counts.rmpadjusts++;
	if ((attrs & ~(RMPADJUST_VMPL_MASK | RMPADJUST_PERM_MASK |
		       RMPADJUST_VMSA)) != 0 ||
	    target > 3 || (perms & ~SNPM_PERM_ALL) != 0) {
		return SNP_RC_FAIL_INPUT;
	}
	if (target <= m.vmpl) {
		return SNP_RC_FAIL_PERMISSION;
	}
	rc = check_page(va, huge, &first, &count);
	if (rc != SNP_RC_SUCCESS) {
		return rc;
	}
	for (uint64_t i = first; i < first + count; i++) {
		if (!m.rmp[i].is_validated) {
			return SNP_RC_FAIL_INPUT;
		}
		if ((perms & ~m.rmp[i].perms[m.vmpl]) != 0) {
			return SNP_RC_FAIL_PERMISSION;
		}
	}
	if (is_vmsa && huge) {
		return SNP_RC_FAIL_INPUT;
	}
	for (uint64_t i = first; i < first + count; i++) {
		m.rmp[i].perms[target] = perms;
		m.rmp[i].is_vmsa = is_vmsa;
	}
	return SNP_RC_SUCCESS;
}

void *snp_hw_map(uint64_t gpa, bool huge)
{
	uint64_t size = huge ? HUGE_SIZE : SNPM_PAGE;

	m.counts.maps++;
	if ((gpa & (size - 1U)) != 0 || gpa >= SNPM_MEM_SIZE ||
	    size > SNPM_MEM_SIZE - gpa) {
		fault("map: bad address");
		return NULL;
	}
	for (uint64_t i = gpa / SNPM_PAGE; i < (gpa + size) / SNPM_PAGE; i++) {
		if (m.rmp[i].is_vmsa) {
			m.maps_marked[i]++;
		} else {
			m.maps_unmarked[i]++;
		}
	}
	return &mem[gpa];
}

void snp_hw_unmap(void *va, bool huge)
{
	(void)va;
	(void)huge;
}

void snp_hw_halt(void)
{
	m.is_halted = true;
}

/* ---- the hypervisor behind the GHCB MSR ------------------------------- */

uint64_t snp_hw_ghcb_msr_read(void)
{
	return m.msr;
}

void snp_hw_ghcb_msr_write(uint64_t val)
{
	m.msr = val;
}

static uint64_t answer_sev_info(void)
{
	uint64_t max = m.mode == SNPM_GHCB_OLD_VERSION ? 1U : GHCB_VERSION_MAX;
	uint64_t cbit = m.mode == SNPM_GHCB_BAD_CBIT ? 63U : CBIT_POS;

	return max << 48 | (uint64_t)GHCB_VERSION_MIN << 32 | cbit << 24 |
	       0x001U;
}

static uint64_t answer_cpuid(uint64_t req)
{
	uint32_t fn = (uint32_t)(req >> 32);
	uint32_t reg = (uint32_t)(req >> 30) & 3U;
	uint32_t val = 0;

	for (uint32_t i = 0; i < m.cpuid_count; i++) {
		if (m.cpuid[i].fn == fn && m.cpuid[i].reg == reg) {
			val = m.cpuid[i].val;
		}
	}
	if (m.mode == SNPM_GHCB_CPUID_LIE) {
		reg ^= 1U;
	}
	return (uint64_t)val << 32 | (uint64_t)reg << 30 | 0x005U;
}

static uint64_t answer_register(uint64_t req)
{
	uint64_t gfn = req >> 12;
	uint64_t gpa = gfn << 12;

	if (m.mode == SNPM_GHCB_WRONG_GPA) {
		gfn++;
	} else if (snpm_rmp(gpa) && snpm_rmp(gpa)->is_assigned) {
		fault("GHCB registered while private");
	} else {
		m.ghcb_gpa = gpa;
	}
	return gfn << 12 | 0x013U;
}

static uint64_t answer_psc(uint64_t req)
{
	uint64_t gpa = req & 0x000FFFFFFFFFF000ULL;
	uint64_t op = (req >> 52) & 0xFU;

	if (m.mode == SNPM_GHCB_PSC_REFUSE || (op != 1U && op != 2U) ||
	    !snpm_rmp(gpa)) {
		return 1ULL << 32 | 0x015U;
	}
	snpm_host_rmpupdate(gpa, op == 1U);
	return 0x015U;
}

static uint64_t answer_vmpl(uint64_t req)
{
	uint8_t vmpl = (uint8_t)(req >> 32);

	if (m.mode == SNPM_GHCB_VMPL_REFUSE || vmpl == 0 || vmpl > 3) {
		return 1ULL << 32 | 0x017U;
	}
	m.counts.vmpl_switches++;
	return 0x017U;
}

/* GHCB page offsets (56421, table 3) the responder reads and writes. */
#define GHCB_RAX 0x1F8U
#define GHCB_EXIT_CODE 0x390U
#define GHCB_EXIT_INFO_1 0x398U
#define GHCB_EXIT_INFO_2 0x3A0U
#define GHCB_VALID_BITMAP 0x3F0U
#define GHCB_VERSION 0xFFAU
#define GHCB_AP_CREATION 0x80000013ULL
#define GHCB_RUN_VMPL 0x80000018ULL
#define AP_CREATE 1U  /* 56421, AP creation: SW_EXITINFO1[15:0] */
#define HOST_ERROR 1U /* SW_EXITINFO1 = 1: SW_EXITINFO2 says why */

static uint64_t ghcb_get(uint32_t off)
{
	uint64_t v;

	memcpy(&v, &mem[m.ghcb_gpa + off], sizeof(v));
	return v;
}

static void ghcb_put(uint32_t off, uint64_t v)
{
	memcpy(&mem[m.ghcb_gpa + off], &v, sizeof(v));
}

/** Whether the guest marked the field at `off` valid. */
static bool ghcb_is_valid(uint32_t off)
{
	uint64_t word = ghcb_get(GHCB_VALID_BITMAP + (off / 8U / 64U) * 8U);

	return (word >> ((off / 8U) % 64U)) & 1U;
}

/**
 * Whether the hypervisor could VMRUN the VMSA at `gpa` at `vmpl`: the RMP
 * holds it as a VMSA, its VMPL field says `vmpl` and EFER.SVME is set.
 */
static bool is_runnable(uint64_t gpa, uint8_t vmpl)
{
	const struct snpm_rmp *r = snpm_rmp(gpa);
	const struct vmsa *v;

	if (!r || (gpa & (SNPM_PAGE - 1U)) != 0 || !r->is_assigned ||
	    !r->is_validated || !r->is_vmsa) {
		return false;
	}
	v = (const struct vmsa *)&mem[gpa];
	return v->vmpl == vmpl && (v->efer & VMSA_EFER_SVME) != 0;
}

/**
 * SNP_RUN_VMPL: runs this vCPU's guest VMSA at the VMPL in
 * SW_EXITINFO1[7:0] until its next exit. Returns SW_EXITINFO1.
 */
static uint64_t answer_run_vmpl(uint64_t *info_2)
{
	uint8_t vmpl = (uint8_t)ghcb_get(GHCB_EXIT_INFO_1);

	if (m.mode == SNPM_GHCB_VMPL_REFUSE) {
		*info_2 = 0x5;
		return HOST_ERROR;
	}
	m.counts.vmpl_switches++;
	if (!m.guest_fn) {
		return 0;
	}
	if (m.guest_runs >= SNPM_GUEST_RUNS_MAX) {
		fault("the guest ran too often: the loop does not end");
		*info_2 = 0x6;
		return HOST_ERROR;
	}
	if (vmpl == 0 || vmpl > 3 || !is_runnable(m.guest_vmsa, vmpl)) {
		*info_2 = 0x7; /* VMRUN failed */
		return HOST_ERROR;
	}
	struct vmsa *v = (struct vmsa *)&mem[m.guest_vmsa];

	m.guest_runs++;
	m.vmpl = vmpl;
	uint64_t code = m.guest_fn(m.guest_ctx, v);

	m.vmpl = 0;
	v->guest_exit_code = code;
	return 0;
}

/**
 * AP creation (56421, 0x8000_0013), create now: SW_EXITINFO1 = APIC ID
 * << 32 | VMPL << 16 | 1, SW_EXITINFO2 = the VMSA's GPA, RAX (marked
 * valid) = its SEV features. The hypervisor can only start a page the
 * RMP holds as a VMSA for that VMPL with those features.
 */
static uint64_t answer_ap_creation(uint64_t *info_2)
{
	uint64_t info_1 = ghcb_get(GHCB_EXIT_INFO_1);
	uint64_t gpa = ghcb_get(GHCB_EXIT_INFO_2);
	uint32_t apic_id = (uint32_t)(info_1 >> 32);
	uint8_t vmpl = (uint8_t)(info_1 >> 16);

	if (m.mode == SNPM_GHCB_AP_REFUSE) {
		*info_2 = 0x8;
		return HOST_ERROR;
	}
	if ((info_1 & 0xFFFFU) != AP_CREATE || (info_1 >> 16 & 0xFFFFU) > 3 ||
	    apic_id >= SNPM_APICS || !ghcb_is_valid(GHCB_RAX) ||
	    !is_runnable(gpa, vmpl) ||
	    ((const struct vmsa *)&mem[gpa])->sev_features !=
		    ghcb_get(GHCB_RAX)) {
		*info_2 = 0x9;
		return HOST_ERROR;
	}
	m.ap_vmsa[apic_id] = gpa;
	return 0;
}

void snpm_io_in(uint16_t port, uint32_t val)
{
	for (uint32_t i = 0; i < m.io_count; i++) {
		if (m.io_port[i] == port) {
			m.io_val[i] = val;
			return;
		}
	}
	if (m.io_count < DEV_ROOM) {
		m.io_port[m.io_count] = port;
		m.io_val[m.io_count++] = val;
	}
}

bool snpm_io_out_last(uint16_t *port, uint32_t *val, uint8_t *size)
{
	*port = m.out_port;
	*val = m.out_val;
	*size = m.out_size;
	return m.has_out;
}

static int32_t msr_slot(uint32_t msr)
{
	for (uint32_t i = 0; i < m.msr_count; i++) {
		if (m.msr_id[i] == msr) {
			return (int32_t)i;
		}
	}
	return -1;
}

void snpm_msr_set(uint32_t msr, uint64_t val)
{
	int32_t i = msr_slot(msr);

	if (i < 0 && m.msr_count < DEV_ROOM) {
		i = (int32_t)m.msr_count++;
		m.msr_id[i] = msr;
	}
	if (i >= 0) {
		m.msr_val[i] = val;
	}
}

bool snpm_msr_get(uint32_t msr, uint64_t *val)
{
	int32_t i = msr_slot(msr);

	if (i >= 0) {
		*val = m.msr_val[i];
	}
	return i >= 0;
}

void snpm_set_sev_status(uint64_t status)
{
	m.sev_status = status;
}

void *snpm_shared_va(void)
{
	return m.shared_va;
}

uint64_t snp_hw_sev_status(void)
{
	return m.sev_status;
}

/** The hardware would fault on a private page reached without C-bit. */
void *snp_hw_map_shared(void *va, uint8_t cbit)
{
	uint64_t gpa = gpa_of(va);

	if (cbit != CBIT_POS || gpa >= SNPM_MEM_SIZE ||
	    m.rmp[gpa / SNPM_PAGE].is_assigned) {
		fault("a private page mapped shared");
		return NULL;
	}
	m.shared_va = va;
	return va;
}

void snpm_page_answer(const struct snpm_page_answer *a)
{
	m.page_answer = a;
}

#define GHCB_RCX 0x308U
#define GHCB_RDX 0x310U
#define GHCB_IOIO 0x7BULL
#define GHCB_MSR 0x7CULL

/** Marks the field at `off` valid in the answer (the host's side). */
static void ghcb_set_valid(uint32_t off)
{
	uint32_t word = GHCB_VALID_BITMAP + (off / 8U / 64U) * 8U;

	ghcb_put(word, ghcb_get(word) | 1ULL << ((off / 8U) % 64U));
}

/** The answer's register `off`: `v`, marked valid unless told not to. */
static void answer_reg(uint32_t off, uint64_t v)
{
	if (m.mode == SNPM_GHCB_WIDE) {
		v |= 0xFFFFFFFF00000000ULL;
	}
	ghcb_put(off, v);
	if (m.mode != SNPM_GHCB_NOT_VALID) {
		ghcb_set_valid(off);
	}
}

/**
 * IOIO (APM vol. 2, 15.10.2): SW_EXITINFO1 bit 0 IN, bits 6:4 the size,
 * 31:16 the port; an OUT must carry RAX marked valid.
 */
static uint64_t answer_ioio(void)
{
	uint64_t info = ghcb_get(GHCB_EXIT_INFO_1);
	uint16_t port = (uint16_t)(info >> 16);
	uint8_t size = (info & 0x10U) ? 1U : (info & 0x20U) ? 2U : 4U;
	uint64_t width =
		size == 4U ? 0xFFFFFFFFULL : (1ULL << (size * 8U)) - 1U;

	if ((info & 0x70U) == 0 || (info & 0xCU) != 0) {
		fault("IOIO exit without a size, or a string form");
		return HOST_ERROR;
	}
	if ((info & 1U) == 0) {
		if (!ghcb_is_valid(GHCB_RAX)) {
			fault("OUT without RAX marked valid");
			return HOST_ERROR;
		}
		m.has_out = true;
		m.out_port = port;
		m.out_val = (uint32_t)(ghcb_get(GHCB_RAX) & width);
		m.out_size = size;
		return 0;
	}
	uint32_t val = 0xFFFFFFFFU;

	for (uint32_t i = 0; i < m.io_count; i++) {
		if (m.io_port[i] == port) {
			val = m.io_val[i];
		}
	}
	answer_reg(GHCB_RAX, val & width);
	return 0;
}

/** MSR: SW_EXITINFO1 0 read, 1 write; RCX the MSR; EDX:EAX the value. */
static uint64_t answer_msr(uint64_t *info_2)
{
	uint64_t info = ghcb_get(GHCB_EXIT_INFO_1);
	uint32_t msr = (uint32_t)ghcb_get(GHCB_RCX);
	int32_t i = msr_slot(msr);

	if (info > 1U || !ghcb_is_valid(GHCB_RCX) ||
	    (info == 1U &&
	     (!ghcb_is_valid(GHCB_RAX) || !ghcb_is_valid(GHCB_RDX)))) {
		fault("MSR exit without its registers marked valid");
		return HOST_ERROR;
	}
	if (i < 0 || m.mode == SNPM_GHCB_MSR_GP) {
		*info_2 = 0x80000B0DULL; /* inject #GP(0): valid, exception */
		return HOST_ERROR;
	}
	if (info == 1U) {
		m.msr_val[i] = (ghcb_get(GHCB_RDX) & 0xFFFFFFFFU) << 32 |
			       (ghcb_get(GHCB_RAX) & 0xFFFFFFFFU);
		return 0;
	}
	answer_reg(GHCB_RAX, m.msr_val[i] & 0xFFFFFFFFU);
	answer_reg(GHCB_RDX, m.msr_val[i] >> 32);
	return 0;
}

/** A request through the registered GHCB page (MSR = its GPA). */
static void answer_page(void)
{
	uint64_t info_1 = 0;
	uint64_t info_2 = 0;

	if (mem[m.ghcb_gpa + GHCB_VERSION] != 2U ||
	    !ghcb_is_valid(GHCB_EXIT_CODE) ||
	    !ghcb_is_valid(GHCB_EXIT_INFO_1) ||
	    !ghcb_is_valid(GHCB_EXIT_INFO_2)) {
		fault("GHCB request without its fields marked valid");
		info_1 = HOST_ERROR;
	} else if (ghcb_get(GHCB_EXIT_CODE) == GHCB_RUN_VMPL) {
		info_1 = answer_run_vmpl(&info_2);
	} else if (ghcb_get(GHCB_EXIT_CODE) == GHCB_AP_CREATION) {
		info_1 = answer_ap_creation(&info_2);
	} else if (ghcb_get(GHCB_EXIT_CODE) == GHCB_IOIO) {
		info_1 = answer_ioio();
	} else if (ghcb_get(GHCB_EXIT_CODE) == GHCB_MSR) {
		info_1 = answer_msr(&info_2);
	} else {
		info_1 = HOST_ERROR; /* not offered by this host */
	}
	if (m.mode == SNPM_GHCB_WRONG_CODE) {
		info_1 = 0x7; /* neither success nor error */
	}
	if (m.mode == SNPM_GHCB_WRONG_GPA) {
		m.msr += SNPM_PAGE;
	}
	if (m.page_answer) {
		info_1 = m.page_answer->info_1;
		ghcb_put(GHCB_RAX, m.page_answer->rax);
		ghcb_put(GHCB_RDX, m.page_answer->rdx);
		ghcb_put(GHCB_VALID_BITMAP, m.page_answer->valid_bitmap[0]);
		ghcb_put(GHCB_VALID_BITMAP + 8U,
			 m.page_answer->valid_bitmap[1]);
	}
	ghcb_put(GHCB_EXIT_INFO_1, info_1);
	ghcb_put(GHCB_EXIT_INFO_2, info_2);
}

void snp_hw_vmgexit(void)
{
	uint64_t req = m.msr;
	uint64_t ans;

	m.counts.vmgexits++;
	if (m.ghcb_gpa != 0 && req == m.ghcb_gpa) {
		answer_page();
		return;
	}
	switch (req & 0xFFFU) {
	case 0x002U:
		ans = answer_sev_info();
		break;
	case 0x004U:
		ans = answer_cpuid(req);
		break;
	case 0x012U:
		ans = answer_register(req);
		break;
	case 0x014U:
		ans = answer_psc(req);
		break;
	case 0x016U:
		ans = answer_vmpl(req);
		break;
	case 0x100U:
		if (m.terminated < 0) {
			m.terminated = (int32_t)((req >> 12) & 0xFFFU);
		}
		return;
	default:
		ans = 0; /* the hypervisor does not know it */
		break;
	}
	if (m.script_left > 0) {
		ans = *m.script++;
		m.script_left--;
	}
	if (m.mode == SNPM_GHCB_NO_ANSWER) {
		return;
	}
	if (m.mode == SNPM_GHCB_WRONG_CODE) {
		ans ^= 0x2U;
	}
	if (m.mode == SNPM_GHCB_RESERVED_BITS && (req & 0xFFFU) != 0x012U &&
	    (req & 0xFFFU) != 0x002U) {
		ans |= 0x100000U; /* bit 20: reserved in every other answer */
	}
	m.msr = ans;
}
