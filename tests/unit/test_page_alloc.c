// SPDX-License-Identifier: MIT
/*
 * Unit tests of the physical page allocator and the allocation fault
 * injector: zone set-up and its refusals, split and merge at every order,
 * exhaustion, the per-CPU caches, every kind of bad free, zones that must
 * not merge, fault injection, and a seeded random stress run that checks
 * the allocator's invariants after every operation. The allocator only
 * tracks addresses, so the zones are made-up physical ranges.
 */
#include "svsm/alloc_fail.h"
#include "svsm/page_alloc.h"
#include "svsm/test.h"

/* PAGE_SIZE as a 64-bit value, so products with it are computed in 64 bits. */
#define PAGE_BYTES ((uint64_t)PAGE_SIZE)
#define META_COUNT 8192U
#define CPUS 4U
#define MAX_PAGES (1U << PAGE_ALLOC_MAX_ORDER)
#define MAX_BLOCK_SIZE ((uint64_t)MAX_PAGES * PAGE_BYTES)
#define BASE 0x40000000ULL /* 1 GiB: aligned to every order */
#define BASE2 0x80000000ULL

static struct page_meta meta[META_COUNT];
/* Addresses of the blocks a test holds. */
static uint64_t held[META_COUNT];

SET_UP(page_alloc)
{
	alloc_fail_nth(0);
	ASSERT_OK(page_alloc_init(meta, META_COUNT, CPUS));
}

TEAR_DOWN(page_alloc)
{
	(void)t;
	alloc_fail_nth(0);
}

/*
 * Single statistics, each read in its own (not inlined) frame, so that a
 * test comparing many of them keeps a small stack: the frame limit is
 * 1 KiB, and under ASan every inlined copy of the struct gets its own
 * slot.
 */
__attribute__((noinline)) static uint64_t stat_free(void)
{
	struct page_alloc_stats st;

	page_alloc_get_stats(&st);
	return st.free_pages;
}

__attribute__((noinline)) static uint64_t stat_pcp(void)
{
	struct page_alloc_stats st;

	page_alloc_get_stats(&st);
	return st.pcp_pages;
}

__attribute__((noinline)) static uint64_t stat_total(void)
{
	struct page_alloc_stats st;

	page_alloc_get_stats(&st);
	return st.total_pages;
}

__attribute__((noinline)) static uint64_t stat_failed(void)
{
	struct page_alloc_stats st;

	page_alloc_get_stats(&st);
	return st.failed_allocs;
}

__attribute__((noinline)) static uint32_t stat_zone_count(void)
{
	struct page_alloc_stats st;

	page_alloc_get_stats(&st);
	return st.zone_count;
}

__attribute__((noinline)) static uint64_t stat_zone_base(uint32_t z)
{
	struct page_alloc_stats st;

	page_alloc_get_stats(&st);
	return st.zones[z].base;
}

__attribute__((noinline)) static uint64_t stat_zone_free(uint32_t z)
{
	struct page_alloc_stats st;

	page_alloc_get_stats(&st);
	return st.zones[z].free_pages;
}

/** Whether `pa` is aligned to a block of `order`. */
static bool is_aligned(uint64_t pa, uint32_t order)
{
	return (pa & ((PAGE_BYTES << order) - 1)) == 0;
}

/** Allocates one block on CPU 0 or fails the test; returns its address. */
static uint64_t must_alloc(struct test_ctx *t, uint32_t order)
{
	paddr_t pa = pa_init(0);

	EXPECT_OK(page_alloc(0, order, &pa));
	return pa_addr(pa);
}

/** Returns every CPU's cache to the buddy lists. */
static void drain_all(void)
{
	for (uint32_t cpu = 0; cpu < CPUS; cpu++) {
		page_alloc_drain_cpu(cpu);
	}
}

/**
 * Allocates blocks of `order` on CPU 0 until SVSM_ERR_NOMEM, checking
 * alignment, then frees them all; returns how many there were.
 */
static uint64_t count_blocks(struct test_ctx *t, uint32_t order)
{
	uint64_t n = 0;
	paddr_t pa;
	enum svsm_err err = SVSM_OK;

	while (n < META_COUNT && (err = page_alloc(0, order, &pa)) == SVSM_OK) {
		EXPECT_TRUE(is_aligned(pa_addr(pa), order));
		held[n++] = pa_addr(pa);
	}
	EXPECT_ERR(err, SVSM_ERR_NOMEM);
	for (uint64_t i = 0; i < n; i++) {
		EXPECT_OK(page_free(0, pa_init(held[i]), order));
	}
	return n;
}

/** Expects every page back and `max_blocks` blocks of the largest order. */
static void expect_baseline(struct test_ctx *t, uint64_t max_blocks)
{
	struct page_alloc_stats st;

	drain_all();
	page_alloc_get_stats(&st);
	EXPECT_EQ(st.free_pages, st.total_pages);
	EXPECT_EQ(st.pcp_pages, 0);
	EXPECT_EQ(count_blocks(t, PAGE_ALLOC_MAX_ORDER), max_blocks);
	drain_all();
	EXPECT_EQ(stat_free(), st.total_pages);
}

/** Expects the statistics to equal `want` apart from the call counters. */
static void expect_unchanged(struct test_ctx *t,
			     const struct page_alloc_stats *want)
{
	struct page_alloc_stats st;

	page_alloc_get_stats(&st);
	EXPECT_EQ(st.zone_count, want->zone_count);
	EXPECT_EQ(st.total_pages, want->total_pages);
	EXPECT_EQ(st.free_pages, want->free_pages);
	EXPECT_EQ(st.pcp_pages, want->pcp_pages);
	for (uint32_t i = 0; i < st.zone_count; i++) {
		EXPECT_EQ(st.zones[i].free_pages, want->zones[i].free_pages);
	}
}

