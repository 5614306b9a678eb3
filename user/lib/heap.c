// SPDX-License-Identifier: MIT
/*
 * libsvsm heap (libsvsm/heap.h).
 *
 * Layout. Every block is a 16-byte header followed by the caller's bytes:
 *   magic (32 bits: live or free, mixed with the heap's address so that a
 *   block freed to the wrong heap is refused), class (16 bits; LARGE for
 *   a mapped block), size (64 bits: the class's payload size, or the
 *   whole mapping of a large block).
 * Small blocks are carved from SVSM_HEAP_SPAN_SIZE spans by a bump
 * pointer and recycled through one LIFO free list per class; the link of
 * a free block is its first payload word. When a span cannot hold the
 * next block, its rest is cut into the largest blocks that fit, onto
 * their free lists. Spans are chained through
 * their first 16 bytes so svsm_heap_destroy() can give them back. A large
 * block is its own mapping: two list words (for destroy), the header,
 * then the payload, so it is 16-aligned like the rest. Up to
 * SVSM_HEAP_LARGE_CACHE freed mappings of at most
 * SVSM_HEAP_LARGE_CACHE_MAX bytes are kept and reused for a block that
 * needs at least half of one, which saves a map/unmap pair per block in
 * the usual alloc/free churn.
 *
 * Checks on free: the pointer is 16-aligned and either the payload of a
 * large block on this heap's list (a walk over the live large blocks:
 * they are few, and a freed one is unmapped, so its header cannot be
 * read; a pointer where such a payload would sit, page offset 32, is
 * only trusted inside a span), or a block whose header carries this heap's live
 * magic and a small class. Anything else (a double free, a pointer into the
 * middle of a block, another heap's block) is counted in stats.bad_frees and
 * ignored, so the free lists stay intact. Spans are never unmapped before
 * svsm_heap_destroy(), so reading a freed small block's header is safe; a
 * pointer that no heap ever returned may still fault, as in any C heap.
 */
#include <libsvsm/heap.h>
#include <libsvsm/string.h>
#include <libsvsm/sys.h>
#include <stdbool.h>

#define HDR_SIZE 16U
#define LARGE_PREFIX 32U /* list words + header before a large payload */
#define PAGE_SIZE 4096U
#define CLASS_LARGE 0xFFFFU
#define MAGIC_LIVE 0x4C564853U /* "SHVL" */
#define MAGIC_FREE 0x46564853U /* "SHVF" */

struct blk_hdr {
	uint32_t magic;
	uint16_t cls;
	uint16_t reserved;
	uint64_t size;
};
_Static_assert(sizeof(struct blk_hdr) == HDR_SIZE, "header size");

/** A large block's mapping starts with these, before its header. */
struct large_link {
	struct large_link *prev;
	struct large_link *next;
};

/** A span starts with this; blocks follow from offset 16. */
struct span_link {
	struct span_link *next;
	uint64_t reserved;
};

static const uint32_t CLASS_SIZE[SVSM_HEAP_CLASS_COUNT] = {
	16,  32,   48,	 64,   96,   128,  192,	 256,  384,   512,
	768, 1024, 1536, 2048, 3072, 4096, 6144, 8192, 12288, 16384,
};
_Static_assert(SVSM_HEAP_SMALL_MAX == 16384U, "last class");

/** The magic of a block of `h` in `state` (MAGIC_LIVE or MAGIC_FREE). */
static uint32_t heap_magic(const struct svsm_heap *h, uint32_t state)
{
	uintptr_t a = (uintptr_t)h;

	return state ^ (uint32_t)(a >> 4) ^ (uint32_t)(a >> 36);
}

/** The smallest class holding `n` bytes (n <= SVSM_HEAP_SMALL_MAX). */
static unsigned int class_of(size_t n)
{
	unsigned int c = 0;

	while (CLASS_SIZE[c] < n) {
		c++;
	}
	return c;
}

static struct blk_hdr *hdr_of(const void *p)
{
	return (struct blk_hdr *)((const uint8_t *)p - HDR_SIZE);
}

