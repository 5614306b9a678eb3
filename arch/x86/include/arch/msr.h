/* SPDX-License-Identifier: MIT */
/*
 * MSR access. `rdmsr`/`wrmsr` fault on a bad MSR; the `_safe` forms have
 * an exception-table entry and return an error instead.
 */
#pragma once

#include <stdint.h>

#include "svsm/err.h"

#define MSR_EFER 0xC0000080U
#define MSR_STAR 0xC0000081U
#define MSR_LSTAR 0xC0000082U
#define MSR_FMASK 0xC0000084U
#define MSR_FS_BASE 0xC0000100U
#define MSR_GS_BASE 0xC0000101U
#define MSR_KERNEL_GS_BASE 0xC0000102U
#define MSR_APIC_BASE 0x0000001BU
#define MSR_TSC_DEADLINE 0x000006E0U /* SDM vol. 3A, 11.5.4.1 */

#define EFER_SCE (1ULL << 0)
#define EFER_LME (1ULL << 8)
#define EFER_LMA (1ULL << 10)
#define EFER_NXE (1ULL << 11)

/* IA32_APIC_BASE (SDM vol. 3A, 11.4.4 and 11.12.1, figure 11-26). */
#define APIC_BASE_EXTD (1ULL << 10) /* x2APIC mode (with EN) */
#define APIC_BASE_EN (1ULL << 11)
#define APIC_BASE_ADDR_MASK 0x000FFFFFFFFFF000ULL

static inline uint64_t rdmsr(uint32_t msr)
{
	uint32_t lo;
	uint32_t hi;

	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((uint64_t)hi << 32) | lo;
}

static inline void wrmsr(uint32_t msr, uint64_t val)
{
	__asm__ volatile("wrmsr"
			 :
			 : "c"(msr), "a"((uint32_t)val),
			   "d"((uint32_t)(val >> 32))
			 : "memory");
}

/**
 * Reads an MSR that may not exist: returns SVSM_ERR_FAULT (and leaves
 * `*val` alone) when RDMSR raises #GP.
 */
static inline enum svsm_err SVSM_MUST_CHECK rdmsr_safe(uint32_t msr,
						       uint64_t *val)
{
	uint32_t lo = 0;
	uint32_t hi = 0;
	int faulted = 0;

	__asm__ volatile("1: rdmsr\n"
			 "2:\n"
			 ".pushsection .fixup, \"ax\"\n"
			 "3: movl $1, %2\n"
			 "   jmp 2b\n"
			 ".popsection\n"
			 ".pushsection __ex_table, \"a\"\n"
			 ".balign 8\n"
			 ".quad 1b, 3b, 0\n" /* EXTABLE_FIXUP */
			 ".popsection\n"
			 : "+a"(lo), "+d"(hi), "+r"(faulted)
			 : "c"(msr));
	if (faulted) {
		return SVSM_ERR_FAULT;
	}
	*val = ((uint64_t)hi << 32) | lo;
	return SVSM_OK;
}

/** Writes an MSR that may refuse the value: SVSM_ERR_FAULT on #GP. */
static inline enum svsm_err SVSM_MUST_CHECK wrmsr_safe(uint32_t msr,
						       uint64_t val)
{
	int faulted = 0;

	__asm__ volatile("1: wrmsr\n"
			 "2:\n"
			 ".pushsection .fixup, \"ax\"\n"
			 "3: movl $1, %0\n"
			 "   jmp 2b\n"
			 ".popsection\n"
			 ".pushsection __ex_table, \"a\"\n"
			 ".balign 8\n"
			 ".quad 1b, 3b, 0\n"
			 ".popsection\n"
			 : "+r"(faulted)
			 : "c"(msr), "a"((uint32_t)val),
			   "d"((uint32_t)(val >> 32))
			 : "memory");
	return faulted ? SVSM_ERR_FAULT : SVSM_OK;
}
