// SPDX-License-Identifier: MIT
/*
 * The per-4 KiB validation-state table: two bits per page (`enum
 * valid_state`), four pages to a byte, page i of a region in bits
 * 2 * (i % 4) .. 2 * (i % 4) + 1 of byte i / 4. The platform's validation
 * paths call valid_prepare() before they ask the hardware to change a
 * range and valid_commit() after, so a page is never validated twice nor
 * invalidated when it is not valid.
 *
 * Ranges are handled as page indices relative to the region's base and
 * checked against the region's page count by subtraction, so that no
 * caller-supplied address or length can overflow into a valid range.
 * Whole bytes whose four pages agree are checked and written at once.
 */
#include "svsm/valid_state.h"

#include "svsm/string.h"

#define VALID_PAGES_PER_BYTE 4U
#define VALID_STATE_MASK 3U

/** Bytes of table needed for `pages` pages (overflow-free). */
static uint64_t table_size(uint64_t pages)
{
	return pages / VALID_PAGES_PER_BYTE +
	       (pages % VALID_PAGES_PER_BYTE != 0 ? 1U : 0U);
}

/** A byte with all four pages in state `s`. */
static uint8_t byte_of(enum valid_state s)
{
	return (uint8_t)((unsigned int)s * 0x55U);
}

/** The state of page `i` of `r`. */
static enum valid_state get_bits(const struct valid_region *r, uint64_t i)
{
	unsigned int shift = (unsigned int)(i % VALID_PAGES_PER_BYTE) * 2U;

	return (enum valid_state)((r->bits[i / VALID_PAGES_PER_BYTE] >> shift) &
				  VALID_STATE_MASK);
}

/** Sets page `i` of `r` to `s`. */
static void set_bits(struct valid_region *r, uint64_t i, enum valid_state s)
{
	unsigned int shift = (unsigned int)(i % VALID_PAGES_PER_BYTE) * 2U;
	uint8_t *b = &r->bits[i / VALID_PAGES_PER_BYTE];

	*b = (uint8_t)((*b & ~(VALID_STATE_MASK << shift)) |
		       ((unsigned int)s << shift));
}

/** Whether `s` is a state a page can be put in (not UNKNOWN). */
static bool is_settable(enum valid_state s)
{
	switch (s) {
	case VALID_STATE_INVALID:
	case VALID_STATE_VALID:
	case VALID_STATE_SHARED:
		return true;
	case VALID_STATE_UNKNOWN:
		break;
	}
	return false;
}

/**
 * Returns in `*first` the index of page `pa` when the `pages` pages from
 * it lie in `r`: SVSM_ERR_INVAL for an unaligned `pa` or no pages,
 * SVSM_ERR_RANGE when any page is outside.
 */
static enum svsm_err range_first(const struct valid_region *r, paddr_t pa,
				 uint64_t pages, uint64_t *first)
{
	uint64_t i;

	if (!pa_is_page_aligned(pa) || pages == 0) {
		return SVSM_ERR_INVAL;
	}
	if (pa_addr(pa) < r->base) {
		return SVSM_ERR_RANGE;
	}
	i = (pa_addr(pa) - r->base) >> PAGE_SHIFT;
	if (i >= r->pages || pages > r->pages - i) {
		return SVSM_ERR_RANGE;
	}
	*first = i;
	return SVSM_OK;
}

/** Starts tracking a region; every page is INVALID. */
enum svsm_err valid_region_init(struct valid_region *r, paddr_t base,
				uint64_t pages, uint8_t *bits, size_t bits_size)
{
	if (!r || !bits || pages == 0 || !pa_is_page_aligned(base)) {
		return SVSM_ERR_INVAL;
	}
	/* The region may end at 2^64 but not wrap past it. */
	if (pages > ((UINT64_MAX - pa_addr(base)) >> PAGE_SHIFT) + 1 ||
	    bits_size < table_size(pages)) {
		return SVSM_ERR_RANGE;
	}
	memset(bits, 0, (size_t)table_size(pages));
	r->base = pa_addr(base);
	r->pages = pages;
	r->bits = bits;
	return SVSM_OK;
}

/** The state of the page that holds `pa`, UNKNOWN outside the region. */
enum valid_state valid_get(const struct valid_region *r, paddr_t pa)
{
	uint64_t i;

	if (pa_addr(pa) < r->base) {
		return VALID_STATE_UNKNOWN;
	}
	i = (pa_addr(pa) - r->base) >> PAGE_SHIFT;
	if (i >= r->pages) {
		return VALID_STATE_UNKNOWN;
	}
	return get_bits(r, i);
}

/**
 * Checks pages [i, i + pages) of `r` against `from`: SVSM_ERR_EXISTS as
 * soon as one is already in `to` (a repeated validation or invalidation,
 * reported as such wherever it is in the range), SVSM_ERR_INVAL at the
 * end if any other page was in neither state.
 */
static enum svsm_err scan(const struct valid_region *r, uint64_t i,
			  uint64_t pages, enum valid_state from,
			  enum valid_state to)
{
	uint64_t end = i + pages;
	uint8_t all_from = byte_of(from);
	enum svsm_err err = SVSM_OK;

	while (i < end) {
		enum valid_state s;

		if (i % VALID_PAGES_PER_BYTE == 0 &&
		    end - i >= VALID_PAGES_PER_BYTE &&
		    r->bits[i / VALID_PAGES_PER_BYTE] == all_from) {
			i += VALID_PAGES_PER_BYTE;
			continue;
		}
		s = get_bits(r, i);
		if (s == to) {
			return SVSM_ERR_EXISTS;
		}
		if (s != from) {
			err = SVSM_ERR_INVAL;
		}
		i++;
	}
	return err;
}

/** Checks that a range may go from `from` to `to`; changes nothing. */
enum svsm_err valid_prepare(const struct valid_region *r, paddr_t pa,
			    uint64_t pages, enum valid_state from,
			    enum valid_state to)
{
	uint64_t first;
	enum svsm_err err;

	if (!is_settable(from) || !is_settable(to) || from == to) {
		return SVSM_ERR_INVAL;
	}
	err = range_first(r, pa, pages, &first);
	if (err != SVSM_OK) {
		return err;
	}
	return scan(r, first, pages, from, to);
}

/**
 * Sets a range to `to`. It cannot fail: valid_prepare() has checked the
 * range. A range or state that valid_prepare() would refuse changes
 * nothing (a caller bug must not write outside the table).
 */
void valid_commit(struct valid_region *r, paddr_t pa, uint64_t pages,
		  enum valid_state to)
{
	uint64_t i;
	uint64_t end;
	uint64_t whole;

	if (!is_settable(to) || range_first(r, pa, pages, &i) != SVSM_OK) {
		return;
	}
	end = i + pages;
	while (i < end && i % VALID_PAGES_PER_BYTE != 0) {
		set_bits(r, i++, to);
	}
	whole = (end - i) / VALID_PAGES_PER_BYTE;
	memset(&r->bits[i / VALID_PAGES_PER_BYTE], byte_of(to), (size_t)whole);
	i += whole * VALID_PAGES_PER_BYTE;
	while (i < end) {
		set_bits(r, i++, to);
	}
}

/** Counts the region's pages in each state. */
void valid_count(const struct valid_region *r, uint64_t counts[4])
{
	for (unsigned int s = 0; s < 4U; s++) {
		counts[s] = 0;
	}
	for (uint64_t i = 0; i < r->pages; i++) {
		counts[get_bits(r, i)]++;
	}
}
