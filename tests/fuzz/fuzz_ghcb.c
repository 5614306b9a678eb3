// SPDX-License-Identifier: MIT
/*
 * libFuzzer target for the GHCB MSR client (plat/snp/ghcb_msr.c): the
 * host's answers are the input. The input is a list of 9-byte records:
 * which call to make (byte 0, modulo 5) and the 64-bit value the host
 * writes back into the GHCB MSR (bytes 1-8, little-endian). Checked after
 * each call: it either succeeded with values inside the specification's
 * rules, or failed with SVSM_ERR_INTEGRITY and a termination request
 * was made; nothing else.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include "svsm/le.h"

#include "../../plat/snp/ghcb_msr.h"
#include "../models/snp/snp_model.h"

/* The entry point libFuzzer calls; its name is fixed by libFuzzer. */
/* NOLINTNEXTLINE(readability-identifier-naming) */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define RECORD 9U
#define GHCB_GPA 0x40000ULL

/** Makes call `which`; false if it broke the client's promise. */
static bool one_call(uint8_t which)
{
	struct ghcb_sev_info info = { 0, 0, 0 };
	uint32_t val = 0;
	enum svsm_err err;

	switch (which % 5U) {
	case 0:
		err = ghcb_msr_sev_info(&info);
		if (err == SVSM_OK &&
		    (info.min_version > GHCB_PROTOCOL_VERSION ||
		     info.max_version < GHCB_PROTOCOL_VERSION ||
		     info.cbit_pos < 32 || info.cbit_pos > 51)) {
			return false;
		}
		break;
	case 1:
		err = ghcb_msr_cpuid(0x8000001FU, which >> 6, &val);
		break;
	case 2:
		err = ghcb_msr_register(GHCB_GPA);
		break;
	case 3:
		err = ghcb_msr_psc(GHCB_GPA, (which & 0x80U) != 0);
		break;
	default:
		err = ghcb_msr_run_vmpl(2);
		break;
	}
	if (err == SVSM_OK) {
		return true;
	}
	return err == SVSM_ERR_INTEGRITY && snpm_terminated() >= 0 &&
	       snpm_halted();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool is_ready;

	if (!is_ready) {
		snpm_reset();
		is_ready = true;
	}
	for (size_t off = 0; off + RECORD <= size; off += RECORD) {
		uint64_t answer = le64_get(data + off + 1);

		snpm_reset_host();
		snpm_host_rmpupdate(GHCB_GPA, false);
		snpm_script(&answer, 1);
		if (!one_call(data[off])) {
			abort();
		}
	}
	return 0;
}