static void *heap_map(struct svsm_heap *h, size_t size)
{
	h->stats.map_calls++;
	void *p = h->ops.map(h->ops.ctx, size);

	if (p == NULL) {
		h->stats.map_failed++;
	}
	return p;
}

void svsm_heap_init(struct svsm_heap *h, const struct svsm_heap_ops *ops)
{
	svsm_memset(h, 0, sizeof(*h));
	h->ops = *ops;
}

void svsm_heap_destroy(struct svsm_heap *h)
{
	struct span_link *s = h->spans;

	while (s != NULL) {
		struct span_link *next = s->next;

		h->ops.unmap(h->ops.ctx, s, SVSM_HEAP_SPAN_SIZE);
		s = next;
	}
	struct large_link *l = h->large;

	while (l != NULL) {
		struct large_link *next = l->next;
		const struct blk_hdr *hdr = (const struct blk_hdr *)(l + 1);

		h->ops.unmap(h->ops.ctx, l, hdr->size);
		l = next;
	}
	for (unsigned int i = 0; i < SVSM_HEAP_LARGE_CACHE; i++) {
		if (h->large_cache[i] != NULL) {
			const struct blk_hdr *hdr =
				(const struct blk_hdr
					 *)((struct large_link *)
						    h->large_cache[i] +
					    1);

			h->ops.unmap(h->ops.ctx, h->large_cache[i], hdr->size);
		}
	}
	struct svsm_heap_ops ops = h->ops;

	svsm_heap_init(h, &ops);
}

/** Puts a free block of class `c` at `b` on its free list. */
static void push_free(struct svsm_heap *h, struct blk_hdr *b, unsigned int c)
{
	b->magic = heap_magic(h, MAGIC_FREE);
	b->cls = (uint16_t)c;
	b->reserved = 0;
	b->size = CLASS_SIZE[c];
	*(void **)(b + 1) = h->free_list[c];
	h->free_list[c] = b + 1;
}

/**
 * Before moving to a new span: cuts what is left of the current one into
 * the largest blocks that fit, onto their free lists, so that nothing
 * but less than 32 bytes is lost.
 */
static void recycle_rest(struct svsm_heap *h)
{
	while (h->bump_left >= HDR_SIZE + CLASS_SIZE[0]) {
		unsigned int c = SVSM_HEAP_CLASS_COUNT - 1U;

		while (HDR_SIZE + CLASS_SIZE[c] > h->bump_left) {
			c--;
		}
		push_free(h, (struct blk_hdr *)h->bump, c);
		h->bump += HDR_SIZE + CLASS_SIZE[c];
		h->bump_left -= HDR_SIZE + CLASS_SIZE[c];
	}
}

/** A new block of class `c` from the current span or a new one. */
static struct blk_hdr *carve(struct svsm_heap *h, unsigned int c)
{
	size_t need = HDR_SIZE + CLASS_SIZE[c];

	if (h->bump_left < need) {
		struct span_link *s = heap_map(h, SVSM_HEAP_SPAN_SIZE);

		if (s == NULL) {
			return NULL;
		}
		recycle_rest(h);
		s->next = h->spans;
		h->spans = s;
		h->stats.span_bytes += SVSM_HEAP_SPAN_SIZE;
		h->bump = (uint8_t *)s + sizeof(*s);
		h->bump_left = SVSM_HEAP_SPAN_SIZE - sizeof(*s);
	}
	struct blk_hdr *b = (struct blk_hdr *)h->bump;

	h->bump += need;
	h->bump_left -= need;
	return b;
}

static void *alloc_small(struct svsm_heap *h, size_t n)
{
	unsigned int c = class_of(n);
	struct blk_hdr *b;

	if (h->free_list[c] != NULL) {
		void *p = h->free_list[c];

		h->free_list[c] = *(void **)p;
		b = hdr_of(p);
	} else {
		b = carve(h, c);
		if (b == NULL) {
			return NULL;
		}
	}
	b->magic = heap_magic(h, MAGIC_LIVE);
	b->cls = (uint16_t)c;
	b->reserved = 0;
	b->size = CLASS_SIZE[c];
	h->stats.allocs++;
	return b + 1;
}

