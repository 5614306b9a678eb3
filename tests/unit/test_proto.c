// SPDX-License-Identifier: MIT
/*
 * Host tests of the protocol layer (lib/proto) against the model
 * platform in proto_model.c: request decoding, QUERY_PROTOCOL, the
 * calling-area handshake, and every core call with good and bad
 * arguments, including the PVALIDATE list walk (next advanced in guest
 * memory, failures reported at the failing entry, each guest byte read
 * once even when the guest rewrites the list meanwhile).
 */
#include <stdlib.h>
#include <string.h>

#include "svsm/test.h"

#include "proto_model.h"

#define CALL(proto, call) ((uint64_t)(proto) << 32 | (call))
#define PVAL_4K(gpa, flags) ((uint64_t)(gpa) | (flags))
#define PV SVSM_PVAL_VALIDATE

/** The model: one at a time, static (it is 100 KiB). */
static struct proto_model *model_new(struct proto_env *env)
{
	static struct proto_model model;

	proto_model_init(&model, env);
	return &model;
}

static uint32_t call(const struct proto_env *env, uint64_t rax, uint64_t rcx,
		     uint64_t rdx, uint64_t r8, struct svsm_call_regs *out)
{
	struct svsm_call_regs r = { rax, rcx, rdx, r8, 0x99 };
	uint32_t rc = proto_dispatch(env, &r);

	if (out) {
		*out = r;
	}
	return rc;
}

/** Writes a PVALIDATE request at `gpa`: header and entries. */
static void put_request(struct proto_model *m, uint64_t gpa, uint16_t entries,
			uint16_t next, const uint64_t *e, uint16_t count)
{
	m->mem[gpa] = (uint8_t)entries;
	m->mem[gpa + 1] = (uint8_t)(entries >> 8);
	m->mem[gpa + 2] = (uint8_t)next;
	m->mem[gpa + 3] = (uint8_t)(next >> 8);
	memset(m->mem + gpa + 4, 0, 4);
	for (uint16_t i = 0; i < count; i++) {
		for (int b = 0; b < 8; b++) {
			m->mem[gpa + 8 + (size_t)i * 8U + b] =
				(uint8_t)(e[i] >> (8 * b));
		}
	}
}

static uint16_t next_of(const struct proto_model *m, uint64_t gpa)
{
	return (uint16_t)(m->mem[gpa + 2] | m->mem[gpa + 3] << 8);
}

TEST(proto, unknown_protocols_and_calls_are_refused)
{
	struct proto_env env;
	(void)model_new(&env);
	struct svsm_call_regs r;

	EXPECT_EQ(call(&env, CALL(9, 0), 0, 0, 0, &r),
		  SVSM_RC_UNSUPPORTED_PROTOCOL);
	EXPECT_EQ(r.rax, SVSM_RC_UNSUPPORTED_PROTOCOL);
	EXPECT_EQ(call(&env, CALL(0xFFFFFFFFU, 6), 0, 0, 0, NULL),
		  SVSM_RC_UNSUPPORTED_PROTOCOL);
	EXPECT_EQ(call(&env, CALL(0, 8), 0, 0, 0, NULL),
		  SVSM_RC_UNSUPPORTED_CALL);
	EXPECT_EQ(call(&env, CALL(0, 0xFFFFFFFFU), 0, 0, 0, NULL),
		  SVSM_RC_UNSUPPORTED_CALL);
	EXPECT_EQ(
		call(&env, CALL(0, SVSM_CORE_DEPOSIT_MEM), 0x1000, 1, 0, NULL),
		SVSM_RC_UNSUPPORTED_CALL);
	EXPECT_EQ(
		call(&env, CALL(0, SVSM_CORE_WITHDRAW_MEM), 0x1000, 1, 0, NULL),
		SVSM_RC_UNSUPPORTED_CALL);
	EXPECT_EQ(r.r9, 0x99); /* untouched */
}

static uint32_t fake_handle(const struct proto_env *env, uint32_t nr,
			    struct svsm_call_regs *regs)
{
	(void)env;
	regs->rdx = nr;
	return SVSM_RC_SUCCESS;
}

