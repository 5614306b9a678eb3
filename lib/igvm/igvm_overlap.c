// SPDX-License-Identifier: MIT
/*
 * The IGVM reader's uniqueness checks. Every PAGE_DATA page and every
 * inserted parameter area is recorded once as a (mask, page range); once
 * the walk is done, for each platform the ranges that carry its mask bit
 * are sorted by first page and no two of them may share a page. Memory
 * stays proportional to the number of entries, whatever their masks. VP
 * contexts are marked in a bitmap indexed by (platform, vp_index), so a second
 * context is refused where it appears. The memory comes from malloc; a failure
 * is SVSM_ERR_NOMEM.
 */
#include <stdlib.h>

#include "igvm_file.h"
#include "igvm_internal.h"

#define RANGES_INITIAL 64U
#define VP_INDEX_COUNT 65536U
#define VP_BITMAP_SIZE (IGVM_MAX_PLATFORMS * VP_INDEX_COUNT / 8U)

/** Appends one range, growing the array as needed. */
static enum svsm_err SVSM_MUST_CHECK push_range(struct igvm_parser *p,
						const struct igvm_range *r)
{
	if (p->range_count == p->range_cap) {
		size_t cap =
			p->range_cap == 0 ? RANGES_INITIAL : p->range_cap * 2;
		struct igvm_range *n;

		if (cap > UINT32_MAX || cap > SIZE_MAX / sizeof(*n)) {
			return SVSM_ERR_NOMEM;
		}
		n = realloc(p->ranges, cap * sizeof(*n));
		if (n == NULL) {
			return SVSM_ERR_NOMEM;
		}
		p->ranges = n;
		p->range_cap = cap;
	}
	p->ranges[p->range_count++] = *r;
	return SVSM_OK;
}

/** Records the pages an entry fills on the platforms of `mask`. */
enum svsm_err igvm_add_ranges(struct igvm_parser *p, uint32_t mask,
			      uint64_t gpa, uint64_t page_count,
			      const struct igvm_entry *e)
{
	struct igvm_range r = {
		.first_page = gpa / IGVM_PAGE_SIZE,
		.page_count = page_count,
		.mask = mask,
		.type = e->type,
		.offset = e->offset,
	};

	return push_range(p, &r);
}

/** Marks (platform index, vp_index) as having a context; fails if seen. */
enum svsm_err igvm_mark_vp(struct igvm_parser *p, uint32_t platform_index,
			   uint16_t vp_index, const struct igvm_entry *e)
{
	uint32_t bit = platform_index * VP_INDEX_COUNT + vp_index;
	uint8_t flag = (uint8_t)(1U << (bit % 8U));

	if (p->vp_seen == NULL) {
		p->vp_seen = calloc(1, VP_BITMAP_SIZE);
		if (p->vp_seen == NULL) {
			return SVSM_ERR_NOMEM;
		}
	}
	if ((p->vp_seen[bit / 8U] & flag) != 0) {
		return igvm_fail(
			p, e->offset,
			"second VP_CONTEXT for vp_index %u on platform %s",
			vp_index,
			igvm_platform_name(p->file.platforms[platform_index]
						   .platform_type));
	}
	p->vp_seen[bit / 8U] |= flag;
	return SVSM_OK;
}

/** Sort key: a range of one platform, by first page then file order. */
struct range_key {
	uint64_t first_page;
	uint32_t index; /**< into `ranges`, which is in file order */
};

static int cmp_u64(uint64_t a, uint64_t b)
{
	return (a > b) - (a < b);
}

/** Orders keys by first page, then by file order. */
static int key_cmp(const void *va, const void *vb)
{
	const struct range_key *a = va;
	const struct range_key *b = vb;
	int c = cmp_u64(a->first_page, b->first_page);

	return c != 0 ? c : cmp_u64(a->index, b->index);
}

/** Reports two overlapping ranges at the offset of the later entry. */
static enum svsm_err SVSM_MUST_CHECK
fail_overlap(struct igvm_parser *p, const struct igvm_platform_info *pl,
	     const struct igvm_range *a, const struct igvm_range *b)
{
	const struct igvm_range *later = a->offset > b->offset ? a : b;
	const struct igvm_range *earlier = later == a ? b : a;
	uint64_t page =
		a->first_page > b->first_page ? a->first_page : b->first_page;

	return igvm_fail(p, later->offset,
			 "%s at gpa 0x%llx on platform %s overlaps the %s at "
			 "offset 0x%x",
			 igvm_type_name(later->type),
			 (unsigned long long)page * IGVM_PAGE_SIZE,
			 igvm_platform_name(pl->platform_type),
			 igvm_type_name(earlier->type), earlier->offset);
}

/** Checks the ranges of one platform, using `keys` as scratch space. */
static enum svsm_err SVSM_MUST_CHECK
check_platform(struct igvm_parser *p, const struct igvm_platform_info *pl,
	       struct range_key *keys)
{
	const struct igvm_range *reach = NULL; /* furthest-ending so far */
	size_t n = 0;

	for (size_t i = 0; i < p->range_count; i++) {
		if ((p->ranges[i].mask & pl->compatibility_mask) != 0) {
			keys[n].first_page = p->ranges[i].first_page;
			keys[n].index = (uint32_t)i;
			n++;
		}
	}
	qsort(keys, n, sizeof(keys[0]), key_cmp);
	for (size_t i = 0; i < n; i++) {
		const struct igvm_range *r = &p->ranges[keys[i].index];

		if (reach != NULL &&
		    r->first_page < reach->first_page + reach->page_count) {
			return fail_overlap(p, pl, reach, r);
		}
		if (reach == NULL ||
		    r->first_page + r->page_count >
			    reach->first_page + reach->page_count) {
			reach = r;
		}
	}
	return SVSM_OK;
}

/** After the walk: no two ranges of one platform may share a page. */
enum svsm_err igvm_check_overlaps(struct igvm_parser *p)
{
	enum svsm_err err = SVSM_OK;
	struct range_key *keys;

	if (p->range_count == 0) {
		return SVSM_OK;
	}
	keys = malloc(p->range_count * sizeof(*keys));
	if (keys == NULL) {
		return SVSM_ERR_NOMEM;
	}
	for (uint32_t i = 0; i < p->file.platform_count && err == SVSM_OK;
	     i++) {
		err = check_platform(p, &p->file.platforms[i], keys);
	}
	free(keys);
	return err;
}

/** Frees what the parser allocated; safe to call twice. */
void igvm_parser_release(struct igvm_parser *p)
{
	free(p->ranges);
	p->ranges = NULL;
	p->range_count = 0;
	p->range_cap = 0;
	free(p->vp_seen);
	p->vp_seen = NULL;
}
