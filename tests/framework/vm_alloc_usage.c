// SPDX-License-Identifier: MIT
/* The VM runner's leak measure for the OOM sweep: the kernel's own. */
#include "svsm/heap.h"
#include "svsm/mm.h"
#include "svsm/page_alloc.h"
#include "svsm/test.h"

/** Returns cached empty slabs and this CPU's cached pages. */
void test_alloc_quiesce(void)
{
	heap_trim();
	page_alloc_drain_cpu(0);
}

/** What the kernel's allocators hold for callers. */
uint64_t test_alloc_outstanding(void)
{
	return mm_outstanding();
}
