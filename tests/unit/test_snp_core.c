// SPDX-License-Identifier: MIT
/*
 * The core protocol on SEV-SNP, end to end: a guest at VMPL2 makes its
 * calls through proto_dispatch() with the SNP environment
 * (plat/snp/snp_core.c), which reaches the SNP model (tests/models/snp)
 * through the backend of arch/x86/snp_ops.h. The tests look at the
 * model's RMP and instruction counters, not at csvsm's own view: pages
 * validated and zeroed before the guest's VMPL may touch them, double
 * validation refused before any PVALIDATE, a disagreement between the
 * RMP and the validation table ending in termination, CREATE_VCPU
 * marking the VMSA before reading it, DELETE_VCPU and REMAP_CA, and a
 * request carried in a VMSA and its calling area.
 */
#include <stdlib.h>
#include <string.h>

#include "svsm/test.h"

#include "../../plat/snp/ghcb_msr.h"
#include "../../plat/snp/snp.h"
#include "../models/snp/snp_model.h"
#include "uapi/svsm/protocol.h"
#include "uapi/svsm/vmsa.h"

/** The model's memory as csvsm sees it: all guest, the SVSM at the top. */
static const struct snp_guest_layout LAYOUT = {
	0, SNPM_MEM_SIZE, SNPM_SVSM_BASE, SNPM_MEM_SIZE - SNPM_SVSM_BASE
};

#define PG 0x1000ULL
#define CALL(proto, call) ((uint64_t)(proto) << 32 | (call))
#define REQ 0x10000ULL	/* the guest's PVALIDATE request page */
#define VMSA 0x30000ULL /* a VMSA the guest offers */
#define CAA 0x31000ULL	/* its calling area */
#define TERM_INTEGRITY \
	((int32_t)(GHCB_TERM_SET_CSVSM | GHCB_TERM_INTEGRITY << 4))

struct fixture {
	struct snp_guest g;
	uint8_t bits[SNPM_PAGES / 4];
	struct proto_env env;
};

/** A fresh model, and csvsm's view of it, with `pages` launch pages. */
static struct fixture *setup(const uint64_t *launch, size_t count)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct proto_pval_out out = { 0, false };

	if (!f) {
		return NULL;
	}
	snpm_reset();
	if (snp_guest_init(&f->g, &LAYOUT, f->bits, sizeof(f->bits)) !=
	    SVSM_OK) {
		free(f);
		return NULL;
	}
	snp_proto_env(&f->g, 0, &f->env);
	/* What the launch validates for the guest, through the same op. */
	for (size_t i = 0; i < count; i++) {
		if (f->env.core->pvalidate(f->env.plat, launch[i], false, true,
					   &out) != SVSM_OK ||
		    out.rc != 0) {
			free(f);
			return NULL;
		}
	}
	return f;
}

/** The guest (VMPL2) writes `len` bytes at `gpa`, if its VMPL may. */
static bool guest_write(uint64_t gpa, const void *src, size_t len)
{
	for (uint64_t p = gpa & ~(PG - 1U); p < gpa + len; p += PG) {
		if (!snpm_access_ok(p, SNP_GUEST_VMPL, SNPM_PERM_WRITE)) {
			return false;
		}
	}
	memcpy(snpm_mem(gpa), src, len);
	return true;
}

/** The guest writes a PVALIDATE request of `count` entries at REQ. */
static bool put_request(const uint64_t *e, uint16_t count)
{
	uint8_t hdr[8] = { (uint8_t)count, (uint8_t)(count >> 8), 0 };

	return guest_write(REQ, hdr, sizeof(hdr)) &&
	       guest_write(REQ + 8, e, count * sizeof(*e));
}

static uint32_t call(struct fixture *f, uint32_t nr, uint64_t rcx, uint64_t rdx,
		     uint64_t r8)
{
	struct svsm_call_regs r = { CALL(0, nr), rcx, rdx, r8, 0 };

	return proto_dispatch(&f->env, &r);
}