/**
 * A cached mapping of at least `*size` bytes and at most twice that, or
 * NULL; on success `*size` becomes the mapping's size.
 */
static struct large_link *cache_take(struct svsm_heap *h, size_t *size)
{
	for (unsigned int i = 0; i < SVSM_HEAP_LARGE_CACHE; i++) {
		struct large_link *l = h->large_cache[i];

		if (l == NULL) {
			continue;
		}
		size_t have = ((const struct blk_hdr *)(l + 1))->size;

		if (have >= *size && have / 2U <= *size) {
			h->large_cache[i] = NULL;
			*size = have;
			return l;
		}
	}
	return NULL;
}

/** Keeps the freed mapping `l` of `size` bytes for reuse if it can. */
static bool cache_put(struct svsm_heap *h, struct large_link *l, size_t size)
{
	if (size > SVSM_HEAP_LARGE_CACHE_MAX) {
		return false;
	}
	for (unsigned int i = 0; i < SVSM_HEAP_LARGE_CACHE; i++) {
		if (h->large_cache[i] == NULL) {
			h->large_cache[i] = l;
			return true;
		}
	}
	return false;
}

static void *alloc_large(struct svsm_heap *h, size_t n)
{
	if (n > SIZE_MAX - LARGE_PREFIX - (PAGE_SIZE - 1)) {
		return NULL;
	}
	size_t size =
		(n + LARGE_PREFIX + PAGE_SIZE - 1) & ~(size_t)(PAGE_SIZE - 1);
	struct large_link *l = cache_take(h, &size);

	if (l == NULL) {
		l = heap_map(h, size);
	}
	if (l == NULL) {
		return NULL;
	}
	struct large_link *head = h->large;

	l->prev = NULL;
	l->next = head;
	if (head != NULL) {
		head->prev = l;
	}
	h->large = l;
	struct blk_hdr *b = (struct blk_hdr *)(l + 1);

	b->magic = heap_magic(h, MAGIC_LIVE);
	b->cls = CLASS_LARGE;
	b->reserved = 0;
	b->size = size;
	h->stats.allocs++;
	h->stats.large_live++;
	return b + 1;
}

void *svsm_heap_alloc(struct svsm_heap *h, size_t n)
{
	if (n == 0) {
		n = 1;
	}
	if (n <= SVSM_HEAP_SMALL_MAX) {
		return alloc_small(h, n);
	}
	return alloc_large(h, n);
}

/** Whether `p` is the payload of one of `h`'s large blocks. */
static bool is_large(const struct svsm_heap *h, const void *p)
{
	for (const struct large_link *l = h->large; l != NULL; l = l->next) {
		if ((const void *)((const uint8_t *)l + LARGE_PREFIX) == p) {
			return true;
		}
	}
	return false;
}

/** Whether `p` lies inside one of `h`'s spans. */
static bool in_span(const struct svsm_heap *h, const void *p)
{
	for (const struct span_link *s = h->spans; s != NULL; s = s->next) {
		uintptr_t base = (uintptr_t)s;

		if ((uintptr_t)p > base &&
		    (uintptr_t)p - base < SVSM_HEAP_SPAN_SIZE) {
			return true;
		}
	}
	return false;
}

/**
 * Whether `p` is a live block of `h` (see the file comment). A large
 * block is looked up in the list first: once freed it is unmapped, so its
 * header cannot be read to find out.
 */
static bool is_live(const struct svsm_heap *h, const void *p)
{
	if (((uintptr_t)p & (SVSM_HEAP_ALIGN - 1)) != 0 ||
	    (uintptr_t)p < LARGE_PREFIX) {
		return false;
	}
	/* A large block's payload is always at page offset 32; so is, now
	 * and then, a small one's. Only there is the large list walked, and
	 * a header read only when a span holds it (a freed large block is
	 * unmapped or in the cache). */
	if ((uintptr_t)p % PAGE_SIZE == LARGE_PREFIX) {
		if (is_large(h, p)) {
			return true;
		}
		if (!in_span(h, p)) {
			return false;
		}
	}
	const struct blk_hdr *b = hdr_of(p);

	return b->magic == heap_magic(h, MAGIC_LIVE) &&
	       b->cls < SVSM_HEAP_CLASS_COUNT && b->size == CLASS_SIZE[b->cls];
}

