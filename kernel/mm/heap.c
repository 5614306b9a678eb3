// SPDX-License-Identifier: MIT
/*
 * The kernel heap: power-of-two slab caches from 16 to 2048 bytes and
 * page-backed blocks above that. Memory comes from heap_backend_map() one
 * slab page or one block at a time. It goes back on kfree() of a block,
 * when a slab empties while its class already keeps an empty slab, and on
 * heap_trim(). Every allocation can fail; nothing here panics.
 *
 * A slab is one 4 KiB page: a 64-byte `struct slab` header, then
 * (4096 - 64) / size objects, from 252 of 16 bytes down to a single one
 * of 2048 bytes (so the largest class costs a page per object). Objects
 * start at offset 64 and are spaced by their size, hence 16-byte (and for
 * 64 bytes and up, 64-byte) aligned. The header's bitmap says which
 * objects are free; nothing is kept inside free objects, so a write after
 * free cannot corrupt the heap's own metadata, and a double free is seen
 * as a bit that is already set.
 *
 * A large block (more than HEAP_SLAB_MAX bytes) is
 * ceil((size + 64) / 4096) pages with a `struct large_hdr` at the start of
 * the first page; the caller's pointer is HEAP_LARGE_OFFSET (64) bytes in,
 * so it is 64-byte aligned, not page aligned.
 *
 * kfree() rounds the pointer down to its page and tells slabs from blocks
 * by the header's magic, which is XORed with the page's address so that a
 * header copied elsewhere does not verify. A header must also be linked
 * into one of the heap's lists (both neighbours point back at it), which
 * a forged one cannot be. Pointers that fail either check, or that do not
 * point at the start of an object, are refused and counted; kfree() reads
 * the first bytes of the pointer's page, so that page must be mapped. A
 * pointer into a slab or block that was already returned to the backend
 * is not detectable here: in the kernel that page is unmapped and the read
 * faults, which fails closed.
 *
 * Locking (to come with SMP; one CPU for now): each class gets a lock for
 * its lists, slab headers and counters, and the large-block list another.
 * Never hold two heap locks at once: heap_trim() and heap_get_stats() take
 * them one after the other. A heap lock is taken before the backend's
 * locks (page allocator, heap-region page tables), never while holding
 * them. Nothing allocates in interrupt, NMI or #VC context.
 */
#include "svsm/heap.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "svsm/addr.h"
#include "svsm/alloc_fail.h"
#include "svsm/string.h"

#define SLAB_MAGIC 0x534c414248454150ULL  /* "PAEHBALS" */
#define LARGE_MAGIC 0x4c41524748454150ULL /* "PAEHGRAL" */
#define SLAB_HDR_SIZE 64U
#define SLAB_MAP_WORDS 4U
#define HEAP_MIN_SHIFT 4U /* log2(HEAP_MIN_SIZE) */

/** A node of a circular doubly-linked list whose head is a sentinel. */
struct heap_link {
	struct heap_link *next;
	struct heap_link *prev;
};

/** The header at the start of every slab page. */
struct slab {
	uint64_t magic;	       /**< SLAB_MAGIC ^ the page's address */
	struct heap_link link; /**< in its class's partial or full list */
	uint64_t free_map[SLAB_MAP_WORDS]; /**< bit set: object free */
	uint16_t class_idx;		   /**< index into `classes` */
	uint16_t free_count;		   /**< objects free in this slab */
	uint32_t reserved;
};

/** The header at the start of a large block's first page. */
struct large_hdr {
	uint64_t magic;	       /**< LARGE_MAGIC ^ the page's address */
	struct heap_link link; /**< in `large_list` */
	uint64_t pages;	       /**< length of the block */
};

_Static_assert(sizeof(struct slab) == SLAB_HDR_SIZE, "slab header size");
_Static_assert((PAGE_SIZE - SLAB_HDR_SIZE) / HEAP_MIN_SIZE <=
		       SLAB_MAP_WORDS * 64U,
	       "the bitmap covers the smallest class");
_Static_assert(sizeof(struct large_hdr) <= HEAP_LARGE_OFFSET,
	       "the large header fits before the caller's pointer");
_Static_assert(HEAP_LARGE_OFFSET % HEAP_MIN_SIZE == 0, "large alignment");
_Static_assert(HEAP_SLAB_MAX == HEAP_MIN_SIZE << (HEAP_CLASS_COUNT - 1),
	       "classes are the powers of two up to HEAP_SLAB_MAX");

