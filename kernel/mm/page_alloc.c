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
 * The per-CPU path. A cached page keeps its meta index and its zone
 * number, so page_alloc() of one page from a non-empty cache is a pop, one
 * flags store and an addition; page_free() of one page costs the checks
 * (one pass over the zones) and a push. Neither touches a zone: a zone's
 * `list_pages` counts only the pages in its buddy lists, and
 * page_alloc_get_stats() adds the cached pages to their zones. The call
 * counters are per CPU too, summed by page_alloc_get_stats().
 *
 * Locking. Every entry point that takes `cpu` runs with interrupts off
 * on this CPU (irq_save(), a no-op on the host) and callers pass their
 * own CPU index (`this_cpu()->cpu_index` in the kernel): a per-CPU cache
 * and its counters are then touched only by their own CPU, with nothing
 * else running there, so the order-0 fast path takes no lock. Each zone
 * has a spinlock around its buddy lists, its `order_mask`,
 * `free_head[]` and `list_pages`, and the meta entries of the free blocks
 * in it; the zone search reads `order_mask` without the lock and checks
 * again under it. A page's `flags` are read and written with relaxed
 * atomics where another CPU may look at them (a buddy check under
 * another zone lock); they are plain byte moves on x86.
 *
 * Lock order: interrupts off (per-CPU cache), then at most one zone lock;
 * never two zone locks at once. The callers' locks (heap class, heap
 * backend) come before all of these. Nothing here is called from
 * interrupt context. page_alloc_init() and page_alloc_add_range() are
 * boot-time, before any other CPU uses the allocator. A double free that
 * races with itself on two CPUs is a caller bug that the checks may not
 * see; a sequential one is always refused.
 * page_alloc_get_stats() reads every CPU's cache and counters without
 * stopping them: its figures are a snapshot, exact only when the
 * allocator is quiet.
 */
#include "svsm/page_alloc.h"

#include "svsm/alloc_fail.h"
#include "svsm/spinlock.h"
#include "svsm/string.h"

/** No page: the end of a free list. */
#define PAGE_NONE UINT32_MAX

/* Values of `struct page_meta.flags`; 0 is a later page of a free block. */
#define PAGE_META_FREE 0x1U /* head of a free block, in a buddy list */
#define PAGE_META_HEAD 0x2U /* head of an allocated block */
#define PAGE_META_TAIL 0x4U /* a later page of an allocated block */
#define PAGE_META_PCP 0x8U  /* a free page in a per-CPU cache */

#define ORDER_COUNT (PAGE_ALLOC_MAX_ORDER + 1U)

/*
 * For the functions off the per-CPU fast paths: kept out of line, so that
 * page_alloc() and page_free() stay small enough to need (almost) no
 * saved registers.
 */
#define SLOW_PATH __attribute__((noinline, cold))
/* For a helper of a fast path that is also called elsewhere. */
#define ALWAYS_INLINE inline __attribute__((always_inline))

/** No zone: a page frame number that no zone holds. */
#define ZONE_NONE UINT32_MAX

/**
 * One contiguous managed range and its buddy lists. Aligned so that its
 * size is a power of two: the fast paths index `pga.zones` with a shift.
 */
struct __attribute__((aligned(128))) page_zone {
	uint64_t base_pfn;
	uint64_t pages;
	uint64_t pfn_offset; /* base_pfn - first: a page's pfn - its index */
	uint32_t first;	     /* its first entry in the meta array */
	uint32_t order_mask; /* bit k: free_head[k] is not empty */
	uint32_t free_head[ORDER_COUNT]; /* per order, PAGE_NONE if empty */
	uint64_t list_pages;  /* free pages in the lists (not in caches) */
	struct spinlock lock; /* everything above but the constants */
};

/** A free single page in a per-CPU cache: where its metadata is. */
struct pcp_entry {
	uint32_t idx;  /* meta index */
	uint32_t zone; /* index into `pga.zones` */
};

/** Call counters, kept per CPU so that the fast paths share no line. */
struct page_counters {
	uint64_t alloc_calls;
	uint64_t free_calls;
	uint64_t failed_allocs;
};

