// SPDX-License-Identifier: MIT
/*
 * libFuzzer target for the #VC handler (plat/snp/vc.c): the bytes at RIP
 * are the interrupted code's (a user program's, for CPUID), and the
 * GHCB page's answer is the host's, so both come from the input: an
 * exit code, the registers, any answer the host could write (SW_EXITINFO1,
 * RAX, RDX, the valid bitmap) and up to 15 instruction bytes, run against
 * the SNP model with a registered GHCB page. Checked after each run: a
 * refusal or a termination leaves the registers untouched; success moves
 * RIP by the decoded length and leaves only values the instruction can
 * produce (an IN no wider than its port, RDMSR's halves 32 bits), and
 * nothing is terminated; SVSM_ERR_INTEGRITY always comes with a
 * termination request.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../plat/snp/ghcb_msr.h"
#include "../../plat/snp/vc.h"
#include "../models/snp/snp_model.h"

/* The entry point libFuzzer calls; its name is fixed by libFuzzer. */
/* NOLINTNEXTLINE(readability-identifier-naming) */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define GHCB_GPA (SNPM_SVSM_BASE + 0x3000U)
#define HEADER 64U

static struct snp_cpuid cpuid;
static struct valid_region region;
static uint8_t bits[128];
static bool is_ready;

/** A CPUID page the parser accepts; the model with a shared GHCB page. */
static void set_up(void)
{
	static struct snp_cpuid_page p;
	uint64_t pages = (SNPM_MEM_SIZE - SNPM_SVSM_BASE) / SNPM_PAGE;

	snpm_reset();
	memset(&p, 0, sizeof(p));
	p.count = 4;
	p.fn[0] = (struct snp_cpuid_fn){ 0x0, 0, 0, 0, 0xD, 0, 0, 0, 0 };
	p.fn[1] = (struct snp_cpuid_fn){ 0xD, 2, 0, 0, 0x100, 0x240, 0, 0, 0 };
	p.fn[2] = (struct snp_cpuid_fn){ 0x80000000, 0, 0, 0, 0x8000001F,
					 0,	     0, 0, 0 };
	p.fn[3] = (struct snp_cpuid_fn){ 0x8000001F, 0, 0, 0, 0x1B,
					 0x33,	     0, 0, 0 };
	if (snp_cpuid_load(&p, sizeof(p), &cpuid) != SVSM_OK ||
	    valid_region_init(&region, pa_init(SNPM_SVSM_BASE), pages, bits,
			      sizeof(bits)) != SVSM_OK) {
		abort();
	}
	valid_commit(&region, pa_init(SNPM_SVSM_BASE), pages,
		     VALID_STATE_VALID);
	if (ghcb_page_share(&region, snpm_mem(GHCB_GPA), GHCB_GPA) != SVSM_OK) {
		abort();
	}
	snpm_io_in(0x40, 0x12);
	snpm_msr_set(0x8B, 0x123456789ULL);
	is_ready = true;
}

static uint64_t u64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/** The exit: CPUID, IOIO, MSR, or any 64-bit code. */
static uint64_t exit_of(const uint8_t *h)
{
	static const uint64_t exits[] = { VC_EXIT_CPUID, VC_EXIT_IOIO,
					  VC_EXIT_MSR };

	return h[0] % 4U < 3U ? exits[h[0] % 4U] : u64(h + 8);
}

/** The promises of a successful #VC; see the file comment. */
static bool success_ok(uint64_t exit, const uint8_t *insn, size_t len,
		       const struct vc_regs *before,
		       const struct vc_regs *after)
{
	struct vc_insn d;

	if (vc_decode(exit, insn, len, &d) != SVSM_OK || d.len == 0 ||
	    d.len > len || after->rip != before->rip + d.len ||
	    snpm_terminated() != -1) {
		return false;
	}
	if (d.op == VC_OP_IN && d.size == 4U) {
		return after->rax <= 0xFFFFFFFFULL;
	}
	if (d.op == VC_OP_IN) {
		uint64_t keep = ~((1ULL << (d.size * 8U)) - 1U);

		return (after->rax & keep) == (before->rax & keep);
	}
	if (d.op == VC_OP_RDMSR) {
		return after->rax <= 0xFFFFFFFFULL &&
		       after->rdx <= 0xFFFFFFFFULL;
	}
	return d.op == VC_OP_CPUID || after->rax == before->rax;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct snpm_page_answer a;
	struct vc_env env;
	struct vc_regs regs;
	struct vc_regs before;
	uint64_t exit;
	size_t len;
	enum svsm_err err;

	if (!is_ready) {
		set_up();
	}
	if (size < HEADER) {
		return 0;
	}
	snpm_reset_host();
	if (ghcb_msr_register(GHCB_GPA) != SVSM_OK) {
		abort();
	}
	exit = exit_of(data);
	a = (struct snpm_page_answer){ u64(data + 16),
				       u64(data + 24),
				       u64(data + 32),
				       { u64(data + 40), u64(data + 48) } };
	if (data[1] & 1U) {
		snpm_page_answer(&a); /* else the model's honest host */
	}
	regs = (struct vc_regs){ u64(data + 56), 0, data[2] & 1U ? 0x8B : 0,
				 data[3], 0x1000 };
	before = regs;
	len = size - HEADER > VC_INSN_MAX ? VC_INSN_MAX : size - HEADER;
	env = (struct vc_env){ (struct ghcb *)snpm_mem(GHCB_GPA),
			       GHCB_GPA,
			       &cpuid,
			       { data[4] & 7U, 0, 0 } };
	err = vc_handle(&env, exit, data + HEADER, len, &regs);
	if (err == SVSM_OK) {
		if (!success_ok(exit, data + HEADER, len, &before, &regs)) {
			abort();
		}
	} else if (memcmp(&regs, &before, sizeof(regs)) != 0 ||
		   (err == SVSM_ERR_INTEGRITY) != (snpm_terminated() != -1)) {
		abort();
	}
	snpm_page_answer(NULL);
	return 0;
}
