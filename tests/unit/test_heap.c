// SPDX-License-Identifier: MIT
/*
 * Unit tests of the kernel heap (kernel/mm/heap.c) against the host
 * backend (plat/host/heap_backend.c): every size class, slabs filled and
 * emptied in random order, page-backed blocks, alignment, zeroing, the
 * refusal of double and foreign frees (including forged headers), and
 * injected failures of both the heap's entry points and its backend,
 * after each of which the heap and the backend must hold exactly what
 * they held before.
 */
#include <stdint.h>
#include <string.h>

#include "svsm/addr.h"
#include "svsm/alloc_fail.h"
#include "svsm/heap.h"
#include "svsm/test.h"

#include "../../plat/host/heap_backend.h"

#define SLAB_HDR 64U /* the slab header, documented in heap.c */
#define FILL_COUNT 600U
#define FILL_CLASSES 3U
#define PAGE_BYTES(n) ((size_t)(n)*PAGE_SIZE) /* also for array sizes */

/** What the heap and its backend hold at one moment. */
struct usage {
	struct heap_stats hs;
	uint64_t held; /* pages, as the backend counts them */
};

/** Trims the heap, then records what it holds. */
static void usage_get(struct usage *u)
{
	heap_trim();
	heap_get_stats(&u->hs);
	u->held = heap_backend_pages_held();
}

/** Expects the heap (after a trim) to hold exactly what `before` held. */
static void expect_usage(struct test_ctx *t, const struct usage *before)
{
	struct usage now;

	usage_get(&now);
	for (uint32_t c = 0; c < HEAP_CLASS_COUNT; c++) {
		EXPECT_EQ(now.hs.class_in_use[c], before->hs.class_in_use[c]);
		EXPECT_EQ(now.hs.class_slabs[c], before->hs.class_slabs[c]);
	}
	EXPECT_EQ(now.hs.large_allocs, before->hs.large_allocs);
	EXPECT_EQ(now.hs.large_pages, before->hs.large_pages);
	EXPECT_EQ(now.hs.backend_pages, before->hs.backend_pages);
	EXPECT_EQ(now.held, before->held);
	EXPECT_EQ(now.hs.backend_pages, now.held);
}

/** The heap's statistics now (in a static buffer: frames stay small). */
static const struct heap_stats *stats(void)
{
	static struct heap_stats hs;

	heap_get_stats(&hs);
	return &hs;
}

/**
 * kfree() of a pointer the test knows to be bad, laundered through a
 * volatile so that gcc's own free checks (which the malloc attributes in
 * heap.h enable) do not reject the test at compile time.
 */
static void kfree_bad(void *p)
{
	void *volatile hidden = p;

	kfree(hidden); /* NOLINT(clang-analyzer-unix.Malloc): on purpose */
}

static uintptr_t page_offset(const void *p)
{
	return (uintptr_t)p & (PAGE_SIZE - 1);
}

static uint8_t *page_start(void *p)
{
	return (uint8_t *)p - page_offset(p);
}

/** A fixed-seed xorshift64 generator, so failures reproduce. */
static uint64_t next_random(uint64_t *state)
{
	uint64_t x = *state;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	*state = x;
	return x;
}

SET_UP(heap)
{
	(void)t;
	alloc_fail_nth(0);
	heap_backend_fail_nth(0);
}

TEAR_DOWN(heap)
{
	(void)t;
	heap_backend_fail_nth(0);
}

TEST(heap, every_class_alloc_free)
{
	struct usage before;

	usage_get(&before);
	for (uint32_t c = 0; c < HEAP_CLASS_COUNT; c++) {
		size_t size = (size_t)HEAP_MIN_SIZE << c;
		uint8_t *p = kmalloc(size);

		ASSERT_TRUE(p != NULL);
		EXPECT_EQ(stats()->class_in_use[c],
			  before.hs.class_in_use[c] + 1);
		EXPECT_EQ(stats()->class_size[c], size);
		memset(p, (int)c, size);
		EXPECT_EQ(p[size - 1], c);
		kfree(p);
		EXPECT_EQ(stats()->class_in_use[c], before.hs.class_in_use[c]);
	}
	expect_usage(t, &before);
}

