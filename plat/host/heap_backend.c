// SPDX-License-Identifier: MIT
/*
 * The heap backend of the host build (unit tests, benchmarks): "mapping"
 * pages for the kernel heap is aligned_alloc() of page-aligned host
 * memory, filled with a pattern so that nothing can rely on it being
 * zero. It counts the pages it has handed out, and a test hook makes a
 * chosen call fail, to prove the heap's failure paths leak nothing.
 */
#include "heap_backend.h"

#include <stdlib.h>
#include <string.h>

#include "svsm/addr.h"
#include "svsm/heap.h"

/* Larger requests fail as on a full heap region (and keep ASan quiet). */
#define HOST_HEAP_MAX_PAGES (1U << 16)
#define HOST_HEAP_FILL 0xA5

static uint64_t pages_held;
static uint64_t fail_countdown;

/** Arms the backend to fail its `n`th call from now (0: never). */
void heap_backend_fail_nth(uint64_t n)
{
	fail_countdown = n;
}

/** Pages handed out and not given back. */
uint64_t heap_backend_pages_held(void)
{
	return pages_held;
}

/** Hands out `pages` page-aligned pages of host memory. */
enum svsm_err heap_backend_map(size_t pages, void **va)
{
	void *p;

	if (fail_countdown > 0 && --fail_countdown == 0) {
		return SVSM_ERR_NOMEM;
	}
	if (pages == 0 || pages > HOST_HEAP_MAX_PAGES) {
		return SVSM_ERR_NOMEM;
	}
	p = aligned_alloc(PAGE_SIZE, pages * PAGE_SIZE);
	if (!p) {
		return SVSM_ERR_NOMEM;
	}
	memset(p, HOST_HEAP_FILL, pages * PAGE_SIZE);
	pages_held += pages;
	*va = p;
	return SVSM_OK;
}

/** Takes back pages handed out by heap_backend_map(). */
void heap_backend_unmap(void *va, size_t pages)
{
	if (!va) {
		return;
	}
	pages_held -= pages;
	free(va);
}