/** One CPU's cache of free single pages (a stack) and its counters. */
struct page_pcp {
	uint32_t count;
	struct pcp_entry cache[PAGE_ALLOC_PCP_HIGH];
	struct page_counters calls;
};

/** The allocator. */
static struct {
	struct page_zone zones[PAGE_ALLOC_MAX_ZONES];
	struct page_pcp pcp[PAGE_ALLOC_MAX_CPUS];
	struct page_counters stray_calls; /* calls naming no valid CPU */
	struct page_meta *meta;
	size_t meta_count;
	size_t meta_used; /* entries given to zones so far */
	uint32_t cpu_count;
	uint32_t zone_count;
} pga;

/** The page frame number just past zone `z`. */
static uint64_t zone_end(const struct page_zone *z)
{
	return z->base_pfn + z->pages;
}

/** The meta index of page `pfn` of zone `z`. */
static uint32_t pfn_index(const struct page_zone *z, uint64_t pfn)
{
	return (uint32_t)(pfn - z->pfn_offset);
}

/** The page frame number of meta index `idx` of zone `z`. */
static uint64_t index_pfn(const struct page_zone *z, uint32_t idx)
{
	return idx + z->pfn_offset;
}

/** Page `idx`'s flags, which another CPU may be storing. */
static uint8_t meta_flags(uint32_t idx)
{
	return __atomic_load_n(&pga.meta[idx].flags, __ATOMIC_RELAXED);
}

/** Sets page `idx`'s flags, which another CPU may be reading. */
static void meta_set_flags(uint32_t idx, uint8_t flags)
{
	__atomic_store_n(&pga.meta[idx].flags, flags, __ATOMIC_RELAXED);
}

/** Whether zone `z` has a free block of `order` or more (unlocked). */
static bool zone_may_have(const struct page_zone *z, uint32_t order)
{
	return (__atomic_load_n(&z->order_mask, __ATOMIC_RELAXED) >> order) !=
	       0;
}

/** The number of the zone that holds page `pfn`, or ZONE_NONE. */
static uint32_t zone_of_pfn(uint64_t pfn)
{
	for (uint32_t i = 0; i < pga.zone_count; i++) {
		const struct page_zone *z = &pga.zones[i];

		/* Unsigned: a pfn below the base wraps to a huge offset. */
		if (pfn - z->base_pfn < z->pages) {
			return i;
		}
	}
	return ZONE_NONE;
}

/** Makes `idx` the head of a free block of `order` in zone `z`'s list. */
static void list_push(struct page_zone *z, uint32_t order, uint32_t idx)
{
	struct page_meta *m = &pga.meta[idx];
	uint32_t head = z->free_head[order];

	m->prev = PAGE_NONE;
	m->next = head;
	m->order = (uint8_t)order;
	meta_set_flags(idx, PAGE_META_FREE);
	if (head != PAGE_NONE) {
		pga.meta[head].prev = idx;
	}
	z->free_head[order] = idx;
	__atomic_store_n(&z->order_mask, z->order_mask | (1U << order),
			 __ATOMIC_RELAXED);
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
		__atomic_store_n(&z->order_mask, z->order_mask & ~(1U << order),
				 __ATOMIC_RELAXED);
	}
	m->next = PAGE_NONE;
	m->prev = PAGE_NONE;
	m->order = 0;
	meta_set_flags(idx, 0);
}

/**
 * Takes a free block of `order` from zone `z`, locked, which must have
 * one of at least that order: the smallest one that fits, split down, the
 * unused halves going back to the lists. Returns its meta index; the head's
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
	z->list_pages -= 1ULL << order;
	return idx;
}

/**
 * Returns the block of `order` at `idx` (whose pages carry no flags any
 * more) to zone `z`, locked, merging it with its buddy for as long as the buddy
 * is a free block of the same order inside the same zone.
 */