TEST(proto, query_protocol_reports_offered_versions)
{
	struct proto_env env;
	(void)model_new(&env);
	struct svsm_call_regs r;
	static const struct proto_desc vtpm = { SVSM_PROTO_VTPM, 1, 3,
						fake_handle };
	const struct proto_desc *const two[2] = { &PROTO_CORE_DESC, &vtpm };

	EXPECT_EQ(call(&env, CALL(0, SVSM_CORE_QUERY_PROTOCOL), CALL(0, 1), 0,
		       0, &r),
		  SVSM_RC_SUCCESS);
	EXPECT_EQ(r.rcx, CALL(1, 1));
	EXPECT_EQ(call(&env, CALL(0, SVSM_CORE_QUERY_PROTOCOL), CALL(0, 2), 0,
		       0, &r),
		  SVSM_RC_SUCCESS);
	EXPECT_EQ(r.rcx, 0);
	call(&env, CALL(0, SVSM_CORE_QUERY_PROTOCOL), CALL(0, 0), 0, 0, &r);
	EXPECT_EQ(r.rcx, 0);
	call(&env, CALL(0, SVSM_CORE_QUERY_PROTOCOL), CALL(2, 1), 0, 0, &r);
	EXPECT_EQ(r.rcx, 0);
	env.protos = two;
	env.proto_count = 2;
	call(&env, CALL(0, SVSM_CORE_QUERY_PROTOCOL), CALL(2, 2), 0, 0, &r);
	EXPECT_EQ(r.rcx, CALL(3, 1));
	call(&env, CALL(0, SVSM_CORE_QUERY_PROTOCOL), CALL(2, 4), 0, 0, &r);
	EXPECT_EQ(r.rcx, 0);
	EXPECT_EQ(call(&env, CALL(SVSM_PROTO_VTPM, 7), 0, 0, 0, &r),
		  SVSM_RC_SUCCESS);
	EXPECT_EQ(r.rdx, 7); /* dispatched by the protocol number */
}

TEST(proto, configure_vtom_says_unsupported)
{
	struct proto_env env;
	(void)model_new(&env);
	struct svsm_call_regs r;

	EXPECT_EQ(call(&env, CALL(0, SVSM_CORE_CONFIGURE_VTOM), 1, 0, 0, &r),
		  SVSM_RC_SUCCESS);
	EXPECT_EQ(r.rcx, 0);
	EXPECT_EQ(call(&env, CALL(0, SVSM_CORE_CONFIGURE_VTOM), 0x80000000ULL,
		       0, 0, NULL),
		  SVSM_RC_INVALID_REQUEST);
}

TEST(proto, calling_area_handshake_clears_pending)
{
	struct proto_env env;
	struct proto_model *m = model_new(&env);
	bool pending = false;

	m->mem[0x3000] = 1;
	m->mem[0x3001] = 0x55;
	EXPECT_OK(proto_caa_take_pending(&env, 0x3000, &pending));
	EXPECT_TRUE(pending);
	EXPECT_EQ(m->mem[0x3000], 0);
	EXPECT_EQ(m->mem[0x3001], 0x55);
	EXPECT_OK(proto_caa_take_pending(&env, 0x3000, &pending));
	EXPECT_FALSE(pending);
	EXPECT_ERR(proto_caa_take_pending(&env, 0x3008, &pending),
		   SVSM_ERR_INVAL);
	EXPECT_ERR(proto_caa_take_pending(&env, PM_SVSM_PAGE, &pending),
		   SVSM_ERR_RANGE);
}

TEST(proto, remap_ca_checks_and_zeroes_the_header)
{
	struct proto_env env;
	struct proto_model *m = model_new(&env);

	memset(m->mem + 0x2000, 0xAA, 16);
	EXPECT_EQ(call(&env, CALL(0, SVSM_CORE_REMAP_CA), 0x2008, 0, 0, NULL),
		  SVSM_RC_INVALID_PARAMETER);
	EXPECT_EQ(call(&env, CALL(0, SVSM_CORE_REMAP_CA), PM_SVSM_PAGE, 0, 0,
		       NULL),
		  SVSM_RC_INVALID_ADDRESS);
	EXPECT_EQ(call(&env, CALL(0, SVSM_CORE_REMAP_CA), 0x7FFFF000ULL, 0, 0,
		       NULL),
		  SVSM_RC_INVALID_ADDRESS);
	EXPECT_EQ(m->caa[0], 0);
	EXPECT_EQ(m->mem[0x2000], 0xAA);
	EXPECT_EQ(call(&env, CALL(0, SVSM_CORE_REMAP_CA), 0x2000, 0, 0, NULL),
		  SVSM_RC_SUCCESS);
	EXPECT_EQ(m->caa[0], 0x2000);
	for (int i = 0; i < 8; i++) {
		EXPECT_EQ(m->mem[0x2000 + i], 0);
	}
	EXPECT_EQ(m->mem[0x2008], 0xAA); /* the buffer is the guest's */
}