/** Expects a request of `size` bytes to land in class `c`. */
static void expect_class(struct test_ctx *t, size_t size, uint32_t c)
{
	uint64_t was = stats()->class_in_use[c];
	void *p = kmalloc(size);

	ASSERT_TRUE(p != NULL);
	EXPECT_EQ(stats()->class_in_use[c], was + 1);
	if (stats()->class_in_use[c] != was + 1) {
		test_diag(t, "size %zu is not in class %u", size, c);
	}
	kfree(p);
}

TEST(heap, size_class_boundaries)
{
	struct usage before;
	void *p;

	usage_get(&before);
	expect_class(t, 1, 0);
	expect_class(t, 16, 0);
	expect_class(t, 17, 1);
	expect_class(t, 32, 1);
	expect_class(t, 33, 2);
	expect_class(t, 1000, 6);
	expect_class(t, 1025, 7);
	expect_class(t, 2048, 7);
	p = kmalloc(HEAP_SLAB_MAX + 1);
	ASSERT_TRUE(p != NULL);
	EXPECT_EQ(stats()->large_allocs, before.hs.large_allocs + 1);
	kfree(p);
	expect_usage(t, &before);
}

TEST(heap, kmalloc_zero_is_a_minimum_object)
{
	struct usage before;
	uint8_t *p;

	usage_get(&before);
	p = kmalloc(0);
	ASSERT_TRUE(p != NULL);
	EXPECT_EQ(stats()->class_in_use[0], before.hs.class_in_use[0] + 1);
	EXPECT_EQ((uintptr_t)p % HEAP_MIN_SIZE, 0);
	kfree(p);
	p = kzalloc(0);
	ASSERT_TRUE(p != NULL);
	kfree(p);
	expect_usage(t, &before);
}

TEST(heap, alignment)
{
	static const size_t sizes[] = { 1,    8,    15,	  24,	40,   100,
					200,  300,  600,  1500, 2048, 2049,
					4000, 4032, 4033, 8192, 65536 };
	void *p[sizeof(sizes) / sizeof(sizes[0])];
	struct usage before;

	usage_get(&before);
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		p[i] = kmalloc(sizes[i]);
		ASSERT_TRUE(p[i] != NULL);
		EXPECT_EQ((uintptr_t)p[i] % 16, 0);
		if (sizes[i] >= 64) {
			EXPECT_EQ((uintptr_t)p[i] % 64, 0);
		}
		if (sizes[i] > HEAP_SLAB_MAX) {
			EXPECT_EQ(page_offset(p[i]), HEAP_LARGE_OFFSET);
		}
		memset(p[i], 0xEE, sizes[i]);
	}
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		kfree(p[i]);
	}
	expect_usage(t, &before);
}

/** Fills object `p` of `size` bytes with a pattern naming `id`. */
static void pattern_put(uint8_t *p, size_t size, uint32_t id)
{
	for (size_t i = 0; i < size; i++) {
		p[i] = (uint8_t)((size_t)id * 7 + i);
	}
}

static bool pattern_is_intact(const uint8_t *p, size_t size, uint32_t id)
{
	for (size_t i = 0; i < size; i++) {
		if (p[i] != (uint8_t)((size_t)id * 7 + i)) {
			return false;
		}
	}
	return true;
}

TEST(heap, fill_slabs_free_in_random_order)
{
	static const uint32_t cls[FILL_CLASSES] = { 0, 2, 4 }; /* 16 64 256 */
	static uint8_t *obj[FILL_CLASSES * FILL_COUNT];
	static uint32_t order[FILL_CLASSES * FILL_COUNT];
	const uint32_t n = FILL_CLASSES * FILL_COUNT;
	uint64_t seed = 0x9E3779B97F4A7C15ULL;
	struct usage before;
	uint32_t bad = 0;

	usage_get(&before);
	for (uint32_t i = 0; i < n; i++) {
		uint32_t c = cls[i % FILL_CLASSES];

		obj[i] = kmalloc((size_t)HEAP_MIN_SIZE << c);
		ASSERT_TRUE(obj[i] != NULL);
		pattern_put(obj[i], (size_t)HEAP_MIN_SIZE << c, i);
		order[i] = i;
	}
	for (uint32_t k = 0; k < FILL_CLASSES; k++) {
		uint32_t c = cls[k];
		uint64_t per_slab = (PAGE_SIZE - SLAB_HDR) >> (c + 4);

		EXPECT_EQ(stats()->class_in_use[c],
			  before.hs.class_in_use[c] + FILL_COUNT);
		EXPECT_GE(stats()->class_slabs[c],
			  (FILL_COUNT + per_slab - 1) / per_slab);
	}
	for (uint32_t i = n - 1; i > 0; i--) { /* Fisher-Yates */
		uint32_t j = (uint32_t)(next_random(&seed) % (i + 1));
		uint32_t tmp = order[i];

		order[i] = order[j];
		order[j] = tmp;
	}
	for (uint32_t i = 0; i < n; i++) {
		uint32_t id = order[i];
		size_t size = (size_t)HEAP_MIN_SIZE << cls[id % FILL_CLASSES];

		bad += pattern_is_intact(obj[id], size, id) ? 0 : 1;
		kfree(obj[id]);
	}
	EXPECT_EQ(bad, 0);
	EXPECT_EQ(stats()->invalid_frees, before.hs.invalid_frees);
	expect_usage(t, &before);
}

