// SPDX-License-Identifier: MIT
/*
 * Boot-time memory set-up and the kernel's environment for the core
 * allocators: the page-table environment (tables reached through the
 * temporary window), the heap backend (pages mapped into the heap
 * region, whose tables are created once at boot so that growing the heap
 * never allocates a table) and page validation through the validation
 * table.
 *
 * Locking. `heap_region_lock` covers the heap VA bitmap, its count and
 * the heap region's page-table entries; it is taken with interrupts off.
 * Page allocator calls pass this CPU's index (`this_cpu()`), as its API
 * requires. Lock order: a heap lock (kernel/mm/heap.c, the caller of the
 * backend), then `heap_region_lock`, then a page allocator zone lock
 * (taken inside page_alloc/page_free). The temporary window used to edit
 * the tables is this CPU's own (kernel/mm/tmpmap.c).
 *
 * TLB. pgtable_unmap() flushes what it unmapped from every CPU through
 * pt_flush_tlb_range(), a shootdown (kernel/mm/tlb.c) that returns once
 * every online CPU has flushed, so a heap page is freed to the page
 * allocator only when no CPU can reach it any more. The shootdown waits
 * with `heap_region_lock` held and interrupts off; a CPU spinning on that
 * lock serves the request from its spin loop (see tlb.c). The VA search
 * is next-fit, so freed VA is reused late.
 */
#include "svsm/mm.h"

#include "svsm/boot.h"
#include "svsm/heap.h"
#include "svsm/log.h"
#include "svsm/panic.h"
#include "svsm/percpu.h"
#include "svsm/pgtable.h"
#include "svsm/plat.h"
#include "svsm/spinlock.h"
#include "svsm/string.h"
#include "svsm/tlb.h"
#include "svsm/tmpmap.h"

#define HEAP_PAGES (MM_HEAP_SIZE / PAGE_SIZE)
#define RELEASE_CHUNK 16U /* heap pages unmapped per shootdown */

static struct page_meta page_meta[MM_MAX_PAGES];
static uint8_t valid_bits[MM_MAX_PAGES / 4U];
static struct valid_region kernel_valid;
static struct pgtable kernel_pt;
static uint64_t heap_used[HEAP_PAGES / 64U]; /* VA pages in use */
static uint64_t heap_used_pages;
static uint64_t heap_va_cursor; /* next-fit: where the last search ended */
static struct spinlock heap_region_lock;

/** This CPU's index, for the page allocator's per-CPU caches. */
static uint32_t my_cpu(void)
{
	return this_cpu()->cpu_index;
}

/* Set once the boot CPU's GS reaches its per-CPU data. */
static bool is_gs_ready;

void mm_percpu_ready(void)
{
	__atomic_store_n(&is_gs_ready, true, __ATOMIC_RELEASE);
}

uint32_t page_alloc_this_cpu(void)
{
	/* Before GS works only the boot CPU runs: it is CPU 0. */
	return __atomic_load_n(&is_gs_ready, __ATOMIC_ACQUIRE)
		       ? this_cpu()->cpu_index
		       : 0;
}

struct valid_region *mm_valid_region(void)
{
	return &kernel_valid;
}

struct pgtable *mm_kernel_pgtable(void)
{
	return &kernel_pt;
}

/* The page-table environment: every table access maps the table. */
uint64_t *pt_page_map(paddr_t table)
{
	uint64_t *t = tmpmap_map(table);

	CHECK(t != NULL); /* pgtable holds at most two at a time */
	return t;
}

void pt_page_unmap(uint64_t *table)
{
	tmpmap_unmap(table);
}

/* Every CPU that may cache the range flushes it (kernel/mm/tlb.c). */
void pt_flush_tlb_range(vaddr_t va, uint64_t pages)
{
	tlb_flush_range(va, pages);
}

/**
 * Validates (or invalidates) [pa, pa + pages * 4 KiB): the table refuses
 * a double validation or invalidation before the platform is asked; a
 * platform failure after the table agreed means integrity is lost.
 */
static enum svsm_err mm_validate_range(paddr_t pa, uint64_t pages, bool valid)
{
	enum valid_state from = valid ? VALID_STATE_INVALID : VALID_STATE_VALID;
	enum valid_state to = valid ? VALID_STATE_VALID : VALID_STATE_INVALID;
	enum svsm_err err = valid_prepare(&kernel_valid, pa, pages, from, to);