TEST(page_alloc, init_refuses_bad_arguments)
{
	struct page_alloc_stats before;

	ASSERT_OK(page_alloc_add_range(pa_init(BASE), MAX_BLOCK_SIZE));
	page_alloc_get_stats(&before);
	EXPECT_ERR(page_alloc_init(NULL, META_COUNT, 1), SVSM_ERR_INVAL);
	EXPECT_ERR(page_alloc_init(meta, 0, 1), SVSM_ERR_INVAL);
	EXPECT_ERR(page_alloc_init(meta, META_COUNT, 0), SVSM_ERR_INVAL);
	EXPECT_ERR(page_alloc_init(meta, META_COUNT, PAGE_ALLOC_MAX_CPUS + 1),
		   SVSM_ERR_INVAL);
	/* Refused before the array is used: indices must fit 32 bits. */
	EXPECT_ERR(page_alloc_init(meta, (size_t)UINT32_MAX, 1),
		   SVSM_ERR_RANGE);
	expect_unchanged(t, &before);
	EXPECT_EQ(stat_zone_base(0), BASE);
}

TEST(page_alloc, add_range_refuses_bad_ranges)
{
	struct page_alloc_stats before;

	ASSERT_OK(page_alloc_add_range(pa_init(BASE), 64 * PAGE_BYTES));
	page_alloc_get_stats(&before);
	EXPECT_ERR(page_alloc_add_range(pa_init(BASE2 + 1), PAGE_BYTES),
		   SVSM_ERR_INVAL);
	EXPECT_ERR(page_alloc_add_range(pa_init(BASE2), PAGE_BYTES + 1),
		   SVSM_ERR_INVAL);
	EXPECT_ERR(page_alloc_add_range(pa_init(BASE2), 0), SVSM_ERR_INVAL);
	/* Overlaps: the same range, either edge, inside, around. */
	EXPECT_ERR(page_alloc_add_range(pa_init(BASE), 64 * PAGE_BYTES),
		   SVSM_ERR_INVAL);
	EXPECT_ERR(page_alloc_add_range(pa_init(BASE - PAGE_BYTES),
					2 * PAGE_BYTES),
		   SVSM_ERR_INVAL);
	EXPECT_ERR(page_alloc_add_range(pa_init(BASE + 63 * PAGE_BYTES),
					2 * PAGE_BYTES),
		   SVSM_ERR_INVAL);
	EXPECT_ERR(page_alloc_add_range(pa_init(BASE + PAGE_BYTES), PAGE_BYTES),
		   SVSM_ERR_INVAL);
	EXPECT_ERR(page_alloc_add_range(pa_init(BASE - PAGE_BYTES),
					66 * PAGE_BYTES),
		   SVSM_ERR_INVAL);
	/* Wrapping past the top of the address space. */
	EXPECT_ERR(page_alloc_add_range(pa_init(UINT64_MAX - PAGE_BYTES + 1),
					PAGE_BYTES),
		   SVSM_ERR_RANGE);
	expect_unchanged(t, &before);
	/* Adjacent on either side is fine. */
	EXPECT_OK(page_alloc_add_range(pa_init(BASE - PAGE_BYTES), PAGE_BYTES));
	EXPECT_OK(page_alloc_add_range(pa_init(BASE + 64 * PAGE_BYTES),
				       PAGE_BYTES));
	EXPECT_EQ(stat_total(), 66);
}

TEST(page_alloc, add_range_refuses_too_many_zones_and_pages)
{
	struct page_alloc_stats before;

	EXPECT_ERR(
		page_alloc_add_range(pa_init(BASE),
				     (uint64_t)(META_COUNT + 1) * PAGE_BYTES),
		SVSM_ERR_RANGE);
	EXPECT_EQ(stat_zone_count(), 0);
	for (uint32_t i = 0; i < PAGE_ALLOC_MAX_ZONES; i++) {
		ASSERT_OK(page_alloc_add_range(
			pa_init(BASE + 2ULL * i * PAGE_BYTES), PAGE_BYTES));
	}
	page_alloc_get_stats(&before);
	EXPECT_ERR(page_alloc_add_range(pa_init(BASE2), PAGE_BYTES),
		   SVSM_ERR_RANGE);
	expect_unchanged(t, &before);
	EXPECT_EQ(before.zone_count, PAGE_ALLOC_MAX_ZONES);
	EXPECT_EQ(before.total_pages, PAGE_ALLOC_MAX_ZONES);
}

TEST(page_alloc, add_range_refuses_more_than_the_meta_array)
{
	ASSERT_OK(page_alloc_add_range(
		pa_init(BASE), (uint64_t)(META_COUNT - 1) * PAGE_BYTES));
	EXPECT_ERR(page_alloc_add_range(pa_init(BASE2), 2 * PAGE_BYTES),
		   SVSM_ERR_RANGE);
	EXPECT_OK(page_alloc_add_range(pa_init(BASE2), PAGE_BYTES));
	EXPECT_EQ(stat_total(), META_COUNT);
}

/**
 * Allocates all the blocks of `order` a max-order zone holds, checks they
 * are aligned, in the zone and distinct, frees them and checks the zone
 * merged back into one block.
 */
