// SPDX-License-Identifier: MIT
/*
 * Unit tests of libsvsm's heap (user/lib/heap.c) on the host: random
 * allocate/resize/free sequences checked against a shadow model (every
 * live block keeps its own fill pattern, so an overlap or a lost byte
 * shows), 16-byte alignment in every class and for large blocks, free
 * of NULL, refused double and foreign frees, calloc/realloc overflow,
 * and a morecore that fails: NULL comes back, nothing crashes, and what
 * the heap mapped is all given back by svsm_heap_destroy().
 */
#include <libsvsm/heap.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

#include "svsm/test.h"

#define SLOTS 256U
#define STEPS 20000U
#define MAP_LOG_MAX 4096U

/** A morecore over real mmap that counts and can be told to fail. */
struct fake_core {
	uint64_t maps; /**< successful maps */
	uint64_t unmaps;
	uint64_t bytes;	  /**< mapped now */
	uint64_t fail_at; /**< fail the map with this number (1-based); 0 never
			   */
	uint64_t calls;
};

static void *fake_map(void *ctx, size_t size)
{
	struct fake_core *c = ctx;

	c->calls++;
	if (c->fail_at != 0 && c->calls >= c->fail_at) {
		return NULL;
	}
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED) {
		return NULL;
	}
	c->maps++;
	c->bytes += size;
	return p;
}

static void fake_unmap(void *ctx, void *p, size_t size)
{
	struct fake_core *c = ctx;

	c->unmaps++;
	c->bytes -= size;
	(void)munmap(p, size);
}

static void heap_setup(struct svsm_heap *h, struct fake_core *c)
{
	memset(c, 0, sizeof(*c));
	const struct svsm_heap_ops ops = { fake_map, fake_unmap, c };

	svsm_heap_init(h, &ops);
}

