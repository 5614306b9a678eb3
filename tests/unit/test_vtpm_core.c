// SPDX-License-Identifier: MIT
/*
 * The vTPM service core (user/vtpm) on the host, reached through the
 * vTPM protocol layer (lib/proto/vtpm.c) and the model platform's guest
 * memory, exactly as a guest's SVSM_VTPM_CMD reaches it: requests in
 * Linux's tpm_svsm layout, TPM responses checked against values computed
 * here with OpenSSL. Also the core's own life: manufacture on empty NV,
 * restart on kept NV, failure closed when NV cannot be written.
 *
 * Built as its own binary (build/vtpm-core-tests, run by
 * tests/prove/vtpm_host.t) because it links libtpms and libcrypto, which
 * the main unit-test binary does not.
 */
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

#include "svsm/test.h"

#include "../../user/vtpm/vtpm.h"
#include "proto_model.h"

#define GPA 0x4321ULL /* the guest's buffer, not page aligned */

struct fixture {
	struct proto_model m;
	struct proto_env env;
	struct proto_vtpm vt;
	uint8_t buf[SVSM_VTPM_BUFFER_SIZE];
	struct vtpm_nv_ops nv;
};

/* The model's own protocol (the core) and the vTPM. */
static const struct proto_desc *protos[2];

/** The backend svsm-reqd's IPC will stand for: the core, in place. */
static enum svsm_err core_send(void *ctx, uint8_t *buf, size_t len, size_t cap,
			       size_t *rsp_len)
{
	size_t n = vtpm_process(buf, len, buf, cap);

	(void)ctx;
	if (n == 0) {
		return SVSM_ERR_IO;
	}
	*rsp_len = n;
	return SVSM_OK;
}

/** A fresh fixture, static (one at a time); check nv.ctx (OOM). */
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
	fx->vt = (struct proto_vtpm){ core_send, NULL, fx->buf };
	fx->env.vtpm = &fx->vt;
	fx->nv = VTPM_NV_MEM_OPS;
	fx->nv.ctx = vtpm_nv_mem_new();
	return fx;
}