TEST(heap, keeps_one_empty_slab_until_trim)
{
	static void *obj[45];
	struct usage before;
	const uint32_t c = 4; /* 256 bytes: 15 objects per slab */

	usage_get(&before);
	SKIP_IF(before.hs.class_in_use[c] != 0, "class 256 in use elsewhere");
	for (uint32_t i = 0; i < 45; i++) {
		obj[i] = kmalloc(256);
		ASSERT_TRUE(obj[i] != NULL);
	}
	EXPECT_EQ(stats()->class_slabs[c], 3);
	for (uint32_t i = 0; i < 45; i++) {
		kfree(obj[i]);
	}
	EXPECT_EQ(stats()->class_slabs[c], 1);
	EXPECT_EQ(stats()->empty_slabs, 1);
	EXPECT_EQ(stats()->backend_pages, before.hs.backend_pages + 1);
	EXPECT_EQ(heap_backend_pages_held(), before.held + 1);

	/* The kept slab is reused rather than mapping a new page. */
	obj[0] = kmalloc(200);
	ASSERT_TRUE(obj[0] != NULL);
	EXPECT_EQ(stats()->empty_slabs, 0);
	EXPECT_EQ(heap_backend_pages_held(), before.held + 1);
	kfree(obj[0]);

	heap_trim();
	EXPECT_EQ(stats()->class_slabs[c], 0);
	EXPECT_EQ(stats()->empty_slabs, 0);
	expect_usage(t, &before);
}

/** Allocates `size` bytes, expects `pages` pages, writes them all, frees. */
static void expect_large(struct test_ctx *t, size_t size, uint64_t pages)
{
	struct heap_stats was = *stats();
	uint8_t *p = kmalloc(size);

	ASSERT_TRUE(p != NULL);
	EXPECT_EQ(page_offset(p), HEAP_LARGE_OFFSET);
	EXPECT_EQ(stats()->large_allocs, was.large_allocs + 1);
	EXPECT_EQ(stats()->large_pages, was.large_pages + pages);
	EXPECT_EQ(stats()->backend_pages, was.backend_pages + pages);
	memset(p, 0x3C, size);
	kfree(p);
	EXPECT_EQ(stats()->large_pages, was.large_pages);
}

TEST(heap, large_allocations_of_various_sizes)
{
	struct usage before;

	usage_get(&before);
	expect_large(t, HEAP_SLAB_MAX + 1, 1);
	expect_large(t, PAGE_SIZE - HEAP_LARGE_OFFSET, 1);
	expect_large(t, PAGE_SIZE - HEAP_LARGE_OFFSET + 1, 2);
	expect_large(t, PAGE_SIZE, 2);
	expect_large(t, PAGE_BYTES(3), 4);
	expect_large(t, 100000, 25);
	expect_large(t, 1U << 20, 257);
	expect_usage(t, &before);
}

TEST(heap, kzalloc_zeroes)
{
	struct usage before;
	uint8_t *p;
	uint8_t *q;
	static const uint8_t zero[20000];

	usage_get(&before);
	p = kmalloc(128);
	ASSERT_TRUE(p != NULL);
	memset(p, 0xCC, 128);
	kfree(p);
	q = kzalloc(128); /* the lowest free object: the one just freed */
	ASSERT_TRUE(q != NULL);
	EXPECT_TRUE(q == p);
	EXPECT_MEMEQ(q, zero, 128);
	kfree(q);

	q = kzalloc(sizeof(zero)); /* fresh backend pages are not zero */
	ASSERT_TRUE(q != NULL);
	EXPECT_MEMEQ(q, zero, sizeof(zero));
	kfree(q);
	expect_usage(t, &before);
}

