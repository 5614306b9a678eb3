/* SPDX-License-Identifier: MIT */
/*
 * The physical page allocator: a buddy allocator over the ranges of
 * physical memory given to it, with a per-CPU cache of single pages. It
 * tracks pages; it never maps them, and it never touches the memory it
 * manages (all metadata lives in the `struct page_meta` array the caller
 * provides). Every entry point can fail.
 *
 * SMP: the entry points that take a `cpu` must be given the caller's
 * own CPU index (`this_cpu()->cpu_index` in the kernel): that CPU's cache
 * is used with interrupts off and no lock. Not for interrupt context.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "svsm/addr.h"
#include "svsm/err.h"

#define PAGE_ALLOC_MAX_ORDER 10U /* blocks of 1 .. 1024 pages (4 MiB) */
#define PAGE_ALLOC_MAX_ZONES 8U
#define PAGE_ALLOC_MAX_CPUS 256U
#define PAGE_ALLOC_PCP_HIGH 32U /* cache at most this many pages per CPU */
#define PAGE_ALLOC_PCP_BATCH 8U /* refill/drain this many at a time */

/** Per-page metadata, one per managed page; opaque to callers. */
struct page_meta {
	uint32_t next; /* free-list links: index into the page array */
	uint32_t prev;
	uint8_t order;
	uint8_t flags;
	uint16_t reserved;
};

/** Statistics of one zone (a contiguous managed range). */
struct page_zone_stats {
	uint64_t base; /* physical address */
	uint64_t pages;
	uint64_t free_pages; /* in the buddy lists and the per-CPU caches */
};

/** Allocator-wide statistics. */
struct page_alloc_stats {
	uint32_t zone_count;
	struct page_zone_stats zones[PAGE_ALLOC_MAX_ZONES];
	uint64_t total_pages;
	uint64_t free_pages;
	uint64_t pcp_pages; /* of the free pages, those in per-CPU caches */
	uint64_t alloc_calls;
	uint64_t free_calls;
	uint64_t failed_allocs;
};

/**
 * Starts the allocator with no memory. `meta` provides one struct
 * page_meta for each page it will ever manage (`meta_count` entries);
 * `cpu_count` per-CPU caches are used.
 */
enum svsm_err page_alloc_init(struct page_meta *meta, size_t meta_count,
			      uint32_t cpu_count) SVSM_MUST_CHECK;
/**
 * Gives the allocator the page-aligned physical range [base, base + size)
 * as a new zone; every page of it becomes free.
 */
enum svsm_err page_alloc_add_range(paddr_t base, uint64_t size) SVSM_MUST_CHECK;
/*
 * `cpu` for "the calling CPU", read with interrupts off inside the call.
 * Shared structures that any CPU may use to allocate (the kernel page
 * table) carry it: a fixed CPU number there would let two CPUs touch one
 * cache at once.
 */
#define PAGE_ALLOC_THIS_CPU 0xFFFFFFFEU

/** The calling CPU's index (kernel: through GS; host default: 0). */
uint32_t page_alloc_this_cpu(void);

/**
 * Allocates 2^order contiguous pages, aligned to their size, for CPU
 * `cpu` (order 0 goes through that CPU's cache; PAGE_ALLOC_THIS_CPU: the
 * caller's). SVSM_ERR_NOMEM when no
 * block is free (or the fault injector says so).
 */
enum svsm_err page_alloc(uint32_t cpu, uint32_t order,
			 paddr_t *out) SVSM_MUST_CHECK;
/**
 * Frees a block allocated with the same order. SVSM_ERR_INVAL (and no
 * change) for an address the allocator does not manage, a misaligned
 * one, an order that differs from the allocation, or a block that is
 * already free (double free).
 */
enum svsm_err page_free(uint32_t cpu, paddr_t pa,
			uint32_t order) SVSM_MUST_CHECK;
/**
 * Returns CPU `cpu`'s cached pages to the buddy lists: the caller's own
 * CPU, or one that does not use the allocator meanwhile.
 */
void page_alloc_drain_cpu(uint32_t cpu);
/** Fills `st` with the current statistics. */
void page_alloc_get_stats(struct page_alloc_stats *st);
