/* SPDX-License-Identifier: MIT */
/*
 * The SEV-SNP CPUID page: the CPUID answers the hypervisor proposed at
 * launch and the AMD secure processor checked against what the hardware
 * allows (SEV-SNP firmware ABI 56860, "SNP_LAUNCH_UPDATE", page type
 * CPUID, table "CPUID function structure"). A guest that cannot trust the
 * hypervisor's CPUID answers reads them here. The layout is the one Linux
 * (`struct snp_cpuid_table`) and EDK2 use: a 16-byte header, then up to
 * 64 entries of 48 bytes, the rest of the 4 KiB page reserved.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

/** Entries the page can hold (56860: at most 64 functions). */
#define SNP_CPUID_COUNT_MAX 64U

/** One CPUID function and its answer (56860, 48 bytes). */
struct snp_cpuid_fn {
	uint32_t eax_in;  /* the leaf */
	uint32_t ecx_in;  /* the subleaf */
	uint64_t xcr0_in; /* XCR0 the answer holds for (leaf 0xD) */
	uint64_t xss_in;  /* IA32_XSS the answer holds for (leaf 0xD) */
	uint32_t eax;
	uint32_t ebx;
	uint32_t ecx;
	uint32_t edx;
	uint64_t reserved;
};

/** The page (56860). */
struct snp_cpuid_page {
	uint32_t count; /* entries in use, at most SNP_CPUID_COUNT_MAX */
	uint32_t reserved_1;
	uint64_t reserved_2;
	struct snp_cpuid_fn fn[SNP_CPUID_COUNT_MAX];
	uint8_t reserved_c10[0x3F0];
};

_Static_assert(sizeof(struct snp_cpuid_fn) == 48, "56860: 48-byte entry");
_Static_assert(offsetof(struct snp_cpuid_fn, ebx) == 28, "56860: EBX");
_Static_assert(offsetof(struct snp_cpuid_page, fn) == 16, "56860 entries");
_Static_assert(sizeof(struct snp_cpuid_page) == 4096, "56860: one page");
