// SPDX-License-Identifier: MIT
/*
 * SEV-SNP boot checks (boot.h). Each takes copied-in values or copies its
 * input once, checks everything before it changes anything, and reports
 * a refusal as an error for the SNP entry to turn into a termination
 * request (GHCB_TERM_FEATURE for SEV_STATUS, integrity loss for a
 * C-bit the hypervisor lies about).
 *
 * The SEV_STATUS policy (docs/SNP.md lists it with the reasons):
 * - required: SEV, SEV-ES, SNP (csvsm is an SNP VMPL0 kernel) and
 *   restricted injection (without it the hypervisor can inject any event
 *   into VMPL0; with it only #HV, which csvsm does not handle yet, so an
 *   injected event is fatal rather than a way in);
 * - tolerated: debug swap, host IBS prevention, BTB isolation, SMT
 *   protection (the hardware does more, csvsm does nothing differently);
 * - refused: vTOM (csvsm encrypts with the C-bit, not a vTOM split),
 *   #VC reflection and alternate injection (for lower VMPLs' use, not a
 *   VMPL0 kernel's), VMPL supervisor shadow stacks (no CET), Secure TSC
 *   (its MSRs are not handled), VMSA register protection (its VMSA
 *   rules are not implemented), and every bit csvsm does not know.
 */
#include "boot.h"

#include "svsm/string.h"

#include "../../arch/x86/snp_ops.h"
#include "ghcb_msr.h"

#define PAGE 0x1000ULL
#define LEAF_BASIC 0x0U
#define LEAF_EXT 0x80000000U
#define LEAF_XSAVE 0xDU
#define LEAF_SEV 0x8000001FU
#define SEV_EAX_SEV (1U << 1) /* leaf 0x8000001F EAX (APM vol. 3, E.4.17) */
#define SEV_EAX_SNP (1U << 4)
#define CBIT_MIN 32U
#define CBIT_MAX 51U
#define PTE_PRESENT 0x1ULL
#define PTE_ADDR_TOP 52U

enum svsm_err snp_sev_status_check(uint64_t status, uint64_t *sev_features)
{
	if ((status & SNP_STATUS_REQUIRED) != SNP_STATUS_REQUIRED ||
	    (status & ~(SNP_STATUS_REQUIRED | SNP_STATUS_TOLERATED)) != 0) {
		return SVSM_ERR_UNSUPPORTED;
	}
	*sev_features = status >> 2;
	return SVSM_OK;
}

/** Whether `n` bytes at `p` are all zero. */
static bool is_zero(const void *p, size_t n)
{
	const uint8_t *b = p;
	uint8_t acc = 0;

	for (size_t i = 0; i < n; i++) {
		acc |= b[i];
	}
	return acc == 0;
}

static const struct snp_cpuid_fn *cpuid_entry(const struct snp_cpuid_page *p,
					      uint32_t leaf, uint32_t subleaf)
{
	for (uint32_t i = 0; i < p->count; i++) {
		if (p->fn[i].eax_in == leaf && p->fn[i].ecx_in == subleaf) {
			return &p->fn[i];
		}
	}
	return NULL;
}

/** Entry `i` on its own: reserved zero, XCR0/XSS inputs only for 0xD. */
static bool entry_ok(const struct snp_cpuid_page *p, uint32_t i,
		     uint32_t max_basic, uint32_t max_ext)
{
	const struct snp_cpuid_fn *e = &p->fn[i];
	bool is_in_range = e->eax_in <= max_basic ||
			   (e->eax_in >= LEAF_EXT && e->eax_in <= max_ext);

	if (e->reserved != 0 || !is_in_range ||
	    (e->eax_in != LEAF_XSAVE && (e->xcr0_in | e->xss_in) != 0)) {
		return false;
	}
	for (uint32_t j = 0; j < i; j++) {
		const struct snp_cpuid_fn *o = &p->fn[j];

		if (o->eax_in == e->eax_in && o->ecx_in == e->ecx_in &&
		    o->xcr0_in == e->xcr0_in && o->xss_in == e->xss_in) {
			return false; /* listed twice: which would count? */
		}
	}
	return true;
}