static void split_merge(struct test_ctx *t, uint32_t order)
{
	uint64_t count = MAX_PAGES >> order;
	uint64_t size = PAGE_BYTES << order;
	static bool seen[MAX_PAGES];
	paddr_t pa;

	for (uint64_t i = 0; i < MAX_PAGES; i++) {
		seen[i] = false;
	}
	for (uint64_t i = 0; i < count; i++) {
		ASSERT_OK(page_alloc(0, order, &pa));
		held[i] = pa_addr(pa);
		ASSERT_TRUE(is_aligned(held[i], order));
		ASSERT_TRUE(held[i] >= BASE && held[i] - BASE < MAX_BLOCK_SIZE);
		ASSERT_FALSE(seen[(held[i] - BASE) / size]);
		seen[(held[i] - BASE) / size] = true;
	}
	EXPECT_EQ(stat_free(), stat_pcp());
	EXPECT_ERR(page_alloc(1, order, &pa), SVSM_ERR_NOMEM);
	for (uint64_t i = 0; i < count; i++) {
		EXPECT_OK(page_free(0, pa_init(held[i]), order));
	}
	EXPECT_EQ(stat_free(), MAX_PAGES);
	/* Merged all the way up: the whole zone is one block again. */
	EXPECT_EQ(must_alloc(t, PAGE_ALLOC_MAX_ORDER), BASE);
	EXPECT_OK(page_free(0, pa_init(BASE), PAGE_ALLOC_MAX_ORDER));
}

TEST(page_alloc, split_and_merge_at_every_order)
{
	for (uint32_t order = 0; order <= PAGE_ALLOC_MAX_ORDER; order++) {
		paddr_t pa;

		ASSERT_OK(page_alloc_init(meta, META_COUNT, CPUS));
		ASSERT_OK(page_alloc_add_range(pa_init(BASE), MAX_BLOCK_SIZE));
		/* One block: split down to `order`, then merged back. */
		ASSERT_OK(page_alloc(0, order, &pa));
		EXPECT_TRUE(is_aligned(pa_addr(pa), order));
		EXPECT_EQ(stat_free(), MAX_PAGES - (1U << order));
		EXPECT_OK(page_free(0, pa, order));
		expect_baseline(t, 1);
		/* Every block of the order at once. */
		split_merge(t, order);
		expect_baseline(t, 1);
	}
}

TEST(page_alloc, unaligned_zone_base_gives_maximal_aligned_blocks)
{
	/* Pages 3 .. 2056 of an aligned 4 MiB: one full max-order block. */
	uint64_t base = BASE + 3 * PAGE_BYTES;
	uint64_t pages = 2 * MAX_PAGES + 5;
	uint64_t pa;

	ASSERT_OK(page_alloc_add_range(pa_init(base), pages * PAGE_BYTES));
	EXPECT_EQ(stat_total(), pages);
	EXPECT_EQ(stat_zone_base(0), base);
	pa = must_alloc(t, PAGE_ALLOC_MAX_ORDER);
	EXPECT_EQ(pa, BASE + MAX_BLOCK_SIZE);
	EXPECT_ERR(page_alloc(0, PAGE_ALLOC_MAX_ORDER, &(paddr_t){ 0 }),
		   SVSM_ERR_NOMEM);
	EXPECT_OK(page_free(0, pa_init(pa), PAGE_ALLOC_MAX_ORDER));
	/*
	 * Below the full block: orders 0, 2, 3, ..., 9 (1021 pages); above
	 * it, order 3. So three blocks of order 9: one below, two from the
	 * full block.
	 */
	EXPECT_EQ(count_blocks(t, PAGE_ALLOC_MAX_ORDER - 1), 3);
	expect_baseline(t, 1);
	EXPECT_EQ(count_blocks(t, 0), pages);
	expect_baseline(t, 1);
}

/** Allocates single pages until NOMEM; frees them; checks the count. */
TEST(page_alloc, exhaustion_of_single_pages)
{
	uint64_t total = 3 * MAX_PAGES + 77;
	uint64_t n = 0;
	paddr_t pa;

	ASSERT_OK(page_alloc_add_range(pa_init(BASE), total * PAGE_BYTES));
	while (n <= total && page_alloc(0, 0, &pa) == SVSM_OK) {
		held[n++] = pa_addr(pa);
	}
	EXPECT_EQ(n, total);
	EXPECT_EQ(stat_free(), 0);
	EXPECT_EQ(stat_failed(), 1);
	EXPECT_ERR(page_alloc(1, 0, &pa), SVSM_ERR_NOMEM);
	for (uint64_t i = 0; i < n; i++) {
		EXPECT_OK(page_free(0, pa_init(held[i]), 0));
	}
	expect_baseline(t, 3);
}

TEST(page_alloc, exhaustion_of_order_3_blocks)
{
	uint64_t total = 2 * MAX_PAGES + 8 * 5 + 3;

	ASSERT_OK(page_alloc_add_range(pa_init(BASE), total * PAGE_BYTES));
	EXPECT_EQ(count_blocks(t, 3), (total - 3) / 8);
	EXPECT_EQ(stat_failed(), 1);
	expect_baseline(t, 2);
}

