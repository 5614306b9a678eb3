// SPDX-License-Identifier: MIT
/*
 * The SNP model's own rules (tests/models/snp): PVALIDATE and RMPADJUST
 * through the backend of arch/x86/snp_ops.h, with the return codes the
 * APM gives. The platform tests rely on these rules; each one is shown
 * here on its own, so that a wrong rule cannot pass unseen.
 */
#include "svsm/test.h"

#include "../../arch/x86/snp_ops.h"
#include "../models/snp/snp_model.h"

#define PG 0x1000ULL
#define GUEST2 2U

static struct snp_pval_status pval(uint64_t gpa, bool huge, bool validate)
{
	return snp_hw_pvalidate(snpm_mem(gpa), huge, validate);
}

static uint32_t adjust(uint64_t gpa, bool huge, uint64_t attrs)
{
	return snp_hw_rmpadjust(snpm_mem(gpa), huge, attrs);
}

TEST(snp_model, pvalidate_flips_and_reports_no_change)
{
	struct snp_pval_status st;

	snpm_reset();
	st = pval(0x10000, false, true);
	EXPECT_EQ(st.rc, SNP_RC_SUCCESS);
	EXPECT_FALSE(st.no_change);
	EXPECT_TRUE(snpm_rmp(0x10000)->is_validated);
	st = pval(0x10000, false, true);
	EXPECT_EQ(st.rc, SNP_RC_SUCCESS);
	EXPECT_TRUE(st.no_change);
	st = pval(0x10000, false, false);
	EXPECT_FALSE(st.no_change);
	EXPECT_FALSE(snpm_rmp(0x10000)->is_validated);
	EXPECT_EQ(snpm_counts()->pvalidates, 3);
	EXPECT_TRUE(snpm_fault() == NULL);
}

TEST(snp_model, pvalidate_size_and_alignment_rules)
{
	snpm_reset();
	/* 4 KiB inside the 2 MiB entry, and 2 MiB over 4 KiB entries. */
	EXPECT_EQ(pval(SNPM_HUGE_BASE + PG, false, true).rc,
		  SNP_RC_FAIL_SIZEMISMATCH);
	EXPECT_EQ(pval(0x400000, true, true).rc, SNP_RC_FAIL_SIZEMISMATCH);
	/* A 2 MiB request at an address not 2 MiB aligned. */
	EXPECT_EQ(pval(SNPM_HUGE_BASE + PG, true, true).rc, SNP_RC_FAIL_INPUT);
	EXPECT_EQ(pval(SNPM_HUGE_BASE, true, true).rc, SNP_RC_SUCCESS);
	EXPECT_TRUE(snpm_rmp(SNPM_HUGE_BASE + 511 * PG)->is_validated);
}

TEST(snp_model, pvalidate_of_a_shared_page_is_a_nested_fault)
{
	snpm_reset();
	snpm_host_rmpupdate(0x10000, false);
	EXPECT_NE(pval(0x10000, false, true).rc, SNP_RC_SUCCESS);
	EXPECT_TRUE(snpm_fault() != NULL);
}

TEST(snp_model, rmpadjust_permission_rules)
{
	snpm_reset();
	/* Not validated yet. */
	EXPECT_EQ(adjust(0x10000, false, GUEST2 | RMPADJUST_RWX),
		  SNP_RC_FAIL_INPUT);
	ASSERT_EQ(pval(0x10000, false, true).rc, SNP_RC_SUCCESS);
	/* VMPL0 cannot adjust its own level. */
	EXPECT_EQ(adjust(0x10000, false, 0 | RMPADJUST_READ),
		  SNP_RC_FAIL_PERMISSION);
	/* Reserved bits, and a VMPL that does not exist. */
	EXPECT_EQ(adjust(0x10000, false, GUEST2 | 1ULL << 20),
		  SNP_RC_FAIL_INPUT);
	EXPECT_EQ(adjust(0x10000, false, 4), SNP_RC_FAIL_INPUT);
	EXPECT_FALSE(snpm_access_ok(0x10000, 2, SNPM_PERM_READ));
	EXPECT_EQ(adjust(0x10000, false, GUEST2 | RMPADJUST_RWX),
		  SNP_RC_SUCCESS);
	EXPECT_TRUE(snpm_access_ok(0x10000, 2, SNPM_PERM_WRITE));
	EXPECT_FALSE(snpm_access_ok(0x10000, 3, SNPM_PERM_READ));
	EXPECT_EQ(adjust(SNPM_HUGE_BASE + PG, false, GUEST2),
		  SNP_RC_FAIL_SIZEMISMATCH); /* the size is checked first */
}

TEST(snp_model, rmpadjust_vmsa_bit)
{
	snpm_reset();
	ASSERT_EQ(pval(0x10000, false, true).rc, SNP_RC_SUCCESS);
	ASSERT_EQ(pval(SNPM_HUGE_BASE, true, true).rc, SNP_RC_SUCCESS);
	EXPECT_EQ(adjust(SNPM_HUGE_BASE, true, GUEST2 | RMPADJUST_VMSA),
		  SNP_RC_FAIL_INPUT);
	EXPECT_EQ(adjust(SNPM_HUGE_BASE + PG, false, GUEST2 | RMPADJUST_VMSA),
		  SNP_RC_FAIL_SIZEMISMATCH);
	EXPECT_EQ(
		adjust(0x10000, false, GUEST2 | RMPADJUST_RWX | RMPADJUST_VMSA),
		SNP_RC_SUCCESS);
	EXPECT_TRUE(snpm_rmp(0x10000)->is_vmsa);
	/* A VMSA is never writable below VMPL0 and never rescinded. */
	EXPECT_FALSE(snpm_access_ok(0x10000, 2, SNPM_PERM_WRITE));
	EXPECT_TRUE(snpm_access_ok(0x10000, 2, SNPM_PERM_READ));
	EXPECT_EQ(pval(0x10000, false, false).rc, SNP_RC_FAIL_INPUT);
	EXPECT_EQ(adjust(0x10000, false, GUEST2 | RMPADJUST_RWX),
		  SNP_RC_SUCCESS);
	EXPECT_FALSE(snpm_rmp(0x10000)->is_vmsa);
}

TEST(snp_model, host_rmpupdate_drops_validation_and_permissions)
{
	snpm_reset();
	ASSERT_EQ(pval(0x10000, false, true).rc, SNP_RC_SUCCESS);
	ASSERT_EQ(adjust(0x10000, false, GUEST2 | RMPADJUST_RWX),
		  SNP_RC_SUCCESS);
	snpm_host_rmpupdate(0x10000, true);
	EXPECT_FALSE(snpm_rmp(0x10000)->is_validated);
	EXPECT_EQ(snpm_rmp(0x10000)->perms[2], 0);
	EXPECT_FALSE(snpm_access_ok(0x10000, 2, SNPM_PERM_READ));
}
