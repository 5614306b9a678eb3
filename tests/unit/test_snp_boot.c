// SPDX-License-Identifier: MIT
/*
 * The SEV-SNP boot checks (plat/snp/boot.c), with good and hostile
 * inputs: the SEV_STATUS policy, the CPUID page (parsed once, every
 * reserved field and bound checked, the C-bit cross-checked), the
 * C-bit applied to page-table entries, the launch's pre-validated memory
 * recorded in the validation table, and the secrets page at boot, whose
 * VMPCK0 must not appear anywhere the guest's VMPL can read.
 */
#include <string.h>

#include "svsm/test.h"

#include "../../plat/snp/boot.h"
#include "../models/snp/snp_model.h"

#define PG 0x1000ULL
#define STATUS_MIN                                             \
	(SEV_STATUS_SEV | SEV_STATUS_SEV_ES | SEV_STATUS_SNP | \
	 SEV_STATUS_RESTRICTED_INJ)

TEST(snp_boot, sev_status_policy)
{
	static const uint64_t refused[] = {
		SEV_STATUS_VTOM,
		SEV_STATUS_REFLECT_VC,
		SEV_STATUS_ALTERNATE_INJ,
		SEV_STATUS_VMPL_SSS,
		SEV_STATUS_SECURE_TSC,
		SEV_STATUS_VMSA_REG_PROT,
		1ULL << 12,
		1ULL << 63,
	};
	static const uint64_t required[] = { SEV_STATUS_SEV, SEV_STATUS_SEV_ES,
					     SEV_STATUS_SNP,
					     SEV_STATUS_RESTRICTED_INJ };
	uint64_t f = 0;

	ASSERT_OK(snp_sev_status_check(STATUS_MIN, &f));
	EXPECT_EQ(f & 1U, 1U);	   /* SEV_FEATURES.SNPActive */
	EXPECT_EQ(f & 0x8U, 0x8U); /* RestrictedInjection */
	ASSERT_OK(snp_sev_status_check(STATUS_MIN | SNP_STATUS_TOLERATED, &f));
	EXPECT_EQ(f, (STATUS_MIN | SNP_STATUS_TOLERATED) >> 2);
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		f = 7;
		EXPECT_ERR(snp_sev_status_check(STATUS_MIN | refused[i], &f),
			   SVSM_ERR_UNSUPPORTED);
		EXPECT_EQ(f, 7);
	}
	for (size_t i = 0; i < sizeof(required) / sizeof(required[0]); i++) {
		EXPECT_ERR(snp_sev_status_check(STATUS_MIN & ~required[i], &f),
			   SVSM_ERR_UNSUPPORTED);
	}
}

/** A CPUID page as the firmware would accept it, C-bit 51. */
static void good_page(struct snp_cpuid_page *p)
{
	static const struct snp_cpuid_fn fns[] = {
		{ 0x0, 0, 0, 0, 0xD, 0x68747541, 0x444D4163, 0x69746E65, 0 },
		{ 0x1, 0, 0, 0, 0xA00F11, 0x800, 0x7EF8320B, 0x178BFBFF, 0 },
		{ 0xD, 0, 0x7, 0, 0x7, 0x340, 0x340, 0, 0 },
		{ 0xD, 0, 0x1, 0, 0x1, 0x240, 0x340, 0, 0 },
		{ 0x80000000, 0, 0, 0, 0x8000001F, 0, 0, 0, 0 },
		{ 0x8000001F, 0, 0, 0, 0x1001B, 0x5073, 0x1FD, 0x1, 0 },
	};

	memset(p, 0, sizeof(*p));
	p->count = sizeof(fns) / sizeof(fns[0]);
	memcpy(p->fn, fns, sizeof(fns));
}

TEST(snp_boot, cpuid_page_is_loaded_and_answers)
{
	static struct snp_cpuid_page page;
	static struct snp_cpuid parsed;
	struct snp_cpuid_page *p = &page;
	struct snp_cpuid *c = &parsed;
	uint32_t regs[4] = { 0 };

	good_page(p);
	ASSERT_OK(snp_cpuid_load(p, sizeof(*p), c));
	EXPECT_EQ(c->cbit, 51);
	p->fn[1].eax = 0; /* the source changes after the copy */
	ASSERT_TRUE(snp_cpuid_find(c, 1, 0, 0, regs));
	EXPECT_EQ(regs[0], 0xA00F11U);
	ASSERT_TRUE(snp_cpuid_find(c, 0xD, 0, 0x7, regs));
	EXPECT_EQ(regs[1], 0x340U);
	ASSERT_TRUE(snp_cpuid_find(c, 0xD, 0, 0x1, regs));
	EXPECT_EQ(regs[1], 0x240U);
	EXPECT_FALSE(snp_cpuid_find(c, 0xD, 0, 0x3, regs));
	EXPECT_FALSE(snp_cpuid_find(c, 0x40000000, 0, 0, regs));
	EXPECT_OK(snp_cbit_crosscheck(c, 51));
	EXPECT_ERR(snp_cbit_crosscheck(c, 47), SVSM_ERR_INTEGRITY);
}