TEST(page_alloc, pcp_refill_and_drain)
{
	struct page_alloc_stats st;
	uint64_t pa[PAGE_ALLOC_PCP_BATCH + 1];

	ASSERT_OK(page_alloc_add_range(pa_init(BASE), MAX_BLOCK_SIZE));
	pa[0] = must_alloc(t, 0);
	page_alloc_get_stats(&st);
	EXPECT_EQ(st.pcp_pages, PAGE_ALLOC_PCP_BATCH - 1);
	EXPECT_EQ(st.free_pages, MAX_PAGES - 1);
	EXPECT_EQ(st.zones[0].free_pages, MAX_PAGES - 1);
	for (uint32_t i = 1; i < PAGE_ALLOC_PCP_BATCH; i++) {
		pa[i] = must_alloc(t, 0);
	}
	EXPECT_EQ(stat_pcp(), 0);
	pa[PAGE_ALLOC_PCP_BATCH] = must_alloc(t, 0); /* refills */
	EXPECT_EQ(stat_pcp(), PAGE_ALLOC_PCP_BATCH - 1);
	for (uint32_t i = 0; i <= PAGE_ALLOC_PCP_BATCH; i++) {
		EXPECT_OK(page_free(0, pa_init(pa[i]), 0));
		EXPECT_EQ(stat_pcp(), PAGE_ALLOC_PCP_BATCH + i);
	}
	EXPECT_EQ(stat_free(), MAX_PAGES);
	page_alloc_drain_cpu(0);
	EXPECT_EQ(stat_pcp(), 0);
	EXPECT_EQ(stat_free(), MAX_PAGES);
	EXPECT_EQ(count_blocks(t, PAGE_ALLOC_MAX_ORDER), 1);
}

TEST(page_alloc, pcp_full_cache_drains_a_batch)
{
	uint64_t n = PAGE_ALLOC_PCP_HIGH + 1;

	ASSERT_OK(page_alloc_add_range(pa_init(BASE), MAX_BLOCK_SIZE));
	for (uint64_t i = 0; i < n; i++) {
		held[i] = must_alloc(t, 0);
	}
	page_alloc_drain_cpu(0);
	for (uint64_t i = 0; i < PAGE_ALLOC_PCP_HIGH; i++) {
		EXPECT_OK(page_free(0, pa_init(held[i]), 0));
	}
	EXPECT_EQ(stat_pcp(), PAGE_ALLOC_PCP_HIGH);
	EXPECT_OK(page_free(0, pa_init(held[PAGE_ALLOC_PCP_HIGH]), 0));
	EXPECT_EQ(stat_pcp(), PAGE_ALLOC_PCP_HIGH - PAGE_ALLOC_PCP_BATCH + 1);
	EXPECT_EQ(stat_free(), MAX_PAGES);
	expect_baseline(t, 1);
}

TEST(page_alloc, pcp_refill_takes_what_is_left)
{
	ASSERT_OK(page_alloc_add_range(pa_init(BASE), 3 * PAGE_BYTES));
	held[0] = must_alloc(t, 0);
	EXPECT_EQ(stat_pcp(), 2);
	held[1] = must_alloc(t, 0);
	held[2] = must_alloc(t, 0);
	EXPECT_ERR(page_alloc(0, 0, &(paddr_t){ 0 }), SVSM_ERR_NOMEM);
	for (uint32_t i = 0; i < 3; i++) {
		EXPECT_OK(page_free(0, pa_init(held[i]), 0));
	}
	drain_all();
	EXPECT_EQ(count_blocks(t, 1), 1); /* pfn 0x40000 and 0x40001 */
}

TEST(page_alloc, pcp_pages_are_distinct)
{
	static bool seen[MAX_PAGES];
	paddr_t pa;

	ASSERT_OK(page_alloc_add_range(pa_init(BASE), MAX_BLOCK_SIZE));
	for (uint32_t i = 0; i < MAX_PAGES; i++) {
		uint64_t page;

		ASSERT_OK(page_alloc(i % CPUS, 0, &pa));
		page = (pa_addr(pa) - BASE) / PAGE_BYTES;
		ASSERT_TRUE(page < MAX_PAGES);
		ASSERT_FALSE(seen[page]);
		seen[page] = true;
		held[i] = pa_addr(pa);
	}
	EXPECT_EQ(stat_free(), 0);
	for (uint32_t i = 0; i < MAX_PAGES; i++) {
		EXPECT_OK(page_free((i * 7) % CPUS, pa_init(held[i]), 0));
	}
	expect_baseline(t, 1);
}

TEST(page_alloc, pcp_caches_are_per_cpu)
{
	uint64_t a;
	uint64_t b;
	paddr_t c;

	ASSERT_OK(page_alloc_add_range(pa_init(BASE), MAX_BLOCK_SIZE));
	a = must_alloc(t, 0);
	ASSERT_OK(page_alloc(1, 0, &c));
	EXPECT_EQ(stat_pcp(), 2 * (PAGE_ALLOC_PCP_BATCH - 1));
	/* Freed on another CPU: it goes to that CPU's cache. */
	EXPECT_OK(page_free(2, pa_init(a), 0));
	EXPECT_EQ(stat_pcp(), 2 * PAGE_ALLOC_PCP_BATCH - 1);
	page_alloc_drain_cpu(1);
	EXPECT_EQ(stat_pcp(), PAGE_ALLOC_PCP_BATCH);
	page_alloc_drain_cpu(2);
	EXPECT_EQ(stat_pcp(), PAGE_ALLOC_PCP_BATCH - 1);
	b = must_alloc(t, 0); /* from CPU 0's cache: no refill */
	EXPECT_EQ(stat_pcp(), PAGE_ALLOC_PCP_BATCH - 2);
	EXPECT_NE(a, b);
	EXPECT_OK(page_free(0, pa_init(b), 0));
	EXPECT_EQ(stat_free(), MAX_PAGES - 1); /* `c` is still held */
	EXPECT_OK(page_free(1, c, 0));
	expect_baseline(t, 1);
}

