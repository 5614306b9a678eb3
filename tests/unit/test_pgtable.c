// SPDX-License-Identifier: MIT
/*
 * Unit tests of the kernel page tables (kernel/mm/pgtable.c) against the
 * host environment: fake physical memory handed to the page allocator.
 * The key property: a failed or aborted update leaves every table byte
 * and the allocator exactly as they were.
 */
#include <stdlib.h>
#include <string.h>

#include "svsm/alloc_fail.h"
#include "svsm/page_alloc.h"
#include "svsm/pgtable.h"
#include "svsm/test.h"

#include "../../plat/host/pt_env.h"

#define FAKE_BASE 0x40000000ULL
#define FAKE_PAGES 256U
#define KVA 0xFFFFFE8000000000ULL /* a kernel-half address */

/** A page allocator over fake memory and an empty address space. */
struct pt_fixture {
	uint8_t *mem;
	struct page_meta meta[FAKE_PAGES];
	struct pgtable pt;
	uint8_t *snapshot;
};

SET_UP(pgtable)
{
	struct pt_fixture *f = calloc(1, sizeof(*f));
	paddr_t root;

	t->data = f;
	ASSERT_TRUE(f != NULL);
	f->mem = aligned_alloc(PAGE_SIZE, (size_t)FAKE_PAGES * PAGE_SIZE);
	f->snapshot = malloc((size_t)FAKE_PAGES * PAGE_SIZE);
	ASSERT_TRUE(f->mem != NULL && f->snapshot != NULL);
	memset(f->mem, 0xCC, (size_t)FAKE_PAGES * PAGE_SIZE); /* garbage */
	pt_env_init(f->mem, FAKE_BASE, (uint64_t)FAKE_PAGES * PAGE_SIZE);
	ASSERT_OK(page_alloc_init(f->meta, FAKE_PAGES, 1));
	ASSERT_OK(page_alloc_add_range(pa_init(FAKE_BASE),
				       (uint64_t)FAKE_PAGES * PAGE_SIZE));
	ASSERT_OK(page_alloc(0, 0, &root));
	memset(f->mem + (pa_addr(root) - FAKE_BASE), 0, PAGE_SIZE);
	f->pt = (struct pgtable){ root, 0 };
}

TEAR_DOWN(pgtable)
{
	struct pt_fixture *f = t->data;

	if (f) {
		free(f->mem);
		free(f->snapshot);
		free(f);
	}
}

static uint64_t free_pages(void)
{
	struct page_alloc_stats st;

	page_alloc_get_stats(&st);
	return st.free_pages;
}

static void snapshot(struct pt_fixture *f)
{
	memcpy(f->snapshot, f->mem, (size_t)FAKE_PAGES * PAGE_SIZE);
}

static bool unchanged(const struct pt_fixture *f)
{
	return memcmp(f->snapshot, f->mem, (size_t)FAKE_PAGES * PAGE_SIZE) == 0;
}

static enum svsm_err map(struct pt_fixture *f, uint64_t va, uint64_t pa,
			 uint64_t pages, uint32_t prot)
{
	struct pt_batch b;
	enum svsm_err err = pgtable_map_prepare(&b, &f->pt, va_init(va),
						pa_init(pa), pages, prot);

	if (err == SVSM_OK) {
		pgtable_map_commit(&b);
	}
	return err;
}

TEST(pgtable, map_and_lookup_with_permissions)
{
	struct pt_fixture *f = t->data;
	paddr_t pa;
	uint64_t fl;

	ASSERT_OK(map(f, KVA, 0x100000, 3, PT_PROT_WRITE));
	ASSERT_TRUE(pgtable_lookup(&f->pt, va_init(KVA + 0x2123), &pa, &fl));
	EXPECT_EQ(pa_addr(pa), 0x102123);
	EXPECT_TRUE(fl & PTE_RW);
	EXPECT_TRUE(fl & PTE_NX);
	EXPECT_FALSE(fl & PTE_US);
	EXPECT_FALSE(pgtable_lookup(&f->pt, va_init(KVA + 0x3000), &pa, &fl));

	ASSERT_OK(map(f, KVA + 0x10000, 0x200000, 1, PT_PROT_EXEC));
	ASSERT_TRUE(pgtable_lookup(&f->pt, va_init(KVA + 0x10000), &pa, &fl));
	EXPECT_FALSE(fl & PTE_RW);
	EXPECT_FALSE(fl & PTE_NX);
	EXPECT_EQ(pt_env_maps_outstanding(), 0);
	EXPECT_LE(pt_env_maps_peak(), 2);
}