TEST(proto, create_and_delete_vcpu_check_their_arguments)
{
	struct proto_env env;
	struct proto_model *m = model_new(&env);

	EXPECT_EQ(call(&env, CALL(0, SVSM_CORE_CREATE_VCPU), 0x4001, 0x5000, 1,
		       NULL),
		  SVSM_RC_INVALID_PARAMETER);
	EXPECT_EQ(call(&env, CALL(0, SVSM_CORE_CREATE_VCPU), 0x4000, 0x5800, 1,
		       NULL),
		  SVSM_RC_INVALID_PARAMETER);
	EXPECT_EQ(call(&env, CALL(0, SVSM_CORE_CREATE_VCPU), 0x4000, 0x4000, 1,
		       NULL),
		  SVSM_RC_INVALID_PARAMETER);
	EXPECT_EQ(call(&env, CALL(0, SVSM_CORE_CREATE_VCPU), PM_SVSM_PAGE,
		       0x5000, 1, NULL),
		  SVSM_RC_INVALID_ADDRESS);
	EXPECT_EQ(call(&env, CALL(0, SVSM_CORE_CREATE_VCPU), 0x4000, 0x5000,
		       0xFFFFFFFF00000003ULL, NULL),
		  SVSM_RC_SUCCESS);
	EXPECT_EQ(m->vmsa[1], 0x4000);
	EXPECT_EQ(m->caa[1], 0x5000);
	EXPECT_EQ(m->apic_id[1], 3); /* R8[31:0] */
	EXPECT_EQ(call(&env, CALL(0, SVSM_CORE_CREATE_VCPU), 0x4000, 0x6000, 4,
		       NULL),
		  SVSM_RC_INVALID_PARAMETER); /* that VMSA is in use */
	EXPECT_EQ(
		call(&env, CALL(0, SVSM_CORE_DELETE_VCPU), 0x4010, 0, 0, NULL),
		SVSM_RC_INVALID_PARAMETER);
	EXPECT_EQ(
		call(&env, CALL(0, SVSM_CORE_DELETE_VCPU), 0x7000, 0, 0, NULL),
		SVSM_RC_INVALID_PARAMETER);
	EXPECT_EQ(
		call(&env, CALL(0, SVSM_CORE_DELETE_VCPU), 0x4000, 0, 0, NULL),
		SVSM_RC_SUCCESS);
	EXPECT_EQ(m->vmsa[1], 0);
}

TEST(proto, pvalidate_runs_the_list_and_advances_next)
{
	struct proto_env env;
	struct proto_model *m = model_new(&env);
	const uint64_t e[3] = { PVAL_4K(0x100000, PV), PVAL_4K(0x101000, PV),
				PVAL_4K(0x400000, PV) };

	put_request(m, 0x1000, 3, 0, e, 3);
	EXPECT_EQ(call(&env, CALL(0, SVSM_CORE_PVALIDATE), 0x1000, 0, 0, NULL),
		  SVSM_RC_SUCCESS);
	EXPECT_EQ(next_of(m, 0x1000), 3);
	EXPECT_TRUE(m->valid[0x100]);
	EXPECT_TRUE(m->valid[0x101]);
	EXPECT_TRUE(m->valid[0x400]);
	EXPECT_EQ(proto_model_max_reads(m), 1);
	/* Rescind from entry 1 on: entry 0 is not touched. */
	const uint64_t r[3] = { PVAL_4K(0x100000, 0), PVAL_4K(0x101000, 0),
				PVAL_4K(0x400000, 0) };

	put_request(m, 0x1000, 3, 1, r, 3);
	EXPECT_EQ(call(&env, CALL(0, SVSM_CORE_PVALIDATE), 0x1000, 0, 0, NULL),
		  SVSM_RC_SUCCESS);
	EXPECT_TRUE(m->valid[0x100]);
	EXPECT_FALSE(m->valid[0x101]);
	EXPECT_FALSE(m->valid[0x400]);
	EXPECT_EQ(m->pvalidates, 5);
}

