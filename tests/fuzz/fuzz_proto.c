// SPDX-License-Identifier: MIT
/*
 * libFuzzer target for the protocol layer (lib/proto): request decoding
 * and every core call, the PVALIDATE list walker above all. The input is
 * RAX, RCX, RDX and R8 (8 bytes each, little-endian) followed by the
 * guest memory image of the model platform (tests/unit/proto_model.c).
 * Checked after each call: RAX holds a result code the specification
 * defines, no guest byte was read twice, and a PVALIDATE that succeeded
 * left `next` equal to `entries`.
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

#define REGS_BYTES 32U

static struct proto_model model;

static bool known_code(uint64_t rc)
{
	return rc == SVSM_RC_SUCCESS ||
	       (rc >= SVSM_RC_UNSUPPORTED_PROTOCOL && rc <= SVSM_RC_BUSY) ||
	       rc == SVSM_RC_PVALIDATE_FAIL_SIZEMISMATCH ||
	       rc == SVSM_RC_PVALIDATE_FAIL_NO_CHANGE;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct proto_env env;
	struct svsm_call_regs r;

	if (size < REGS_BYTES) {
		return 0;
	}
	proto_model_init(&model, &env);
	memcpy(model.mem, data + REGS_BYTES,
	       size - REGS_BYTES < PM_MEM_BYTES ? size - REGS_BYTES
						: PM_MEM_BYTES);
	r = (struct svsm_call_regs){ le64_get(data), le64_get(data + 8),
				     le64_get(data + 16), le64_get(data + 24),
				     0 };
	uint64_t rcx = r.rcx;
	uint32_t rc = proto_dispatch(&env, &r);

	if (rc != r.rax || !known_code(r.rax) ||
	    proto_model_max_reads(&model) > 1) {
		abort();
	}
	if (le64_get(data) == SVSM_CORE_PVALIDATE && rc == SVSM_RC_SUCCESS) {
		uint16_t entries = le16_get(model.mem + rcx);
		uint16_t next = le16_get(model.mem + rcx + 2);

		if (entries != next) {
			abort();
		}
	}
	return 0;
}
