/* SPDX-License-Identifier: MIT */
/*
 * x86 instruction wrappers: one instruction per static inline function,
 * named after the instruction, clobbers explicit. The only place besides
 * msr.h and cpuid.h where the kernel uses inline assembly.
 */
#pragma once

#include <stdint.h>

static inline void outb(uint16_t port, uint8_t val)
{
	__asm__ volatile("outb %0, %1" : : "a"(val), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
	uint8_t val;

	__asm__ volatile("inb %1, %0" : "=a"(val) : "Nd"(port));
	return val;
}

static inline void outw(uint16_t port, uint16_t val)
{
	__asm__ volatile("outw %0, %1" : : "a"(val), "Nd"(port));
}

static inline void outl(uint16_t port, uint32_t val)
{
	__asm__ volatile("outl %0, %1" : : "a"(val), "Nd"(port));
}

static inline void hlt(void)
{
	__asm__ volatile("hlt" : : : "memory");
}

static inline void cli(void)
{
	__asm__ volatile("cli" : : : "memory");
}

static inline void sti(void)
{
	__asm__ volatile("sti" : : : "memory");
}

/**
 * Enables interrupts and halts until the next one. The two go together
 * on purpose: STI's one-instruction interrupt shadow makes the pair
 * atomic, so an interrupt cannot slip in between and leave the CPU
 * halted with its wake-up already handled.
 */
static inline void sti_hlt(void)
{
	__asm__ volatile("sti; hlt" : : : "memory");
}

static inline void pause(void)
{
	__asm__ volatile("pause");
}

static inline void mfence(void)
{
	__asm__ volatile("mfence" : : : "memory");
}

static inline void lfence(void)
{
	__asm__ volatile("lfence" : : : "memory");
}

static inline uint64_t read_cr0(void)
{
	uint64_t v;

	__asm__ volatile("mov %%cr0, %0" : "=r"(v));
	return v;
}

static inline void write_cr0(uint64_t v)
{
	__asm__ volatile("mov %0, %%cr0" : : "r"(v) : "memory");
}

static inline uint64_t read_cr2(void)
{
	uint64_t v;

	__asm__ volatile("mov %%cr2, %0" : "=r"(v));
	return v;
}

static inline uint64_t read_cr3(void)
{
	uint64_t v;

	__asm__ volatile("mov %%cr3, %0" : "=r"(v));
	return v;
}

static inline void write_cr3(uint64_t v)
{
	__asm__ volatile("mov %0, %%cr3" : : "r"(v) : "memory");
}

static inline uint64_t read_cr4(void)
{
	uint64_t v;

	__asm__ volatile("mov %%cr4, %0" : "=r"(v));
	return v;
}

static inline void write_cr4(uint64_t v)
{
	__asm__ volatile("mov %0, %%cr4" : : "r"(v) : "memory");
}

static inline uint64_t read_rflags(void)
{
	uint64_t v;

	__asm__ volatile("pushfq; popq %0" : "=r"(v));
	return v;
}

/** The frame pointer of the caller's frame. */
static inline uint64_t read_rbp(void)
{
	uint64_t v;

	__asm__ volatile("mov %%rbp, %0" : "=r"(v));
	return v;
}

static inline uint64_t read_rsp(void)
{
	uint64_t v;

	__asm__ volatile("mov %%rsp, %0" : "=r"(v));
	return v;
}

/** Descriptor-table pointer for LGDT/LIDT. */
struct desc_ptr {
	uint16_t limit;
	uint64_t base;
} __attribute__((packed));

static inline void lgdt(const struct desc_ptr *p)
{
	__asm__ volatile("lgdt %0" : : "m"(*p) : "memory");
}

static inline void lidt(const struct desc_ptr *p)
{
	__asm__ volatile("lidt %0" : : "m"(*p) : "memory");
}

static inline void sidt(struct desc_ptr *p)
{
	__asm__ volatile("sidt %0" : "=m"(*p));
}

static inline void sgdt(struct desc_ptr *p)
{
	__asm__ volatile("sgdt %0" : "=m"(*p));
}

/** XGETBV of XCR `index` (only with CR4.OSXSAVE set, else #UD). */
static inline uint64_t xgetbv(uint32_t index)
{
	uint32_t lo;
	uint32_t hi;

	__asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(index));
	return (uint64_t)hi << 32 | lo;
}