static void buddy_put(struct page_zone *z, uint32_t idx, uint32_t order)
{
	uint64_t pfn = index_pfn(z, idx);

	z->list_pages += 1ULL << order;
	while (order < PAGE_ALLOC_MAX_ORDER) {
		uint64_t buddy = pfn ^ (1ULL << order);
		const struct page_meta *bm;

		if (buddy < z->base_pfn ||
		    buddy + (1ULL << order) > zone_end(z)) {
			break;
		}
		bm = &pga.meta[pfn_index(z, buddy)];
		if (meta_flags(pfn_index(z, buddy)) != PAGE_META_FREE ||
		    bm->order != order) {
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
	pga.meta[idx].order = (uint8_t)order;
	meta_set_flags(idx, PAGE_META_HEAD);
	for (uint32_t i = 1; i < (1U << order); i++) {
		pga.meta[idx + i].order = 0;
		meta_set_flags(idx + i, PAGE_META_TAIL);
	}
}

/** Clears the flags of the pages of the block at `idx`. */
static void clear_block(uint32_t idx, uint32_t order)
{
	for (uint32_t i = 0; i < (1U << order); i++) {
		meta_set_flags(idx + i, 0);
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

	for (uint32_t zone = 0; zone < pga.zone_count; zone++) {
		struct page_zone *z = &pga.zones[zone];

		if (!zone_may_have(z, 0)) {
			continue;
		}
		spin_lock(&z->lock);
		while (n < PAGE_ALLOC_PCP_BATCH &&
		       c->count < PAGE_ALLOC_PCP_HIGH && z->order_mask != 0) {
			uint32_t idx = buddy_take(z, 0);

			meta_set_flags(idx, PAGE_META_PCP);
			c->cache[c->count++] = (struct pcp_entry){ idx, zone };
			n++;
		}
		spin_unlock(&z->lock);
		if (n == PAGE_ALLOC_PCP_BATCH) {
			break;
		}
	}
	return n;
}

/** Returns the `n` oldest pages of cache `c` (at most all) to the lists. */
static void pcp_drain(struct page_pcp *c, uint32_t n)
{
	if (n > c->count) {
		n = c->count;
	}
	for (uint32_t i = 0; i < n; i++) {
		struct pcp_entry e = c->cache[i];
		struct page_zone *z = &pga.zones[e.zone];

		spin_lock(&z->lock);
		meta_set_flags(e.idx, 0);
		buddy_put(z, e.idx, 0);
		spin_unlock(&z->lock);
	}
	memmove(c->cache, c->cache + n, (c->count - n) * sizeof(c->cache[0]));
	c->count -= n;
}

/** Allocates a block of `order` from the buddy lists of any zone. */
static enum svsm_err alloc_block(uint32_t order, struct pcp_entry *out)
{
	for (uint32_t zone = 0; zone < pga.zone_count; zone++) {
		struct page_zone *z = &pga.zones[zone];
		uint32_t idx;

		if (!zone_may_have(z, order)) {
			continue;
		}
		spin_lock(&z->lock);
		if ((z->order_mask >> order) == 0) {
			spin_unlock(&z->lock); /* taken meanwhile */
			continue;
		}
		idx = buddy_take(z, order);
		mark_allocated(idx, order);
		spin_unlock(&z->lock);
		*out = (struct pcp_entry){ idx, zone };
		return SVSM_OK;
	}
	return SVSM_ERR_NOMEM;
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
	z->pfn_offset = z->base_pfn - z->first;
	z->order_mask = 0;
	for (uint32_t o = 0; o < ORDER_COUNT; o++) {
		z->free_head[o] = PAGE_NONE;
	}
	z->list_pages = z->pages;
	memset(&pga.meta[z->first], 0, z->pages * sizeof(pga.meta[0]));
	pga.meta_used += z->pages;
	zone_fill(z);
	return SVSM_OK;
}

/** The physical address of the page described by `e`. */
static paddr_t entry_pa(struct pcp_entry e)
{
	return pfn_to_pa(pfn_init(index_pfn(&pga.zones[e.zone], e.idx)));
}

/**
 * Takes the page on top of cache `c`, which is not empty, and marks it
 * allocated: a cached page's order is already 0, so that is one store to
 * its flags.
 */
static struct pcp_entry pcp_pop(struct page_pcp *c)
{
	struct pcp_entry e = c->cache[--c->count];

	meta_set_flags(e.idx, PAGE_META_HEAD);
	return e;
}

/**
 * page_alloc() for a CPU number that names no cache: counted, and failed
 * with SVSM_ERR_NOMEM if the fault injector said so (`is_injected`), as
 * any call would be, else refused.
 */
static SLOW_PATH enum svsm_err alloc_stray(bool is_injected)
{
	__atomic_fetch_add(&pga.stray_calls.alloc_calls, 1, __ATOMIC_RELAXED);
	if (is_injected) {
		__atomic_fetch_add(&pga.stray_calls.failed_allocs, 1,
				   __ATOMIC_RELAXED);
		return SVSM_ERR_NOMEM;
	}
	return SVSM_ERR_INVAL;
}

/**
 * page_alloc() past the fast path: a single page for an empty cache
 * (refilled first), or a larger block, which drains the cache (the only
 * one this CPU may touch) and tries once more if none is free.
 */
static SLOW_PATH enum svsm_err alloc_slow(struct page_pcp *c, uint32_t order,
					  paddr_t *out)
{
	struct pcp_entry e;
	enum svsm_err err;

	if (order > PAGE_ALLOC_MAX_ORDER) {
		return SVSM_ERR_INVAL;
	}
	if (order == 0) {
		if (pcp_refill(c) == 0) {
			c->calls.failed_allocs++;
			return SVSM_ERR_NOMEM;
		}
		*out = entry_pa(pcp_pop(c));
		return SVSM_OK;
	}
	err = alloc_block(order, &e);
	if (err == SVSM_ERR_NOMEM && c->count > 0) {
		pcp_drain(c, c->count);
		err = alloc_block(order, &e);
	}
	if (err != SVSM_OK) {
		c->calls.failed_allocs++;
		return err;
	}
	*out = entry_pa(e);
	return SVSM_OK;
}

/**
 * Allocates 2^order pages. Order 0 goes through CPU `cpu`'s cache (the
 * caller's own CPU), with interrupts off: with a page in it, that is all
 * this function does. The fault injector is asked first, before any
 * check, as on every path.
 */
/** The calling CPU; the kernel's mm.c overrides this default. */
__attribute__((weak)) uint32_t page_alloc_this_cpu(void)
{
	return 0;
}

enum svsm_err page_alloc(uint32_t cpu, uint32_t order, paddr_t *out)
{
	bool is_injected = alloc_fail_check();
	struct page_pcp *c;
	enum svsm_err err = SVSM_OK;
	uint64_t flags;

	flags = irq_save();
	if (cpu == PAGE_ALLOC_THIS_CPU) {
		cpu = page_alloc_this_cpu(); /* interrupts off: no moving */
	}
	if (cpu >= pga.cpu_count) {
		irq_restore(flags);
		return alloc_stray(is_injected);
	}
	c = &pga.pcp[cpu];
	c->calls.alloc_calls++;
	if (is_injected) {
		c->calls.failed_allocs++;
		err = SVSM_ERR_NOMEM;
	} else if (order != 0 || c->count == 0) {
		err = alloc_slow(c, order, out);
	} else {
		*out = entry_pa(pcp_pop(c));
	}
	irq_restore(flags);
	return err;
}

/**
 * Finds the block (`pa`, `order`) names, which must be allocated with
 * exactly that order: its meta index and zone. False for an address no
 * zone holds, one not aligned to the order, or a head that is free,
 * cached, a tail or of another order. Inlined, so that page_free()'s
 * copy is specialised for order 0.
 */
static ALWAYS_INLINE bool find_allocated(paddr_t pa, uint32_t order,
					 struct pcp_entry *out)
{
	uint64_t pfn = pfn_value(pa_to_pfn(pa));
	uint32_t zone;
	uint32_t idx;
	const struct page_meta *m;

	if (order > PAGE_ALLOC_MAX_ORDER ||
	    (pa_addr(pa) & (((uint64_t)PAGE_SIZE << order) - 1)) != 0) {
		return false;
	}
	zone = zone_of_pfn(pfn);
	if (zone == ZONE_NONE) {
		return false;
	}
	idx = pfn_index(&pga.zones[zone], pfn);
	m = &pga.meta[idx];
	if (meta_flags(idx) != PAGE_META_HEAD || m->order != order) {
		return false;
	}
	*out = (struct pcp_entry){ idx, zone };
	return true;
}

/** Puts the single page `e` on top of cache `c`, which has room. */
static void pcp_push(struct page_pcp *c, struct pcp_entry e)
{
	meta_set_flags(e.idx, PAGE_META_PCP);
	c->cache[c->count++] = e;
}

/**
 * page_free() past the fast path: a larger block, which goes straight
 * back to the buddy lists, or a single page for a full cache, which
 * first gives PAGE_ALLOC_PCP_BATCH pages back.
 */
static SLOW_PATH enum svsm_err free_slow(struct page_pcp *c, paddr_t pa,
					 uint32_t order)
{
	struct pcp_entry e;

	if (!find_allocated(pa, order, &e)) {
		return SVSM_ERR_INVAL;
	}
	if (order > 0) {
		struct page_zone *z = &pga.zones[e.zone];

		spin_lock(&z->lock);
		clear_block(e.idx, order);
		buddy_put(z, e.idx, order);
		spin_unlock(&z->lock);
		return SVSM_OK;
	}
	pcp_drain(c, PAGE_ALLOC_PCP_BATCH);
	pcp_push(c, e);
	return SVSM_OK;
}

/**
 * Frees a block. A single page goes into CPU `cpu`'s cache (the caller's
 * own CPU), with interrupts off; with room in it, that is the checks for
 * order 0, a push and one store to the page's flags.
 */
enum svsm_err page_free(uint32_t cpu, paddr_t pa, uint32_t order)
{
	struct page_pcp *c;
	struct pcp_entry e;
	enum svsm_err err = SVSM_OK;
	uint64_t flags;

	flags = irq_save();
	if (cpu == PAGE_ALLOC_THIS_CPU) {
		cpu = page_alloc_this_cpu();
	}
	if (cpu >= pga.cpu_count) {
		irq_restore(flags);
		__atomic_fetch_add(&pga.stray_calls.free_calls, 1,
				   __ATOMIC_RELAXED);
		return SVSM_ERR_INVAL;
	}
	c = &pga.pcp[cpu];
	c->calls.free_calls++;
	if (order != 0 || c->count == PAGE_ALLOC_PCP_HIGH) {
		err = free_slow(c, pa, order);
	} else if (find_allocated(pa, 0, &e)) {
		pcp_push(c, e);
	} else {
		err = SVSM_ERR_INVAL;
	}
	irq_restore(flags);
	return err;
}

/** Returns all of CPU `cpu`'s cache (the caller's own CPU, or a quiet one). */
void page_alloc_drain_cpu(uint32_t cpu)
{
	uint64_t flags;

	if (cpu < pga.cpu_count) {
		flags = irq_save();
		pcp_drain(&pga.pcp[cpu], pga.pcp[cpu].count);
		irq_restore(flags);
	}
}

/** Adds counters `from` to `to`. */
static void counters_add(struct page_alloc_stats *to,
			 const struct page_counters *from)
{
	to->alloc_calls += from->alloc_calls;
	to->free_calls += from->free_calls;
	to->failed_allocs += from->failed_allocs;
}

/** Adds the pages and counters of every CPU cache to `st`. */
static void stats_add_caches(struct page_alloc_stats *st)
{
	for (uint32_t cpu = 0; cpu < pga.cpu_count; cpu++) {
		const struct page_pcp *c = &pga.pcp[cpu];

		for (uint32_t i = 0; i < c->count; i++) {
			st->zones[c->cache[i].zone].free_pages++;
		}
		st->pcp_pages += c->count;
		st->free_pages += c->count;
		counters_add(st, &c->calls);
	}
	counters_add(st, &pga.stray_calls);
}

/** Fills `st` with the zones and the counters. */
void page_alloc_get_stats(struct page_alloc_stats *st)
{
	memset(st, 0, sizeof(*st));
	st->zone_count = pga.zone_count;
	for (uint32_t i = 0; i < pga.zone_count; i++) {
		struct page_zone *z = &pga.zones[i];
		uint64_t flags = spin_lock_irqsave(&z->lock);
		uint64_t list_pages = z->list_pages;

		spin_unlock_irqrestore(&z->lock, flags);
		st->zones[i].base = pa_addr(pfn_to_pa(pfn_init(z->base_pfn)));
		st->zones[i].pages = z->pages;
		st->zones[i].free_pages = list_pages;
		st->total_pages += z->pages;
		st->free_pages += list_pages;
	}
	stats_add_caches(st);
}