TEST(heap, size_overflow_fails)
{
	/* volatile: keep gcc from refusing the sizes at compile time */
	static volatile size_t huge[] = {
		SIZE_MAX,
		SIZE_MAX - HEAP_LARGE_OFFSET,
		SIZE_MAX - HEAP_LARGE_OFFSET - PAGE_SIZE + 2,
		SIZE_MAX - HEAP_LARGE_OFFSET - PAGE_SIZE + 1,
		SIZE_MAX / 2,
		(size_t)1 << 40,
	};
	const size_t n = sizeof(huge) / sizeof(huge[0]);
	struct usage before;

	usage_get(&before);
	for (size_t i = 0; i < n; i++) {
		EXPECT_TRUE(kmalloc(huge[i]) == NULL);
		EXPECT_TRUE(kzalloc(huge[i]) == NULL);
	}
	EXPECT_EQ(stats()->failed_allocs, before.hs.failed_allocs + 2 * n);
	expect_usage(t, &before);
}

TEST(heap, kfree_null_is_a_noop)
{
	struct usage before;

	usage_get(&before);
	kfree(NULL);
	EXPECT_EQ(stats()->invalid_frees, before.hs.invalid_frees);
	expect_usage(t, &before);
}

TEST(heap, double_free_refused)
{
	struct usage before;
	void *a;
	void *b;
	void *c;
	void *d;
	void *volatile stale; /* gcc must not see the double free */

	usage_get(&before);
	a = kmalloc(64);
	b = kmalloc(64); /* keeps the slab in use */
	ASSERT_TRUE(a != NULL && b != NULL);
	stale = a;
	kfree(a);
	kfree_bad(stale); /* NOLINT(clang-analyzer-unix.Malloc) */
	EXPECT_EQ(stats()->invalid_frees, before.hs.invalid_frees + 1);
	EXPECT_EQ(stats()->class_in_use[2], before.hs.class_in_use[2] + 1);
	c = kmalloc(64);
	d = kmalloc(64);
	ASSERT_TRUE(c != NULL && d != NULL);
	EXPECT_TRUE(c != d && c != b && d != b);
	kfree(b);
	kfree(c);
	kfree(d);

	/* A 2048-byte object is alone in its slab; the emptied slab is kept. */
	a = kmalloc(2048);
	ASSERT_TRUE(a != NULL);
	stale = a;
	kfree(a);
	kfree_bad(stale); /* NOLINT(clang-analyzer-unix.Malloc) */
	EXPECT_EQ(stats()->invalid_frees, before.hs.invalid_frees + 2);
	expect_usage(t, &before);
}

/* Memory the heap never handed out, whose first page kfree() may read. */
static uint8_t foreign[PAGE_BYTES(2)] __attribute__((aligned(PAGE_SIZE)));

TEST(heap, foreign_pointer_refused)
{
	struct usage before;

	usage_get(&before);
	memset(foreign, 0, sizeof(foreign));
	kfree_bad(foreign);
	kfree_bad(foreign + SLAB_HDR);
	kfree_bad(foreign + PAGE_SIZE + HEAP_LARGE_OFFSET);
	EXPECT_EQ(stats()->invalid_frees, before.hs.invalid_frees + 3);
	expect_usage(t, &before);
}

/**
 * Copies the 64-byte header of the page `real` points into to the start
 * of `fake`, with the magic re-keyed to `fake`'s address (the magic is
 * the header's first 8 bytes, XORed with the page's address): a header
 * that passes the magic check but is linked into no list.
 */
static void forge_header(uint8_t *fake, void *real)
{
	uint8_t *page = page_start(real);
	uint64_t magic;

	memcpy(fake, page, SLAB_HDR);
	memcpy(&magic, fake, sizeof(magic));
	magic ^= (uintptr_t)page ^ (uintptr_t)fake;
	memcpy(fake, &magic, sizeof(magic));
}