TEST(page_alloc, large_alloc_drains_own_cache_when_short)
{
	uint64_t a;

	ASSERT_OK(page_alloc_add_range(pa_init(BASE), MAX_BLOCK_SIZE));
	a = must_alloc(t, 0);
	EXPECT_OK(page_free(0, pa_init(a), 0));
	EXPECT_EQ(stat_pcp(), PAGE_ALLOC_PCP_BATCH);
	/* Another CPU's cache is not touched: no block for CPU 1. */
	EXPECT_ERR(page_alloc(1, PAGE_ALLOC_MAX_ORDER, &(paddr_t){ 0 }),
		   SVSM_ERR_NOMEM);
	EXPECT_EQ(stat_pcp(), PAGE_ALLOC_PCP_BATCH);
	EXPECT_EQ(must_alloc(t, PAGE_ALLOC_MAX_ORDER), BASE);
	EXPECT_EQ(stat_pcp(), 0);
	EXPECT_OK(page_free(0, pa_init(BASE), PAGE_ALLOC_MAX_ORDER));
}

TEST(page_alloc, double_free_of_cached_page)
{
	struct page_alloc_stats before;
	uint64_t a;

	ASSERT_OK(page_alloc_add_range(pa_init(BASE), MAX_BLOCK_SIZE));
	a = must_alloc(t, 0);
	EXPECT_OK(page_free(0, pa_init(a), 0));
	page_alloc_get_stats(&before);
	EXPECT_ERR(page_free(0, pa_init(a), 0), SVSM_ERR_INVAL);
	EXPECT_ERR(page_free(1, pa_init(a), 0), SVSM_ERR_INVAL);
	expect_unchanged(t, &before);
	/* A page never handed out, still in the cache, is refused too. */
	EXPECT_ERR(page_free(0, pa_init(a ^ PAGE_BYTES), 0), SVSM_ERR_INVAL);
	expect_baseline(t, 1);
}

TEST(page_alloc, double_free_of_page_in_buddy_lists)
{
	struct page_alloc_stats before;
	uint64_t a;

	ASSERT_OK(page_alloc_add_range(pa_init(BASE), MAX_BLOCK_SIZE));
	a = must_alloc(t, 0);
	EXPECT_OK(page_free(0, pa_init(a), 0));
	page_alloc_drain_cpu(0);
	page_alloc_get_stats(&before);
	EXPECT_ERR(page_free(0, pa_init(a), 0), SVSM_ERR_INVAL);
	EXPECT_ERR(page_free(0, pa_init(BASE + 5 * PAGE_BYTES), 0),
		   SVSM_ERR_INVAL);
	EXPECT_ERR(page_free(0, pa_init(BASE), PAGE_ALLOC_MAX_ORDER),
		   SVSM_ERR_INVAL);
	expect_unchanged(t, &before);
	expect_baseline(t, 1);
}

TEST(page_alloc, double_free_of_large_block)
{
	struct page_alloc_stats before;
	uint64_t a;
	uint64_t b;

	ASSERT_OK(page_alloc_add_range(pa_init(BASE), MAX_BLOCK_SIZE));
	a = must_alloc(t, 4);
	b = must_alloc(t, 4);
	EXPECT_OK(page_free(0, pa_init(a), 4));
	page_alloc_get_stats(&before);
	/* Its buddy is held, so `a` stays a free block of order 4. */
	EXPECT_ERR(page_free(0, pa_init(a), 4), SVSM_ERR_INVAL);
	expect_unchanged(t, &before);
	EXPECT_OK(page_free(0, pa_init(b), 4));
	page_alloc_get_stats(&before);
	/* Now merged: both heads are inside one free block. */
	EXPECT_ERR(page_free(0, pa_init(a), 4), SVSM_ERR_INVAL);
	EXPECT_ERR(page_free(0, pa_init(b), 4), SVSM_ERR_INVAL);
	expect_unchanged(t, &before);
	expect_baseline(t, 1);
}

TEST(page_alloc, free_with_wrong_order_refused)
{
	struct page_alloc_stats before;
	uint64_t a;

	ASSERT_OK(page_alloc_add_range(pa_init(BASE), MAX_BLOCK_SIZE));
	a = must_alloc(t, 2);
	page_alloc_get_stats(&before);
	EXPECT_ERR(page_free(0, pa_init(a), 1), SVSM_ERR_INVAL);
	EXPECT_ERR(page_free(0, pa_init(a), 0), SVSM_ERR_INVAL);
	EXPECT_ERR(page_free(0, pa_init(a), 3), SVSM_ERR_INVAL);
	EXPECT_ERR(page_free(0, pa_init(a), PAGE_ALLOC_MAX_ORDER + 1),
		   SVSM_ERR_INVAL);
	expect_unchanged(t, &before);
	EXPECT_OK(page_free(0, pa_init(a), 2));
	expect_baseline(t, 1);
}