TEST(pgtable, write_and_execute_refused)
{
	struct pt_fixture *f = t->data;
	struct pt_batch b;
	uint64_t before = free_pages();

	snapshot(f);
	EXPECT_ERR(pgtable_map_prepare(&b, &f->pt, va_init(KVA),
				       pa_init(0x100000), 1,
				       PT_PROT_WRITE | PT_PROT_EXEC),
		   SVSM_ERR_PERM);
	EXPECT_TRUE(unchanged(f));
	EXPECT_EQ(free_pages(), before);
}

TEST(pgtable, bad_arguments_refused)
{
	struct pt_fixture *f = t->data;
	struct pt_batch b;

	EXPECT_ERR(pgtable_map_prepare(&b, &f->pt, va_init(KVA + 8),
				       pa_init(0x100000), 1, 0),
		   SVSM_ERR_INVAL);
	EXPECT_ERR(pgtable_map_prepare(&b, &f->pt, va_init(KVA),
				       pa_init(0x100800), 1, 0),
		   SVSM_ERR_INVAL);
	EXPECT_ERR(
		pgtable_map_prepare(&b, &f->pt, va_init(KVA), pa_init(0), 0, 0),
		SVSM_ERR_INVAL);
	/* Non-canonical, and a range running off the lower half. */
	EXPECT_ERR(pgtable_map_prepare(&b, &f->pt,
				       va_init(0x0000900000000000ULL),
				       pa_init(0), 1, 0),
		   SVSM_ERR_INVAL);
	EXPECT_ERR(pgtable_map_prepare(&b, &f->pt,
				       va_init(0x00007FFFFFFFF000ULL),
				       pa_init(0), 2, 0),
		   SVSM_ERR_INVAL);
	EXPECT_ERR(pgtable_map_prepare(&b, &f->pt, va_init(KVA),
				       pa_init(1ULL << 52), 1, 0),
		   SVSM_ERR_INVAL);
	EXPECT_ERR(pgtable_map_prepare(&b, &f->pt, va_init(KVA), pa_init(0), 1,
				       0x80),
		   SVSM_ERR_INVAL);
}

TEST(pgtable, failed_prepare_leaves_tables_unchanged)
{
	struct pt_fixture *f = t->data;
	struct pt_batch b;
	uint64_t before = free_pages();

	/* An empty address space needs three new tables: fail each. */
	for (uint64_t n = 1; n <= 3; n++) {
		snapshot(f);
		alloc_fail_nth(n);
		EXPECT_ERR(pgtable_map_prepare(&b, &f->pt, va_init(KVA),
					       pa_init(0x100000), 4, 0),
			   SVSM_ERR_NOMEM);
		alloc_fail_nth(0);
		EXPECT_TRUE(unchanged(f));
		EXPECT_EQ(free_pages(), before);
	}
	EXPECT_FALSE(pgtable_lookup(&f->pt, va_init(KVA), &(paddr_t){ 0 },
				    &(uint64_t){ 0 }));
}

TEST(pgtable, abort_leaves_tables_unchanged)
{
	struct pt_fixture *f = t->data;
	struct pt_batch b;
	uint64_t before = free_pages();

	snapshot(f);
	ASSERT_OK(pgtable_map_prepare(&b, &f->pt, va_init(KVA),
				      pa_init(0x100000), 4, 0));
	EXPECT_EQ(b.table_count, 3);
	EXPECT_EQ(free_pages(), before - 3);
	EXPECT_TRUE(unchanged(f)); /* nothing visible before commit */
	pgtable_map_abort(&b);
	EXPECT_TRUE(unchanged(f));
	EXPECT_EQ(free_pages(), before);
}

