/* SPDX-License-Identifier: MIT */
/*
 * The kernel heap: slab caches for small sizes (16 .. 2048 bytes, powers
 * of two), whole mapped pages above. kfree() does not need the size.
 * Every allocation can fail; nothing on this path panics.
 *
 * The heap gets its memory from the environment through heap_backend_*
 * (the kernel maps physical pages into its heap region; the host unit
 * tests use aligned host memory), so this code is the same in both.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "svsm/err.h"

#define HEAP_MIN_SIZE 16U
#define HEAP_SLAB_MAX 2048U
#define HEAP_CLASS_COUNT 8U   /* 16, 32, ..., 2048 */
#define HEAP_LARGE_OFFSET 64U /* of a large block's pointer in its page */

/**
 * Frees a kmalloc()/kzalloc() block; NULL is a no-op. A pointer that is
 * not a live heap object (a double free, a pointer into the middle of
 * an object or into foreign memory whose page the heap can read) is
 * refused and counted in `invalid_frees`, and the heap is left unchanged.
 */
void kfree(void *p);

/**
 * Allocates `size` bytes aligned to at least 16. Sizes above
 * HEAP_SLAB_MAX get whole pages and a pointer HEAP_LARGE_OFFSET bytes
 * into the first one (the block's header sits before it), so they are
 * 64-byte aligned, not page aligned: use the page allocator for pages.
 * kmalloc(0) returns a 16-byte object. Returns NULL on failure (and for
 * sizes too big to represent); never panics.
 */
void *kmalloc(size_t size) SVSM_ALLOCATOR(kfree) __attribute__((alloc_size(1)));
/** As kmalloc, zero-filled. */
void *kzalloc(size_t size) SVSM_ALLOCATOR(kfree) __attribute__((alloc_size(1)));

/** Heap statistics. */
struct heap_stats {
	uint64_t class_size[HEAP_CLASS_COUNT];
	uint64_t class_in_use[HEAP_CLASS_COUNT]; /* objects */
	uint64_t class_slabs[HEAP_CLASS_COUNT];	 /* pages backing the class */
	uint64_t large_allocs;			 /* live page-backed blocks */
	uint64_t large_pages;
	uint64_t backend_pages; /* pages currently held from the backend */
	uint64_t failed_allocs;
	uint64_t empty_slabs;	/* of class_slabs, empty ones kept for reuse */
	uint64_t invalid_frees; /* kfree() refusals: double or foreign */
};

/** Fills `st` with the current statistics. */
void heap_get_stats(struct heap_stats *st);
/**
 * Returns empty slab pages to the backend. The heap keeps at most one
 * empty slab per class otherwise.
 */
void heap_trim(void);

/*
 * Provided by the environment: `pages` contiguous mapped, writable pages
 * for the heap, and their release. heap_backend_map may fail.
 */
enum svsm_err heap_backend_map(size_t pages, void **va) SVSM_MUST_CHECK;
void heap_backend_unmap(void *va, size_t pages);
