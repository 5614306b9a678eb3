// SPDX-License-Identifier: MIT
/*
 * libFuzzer target for the vTPM protocol (lib/proto/vtpm.c). The input is
 * the call number and RCX (8 bytes each, little-endian), one byte of
 * backend behaviour, then the guest memory image of the model platform
 * (tests/unit/proto_model.c). The fake backend answers a response of a
 * length taken from the command, or fails, or claims an oversized one.
 * Checked after each call: RAX holds a result code the protocol can give,
 * no guest byte was read twice, the backend saw exactly the size the
 * request named and at most 4096 - 9 bytes, and a successful call left a
 * response size the Linux driver accepts (at most 4096 - 4).
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "svsm/le.h"

#include "../unit/proto_model.h"

/* The entry point libFuzzer calls; its name is fixed by libFuzzer. */
/* NOLINTNEXTLINE(readability-identifier-naming) */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define HEAD_BYTES 17U

static struct proto_model model;
static uint8_t vtpm_buf[SVSM_VTPM_BUFFER_SIZE];
static uint8_t mode;
static size_t seen_len;
static bool called;

static enum svsm_err fake_send(void *ctx, uint8_t *buf, size_t len, size_t cap,
			       size_t *rsp_len)
{
	size_t n = len ? buf[0] * 16U + 10U : 10U;

	(void)ctx;
	called = true;
	seen_len = len;
	if (len > SVSM_VTPM_MAX_COMMAND || cap != SVSM_VTPM_MAX_RESPONSE) {
		abort();
	}
	switch (mode % 4) {
	case 1:
		return SVSM_ERR_IO;
	case 2:
		*rsp_len = cap + 1 + mode;
		return SVSM_OK;
	default:
		n = n > cap ? cap : n;
		memset(buf, 0x5A, n);
		*rsp_len = n;
		return SVSM_OK;
	}
}

static const struct proto_vtpm FAKE = { fake_send, NULL, vtpm_buf };
/* The model's own protocol (the core) and the vTPM. */
static const struct proto_desc *protos[2];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct proto_env env;
	struct svsm_call_regs r;
	uint32_t rc;

	if (size < HEAD_BYTES) {
		return 0;
	}
	proto_model_init(&model, &env);
	protos[0] = env.protos[0];
	protos[1] = &PROTO_VTPM_DESC;
	env.protos = protos;
	env.proto_count = 2;
	env.vtpm = &FAKE;
	mode = data[16];
	called = false;
	memcpy(model.mem, data + HEAD_BYTES,
	       size - HEAD_BYTES < PM_MEM_BYTES ? size - HEAD_BYTES
						: PM_MEM_BYTES);
	uint64_t rcx = le64_get(data + 8);
	uint32_t req_size =
		rcx < PM_MEM_BYTES - 9 ? le32_get(model.mem + rcx + 5) : 0;

	r = (struct svsm_call_regs){ (uint64_t)SVSM_PROTO_VTPM << 32 |
					     (uint32_t)le64_get(data),
				     rcx, 0, 0, 0 };
	rc = proto_dispatch(&env, &r);
	if (rc != r.rax || proto_model_max_reads(&model) > 1) {
		abort();
	}
	if (rc != SVSM_RC_SUCCESS && rc != SVSM_RC_UNSUPPORTED_CALL &&
	    rc != SVSM_RC_INVALID_ADDRESS && rc != SVSM_RC_INVALID_PARAMETER &&
	    rc != SVSM_RC_INVALID_REQUEST) {
		abort();
	}
	if (called && seen_len != req_size) {
		abort();
	}
	if (rc == SVSM_RC_SUCCESS &&
	    (uint32_t)le64_get(data) == SVSM_VTPM_CMD &&
	    le32_get(model.mem + rcx) > SVSM_VTPM_MAX_RESPONSE) {
		abort();
	}
	return 0;
}