TEST(proto, pvalidate_refuses_bad_headers_without_touching_them)
{
	struct proto_env env;
	struct proto_model *m = model_new(&env);
	const uint64_t e[2] = { PVAL_4K(0x100000, PV), PVAL_4K(0x101000, PV) };
	static const struct {
		uint64_t gpa;
		uint16_t entries;
		uint16_t next;
		uint32_t rc;
	} cases[] = {
		{ 0x1004, 2, 0, SVSM_RC_INVALID_PARAMETER },   /* misaligned */
		{ 0x1000, 0, 0, SVSM_RC_INVALID_PARAMETER },   /* empty */
		{ 0x1000, 2, 2, SVSM_RC_INVALID_PARAMETER },   /* next == n */
		{ 0x1000, 2, 7, SVSM_RC_INVALID_PARAMETER },   /* next > n */
		{ 0x1000, 512, 0, SVSM_RC_INVALID_PARAMETER }, /* past page */
		{ 0x1FF0, 2, 0, SVSM_RC_INVALID_PARAMETER },   /* past page */
		{ PM_SVSM_PAGE + 0x10, 1, 0, SVSM_RC_INVALID_ADDRESS },
		{ PM_MEM_BYTES, 1, 0, SVSM_RC_INVALID_ADDRESS },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint64_t gpa = cases[i].gpa;

		if (gpa + 24 <= PM_MEM_BYTES && (gpa & 7U) == 0 &&
		    gpa != PM_SVSM_PAGE + 0x10) {
			put_request(m, gpa, cases[i].entries, cases[i].next, e,
				    gpa == 0x1FF0 ? 1 : 2);
		}
		EXPECT_EQ(call(&env, CALL(0, SVSM_CORE_PVALIDATE), gpa, 0, 0,
			       NULL),
			  cases[i].rc);
		if (gpa == 0x1000) {
			EXPECT_EQ(next_of(m, gpa), cases[i].next);
		}
	}
	EXPECT_EQ(m->pvalidates, 0);
	EXPECT_EQ(m->writes_done, 0);
	/* The last slot of a page is usable: one entry at 0x1FF0. */
	put_request(m, 0x1FF0, 1, 0, e, 1);
	EXPECT_EQ(call(&env, CALL(0, SVSM_CORE_PVALIDATE), 0x1FF0, 0, 0, NULL),
		  SVSM_RC_SUCCESS);
	EXPECT_EQ(next_of(m, 0x1FF0), 1);
}

/** Runs a 3-entry request whose entry 1 is `bad`; checks the stop. */
static void expect_stop_at_1(struct test_ctx *t, uint64_t bad, uint32_t want)
{
	struct proto_env env;
	struct proto_model *m = model_new(&env);
	const uint64_t e[3] = { PVAL_4K(0x100000, PV), bad,
				PVAL_4K(0x102000, PV) };

	put_request(m, 0x1000, 3, 0, e, 3);
	EXPECT_EQ(call(&env, CALL(0, SVSM_CORE_PVALIDATE), 0x1000, 0, 0, NULL),
		  want);
	EXPECT_EQ(next_of(m, 0x1000), 1);
	EXPECT_TRUE(m->valid[0x100]);
	EXPECT_FALSE(m->valid[0x102]);
}

TEST(proto, pvalidate_reports_a_bad_entry_at_its_index)
{
	expect_stop_at_1(t, PVAL_4K(0x101000, PV | 0x10),
			 SVSM_RC_INVALID_PARAMETER); /* reserved bit 4 */
	expect_stop_at_1(t, PVAL_4K(0x101000, PV | 0x800),
			 SVSM_RC_INVALID_PARAMETER); /* reserved bit 11 */
	expect_stop_at_1(t, PVAL_4K(0x101000, PV | 2),
			 SVSM_RC_INVALID_PARAMETER); /* size 2 */
	expect_stop_at_1(t, PVAL_4K(0x101000, PV | 3),
			 SVSM_RC_INVALID_PARAMETER); /* size 3 */
	expect_stop_at_1(t, PVAL_4K(0x201000, PV | 1),
			 SVSM_RC_INVALID_PARAMETER); /* 2M, misaligned */
	expect_stop_at_1(t, PVAL_4K(0x400000, PV | 1),
			 SVSM_RC_PVALIDATE_FAIL_SIZEMISMATCH); /* 4K backed */
	expect_stop_at_1(t, PVAL_4K(0x200000, PV),
			 SVSM_RC_PVALIDATE_FAIL_SIZEMISMATCH); /* 2M backed */
	expect_stop_at_1(t, PVAL_4K(PM_SVSM_BASE, PV),
			 SVSM_RC_INVALID_ADDRESS); /* the SVSM's */
	expect_stop_at_1(t, PVAL_4K(0x100000, PV),
			 SVSM_RC_PVALIDATE_FAIL_NO_CHANGE); /* twice */
}