TEST(snp_core, pvalidate_list_validates_zeroes_and_grants)
{
	static const uint64_t launch[] = { REQ };
	struct fixture *f = setup(launch, 1);
	const uint64_t e[] = { 0x20000 | SVSM_PVAL_VALIDATE,
			       0x21000 | SVSM_PVAL_VALIDATE,
			       SNPM_HUGE_BASE | SVSM_PVAL_SIZE_2M |
				       SVSM_PVAL_VALIDATE };

	ASSERT_TRUE(f != NULL);
	memset(snpm_mem(0x20000), 0xAA, PG); /* left there by the host */
	memset(snpm_mem(SNPM_HUGE_BASE + 0x1FF000), 0xBB, PG);
	ASSERT_TRUE(put_request(e, 3));
	EXPECT_FALSE(snpm_access_ok(0x20000, SNP_GUEST_VMPL, SNPM_PERM_READ));
	uint32_t before = snpm_counts()->pvalidates;

	EXPECT_EQ(call(f, SVSM_CORE_PVALIDATE, REQ, 0, 0), SVSM_RC_SUCCESS);
	EXPECT_EQ(snpm_counts()->pvalidates - before, 3);
	EXPECT_TRUE(snpm_rmp(0x20000)->is_validated);
	EXPECT_TRUE(snpm_rmp(0x21000)->is_validated);
	EXPECT_TRUE(snpm_rmp(SNPM_HUGE_BASE + 0x1FF000)->is_validated);
	EXPECT_TRUE(snpm_access_ok(0x20000, SNP_GUEST_VMPL, SNPM_PERM_ALL));
	EXPECT_TRUE(snpm_access_ok(SNPM_HUGE_BASE + 0x1FF000, SNP_GUEST_VMPL,
				   SNPM_PERM_WRITE));
	EXPECT_EQ(*snpm_mem(0x20000), 0);
	EXPECT_EQ(*snpm_mem(0x20FFF), 0);
	EXPECT_EQ(*snpm_mem(SNPM_HUGE_BASE + 0x1FF800), 0);
	EXPECT_EQ(snpm_rmp(0x20000)->perms[3], 0); /* VMPL3 gets nothing */
	EXPECT_TRUE(snpm_fault() == NULL);
	EXPECT_EQ(snpm_terminated(), -1);
	free(f);
}

TEST(snp_core, double_validation_is_refused_before_pvalidate)
{
	static const uint64_t launch[] = { REQ, 0x20000 };
	struct fixture *f = setup(launch, 2);
	const uint64_t again = 0x20000 | SVSM_PVAL_VALIDATE;
	const uint64_t again_cf = again | SVSM_PVAL_IGNORE_CF;

	ASSERT_TRUE(f != NULL);
	/* The host swaps the page behind the guest's back. */
	snpm_host_rmpupdate(0x20000, true);
	uint32_t before = snpm_counts()->pvalidates;

	ASSERT_TRUE(put_request(&again, 1));
	EXPECT_EQ(call(f, SVSM_CORE_PVALIDATE, REQ, 0, 0),
		  SVSM_RC_PVALIDATE_FAIL_NO_CHANGE);
	ASSERT_TRUE(put_request(&again_cf, 1));
	EXPECT_EQ(call(f, SVSM_CORE_PVALIDATE, REQ, 0, 0), SVSM_RC_SUCCESS);
	EXPECT_EQ(snpm_counts()->pvalidates, before); /* none issued */
	EXPECT_FALSE(snpm_rmp(0x20000)->is_validated);
	EXPECT_EQ(snpm_terminated(), -1);
	free(f);
}

TEST(snp_core, rmp_and_table_disagreeing_terminates)
{
	static const uint64_t launch[] = { REQ, 0x20000 };
	struct fixture *f = setup(launch, 2);
	const uint64_t rescind = 0x20000;

	ASSERT_TRUE(f != NULL);
	snpm_host_rmpupdate(0x20000, true);
	ASSERT_TRUE(put_request(&rescind, 1));
	EXPECT_EQ(call(f, SVSM_CORE_PVALIDATE, REQ, 0, 0),
		  SVSM_RC_INVALID_REQUEST);
	EXPECT_EQ(snpm_terminated(), TERM_INTEGRITY);
	EXPECT_TRUE(snpm_halted());
	free(f);
}