TEST(heap, forged_header_refused)
{
	struct usage before;
	uint8_t *p;
	uint8_t *q;

	usage_get(&before);
	p = kmalloc(64);
	q = kmalloc(5000);
	ASSERT_TRUE(p != NULL && q != NULL);

	/* A verbatim copy fails the address-keyed magic. */
	memcpy(foreign, page_start(p), SLAB_HDR);
	kfree_bad(foreign + page_offset(p));
	/* A re-keyed copy fails the list check. */
	forge_header(foreign, p);
	kfree_bad(foreign + page_offset(p));
	forge_header(foreign, q);
	kfree_bad(foreign + HEAP_LARGE_OFFSET);
	/* So does one planted inside a block's own data. */
	forge_header(q + PAGE_SIZE - HEAP_LARGE_OFFSET, q);
	kfree_bad(q + PAGE_SIZE);
	EXPECT_EQ(stats()->invalid_frees, before.hs.invalid_frees + 4);

	kfree(p);
	kfree(q);
	EXPECT_EQ(stats()->invalid_frees, before.hs.invalid_frees + 4);
	expect_usage(t, &before);
}

TEST(heap, misaligned_pointer_refused)
{
	static const uintptr_t skew[] = { 1, 8, 16, 32, 63 };
	struct usage before;
	uint8_t *p;
	uint8_t *q;
	uint8_t *r;

	usage_get(&before);
	p = kmalloc(64);
	q = kmalloc(128); /* 31 per slab: bytes 4032.. are past the last */
	r = kmalloc(PAGE_BYTES(3));
	ASSERT_TRUE(p != NULL && q != NULL && r != NULL);
	for (size_t i = 0; i < sizeof(skew) / sizeof(skew[0]); i++) {
		kfree_bad(p + skew[i]);
	}
	kfree_bad(page_start(p));      /* the header */
	kfree_bad(page_start(p) + 16); /* inside the header */
	kfree_bad(page_start(q) + SLAB_HDR + (size_t)31 * 128);
	kfree_bad(r + 16);		  /* inside a block */
	kfree_bad(r - HEAP_LARGE_OFFSET); /* its header */
	kfree_bad(r + PAGE_BYTES(2));	  /* a later page: no header at all */
	EXPECT_EQ(stats()->invalid_frees, before.hs.invalid_frees + 11);
	EXPECT_EQ(stats()->class_in_use[2], before.hs.class_in_use[2] + 1);
	EXPECT_EQ(stats()->large_allocs, before.hs.large_allocs + 1);
	kfree(p);
	kfree(q);
	kfree(r);
	EXPECT_EQ(stats()->invalid_frees, before.hs.invalid_frees + 11);
	expect_usage(t, &before);
}

TEST(heap, injected_failure_of_first_allocation)
{
	struct usage before;
	void *p;
	void *q;

	usage_get(&before);
	alloc_fail_nth(1);
	p = kmalloc(32);
	EXPECT_TRUE(p == NULL);
	EXPECT_TRUE(alloc_fail_fired());
	EXPECT_EQ(stats()->failed_allocs, before.hs.failed_allocs + 1);
	alloc_fail_nth(1);
	EXPECT_TRUE(kzalloc(32) == NULL);
	alloc_fail_nth(1);
	EXPECT_TRUE(kmalloc(20000) == NULL);
	EXPECT_EQ(stats()->failed_allocs, before.hs.failed_allocs + 3);
	EXPECT_EQ(heap_backend_pages_held(), before.held);

	alloc_fail_nth(3); /* the third of three fails, once */
	p = kmalloc(32);
	q = kmalloc(32);
	EXPECT_TRUE(p != NULL && q != NULL);
	EXPECT_TRUE(kmalloc(32) == NULL);
	EXPECT_EQ(alloc_fail_attempts(), 3);
	kfree(p);
	kfree(q);
	alloc_fail_nth(0);
	EXPECT_EQ(stats()->failed_allocs, before.hs.failed_allocs + 4);
	expect_usage(t, &before);
}