/** The lists a class keeps its slabs on. */
enum slab_list {
	SLAB_PARTIAL, /**< some object free; the kept empty slab is last */
	SLAB_FULL,    /**< no object free */
	SLAB_LIST_COUNT
};

/**
 * One size class: its slab lists and counters. Allocation takes the
 * first partial slab; a slab that gets an object back after being full
 * goes to the front, so hot slabs fill up first. An empty slab is
 * released unless the class keeps none yet; then it becomes `empty` and
 * moves to the back of the partial list (where it usually already is),
 * to be used last and released by heap_trim(). The steady state of one
 * kmalloc()/kfree() pair therefore moves no slab between lists.
 */
struct heap_class {
	struct heap_link lists[SLAB_LIST_COUNT];
	struct slab *empty; /**< the empty slab kept, or NULL */
	uint64_t in_use;    /**< objects handed out */
	uint64_t slabs;	    /**< slab pages, on either list */
};

/** Heap-wide counters; the per-class ones are in `classes`. */
struct heap_counters {
	uint64_t large_allocs;
	uint64_t large_pages;
	uint64_t backend_pages;
	uint64_t failed_allocs;
	uint64_t invalid_frees;
};

/* Static initializers of self-linked list heads (a function cannot be). */
#define LINK_INIT(l)       \
	{                  \
		&(l), &(l) \
	}
#define CLASS_INIT(i)                                              \
	{                                                          \
		.lists = {                                         \
			LINK_INIT(classes[i].lists[SLAB_PARTIAL]), \
			LINK_INIT(classes[i].lists[SLAB_FULL]),    \
		},                                                 \
	}

_Static_assert(HEAP_CLASS_COUNT == 8, "one CLASS_INIT per class");
static struct heap_class classes[HEAP_CLASS_COUNT] = {
	CLASS_INIT(0), CLASS_INIT(1), CLASS_INIT(2), CLASS_INIT(3),
	CLASS_INIT(4), CLASS_INIT(5), CLASS_INIT(6), CLASS_INIT(7),
};
static struct heap_link large_list = LINK_INIT(large_list);
static struct heap_counters counters;

static void link_add(struct heap_link *head, struct heap_link *l)
{
	l->next = head->next;
	l->prev = head;
	head->next->prev = l;
	head->next = l;
}

static void link_add_tail(struct heap_link *head, struct heap_link *l)
{
	link_add(head->prev, l);
}

static void link_del(struct heap_link *l)
{
	l->prev->next = l->next;
	l->next->prev = l->prev;
	l->next = l;
	l->prev = l;
}

static void link_move(struct heap_link *head, struct heap_link *l)
{
	link_del(l);
	link_add(head, l);
}

static bool link_is_empty(const struct heap_link *head)
{
	return head->next == head;
}

/** Whether `l` is linked into a list: both neighbours point back at it. */
static bool link_is_sound(const struct heap_link *l)
{
	return l->next->prev == l && l->prev->next == l;
}

static struct slab *slab_of_link(struct heap_link *l)
{
	return (struct slab *)((uint8_t *)l - offsetof(struct slab, link));
}

/** The start of the page `p` points into. */
static uint8_t *page_of(void *p)
{
	return (uint8_t *)p - ((uintptr_t)p & (PAGE_SIZE - 1));
}

static uint32_t class_size(uint32_t c)
{
	return HEAP_MIN_SIZE << c;
}

/** Objects in one slab of class `c`. */
static uint32_t class_capacity(uint32_t c)
{
	return (PAGE_SIZE - SLAB_HDR_SIZE) >> (c + HEAP_MIN_SHIFT);
}

/** The class of a request of `size` <= HEAP_SLAB_MAX bytes (0 included). */
static uint32_t class_of(size_t size)
{
	if (size <= HEAP_MIN_SIZE) {
		return 0;
	}
	return 64U - (uint32_t)__builtin_clzll((uint64_t)size - 1) -
	       HEAP_MIN_SHIFT;
}

/** Word `w` of the free map of a fresh slab of `count` objects. */
static uint64_t free_map_word(uint32_t count, uint32_t w)
{
	uint32_t first = w * 64U;

	if (count >= first + 64U) {
		return ~0ULL;
	}
	if (count <= first) {
		return 0;
	}
	return (1ULL << (count - first)) - 1;
}