TEST(page_alloc, free_misaligned_refused)
{
	struct page_alloc_stats before;
	uint64_t a;

	ASSERT_OK(page_alloc_add_range(pa_init(BASE), MAX_BLOCK_SIZE));
	a = must_alloc(t, 2);
	page_alloc_get_stats(&before);
	EXPECT_ERR(page_free(0, pa_init(a + 1), 2), SVSM_ERR_INVAL);
	EXPECT_ERR(page_free(0, pa_init(a + PAGE_BYTES - 1), 0),
		   SVSM_ERR_INVAL);
	EXPECT_ERR(page_free(0, pa_init(a + PAGE_BYTES), 2), SVSM_ERR_INVAL);
	EXPECT_ERR(page_free(0, pa_init(a + 2 * PAGE_BYTES), 2),
		   SVSM_ERR_INVAL);
	expect_unchanged(t, &before);
	EXPECT_OK(page_free(0, pa_init(a), 2));
	expect_baseline(t, 1);
}

TEST(page_alloc, free_inside_another_block_refused)
{
	struct page_alloc_stats before;
	uint64_t a;

	ASSERT_OK(page_alloc_add_range(pa_init(BASE), MAX_BLOCK_SIZE));
	a = must_alloc(t, 3);
	page_alloc_get_stats(&before);
	for (uint32_t i = 1; i < 8; i++) {
		EXPECT_ERR(page_free(0, pa_init(a + i * PAGE_BYTES), 0),
			   SVSM_ERR_INVAL);
	}
	EXPECT_ERR(page_free(0, pa_init(a + 2 * PAGE_BYTES), 1),
		   SVSM_ERR_INVAL);
	EXPECT_ERR(page_free(0, pa_init(a + 4 * PAGE_BYTES), 2),
		   SVSM_ERR_INVAL);
	expect_unchanged(t, &before);
	EXPECT_OK(page_free(0, pa_init(a), 3));
	expect_baseline(t, 1);
}

TEST(page_alloc, free_of_unmanaged_address_refused)
{
	struct page_alloc_stats before;

	ASSERT_OK(page_alloc_add_range(pa_init(BASE), MAX_BLOCK_SIZE));
	page_alloc_get_stats(&before);
	EXPECT_ERR(page_free(0, pa_init(0), 0), SVSM_ERR_INVAL);
	EXPECT_ERR(page_free(0, pa_init(BASE - PAGE_BYTES), 0), SVSM_ERR_INVAL);
	EXPECT_ERR(page_free(0, pa_init(BASE + MAX_BLOCK_SIZE), 0),
		   SVSM_ERR_INVAL);
	EXPECT_ERR(page_free(0, pa_init(UINT64_MAX & ~(uint64_t)0xfff), 0),
		   SVSM_ERR_INVAL);
	expect_unchanged(t, &before);
}

TEST(page_alloc, cpu_index_out_of_range_refused)
{
	struct page_alloc_stats before;
	paddr_t pa = pa_init(0x1234);
	uint64_t a;

	ASSERT_OK(page_alloc_add_range(pa_init(BASE), MAX_BLOCK_SIZE));
	a = must_alloc(t, 0);
	page_alloc_get_stats(&before);
	EXPECT_ERR(page_alloc(CPUS, 0, &pa), SVSM_ERR_INVAL);
	EXPECT_ERR(page_alloc(UINT32_MAX, 1, &pa), SVSM_ERR_INVAL);
	EXPECT_ERR(page_alloc(0, PAGE_ALLOC_MAX_ORDER + 1, &pa),
		   SVSM_ERR_INVAL);
	EXPECT_EQ(pa_addr(pa), 0x1234); /* no output on failure */
	EXPECT_ERR(page_free(CPUS, pa_init(a), 0), SVSM_ERR_INVAL);
	page_alloc_drain_cpu(CPUS); /* ignored */
	page_alloc_drain_cpu(UINT32_MAX);
	expect_unchanged(t, &before);
	EXPECT_OK(page_free(CPUS - 1, pa_init(a), 0));
}

/**
 * Adds the two halves of one aligned max-order block as two zones, the
 * one at `first` first, and checks that their blocks never merge.
 */
static void adjacent_zones(struct test_ctx *t, uint64_t first, uint64_t second)
{
	uint64_t half = MAX_BLOCK_SIZE / 2;
	uint64_t a;
	uint64_t b;

	ASSERT_OK(page_alloc_init(meta, META_COUNT, CPUS));
	ASSERT_OK(page_alloc_add_range(pa_init(first), half));
	ASSERT_OK(page_alloc_add_range(pa_init(second), half));
	EXPECT_ERR(page_alloc(0, PAGE_ALLOC_MAX_ORDER, &(paddr_t){ 0 }),
		   SVSM_ERR_NOMEM);
	a = must_alloc(t, PAGE_ALLOC_MAX_ORDER - 1);
	b = must_alloc(t, PAGE_ALLOC_MAX_ORDER - 1);
	EXPECT_EQ(a, first); /* the first zone added is searched first */
	EXPECT_EQ(b, second);
	EXPECT_EQ(stat_zone_free(0), 0);
	EXPECT_EQ(stat_zone_free(1), 0);
	/* Each is the other's buddy by address, and both are free. */
	EXPECT_OK(page_free(0, pa_init(b), PAGE_ALLOC_MAX_ORDER - 1));
	EXPECT_OK(page_free(0, pa_init(a), PAGE_ALLOC_MAX_ORDER - 1));
	EXPECT_EQ(stat_zone_free(0), MAX_PAGES / 2);
	EXPECT_EQ(stat_zone_free(1), MAX_PAGES / 2);
	expect_baseline(t, 0);
	EXPECT_EQ(count_blocks(t, PAGE_ALLOC_MAX_ORDER - 1), 2);
	EXPECT_EQ(count_blocks(t, 0), MAX_PAGES);
	expect_baseline(t, 0);
}