/** The checks of snp_cpuid_load() on the copy `p`; the C-bit out. */
static enum svsm_err cpuid_check(const struct snp_cpuid_page *p, uint8_t *cbit)
{
	const struct snp_cpuid_fn *basic;
	const struct snp_cpuid_fn *ext;
	const struct snp_cpuid_fn *sev;

	if (p->count > SNP_CPUID_COUNT_MAX || p->reserved_1 != 0 ||
	    p->reserved_2 != 0 ||
	    !is_zero(p->reserved_c10, sizeof(p->reserved_c10)) ||
	    !is_zero(&p->fn[p->count],
		     (SNP_CPUID_COUNT_MAX - p->count) * sizeof(p->fn[0]))) {
		return SVSM_ERR_INVAL;
	}
	basic = cpuid_entry(p, LEAF_BASIC, 0);
	ext = cpuid_entry(p, LEAF_EXT, 0);
	sev = cpuid_entry(p, LEAF_SEV, 0);
	if (!basic || !ext || !sev || ext->eax < LEAF_SEV) {
		return SVSM_ERR_INVAL;
	}
	for (uint32_t i = 0; i < p->count; i++) {
		if (!entry_ok(p, i, basic->eax, ext->eax)) {
			return SVSM_ERR_INVAL;
		}
	}
	if ((sev->eax & (SEV_EAX_SEV | SEV_EAX_SNP)) !=
		    (SEV_EAX_SEV | SEV_EAX_SNP) ||
	    (sev->ebx & 0x3FU) < CBIT_MIN || (sev->ebx & 0x3FU) > CBIT_MAX) {
		return SVSM_ERR_INVAL;
	}
	*cbit = (uint8_t)(sev->ebx & 0x3FU);
	return SVSM_OK;
}

enum svsm_err snp_cpuid_load(const void *src, size_t len, struct snp_cpuid *out)
{
	uint8_t cbit = 0;

	if (len != sizeof(out->page)) {
		return SVSM_ERR_INVAL;
	}
	memcpy(&out->page, src, sizeof(out->page)); /* the one read */
	out->cbit = 0;
	enum svsm_err err = cpuid_check(&out->page, &cbit);

	if (err != SVSM_OK) {
		out->page.count = 0; /* nothing in it can be found */
		return err;
	}
	out->cbit = cbit;
	return SVSM_OK;
}

bool snp_cpuid_find(const struct snp_cpuid *c, uint32_t leaf, uint32_t subleaf,
		    uint64_t xcr0, uint32_t regs[4])
{
	for (uint32_t i = 0; i < c->page.count; i++) {
		const struct snp_cpuid_fn *e = &c->page.fn[i];

		if (e->eax_in == leaf && e->ecx_in == subleaf &&
		    (leaf != LEAF_XSAVE || e->xcr0_in == xcr0)) {
			regs[0] = e->eax;
			regs[1] = e->ebx;
			regs[2] = e->ecx;
			regs[3] = e->edx;
			return true;
		}
	}
	return false;
}

enum svsm_err snp_cbit_crosscheck(const struct snp_cpuid *c, uint8_t ghcb_cbit)
{
	if (c->cbit < CBIT_MIN || c->cbit != ghcb_cbit) {
		return SVSM_ERR_INTEGRITY;
	}
	return SVSM_OK;
}

/** The bits from `cbit` to the top of a physical address (bit 51). */
static uint64_t high_mask(uint8_t cbit)
{
	return ((1ULL << PTE_ADDR_TOP) - 1U) & ~((1ULL << cbit) - 1U);
}