TEST(pgtable, overlapping_mapping_refused_unchanged)
{
	struct pt_fixture *f = t->data;
	struct pt_batch b;

	ASSERT_OK(map(f, KVA + 0x5000, 0x100000, 1, 0));
	uint64_t before = free_pages();

	snapshot(f);
	EXPECT_ERR(pgtable_map_prepare(&b, &f->pt, va_init(KVA),
				       pa_init(0x300000), 8, 0),
		   SVSM_ERR_EXISTS);
	EXPECT_TRUE(unchanged(f));
	EXPECT_EQ(free_pages(), before);
}

TEST(pgtable, ranges_across_tables_count_tables_once)
{
	struct pt_fixture *f = t->data;
	struct pt_batch b;
	paddr_t pa;
	uint64_t fl;
	/* Starts 2 pages before a 2 MiB boundary, spans three page tables. */
	uint64_t va = KVA + 0x200000 - 0x2000;

	ASSERT_OK(pgtable_map_prepare(&b, &f->pt, va_init(va),
				      pa_init(0x1000000), 2 + 512 + 1, 0));
	EXPECT_EQ(b.table_count, 2 + 3); /* PDPT, PD; three PTs */
	pgtable_map_commit(&b);
	for (uint64_t i = 0; i < 515; i++) {
		ASSERT_TRUE(pgtable_lookup(&f->pt, va_init(va + i * PAGE_SIZE),
					   &pa, &fl));
		EXPECT_EQ(pa_addr(pa), 0x1000000 + i * PAGE_SIZE);
	}
	/* A neighbour in the same page table needs no new table. */
	ASSERT_OK(pgtable_map_prepare(&b, &f->pt, va_init(va - 0x1000),
				      pa_init(0x100000), 1, 0));
	EXPECT_EQ(b.table_count, 0);
	pgtable_map_commit(&b);
}

TEST(pgtable, too_many_tables_refused)
{
	struct pt_fixture *f = t->data;
	struct pt_batch b;
	uint64_t before = free_pages();

	/* 20 page tables' worth: more than one batch may create. */
	EXPECT_ERR(pgtable_map_prepare(&b, &f->pt, va_init(KVA), pa_init(0),
				       20ULL * 512, 0),
		   SVSM_ERR_RANGE);
	EXPECT_EQ(free_pages(), before);
}

TEST(pgtable, unmap_checks_every_page_first)
{
	struct pt_fixture *f = t->data;
	paddr_t pa;
	uint64_t fl;

	ASSERT_OK(map(f, KVA, 0x100000, 4, PT_PROT_WRITE));
	snapshot(f);
	/* The fifth page is not mapped: nothing is removed. */
	EXPECT_ERR(pgtable_unmap(&f->pt, va_init(KVA), 5), SVSM_ERR_INVAL);
	EXPECT_TRUE(unchanged(f));
	EXPECT_EQ(pt_env_flushes(), 0);
	EXPECT_EQ(pt_env_flush_calls(), 0);
	ASSERT_OK(pgtable_unmap(&f->pt, va_init(KVA + 0x1000), 2));
	/* One flush for the whole range, after both entries are cleared. */
	EXPECT_EQ(pt_env_flushes(), 2);
	EXPECT_EQ(pt_env_flush_calls(), 1);
	EXPECT_EQ(pt_env_last_flush_va(), KVA + 0x1000);
	EXPECT_TRUE(pgtable_lookup(&f->pt, va_init(KVA), &pa, &fl));
	EXPECT_FALSE(pgtable_lookup(&f->pt, va_init(KVA + 0x1000), &pa, &fl));
	EXPECT_FALSE(pgtable_lookup(&f->pt, va_init(KVA + 0x2000), &pa, &fl));
	EXPECT_TRUE(pgtable_lookup(&f->pt, va_init(KVA + 0x3000), &pa, &fl));
}

