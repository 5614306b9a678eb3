// SPDX-License-Identifier: MIT
/*
 * Host tests of the vTPM protocol (lib/proto/vtpm.c) against the model
 * platform and a fake backend. Requests are built the way Linux's
 * tpm_svsm driver builds them (svsm_vtpm_cmd_request_fill: a packed
 * {u32 cmd; u8 locality; u32 buf_size; u8 buf[]}) and responses are read
 * the way it parses them (svsm_vtpm_cmd_response_parse: {u32 buf_size;
 * u8 buf[]}, buf_size above 4096 - 4 rejected).
 */
#include <string.h>

#include "svsm/test.h"

#include "proto_model.h"

#define CALL(proto, call) ((uint64_t)(proto) << 32 | (call))

/* Linux include/linux/tpm_svsm.h, on a little-endian host. */
struct linux_vtpm_cmd_request {
	uint32_t cmd;
	uint8_t locality;
	uint32_t buf_size;
	uint8_t buf[];
} __attribute__((packed));

struct linux_vtpm_cmd_response {
	uint32_t buf_size;
	uint8_t buf[];
} __attribute__((packed));

_Static_assert(sizeof(struct linux_vtpm_cmd_request) == SVSM_VTPM_REQ_DATA,
	       "Linux's request header is 9 bytes");
_Static_assert(sizeof(struct linux_vtpm_cmd_response) == SVSM_VTPM_RSP_DATA,
	       "Linux's response header is 4 bytes");

/** The fake backend: records the command, answers a made-up response. */
struct fake {
	uint8_t seen[SVSM_VTPM_BUFFER_SIZE];
	size_t seen_len;
	unsigned calls;
	size_t rsp_len;	  /* response length to give */
	size_t bogus_len; /* non-zero: claim this length instead */
	enum svsm_err fail;
};

static enum svsm_err fake_send(void *ctx, uint8_t *buf, size_t len, size_t cap,
			       size_t *rsp_len)
{
	struct fake *f = ctx;

	f->calls++;
	memcpy(f->seen, buf, len);
	f->seen_len = len;
	if (f->fail != SVSM_OK) {
		return f->fail;
	}
	if (f->rsp_len > cap) {
		return SVSM_ERR_RANGE;
	}
	for (size_t i = 0; i < f->rsp_len; i++) {
		buf[i] = (uint8_t)(0xA0 + i * 7);
	}
	*rsp_len = f->bogus_len ? f->bogus_len : f->rsp_len;
	return SVSM_OK;
}

struct fixture {
	struct proto_model m;
	struct proto_env env;
	struct fake fake;
	struct proto_vtpm vt;
	uint8_t buf[SVSM_VTPM_BUFFER_SIZE];
};

/* The model's own protocol (the core) and the vTPM. */
static const struct proto_desc *protos[2];

/** A fresh fixture: one at a time, static (the model is 100 KiB). */
static struct fixture *fixture_new(void)
{
	static struct fixture fixture;
	struct fixture *fx = &fixture;

	memset(fx, 0, sizeof(*fx));
	proto_model_init(&fx->m, &fx->env);
	protos[0] = fx->env.protos[0];
	protos[1] = &PROTO_VTPM_DESC;
	fx->env.protos = protos;
	fx->env.proto_count = 2;
	fx->vt = (struct proto_vtpm){ fake_send, &fx->fake, fx->buf };
	fx->env.vtpm = &fx->vt;
	fx->fake.rsp_len = 10;
	return fx;
}

/** svsm_vtpm_cmd_request_fill at `gpa`, then the driver's raw fields. */
static void put_request(struct fixture *fx, uint64_t gpa, uint32_t cmd,
			uint8_t locality, const uint8_t *tpm, uint32_t len)
{
	struct linux_vtpm_cmd_request req = { cmd, locality, len };

	memcpy(fx->m.mem + gpa, &req, sizeof(req));
	memcpy(fx->m.mem + gpa + sizeof(req), tpm, len);
}

