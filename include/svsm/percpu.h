/* SPDX-License-Identifier: MIT */
/*
 * Per-CPU regions. Every CPU sees its own region at the same virtual
 * address, MM_PERCPU_BASE (PML4 entry 509): its per-CPU data, its kernel
 * stack between guard pages and its temporary mapping window. Once the
 * SMP work gives each CPU its own PML4, no CPU can reach another's
 * region; until then the boot CPU's lives in the boot page tables.
 * The per-CPU data is also reached through GS: `gs:0` holds its address.
 */
#pragma once

#include <stdint.h>

#include "svsm/err.h"
#include "svsm/mm.h"

/* Layout of a region, offsets from MM_PERCPU_BASE (guards unmapped). */
#define PERCPU_DATA_OFFSET 0x1000ULL /* one page, guard below and above */
#define PERCPU_STACK_OFFSET 0x4000ULL
#define PERCPU_STACK_PAGES 4U		 /* 16 KiB, guard pages on both sides */
#define PERCPU_WINDOW_OFFSET 0x200000ULL /* a page table of its own */
#define PERCPU_WINDOW_PT_OFFSET 0x400000ULL /* that table, mapped RW */

/** The per-CPU data; `self` must stay first (read through gs:0). */
struct percpu {
	struct percpu *self;
	uint32_t cpu_index;
	uint32_t reserved;
	uint64_t stack_bottom;
	uint64_t stack_top;
	uint64_t window_va;
};

/**
 * Builds the boot CPU's region: maps its data page and stack (with guard
 * pages), creates its temporary window and moves the kernel's window
 * there, and points GS at the data.
 */
enum svsm_err percpu_init_boot_cpu(void) SVSM_MUST_CHECK;
/** This CPU's data, through GS. */
struct percpu *this_cpu(void);