/** Maps a new slab page for class `c` and puts it on the partial list. */
static struct slab *slab_create(uint32_t c)
{
	struct slab *s;
	void *va;

	if (heap_backend_map(1, &va) != SVSM_OK) {
		return NULL;
	}
	s = va;
	memset(s, 0, sizeof(*s));
	s->magic = SLAB_MAGIC ^ (uintptr_t)s;
	s->class_idx = (uint16_t)c;
	s->free_count = (uint16_t)class_capacity(c);
	for (uint32_t w = 0; w < SLAB_MAP_WORDS; w++) {
		s->free_map[w] = free_map_word(class_capacity(c), w);
	}
	link_add(&classes[c].lists[SLAB_PARTIAL], &s->link);
	classes[c].slabs++;
	counters.backend_pages++;
	return s;
}

/** Unlinks an empty slab and returns its page to the backend. */
static void slab_release(struct slab *s)
{
	link_del(&s->link);
	s->magic = 0;
	classes[s->class_idx].slabs--;
	counters.backend_pages--;
	heap_backend_unmap(s, 1);
}

/**
 * The slab of class `c` to allocate from, on the partial list: the first
 * partial one, else a new one. NULL if the backend fails.
 */
static struct slab *class_slab(uint32_t c)
{
	struct heap_class *hc = &classes[c];
	struct slab *s;

	if (link_is_empty(&hc->lists[SLAB_PARTIAL])) {
		return slab_create(c);
	}
	s = slab_of_link(hc->lists[SLAB_PARTIAL].next);
	if (s == hc->empty) {
		hc->empty = NULL; /* about to be used */
	}
	return s;
}

/** Takes the lowest free object of `s`; false if it has none. */
static bool slab_take(struct slab *s, uint32_t *idx)
{
	for (uint32_t w = 0; w < SLAB_MAP_WORDS; w++) {
		uint64_t word = s->free_map[w];

		if (word != 0) {
			*idx = w * 64U + (uint32_t)__builtin_ctzll(word);
			s->free_map[w] = word & (word - 1);
			s->free_count--;
			return true;
		}
	}
	return false;
}

/** Takes an object of class `c`, mapping a new slab if none has one. */
static void *slab_alloc(uint32_t c)
{
	struct slab *s = class_slab(c);
	uint32_t idx;

	if (!s || !slab_take(s, &idx)) {
		return NULL;
	}
	if (s->free_count == 0) {
		link_move(&classes[c].lists[SLAB_FULL], &s->link);
	}
	classes[c].in_use++;
	return (uint8_t *)s + SLAB_HDR_SIZE + (size_t)idx * class_size(c);
}

/** Keeps `s`, which just became empty, or releases it. */
static void slab_emptied(struct slab *s)
{
	struct heap_class *hc = &classes[s->class_idx];
	struct heap_link *partial = &hc->lists[SLAB_PARTIAL];

	if (hc->empty) {
		slab_release(s);
		return;
	}
	hc->empty = s;
	if (partial->prev != &s->link) {
		link_del(&s->link);
		link_add_tail(partial, &s->link);
	}
}

/** Moves `s`, which just got an object back, to where it now belongs. */
static void slab_settle(struct slab *s)
{
	if (s->free_count == class_capacity(s->class_idx)) {
		slab_emptied(s);
	} else if (s->free_count == 1) {
		link_move(&classes[s->class_idx].lists[SLAB_PARTIAL], &s->link);
	}
}

/**
 * Frees the object at byte `off` of slab `s` (whose magic matched).
 * Returns false, changing nothing, unless `off` is the start of an object
 * in use in a slab that is linked into the heap.
 */
static bool slab_free(struct slab *s, uintptr_t off)
{
	uint32_t c = s->class_idx;
	uint32_t idx;
	uint64_t bit;

	if (!link_is_sound(&s->link) || c >= HEAP_CLASS_COUNT ||
	    off < SLAB_HDR_SIZE) {
		return false;
	}
	off -= SLAB_HDR_SIZE;
	if ((off & (class_size(c) - 1)) != 0) {
		return false;
	}
	idx = (uint32_t)(off >> (c + HEAP_MIN_SHIFT));
	if (idx >= class_capacity(c)) {
		return false;
	}
	bit = 1ULL << (idx % 64U);
	if ((s->free_map[idx / 64U] & bit) != 0) {
		return false; /* double free */
	}
	s->free_map[idx / 64U] |= bit;
	s->free_count++;
	classes[c].in_use--;
	slab_settle(s);
	return true;
}

