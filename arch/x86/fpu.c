// SPDX-License-Identifier: MIT
/*
 * Extended CPU state (arch/fpu.h). The boot CPU decides the format once
 * (XSAVE with the components CPUID.0DH enumerates for x87, SSE and AVX,
 * or FXSAVE) and every CPU enables the same: CR0.MP set and EM clear,
 * CR4.OSFXSR and OSXMMEXCPT, and with XSAVE CR4.OSXSAVE and XCR0.
 *
 * The initial state of an area is the processor's init state: with
 * XSAVE a zero XSTATE_BV makes XRSTOR load the init values of every
 * component (FCW 0x37F); MXCSR is taken from the area, so it holds the
 * default 0x1F80; FXSAVE areas carry FCW and MXCSR themselves.
 */
#include "arch/fpu.h"

#include <stdbool.h>
#include <stdint.h>

#include "arch/cpu.h"
#include "arch/cpuid.h"
#include "arch/insn.h"

#include "svsm/panic.h"
#include "svsm/string.h"

#define CR0_EM (1ULL << 2)
#define CR0_TS (1ULL << 3)
#define CR4_OSFXSR (1ULL << 9)
#define CR4_OSXMMEXCPT (1ULL << 10)
#define CR4_OSXSAVE (1ULL << 18)
#define CPUID_1_ECX_XSAVE (1U << 26)
#define CPUID_1_ECX_AVX (1U << 28)
#define CPUID_1_EDX_FXSR (1U << 24)
#define CPUID_1_EDX_SSE2 (1U << 26)
#define XCR0_X87 (1ULL << 0)
#define XCR0_SSE (1ULL << 1)
#define XCR0_AVX (1ULL << 2)
#define FXSAVE_SIZE 512U
#define FCW_INIT 0x37FU
#define MXCSR_INIT 0x1F80U
#define MXCSR_OFFSET 24U

static struct {
	uint64_t xcr0;
	size_t size;
	bool has_xsave;
	bool is_decided;
} fpu;

static void xsetbv0(uint64_t v)
{
	__asm__ volatile("xsetbv"
			 :
			 : "c"(0U), "a"((uint32_t)v), "d"((uint32_t)(v >> 32))
			 : "memory");
}

/** Picks the format from the boot CPU's CPUID. */
static void decide(void)
{
	struct cpuid_regs l1 = cpuid(1, 0);

	if (!(l1.edx & CPUID_1_EDX_FXSR) || !(l1.edx & CPUID_1_EDX_SSE2)) {
		panic("CPU lacks FXSR or SSE2, which user programs need");
	}
	fpu.has_xsave = (l1.ecx & CPUID_1_ECX_XSAVE) != 0;
	fpu.size = FXSAVE_SIZE;
	if (fpu.has_xsave) {
		fpu.xcr0 = XCR0_X87 | XCR0_SSE;
		if (l1.ecx & CPUID_1_ECX_AVX) {
			fpu.xcr0 |= XCR0_AVX & cpuid(0xD, 0).eax;
		}
	}
	fpu.is_decided = true;
}

void fpu_init_cpu(void)
{
	uint64_t cr4;

	if (!fpu.is_decided) {
		decide();
	}
	write_cr0((read_cr0() & ~(CR0_EM | CR0_TS)) | CR0_MP);
	cr4 = read_cr4() | CR4_OSFXSR | CR4_OSXMMEXCPT;
	if (fpu.has_xsave) {
		cr4 |= CR4_OSXSAVE;
	}
	write_cr4(cr4);
	if (fpu.has_xsave) {
		xsetbv0(fpu.xcr0);
		/* EBX: the size for the components XCR0 enables now. */
		size_t size = cpuid(0xD, 0).ebx;

		if (size > fpu.size) {
			fpu.size = (size + 63U) & ~(size_t)63U;
		}
	}
}

size_t fpu_area_size(void)
{
	return fpu.size;
}

bool fpu_has_xsave(void)
{
	return fpu.has_xsave;
}

void fpu_area_init(void *area)
{
	uint8_t *a = area;
	uint16_t fcw = FCW_INIT;
	uint32_t mxcsr = MXCSR_INIT;

	CHECK(((uintptr_t)area & 63U) == 0);
	memset(a, 0, fpu.size);
	memcpy(a, &fcw, sizeof(fcw));
	memcpy(a + MXCSR_OFFSET, &mxcsr, sizeof(mxcsr));
}

void fpu_save(void *area)
{
	if (fpu.has_xsave) {
		__asm__ volatile("xsave64 (%0)"
				 :
				 : "r"(area), "a"((uint32_t)fpu.xcr0),
				   "d"((uint32_t)(fpu.xcr0 >> 32))
				 : "memory");
	} else {
		__asm__ volatile("fxsave64 (%0)" : : "r"(area) : "memory");
	}
}

void fpu_restore(const void *area)
{
	if (fpu.has_xsave) {
		__asm__ volatile("xrstor64 (%0)"
				 :
				 : "r"(area), "a"((uint32_t)fpu.xcr0),
				   "d"((uint32_t)(fpu.xcr0 >> 32))
				 : "memory");
	} else {
		__asm__ volatile("fxrstor64 (%0)" : : "r"(area) : "memory");
	}
}