	if (err != SVSM_OK) {
		return err;
	}
	if (plat_validate_pages(pa, pages, valid) != SVSM_OK) {
		panic("validation of [0x%llx, +%llu pages) failed after the "
		      "table allowed it",
		      (unsigned long long)pa_addr(pa),
		      (unsigned long long)pages);
	}
	valid_commit(&kernel_valid, pa, pages, to);
	return SVSM_OK;
}

/** Validates a range; see include/svsm/mm.h. */
enum svsm_err mm_validate(paddr_t pa, uint64_t pages, bool valid)
{
	return mm_validate_range(pa, pages, valid);
}

/**
 * Finds `pages` free heap VA pages, next fit from the cursor (wrapping
 * once to the start of the region); false if none.
 */
static bool heap_va_find(size_t pages, uint64_t *first)
{
	uint64_t start = heap_va_cursor;

	for (uint32_t pass = 0; pass < 2; pass++) {
		uint64_t run = 0;

		for (uint64_t i = start; i < HEAP_PAGES; i++) {
			if (heap_used[i / 64U] & (1ULL << (i % 64U))) {
				run = 0;
				continue;
			}
			if (++run == pages) {
				*first = i + 1 - pages;
				heap_va_cursor = (i + 1) % HEAP_PAGES;
				return true;
			}
		}
		start = 0;
	}
	return false;
}

static void heap_va_mark(uint64_t first, size_t pages, bool used)
{
	for (uint64_t i = first; i < first + pages; i++) {
		if (used) {
			heap_used[i / 64U] |= 1ULL << (i % 64U);
		} else {
			heap_used[i / 64U] &= ~(1ULL << (i % 64U));
		}
	}
	heap_used_pages =
		used ? heap_used_pages + pages : heap_used_pages - pages;
}

/**
 * Unmaps `n` (at most RELEASE_CHUNK) heap pages from `va` with one
 * pgtable_unmap(), hence one shootdown, then frees them: a page goes
 * back to the page allocator only after every CPU flushed it.
 */
static void heap_release_chunk(uint64_t va, size_t n)
{
	paddr_t pas[RELEASE_CHUNK];
	uint64_t flags;
	bool is_ok = n <= RELEASE_CHUNK;

	for (size_t i = 0; is_ok && i < n; i++) {
		is_ok = pgtable_lookup(&kernel_pt, va_init(va + i * PAGE_SIZE),
				       &pas[i], &flags);
	}
	CHECK(is_ok && pgtable_unmap(&kernel_pt, va_init(va), n) == SVSM_OK);
	for (size_t i = 0; i < n; i++) {
		CHECK(page_free(my_cpu(), pas[i], 0) == SVSM_OK);
	}
}

/** Unmaps and frees the first `count` pages of a heap VA run. */
static void heap_release(uint64_t va, size_t count)
{
	for (size_t done = 0; done < count; done += RELEASE_CHUNK) {
		size_t left = count - done;

		heap_release_chunk(va + done * PAGE_SIZE,
				   left < RELEASE_CHUNK ? left : RELEASE_CHUNK);
	}
}

/** Maps one new page at heap address `va`; the tables exist. */
static enum svsm_err heap_map_one(uint64_t va)
{
	struct pt_batch b;
	paddr_t pa;
	enum svsm_err err = page_alloc(my_cpu(), 0, &pa);

	if (err != SVSM_OK) {
		return err;
	}
	err = pgtable_map_prepare(&b, &kernel_pt, va_init(va), pa, 1,
				  PT_PROT_WRITE);
	if (err != SVSM_OK) {
		CHECK(page_free(my_cpu(), pa, 0) == SVSM_OK);
		return err;
	}
	CHECK(b.table_count == 0); /* mm_init created the heap's tables */
	pgtable_map_commit(&b);
	return SVSM_OK;
}

/** heap_backend_map() with `heap_region_lock` held. */
static enum svsm_err heap_map_locked(size_t pages, void **va)
{
	uint64_t first;

	if (pages == 0 || pages > HEAP_PAGES || !heap_va_find(pages, &first)) {
		return SVSM_ERR_NOMEM;
	}
	uint64_t base = MM_HEAP_BASE + first * PAGE_SIZE;

	for (size_t i = 0; i < pages; i++) {
		enum svsm_err err = heap_map_one(base + i * PAGE_SIZE);

		if (err != SVSM_OK) {
			heap_release(base, i);
			return err;
		}
	}
	heap_va_mark(first, pages, true);
	*va = va_to_ptr(va_init(base));
	return SVSM_OK;
}