static inline void ltr(uint16_t sel)
{
	__asm__ volatile("ltr %0" : : "r"(sel) : "memory");
}

static inline void invlpg(uint64_t va)
{
	__asm__ volatile("invlpg (%0)" : : "r"(va) : "memory");
}

/** RDRAND; returns 1 when the CPU delivered a value (CF set). */
static inline int rdrand64(uint64_t *out)
{
	uint64_t v;
	uint8_t ok;

	__asm__ volatile("rdrand %0; setc %1" : "=r"(v), "=qm"(ok) : : "cc");
	*out = v;
	return ok;
}

/* Retries before RDRAND counts as failed (Intel's DRNG guide: 10). */
#define RDRAND_RETRIES 10U

/**
 * RDRAND with up to RDRAND_RETRIES attempts; returns 1 with a value in
 * `*out`, or 0 when the CPU delivered none (the caller refuses rather
 * than use a weaker source).
 */
static inline int rdrand64_retry(uint64_t *out)
{
	for (uint32_t i = 0; i < RDRAND_RETRIES; i++) {
		if (rdrand64(out)) {
			return 1;
		}
	}
	return 0;
}

static inline uint64_t rdtsc(void)
{
	uint32_t lo;
	uint32_t hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

/** Clears AC: supervisor accesses to user pages fault again (SMAP). */
static inline void clac(void)
{
	__asm__ volatile("clac" : : : "memory");
}

/** Raises #UD. */
static inline void ud2(void)
{
	__asm__ volatile("ud2");
}

/**
 * Reads a u64 at `addr`; if the access faults, the exception handler logs
 * a full report (registers and backtrace) and resumes with the error flag
 * set. Returns 0 on success and 1 if the read faulted (`*out` untouched).
 * Used where a fault is expected and must be reported, not fatal.
 */
static inline int load_u64_reported(const volatile uint64_t *addr,
				    uint64_t *out)
{
	int faulted = 0;
	uint64_t v = 0;

	__asm__ volatile("1: movq (%2), %0\n"
			 "2:\n"
			 ".pushsection .fixup, \"ax\"\n"
			 "3: movl $1, %1\n"
			 "   jmp 2b\n"
			 ".popsection\n"
			 ".pushsection __ex_table, \"a\"\n"
			 ".balign 8\n"
			 ".quad 1b, 3b, 1\n" /* EXTABLE_REPORT */
			 ".popsection\n"
			 : "+r"(v), "+r"(faulted)
			 : "r"(addr)
			 : "memory");
	if (!faulted) {
		*out = v;
	}
	return faulted;
}

/**
 * Writes `v` to `addr`; if the write faults, the exception handler logs a
 * full report and resumes with the error flag set. Returns 0 on success
 * and 1 if the write faulted. For tests of page protections.
 */
/* NOLINTNEXTLINE(readability-non-const-parameter): written by the asm */
static inline int store_u64_reported(volatile uint64_t *addr, uint64_t v)
{
	int faulted = 0;

	__asm__ volatile("1: movq %2, (%1)\n"
			 "2:\n"
			 ".pushsection .fixup, \"ax\"\n"
			 "3: movl $1, %0\n"
			 "   jmp 2b\n"
			 ".popsection\n"
			 ".pushsection __ex_table, \"a\"\n"
			 ".balign 8\n"
			 ".quad 1b, 3b, 1\n" /* EXTABLE_REPORT */
			 ".popsection\n"
			 : "+r"(faulted)
			 : "r"(addr), "r"(v)
			 : "memory");
	return faulted;
}

/** Reads the u64 at offset `off` of the GS segment. */
static inline uint64_t read_gs_u64(uint64_t off)
{
	uint64_t v;

	__asm__ volatile("movq %%gs:(%1), %0" : "=r"(v) : "r"(off));
	return v;
}
