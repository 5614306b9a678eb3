// SPDX-License-Identifier: MIT
/*
 * libsvsm's heap (user/lib/heap.c) against glibc malloc on the host, in
 * the same run and on the same workload, for bench/heap.sh.
 *
 * The workload is fixed (a xorshift sequence from a constant seed): 4096
 * slots; each step frees the block in one slot (if any) and allocates a
 * new one of a mixed size in it, writing its first and last byte:
 *   70% 1..128 bytes, 20% 129..2048, 9% 2049..16384, 1% 16385..131072.
 * Sizes and slots are drawn before the timed part, so both allocators see
 * exactly the same calls. At the end every slot is freed.
 *
 * Usage: heap_bench libsvsm|glibc STEPS [REPS]   prints the best and
 * median wall time of REPS runs (ns per step); under callgrind, collect
 * with --toggle-collect=run_libsvsm or run_glibc.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The path, not -I: bench/ is built by heap.sh, not by the Makefile. */
#include "../user/lib/include/libsvsm/heap.h"

#if defined(__clang__)
#define BENCH_NOINLINE __attribute__((noinline))
#else
#define BENCH_NOINLINE __attribute__((noinline, noclone))
#endif

#define SLOTS 4096U
#define REPS_MAX 50U

static uint32_t *sizes;
static uint16_t *slot_of;
static void *slot[SLOTS];

static uint64_t rng_next(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static void make_workload(uint64_t steps)
{
	uint64_t seed = 0x2545F4914F6CDD1DULL;

	sizes = malloc(steps * sizeof(*sizes));
	slot_of = malloc(steps * sizeof(*slot_of));
	if (sizes == NULL || slot_of == NULL) {
		exit(1);
	}
	for (uint64_t i = 0; i < steps; i++) {
		uint64_t r = rng_next(&seed);
		uint32_t pct = (uint32_t)(r % 100U);
		uint32_t v = (uint32_t)(r >> 32);

		if (pct < 70) {
			sizes[i] = 1U + v % 128U;
		} else if (pct < 90) {
			sizes[i] = 129U + v % 1920U;
		} else if (pct < 99) {
			sizes[i] = 2049U + v % 14336U;
		} else {
			sizes[i] = 16385U + v % 114688U;
		}
		slot_of[i] = (uint16_t)(rng_next(&seed) % SLOTS);
	}
}

static inline void touch(uint8_t *p, uint32_t n)
{
	p[0] = 1;
	p[n - 1U] = 2;
	__asm__ volatile("" : : "r"(p) : "memory");
}

static BENCH_NOINLINE uint64_t run_libsvsm(uint64_t steps)
{
	uint64_t failed = 0;

	for (uint64_t i = 0; i < steps; i++) {
		void **s = &slot[slot_of[i]];

		svsm_free(*s);
		*s = svsm_malloc(sizes[i]);
		if (*s == NULL) {
			failed++;
			continue;
		}
		touch(*s, sizes[i]);
	}
	for (uint32_t i = 0; i < SLOTS; i++) {
		svsm_free(slot[i]);
		slot[i] = NULL;
	}
	return failed;
}

static BENCH_NOINLINE uint64_t run_glibc(uint64_t steps)
{
	uint64_t failed = 0;

	for (uint64_t i = 0; i < steps; i++) {
		void **s = &slot[slot_of[i]];

		free(*s);
		*s = malloc(sizes[i]);
		if (*s == NULL) {
			failed++;
			continue;
		}
		touch(*s, sizes[i]);
	}
	for (uint32_t i = 0; i < SLOTS; i++) {
		free(slot[i]);
		slot[i] = NULL;
	}
	return failed;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a;
	uint64_t y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		(void)fprintf(stderr,
			      "usage: heap_bench libsvsm|glibc STEPS [REPS]\n");
		return 2;
	}
	bool is_svsm = strcmp(argv[1], "libsvsm") == 0;
	uint64_t steps = strtoull(argv[2], NULL, 10);
	unsigned reps = argc > 3 ? (unsigned)strtoul(argv[3], NULL, 10) : 1U;
	uint64_t t[REPS_MAX];

	if ((!is_svsm && strcmp(argv[1], "glibc") != 0) || steps == 0 ||
	    reps == 0 || reps > REPS_MAX) {
		(void)fprintf(stderr, "heap_bench: bad arguments\n");
		return 2;
	}
	make_workload(steps);
	for (unsigned r = 0; r < reps; r++) {
		uint64_t t0 = now_ns();
		uint64_t failed =
			is_svsm ? run_libsvsm(steps) : run_glibc(steps);

		t[r] = now_ns() - t0;
		if (failed != 0) {
			(void)fprintf(stderr,
				      "heap_bench: %llu allocations failed\n",
				      (unsigned long long)failed);
			return 1;
		}
	}
	qsort(t, reps, sizeof(t[0]), cmp_u64);
	unsigned mid = reps / 2U;

	(void)printf("%s steps=%llu reps=%u best_ns_per_step=%.1f "
		     "median_ns_per_step=%.1f\n",
		     argv[1], (unsigned long long)steps, reps,
		     (double)t[0] / (double)steps,
		     (double)t[mid] / (double)steps);
	if (is_svsm) {
		const struct svsm_heap_stats *st = &svsm_heap_default()->stats;

		(void)printf("libsvsm: %llu map calls, %llu KiB in spans\n",
			     (unsigned long long)st->map_calls,
			     (unsigned long long)(st->span_bytes / 1024U));
	}
	return 0;
}