TEST(heap, backend_failure_in_slab_refill)
{
	static void *obj[15];
	struct usage before;
	struct heap_stats was;
	const uint32_t c = 5; /* 512 bytes: 7 objects per slab */
	uint32_t got = 0;

	usage_get(&before);
	SKIP_IF(before.hs.class_in_use[c] != 0, "class 512 in use elsewhere");
	/* Refills happen at objects 1 and 8; fail the second. */
	heap_backend_fail_nth(2);
	for (uint32_t i = 0; i < 8; i++) {
		obj[i] = kmalloc(512);
		got += obj[i] ? 1 : 0;
	}
	EXPECT_EQ(got, 7);
	EXPECT_TRUE(obj[7] == NULL);
	was = *stats();
	EXPECT_EQ(was.failed_allocs, before.hs.failed_allocs + 1);
	EXPECT_EQ(was.class_in_use[c], 7);
	EXPECT_EQ(was.class_slabs[c], 1);
	EXPECT_EQ(was.backend_pages, before.hs.backend_pages + 1);
	EXPECT_EQ(heap_backend_pages_held(), before.held + 1);

	/* Once the backend recovers, so does the heap. */
	obj[7] = kmalloc(512);
	ASSERT_TRUE(obj[7] != NULL);
	EXPECT_EQ(stats()->class_slabs[c], 2);
	for (uint32_t i = 0; i < 8; i++) {
		kfree(obj[i]);
	}
	EXPECT_EQ(stats()->invalid_frees, before.hs.invalid_frees);
	expect_usage(t, &before);
}

TEST(heap, backend_failure_of_large_block)
{
	struct usage before;

	usage_get(&before);
	heap_backend_fail_nth(1);
	EXPECT_TRUE(kmalloc(PAGE_BYTES(3)) == NULL);
	EXPECT_EQ(stats()->failed_allocs, before.hs.failed_allocs + 1);
	EXPECT_EQ(stats()->large_allocs, before.hs.large_allocs);
	expect_usage(t, &before);
}

TEST(heap, stats_are_consistent)
{
	static const size_t sizes[] = { 16,  16,   48,	 48,   48,
					300, 2048, 2048, 2049, 9000 };
	void *p[sizeof(sizes) / sizeof(sizes[0])];
	struct usage before;
	struct heap_stats hs;
	uint64_t slabs = 0;
	uint64_t objects = 0;

	usage_get(&before);
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		p[i] = kmalloc(sizes[i]);
		ASSERT_TRUE(p[i] != NULL);
	}
	heap_get_stats(&hs);
	for (uint32_t c = 0; c < HEAP_CLASS_COUNT; c++) {
		EXPECT_EQ(hs.class_size[c], HEAP_MIN_SIZE << c);
		EXPECT_LE(hs.class_in_use[c],
			  hs.class_slabs[c] *
				  ((PAGE_SIZE - SLAB_HDR) >> (c + 4)));
		slabs += hs.class_slabs[c];
		objects += hs.class_in_use[c] - before.hs.class_in_use[c];
	}
	EXPECT_EQ(objects, 8);
	EXPECT_EQ(hs.class_in_use[7], before.hs.class_in_use[7] + 2);
	EXPECT_EQ(hs.class_slabs[7], before.hs.class_slabs[7] + 2);
	EXPECT_EQ(hs.large_allocs, before.hs.large_allocs + 2);
	EXPECT_EQ(hs.large_pages, before.hs.large_pages + 1 + 3);
	EXPECT_EQ(hs.backend_pages, slabs + hs.large_pages);
	EXPECT_EQ(hs.backend_pages, heap_backend_pages_held());
	EXPECT_LE(hs.empty_slabs, HEAP_CLASS_COUNT);
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		kfree(p[i]);
	}
	expect_usage(t, &before);
}

/**
 * Run again by the harness's OOM sweep with each allocation failing in
 * turn: every failure must come back as NULL and leave nothing behind.
 */
TEST_ALLOC(heap, mixed_sizes_survive_oom_sweep)
{
	static const size_t sizes[] = { 24, 100, 700, 2048, 5000, 64, 0 };
	static const uint8_t zero[300];
	void *p[sizeof(sizes) / sizeof(sizes[0])];
	uint8_t *z;
	size_t n = 0;

	for (; n < sizeof(sizes) / sizeof(sizes[0]); n++) {
		p[n] = kmalloc(sizes[n]);
		if (!p[n]) {
			break;
		}
	}
	z = n == sizeof(sizes) / sizeof(sizes[0]) ? kzalloc(sizeof(zero))
						  : NULL;
	if (!z) {
		while (n > 0) {
			kfree(p[--n]);
		}
	}
	ASSERT_ALLOC_OR_OOM(z);
	EXPECT_MEMEQ(z, zero, sizeof(zero));
	kfree(z);
	while (n > 0) {
		kfree(p[--n]);
	}
}