void svsm_heap_free(struct svsm_heap *h, void *p)
{
	if (p == NULL) {
		return;
	}
	if (!is_live(h, p)) {
		h->stats.bad_frees++;
		return;
	}
	struct blk_hdr *b = hdr_of(p);

	b->magic = heap_magic(h, MAGIC_FREE);
	h->stats.frees++;
	if (b->cls != CLASS_LARGE) {
		*(void **)p = h->free_list[b->cls];
		h->free_list[b->cls] = p;
		return;
	}
	struct large_link *l = (struct large_link *)b - 1;

	if (l->prev != NULL) {
		l->prev->next = l->next;
	} else {
		h->large = l->next;
	}
	if (l->next != NULL) {
		l->next->prev = l->prev;
	}
	h->stats.large_live--;
	if (!cache_put(h, l, b->size)) {
		h->ops.unmap(h->ops.ctx, l, b->size);
	}
}

void *svsm_heap_calloc(struct svsm_heap *h, size_t count, size_t size)
{
	if (size != 0 && count > SIZE_MAX / size) {
		return NULL;
	}
	size_t n = count * size;
	void *p = svsm_heap_alloc(h, n);

	/* Fresh spans and mappings are zero, but recycled blocks are not. */
	if (p != NULL) {
		svsm_memset(p, 0, n);
	}
	return p;
}

size_t svsm_heap_usable(const struct svsm_heap *h, const void *p)
{
	if (p == NULL || !is_live(h, p)) {
		return 0;
	}
	const struct blk_hdr *b = hdr_of(p);

	return b->cls == CLASS_LARGE ? b->size - LARGE_PREFIX : b->size;
}

void *svsm_heap_realloc(struct svsm_heap *h, void *p, size_t n)
{
	if (p == NULL) {
		return svsm_heap_alloc(h, n);
	}
	size_t have = svsm_heap_usable(h, p);

	if (have == 0) {
		h->stats.bad_frees++;
		return NULL;
	}
	if (n <= have && (n > SVSM_HEAP_SMALL_MAX || have <= 2 * n)) {
		return p;
	}
	void *q = svsm_heap_alloc(h, n);

	if (q == NULL) {
		return NULL;
	}
	svsm_memcpy(q, p, n < have ? n : have);
	svsm_heap_free(h, p);
	return q;
}

/* ---- the process heap ---------------------------------------------- */

static void *sys_map(void *ctx, size_t size)
{
	(void)ctx;
	long r = svsm_mmap(NULL, size, SVSM_PROT_READ | SVSM_PROT_WRITE,
			   SVSM_MAP_PRIVATE | SVSM_MAP_ANONYMOUS, -1, 0);

	/* NOLINTNEXTLINE(performance-no-int-to-ptr): mmap's address */
	return svsm_is_err(r) ? NULL : (void *)r;
}

static void sys_unmap(void *ctx, void *p, size_t size)
{
	(void)ctx;
	(void)svsm_munmap(p, size);
}

static struct svsm_heap process_heap;
static bool process_heap_ready;

struct svsm_heap *svsm_heap_default(void)
{
	if (!process_heap_ready) {
		const struct svsm_heap_ops ops = { sys_map, sys_unmap, NULL };

		svsm_heap_init(&process_heap, &ops);
		process_heap_ready = true;
	}
	return &process_heap;
}

void *svsm_malloc(size_t n)
{
	return svsm_heap_alloc(svsm_heap_default(), n);
}

void svsm_free(void *p)
{
	svsm_heap_free(svsm_heap_default(), p);
}

void *svsm_calloc(size_t count, size_t size)
{
	return svsm_heap_calloc(svsm_heap_default(), count, size);
}

void *svsm_realloc(void *p, size_t n)
{
	return svsm_heap_realloc(svsm_heap_default(), p, n);
}