/** Maps a block of whole pages for `size` bytes after its header. */
static void *large_alloc(size_t size)
{
	struct large_hdr *h;
	size_t pages;
	void *va;

	if (size > SIZE_MAX - HEAP_LARGE_OFFSET - (PAGE_SIZE - 1)) {
		return NULL;
	}
	pages = (size + HEAP_LARGE_OFFSET + PAGE_SIZE - 1) / PAGE_SIZE;
	if (heap_backend_map(pages, &va) != SVSM_OK) {
		return NULL;
	}
	h = va;
	h->magic = LARGE_MAGIC ^ (uintptr_t)h;
	h->pages = pages;
	link_add(&large_list, &h->link);
	counters.large_allocs++;
	counters.large_pages += pages;
	counters.backend_pages += pages;
	return (uint8_t *)h + HEAP_LARGE_OFFSET;
}

/**
 * Frees the block of header `h` (whose magic matched) if `off` is the
 * caller's pointer's offset and the block is linked into the heap.
 */
static bool large_free(struct large_hdr *h, uintptr_t off)
{
	uint64_t pages = h->pages;

	if (off != HEAP_LARGE_OFFSET || !link_is_sound(&h->link)) {
		return false;
	}
	link_del(&h->link);
	h->magic = 0;
	counters.large_allocs--;
	counters.large_pages -= pages;
	counters.backend_pages -= pages;
	heap_backend_unmap(h, pages);
	return true;
}

/** kmalloc() and kzalloc(): fault injection, then slab or block. */
static void *heap_alloc(size_t size, bool zero)
{
	void *p = NULL;

	if (!alloc_fail_check()) {
		p = size <= HEAP_SLAB_MAX ? slab_alloc(class_of(size))
					  : large_alloc(size);
	}
	if (!p) {
		counters.failed_allocs++;
		return NULL;
	}
	if (zero) {
		memset(p, 0, size);
	}
	return p;
}

/** Allocates `size` bytes; see heap.h. */
void *kmalloc(size_t size)
{
	return heap_alloc(size, false);
}

/** Allocates `size` zeroed bytes; see heap.h. */
void *kzalloc(size_t size)
{
	return heap_alloc(size, true);
}

/** Frees a heap object or block, refusing anything else; see heap.h. */
void kfree(void *p)
{
	uintptr_t off = (uintptr_t)p & (PAGE_SIZE - 1);
	uint8_t *page;
	uint64_t magic;
	bool is_freed = false;

	if (!p) {
		return;
	}
	page = page_of(p);
	if ((uintptr_t)page != 0) {
		memcpy(&magic, page, sizeof(magic));
		if (magic == (SLAB_MAGIC ^ (uintptr_t)page)) {
			is_freed = slab_free((struct slab *)page, off);
		} else if (magic == (LARGE_MAGIC ^ (uintptr_t)page)) {
			is_freed = large_free((struct large_hdr *)page, off);
		}
	}
	if (!is_freed) {
		counters.invalid_frees++;
	}
}

/** Fills `st` with the current statistics. */
void heap_get_stats(struct heap_stats *st)
{
	memset(st, 0, sizeof(*st));
	for (uint32_t c = 0; c < HEAP_CLASS_COUNT; c++) {
		st->class_size[c] = class_size(c);
		st->class_in_use[c] = classes[c].in_use;
		st->class_slabs[c] = classes[c].slabs;
	}
	st->large_allocs = counters.large_allocs;
	st->large_pages = counters.large_pages;
	st->backend_pages = counters.backend_pages;
	st->failed_allocs = counters.failed_allocs;
	for (uint32_t c = 0; c < HEAP_CLASS_COUNT; c++) {
		st->empty_slabs += classes[c].empty ? 1 : 0;
	}
	st->invalid_frees = counters.invalid_frees;
}

/** Returns every kept empty slab to the backend. */
void heap_trim(void)
{
	for (uint32_t c = 0; c < HEAP_CLASS_COUNT; c++) {
		struct slab *s = classes[c].empty;

		if (s) {
			classes[c].empty = NULL;
			slab_release(s);
		}
	}
}