TEST(page_alloc, adjacent_zones_never_merge)
{
	uint64_t half = MAX_BLOCK_SIZE / 2;

	adjacent_zones(t, BASE, BASE + half);
	adjacent_zones(t, BASE + half, BASE);
}

TEST(page_alloc, fault_injection_fails_the_next_allocation)
{
	struct page_alloc_stats before;
	paddr_t pa;

	ASSERT_OK(page_alloc_add_range(pa_init(BASE), MAX_BLOCK_SIZE));
	page_alloc_get_stats(&before);
	for (uint32_t order = 0; order <= PAGE_ALLOC_MAX_ORDER; order++) {
		pa = pa_init(0x1234);
		alloc_fail_nth(1);
		EXPECT_ERR(page_alloc(0, order, &pa), SVSM_ERR_NOMEM);
		EXPECT_TRUE(alloc_fail_fired());
		EXPECT_EQ(pa_addr(pa), 0x1234);
		expect_unchanged(t,
				 &before); /* nothing taken, not even cached */
		EXPECT_EQ(stat_failed(), order + 1);
		/* It fails once only. */
		EXPECT_OK(page_alloc(0, order, &pa));
		EXPECT_OK(page_free(0, pa, order));
		page_alloc_drain_cpu(0);
	}
	alloc_fail_nth(0);
	expect_baseline(t, 1);
}

TEST(page_alloc, fault_injection_counts_attempts)
{
	paddr_t pa[4];

	ASSERT_OK(page_alloc_add_range(pa_init(BASE), MAX_BLOCK_SIZE));
	alloc_fail_nth(3);
	EXPECT_OK(page_alloc(0, 0, &pa[0]));
	EXPECT_OK(page_alloc(1, 2, &pa[1]));
	EXPECT_FALSE(alloc_fail_fired());
	EXPECT_ERR(page_alloc(0, 1, &pa[2]), SVSM_ERR_NOMEM);
	EXPECT_TRUE(alloc_fail_fired());
	EXPECT_OK(page_alloc(0, 1, &pa[3]));
	/* Frees and refused arguments are not allocation attempts... */
	EXPECT_OK(page_free(0, pa[0], 0));
	EXPECT_OK(page_free(0, pa[1], 2));
	EXPECT_OK(page_free(0, pa[3], 1));
	EXPECT_EQ(alloc_fail_attempts(), 4);
	/* ...but a call with a bad argument is counted before it is checked. */
	EXPECT_ERR(page_alloc(CPUS, 0, &pa[0]), SVSM_ERR_INVAL);
	EXPECT_EQ(alloc_fail_attempts(), 5);
	alloc_fail_nth(0);
	EXPECT_EQ(alloc_fail_attempts(), 0);
	EXPECT_FALSE(alloc_fail_fired());
	EXPECT_EQ(stat_failed(), 1);
	expect_baseline(t, 1);
}

TEST(page_alloc, stats_count_calls)
{
	struct page_alloc_stats st;
	paddr_t pa;

	ASSERT_OK(page_alloc_add_range(pa_init(BASE2), MAX_BLOCK_SIZE));
	ASSERT_OK(page_alloc_add_range(pa_init(BASE), 16 * PAGE_BYTES));
	ASSERT_OK(page_alloc(0, 5, &pa));
	EXPECT_ERR(page_free(0, pa, 4), SVSM_ERR_INVAL);
	EXPECT_OK(page_free(0, pa, 5));
	EXPECT_OK(page_alloc(0, 0, &pa));
	page_alloc_get_stats(&st);
	EXPECT_EQ(st.zone_count, 2);
	EXPECT_EQ(st.zones[0].base, BASE2);
	EXPECT_EQ(st.zones[1].base, BASE);
	EXPECT_EQ(st.zones[1].pages, 16);
	EXPECT_EQ(st.total_pages, MAX_PAGES + 16);
	EXPECT_EQ(st.free_pages, MAX_PAGES + 15);
	EXPECT_EQ(st.zones[0].free_pages + st.zones[1].free_pages,
		  st.free_pages);
	EXPECT_EQ(st.alloc_calls, 2);
	EXPECT_EQ(st.free_calls, 2);
	EXPECT_EQ(st.failed_allocs, 0);
}

/* ---- randomized stress ------------------------------------------------ */

#define STRESS_OPS 6000U
#define STRESS_LIVE 300U

/** A block the stress test holds. */
struct stress_block {
	uint64_t pa;
	uint32_t order;
};

static struct stress_block live[STRESS_LIVE];
static uint32_t live_count;
static uint64_t live_pages;
static uint64_t rng_state;

/** xorshift64: a fixed, reproducible sequence. */
static uint64_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

/** Max-order blocks that fit aligned in [base, base + pages pages). */
static uint64_t max_blocks_in(uint64_t base, uint64_t pages)
{
	uint64_t first =
		(base / PAGE_BYTES + MAX_PAGES - 1) & ~(MAX_PAGES - 1ULL);
	uint64_t end = base / PAGE_BYTES + pages;

	return end > first ? (end - first) / MAX_PAGES : 0;
}

