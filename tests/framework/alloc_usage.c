// SPDX-License-Identifier: MIT
/*
 * What the allocators hold for their callers, for the OOM sweep's leak
 * check: pages handed out by the page allocator (excluding those parked
 * in per-CPU caches, which are free) plus live heap objects and
 * page-backed heap blocks. Both runners link it.
 */
#include "svsm/heap.h"
#include "svsm/page_alloc.h"
#include "svsm/test.h"

/** Returns cached empty slabs, so every run starts alike. */
void test_alloc_quiesce(void)
{
	heap_trim();
}

/** Units the allocators have handed out and not had back. */
uint64_t test_alloc_outstanding(void)
{
	struct page_alloc_stats ps;
	struct heap_stats hs;
	uint64_t n;

	page_alloc_get_stats(&ps);
	heap_get_stats(&hs);
	n = ps.total_pages - ps.free_pages;
	for (uint32_t i = 0; i < HEAP_CLASS_COUNT; i++) {
		n += hs.class_in_use[i];
	}
	return n + hs.large_allocs;
}