enum svsm_err snp_pte_encrypt(uint64_t *ptes, size_t count, uint8_t cbit)
{
	if (cbit < CBIT_MIN || cbit > CBIT_MAX) {
		return SVSM_ERR_INVAL;
	}
	for (size_t i = 0; i < count; i++) {
		if ((ptes[i] & PTE_PRESENT) != 0 &&
		    (ptes[i] & high_mask(cbit)) != 0) {
			return SVSM_ERR_INVAL;
		}
	}
	for (size_t i = 0; i < count; i++) {
		if ((ptes[i] & PTE_PRESENT) != 0) {
			ptes[i] |= 1ULL << cbit;
		}
	}
	return SVSM_OK;
}

bool snp_pte_is_encrypted(const uint64_t *ptes, size_t count, uint8_t cbit)
{
	if (cbit < CBIT_MIN || cbit > CBIT_MAX) {
		return false;
	}
	for (size_t i = 0; i < count; i++) {
		if ((ptes[i] & PTE_PRESENT) != 0 &&
		    (ptes[i] & high_mask(cbit)) != 1ULL << cbit) {
			return false;
		}
	}
	return true;
}

/** Whether [a, a + size) lies inside [lo, hi) (no overflow). */
static bool is_inside(uint64_t a, uint64_t size, uint64_t lo, uint64_t hi)
{
	return a >= lo && a <= hi && size <= hi - a;
}

enum svsm_err snp_prevalidated_record(struct valid_region *r,
				      const struct svsm_launch_info *li)
{
	uint64_t lo = li->kernel_pbase;
	uint64_t hi = li->free_pbase;
	enum svsm_err err;

	if (((lo | hi | li->kernel_pend | li->param_gpa | li->param_size |
	      li->snp_cpuid_pa | li->snp_secrets_pa | li->vmsa_gpa) &
	     (PAGE - 1U)) != 0 ||
	    hi <= lo || hi > li->kernel_pend) {
		return SVSM_ERR_INVAL;
	}
	if (!is_inside(li->param_gpa, li->param_size, lo, hi) ||
	    !is_inside(li->snp_cpuid_pa, PAGE, lo, hi) ||
	    !is_inside(li->snp_secrets_pa, PAGE, lo, hi) ||
	    li->snp_cpuid_pa == li->snp_secrets_pa ||
	    is_inside(li->vmsa_gpa, PAGE, lo, li->kernel_pend)) {
		return SVSM_ERR_INVAL;
	}
	err = valid_prepare(r, pa_init(lo), (hi - lo) / PAGE,
			    VALID_STATE_INVALID, VALID_STATE_VALID);
	if (err != SVSM_OK) {
		return err;
	}
	valid_commit(r, pa_init(lo), (hi - lo) / PAGE, VALID_STATE_VALID);
	return SVSM_OK;
}

enum svsm_err snp_secrets_boot(struct snp_guest *g, uint64_t fw_gpa,
			       uint64_t guest_gpa,
			       const struct snp_secrets_svsm *svsm,
			       struct snp_secrets_page *keep,
			       struct snp_secrets_page *scratch)
{
	struct proto_env env;
	enum svsm_err err;

	bool is_guests = is_inside(fw_gpa, PAGE, g->base, g->end) &&
			 !is_inside(fw_gpa, PAGE, g->svsm_base,
				    g->svsm_base + g->svsm_size);

	if ((fw_gpa & (PAGE - 1U)) != 0 || (guest_gpa & (PAGE - 1U)) != 0 ||
	    is_guests) {
		return SVSM_ERR_INVAL; /* the firmware's page is csvsm's */
	}
	void *fw = snp_hw_map(fw_gpa, false);

	if (!fw) {
		return SVSM_ERR_BUSY;
	}
	memcpy(keep, fw, sizeof(*keep)); /* the one read */
	snp_hw_unmap(fw, false);
	err = snp_secrets_check(keep);
	if (err == SVSM_OK) {
		err = snp_secrets_guest_copy(keep, svsm, scratch);
	}
	if (err == SVSM_OK) {
		snp_proto_env(g, 0, &env);
		err = env.mem->write(env.plat, guest_gpa, scratch,
				     sizeof(*scratch));
	}
	memset(scratch, 0, sizeof(*scratch));
	return err;
}
