// SPDX-License-Identifier: MIT
/*
 * The physical page allocator: a binary buddy allocator over up to
 * PAGE_ALLOC_MAX_ZONES contiguous zones, with a per-CPU cache of single
 * pages in front of it. It only tracks pages: all it knows lives in the
 * caller's `struct page_meta` array (one entry per managed page) and in
 * the small tables below. It never reads, writes or maps the memory it
 * manages; there is no direct map in this kernel.
 *
 * Metadata. Zone `z` owns the entries meta[z.first .. z.first + z.pages).
 * A block of order k (2^k pages) starts at a page frame number that is a
 * multiple of 2^k, and its first page (the head) says what it is:
 *   PAGE_META_FREE  free, linked into its zone's list for order k;
 *   PAGE_META_HEAD  allocated with order k;
 *   PAGE_META_PCP   a free single page parked in a per-CPU cache.
 * The other pages of an allocated block are PAGE_META_TAIL; those of a
 * free block carry no flags. So page_free() can tell a double free, a
 * wrong order or a page inside another block from one look at the head.
 * Free lists are doubly linked through `next`/`prev`, which hold indices
 * into the meta array (PAGE_NONE for none), so every list operation is
 * O(1); a bitmap per zone says which orders have a free block, so the
 * search for a block is O(zones). Allocation and free of a block of order
 * k cost O(MAX_ORDER) for the split or merge plus O(2^k) for marking the
 * tails, which is the cost of touching the block's metadata once.
 *
 * Locking. There is none yet: the kernel runs on one CPU. The SMP work
 * adds a lock per zone, taken around the buddy lists and the zone
 * counters (never two zone locks at once), and keeps the rule that a
 * per-CPU cache is touched only by its own CPU with interrupts off, so
 * the order-0 fast path needs no lock.
 */
#include "svsm/page_alloc.h"

#include "svsm/alloc_fail.h"
#include "svsm/string.h"

/** No page: the end of a free list. */
#define PAGE_NONE UINT32_MAX

/* Values of `struct page_meta.flags`; 0 is a later page of a free block. */
#define PAGE_META_FREE 0x1U /* head of a free block, in a buddy list */
#define PAGE_META_HEAD 0x2U /* head of an allocated block */
#define PAGE_META_TAIL 0x4U /* a later page of an allocated block */
#define PAGE_META_PCP 0x8U  /* a free page in a per-CPU cache */

#define ORDER_COUNT (PAGE_ALLOC_MAX_ORDER + 1U)

/** One contiguous managed range and its buddy lists. */
struct page_zone {
	uint64_t base_pfn;
	uint64_t pages;
	uint32_t first;			 /* its first entry in the meta array */
	uint32_t order_mask;		 /* bit k: free_head[k] is not empty */
	uint32_t free_head[ORDER_COUNT]; /* per order, PAGE_NONE if empty */
	uint64_t free_pages;		 /* in the lists and in CPU caches */
};

/** One CPU's cache of free single pages, as meta indices (a stack). */
struct page_pcp {
	uint32_t count;
	uint32_t idx[PAGE_ALLOC_PCP_HIGH];
};

/** The allocator. */
static struct {
	struct page_meta *meta;
	size_t meta_count;
	size_t meta_used; /* entries given to zones so far */
	uint32_t cpu_count;
	uint32_t zone_count;
	struct page_zone zones[PAGE_ALLOC_MAX_ZONES];
	struct page_pcp pcp[PAGE_ALLOC_MAX_CPUS];
	uint64_t pcp_pages;
	uint64_t alloc_calls;
	uint64_t free_calls;
	uint64_t failed_allocs;
} pga;

/** The page frame number just past zone `z`. */
static uint64_t zone_end(const struct page_zone *z)
{
	return z->base_pfn + z->pages;
}

