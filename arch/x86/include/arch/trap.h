/* SPDX-License-Identifier: MIT */
/*
 * The exception frame built by the entry stubs in arch/x86/idt_stubs.S,
 * and the exception table that gives faulting instructions a fixup.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

/** Registers saved on exception entry; lowest address first. */
struct trap_frame {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector;
	uint64_t error_code; /* 0 for vectors without one */
	/* Pushed by the CPU. */
	uint64_t rip, cs, rflags, rsp, ss;
};
/* idt_stubs.S depends on these offsets. */
_Static_assert(offsetof(struct trap_frame, vector) == 15 * sizeof(uint64_t),
	       "vector");
_Static_assert(offsetof(struct trap_frame, rip) == 17 * sizeof(uint64_t),
	       "rip");
_Static_assert(sizeof(struct trap_frame) == 22 * sizeof(uint64_t),
	       "trap frame");

#define EXTABLE_FIXUP 0U  /* resume at the fixup */
#define EXTABLE_REPORT 1U /* log a full report, then resume at the fixup */

/** One exception-table entry (emitted by the `_safe` wrappers). */
struct extable_entry {
	uint64_t insn;
	uint64_t fixup;
	uint64_t type;
};

#define VEC_DE 0U
#define VEC_DB 1U
#define VEC_NMI 2U
#define VEC_BP 3U
#define VEC_UD 6U
#define VEC_DF 8U
#define VEC_GP 13U
#define VEC_PF 14U
#define VEC_MC 18U
#define VEC_VC 29U /* SEV-ES/SNP VMM communication exception */
#define VEC_COUNT 32U

/** The C side of every exception: fixup, report or panic. */
void trap_dispatch(struct trap_frame *f);
/** Returns the exception-table entry for `rip`, or NULL. */
const struct extable_entry *extable_find(uint64_t rip);
/** Prints vector, error code, registers and a backtrace for `f`. */
void trap_report(const struct trap_frame *f, const char *what);
#define IDT_VECTORS 256U
#define VEC_IRQ_FIRST 32U

/** The entry stub of each vector (idt_stubs.S). */
extern const uint64_t IDT_STUB_TABLE[IDT_VECTORS];
