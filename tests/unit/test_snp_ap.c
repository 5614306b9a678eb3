// SPDX-License-Identifier: MIT
/*
 * Starting csvsm's own APs on SEV-SNP (plat/snp/ap_start.c) against the
 * SNP model: the VMSA page is zeroed and filled with the 64-bit state
 * the AP needs, made a VMSA with RMPADJUST, and named in the AP creation
 * request; the model's hypervisor starts only a page the RMP holds as a
 * VMSA for the VMPL and SEV features the request names. A refusal gives
 * the page back; an answer outside the protocol ends in termination.
 */
#include <string.h>

#include "svsm/test.h"

#include "../../plat/snp/ap_start.h"
#include "../../plat/snp/ghcb_msr.h"
#include "../models/snp/snp_model.h"

#define PG 0x1000ULL
#define GHCB_GPA SNPM_SVSM_BASE
#define AP_VMSA (SNPM_SVSM_BASE + 0x3000ULL)
#define TERM(set, reason) ((int32_t)((set) | (reason) << 4))

static const struct snp_ap_context CTX = {
	.rip = 0xFFFFFFFF80001000ULL,
	.rsp = 0xFFFFFFFF80100000ULL,
	.rdi = 3,
	.cr0 = 0x80050033ULL,
	.cr3 = 0x00400000ULL,
	.cr4 = 0x003006A0ULL,
	.efer = 0x1D00ULL, /* SVME, NXE, LMA, LME */
	.g_pat = 0x0007040600070406ULL,
	.gdt_base = 0xFFFFFFFF80200000ULL,
	.idt_base = 0xFFFFFFFF80201000ULL,
	.gdt_limit = 0x37,
	.idt_limit = 0xFFF,
	.cs = 0x08,
	.ds = 0x10,
	.sev_features = VMSA_SEV_FEATURE_SNP_ACTIVE,
};

/** A fresh model with this CPU's GHCB page shared and registered. */
static struct ghcb *ready(struct test_ctx *t, struct valid_region *r,
			  uint8_t *bits, size_t size)
{
	uint64_t pages = (SNPM_MEM_SIZE - SNPM_SVSM_BASE) / PG;

	snpm_reset();
	if (valid_region_init(r, pa_init(SNPM_SVSM_BASE), pages, bits, size) !=
	    SVSM_OK) {
		return NULL;
	}
	valid_commit(r, pa_init(SNPM_SVSM_BASE), pages, VALID_STATE_VALID);
	if (ghcb_page_share(r, snpm_mem(GHCB_GPA), GHCB_GPA) != SVSM_OK) {
		return NULL;
	}
	(void)t;
	return (struct ghcb *)snpm_mem(GHCB_GPA);
}

static bool all_zero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (p[i] != 0) {
			return false;
		}
	}
	return true;
}

TEST(snp_ap, an_ap_starts_from_a_vmsa_csvsm_built)
{
	struct valid_region r;
	uint8_t bits[128];
	struct ghcb *page = ready(t, &r, bits, sizeof(bits));
	const struct vmsa *v = (const struct vmsa *)snpm_mem(AP_VMSA);

	ASSERT_TRUE(page != NULL);
	memset(snpm_mem(AP_VMSA), 0xCC, PG); /* whatever was there */
	ASSERT_OK(snp_ap_start(page, GHCB_GPA, AP_VMSA, 3, &CTX));
	EXPECT_EQ(snpm_ap_vmsa(3), AP_VMSA);
	EXPECT_TRUE(snpm_rmp(AP_VMSA)->is_vmsa);
	EXPECT_EQ(snpm_rmp(AP_VMSA)->perms[1], 0); /* no VMPL1 access */
	EXPECT_FALSE(snpm_access_ok(AP_VMSA, 2, SNPM_PERM_READ));
	EXPECT_EQ(v->vmpl, 0);
	EXPECT_EQ(v->rip, CTX.rip);
	EXPECT_EQ(v->rsp, CTX.rsp);
	EXPECT_EQ(v->rdi, 3);
	EXPECT_EQ(v->cr3, CTX.cr3);
	EXPECT_EQ(v->efer, CTX.efer);
	EXPECT_EQ(v->sev_features, CTX.sev_features);
	EXPECT_EQ(v->cs.selector, 0x08);
	EXPECT_EQ(v->cs.attrib & 0x200, 0x200); /* L: 64-bit code */
	EXPECT_EQ(v->gdtr.base, CTX.gdt_base);
	EXPECT_EQ(v->idtr.limit, 0xFFF);
	EXPECT_EQ(v->rflags, 2);
	EXPECT_EQ(v->rax, 0);
	EXPECT_TRUE(all_zero(v->reserved_0a0, sizeof(v->reserved_0a0)));
	EXPECT_TRUE(all_zero(v->reserved_412, sizeof(v->reserved_412)));
	EXPECT_TRUE(snpm_fault() == NULL);
	EXPECT_EQ(snpm_terminated(), -1);
}