/** The meta index of page `pfn` of zone `z`. */
static uint32_t pfn_index(const struct page_zone *z, uint64_t pfn)
{
	return z->first + (uint32_t)(pfn - z->base_pfn);
}

/** The page frame number of meta index `idx` of zone `z`. */
static uint64_t index_pfn(const struct page_zone *z, uint32_t idx)
{
	return z->base_pfn + (idx - z->first);
}

/** The zone that holds page `pfn`, or NULL. */
static struct page_zone *zone_of_pfn(uint64_t pfn)
{
	for (uint32_t i = 0; i < pga.zone_count; i++) {
		struct page_zone *z = &pga.zones[i];

		if (pfn >= z->base_pfn && pfn < zone_end(z)) {
			return z;
		}
	}
	return NULL;
}

/**
 * The zone that owns meta index `idx`, which must belong to a zone (a
 * page in a list or a cache). Zones take consecutive runs of the meta
 * array in the order they were added, so it is the last zone that starts
 * at or before `idx`.
 */
static struct page_zone *zone_of_index(uint32_t idx)
{
	struct page_zone *z = &pga.zones[0];

	for (uint32_t i = 1; i < pga.zone_count && pga.zones[i].first <= idx;
	     i++) {
		z = &pga.zones[i];
	}
	return z;
}

/** The first zone with a free block of at least `order`, or NULL. */
static struct page_zone *zone_with_free(uint32_t order)
{
	for (uint32_t i = 0; i < pga.zone_count; i++) {
		if ((pga.zones[i].order_mask >> order) != 0) {
			return &pga.zones[i];
		}
	}
	return NULL;
}

/** Makes `idx` the head of a free block of `order` in zone `z`'s list. */
static void list_push(struct page_zone *z, uint32_t order, uint32_t idx)
{
	struct page_meta *m = &pga.meta[idx];
	uint32_t head = z->free_head[order];

	m->prev = PAGE_NONE;
	m->next = head;
	m->order = (uint8_t)order;
	m->flags = PAGE_META_FREE;
	if (head != PAGE_NONE) {
		pga.meta[head].prev = idx;
	}
	z->free_head[order] = idx;
	z->order_mask |= 1U << order;
}

/** Unlinks the free block at `idx` from its list and clears its head. */
static void list_remove(struct page_zone *z, uint32_t idx)
{
	struct page_meta *m = &pga.meta[idx];
	uint32_t order = m->order;

	if (m->prev != PAGE_NONE) {
		pga.meta[m->prev].next = m->next;
	} else {
		z->free_head[order] = m->next;
	}
	if (m->next != PAGE_NONE) {
		pga.meta[m->next].prev = m->prev;
	}
	if (z->free_head[order] == PAGE_NONE) {
		z->order_mask &= ~(1U << order);
	}
	*m = (struct page_meta){ .next = PAGE_NONE, .prev = PAGE_NONE };
}

/**
 * Takes a free block of `order` from zone `z`, which must have one of at
 * least that order: the smallest one that fits, split down, the unused
 * halves going back to the lists. Returns its meta index; the head's
 * flags are the caller's to set.
 */
static uint32_t buddy_take(struct page_zone *z, uint32_t order)
{
	uint32_t avail = z->order_mask & ~((1U << order) - 1U);
	uint32_t o = (uint32_t)__builtin_ctz(avail);
	uint32_t idx = z->free_head[o];

	list_remove(z, idx);
	while (o > order) {
		o--;
		list_push(z, o, idx + (1U << o));
	}
	return idx;
}

/**
 * Returns the block of `order` at `idx` (whose pages carry no flags any
 * more) to zone `z`, merging it with its buddy for as long as the buddy
 * is a free block of the same order inside the same zone.
 */
