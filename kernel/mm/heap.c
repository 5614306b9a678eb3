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
 * as a bit that is already set. The header also keeps the index of the
 * first bitmap word with a free object, so that an allocation is one load
 * and one bit scan, and a count of objects in use.
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
 * The fast paths. kmalloc() of a slab size finds its class with one bit
 * scan of the size, takes the first slab of the class's partial list and
 * the lowest free object in it; kfree() does the checks above once each
 * (the list check only on the slab's own header) and sets one bit. Slabs
 * move between lists, or back to the backend, only when a bitmap word
 * runs out, or a slab fills up or empties.
 *
 * TLB. The kernel's backend unmaps a heap page from every CPU's TLB
 * (a shootdown) before the page is reused, so the heap needs no TLB
 * maintenance of its own.
 *
 * Locking. Each class has a spinlock for its lists, its slab headers
 * and its counters; `large_lock` covers the large-block list and the
 * large counters. The heap-wide counters that both kinds update
 * (`backend_pages`, `failed_allocs`, `invalid_frees`) are atomic. A lock
 * is taken with interrupts off (spin_lock_irqsave), so the scheduler
 * never preempts a holder. kfree() checks the page's magic before taking
 * the lock of the class that magic names, and everything else under it.
 *
 * Lock order: one heap lock (a class's or `large_lock`), then the
 * backend's (kernel/mm/mm.c: the heap region lock, then a page allocator
 * zone). Never two heap locks at once: heap_trim() and heap_get_stats()
 * take them one after the other. Nothing allocates in interrupt, NMI or
 * #VC context.
 */
#include "svsm/heap.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "svsm/addr.h"
#include "svsm/alloc_fail.h"
#include "svsm/spinlock.h"
#include "svsm/string.h"

#define SLAB_MAGIC 0x534c414248454150ULL  /* "PAEHBALS" */
#define LARGE_MAGIC 0x4c41524748454150ULL /* "PAEHGRAL" */
#define SLAB_HDR_SIZE 64U
#define SLAB_MAP_WORDS 4U
#define HEAP_MIN_SHIFT 4U /* log2(HEAP_MIN_SIZE) */

/*
 * For the functions off the fast paths: kept out of line, so that
 * kmalloc() and kfree() need (almost) no saved registers.
 */
#define SLOW_PATH __attribute__((noinline, cold))
/* For the fast path that both kmalloc() and kzalloc() take. */
#define ALWAYS_INLINE inline __attribute__((always_inline))

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
	uint16_t used;			   /**< objects in use in this slab */
	/** The first word of `free_map` that is not 0, or SLAB_MAP_WORDS. */
	uint16_t first_word;
	uint16_t reserved;
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
 * to be used last and released by heap_trim(). `empty` stays set while
 * its slab is in use again (it is the kept empty slab only when its
 * `used` is 0), until the slab fills up and leaves the partial list, so
 * while set it is always the last partial slab. The steady state of one
 * kmalloc()/kfree() pair therefore moves no slab and writes no class
 * field. Objects in use are counted per slab (`used`), and summed over the
 * lists by heap_get_stats(). Aligned so that `classes` is indexed with a
 * shift (and, with SMP, each class has its own cache line).
 */
struct __attribute__((aligned(64))) heap_class {
	struct heap_link lists[SLAB_LIST_COUNT];
	struct slab *empty;   /**< the empty slab kept, or NULL; see above */
	uint64_t slabs;	      /**< slab pages, on either list */
	struct spinlock lock; /**< everything above and the slab headers */
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
static struct spinlock large_lock; /* large_list, large_* counters */
static struct heap_counters counters;

/** Adds `n` (two's complement for a decrement) to a heap-wide counter. */
/* NOLINTNEXTLINE(readability-non-const-parameter): written atomically */
static void counter_add(uint64_t *c, uint64_t n)
{
	__atomic_fetch_add(c, n, __ATOMIC_RELAXED);
}

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

/**
 * log2 of the object size for a request of 1 to HEAP_SLAB_MAX bytes: the
 * bit length of `size - 1`, but at least HEAP_MIN_SHIFT. Its class is
 * that minus HEAP_MIN_SHIFT.
 */
static uint32_t size_shift(size_t size)
{
	uint64_t last = ((uint64_t)size - 1) | (HEAP_MIN_SIZE - 1);

	/* clz ^ 63 is the index of the top bit: one `bsr`. */
	return ((uint32_t)__builtin_clzll(last) ^ 63U) + 1U;
}

/** The class of a request of `size` <= HEAP_SLAB_MAX bytes (0 included). */
static uint32_t class_of(size_t size)
{
	if (size == 0) {
		return 0;
	}
	return size_shift(size) - HEAP_MIN_SHIFT;
}

/** Whether no object of slab `s` is in use. */
static bool slab_is_empty(const struct slab *s)
{
	return s->used == 0;
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
	for (uint32_t w = 0; w < SLAB_MAP_WORDS; w++) {
		s->free_map[w] = free_map_word(class_capacity(c), w);
	}
	link_add(&classes[c].lists[SLAB_PARTIAL], &s->link);
	classes[c].slabs++;
	counter_add(&counters.backend_pages, 1);
	return s;
}

/** Unlinks an empty slab and returns its page to the backend. */
static void slab_release(struct slab *s)
{
	link_del(&s->link);
	s->magic = 0;
	classes[s->class_idx].slabs--;
	counter_add(&counters.backend_pages, (uint64_t)-1);
	heap_backend_unmap(s, 1);
}

/**
 * Word `first_word` of `s`'s free map has just run out: moves
 * `first_word` on to the next word with a free object, or, if there is
 * none, moves the now full slab to the full list of its class `hc`.
 */
static SLOW_PATH void slab_word_exhausted(struct heap_class *hc, struct slab *s)
{
	uint32_t w = s->first_word + 1U;

	while (w < SLAB_MAP_WORDS && s->free_map[w] == 0) {
		w++;
	}
	s->first_word = (uint16_t)w;
	if (w < SLAB_MAP_WORDS) {
		return;
	}
	if (hc->empty == s) {
		hc->empty = NULL; /* it leaves the partial list */
	}
	link_move(&hc->lists[SLAB_FULL], &s->link);
}

/**
 * Takes the lowest free object of `s`, the first partial slab of class
 * `hc`, whose objects are 2^`shift` bytes. `first_word` names a word with
 * a free object in every slab on the partial list.
 */
static void *slab_take(struct heap_class *hc, struct slab *s, uint32_t shift)
{
	uint32_t w = s->first_word;
	uint64_t word = s->free_map[w];
	uint32_t idx = w * 64U + (uint32_t)__builtin_ctzll(word);

	word &= word - 1;
	s->free_map[w] = word;
	s->used++;
	if (word == 0) {
		slab_word_exhausted(hc, s);
	}
	return (uint8_t *)s + SLAB_HDR_SIZE + ((size_t)idx << shift);
}

/**
 * Takes an object of class `c`, from the first partial slab, or from a
 * new one if there is none. NULL if the backend fails.
 */
static void *slab_alloc(uint32_t c)
{
	struct heap_class *hc = &classes[c];
	struct slab *s;

	if (link_is_empty(&hc->lists[SLAB_PARTIAL])) {
		s = slab_create(c);
	} else {
		s = slab_of_link(hc->lists[SLAB_PARTIAL].next);
	}
	if (!s) {
		return NULL;
	}
	return slab_take(hc, s, c + HEAP_MIN_SHIFT);
}

/**
 * `s`, which is not its class's `empty` slab, has just become empty:
 * released if the class already keeps an empty slab, else kept (as the
 * last partial slab).
 */
static SLOW_PATH void slab_emptied(struct heap_class *hc, struct slab *s)
{
	struct heap_link *partial = &hc->lists[SLAB_PARTIAL];

	if (hc->empty && slab_is_empty(hc->empty)) {
		slab_release(s);
		return;
	}
	hc->empty = s;
	if (partial->prev != &s->link) {
		link_del(&s->link);
		link_add_tail(partial, &s->link);
	}
}

/**
 * `s` got an object back in word `w`, below its `first_word`. If it was
 * full, it moves to the front of the partial list of its class `hc`.
 */
static SLOW_PATH void slab_word_refilled(struct heap_class *hc, struct slab *s,
					 uint32_t w)
{
	if (s->first_word == SLAB_MAP_WORDS) {
		link_move(&hc->lists[SLAB_PARTIAL], &s->link);
	}
	s->first_word = (uint16_t)w;
}

/** `x` rotated right by `n` bits, 0 < `n` < 64 (one `ror`). */
static uint64_t ror64(uint64_t x, uint32_t n)
{
	return (x >> n) | (x << (64U - n));
}

/**
 * The index of the object at byte `off` of a slab of class `c`, or
 * UINT32_MAX unless `off` is the start of one of its objects. One compare
 * does it all: `rel`, the offset from the first object, rotated right by
 * `shift` (log2 of the object size) is the object's index if the bits
 * rotated out are 0, that is at the start of an object; if they are not,
 * or if `off` is inside the header (`rel` wrapped round to a value with
 * its top bit set), it is at least 2^(64 - `shift`), far above any
 * capacity.
 */
static uint32_t slab_object_index(uint32_t c, uintptr_t off)
{
	uint32_t shift = c + HEAP_MIN_SHIFT;
	uint64_t rel = (uint64_t)off - SLAB_HDR_SIZE;
	uint64_t idx = ror64(rel, shift);

	if (idx >= class_capacity(c)) {
		return UINT32_MAX;
	}
	return (uint32_t)idx;
}

/**
 * Frees the object at byte `off` of slab `s` (whose magic matched) of
 * class `c`, whose lock is held. Returns false, changing nothing, unless
 * `off` is the start of an object in use in a slab that is linked into
 * the heap.
 */
static bool slab_free(struct slab *s, uint32_t c, uintptr_t off)
{
	struct heap_class *hc;
	uint32_t idx;
	uint32_t w;
	uint64_t bit;

	if (s->class_idx != c || !link_is_sound(&s->link)) {
		return false;
	}
	idx = slab_object_index(c, off);
	if (idx == UINT32_MAX) {
		return false;
	}
	w = idx / 64U;
	bit = 1ULL << (idx % 64U);
	if ((s->free_map[w] & bit) != 0) {
		return false; /* double free */
	}
	s->free_map[w] |= bit;
	hc = &classes[c];
	if (w < s->first_word) {
		slab_word_refilled(hc, s, w);
	}
	if (--s->used == 0 && s != hc->empty) {
		slab_emptied(hc, s);
	}
	return true;
}

/** Maps a block of whole pages for `size` bytes after its header. */
static void *large_alloc(size_t size)
{
	struct large_hdr *h;
	size_t pages;
	uint64_t flags;
	void *va;

	if (size > SIZE_MAX - HEAP_LARGE_OFFSET - (PAGE_SIZE - 1)) {
		return NULL;
	}
	pages = (size + HEAP_LARGE_OFFSET + PAGE_SIZE - 1) / PAGE_SIZE;
	flags = spin_lock_irqsave(&large_lock);
	if (heap_backend_map(pages, &va) != SVSM_OK) {
		spin_unlock_irqrestore(&large_lock, flags);
		return NULL;
	}
	h = va;
	h->magic = LARGE_MAGIC ^ (uintptr_t)h;
	h->pages = pages;
	link_add(&large_list, &h->link);
	counters.large_allocs++;
	counters.large_pages += pages;
	counter_add(&counters.backend_pages, pages);
	spin_unlock_irqrestore(&large_lock, flags);
	return (uint8_t *)h + HEAP_LARGE_OFFSET;
}

/**
 * Frees the block of header `h` (whose magic matched) if `off` is the
 * caller's pointer's offset and the block is linked into the heap.
 */
static bool large_free(struct large_hdr *h, uintptr_t off)
{
	uint64_t flags = spin_lock_irqsave(&large_lock);
	uint64_t pages = h->pages;

	if (off != HEAP_LARGE_OFFSET || !link_is_sound(&h->link)) {
		spin_unlock_irqrestore(&large_lock, flags);
		return false;
	}
	link_del(&h->link);
	h->magic = 0;
	counters.large_allocs--;
	counters.large_pages -= pages;
	counter_add(&counters.backend_pages, (uint64_t)0 - pages);
	heap_backend_unmap(h, pages);
	spin_unlock_irqrestore(&large_lock, flags);
	return true;
}

/**
 * kmalloc() past the fast path, once the fault injector has let it
 * through: a size of 0, a class with no partial slab, or a large block.
 */
static SLOW_PATH void *heap_alloc_slow(size_t size)
{
	void *p;

	if (size <= HEAP_SLAB_MAX) {
		struct heap_class *hc = &classes[class_of(size)];
		uint64_t flags = spin_lock_irqsave(&hc->lock);

		p = slab_alloc(class_of(size));
		spin_unlock_irqrestore(&hc->lock, flags);
	} else {
		p = large_alloc(size);
	}
	if (!p) {
		counter_add(&counters.failed_allocs, 1);
	}
	return p;
}

/** The fault injector said no: counts the failure. */
static SLOW_PATH void *heap_alloc_injected(void)
{
	counter_add(&counters.failed_allocs, 1);
	return NULL;
}

/**
 * kmalloc() and kzalloc() without the zeroing. The fast path is a request
 * of 1 to HEAP_SLAB_MAX bytes whose class has a partial slab. Inlined into
 * both, so that kmalloc() makes no extra call.
 */
static ALWAYS_INLINE void *heap_alloc(size_t size)
{
	struct heap_class *hc;
	struct heap_link *first;
	uint32_t shift;
	uint64_t flags;
	void *p;

	if (alloc_fail_check()) {
		return heap_alloc_injected();
	}
	/* Unsigned: 0 wraps round and takes the slow path. */
	if ((uint64_t)size - 1 >= HEAP_SLAB_MAX) {
		return heap_alloc_slow(size);
	}
	shift = size_shift(size);
	hc = &classes[shift - HEAP_MIN_SHIFT];
	flags = spin_lock_irqsave(&hc->lock);
	first = hc->lists[SLAB_PARTIAL].next;
	if (first == &hc->lists[SLAB_PARTIAL]) {
		spin_unlock_irqrestore(&hc->lock, flags);
		return heap_alloc_slow(size);
	}
	p = slab_take(hc, slab_of_link(first), shift);
	spin_unlock_irqrestore(&hc->lock, flags);
	return p;
}

/** Allocates `size` bytes; see heap.h. */
void *kmalloc(size_t size)
{
	return heap_alloc(size);
}

/** Allocates `size` zeroed bytes; see heap.h. */
void *kzalloc(size_t size)
{
	void *p = heap_alloc(size);

	if (p) {
		memset(p, 0, size);
	}
	return p;
}

/** Frees a heap object or block, refusing anything else; see heap.h. */
void kfree(void *p)
{
	uintptr_t off = (uintptr_t)p & (PAGE_SIZE - 1);
	uint8_t *page;
	uint64_t magic;

	/* One test for NULL and for the rest of page 0, which is not ours. */
	if ((uintptr_t)p - off == 0) {
		if (p) {
			counter_add(&counters.invalid_frees, 1);
		}
		return;
	}
	page = page_of(p);
	memcpy(&magic, page, sizeof(magic));
	if (magic == (SLAB_MAGIC ^ (uintptr_t)page)) {
		uint32_t c = ((struct slab *)page)->class_idx;

		if (c < HEAP_CLASS_COUNT) {
			uint64_t flags = spin_lock_irqsave(&classes[c].lock);
			bool is_freed = slab_free((struct slab *)page, c, off);

			spin_unlock_irqrestore(&classes[c].lock, flags);
			if (is_freed) {
				return;
			}
		}
	} else if (magic == (LARGE_MAGIC ^ (uintptr_t)page)) {
		if (large_free((struct large_hdr *)page, off)) {
			return;
		}
	}
	counter_add(&counters.invalid_frees, 1);
}

/** The objects in use in the slabs on list `head`. */
static uint64_t list_in_use(struct heap_link *head)
{
	uint64_t n = 0;

	for (struct heap_link *l = head->next; l != head; l = l->next) {
		n += slab_of_link(l)->used;
	}
	return n;
}

/** The objects class `hc` has handed out. */
static uint64_t class_in_use(struct heap_class *hc)
{
	return list_in_use(&hc->lists[SLAB_PARTIAL]) +
	       list_in_use(&hc->lists[SLAB_FULL]);
}

/** Fills `st` with the current statistics. */
void heap_get_stats(struct heap_stats *st)
{
	uint64_t flags;

	memset(st, 0, sizeof(*st));
	for (uint32_t c = 0; c < HEAP_CLASS_COUNT; c++) {
		flags = spin_lock_irqsave(&classes[c].lock);
		const struct slab *kept = classes[c].empty;

		st->class_size[c] = class_size(c);
		st->class_in_use[c] = class_in_use(&classes[c]);
		st->class_slabs[c] = classes[c].slabs;
		st->empty_slabs += kept && slab_is_empty(kept) ? 1 : 0;
		spin_unlock_irqrestore(&classes[c].lock, flags);
	}
	flags = spin_lock_irqsave(&large_lock);
	st->large_allocs = counters.large_allocs;
	st->large_pages = counters.large_pages;
	spin_unlock_irqrestore(&large_lock, flags);
	st->backend_pages =
		__atomic_load_n(&counters.backend_pages, __ATOMIC_RELAXED);
	st->failed_allocs =
		__atomic_load_n(&counters.failed_allocs, __ATOMIC_RELAXED);
	st->invalid_frees =
		__atomic_load_n(&counters.invalid_frees, __ATOMIC_RELAXED);
}

/** Returns every kept empty slab to the backend. */
void heap_trim(void)
{
	for (uint32_t c = 0; c < HEAP_CLASS_COUNT; c++) {
		uint64_t flags = spin_lock_irqsave(&classes[c].lock);
		struct slab *s = classes[c].empty;

		classes[c].empty = NULL;
		if (s && slab_is_empty(s)) {
			slab_release(s);
		}
		spin_unlock_irqrestore(&classes[c].lock, flags);
	}
}