TEST(proto, pvalidate_ignore_cf_and_2m_pages)
{
	struct proto_env env;
	struct proto_model *m = model_new(&env);
	const uint64_t e[3] = {
		PVAL_4K(0x100000, PV),
		PVAL_4K(0x100000, PV | SVSM_PVAL_IGNORE_CF),
		PVAL_4K(PM_HUGE_BASE, PV | SVSM_PVAL_SIZE_2M),
	};

	put_request(m, 0x1000, 3, 0, e, 3);
	EXPECT_EQ(call(&env, CALL(0, SVSM_CORE_PVALIDATE), 0x1000, 0, 0, NULL),
		  SVSM_RC_SUCCESS);
	EXPECT_EQ(next_of(m, 0x1000), 3);
	EXPECT_TRUE(m->huge_valid);
}

TEST(proto, pvalidate_walks_a_full_page_reading_each_byte_once)
{
	struct proto_env env;
	struct proto_model *m = model_new(&env);
	static uint64_t e[SVSM_PVAL_MAX_ENTRIES];

	for (uint32_t i = 0; i < SVSM_PVAL_MAX_ENTRIES; i++) {
		e[i] = PVAL_4K(0x400000 + i * 0x1000ULL, PV);
	}
	put_request(m, 0x1000, SVSM_PVAL_MAX_ENTRIES, 0, e,
		    SVSM_PVAL_MAX_ENTRIES);
	EXPECT_EQ(call(&env, CALL(0, SVSM_CORE_PVALIDATE), 0x1000, 0, 0, NULL),
		  SVSM_RC_SUCCESS);
	EXPECT_EQ(next_of(m, 0x1000), SVSM_PVAL_MAX_ENTRIES);
	EXPECT_EQ(m->pvalidates, SVSM_PVAL_MAX_ENTRIES);
	EXPECT_EQ(proto_model_max_reads(m), 1);
	for (uint32_t i = 0; i < SVSM_PVAL_MAX_ENTRIES; i++) {
		EXPECT_TRUE(m->valid[0x400 + i]);
	}
}

TEST(proto, pvalidate_uses_its_copy_when_the_guest_rewrites_the_list)
{
	struct proto_env env;
	struct proto_model *m = model_new(&env);
	const uint64_t e[2] = { PVAL_4K(0x100000, PV), PVAL_4K(0x101000, PV) };

	put_request(m, 0x1000, 2, 0, e, 2);
	m->flip_after_reads = 2; /* the entries change once copied */
	EXPECT_EQ(call(&env, CALL(0, SVSM_CORE_PVALIDATE), 0x1000, 0, 0, NULL),
		  SVSM_RC_SUCCESS);
	EXPECT_TRUE(m->valid[0x100]);
	EXPECT_TRUE(m->valid[0x101]);
	EXPECT_EQ(m->pvalidates, 2);
	/* The header changed after its copy: the count used was 2. */
	proto_model_init(m, &env);
	put_request(m, 0x1000, 2, 0, e, 2);
	m->flip_after_reads = 1;
	EXPECT_EQ(call(&env, CALL(0, SVSM_CORE_PVALIDATE), 0x1000, 0, 0, NULL),
		  SVSM_RC_SUCCESS);
	EXPECT_EQ(m->pvalidates, 2);
}

TEST(proto, pvalidate_reports_a_next_it_could_not_write)
{
	struct proto_env env;
	struct proto_model *m = model_new(&env);
	const uint64_t e[1] = { PVAL_4K(0x100000, PV) };

	put_request(m, 0x1000, 1, 0, e, 1);
	m->fail_write_at = 1;
	EXPECT_EQ(call(&env, CALL(0, SVSM_CORE_PVALIDATE), 0x1000, 0, 0, NULL),
		  SVSM_RC_INVALID_ADDRESS);
}

TEST(proto, errno_mapping_round_trips)
{
	for (int e = SVSM_OK; e < SVSM_ERR_COUNT; e++) {
		int64_t n = proto_err_to_errno((enum svsm_err)e);

		EXPECT_TRUE(n <= 0);
		if (e != SVSM_ERR_INTEGRITY) {
			EXPECT_EQ(proto_errno_to_err(n), e);
		}
	}
	EXPECT_EQ(proto_errno_to_err(-9999), SVSM_ERR_IO);
	EXPECT_EQ(proto_errno_to_err(5), SVSM_ERR_IO);
}