/** One way a host could spoil the page. */
static void spoil(struct snp_cpuid_page *p, int how)
{
	switch (how) {
	case 0:
		p->count = SNP_CPUID_COUNT_MAX + 1;
		break;
	case 1:
		p->count = 0;
		break;
	case 2:
		p->reserved_1 = 1;
		break;
	case 3:
		p->reserved_2 = 1;
		break;
	case 4:
		p->fn[2].reserved = 1;
		break;
	case 5:
		p->fn[p->count].eax_in = 7;
		break; /* past the count */
	case 6:
		p->reserved_c10[0x3EF] = 1;
		break;
	case 7:
		p->fn[3] = p->fn[2];
		break; /* listed twice */
	case 8:
		p->fn[1].eax_in = 0xE;
		break; /* above leaf 0's max */
	case 9:
		p->fn[1].eax_in = 0x40000000;
		break;
	case 10:
		p->fn[1].xcr0_in = 1;
		break;
	case 11:
		p->fn[5].eax_in = 0x8000001E;
		break; /* no SEV leaf */
	case 12:
		p->fn[5].eax &= ~0x10U;
		break; /* SNP not set */
	case 13:
		p->fn[5].ebx = (p->fn[5].ebx & ~0x3FU) | 31U;
		break;
	case 14:
		p->fn[5].ebx |= 0x3FU;
		break;
	case 15:
		p->fn[4].eax = 0x8000001E;
		break; /* SEV leaf out of range */
	case 16:
		p->fn[0].eax_in = 0x2;
		break; /* no leaf 0 */
	default:
		break;
	}
}

TEST(snp_boot, hostile_cpuid_pages_are_refused)
{
	static struct snp_cpuid_page page;
	static struct snp_cpuid parsed;
	struct snp_cpuid_page *p = &page;
	struct snp_cpuid *c = &parsed;
	uint32_t regs[4] = { 0 };

	for (int how = 0; how <= 16; how++) {
		good_page(p);
		spoil(p, how);
		EXPECT_ERR(snp_cpuid_load(p, sizeof(*p), c), SVSM_ERR_INVAL);
		EXPECT_FALSE(snp_cpuid_find(c, 1, 0, 0, regs));
		EXPECT_ERR(snp_cbit_crosscheck(c, 51), SVSM_ERR_INTEGRITY);
	}
	good_page(p);
	EXPECT_ERR(snp_cpuid_load(p, sizeof(*p) - 1, c), SVSM_ERR_INVAL);
}

TEST(snp_boot, cbit_goes_into_every_present_entry)
{
	uint64_t pt[4] = { 0x1003, 0x2000, 0x200083, 0x8000000000003003ULL };
	uint64_t bad[2] = { 0x1003, 0x1003 | 1ULL << 51 };
	uint64_t far[1] = { (1ULL << 47) | 0x3 };

	EXPECT_FALSE(snp_pte_is_encrypted(pt, 4, 51));
	ASSERT_OK(snp_pte_encrypt(pt, 4, 51));
	EXPECT_EQ(pt[0], 0x1003 | 1ULL << 51);
	EXPECT_EQ(pt[1], 0x2000); /* not present: untouched */
	EXPECT_EQ(pt[3], 0x8000000000003003ULL | 1ULL << 51); /* NX kept */
	EXPECT_TRUE(snp_pte_is_encrypted(pt, 4, 51));
	EXPECT_FALSE(snp_pte_is_encrypted(pt, 4, 47));
	/* Set already, or an address that reaches the bit: no change. */
	EXPECT_ERR(snp_pte_encrypt(bad, 2, 51), SVSM_ERR_INVAL);
	EXPECT_EQ(bad[0], 0x1003);
	EXPECT_ERR(snp_pte_encrypt(far, 1, 47), SVSM_ERR_INVAL);
	EXPECT_EQ(far[0], (1ULL << 47) | 0x3);
	EXPECT_ERR(snp_pte_encrypt(pt, 4, 31), SVSM_ERR_INVAL);
	EXPECT_ERR(snp_pte_encrypt(pt, 4, 52), SVSM_ERR_INVAL);
}