static uint32_t vtpm_call(struct fixture *fx, uint32_t call, uint64_t rcx,
			  struct svsm_call_regs *out)
{
	struct svsm_call_regs r = { CALL(SVSM_PROTO_VTPM, call), rcx, 0x55,
				    0x66, 0x77 };
	uint32_t rc = proto_dispatch(&fx->env, &r);

	if (out) {
		*out = r;
	}
	return rc;
}

/**
 * svsm_vtpm_cmd_response_parse: the response length, or -1 where the
 * driver returns -EINVAL.
 */
static long parse_response(const struct fixture *fx, uint64_t gpa, uint8_t *dst,
			   size_t cap)
{
	struct linux_vtpm_cmd_response rsp;

	memcpy(&rsp, fx->m.mem + gpa, sizeof(rsp));
	if (rsp.buf_size > SVSM_VTPM_BUFFER_SIZE - sizeof(rsp) ||
	    rsp.buf_size > cap) {
		return -1;
	}
	memcpy(dst, fx->m.mem + gpa + sizeof(rsp), rsp.buf_size);
	return (long)rsp.buf_size;
}

static const uint8_t GETRANDOM_CMD[12] = { 0x80, 0x01, 0, 0,	0, 0x0c,
					   0,	 0,    1, 0x7b, 0, 8 };

TEST(proto_vtpm, query_reports_send_command_and_no_features)
{
	struct fixture *fx = fixture_new();
	struct svsm_call_regs r;
	struct svsm_call_regs q = { CALL(SVSM_PROTO_CORE,
					 SVSM_CORE_QUERY_PROTOCOL),
				    CALL(SVSM_PROTO_VTPM, 1), 0, 0, 0 };

	EXPECT_EQ(vtpm_call(fx, SVSM_VTPM_QUERY, 0x1234, &r), SVSM_RC_SUCCESS);
	EXPECT_EQ(r.rcx, 1ULL << 8);
	EXPECT_EQ(r.rdx, 0);
	EXPECT_EQ(proto_dispatch(&fx->env, &q), SVSM_RC_SUCCESS);
	EXPECT_EQ(q.rcx, 1ULL << 32 | 1);
	EXPECT_EQ(vtpm_call(fx, 2, 0, NULL), SVSM_RC_UNSUPPORTED_CALL);
	EXPECT_EQ(vtpm_call(fx, 0xFFFFFFFFU, 0, NULL),
		  SVSM_RC_UNSUPPORTED_CALL);
	EXPECT_EQ(fx->fake.calls, 0);
}

TEST(proto_vtpm, without_a_backend_the_protocol_is_absent)
{
	struct fixture *fx = fixture_new();

	fx->env.vtpm = NULL;
	EXPECT_EQ(vtpm_call(fx, SVSM_VTPM_QUERY, 0, NULL),
		  SVSM_RC_UNSUPPORTED_PROTOCOL);
	EXPECT_EQ(vtpm_call(fx, SVSM_VTPM_CMD, 0x1000, NULL),
		  SVSM_RC_UNSUPPORTED_PROTOCOL);
	/* Not listed at all (the core-only environment). */
	fx->env.vtpm = &fx->vt;
	fx->env.proto_count = 1;
	EXPECT_EQ(vtpm_call(fx, SVSM_VTPM_QUERY, 0, NULL),
		  SVSM_RC_UNSUPPORTED_PROTOCOL);
}