static void buddy_put(struct page_zone *z, uint32_t idx, uint32_t order)
{
	uint64_t pfn = index_pfn(z, idx);

	while (order < PAGE_ALLOC_MAX_ORDER) {
		uint64_t buddy = pfn ^ (1ULL << order);
		const struct page_meta *bm;

		if (buddy < z->base_pfn ||
		    buddy + (1ULL << order) > zone_end(z)) {
			break;
		}
		bm = &pga.meta[pfn_index(z, buddy)];
		if (bm->flags != PAGE_META_FREE || bm->order != order) {
			break;
		}
		list_remove(z, pfn_index(z, buddy));
		pfn &= ~(1ULL << order);
		order++;
	}
	list_push(z, order, pfn_index(z, pfn));
}

/** Marks the pages of the block at `idx` allocated with `order`. */
static void mark_allocated(uint32_t idx, uint32_t order)
{
	pga.meta[idx].flags = PAGE_META_HEAD;
	pga.meta[idx].order = (uint8_t)order;
	for (uint32_t i = 1; i < (1U << order); i++) {
		pga.meta[idx + i].flags = PAGE_META_TAIL;
		pga.meta[idx + i].order = 0;
	}
}

/** Clears the flags of the pages of the block at `idx`. */
static void clear_block(uint32_t idx, uint32_t order)
{
	for (uint32_t i = 0; i < (1U << order); i++) {
		pga.meta[idx + i].flags = 0;
		pga.meta[idx + i].order = 0;
	}
}

/**
 * Moves up to PAGE_ALLOC_PCP_BATCH single pages from the buddy lists into
 * cache `c`; returns how many it moved (0 when memory is exhausted).
 */
static uint32_t pcp_refill(struct page_pcp *c)
{
	uint32_t n = 0;

	while (n < PAGE_ALLOC_PCP_BATCH && c->count < PAGE_ALLOC_PCP_HIGH) {
		struct page_zone *z = zone_with_free(0);
		uint32_t idx;

		if (!z) {
			break;
		}
		idx = buddy_take(z, 0);
		pga.meta[idx].flags = PAGE_META_PCP;
		c->idx[c->count++] = idx;
		n++;
	}
	pga.pcp_pages += n;
	return n;
}

/** Returns the `n` oldest pages of cache `c` (at most all) to the lists. */
static void pcp_drain(struct page_pcp *c, uint32_t n)
{
	if (n > c->count) {
		n = c->count;
	}
	for (uint32_t i = 0; i < n; i++) {
		uint32_t idx = c->idx[i];

		pga.meta[idx].flags = 0;
		buddy_put(zone_of_index(idx), idx, 0);
	}
	memmove(c->idx, c->idx + n, (c->count - n) * sizeof(c->idx[0]));
	c->count -= n;
	pga.pcp_pages -= n;
}

/** Allocates a single page from cache `c`, refilling it when empty. */
static enum svsm_err alloc_cached(struct page_pcp *c, uint32_t *idx_out)
{
	uint32_t idx;

	if (c->count == 0 && pcp_refill(c) == 0) {
		return SVSM_ERR_NOMEM;
	}
	idx = c->idx[--c->count];
	pga.pcp_pages--;
	mark_allocated(idx, 0);
	zone_of_index(idx)->free_pages--;
	*idx_out = idx;
	return SVSM_OK;
}

/** Allocates a block of `order` from the buddy lists of any zone. */
static enum svsm_err alloc_block(uint32_t order, uint32_t *idx_out)
{
	struct page_zone *z = zone_with_free(order);
	uint32_t idx;

	if (!z) {
		return SVSM_ERR_NOMEM;
	}
	idx = buddy_take(z, order);
	mark_allocated(idx, order);
	z->free_pages -= 1ULL << order;
	*idx_out = idx;
	return SVSM_OK;
}