/** A launch info as igvmbld lays it out for SNP. */
static struct svsm_launch_info good_li(void)
{
	struct svsm_launch_info li;

	memset(&li, 0, sizeof(li));
	li.kernel_pbase = SNPM_SVSM_BASE;
	li.kernel_pend = SNPM_MEM_SIZE;
	li.free_pbase = SNPM_SVSM_BASE + 0x40000;
	li.param_gpa = SNPM_SVSM_BASE + 0x30000;
	li.param_size = 0x3000;
	li.snp_cpuid_pa = SNPM_SVSM_BASE + 0x34000;
	li.snp_secrets_pa = SNPM_SVSM_BASE + 0x35000;
	li.vmsa_gpa = 0xFFFFFFFFF000ULL;
	return li;
}

static uint64_t valid_pages(const struct valid_region *r)
{
	uint64_t counts[4];

	valid_count(r, counts);
	return counts[VALID_STATE_VALID];
}

TEST(snp_boot, prevalidated_memory_is_recorded_once)
{
	struct valid_region r;
	uint8_t bits[128];
	uint64_t pages = (SNPM_MEM_SIZE - SNPM_SVSM_BASE) / PG;
	struct svsm_launch_info li = good_li();

	ASSERT_OK(valid_region_init(&r, pa_init(SNPM_SVSM_BASE), pages, bits,
				    sizeof(bits)));
	/* Hostile launch info: refused, nothing recorded. */
	for (int how = 0; how < 9; how++) {
		li = good_li();
		switch (how) {
		case 0:
			li.free_pbase += 8;
			break;
		case 1:
			li.free_pbase = li.kernel_pend + PG;
			break;
		case 2:
			li.snp_cpuid_pa = li.free_pbase;
			break;
		case 3:
			li.snp_secrets_pa = li.snp_cpuid_pa;
			break;
		case 4:
			li.vmsa_gpa = li.free_pbase;
			break;
		case 5:
			li.param_size = UINT64_MAX & ~(PG - 1U);
			break;
		case 6:
			li.free_pbase = li.kernel_pbase;
			break;
		case 7:
			li.kernel_pbase = SNPM_SVSM_BASE - PG;
			break;
		default:
			li.param_gpa = SNPM_SVSM_BASE - PG;
			break;
		}
		EXPECT_NE(snp_prevalidated_record(&r, &li), SVSM_OK);
		EXPECT_EQ(valid_pages(&r), 0);
	}
	li = good_li();
	ASSERT_OK(snp_prevalidated_record(&r, &li));
	EXPECT_EQ(valid_pages(&r), 0x40);
	EXPECT_EQ(valid_get(&r, pa_init(li.free_pbase)), VALID_STATE_INVALID);
	EXPECT_ERR(snp_prevalidated_record(&r, &li), SVSM_ERR_EXISTS);
}

#define FW_SECRETS (SNPM_SVSM_BASE + 0x5000ULL)
#define GUEST_SECRETS 0x50000ULL

/** A fresh model whose firmware secrets page is at FW_SECRETS. */
static struct snp_secrets_page *fw_page(void)
{
	struct snp_secrets_page *fw;

	snpm_reset();
	fw = (struct snp_secrets_page *)snpm_mem(FW_SECRETS);
	fw->version = 3;
	for (uint8_t i = 0; i < SNP_VMPCK_COUNT; i++) {
		for (uint8_t j = 0; j < SNP_VMPCK_SIZE; j++) {
			fw->vmpck[i][j] = (uint8_t)(0xA0U + i * 0x11U + j);
		}
	}
	return fw;
}

/** Whether `key` appears in any page the guest's VMPL can read. */
static bool guest_can_find(const uint8_t *key, size_t len)
{
	static uint8_t page[PG];

	for (uint64_t gpa = 0; gpa < SNPM_MEM_SIZE; gpa += PG) {
		if (!snpm_guest_read(gpa, page, PG)) {
			continue;
		}
		for (size_t off = 0; off + len <= PG; off++) {
			if (memcmp(page + off, key, len) == 0) {
				return true;
			}
		}
	}
	return false;
}

struct secrets_fixture {
	struct snp_guest g;
	uint8_t bits[SNPM_PAGES / 4];
	struct snp_secrets_page keep;
	struct snp_secrets_page scratch;
};

static const struct snp_guest_layout LAYOUT = {
	0, SNPM_MEM_SIZE, SNPM_SVSM_BASE, SNPM_MEM_SIZE - SNPM_SVSM_BASE
};
static const struct snp_secrets_svsm SVSM_INFO = {
	SNPM_SVSM_BASE, SNPM_MEM_SIZE - SNPM_SVSM_BASE, 0x51000, 2
};