TEST(proto_vtpm, a_command_goes_through_as_linux_builds_and_parses_it)
{
	struct fixture *fx = fixture_new();
	static uint8_t out[SVSM_VTPM_BUFFER_SIZE];
	const uint64_t gpa = 0x2345; /* not page aligned */

	memset(fx->m.mem, 0xCC, PM_MEM_BYTES);
	put_request(fx, gpa, 8, 0, GETRANDOM_CMD, sizeof(GETRANDOM_CMD));
	fx->fake.rsp_len = 20;
	EXPECT_EQ(vtpm_call(fx, SVSM_VTPM_CMD, gpa, NULL), SVSM_RC_SUCCESS);
	EXPECT_EQ(fx->fake.calls, 1);
	EXPECT_EQ(fx->fake.seen_len, sizeof(GETRANDOM_CMD));
	EXPECT_MEMEQ(fx->fake.seen, GETRANDOM_CMD, sizeof(GETRANDOM_CMD));
	EXPECT_EQ(parse_response(fx, gpa, out, sizeof(out)), 20);
	for (size_t i = 0; i < 20; i++) {
		EXPECT_EQ(out[i], (uint8_t)(0xA0 + i * 7));
	}
	/* Only size and response were written; the rest is untouched. */
	EXPECT_EQ(fx->m.mem[gpa + 4 + 20], 0xCC);
	EXPECT_EQ(fx->m.mem[gpa - 1], 0xCC);
	/* The page was copied in once. */
	EXPECT_LE(proto_model_max_reads(&fx->m), 1);
}

TEST(proto_vtpm, the_largest_command_and_response_fit)
{
	struct fixture *fx = fixture_new();
	static uint8_t big[SVSM_VTPM_MAX_COMMAND];
	static uint8_t out[SVSM_VTPM_BUFFER_SIZE];

	for (size_t i = 0; i < sizeof(big); i++) {
		big[i] = (uint8_t)(i * 13 + 1);
	}
	put_request(fx, 0x1000, 8, 0, big, SVSM_VTPM_MAX_COMMAND);
	fx->fake.rsp_len = SVSM_VTPM_MAX_RESPONSE;
	EXPECT_EQ(vtpm_call(fx, SVSM_VTPM_CMD, 0x1000, NULL), SVSM_RC_SUCCESS);
	EXPECT_EQ(fx->fake.seen_len, SVSM_VTPM_MAX_COMMAND);
	EXPECT_MEMEQ(fx->fake.seen, big, sizeof(big));
	EXPECT_EQ(parse_response(fx, 0x1000, out, sizeof(out)),
		  (long)SVSM_VTPM_MAX_RESPONSE);
}

TEST(proto_vtpm, bad_requests_get_the_specified_codes)
{
	struct fixture *fx = fixture_new();

	/* Unknown platform commands, POWER_ON among them. */
	const uint32_t others[] = { 0,	1,     2,      7,	   9,
				    11, 0x108, 0x8000, 0xFFFFFFFFU };
	for (size_t i = 0; i < sizeof(others) / sizeof(others[0]); i++) {
		put_request(fx, 0x1000, others[i], 0, GETRANDOM_CMD,
			    sizeof(GETRANDOM_CMD));
		EXPECT_EQ(vtpm_call(fx, SVSM_VTPM_CMD, 0x1000, NULL),
			  SVSM_RC_UNSUPPORTED_CALL);
	}
	/* A locality other than 0. */
	for (unsigned loc = 1; loc < 256; loc += 63) {
		put_request(fx, 0x1000, 8, (uint8_t)loc, GETRANDOM_CMD,
			    sizeof(GETRANDOM_CMD));
		EXPECT_EQ(vtpm_call(fx, SVSM_VTPM_CMD, 0x1000, NULL),
			  SVSM_RC_INVALID_PARAMETER);
	}
	/* Sizes beyond the page. */
	const uint32_t sizes[] = { SVSM_VTPM_MAX_COMMAND + 1, 4096, 0x80000000U,
				   0xFFFFFFFFU };
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		put_request(fx, 0x1000, 8, 0, GETRANDOM_CMD,
			    sizeof(GETRANDOM_CMD));
		memcpy(fx->m.mem + 0x1000 + 5, &sizes[i], 4);
		EXPECT_EQ(vtpm_call(fx, SVSM_VTPM_CMD, 0x1000, NULL),
			  SVSM_RC_INVALID_PARAMETER);
	}
	EXPECT_EQ(fx->fake.calls, 0);
	/* A refused request writes nothing back. */
	EXPECT_EQ(fx->m.writes_done, 0);
}