TEST(snp_core, wrong_page_size_goes_back_to_the_guest)
{
	static const uint64_t launch[] = { REQ };
	struct fixture *f = setup(launch, 1);
	const uint64_t in_huge = (SNPM_HUGE_BASE + PG) | SVSM_PVAL_VALIDATE;
	const uint64_t svsm = SNPM_SVSM_BASE | SVSM_PVAL_VALIDATE;

	ASSERT_TRUE(f != NULL);
	ASSERT_TRUE(put_request(&in_huge, 1));
	EXPECT_EQ(call(f, SVSM_CORE_PVALIDATE, REQ, 0, 0),
		  SVSM_RC_PVALIDATE_FAIL_SIZEMISMATCH);
	EXPECT_FALSE(snpm_rmp(SNPM_HUGE_BASE + PG)->is_validated);
	EXPECT_EQ(snpm_terminated(), -1);
	/* The SVSM's own pages: refused before any instruction. */
	uint32_t before = snpm_counts()->pvalidates;

	ASSERT_TRUE(put_request(&svsm, 1));
	EXPECT_EQ(call(f, SVSM_CORE_PVALIDATE, REQ, 0, 0),
		  SVSM_RC_INVALID_ADDRESS);
	EXPECT_EQ(snpm_counts()->pvalidates, before);
	free(f);
}

/** The guest writes a VMSA at VMSA for VMPL `vmpl`. */
static bool put_vmsa(uint8_t vmpl)
{
	struct vmsa *v = calloc(1, sizeof(*v));
	bool ok;

	if (!v) {
		return false;
	}
	v->vmpl = vmpl;
	v->efer = VMSA_EFER_SVME;
	v->sev_features = VMSA_SEV_FEATURE_SNP_ACTIVE;
	v->rip = 0xFFF0;
	ok = guest_write(VMSA, v, sizeof(*v));
	free(v);
	return ok;
}

TEST(snp_core, create_vcpu_marks_the_vmsa_before_reading_it)
{
	static const uint64_t launch[] = { VMSA, CAA };
	struct fixture *f = setup(launch, 2);
	uint32_t marked0;
	uint32_t unmarked0;
	uint32_t marked;
	uint32_t unmarked;

	ASSERT_TRUE(f != NULL);
	ASSERT_TRUE(put_vmsa(SNP_GUEST_VMPL));
	snpm_maps_of(VMSA, &marked0, &unmarked0);
	EXPECT_EQ(call(f, SVSM_CORE_CREATE_VCPU, VMSA, CAA, 1),
		  SVSM_RC_SUCCESS);
	EXPECT_TRUE(snpm_rmp(VMSA)->is_vmsa);
	EXPECT_FALSE(snpm_access_ok(VMSA, SNP_GUEST_VMPL, SNPM_PERM_WRITE));
	EXPECT_FALSE(put_vmsa(0)); /* the guest cannot change it now */
	snpm_maps_of(VMSA, &marked, &unmarked);
	EXPECT_EQ(unmarked - unmarked0, 1); /* the RMPADJUST's own map */
	EXPECT_GE(marked - marked0, 1);	    /* every read of the check */
	/* The VMSA page cannot be rescinded, used again or be a CAA. */
	EXPECT_EQ(call(f, SVSM_CORE_CREATE_VCPU, VMSA, 0x32000, 2),
		  SVSM_RC_INVALID_PARAMETER);
	EXPECT_EQ(call(f, SVSM_CORE_REMAP_CA, VMSA, 0, 0),
		  SVSM_RC_INVALID_ADDRESS);
	EXPECT_TRUE(snpm_fault() == NULL);
	free(f);
}

TEST(snp_core, create_vcpu_with_a_bad_vmsa_is_undone)
{
	static const uint64_t launch[] = { VMSA, CAA };
	struct fixture *f = setup(launch, 2);

	ASSERT_TRUE(f != NULL);
	ASSERT_TRUE(put_vmsa(0)); /* a VMPL0 vCPU: refused */
	uint32_t before = snpm_counts()->rmpadjusts;

	EXPECT_EQ(call(f, SVSM_CORE_CREATE_VCPU, VMSA, CAA, 1),
		  SVSM_RC_INVALID_PARAMETER);
	EXPECT_EQ(snpm_counts()->rmpadjusts - before, 2); /* mark, undo */
	EXPECT_FALSE(snpm_rmp(VMSA)->is_vmsa);
	EXPECT_TRUE(snpm_access_ok(VMSA, SNP_GUEST_VMPL, SNPM_PERM_WRITE));
	EXPECT_EQ(call(f, SVSM_CORE_DELETE_VCPU, VMSA, 0, 0),
		  SVSM_RC_INVALID_PARAMETER);
	/* Not validated, and inside a 2 MiB page: nothing changes. */
	EXPECT_EQ(call(f, SVSM_CORE_CREATE_VCPU, 0x33000, CAA, 1),
		  SVSM_RC_INVALID_PARAMETER);
	EXPECT_EQ(snpm_terminated(), -1);
	free(f);
}

