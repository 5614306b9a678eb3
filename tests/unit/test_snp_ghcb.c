// SPDX-License-Identifier: MIT
/*
 * The GHCB MSR protocol client (plat/snp/ghcb_msr.c) against the SNP
 * model's hypervisor: every call against an honest host, then every way
 * the model's malicious host answers wrongly, each of which must end in
 * SVSM_ERR_INTEGRITY and a termination request (fail closed), never in
 * a value taken on trust. Also the GHCB page's sharing sequence.
 */
#include "svsm/test.h"

#include "../../arch/x86/snp_ops.h"
#include "../../plat/snp/ghcb.h"
#include "../../plat/snp/ghcb_msr.h"
#include "../models/snp/snp_model.h"

#define TERM(set, reason) ((int32_t)((set) | (reason) << 4))

TEST(snp_ghcb, honest_host_answers_are_taken)
{
	struct ghcb_sev_info info = { 0, 0, 0 };
	uint32_t val = 0;

	snpm_reset();
	snpm_set_cpuid(0x8000001FU, 1, 0x1234U);
	ASSERT_OK(ghcb_msr_sev_info(&info));
	EXPECT_EQ(info.min_version, 1);
	EXPECT_EQ(info.max_version, 2);
	EXPECT_EQ(info.cbit_pos, 51);
	ASSERT_OK(ghcb_msr_cpuid(0x8000001FU, 1, &val));
	EXPECT_EQ(val, 0x1234U);
	EXPECT_ERR(ghcb_msr_cpuid(1, 4, &val), SVSM_ERR_INVAL);
	ASSERT_OK(ghcb_msr_psc(0x40000, true));
	EXPECT_FALSE(snpm_rmp(0x40000)->is_assigned);
	ASSERT_OK(ghcb_msr_psc(0x40000, false));
	EXPECT_TRUE(snpm_rmp(0x40000)->is_assigned);
	ASSERT_OK(ghcb_msr_run_vmpl(2));
	EXPECT_EQ(snpm_counts()->vmpl_switches, 1);
	EXPECT_ERR(ghcb_msr_run_vmpl(0), SVSM_ERR_INVAL);
	EXPECT_EQ(snpm_terminated(), -1);
	EXPECT_FALSE(snpm_halted());
}

/** The SVSM region's validation table, every page VALID (as at launch). */
static void svsm_table(struct test_ctx *t, struct valid_region *r,
		       uint8_t *bits, size_t size)
{
	uint64_t pages = (SNPM_MEM_SIZE - SNPM_SVSM_BASE) / 0x1000U;

	ASSERT_OK(valid_region_init(r, pa_init(SNPM_SVSM_BASE), pages, bits,
				    size));
	ASSERT_OK(valid_prepare(r, pa_init(SNPM_SVSM_BASE), pages,
				VALID_STATE_INVALID, VALID_STATE_VALID));
	valid_commit(r, pa_init(SNPM_SVSM_BASE), pages, VALID_STATE_VALID);
}

TEST(snp_ghcb, ghcb_page_is_shared_before_it_is_registered)
{
	uint64_t gpa = SNPM_SVSM_BASE + 0x1000U; /* an SVSM page, valid */
	uint64_t other = SNPM_SVSM_BASE + 0x2000U;
	struct valid_region r;
	uint8_t bits[128];

	snpm_reset();
	svsm_table(t, &r, bits, sizeof(bits));
	ASSERT_OK(ghcb_page_share(&r, snpm_mem(gpa), gpa));
	EXPECT_EQ(snpm_ghcb_gpa(), gpa);
	EXPECT_FALSE(snpm_rmp(gpa)->is_assigned);
	EXPECT_EQ(valid_get(&r, pa_init(gpa)), VALID_STATE_SHARED);
	EXPECT_TRUE(snpm_fault() == NULL);
	/* Sharing it twice: the table refuses, no PVALIDATE is issued. */
	uint32_t before = snpm_counts()->pvalidates;

	EXPECT_ERR(ghcb_page_share(&r, snpm_mem(gpa), gpa), SVSM_ERR_EXISTS);
	EXPECT_EQ(snpm_counts()->pvalidates, before);
	EXPECT_EQ(snpm_terminated(), -1);
	/* The host took a page the table holds valid: the rescind says so. */
	snpm_host_rmpupdate(other, true);
	EXPECT_ERR(ghcb_page_share(&r, snpm_mem(other), other),
		   SVSM_ERR_INTEGRITY);
	EXPECT_EQ(snpm_terminated(),
		  TERM(GHCB_TERM_SET_CSVSM, GHCB_TERM_INTEGRITY));
}

/** Runs every MSR call once against the current host; counts failures. */
static uint32_t run_all(struct test_ctx *t, enum svsm_err *errs)
{
	struct ghcb_sev_info info = { 0, 0, 0 };
	uint32_t val = 0;
	uint32_t failed = 0;

	(void)t;
	errs[0] = ghcb_msr_sev_info(&info);
	errs[1] = ghcb_msr_cpuid(1, 0, &val);
	errs[2] = ghcb_msr_register(0x40000);
	errs[3] = ghcb_msr_psc(0x41000, true);
	errs[4] = ghcb_msr_run_vmpl(2);
	for (int i = 0; i < 5; i++) {
		failed += errs[i] != SVSM_OK;
	}
	return failed;
}

