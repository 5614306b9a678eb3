/* SPDX-License-Identifier: MIT */
/*
 * The kernel's memory: boot-time set-up of the page allocator, the
 * validation table, the temporary mapping window and the heap, and the
 * one function that reports their statistics.
 *
 * Kernel virtual layout (upper half; PML4 index in brackets):
 *   [511] image, stacks, launch info, parameters, symbols, page-table
 *         and temporary windows (built by igvmbld at -2 GiB)
 *   [510] heap: MM_HEAP_SIZE, tables created at boot
 *   [509] per-CPU regions (the SMP work gives each CPU its own entry)
 *   [508] guest-memory window (the protocol work maps guest pages here)
 *   [507] device registers (the local APIC), mapped uncached
 * There is no direct map: a physical page is reached by mapping it.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "svsm/err.h"
#include "svsm/heap.h"
#include "svsm/page_alloc.h"
#include "svsm/pgtable.h"
#include "svsm/valid_state.h"

#include "uapi/svsm/launch.h"

#define MM_HEAP_BASE 0xFFFFFF0000000000ULL
#define MM_HEAP_SIZE 0x1000000ULL /* 16 MiB of heap VA */
#define MM_PERCPU_BASE 0xFFFFFE8000000000ULL
#define MM_GUEST_WINDOW_BASE 0xFFFFFE0000000000ULL
#define MM_MMIO_BASE 0xFFFFFD8000000000ULL /* [507] device registers */
/* [506] task stacks: 16 KiB each with guard pages (svsm/task.h). */
#define MM_STACK_BASE 0xFFFFFD0000000000ULL
/* Physical pages the page allocator can describe (64 MiB). */
#define MM_MAX_PAGES 16384U

/** Everything the memory manager can report. */
struct mm_stats {
	struct page_alloc_stats pages;
	struct heap_stats heap;
	uint64_t valid_pages[4]; /* kernel region, by enum valid_state */
	uint64_t heap_va_pages_used;
	uint32_t tmp_slots_used;
};

/**
 * Sets up physical memory management for the kernel region described by
 * `li`: validates the free part (through the platform), hands it to the
 * page allocator, prepares the temporary window and the heap region.
 */
enum svsm_err mm_init(const struct svsm_launch_info *li) SVSM_MUST_CHECK;
/**
 * Validates (`valid`) or invalidates [pa, pa + pages * 4 KiB) of the
 * kernel region. The validation table refuses a double validation or a
 * double invalidation (SVSM_ERR_EXISTS) before the platform is asked.
 */
enum svsm_err mm_validate(paddr_t pa, uint64_t pages,
			  bool valid) SVSM_MUST_CHECK;
/** Fills `st` with the statistics of every allocator. */
void mm_get_stats(struct mm_stats *st);
/**
 * What the allocators hold for callers: pages handed out, less those the
 * heap holds for itself, plus live heap objects and large blocks.
 */
uint64_t mm_outstanding(void);
/** The kernel region's validation table. */
struct valid_region *mm_valid_region(void);
/** The kernel's page tables. */
struct pgtable *mm_kernel_pgtable(void);
/** Called once GS reaches the boot CPU's per-CPU data (percpu.c). */
void mm_percpu_ready(void);