static bool guest_validate(struct snp_guest *g, uint64_t gpa)
{
	struct proto_env env;
	struct proto_pval_out out = { 0, false };

	snp_proto_env(g, 0, &env);
	return env.core->pvalidate(env.plat, gpa, false, true, &out) ==
		       SVSM_OK &&
	       out.rc == 0;
}

TEST(snp_boot, secrets_page_reaches_the_guest_without_vmpck0)
{
	static struct secrets_fixture fx;
	struct secrets_fixture *f = &fx;
	struct snp_secrets_page *fw = fw_page();
	uint8_t vmpck0[SNP_VMPCK_SIZE];

	memset(f, 0, sizeof(*f));
	memcpy(vmpck0, fw->vmpck[0], sizeof(vmpck0));
	ASSERT_OK(snp_guest_init(&f->g, &LAYOUT, f->bits, sizeof(f->bits)));
	ASSERT_TRUE(guest_validate(&f->g, GUEST_SECRETS));
	ASSERT_OK(snp_secrets_boot(&f->g, FW_SECRETS, GUEST_SECRETS, &SVSM_INFO,
				   &f->keep, &f->scratch));
	const struct snp_secrets_page *gc =
		(const struct snp_secrets_page *)snpm_mem(GUEST_SECRETS);

	ASSERT_TRUE(gc != NULL && fw != NULL);
	EXPECT_EQ(gc->version, 3);
	EXPECT_EQ(gc->vmpck[0][0], 0);
	EXPECT_EQ(gc->vmpck[1][5], 0);
	EXPECT_EQ(memcmp(gc->vmpck[2], fw->vmpck[2], SNP_VMPCK_SIZE), 0);
	EXPECT_EQ(gc->svsm_base, SNPM_SVSM_BASE);
	EXPECT_EQ(gc->svsm_guest_vmpl, 2);
	EXPECT_EQ(memcmp(f->keep.vmpck[0], vmpck0, sizeof(vmpck0)), 0);
	EXPECT_EQ(f->scratch.version, 0); /* wiped */
	/* Nowhere the guest can read holds VMPCK0 (nor VMPCK1). */
	EXPECT_TRUE(guest_can_find(fw->vmpck[2], SNP_VMPCK_SIZE));
	EXPECT_FALSE(guest_can_find(vmpck0, sizeof(vmpck0)));
	EXPECT_FALSE(guest_can_find(fw->vmpck[1], SNP_VMPCK_SIZE));
}

TEST(snp_boot, bad_secrets_pages_reach_no_guest)
{
	static struct secrets_fixture fx;
	struct secrets_fixture *f = &fx;
	struct snp_secrets_page *fw = fw_page();

	memset(f, 0, sizeof(*f));
	ASSERT_OK(snp_guest_init(&f->g, &LAYOUT, f->bits, sizeof(f->bits)));
	ASSERT_TRUE(guest_validate(&f->g, GUEST_SECRETS));
	fw->version = 1;
	EXPECT_ERR(snp_secrets_boot(&f->g, FW_SECRETS, GUEST_SECRETS,
				    &SVSM_INFO, &f->keep, &f->scratch),
		   SVSM_ERR_UNSUPPORTED);
	fw->version = 3;
	fw->svsm_size = 0x1000; /* someone filled the SVSM fields */
	EXPECT_ERR(snp_secrets_boot(&f->g, FW_SECRETS, GUEST_SECRETS,
				    &SVSM_INFO, &f->keep, &f->scratch),
		   SVSM_ERR_INVAL);
	fw->svsm_size = 0;
	/* A guest page that is not validated, or the firmware's in guest
	 * memory: refused. */
	EXPECT_ERR(snp_secrets_boot(&f->g, FW_SECRETS, 0x52000, &SVSM_INFO,
				    &f->keep, &f->scratch),
		   SVSM_ERR_RANGE);
	EXPECT_ERR(snp_secrets_boot(&f->g, 0x53000, GUEST_SECRETS, &SVSM_INFO,
				    &f->keep, &f->scratch),
		   SVSM_ERR_INVAL);
	EXPECT_EQ(*snpm_mem(GUEST_SECRETS), 0);
	EXPECT_FALSE(guest_can_find(fw->vmpck[0], SNP_VMPCK_SIZE));
	EXPECT_FALSE(guest_can_find(fw->vmpck[3], SNP_VMPCK_SIZE));
}