struct bad_host {
	enum snpm_ghcb_mode mode;
	int call; /* which call must fail; -1: every call */
	int32_t term;
};

TEST(snp_ghcb, every_lie_terminates)
{
	static const struct bad_host cases[] = {
		{ SNPM_GHCB_WRONG_CODE, -1, TERM(1, 1) },
		{ SNPM_GHCB_NO_ANSWER, -1, TERM(1, 1) },
		{ SNPM_GHCB_OLD_VERSION, 0, TERM(0, 1) },
		{ SNPM_GHCB_BAD_CBIT, 0, TERM(1, 1) },
		{ SNPM_GHCB_RESERVED_BITS, 1, TERM(1, 1) },
		{ SNPM_GHCB_WRONG_GPA, 2, TERM(1, 1) },
		{ SNPM_GHCB_PSC_REFUSE, 3, TERM(1, 1) },
		{ SNPM_GHCB_VMPL_REFUSE, 4, TERM(1, 1) },
		{ SNPM_GHCB_CPUID_LIE, 1, TERM(1, 1) },
	};

	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		enum svsm_err errs[5];
		uint32_t failed;

		snpm_reset();
		snpm_host_rmpupdate(0x40000, false); /* the GHCB: shared */
		snpm_set_ghcb_mode(cases[c].mode);
		failed = run_all(t, errs);
		if (cases[c].call < 0) {
			EXPECT_EQ(failed, 5);
		} else {
			EXPECT_ERR(errs[cases[c].call], SVSM_ERR_INTEGRITY);
		}
		if (cases[c].mode == SNPM_GHCB_RESERVED_BITS) {
			EXPECT_ERR(errs[3], SVSM_ERR_INTEGRITY);
			EXPECT_ERR(errs[4], SVSM_ERR_INTEGRITY);
		}
		EXPECT_EQ(snpm_terminated(), cases[c].term);
		EXPECT_TRUE(snpm_halted());
	}
}

TEST(snp_ghcb, honest_host_passes_the_same_run)
{
	enum svsm_err errs[5];

	snpm_reset();
	snpm_host_rmpupdate(0x40000, false);
	EXPECT_EQ(run_all(t, errs), 0);
	EXPECT_EQ(snpm_terminated(), -1);
}

/** Shares and registers the GHCB page at the SVSM's first page. */
static struct ghcb *ghcb_ready(struct test_ctx *t, struct valid_region *r,
			       uint8_t *bits, size_t size)
{
	svsm_table(t, r, bits, size);
	if (ghcb_page_share(r, snpm_mem(SNPM_SVSM_BASE), SNPM_SVSM_BASE) !=
	    SVSM_OK) {
		return NULL;
	}
	return (struct ghcb *)snpm_mem(SNPM_SVSM_BASE);
}

TEST(snp_ghcb, page_protocol_runs_the_guest_vmpl)
{
	struct valid_region r;
	uint8_t bits[128];
	struct ghcb *page;

	snpm_reset();
	page = ghcb_ready(t, &r, bits, sizeof(bits));
	ASSERT_TRUE(page != NULL);
	EXPECT_OK(ghcb_page_run_vmpl(page, SNPM_SVSM_BASE, 2));
	EXPECT_OK(ghcb_page_run_vmpl(page, SNPM_SVSM_BASE, 2));
	EXPECT_EQ(snpm_counts()->vmpl_switches, 2);
	EXPECT_EQ(page->protocol_version, 2);
	EXPECT_ERR(ghcb_page_run_vmpl(page, SNPM_SVSM_BASE, 0), SVSM_ERR_INVAL);
	/* An exit this host does not offer: its error, not a termination. */
	struct ghcb_call c = { GHCB_EXIT_SNP_AP_CREATION, 0, 0, 0 };

	EXPECT_ERR(ghcb_page_call(page, SNPM_SVSM_BASE, &c), SVSM_ERR_IO);
	EXPECT_TRUE(snpm_fault() == NULL);
	EXPECT_EQ(snpm_terminated(), -1);
}

TEST(snp_ghcb, page_protocol_lies_terminate)
{
	static const enum snpm_ghcb_mode modes[] = {
		SNPM_GHCB_VMPL_REFUSE,
		SNPM_GHCB_WRONG_CODE,
		SNPM_GHCB_WRONG_GPA,
	};

	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		struct valid_region r;
		uint8_t bits[128];
		struct ghcb *page;

		snpm_reset();
		page = ghcb_ready(t, &r, bits, sizeof(bits));
		ASSERT_TRUE(page != NULL);
		snpm_set_ghcb_mode(modes[i]);
		EXPECT_ERR(ghcb_page_run_vmpl(page, SNPM_SVSM_BASE, 2),
			   SVSM_ERR_INTEGRITY);
		EXPECT_EQ(snpm_terminated(),
			  TERM(GHCB_TERM_SET_CSVSM, GHCB_TERM_BAD_ANSWER));
	}
}