/** A xorshift generator: the same sequence on every run. */
static uint64_t rng_next(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/** A size: mostly small, sometimes up to 3 classes' worth, rarely large. */
static size_t rand_size(uint64_t *s)
{
	uint64_t r = rng_next(s);

	switch (r % 8U) {
	case 0:
		return (size_t)(r >> 8) % 20000U;
	case 1:
	case 2:
		return (size_t)(r >> 8) % 2049U;
	default:
		return (size_t)(r >> 8) % 129U;
	}
}

struct shadow {
	uint8_t *p;
	size_t size;
	uint8_t fill;
};

static bool check_fill(const struct shadow *s)
{
	for (size_t i = 0; i < s->size; i++) {
		if (s->p[i] != s->fill) {
			return false;
		}
	}
	return true;
}

/** Resizes `s`'s block; false if the common prefix was not kept. */
static bool step_realloc(struct svsm_heap *h, struct shadow *s, size_t n)
{
	uint8_t *q = svsm_heap_realloc(h, s->p, n);
	bool ok = true;

	if (q == NULL) {
		return false;
	}
	for (size_t i = 0; i < (n < s->size ? n : s->size); i++) {
		ok = ok && q[i] == s->fill;
	}
	memset(q, s->fill, n);
	s->p = q;
	s->size = n;
	return ok;
}

/**
 * One step on slot `s`: check its contents, then resize, free or
 * allocate it; false when the heap broke a promise.
 */
static bool step(struct svsm_heap *h, struct shadow *s, uint64_t *seed,
		 uint32_t n)
{
	uint64_t op = rng_next(seed) % 4U;

	if (s->p != NULL && !check_fill(s)) {
		return false;
	}
	if (s->p != NULL && op == 0) {
		if (!step_realloc(h, s, rand_size(seed))) {
			return false;
		}
	} else if (s->p != NULL) {
		svsm_heap_free(h, s->p);
		s->p = NULL;
		return true;
	} else {
		s->size = rand_size(seed);
		s->p = svsm_heap_alloc(h, s->size);
		if (s->p == NULL) {
			return false;
		}
		s->fill = (uint8_t)(n | 1U);
		memset(s->p, s->fill, s->size);
	}
	return ((uintptr_t)s->p % SVSM_HEAP_ALIGN) == 0 &&
	       svsm_heap_usable(h, s->p) >= s->size;
}

TEST(libsvsm_heap, random_sequence_matches_shadow_model)
{
	static struct shadow sh[SLOTS];
	struct svsm_heap h;
	struct fake_core c;
	uint64_t seed = 0x9E3779B97F4A7C15ULL;
	uint32_t bad = 0;

	heap_setup(&h, &c);
	memset(sh, 0, sizeof(sh));
	for (uint32_t n = 0; n < STEPS && bad == 0; n++) {
		if (!step(&h, &sh[rng_next(&seed) % SLOTS], &seed, n)) {
			bad = n + 1U;
		}
	}
	EXPECT_EQ(bad, 0);
	for (uint32_t i = 0; i < SLOTS; i++) {
		if (sh[i].p != NULL) {
			EXPECT_TRUE(check_fill(&sh[i]));
			svsm_heap_free(&h, sh[i].p);
		}
	}
	EXPECT_EQ(h.stats.allocs, h.stats.frees);
	EXPECT_EQ(h.stats.bad_frees, 0);
	EXPECT_EQ(h.stats.large_live, 0);
	svsm_heap_destroy(&h);
	EXPECT_EQ(c.bytes, 0);
	EXPECT_EQ(c.maps, c.unmaps);
}

TEST(libsvsm_heap, every_size_aligned_and_usable)
{
	struct svsm_heap h;
	struct fake_core c;

	heap_setup(&h, &c);
	for (size_t n = 0; n <= 40000; n += (n < 2100 ? 1 : 97)) {
		uint8_t *p = svsm_heap_alloc(&h, n);

		ASSERT_TRUE(p != NULL);
		EXPECT_EQ((uintptr_t)p % 16U, 0);
		EXPECT_GE(svsm_heap_usable(&h, p), n);
		memset(p, 0xA5, n);
		svsm_heap_free(&h, p);
	}
	EXPECT_EQ(h.stats.bad_frees, 0);
	svsm_heap_destroy(&h);
	EXPECT_EQ(c.bytes, 0);
}

TEST(libsvsm_heap, freed_blocks_are_reused)
{
	struct svsm_heap h;
	struct fake_core c;

	heap_setup(&h, &c);
	void *a = svsm_heap_alloc(&h, 40);

	ASSERT_TRUE(a != NULL);
	svsm_heap_free(&h, a);
	void *b = svsm_heap_alloc(&h, 48);

	EXPECT_TRUE(a == b); /* same class, LIFO */
	svsm_heap_free(&h, b);
	/* 1000 small blocks fit in one span: one map only. */
	for (int i = 0; i < 1000; i++) {
		void *p = svsm_heap_alloc(&h, 16);

		ASSERT_TRUE(p != NULL);
		svsm_heap_free(&h, p);
	}
	EXPECT_EQ(c.maps, 1);
	svsm_heap_destroy(&h);
}

TEST(libsvsm_heap, span_rest_and_large_mappings_reused)
{
	struct svsm_heap h;
	struct fake_core c;

	heap_setup(&h, &c);
	/* Three 16 KiB blocks fill most of a span; the fourth needs a new
	 * one, and the old span's rest (16320 bytes) becomes free blocks. */
	void *b[4];

	for (int i = 0; i < 4; i++) {
		b[i] = svsm_heap_alloc(&h, SVSM_HEAP_SMALL_MAX);
		ASSERT_TRUE(b[i] != NULL);
	}
	EXPECT_EQ(c.maps, 2);
	void *rest = svsm_heap_alloc(&h, 12000);

	ASSERT_TRUE(rest != NULL);
	EXPECT_EQ(c.maps, 2);
	EXPECT_TRUE((uint8_t *)rest > (uint8_t *)b[2] &&
		    (uint8_t *)rest < (uint8_t *)b[2] + SVSM_HEAP_SPAN_SIZE);

	/* A freed large mapping serves the next block of similar size. */
	void *big = svsm_heap_alloc(&h, 100000);

	ASSERT_TRUE(big != NULL);
	EXPECT_EQ(c.maps, 3);
	svsm_heap_free(&h, big);
	EXPECT_EQ(c.unmaps, 0);
	void *again = svsm_heap_alloc(&h, 90000);

	EXPECT_TRUE(again == big);
	EXPECT_EQ(c.maps, 3);
	/* Less than half of it: a mapping of its own. */
	void *small_big = svsm_heap_alloc(&h, 40000);

	ASSERT_TRUE(small_big != NULL);
	EXPECT_EQ(c.maps, 4);
	EXPECT_EQ(svsm_heap_usable(&h, small_big), 40960U - 32U);
	svsm_heap_free(&h, again);
	svsm_heap_free(&h, small_big);
	/* A mapping over the cache's limit goes back at once. */
	void *huge = svsm_heap_alloc(&h, 2U << 20);

	ASSERT_TRUE(huge != NULL);
	uint64_t unmaps = c.unmaps;

	svsm_heap_free(&h, huge);
	EXPECT_EQ(c.unmaps, unmaps + 1U);
	svsm_heap_destroy(&h);
	EXPECT_EQ(c.bytes, 0);
	EXPECT_EQ(c.maps, c.unmaps);
}

TEST(libsvsm_heap, double_and_foreign_frees_refused)
{
	struct svsm_heap h;
	struct svsm_heap other;
	struct fake_core c;
	struct fake_core c2;

	heap_setup(&h, &c);
	heap_setup(&other, &c2);
	svsm_heap_free(&h, NULL);
	EXPECT_EQ(h.stats.bad_frees, 0);
	EXPECT_EQ(h.stats.frees, 0);

	uint8_t *p = svsm_heap_alloc(&h, 100);
	uint8_t *big = svsm_heap_alloc(&h, 100000);
	uint8_t *theirs = svsm_heap_alloc(&other, 100);

	ASSERT_TRUE(p != NULL && big != NULL && theirs != NULL);
	svsm_heap_free(&h, p);
	svsm_heap_free(&h, p); /* double */
	EXPECT_EQ(h.stats.bad_frees, 1);
	svsm_heap_free(&h, theirs); /* another heap's block */
	EXPECT_EQ(h.stats.bad_frees, 2);
	svsm_heap_free(&h, big + 16); /* inside a block */
	EXPECT_EQ(h.stats.bad_frees, 3);
	svsm_heap_free(&h, big + 1); /* misaligned */
	EXPECT_EQ(h.stats.bad_frees, 4);
	/* The free list survived: two allocations, two different blocks. */
	void *x = svsm_heap_alloc(&h, 100);
	void *y = svsm_heap_alloc(&h, 100);

	EXPECT_TRUE(x != NULL && y != NULL && x != y);
	svsm_heap_free(&h, big);
	EXPECT_EQ(h.stats.large_live, 0);
	svsm_heap_free(&h, big); /* double free of a large block */
	EXPECT_EQ(h.stats.bad_frees, 5);
	svsm_heap_free(&other, theirs);
	EXPECT_EQ(other.stats.bad_frees, 0);
	svsm_heap_destroy(&h);
	svsm_heap_destroy(&other);
	EXPECT_EQ(c.bytes + c2.bytes, 0);
}

TEST(libsvsm_heap, calloc_and_realloc_overflow)
{
	struct svsm_heap h;
	struct fake_core c;

	heap_setup(&h, &c);
	EXPECT_TRUE(svsm_heap_calloc(&h, SIZE_MAX / 2U + 2U, 2) == NULL);
	EXPECT_TRUE(svsm_heap_calloc(&h, 1ULL << 33, 1ULL << 33) == NULL);
	EXPECT_TRUE(svsm_heap_alloc(&h, SIZE_MAX) == NULL);
	EXPECT_TRUE(svsm_heap_alloc(&h, SIZE_MAX - 40U) == NULL);
	uint8_t *p = svsm_heap_alloc(&h, 64);

	ASSERT_TRUE(p != NULL);
	memset(p, 0x5A, 64);
	EXPECT_TRUE(svsm_heap_realloc(&h, p, SIZE_MAX - 8U) == NULL);
	EXPECT_EQ(p[63], 0x5A); /* untouched after a failed realloc */
	svsm_heap_free(&h, p);
	/* calloc zeroes a recycled block. */
	p = svsm_heap_alloc(&h, 200);
	ASSERT_TRUE(p != NULL);
	memset(p, 0xFF, 200);
	svsm_heap_free(&h, p);
	uint8_t *z = svsm_heap_calloc(&h, 25, 8);

	ASSERT_TRUE(z != NULL);
	EXPECT_TRUE(z == p);
	for (int i = 0; i < 200; i++) {
		EXPECT_EQ(z[i], 0);
	}
	svsm_heap_free(&h, z);
	svsm_heap_destroy(&h);
	EXPECT_EQ(c.bytes, 0);
}

TEST(libsvsm_heap, morecore_failure_returns_null)
{
	struct svsm_heap h;
	struct fake_core c;

	heap_setup(&h, &c);
	c.fail_at = 1;
	EXPECT_TRUE(svsm_heap_alloc(&h, 16) == NULL);
	EXPECT_TRUE(svsm_heap_alloc(&h, 1U << 20) == NULL);
	EXPECT_TRUE(svsm_heap_calloc(&h, 10, 10) == NULL);
	EXPECT_EQ(h.stats.map_failed, 3);
	EXPECT_EQ(h.stats.allocs, 0);

	/* The second span cannot be had: the first one's blocks still work. */
	c.fail_at = 2;
	c.calls = 0;
	uint32_t got = 0;
	void *last = NULL;

	for (;;) {
		void *p = svsm_heap_alloc(&h, 1000);

		if (p == NULL) {
			break;
		}
		last = p;
		got++;
	}
	EXPECT_GT(got, 10);
	EXPECT_LT(got, 70); /* one 64 KiB span */
	/* A freed block is usable again without more memory. */
	svsm_heap_free(&h, last);
	EXPECT_TRUE(svsm_heap_alloc(&h, 1000) == last);
	/* realloc that cannot grow keeps the block. */
	EXPECT_TRUE(svsm_heap_realloc(&h, last, 5000) == NULL);
	EXPECT_EQ(svsm_heap_usable(&h, last), 1024);
	svsm_heap_destroy(&h);
	EXPECT_EQ(c.bytes, 0);
}

TEST(libsvsm_heap, process_heap_uses_mmap)
{
	/* On the host the process heap's morecore is Linux's mmap through
	 * libsvsm's own system call stubs. */
	uint8_t *p = svsm_malloc(3000);
	uint8_t *q = svsm_calloc(100, 100);

	if (p == NULL || q == NULL) {
		EXPECT_TRUE(false);
		svsm_free(p);
		svsm_free(q);
		return;
	}
	memset(p, 1, 3000);
	EXPECT_EQ(q[9999], 0);
	uint8_t *r = svsm_realloc(p, 50000);

	if (r == NULL) {
		EXPECT_TRUE(false);
		svsm_free(p);
		svsm_free(q);
		return;
	}
	EXPECT_EQ(r[2999], 1);
	svsm_free(r);
	svsm_free(q);
	EXPECT_EQ(svsm_heap_default()->stats.bad_frees, 0);
	EXPECT_EQ(svsm_heap_default()->stats.large_live, 0);
}