TEST(snp_ap, bad_states_and_pages_are_refused_before_any_instruction)
{
	struct valid_region r;
	uint8_t bits[128];
	struct ghcb *page = ready(t, &r, bits, sizeof(bits));
	struct snp_ap_context c;

	ASSERT_TRUE(page != NULL);
	uint32_t adjusts = snpm_counts()->rmpadjusts;
	uint32_t exits = snpm_counts()->vmgexits;

	c = CTX;
	c.efer &= ~VMSA_EFER_SVME;
	EXPECT_ERR(snp_ap_start(page, GHCB_GPA, AP_VMSA, 3, &c),
		   SVSM_ERR_INVAL);
	c = CTX;
	c.rip = 0x401000; /* user half */
	EXPECT_ERR(snp_ap_start(page, GHCB_GPA, AP_VMSA, 3, &c),
		   SVSM_ERR_INVAL);
	c = CTX;
	c.sev_features = 0;
	EXPECT_ERR(snp_ap_start(page, GHCB_GPA, AP_VMSA, 3, &c),
		   SVSM_ERR_INVAL);
	c = CTX;
	c.cr0 &= ~0x80000000ULL; /* paging off */
	EXPECT_ERR(snp_ap_start(page, GHCB_GPA, AP_VMSA, 3, &c),
		   SVSM_ERR_INVAL);
	/* 2 MiB aligned (the erratum) or not page aligned. */
	EXPECT_ERR(snp_ap_start(page, GHCB_GPA, SNPM_SVSM_BASE, 3, &CTX),
		   SVSM_ERR_INVAL);
	EXPECT_ERR(snp_ap_start(page, GHCB_GPA, AP_VMSA + 8, 3, &CTX),
		   SVSM_ERR_INVAL);
	EXPECT_EQ(snpm_counts()->rmpadjusts, adjusts);
	EXPECT_EQ(snpm_counts()->vmgexits, exits);
	EXPECT_EQ(snpm_ap_vmsa(3), 0);
}

TEST(snp_ap, a_refusal_gives_the_page_back)
{
	struct valid_region r;
	uint8_t bits[128];
	struct ghcb *page = ready(t, &r, bits, sizeof(bits));

	ASSERT_TRUE(page != NULL);
	snpm_set_ghcb_mode(SNPM_GHCB_AP_REFUSE);
	EXPECT_ERR(snp_ap_start(page, GHCB_GPA, AP_VMSA, 3, &CTX), SVSM_ERR_IO);
	EXPECT_FALSE(snpm_rmp(AP_VMSA)->is_vmsa);
	EXPECT_EQ(snpm_ap_vmsa(3), 0);
	EXPECT_EQ(snpm_terminated(), -1);
	/* An APIC ID the host does not have: its error, the same way. */
	snpm_set_ghcb_mode(SNPM_GHCB_HONEST);
	EXPECT_ERR(snp_ap_start(page, GHCB_GPA, AP_VMSA, SNPM_APICS, &CTX),
		   SVSM_ERR_IO);
	EXPECT_FALSE(snpm_rmp(AP_VMSA)->is_vmsa);
}

TEST(snp_ap, the_host_starts_only_a_vmsa_that_matches_the_request)
{
	struct valid_region r;
	uint8_t bits[128];
	struct ghcb *page = ready(t, &r, bits, sizeof(bits));
	struct ghcb_call c = { GHCB_EXIT_SNP_AP_CREATION, 3ULL << 32 | 1U,
			       AP_VMSA, VMSA_SEV_FEATURE_SNP_ACTIVE };

	ASSERT_TRUE(page != NULL);
	/* A plain page, never made a VMSA: the model's host refuses. */
	snp_ap_vmsa_build((struct vmsa *)snpm_mem(AP_VMSA), &CTX);
	EXPECT_ERR(ghcb_page_call(page, GHCB_GPA, &c), SVSM_ERR_IO);
	/* A VMSA, but the request names other SEV features. */
	ASSERT_OK(snp_ap_start(page, GHCB_GPA, AP_VMSA, 3, &CTX));
	c.rax = 0x5;
	c.info_1 = 4ULL << 32 | 1U;
	EXPECT_ERR(ghcb_page_call(page, GHCB_GPA, &c), SVSM_ERR_IO);
	EXPECT_EQ(snpm_ap_vmsa(4), 0);
}

TEST(snp_ap, lies_and_a_broken_rmp_terminate)
{
	static const enum snpm_ghcb_mode modes[] = {
		SNPM_GHCB_WRONG_CODE,
		SNPM_GHCB_WRONG_GPA,
	};

	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		struct valid_region r;
		uint8_t bits[128];
		struct ghcb *page = ready(t, &r, bits, sizeof(bits));

		ASSERT_TRUE(page != NULL);
		snpm_set_ghcb_mode(modes[i]);
		EXPECT_ERR(snp_ap_start(page, GHCB_GPA, AP_VMSA, 3, &CTX),
			   SVSM_ERR_INTEGRITY);
		EXPECT_EQ(snpm_terminated(),
			  TERM(GHCB_TERM_SET_CSVSM, GHCB_TERM_BAD_ANSWER));
		EXPECT_TRUE(snpm_halted());
	}
	/* csvsm's page, but the host took it: RMPADJUST says so. */
	struct valid_region r;
	uint8_t bits[128];
	struct ghcb *page = ready(t, &r, bits, sizeof(bits));

	ASSERT_TRUE(page != NULL);
	snpm_host_rmpupdate(AP_VMSA, true);
	EXPECT_ERR(snp_ap_start(page, GHCB_GPA, AP_VMSA, 3, &CTX),
		   SVSM_ERR_INTEGRITY);
	EXPECT_EQ(snpm_terminated(),
		  TERM(GHCB_TERM_SET_CSVSM, GHCB_TERM_INTEGRITY));
	EXPECT_EQ(snpm_ap_vmsa(3), 0);
}
