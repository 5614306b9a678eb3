/* SPDX-License-Identifier: MIT */
/*
 * libsvsm heap: malloc/free for csvsm's own programs.
 *
 * Blocks up to SVSM_HEAP_SMALL_MAX bytes come from size classes (16 to
 * 16384 bytes, powers of two and their midpoints), carved from 64 KiB
 * spans that the heap gets from its `morecore` and never gives back.
 * Larger blocks are mapped one by one and unmapped on free (a few freed
 * mappings are kept for reuse). Every block
 * starts with a 16-byte header (magic, state, class or mapping size), so
 * free() needs no size, pointers are 16-byte aligned, and a double free
 * or a pointer the heap never returned is detected (and counted in
 * `bad_frees`) instead of corrupting a free list.
 *
 * A heap is not thread-safe: csvsm's programs are single-threaded so far.
 * The host build takes its memory from Linux's mmap, the same code.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "svsm/err.h"

#define SVSM_HEAP_ALIGN 16U
#define SVSM_HEAP_SMALL_MAX 16384U
#define SVSM_HEAP_SPAN_SIZE ((size_t)64 * 1024)
#define SVSM_HEAP_CLASS_COUNT 20U
#define SVSM_HEAP_LARGE_CACHE 8U /* freed large mappings kept */
#define SVSM_HEAP_LARGE_CACHE_MAX ((size_t)1024 * 1024) /* bytes, each */

/**
 * Where a heap's memory comes from: `map` returns `size` (a multiple of
 * 4096) zeroed, 4096-aligned bytes, or NULL; `unmap` gives back what
 * `map` returned.
 */
struct svsm_heap_ops {
	void *(*map)(void *ctx, size_t size);
	void (*unmap)(void *ctx, void *p, size_t size);
	void *ctx;
};

/** Counters for tests and benchmarks. */
struct svsm_heap_stats {
	uint64_t allocs;     /**< successful allocations */
	uint64_t frees;	     /**< successful frees */
	uint64_t bad_frees;  /**< double or foreign frees refused */
	uint64_t map_calls;  /**< calls to ops.map (spans and large) */
	uint64_t map_failed; /**< of those, how many returned NULL */
	uint64_t large_live; /**< large blocks currently mapped */
	uint64_t span_bytes; /**< bytes held in spans */
};

/** A heap. Initialise with svsm_heap_init(); all fields are private. */
struct svsm_heap {
	struct svsm_heap_ops ops;
	void *free_list[SVSM_HEAP_CLASS_COUNT];
	void *spans; /**< the spans, chained (heap.c) */
	void *large; /**< the large blocks, doubly linked (heap.c) */
	void *large_cache[SVSM_HEAP_LARGE_CACHE]; /**< freed mappings */
	uint8_t *bump;	  /**< the unused rest of the newest span */
	size_t bump_left; /**< bytes left there */
	struct svsm_heap_stats stats;
};

/** Sets up `h` to take its memory from `ops`. */
void svsm_heap_init(struct svsm_heap *h, const struct svsm_heap_ops *ops);
/** Frees everything `h` mapped; blocks handed out become invalid. */
void svsm_heap_destroy(struct svsm_heap *h);

/** `n` bytes, 16-aligned; NULL when out of memory (never for n = 0). */
void *svsm_heap_alloc(struct svsm_heap *h, size_t n)
	__attribute__((malloc, warn_unused_result));
/** Frees `p` (NULL: nothing); a double or foreign free is refused. */
void svsm_heap_free(struct svsm_heap *h, void *p);
/** `count` * `size` zeroed bytes; NULL on overflow or out of memory. */
void *svsm_heap_calloc(struct svsm_heap *h, size_t count, size_t size)
	__attribute__((malloc, warn_unused_result));
/**
 * Resizes `p` to `n` bytes keeping its contents: NULL on failure, with
 * `p` untouched; `p` NULL is an allocation.
 */
void *svsm_heap_realloc(struct svsm_heap *h, void *p, size_t n)
	__attribute__((warn_unused_result));
/** The usable size of `p` (at least what was asked), 0 for a bad one. */
size_t svsm_heap_usable(const struct svsm_heap *h, const void *p);

/* The process heap: memory from svsm_mmap (anonymous, private). */
void svsm_free(void *p);
void *svsm_malloc(size_t n) SVSM_ALLOCATOR(svsm_free);
void *svsm_calloc(size_t count, size_t size) SVSM_ALLOCATOR(svsm_free);
void *svsm_realloc(void *p, size_t n) __attribute__((warn_unused_result));
/** The process heap itself (for its statistics). */
struct svsm_heap *svsm_heap_default(void);