/** Starts the allocator with no zones and empty caches. */
enum svsm_err page_alloc_init(struct page_meta *meta, size_t meta_count,
			      uint32_t cpu_count)
{
	if (!meta || meta_count == 0 || cpu_count == 0 ||
	    cpu_count > PAGE_ALLOC_MAX_CPUS) {
		return SVSM_ERR_INVAL;
	}
	if (meta_count >= PAGE_NONE) {
		return SVSM_ERR_RANGE; /* indices must stay below PAGE_NONE */
	}
	memset(&pga, 0, sizeof(pga));
	pga.meta = meta;
	pga.meta_count = meta_count;
	pga.cpu_count = cpu_count;
	return SVSM_OK;
}

/** Checks that [base, base + size) can become a new zone. */
static enum svsm_err check_new_zone(paddr_t base, uint64_t size)
{
	uint64_t start = pa_addr(base);
	uint64_t first = start >> PAGE_SHIFT;
	uint64_t end = first + (size >> PAGE_SHIFT);

	if (!pga.meta || !pa_is_page_aligned(base) || size == 0 ||
	    (size & (PAGE_SIZE - 1)) != 0) {
		return SVSM_ERR_INVAL;
	}
	if (size > UINT64_MAX - start ||
	    pga.zone_count == PAGE_ALLOC_MAX_ZONES ||
	    (size >> PAGE_SHIFT) > pga.meta_count - pga.meta_used) {
		return SVSM_ERR_RANGE;
	}
	for (uint32_t i = 0; i < pga.zone_count; i++) {
		const struct page_zone *z = &pga.zones[i];

		if (first < zone_end(z) && z->base_pfn < end) {
			return SVSM_ERR_INVAL; /* overlaps zone i */
		}
	}
	return SVSM_OK;
}

/**
 * Puts every page of the new zone `z` into its lists, as the largest
 * blocks that are aligned to their size and fit: a base that is not
 * aligned to PAGE_ALLOC_MAX_ORDER gives smaller blocks at the edges.
 */
static void zone_fill(struct page_zone *z)
{
	uint64_t pfn = z->base_pfn;

	while (pfn < zone_end(z)) {
		uint32_t order = PAGE_ALLOC_MAX_ORDER;

		while (order > 0 && ((pfn & ((1ULL << order) - 1)) != 0 ||
				     pfn + (1ULL << order) > zone_end(z))) {
			order--;
		}
		list_push(z, order, pfn_index(z, pfn));
		pfn += 1ULL << order;
	}
}

/** Adds [base, base + size) as a new zone of free pages. */
enum svsm_err page_alloc_add_range(paddr_t base, uint64_t size)
{
	enum svsm_err err = check_new_zone(base, size);
	struct page_zone *z;

	if (err != SVSM_OK) {
		return err;
	}
	z = &pga.zones[pga.zone_count++];
	z->base_pfn = pfn_value(pa_to_pfn(base));
	z->pages = size >> PAGE_SHIFT;
	z->first = (uint32_t)pga.meta_used;
	z->order_mask = 0;
	for (uint32_t o = 0; o < ORDER_COUNT; o++) {
		z->free_head[o] = PAGE_NONE;
	}
	z->free_pages = z->pages;
	memset(&pga.meta[z->first], 0, z->pages * sizeof(pga.meta[0]));
	pga.meta_used += z->pages;
	zone_fill(z);
	return SVSM_OK;
}

/**
 * Allocates 2^order pages. Order 0 goes through CPU `cpu`'s cache; a
 * larger order that finds no block drains that cache (the only one this
 * CPU may touch) and tries once more.
 */
enum svsm_err page_alloc(uint32_t cpu, uint32_t order, paddr_t *out)
{
	enum svsm_err err;
	uint32_t idx;

