/* SPDX-License-Identifier: MIT */
/*
 * The AP trampoline (arch/x86/ap_trampoline.S): real-mode start-up code
 * that the boot CPU copies to a low page for each start-up IPI. It runs
 * at any page-aligned address below 1 MiB and ends in 64-bit mode at the
 * entry the data block names. The data block sits at
 * `ap_trampoline_data - ap_trampoline_start` in the copy; the offsets
 * below are shared with the assembly and checked against the struct.
 */
#pragma once

#define AP_TD_CR3 0x0	 /* u64: PML4 to load; must be below 4 GiB */
#define AP_TD_ENTRY 0x8	 /* u64: 64-bit entry, called with RDI = index */
#define AP_TD_STACK 0x10 /* u64: stack top (16-byte aligned) */
#define AP_TD_CPU 0x18	 /* u32: the AP's CPU index */
#define AP_TD_SIZE 0x20

#define AP_TRAMPOLINE_CR0 0x80010033  /* PG | WP | NE | ET | MP | PE */
#define AP_TRAMPOLINE_EFER_BITS 0x900 /* NXE | LME */
#define AP_TRAMPOLINE_CR4 0x20	      /* PAE */

#ifndef __ASSEMBLY__
#include <stddef.h>
#include <stdint.h>

/** The data block the boot CPU fills before each start-up IPI. */
struct ap_trampoline_data {
	uint64_t cr3;
	uint64_t entry;
	uint64_t stack_top;
	uint32_t cpu_index;
	uint32_t reserved;
};
_Static_assert(offsetof(struct ap_trampoline_data, cr3) == AP_TD_CR3, "cr3");
_Static_assert(offsetof(struct ap_trampoline_data, entry) == AP_TD_ENTRY,
	       "entry");
_Static_assert(offsetof(struct ap_trampoline_data, stack_top) == AP_TD_STACK,
	       "stack");
_Static_assert(offsetof(struct ap_trampoline_data, cpu_index) == AP_TD_CPU,
	       "cpu");
_Static_assert(sizeof(struct ap_trampoline_data) == AP_TD_SIZE, "size");

/* The blob, in the kernel's read-only data; never executed in place. */
/* NOLINTBEGIN(readability-identifier-naming): assembler labels */
extern const char ap_trampoline_start[];
extern const char ap_trampoline_data[];
extern const char ap_trampoline_end[];
/* NOLINTEND(readability-identifier-naming) */
#endif