/** Checks a new block: aligned, in a zone, overlapping no live block. */
static bool stress_block_ok(struct test_ctx *t, uint64_t pa, uint32_t order)
{
	uint64_t size = PAGE_BYTES << order;
	struct page_alloc_stats st;
	bool in_zone = false;

	page_alloc_get_stats(&st);
	for (uint32_t z = 0; z < st.zone_count; z++) {
		uint64_t zb = st.zones[z].base;
		uint64_t ze = zb + st.zones[z].pages * PAGE_BYTES;

		in_zone = in_zone || (pa >= zb && pa + size <= ze);
	}
	for (uint32_t i = 0; i < live_count; i++) {
		uint64_t lsize = PAGE_BYTES << live[i].order;

		if (pa < live[i].pa + lsize && live[i].pa < pa + size) {
			test_diag(t, "block %#llx/%u overlaps %#llx/%u",
				  (unsigned long long)pa, order,
				  (unsigned long long)live[i].pa,
				  live[i].order);
			return false;
		}
	}
	return in_zone && is_aligned(pa, order);
}

/** Checks the statistics against what the test holds. */
static bool stress_stats_ok(struct test_ctx *t)
{
	struct page_alloc_stats st;
	uint64_t zone_free = 0;

	page_alloc_get_stats(&st);
	for (uint32_t z = 0; z < st.zone_count; z++) {
		zone_free += st.zones[z].free_pages;
	}
	EXPECT_EQ(st.free_pages + live_pages, st.total_pages);
	EXPECT_EQ(zone_free, st.free_pages);
	EXPECT_LE(st.pcp_pages, CPUS * PAGE_ALLOC_PCP_HIGH);
	EXPECT_LE(st.pcp_pages, st.free_pages);
	return st.free_pages + live_pages == st.total_pages &&
	       zone_free == st.free_pages;
}

/** One random allocation: small orders are the most likely. */
static bool stress_alloc(struct test_ctx *t)
{
	uint64_t limit = rnd() % (PAGE_ALLOC_MAX_ORDER + 1) + 1;
	uint32_t order = (uint32_t)(rnd() % limit);
	uint32_t cpu = (uint32_t)(rnd() % CPUS);
	paddr_t pa;
	enum svsm_err err = page_alloc(cpu, order, &pa);

	if (err == SVSM_ERR_NOMEM) {
		return true;
	}
	EXPECT_OK(err);
	if (err != SVSM_OK || !stress_block_ok(t, pa_addr(pa), order)) {
		return false;
	}
	live[live_count++] = (struct stress_block){ pa_addr(pa), order };
	live_pages += 1ULL << order;
	return true;
}

/** Frees a random live block, then checks a second free is refused. */
static bool stress_free(struct test_ctx *t)
{
	uint32_t i = (uint32_t)(rnd() % live_count);
	struct stress_block b = live[i];
	uint32_t cpu = (uint32_t)(rnd() % CPUS);

	if (b.order > 0 && rnd() % 8 == 0) {
		EXPECT_ERR(page_free(cpu, pa_init(b.pa), b.order - 1),
			   SVSM_ERR_INVAL);
	}
	EXPECT_OK(page_free(cpu, pa_init(b.pa), b.order));
	live[i] = live[--live_count];
	live_pages -= 1ULL << b.order;
	EXPECT_ERR(page_free((uint32_t)(rnd() % CPUS), pa_init(b.pa), b.order),
		   SVSM_ERR_INVAL);
	return stress_stats_ok(t);
}

/** One random operation; false once an invariant is broken. */
static bool stress_step(struct test_ctx *t)
{
	uint64_t r = rnd() % 100;

	if (r == 0) {
		page_alloc_drain_cpu((uint32_t)(rnd() % CPUS));
		return stress_stats_ok(t);
	}
	if (live_count == 0 || (live_count < STRESS_LIVE && r < 55)) {
		return stress_alloc(t) && stress_stats_ok(t);
	}
	return stress_free(t);
}

TEST(page_alloc, random_stress_keeps_invariants)
{
	uint64_t a_base = BASE + 3 * PAGE_BYTES;
	uint64_t a_pages = 2000;
	uint64_t b_pages = 3 * MAX_PAGES + 100;

	rng_state = 0x9E3779B97F4A7C15ULL;
	live_count = 0;
	live_pages = 0;
	ASSERT_OK(page_alloc_add_range(pa_init(a_base), a_pages * PAGE_BYTES));
	ASSERT_OK(page_alloc_add_range(pa_init(BASE2), b_pages * PAGE_BYTES));
	for (uint32_t op = 0; op < STRESS_OPS; op++) {
		if (!stress_step(t)) {
			test_diag(t, "invariant broken at operation %u", op);
			break;
		}
	}
	while (live_count > 0) {
		live_count--;
		EXPECT_OK(page_free(0, pa_init(live[live_count].pa),
				    live[live_count].order));
	}
	expect_baseline(t, max_blocks_in(a_base, a_pages) +
				   max_blocks_in(BASE2, b_pages));
}

/** Frees the first `n` blocks of `pa`/`orders` (cleanup on a failure). */
static void free_blocks(const paddr_t *pa, const uint32_t *orders, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		enum svsm_err err = page_free(0, pa[i], orders[i]);

		(void)err;
	}
}

TEST_ALLOC(page_alloc, mixed_orders_survive_every_failure)
{
	static const uint32_t orders[] = { 0, 3, 0, 5, 1, 0 };
	paddr_t pa[6];

	ASSERT_OK(page_alloc_add_range(pa_init(0x100000), 256 * 4096ULL));
	for (size_t i = 0; i < 6; i++) {
		enum svsm_err err = page_alloc(0, orders[i], &pa[i]);

		if (err != SVSM_OK) {
			free_blocks(pa, orders, i);
		}
		ASSERT_OK_OR_OOM(err);
	}
	free_blocks(pa, orders, 6);
	page_alloc_drain_cpu(0);
}