	pga.alloc_calls++;
	if (alloc_fail_check()) {
		pga.failed_allocs++;
		return SVSM_ERR_NOMEM;
	}
	if (cpu >= pga.cpu_count || order > PAGE_ALLOC_MAX_ORDER) {
		return SVSM_ERR_INVAL;
	}
	if (order == 0) {
		err = alloc_cached(&pga.pcp[cpu], &idx);
	} else {
		err = alloc_block(order, &idx);
		if (err == SVSM_ERR_NOMEM && pga.pcp[cpu].count > 0) {
			pcp_drain(&pga.pcp[cpu], pga.pcp[cpu].count);
			err = alloc_block(order, &idx);
		}
	}
	if (err != SVSM_OK) {
		pga.failed_allocs++;
		return err;
	}
	*out = pfn_to_pa(pfn_init(index_pfn(zone_of_index(idx), idx)));
	return SVSM_OK;
}

/**
 * Checks that (`pa`, `order`) names a block allocated with exactly that
 * order, and returns its zone and meta index.
 */
static enum svsm_err check_free(uint32_t cpu, paddr_t pa, uint32_t order,
				struct page_zone **zone_out, uint32_t *idx_out)
{
	uint64_t pfn = pfn_value(pa_to_pfn(pa));
	struct page_zone *z;
	const struct page_meta *m;

	if (cpu >= pga.cpu_count || order > PAGE_ALLOC_MAX_ORDER ||
	    !pa_is_page_aligned(pa)) {
		return SVSM_ERR_INVAL;
	}
	z = zone_of_pfn(pfn);
	if (!z || (pfn & ((1ULL << order) - 1)) != 0) {
		return SVSM_ERR_INVAL; /* not managed, or misaligned */
	}
	m = &pga.meta[pfn_index(z, pfn)];
	if (m->flags != PAGE_META_HEAD || m->order != order) {
		return SVSM_ERR_INVAL; /* free, cached, a tail, other order */
	}
	*zone_out = z;
	*idx_out = pfn_index(z, pfn);
	return SVSM_OK;
}

/**
 * Frees a block. A single page goes into CPU `cpu`'s cache (which first
 * gives PAGE_ALLOC_PCP_BATCH pages back when full); a larger block goes
 * straight back to the buddy lists.
 */
enum svsm_err page_free(uint32_t cpu, paddr_t pa, uint32_t order)
{
	struct page_zone *z;
	struct page_pcp *c;
	uint32_t idx;
	enum svsm_err err;

	pga.free_calls++;
	err = check_free(cpu, pa, order, &z, &idx);
	if (err != SVSM_OK) {
		return err;
	}
	z->free_pages += 1ULL << order;
	if (order > 0) {
		clear_block(idx, order);
		buddy_put(z, idx, order);
		return SVSM_OK;
	}
	c = &pga.pcp[cpu];
	if (c->count == PAGE_ALLOC_PCP_HIGH) {
		pcp_drain(c, PAGE_ALLOC_PCP_BATCH);
	}
	pga.meta[idx].flags = PAGE_META_PCP;
	c->idx[c->count++] = idx;
	pga.pcp_pages++;
	return SVSM_OK;
}

/** Returns all of CPU `cpu`'s cache; does nothing for a bad `cpu`. */
void page_alloc_drain_cpu(uint32_t cpu)
{
	if (cpu < pga.cpu_count) {
		pcp_drain(&pga.pcp[cpu], pga.pcp[cpu].count);
	}
}

/** Fills `st` with the zones and the counters. */
void page_alloc_get_stats(struct page_alloc_stats *st)
{
	memset(st, 0, sizeof(*st));
	st->zone_count = pga.zone_count;
	for (uint32_t i = 0; i < pga.zone_count; i++) {
		const struct page_zone *z = &pga.zones[i];

		st->zones[i].base = pa_addr(pfn_to_pa(pfn_init(z->base_pfn)));
		st->zones[i].pages = z->pages;
		st->zones[i].free_pages = z->free_pages;
		st->total_pages += z->pages;
		st->free_pages += z->free_pages;
	}
	st->pcp_pages = pga.pcp_pages;
	st->alloc_calls = pga.alloc_calls;
	st->free_calls = pga.free_calls;
	st->failed_allocs = pga.failed_allocs;
}
