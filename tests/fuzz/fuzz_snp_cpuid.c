// SPDX-License-Identifier: MIT
/*
 * libFuzzer target for the SNP CPUID page parser (plat/snp/boot.c,
 * snp_cpuid_load): the page is host-proposed bytes. The input is laid
 * over a page the parser accepts (byte i of the input replaces byte i of
 * the page), so that short inputs reach the checks past the header.
 * Checked after each load: a page that was accepted keeps every promise
 * the parser makes (count in bounds, C-bit 32-51 and agreeing with
 * itself, every listed function found again, nothing found for a leaf
 * outside the ranges); a refused page answers nothing.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../plat/snp/boot.h"

/* The entry point libFuzzer calls; its name is fixed by libFuzzer. */
/* NOLINTNEXTLINE(readability-identifier-naming) */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct snp_cpuid_page page;
static struct snp_cpuid parsed;

/** A page the parser accepts (leaves 0, 1, 0x8000_0000, 0x8000_001F). */
static void base_page(void)
{
	memset(&page, 0, sizeof(page));
	page.count = 4;
	page.fn[0] = (struct snp_cpuid_fn){ 0x0, 0, 0, 0, 0x1, 0, 0, 0, 0 };
	page.fn[1] =
		(struct snp_cpuid_fn){ 0x1, 0, 0, 0, 0xA00F11, 0, 0, 0, 0 };
	page.fn[2] = (struct snp_cpuid_fn){ 0x80000000, 0, 0, 0, 0x8000001F,
					    0,		0, 0, 0 };
	page.fn[3] = (struct snp_cpuid_fn){ 0x8000001F, 0, 0, 0, 0x1B,
					    0x33,	0, 0, 0 };
}

/** The promises of an accepted page. */
static bool accepted_ok(void)
{
	uint32_t regs[4];

	if (parsed.page.count > SNP_CPUID_COUNT_MAX || parsed.cbit < 32 ||
	    parsed.cbit > 51 ||
	    snp_cbit_crosscheck(&parsed, parsed.cbit) != SVSM_OK ||
	    snp_cpuid_find(&parsed, 0x40000000, 0, 0, regs)) {
		return false;
	}
	for (uint32_t i = 0; i < parsed.page.count; i++) {
		const struct snp_cpuid_fn *e = &parsed.page.fn[i];

		if (!snp_cpuid_find(&parsed, e->eax_in, e->ecx_in, e->xcr0_in,
				    regs)) {
			return false;
		}
	}
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint32_t regs[4];

	base_page();
	memcpy(&page, data, size < sizeof(page) ? size : sizeof(page));
	if (snp_cpuid_load(&page, sizeof(page), &parsed) == SVSM_OK) {
		if (!accepted_ok()) {
			abort();
		}
	} else if (snp_cpuid_find(&parsed, 0, 0, 0, regs) ||
		   snp_cbit_crosscheck(&parsed, 51) == SVSM_OK) {
		abort();
	}
	return 0;
}