static void fixture_free(struct fixture *fx)
{
	vtpm_shutdown();
	vtpm_nv_mem_free(fx->nv.ctx);
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

/**
 * One TPM command through SVSM_VTPM_CMD, built as Linux's
 * svsm_vtpm_cmd_request_fill does; the response (parsed as
 * svsm_vtpm_cmd_response_parse does) into `rsp`. Returns the SVSM result
 * code; `*rsp_len` is the TPM response's length.
 */
static uint32_t tpm_call(struct fixture *fx, const uint8_t *cmd, uint32_t len,
			 uint8_t *rsp, uint32_t *rsp_len)
{
	struct svsm_call_regs r = {
		(uint64_t)SVSM_PROTO_VTPM << 32 | SVSM_VTPM_CMD, GPA, 0, 0, 0
	};
	uint8_t *p = fx->m.mem + GPA;
	uint32_t rc;
	uint32_t size;

	p[0] = SVSM_VTPM_PLATFORM_SEND_COMMAND;
	p[1] = p[2] = p[3] = 0;
	p[4] = 0;
	memcpy(p + 5, &len, 4);
	memcpy(p + 9, cmd, len);
	rc = proto_dispatch(&fx->env, &r);
	memcpy(&size, p, 4);
	if (rc == SVSM_RC_SUCCESS && size <= SVSM_VTPM_MAX_RESPONSE) {
		memcpy(rsp, p + 4, size);
		*rsp_len = size;
	} else {
		*rsp_len = 0;
	}
	return rc;
}

static const uint8_t GETRANDOM8[] = { 0x80, 0x01, 0, 0,	   0, 12,
				      0,    0,	  1, 0x7b, 0, 8 };
/* PCR_Read of SHA-256 PCR 16. */
static const uint8_t PCRREAD16[] = { 0x80, 0x01, 0, 0, 0, 0x14, 0, 0, 1, 0x7e,
				     0,	   0,	 0, 1, 0, 0x0b, 3, 0, 0, 1 };

/** The SHA-256 PCR 16 value from a PCR_Read response. */
static bool pcr_value(const uint8_t *rsp, uint32_t len, uint8_t *out)
{
	/* header, updateCounter, selection (4+2+1+3), count, size, digest */
	const uint32_t at = 10 + 4 + 10 + 4;

	if (len < at + 2 + 32 || be32(rsp + 6) != 0 || rsp[at] != 0 ||
	    rsp[at + 1] != 32) {
		return false;
	}
	memcpy(out, rsp + at + 2, 32);
	return true;
}

TEST(vtpm_core, first_start_manufactures_and_keeps_the_ek_manifest)
{
	struct fixture *fx = fixture_new();
	struct vtpm_init_info info = { 0 };
	const uint8_t *m;
	size_t len = 0;
	static const uint8_t head[] = { 0x00, 0x01, 0x00, 0x0b, 0x00, 0x03,
					0x00, 0xb2, 0x00, 0x20, 0x83, 0x71 };

	ASSERT_TRUE(fx->nv.ctx != NULL);
	EXPECT_TRUE(vtpm_ek_manifest(&len) == NULL);
	ASSERT_OK(vtpm_init(&fx->nv, &info));
	EXPECT_EQ(info.manufactured, 1);
	m = vtpm_ek_manifest(&len);
	ASSERT_TRUE(m != NULL);
	/* RSA, SHA-256, 0x000300b2, PolicyA; 314 bytes with a 2048-bit n. */
	EXPECT_EQ(len, 314);
	EXPECT_MEMEQ(m, head, sizeof(head));
	EXPECT_EQ(vtpm_init(&fx->nv, &info), SVSM_ERR_BUSY);
	fixture_free(fx);
}

TEST(vtpm_core, getrandom_and_startup_through_svsm_vtpm_cmd)
{
	struct fixture *fx = fixture_new();
	static const uint8_t startup[] = { 0x80, 0x01, 0, 0,	0, 12,
					   0,	 0,    1, 0x44, 0, 0 };
	static uint8_t rsp[SVSM_VTPM_BUFFER_SIZE];
	uint32_t n = 0;

	ASSERT_TRUE(fx->nv.ctx != NULL);
	ASSERT_OK(vtpm_init(&fx->nv, NULL));
	EXPECT_EQ(tpm_call(fx, GETRANDOM8, sizeof(GETRANDOM8), rsp, &n),
		  SVSM_RC_SUCCESS);
	EXPECT_EQ(n, 20);
	EXPECT_EQ(be32(rsp + 2), 20);
	EXPECT_EQ(be32(rsp + 6), 0);
	EXPECT_EQ(rsp[10] << 8 | rsp[11], 8);
	/* The service ran Startup: a guest's is TPM_RC_INITIALIZE. */
	EXPECT_EQ(tpm_call(fx, startup, sizeof(startup), rsp, &n),
		  SVSM_RC_SUCCESS);
	EXPECT_EQ(be32(rsp + 6), 0x100);
	fixture_free(fx);
}

TEST(vtpm_core, pcr_extend_matches_sha256_computed_here)
{
	struct fixture *fx = fixture_new();
	static uint8_t rsp[SVSM_VTPM_BUFFER_SIZE];
	uint8_t cmd[128];
	uint8_t before[32];
	uint8_t after[32];
	uint8_t digest[32];
	uint8_t cat[64];
	uint8_t want[32];
	uint32_t n = 0;
	static const uint8_t ext_head[] = {
		0x80, 0x02, 0, 0,  0,	 65,   0, 0, 1, 0x82, /* PCR_Extend */
		0,    0,    0, 16,			      /* PCR 16 */
		0,    0,    0, 9,  0x40, 0,    0, 9, 0, 0,    0, 0, 0, /* pw */
		0,    0,    0, 1,  0,	 0x0b, /* one SHA-256 digest */
	};

	ASSERT_TRUE(fx->nv.ctx != NULL);
	ASSERT_OK(vtpm_init(&fx->nv, NULL));
	ASSERT_EQ(tpm_call(fx, PCRREAD16, sizeof(PCRREAD16), rsp, &n),
		  SVSM_RC_SUCCESS);
	ASSERT_TRUE(pcr_value(rsp, n, before));
	ASSERT_TRUE(EVP_Digest("csvsm", 5, digest, NULL, EVP_sha256(), NULL));
	memcpy(cmd, ext_head, sizeof(ext_head));
	memcpy(cmd + sizeof(ext_head), digest, 32);
	ASSERT_EQ(sizeof(ext_head) + 32, 65);
	EXPECT_EQ(tpm_call(fx, cmd, 65, rsp, &n), SVSM_RC_SUCCESS);
	EXPECT_EQ(be32(rsp + 6), 0);
	ASSERT_EQ(tpm_call(fx, PCRREAD16, sizeof(PCRREAD16), rsp, &n),
		  SVSM_RC_SUCCESS);
	ASSERT_TRUE(pcr_value(rsp, n, after));
	memcpy(cat, before, 32);
	memcpy(cat + 32, digest, 32);
	ASSERT_TRUE(EVP_Digest(cat, 64, want, NULL, EVP_sha256(), NULL));
	EXPECT_MEMEQ(after, want, 32);
	fixture_free(fx);
}

TEST(vtpm_core, malformed_commands_get_tpm_errors_and_the_tpm_goes_on)
{
	struct fixture *fx = fixture_new();
	static uint8_t rsp[SVSM_VTPM_BUFFER_SIZE];
	uint8_t cmd[sizeof(GETRANDOM8)];
	uint32_t n = 0;

	ASSERT_TRUE(fx->nv.ctx != NULL);
	ASSERT_OK(vtpm_init(&fx->nv, NULL));
	/* The header says 13 bytes, the request 12. */
	memcpy(cmd, GETRANDOM8, sizeof(cmd));
	cmd[5] = 13;
	EXPECT_EQ(tpm_call(fx, cmd, sizeof(cmd), rsp, &n), SVSM_RC_SUCCESS);
	EXPECT_EQ(n, 10);
	EXPECT_NE(be32(rsp + 6), 0);
	/* Shorter than a header; empty. */
	EXPECT_EQ(tpm_call(fx, cmd, 5, rsp, &n), SVSM_RC_SUCCESS);
	EXPECT_NE(be32(rsp + 6), 0);
	EXPECT_EQ(tpm_call(fx, cmd, 0, rsp, &n), SVSM_RC_SUCCESS);
	EXPECT_NE(be32(rsp + 6), 0);
	/* An unknown command code. */
	memcpy(cmd, GETRANDOM8, sizeof(cmd));
	cmd[9] = 0xFF;
	EXPECT_EQ(tpm_call(fx, cmd, sizeof(cmd), rsp, &n), SVSM_RC_SUCCESS);
	EXPECT_NE(be32(rsp + 6), 0);
	/* A too small response buffer gets nothing rather than a cut one. */
	EXPECT_EQ(vtpm_process(GETRANDOM8, sizeof(GETRANDOM8), rsp, 9), 0);
	EXPECT_EQ(vtpm_process(GETRANDOM8, sizeof(GETRANDOM8), rsp, 12), 10);
	EXPECT_EQ(be32(rsp + 6), 0x101);
	EXPECT_EQ(tpm_call(fx, GETRANDOM8, sizeof(GETRANDOM8), rsp, &n),
		  SVSM_RC_SUCCESS);
	EXPECT_EQ(be32(rsp + 6), 0);
	EXPECT_EQ(n, 20);
	fixture_free(fx);
}

TEST(vtpm_core, a_restart_on_kept_nv_keeps_the_ek_and_clears_pcrs)
{
	struct fixture *fx = fixture_new();
	struct vtpm_init_info info = { 0 };
	uint8_t first[VTPM_MANIFEST_MAX];
	static uint8_t rsp[SVSM_VTPM_BUFFER_SIZE];
	uint8_t pcr[32];
	static const uint8_t zero[32];
	const uint8_t *m;
	size_t len = 0;
	size_t len2 = 0;
	uint32_t n = 0;

	ASSERT_TRUE(fx->nv.ctx != NULL);
	ASSERT_OK(vtpm_init(&fx->nv, &info));
	m = vtpm_ek_manifest(&len);
	ASSERT_TRUE(m != NULL && len <= sizeof(first));
	memcpy(first, m, len);
	vtpm_shutdown();
	EXPECT_TRUE(vtpm_ek_manifest(&len2) == NULL);
	ASSERT_OK(vtpm_init(&fx->nv, &info));
	EXPECT_EQ(info.manufactured, 0);
	m = vtpm_ek_manifest(&len2);
	ASSERT_TRUE(m != NULL);
	EXPECT_EQ(len2, len);
	EXPECT_MEMEQ(m, first, len);
	ASSERT_EQ(tpm_call(fx, PCRREAD16, sizeof(PCRREAD16), rsp, &n),
		  SVSM_RC_SUCCESS);
	ASSERT_TRUE(pcr_value(rsp, n, pcr));
	EXPECT_MEMEQ(pcr, zero, 32);
	fixture_free(fx);
}

static enum vtpm_nv_result broken_store(void *ctx, const char *name,
					const uint8_t *data, uint32_t len)
{
	(void)ctx;
	(void)name;
	(void)data;
	(void)len;
	return VTPM_NV_ERROR;
}

TEST(vtpm_core, nv_that_cannot_be_written_fails_closed)
{
	struct fixture *fx = fixture_new();
	static uint8_t rsp[SVSM_VTPM_BUFFER_SIZE];
	size_t len = 0;
	uint32_t n = 0;

	ASSERT_TRUE(fx->nv.ctx != NULL);
	fx->nv.store = broken_store;
	EXPECT_NE(vtpm_init(&fx->nv, NULL), SVSM_OK);
	EXPECT_TRUE(vtpm_ek_manifest(&len) == NULL);
	/* No TPM behind the protocol: every command is a TPM failure. */
	EXPECT_EQ(tpm_call(fx, GETRANDOM8, sizeof(GETRANDOM8), rsp, &n),
		  SVSM_RC_SUCCESS);
	EXPECT_EQ(be32(rsp + 6), 0x101);
	fixture_free(fx);
}

TEST(vtpm_core, malformed_requests_get_svsm_errors_and_the_service_goes_on)
{
	struct fixture *fx = fixture_new();
	static uint8_t rsp[SVSM_VTPM_BUFFER_SIZE];
	struct svsm_call_regs r;
	uint8_t *p = fx->m.mem + GPA;
	uint32_t big = SVSM_VTPM_MAX_COMMAND + 1;
	uint32_t n = 0;

	ASSERT_TRUE(fx->nv.ctx != NULL);
	ASSERT_OK(vtpm_init(&fx->nv, NULL));
	/* Each request is Linux's GetRandom with one field broken. */
	for (int i = 0; i < 4; i++) {
		ASSERT_EQ(tpm_call(fx, GETRANDOM8, sizeof(GETRANDOM8), rsp, &n),
			  SVSM_RC_SUCCESS);
		memcpy(p + 9, GETRANDOM8, sizeof(GETRANDOM8));
		p[0] = i == 0 ? 1 : 8; /* POWER_ON */
		p[4] = i == 1 ? 3 : 0; /* locality 3 */
		if (i == 2) {
			memcpy(p + 5, &big, 4);
		}
		r = (struct svsm_call_regs){ (uint64_t)SVSM_PROTO_VTPM << 32 |
						     SVSM_VTPM_CMD,
					     i == 3 ? PM_SVSM_PAGE - 8 : GPA, 0,
					     0, 0 };
		EXPECT_EQ(proto_dispatch(&fx->env, &r),
			  i == 0   ? SVSM_RC_UNSUPPORTED_CALL
			  : i == 3 ? SVSM_RC_INVALID_ADDRESS
				   : SVSM_RC_INVALID_PARAMETER);
	}
	EXPECT_EQ(tpm_call(fx, GETRANDOM8, sizeof(GETRANDOM8), rsp, &n),
		  SVSM_RC_SUCCESS);
	EXPECT_EQ(be32(rsp + 6), 0);
	EXPECT_EQ(n, 20);
	fixture_free(fx);
}