TEST(snp_core, delete_vcpu_stops_it_and_gives_the_page_back)
{
	static const uint64_t launch[] = { VMSA, CAA };
	struct fixture *f = setup(launch, 2);
	const struct vmsa *v = (const struct vmsa *)snpm_mem(VMSA);

	ASSERT_TRUE(f != NULL);
	ASSERT_TRUE(put_vmsa(SNP_GUEST_VMPL));
	ASSERT_EQ(call(f, SVSM_CORE_CREATE_VCPU, VMSA, CAA, 1),
		  SVSM_RC_SUCCESS);
	EXPECT_EQ(call(f, SVSM_CORE_DELETE_VCPU, VMSA, 0, 0), SVSM_RC_SUCCESS);
	EXPECT_EQ(v->efer & VMSA_EFER_SVME, 0);
	EXPECT_FALSE(snpm_rmp(VMSA)->is_vmsa);
	EXPECT_TRUE(snpm_access_ok(VMSA, SNP_GUEST_VMPL, SNPM_PERM_WRITE));
	EXPECT_EQ(call(f, SVSM_CORE_DELETE_VCPU, VMSA, 0, 0),
		  SVSM_RC_INVALID_PARAMETER);
	free(f);
}

TEST(snp_core, remap_ca_takes_only_validated_guest_pages)
{
	static const uint64_t launch[] = { CAA };
	struct fixture *f = setup(launch, 1);
	const uint8_t pending[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };

	ASSERT_TRUE(f != NULL);
	ASSERT_TRUE(guest_write(CAA, pending, sizeof(pending)));
	EXPECT_EQ(call(f, SVSM_CORE_REMAP_CA, CAA, 0, 0), SVSM_RC_SUCCESS);
	EXPECT_EQ(f->g.caa[0], CAA);
	EXPECT_EQ(*snpm_mem(CAA), 0); /* the header is cleared */
	EXPECT_EQ(call(f, SVSM_CORE_REMAP_CA, 0x40000, 0, 0),
		  SVSM_RC_INVALID_ADDRESS); /* not validated */
	EXPECT_EQ(call(f, SVSM_CORE_REMAP_CA, SNPM_SVSM_BASE, 0, 0),
		  SVSM_RC_INVALID_ADDRESS);
	EXPECT_EQ(f->g.caa[0], CAA);
	free(f);
}

TEST(snp_core, a_call_travels_in_the_vmsa_and_calling_area)
{
	static const uint64_t launch[] = { VMSA, CAA };
	struct fixture *f = setup(launch, 2);
	struct vmsa *v = (struct vmsa *)snpm_mem(VMSA);
	struct svsm_call_regs r = { 0, 0, 0, 0, 0 };
	bool is_pending = true;
	const uint8_t one = 1;

	ASSERT_TRUE(f != NULL);
	ASSERT_TRUE(put_vmsa(SNP_GUEST_VMPL));
	ASSERT_EQ(call(f, SVSM_CORE_CREATE_VCPU, VMSA, CAA, 1),
		  SVSM_RC_SUCCESS);
	/* No call pending: nothing is taken. */
	ASSERT_OK(snp_request_take(&f->g, 1, VMSA, CAA, &r, &is_pending));
	EXPECT_FALSE(is_pending);
	/* The guest: registers in its VMSA (as the hardware saved them). */
	v->rax = CALL(0, SVSM_CORE_QUERY_PROTOCOL);
	v->rcx = CALL(0, 1);
	ASSERT_TRUE(guest_write(CAA, &one, 1));
	ASSERT_OK(snp_request_take(&f->g, 1, VMSA, CAA, &r, &is_pending));
	EXPECT_TRUE(is_pending);
	EXPECT_EQ(*snpm_mem(CAA), 0);
	EXPECT_EQ(proto_dispatch(&f->env, &r), SVSM_RC_SUCCESS);
	ASSERT_OK(snp_request_finish(&f->g, VMSA, &r));
	EXPECT_EQ(v->rax, SVSM_RC_SUCCESS);
	EXPECT_EQ(v->rcx, CALL(1, 1));
	/* Only VMSAs csvsm made: the guest cannot name another page. */
	EXPECT_ERR(snp_request_finish(&f->g, CAA, &r), SVSM_ERR_NOTFOUND);
	free(f);
}
