/* SPDX-License-Identifier: MIT */
/*
 * Per-CPU regions. Every CPU sees its own region at the same virtual
 * address, MM_PERCPU_BASE (PML4 entry 509): its per-CPU data, its kernel
 * stack between guard pages and its temporary mapping window; an AP's
 * also holds its IST stacks (between guard pages), its GDT and TSS (in
 * the data page) and a mapping of its own PML4. The boot CPU's region
 * lives in the boot page tables; each AP runs on its own PML4, a copy of
 * the boot PML4's upper half with entry 509 replaced, so no CPU can
 * reach another's region. The per-CPU data is also reached through GS:
 * `gs:0` holds its address.
 */
#pragma once

#include <stdint.h>

#include "arch/cpu.h"

#include "svsm/addr.h"
#include "svsm/err.h"
#include "svsm/mm.h"

/* Layout of a region, offsets from MM_PERCPU_BASE (guards unmapped). */
#define PERCPU_DATA_OFFSET 0x1000ULL /* one page, guard below and above */
#define PERCPU_STACK_OFFSET 0x4000ULL
#define PERCPU_STACK_PAGES 4U /* 16 KiB, guard pages on both sides */
/* APs only: IST stacks (#DF, NMI, #MC), each followed by a guard page. */
#define PERCPU_IST_OFFSET 0x9000ULL
#define PERCPU_IST_STRIDE 0x3000ULL	 /* 8 KiB stack + one guard page */
#define PERCPU_PML4_INDEX 509U		 /* MM_PERCPU_BASE's PML4 entry */
#define PERCPU_PML4_OFFSET 0x13000ULL	 /* APs only: their PML4, mapped RW */
#define PERCPU_WINDOW_OFFSET 0x200000ULL /* a page table of its own */
#define PERCPU_WINDOW_PT_OFFSET 0x400000ULL /* that table, mapped RW */

/** The per-CPU data; `self` must stay first (read through gs:0). */
struct percpu {
	struct percpu *self;
	uint32_t cpu_index;
	uint32_t apic_id; /* set by the CPU itself once its APIC is up */
	uint64_t stack_bottom;
	uint64_t stack_top;
	uint64_t window_va;
	uint64_t stamp; /* written by the CPU itself; read by the SMP test */
	uint32_t tmp_used_mask; /* this CPU's temporary window slots in use */
	uint32_t reserved;
	struct cpu_tables tables; /* APs: their GDT and TSS */
};

/** What the boot CPU needs to start an AP whose region it has built. */
struct percpu_ap {
	paddr_t pml4;	    /* the AP's CR3 */
	paddr_t data;	    /* its per-CPU data page */
	uint64_t stack_top; /* at the AP's own virtual address */
};

/**
 * Builds the boot CPU's region: maps its data page and stack (with guard
 * pages), creates its temporary window and moves the kernel's window
 * there, and points GS at the data.
 */
enum svsm_err percpu_init_boot_cpu(void) SVSM_MUST_CHECK;
/**
 * Builds AP `cpu`'s PML4 and region from the boot CPU: a new PML4 whose
 * entries 256..511 are the boot PML4's except 509, which gets the AP's
 * own tables (data page with GDT and TSS filled, stack, IST stacks,
 * temporary window, its PML4 mapped RW); entry 0 is copied too, so the
 * AP can run the identity-mapped trampoline, and the AP clears it in its
 * own PML4 once it runs in the upper half. Every upper-half PML4 entry
 * the kernel shares must exist before this runs. On failure the pages
 * taken so far are not returned (boot-time, once per CPU).
 */
enum svsm_err percpu_init_ap(uint32_t cpu,
			     struct percpu_ap *out) SVSM_MUST_CHECK;
/** This CPU's data, through GS. */
struct percpu *this_cpu(void);
