// SPDX-License-Identifier: MIT
/*
 * Micro-benchmark of the memory allocators, built for the host and run
 * under callgrind by bench/run.sh. Each workload is one function that
 * allocates and frees in a loop: page_alloc()+page_free() of one page on
 * CPU 0 (the per-CPU cache path), kmalloc(64)+kfree(), and glibc
 * malloc(64)+free() as the yardstick. run.sh collects only inside the
 * workload function (--toggle-collect), so set-up and warm-up are not
 * counted; one operation is one allocation plus its free.
 *
 * Usage: alloc_bench pages|kmalloc|malloc ITERATIONS
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "svsm/addr.h"
#include "svsm/heap.h"
#include "svsm/page_alloc.h"

/* gcc: keep each workload a real, separate function for callgrind. */
#if defined(__clang__)
#define BENCH_NOINLINE __attribute__((noinline))
#else
#define BENCH_NOINLINE __attribute__((noinline, noclone))
#endif

#define BENCH_PAGES 4096U	  /* 16 MiB of pretend memory */
#define BENCH_BASE 0x100000000ULL /* never touched: only tracked */
#define BENCH_OBJECT_SIZE ((size_t)64)

static struct page_meta meta[BENCH_PAGES];

/** Makes `p` look used, so that an allocation is not optimised away. */
static inline void keep(void *p)
{
	__asm__ volatile("" : : "r"(p) : "memory");
}

/** Workload 1: one page from CPU 0's cache and back, `n` times. */
static BENCH_NOINLINE uint64_t bench_pages(uint64_t n)
{
	uint64_t failures = 0;

	for (uint64_t i = 0; i < n; i++) {
		paddr_t pa;

		if (page_alloc(0, 0, &pa) != SVSM_OK) {
			failures++;
			continue;
		}
		if (page_free(0, pa, 0) != SVSM_OK) {
			failures++;
		}
	}
	return failures;
}

/** Workload 2: kmalloc(64) and kfree(), `n` times. */
static BENCH_NOINLINE uint64_t bench_kmalloc(uint64_t n)
{
	uint64_t failures = 0;

	for (uint64_t i = 0; i < n; i++) {
		void *p = kmalloc(BENCH_OBJECT_SIZE);

		if (!p) {
			failures++;
			continue;
		}
		keep(p);
		kfree(p);
	}
	return failures;
}

/** Workload 3: glibc malloc(64) and free(), `n` times. */
static BENCH_NOINLINE uint64_t bench_malloc(uint64_t n)
{
	uint64_t failures = 0;

	for (uint64_t i = 0; i < n; i++) {
		void *p = malloc(BENCH_OBJECT_SIZE);

		if (!p) {
			failures++;
			continue;
		}
		keep(p);
		free(p);
	}
	return failures;
}

/** Gives the page allocator its pretend memory. */
static int setup_pages(void)
{
	if (page_alloc_init(meta, BENCH_PAGES, 1) != SVSM_OK ||
	    page_alloc_add_range(pa_init(BENCH_BASE),
				 (uint64_t)BENCH_PAGES * PAGE_SIZE) !=
		    SVSM_OK) {
		return -1;
	}
	return 0;
}

/**
 * One allocation and free of each kind outside the measured functions,
 * so that the first slab's mapping and the first per-CPU cache refill
 * are not counted.
 */
static int warm_up(void)
{
	void *k = kmalloc(BENCH_OBJECT_SIZE);
	void *m = malloc(BENCH_OBJECT_SIZE);
	paddr_t pa;

	if (!k || !m || page_alloc(0, 0, &pa) != SVSM_OK ||
	    page_free(0, pa, 0) != SVSM_OK) {
		kfree(k);
		free(m);
		return -1;
	}
	kfree(k);
	free(m);
	return 0;
}

/** Runs workload `name` `n` times. */
static int run(const char *name, uint64_t n)
{
	uint64_t failures;

	if (strcmp(name, "pages") == 0) {
		failures = bench_pages(n);
	} else if (strcmp(name, "kmalloc") == 0) {
		failures = bench_kmalloc(n);
	} else if (strcmp(name, "malloc") == 0) {
		failures = bench_malloc(n);
	} else {
		(void)fprintf(stderr, "alloc_bench: unknown workload %s\n",
			      name);
		return 2;
	}
	(void)printf("%s %llu iterations, %llu failures\n", name,
		     (unsigned long long)n, (unsigned long long)failures);
	return failures == 0 ? 0 : 1;
}

int main(int argc, char **argv)
{
	char *end;
	unsigned long long n;

	if (argc != 3) {
		(void)fprintf(stderr,
			      "usage: alloc_bench pages|kmalloc|malloc N\n");
		return 2;
	}
	n = strtoull(argv[2], &end, 10);
	if (*argv[2] == '\0' || *end != '\0' || n == 0) {
		(void)fprintf(stderr, "alloc_bench: bad iteration count %s\n",
			      argv[2]);
		return 2;
	}
	if (setup_pages() != 0 || warm_up() != 0) {
		(void)fprintf(stderr, "alloc_bench: set-up failed\n");
		return 1;
	}
	return run(argv[1], n);
}