TEST(proto_vtpm, buffers_outside_guest_memory_are_invalid_addresses)
{
	struct fixture *fx = fixture_new();

	/* Running past the end of guest memory by one byte. */
	EXPECT_EQ(vtpm_call(fx, SVSM_VTPM_CMD,
			    PM_MEM_BYTES - SVSM_VTPM_BUFFER_SIZE + 1, NULL),
		  SVSM_RC_INVALID_ADDRESS);
	/* Touching the SVSM's own page, from below. */
	EXPECT_EQ(vtpm_call(fx, SVSM_VTPM_CMD, PM_SVSM_PAGE - 0x800, NULL),
		  SVSM_RC_INVALID_ADDRESS);
	EXPECT_EQ(vtpm_call(fx, SVSM_VTPM_CMD, PM_SVSM_BASE, NULL),
		  SVSM_RC_INVALID_ADDRESS);
	EXPECT_EQ(vtpm_call(fx, SVSM_VTPM_CMD, UINT64_MAX - 100, NULL),
		  SVSM_RC_INVALID_ADDRESS);
	EXPECT_EQ(fx->fake.calls, 0);
	/* The last whole buffer below the SVSM page is fine. */
	put_request(fx, PM_SVSM_PAGE - SVSM_VTPM_BUFFER_SIZE, 8, 0,
		    GETRANDOM_CMD, sizeof(GETRANDOM_CMD));
	EXPECT_EQ(vtpm_call(fx, SVSM_VTPM_CMD,
			    PM_SVSM_PAGE - SVSM_VTPM_BUFFER_SIZE, NULL),
		  SVSM_RC_SUCCESS);
}

TEST(proto_vtpm, backend_failures_and_bad_responses_are_reported)
{
	struct fixture *fx = fixture_new();

	put_request(fx, 0x1000, 8, 0, GETRANDOM_CMD, sizeof(GETRANDOM_CMD));
	fx->fake.fail = SVSM_ERR_BUSY;
	EXPECT_EQ(vtpm_call(fx, SVSM_VTPM_CMD, 0x1000, NULL), SVSM_RC_BUSY);
	fx->fake.fail = SVSM_ERR_IO;
	EXPECT_EQ(vtpm_call(fx, SVSM_VTPM_CMD, 0x1000, NULL),
		  SVSM_RC_INVALID_REQUEST);
	fx->fake.fail = SVSM_OK;
	/* A backend claiming more than the page holds. */
	fx->fake.bogus_len = SVSM_VTPM_MAX_RESPONSE + 1;
	EXPECT_EQ(vtpm_call(fx, SVSM_VTPM_CMD, 0x1000, NULL),
		  SVSM_RC_INVALID_REQUEST);
	EXPECT_EQ(fx->m.writes_done, 0);
	fx->fake.bogus_len = 0;
	/* The response cannot be written back. */
	fx->m.fail_write_at = 1;
	EXPECT_EQ(vtpm_call(fx, SVSM_VTPM_CMD, 0x1000, NULL),
		  SVSM_RC_INVALID_ADDRESS);
}

TEST(proto_vtpm, a_guest_rewriting_its_buffer_changes_nothing)
{
	struct fixture *fx = fixture_new();

	put_request(fx, 0x3000, 8, 0, GETRANDOM_CMD, sizeof(GETRANDOM_CMD));
	/* Right after the copy-in, the guest flips every byte: a second
	 * read would see command 0xFFFFFFF7 and size 0xFFFFFFF3. */
	fx->m.flip_after_reads = 1;
	EXPECT_EQ(vtpm_call(fx, SVSM_VTPM_CMD, 0x3000, NULL), SVSM_RC_SUCCESS);
	EXPECT_EQ(fx->fake.seen_len, sizeof(GETRANDOM_CMD));
	EXPECT_MEMEQ(fx->fake.seen, GETRANDOM_CMD, sizeof(GETRANDOM_CMD));
	EXPECT_EQ(proto_model_max_reads(&fx->m), 1);
}