TEST_ALLOC(pgtable, prepare_survives_every_allocation_failure)
{
	struct pt_fixture *f = t->data;
	struct pt_batch b;

	/* Two shapes in an empty address space: PDPT, PD and two PTs. */
	ASSERT_OK_OR_OOM(pgtable_map_prepare(&b, &f->pt,
					     va_init(KVA + (1ULL << 30)),
					     pa_init(0x100000), 600, 0));
	EXPECT_EQ(b.table_count, 4);
	pgtable_map_abort(&b);
	ASSERT_OK_OR_OOM(pgtable_map_prepare(&b, &f->pt, va_init(KVA),
					     pa_init(0x100000), 513, 0));
	EXPECT_EQ(b.table_count, 4);
	pgtable_map_abort(&b);
}

TEST(pgtable, reserve_creates_tables_so_later_maps_need_none)
{
	struct pt_fixture *f = t->data;
	struct pt_batch b;
	paddr_t pa;
	uint64_t fl;

	ASSERT_OK(map(f, KVA, 0, 1024, PT_PROT_RESERVE));
	EXPECT_FALSE(pgtable_lookup(&f->pt, va_init(KVA), &pa, &fl));
	ASSERT_OK(pgtable_map_prepare(&b, &f->pt, va_init(KVA + 0x300000),
				      pa_init(0x100000), 16, PT_PROT_WRITE));
	EXPECT_EQ(b.table_count, 0);
	pgtable_map_commit(&b);
	EXPECT_TRUE(pgtable_lookup(&f->pt, va_init(KVA + 0x300000), &pa, &fl));
	/* A reservation takes no physical address and no other flag. */
	EXPECT_ERR(pgtable_map_prepare(&b, &f->pt, va_init(KVA),
				       pa_init(0x1000), 1, PT_PROT_RESERVE),
		   SVSM_ERR_INVAL);
	EXPECT_ERR(pgtable_map_prepare(&b, &f->pt, va_init(KVA), pa_init(0), 1,
				       PT_PROT_RESERVE | PT_PROT_WRITE),
		   SVSM_ERR_INVAL);
}

/** How many 8-byte words of the fixture's memory have bit `bit` set. */
static uint32_t words_with_bit(const struct pt_fixture *f, uint32_t bit)
{
	uint32_t n = 0;

	for (size_t i = 0; i < (size_t)FAKE_PAGES * PAGE_SIZE; i += 8) {
		uint64_t w;

		memcpy(&w, f->mem + i, sizeof(w));
		n += (uint32_t)((w >> bit) & 1U);
	}
	return n;
}

TEST(pgtable, encryption_bit_in_private_entries_only)
{
	struct pt_fixture *f = t->data;
	paddr_t pa;
	uint64_t fl;
	uint32_t before;

	/* Garbage words may have bit 51: count only what mapping adds. */
	memset(f->mem, 0, (size_t)FAKE_PAGES * PAGE_SIZE);
	before = words_with_bit(f, 51);
	pgtable_set_enc_mask(1ULL << 51);
	EXPECT_OK(map(f, KVA, 0x100000, 1, PT_PROT_WRITE));
	/* PML4, PDPT and PD entries and the leaf carry it... */
	EXPECT_EQ(words_with_bit(f, 51), before + 4U);
	/* ...and every walk strips it from the addresses it follows. */
	EXPECT_TRUE(pgtable_lookup(&f->pt, va_init(KVA + 0x10), &pa, &fl));
	EXPECT_EQ(pa_addr(pa), 0x100010);
	EXPECT_EQ(pte_addr((1ULL << 51) | 0x100003ULL), 0x100000U);
	/* A shared page's leaf does not. */
	EXPECT_OK(map(f, KVA + 0x1000, 0x101000, 1,
		      PT_PROT_WRITE | PT_PROT_SHARED));
	EXPECT_EQ(words_with_bit(f, 51), before + 4U);
	EXPECT_TRUE(pgtable_lookup(&f->pt, va_init(KVA + 0x1000), &pa, &fl));
	EXPECT_EQ(pa_addr(pa), 0x101000);
	EXPECT_OK(pgtable_unmap(&f->pt, va_init(KVA), 2));
	pgtable_set_enc_mask(0);
	EXPECT_EQ(pte_addr((1ULL << 51) | 0x100003ULL),
		  (1ULL << 51) | 0x100000U);
}
