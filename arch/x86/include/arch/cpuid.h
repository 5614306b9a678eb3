/* SPDX-License-Identifier: MIT */
/* CPUID and the feature bits csvsm checks (Intel SDM vol. 2A, CPUID). */
#pragma once

#include <stdbool.h>
#include <stdint.h>

struct cpuid_regs {
	uint32_t eax;
	uint32_t ebx;
	uint32_t ecx;
	uint32_t edx;
};

static inline struct cpuid_regs cpuid(uint32_t leaf, uint32_t subleaf)
{
	struct cpuid_regs r;

	__asm__ volatile("cpuid"
			 : "=a"(r.eax), "=b"(r.ebx), "=c"(r.ecx), "=d"(r.edx)
			 : "a"(leaf), "c"(subleaf));
	return r;
}

/* Leaf 7, subleaf 0. */
#define CPUID_7_EBX_SMEP (1U << 7)
#define CPUID_7_EBX_SMAP (1U << 20)
#define CPUID_7_ECX_UMIP (1U << 2)
/* Leaf 1. */
#define CPUID_1_ECX_X2APIC (1U << 21)
#define CPUID_1_ECX_TSC_DEADLINE (1U << 24) /* SDM vol. 3A, 11.5.4.1 */
#define CPUID_1_ECX_RDRAND (1U << 30)
#define CPUID_1_EDX_PGE (1U << 13)
/* Leaf 0x80000001. */
#define CPUID_80000001_EDX_NX (1U << 20)