/** The heap backend: `pages` fresh pages mapped at consecutive VAs. */
enum svsm_err heap_backend_map(size_t pages, void **va)
{
	uint64_t flags = spin_lock_irqsave(&heap_region_lock);
	enum svsm_err err = heap_map_locked(pages, va);

	spin_unlock_irqrestore(&heap_region_lock, flags);
	return err;
}

/** Returns heap pages to the page allocator. */
void heap_backend_unmap(void *va, size_t pages)
{
	uint64_t base = (uint64_t)va;
	uint64_t flags;

	CHECK(base >= MM_HEAP_BASE && base % PAGE_SIZE == 0 &&
	      pages <= HEAP_PAGES &&
	      (base - MM_HEAP_BASE) / PAGE_SIZE + pages <= HEAP_PAGES);
	flags = spin_lock_irqsave(&heap_region_lock);
	heap_release(base, pages);
	heap_va_mark((base - MM_HEAP_BASE) / PAGE_SIZE, pages, false);
	spin_unlock_irqrestore(&heap_region_lock, flags);
}

/** Hands the free part of the kernel region to the page allocator. */
static enum svsm_err init_pages(const struct svsm_launch_info *li)
{
	uint64_t region_pages =
		(li->kernel_pend - li->kernel_pbase) / PAGE_SIZE;
	uint64_t image_pages = (li->free_pbase - li->kernel_pbase) / PAGE_SIZE;
	enum svsm_err err;

	if (region_pages > MM_MAX_PAGES) {
		pr_warn("mm: using %u of the region's %llu pages\n",
			MM_MAX_PAGES, (unsigned long long)region_pages);
		region_pages = MM_MAX_PAGES;
	}
	if (image_pages >= region_pages) {
		return SVSM_ERR_RANGE;
	}
	err = valid_region_init(&kernel_valid, pa_init(li->kernel_pbase),
				region_pages, valid_bits, sizeof(valid_bits));
	if (err != SVSM_OK) {
		return err;
	}
	/* The loader placed (and on SNP validated) the image's pages. */
	err = plat_record_prevalidated(&kernel_valid, li);
	if (err != SVSM_OK) {
		return err;
	}
	err = mm_validate_range(pa_init(li->free_pbase),
				region_pages - image_pages, true);
	if (err == SVSM_OK) {
		err = page_alloc_init(page_meta, MM_MAX_PAGES, SVSM_MAX_CPUS);
	}
	if (err == SVSM_OK) {
		err = page_alloc_add_range(pa_init(li->free_pbase),
					   (region_pages - image_pages) *
						   PAGE_SIZE);
	}
	return err;
}

/** Sets up the allocators; see include/svsm/mm.h. */
enum svsm_err mm_init(const struct svsm_launch_info *li)
{
	struct pt_batch b;
	enum svsm_err err = tmpmap_init(li);

	if (err == SVSM_OK) {
		err = init_pages(li);
	}
	if (err != SVSM_OK) {
		return err;
	}
	/* Any CPU maps through it: page-table pages come from the caller's
	 * own page cache. */
	kernel_pt = (struct pgtable){ pa_init(li->pt_root_pa),
				      PAGE_ALLOC_THIS_CPU };
	/* Create the heap region's tables now: growing never allocates. */
	err = pgtable_map_prepare(&b, &kernel_pt, va_init(MM_HEAP_BASE),
				  pa_init(0), HEAP_PAGES, PT_PROT_RESERVE);
	if (err == SVSM_OK) {
		pgtable_map_commit(&b);
	}
	return err;
}

/** Fills `st` with the statistics of every allocator. */
void mm_get_stats(struct mm_stats *st)
{
	page_alloc_get_stats(&st->pages);
	heap_get_stats(&st->heap);
	valid_count(&kernel_valid, st->valid_pages);
	st->heap_va_pages_used =
		__atomic_load_n(&heap_used_pages, __ATOMIC_RELAXED);
	st->tmp_slots_used = tmpmap_slots_used();
}

/** What the allocators hold for callers; see include/svsm/mm.h. */
uint64_t mm_outstanding(void)
{
	struct mm_stats st;
	uint64_t n;

	mm_get_stats(&st);
	n = st.pages.total_pages - st.pages.free_pages - st.heap_va_pages_used;
	for (uint32_t i = 0; i < HEAP_CLASS_COUNT; i++) {
		n += st.heap.class_in_use[i];
	}
	return n + st.heap.large_allocs;
}
