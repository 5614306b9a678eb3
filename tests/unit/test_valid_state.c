// SPDX-License-Identifier: MIT
/*
 * Unit tests of the per-page validation-state table: set-up and its
 * refusals, refusal of double validation and double invalidation
 * wherever the offending page sits in a range, ranges outside the region
 * or wrapping around the address space, prepare changing nothing, commit
 * at every alignment within the packed bytes, counts, and a seeded random
 * run against a one-byte-per-page model.
 */
#include "svsm/string.h"
#include "svsm/test.h"
#include "svsm/valid_state.h"

/* PAGE_SIZE as a 64-bit value, so products with it are computed in 64 bits. */
#define PAGE_BYTES ((uint64_t)PAGE_SIZE)
#define VBASE 0x100000ULL /* 1 MiB */
#define VPAGES 1001U	  /* not a multiple of four */
#define VBYTES ((VPAGES + 3U) / 4U)

static struct valid_region region;
static uint8_t bits[VBYTES + 8];

SET_UP(valid_state)
{
	memset(bits, 0xFF, sizeof(bits));
	ASSERT_OK(valid_region_init(&region, pa_init(VBASE), VPAGES, bits,
				    VBYTES));
}

/** The address of page `i` of the region. */
static paddr_t page(uint64_t i)
{
	return pa_init(VBASE + i * PAGE_BYTES);
}

/** Counts of the region's pages in each state. */
static void counts_of(uint64_t c[4])
{
	valid_count(&region, c);
}

/** Expects the region's counts to be `inv`, `val`, `shr`. */
static void expect_counts(struct test_ctx *t, uint64_t inv, uint64_t val,
			  uint64_t shr)
{
	uint64_t c[4];

	counts_of(c);
	EXPECT_EQ(c[VALID_STATE_INVALID], inv);
	EXPECT_EQ(c[VALID_STATE_VALID], val);
	EXPECT_EQ(c[VALID_STATE_SHARED], shr);
	EXPECT_EQ(c[VALID_STATE_UNKNOWN], 0);
}

/** Prepares and commits `from` -> `to` on [first, first + n). */
static enum svsm_err change(uint64_t first, uint64_t n, enum valid_state from,
			    enum valid_state to)
{
	enum svsm_err err = valid_prepare(&region, page(first), n, from, to);

	if (err == SVSM_OK) {
		valid_commit(&region, page(first), n, to);
	}
	return err;
}

TEST(valid_state, init_refuses_bad_arguments)
{
	struct valid_region r = { 1, 2, NULL };
	uint8_t b[4] = { 0xAA, 0xAA, 0xAA, 0xAA };
	paddr_t top = pa_init(UINT64_MAX & ~(PAGE_BYTES - 1));

	EXPECT_ERR(valid_region_init(NULL, pa_init(0), 4, b, 4),
		   SVSM_ERR_INVAL);
	EXPECT_ERR(valid_region_init(&r, pa_init(0), 4, NULL, 4),
		   SVSM_ERR_INVAL);
	EXPECT_ERR(valid_region_init(&r, pa_init(0), 0, b, 4), SVSM_ERR_INVAL);
	EXPECT_ERR(valid_region_init(&r, pa_init(0x800), 4, b, 4),
		   SVSM_ERR_INVAL);
	EXPECT_ERR(valid_region_init(&r, pa_init(0), 17, b, 4), SVSM_ERR_RANGE);
	EXPECT_ERR(valid_region_init(&r, top, 2, b, 4), SVSM_ERR_RANGE);
	EXPECT_ERR(valid_region_init(&r, pa_init(PAGE_BYTES), 1ULL << 52, b,
				     SIZE_MAX),
		   SVSM_ERR_RANGE);
	EXPECT_ERR(valid_region_init(&r, pa_init(0), UINT64_MAX, b, SIZE_MAX),
		   SVSM_ERR_RANGE);
	/* Nothing written on failure. */
	EXPECT_EQ(r.base, 1);
	EXPECT_EQ(r.pages, 2);
	EXPECT_TRUE(r.bits == NULL);
	EXPECT_EQ(b[0], 0xAA);
	EXPECT_EQ(b[3], 0xAA);
	/* The last page below 2^64 can be tracked. */
	EXPECT_OK(valid_region_init(&r, top, 1, b, 1));
	EXPECT_EQ(valid_get(&r, top), VALID_STATE_INVALID);
	EXPECT_EQ(b[1], 0xAA);
}

TEST(valid_state, init_starts_all_invalid)
{
	expect_counts(t, VPAGES, 0, 0);
	EXPECT_EQ(valid_get(&region, page(0)), VALID_STATE_INVALID);
	EXPECT_EQ(valid_get(&region, page(VPAGES - 1)), VALID_STATE_INVALID);
	/* The table is exactly (pages + 3) / 4 bytes; past it is untouched. */
	EXPECT_EQ(bits[VBYTES - 1], 0);
	EXPECT_EQ(bits[VBYTES], 0xFF);
}

TEST(valid_state, get_outside_region_is_unknown)
{
	EXPECT_EQ(valid_get(&region, pa_init(0)), VALID_STATE_UNKNOWN);
	EXPECT_EQ(valid_get(&region, pa_init(VBASE - 1)), VALID_STATE_UNKNOWN);
	EXPECT_EQ(valid_get(&region, page(VPAGES)), VALID_STATE_UNKNOWN);
	EXPECT_EQ(valid_get(&region, pa_init(UINT64_MAX)), VALID_STATE_UNKNOWN);
	/* An address inside a page reports that page. */
	EXPECT_OK(change(7, 1, VALID_STATE_INVALID, VALID_STATE_VALID));
	EXPECT_EQ(valid_get(&region, pa_init(pa_addr(page(7)) + 123)),
		  VALID_STATE_VALID);
	EXPECT_EQ(valid_get(&region, pa_init(pa_addr(page(8)) - 1)),
		  VALID_STATE_VALID);
}

TEST(valid_state, validate_and_invalidate_a_range)
{
	EXPECT_OK(valid_prepare(&region, page(3), 100, VALID_STATE_INVALID,
				VALID_STATE_VALID));
	expect_counts(t, VPAGES, 0, 0); /* prepare changes nothing */
	valid_commit(&region, page(3), 100, VALID_STATE_VALID);
	expect_counts(t, VPAGES - 100, 100, 0);
	EXPECT_EQ(valid_get(&region, page(2)), VALID_STATE_INVALID);
	EXPECT_EQ(valid_get(&region, page(3)), VALID_STATE_VALID);
	EXPECT_EQ(valid_get(&region, page(102)), VALID_STATE_VALID);
	EXPECT_EQ(valid_get(&region, page(103)), VALID_STATE_INVALID);
	EXPECT_OK(change(3, 100, VALID_STATE_VALID, VALID_STATE_INVALID));
	expect_counts(t, VPAGES, 0, 0);
	/* The whole region at once. */
	EXPECT_OK(change(0, VPAGES, VALID_STATE_INVALID, VALID_STATE_VALID));
	expect_counts(t, 0, VPAGES, 0);
}

TEST(valid_state, double_validation_refused)
{
	EXPECT_OK(change(10, 1, VALID_STATE_INVALID, VALID_STATE_VALID));
	EXPECT_ERR(valid_prepare(&region, page(10), 1, VALID_STATE_INVALID,
				 VALID_STATE_VALID),
		   SVSM_ERR_EXISTS);
	EXPECT_ERR(change(8, 4, VALID_STATE_INVALID, VALID_STATE_VALID),
		   SVSM_ERR_EXISTS);
	expect_counts(t, VPAGES - 1, 1, 0);
	EXPECT_EQ(valid_get(&region, page(8)), VALID_STATE_INVALID);
	EXPECT_EQ(valid_get(&region, page(11)), VALID_STATE_INVALID);
}

TEST(valid_state, double_validation_of_one_page_in_a_range_refused)
{
	EXPECT_OK(change(20, 1, VALID_STATE_INVALID, VALID_STATE_VALID));
	/* The already-valid page last, first, and in the middle. */
	EXPECT_ERR(change(5, 16, VALID_STATE_INVALID, VALID_STATE_VALID),
		   SVSM_ERR_EXISTS);
	EXPECT_ERR(change(20, 300, VALID_STATE_INVALID, VALID_STATE_VALID),
		   SVSM_ERR_EXISTS);
	EXPECT_ERR(change(0, VPAGES, VALID_STATE_INVALID, VALID_STATE_VALID),
		   SVSM_ERR_EXISTS);
	expect_counts(t, VPAGES - 1, 1, 0);
	/* The region's very last page. */
	EXPECT_OK(
		change(VPAGES - 1, 1, VALID_STATE_INVALID, VALID_STATE_VALID));
	EXPECT_ERR(
		change(VPAGES - 9, 9, VALID_STATE_INVALID, VALID_STATE_VALID),
		SVSM_ERR_EXISTS);
	expect_counts(t, VPAGES - 2, 2, 0);
}

TEST(valid_state, double_invalidation_refused)
{
	EXPECT_OK(change(40, 8, VALID_STATE_INVALID, VALID_STATE_VALID));
	EXPECT_OK(change(47, 1, VALID_STATE_VALID, VALID_STATE_INVALID));
	EXPECT_ERR(change(40, 8, VALID_STATE_VALID, VALID_STATE_INVALID),
		   SVSM_ERR_EXISTS);
	EXPECT_ERR(change(47, 1, VALID_STATE_VALID, VALID_STATE_INVALID),
		   SVSM_ERR_EXISTS);
	expect_counts(t, VPAGES - 7, 7, 0);
	EXPECT_OK(change(40, 7, VALID_STATE_VALID, VALID_STATE_INVALID));
	expect_counts(t, VPAGES, 0, 0);
}

TEST(valid_state, other_mismatch_is_inval_and_exists_wins)
{
	EXPECT_OK(change(60, 2, VALID_STATE_INVALID, VALID_STATE_SHARED));
	EXPECT_ERR(change(56, 8, VALID_STATE_INVALID, VALID_STATE_VALID),
		   SVSM_ERR_INVAL);
	EXPECT_ERR(change(60, 1, VALID_STATE_VALID, VALID_STATE_INVALID),
		   SVSM_ERR_INVAL);
	/* A VALID page after the SHARED ones: still a double validation. */
	EXPECT_OK(change(70, 1, VALID_STATE_INVALID, VALID_STATE_VALID));
	EXPECT_ERR(change(56, 20, VALID_STATE_INVALID, VALID_STATE_VALID),
		   SVSM_ERR_EXISTS);
	expect_counts(t, VPAGES - 3, 1, 2);
}

TEST(valid_state, shared_round_trip)
{
	EXPECT_OK(change(100, 16, VALID_STATE_INVALID, VALID_STATE_VALID));
	EXPECT_OK(change(104, 4, VALID_STATE_VALID, VALID_STATE_SHARED));
	EXPECT_ERR(change(104, 1, VALID_STATE_VALID, VALID_STATE_SHARED),
		   SVSM_ERR_EXISTS);
	expect_counts(t, VPAGES - 16, 12, 4);
	EXPECT_OK(change(104, 4, VALID_STATE_SHARED, VALID_STATE_INVALID));
	EXPECT_OK(change(104, 4, VALID_STATE_INVALID, VALID_STATE_VALID));
	expect_counts(t, VPAGES - 16, 16, 0);
}

TEST(valid_state, range_outside_region_refused)
{
	uint64_t end = VBASE + (uint64_t)VPAGES * PAGE_BYTES;
	const enum valid_state i = VALID_STATE_INVALID;
	const enum valid_state v = VALID_STATE_VALID;

	EXPECT_ERR(valid_prepare(&region, pa_init(0), 1, i, v), SVSM_ERR_RANGE);
	EXPECT_ERR(valid_prepare(&region, pa_init(VBASE - PAGE_BYTES), 2, i, v),
		   SVSM_ERR_RANGE);
	EXPECT_ERR(valid_prepare(&region, pa_init(end), 1, i, v),
		   SVSM_ERR_RANGE);
	EXPECT_ERR(valid_prepare(&region, pa_init(end - PAGE_BYTES), 2, i, v),
		   SVSM_ERR_RANGE);
	EXPECT_ERR(valid_prepare(&region, page(0), VPAGES + 1, i, v),
		   SVSM_ERR_RANGE);
	EXPECT_ERR(valid_prepare(&region, page(3), 0, i, v), SVSM_ERR_INVAL);
	EXPECT_ERR(valid_prepare(&region, pa_init(VBASE + 8), 1, i, v),
		   SVSM_ERR_INVAL);
	EXPECT_OK(valid_prepare(&region, pa_init(end - PAGE_BYTES), 1, i, v));
	expect_counts(t, VPAGES, 0, 0);
}

TEST(valid_state, overflowing_ranges_refused)
{
	const enum valid_state i = VALID_STATE_INVALID;
	const enum valid_state v = VALID_STATE_VALID;
	paddr_t top = pa_init(UINT64_MAX & ~(PAGE_BYTES - 1));
	static uint8_t top_bits[2];
	struct valid_region r;

	EXPECT_ERR(valid_prepare(&region, page(0), UINT64_MAX, i, v),
		   SVSM_ERR_RANGE);
	EXPECT_ERR(valid_prepare(&region, page(1), UINT64_MAX, i, v),
		   SVSM_ERR_RANGE);
	/* pages * 4 KiB wraps to one page. */
	EXPECT_ERR(valid_prepare(&region, page(1), (1ULL << 52) + 1, i, v),
		   SVSM_ERR_RANGE);
	EXPECT_ERR(valid_prepare(&region, top, 1, i, v), SVSM_ERR_RANGE);
	valid_commit(&region, page(1), (1ULL << 52) + 1, v);
	valid_commit(&region, page(0), UINT64_MAX, v);
	expect_counts(t, VPAGES, 0, 0);
	/* A region that ends at 2^64, its last page included. */
	ASSERT_OK(valid_region_init(&r, pa_init(pa_addr(top) - 3 * PAGE_BYTES),
				    4, top_bits, sizeof(top_bits)));
	EXPECT_ERR(valid_prepare(&r, top, 2, i, v), SVSM_ERR_RANGE);
	EXPECT_ERR(valid_prepare(&r, top, UINT64_MAX, i, v), SVSM_ERR_RANGE);
	EXPECT_ERR(valid_prepare(&r, pa_init(pa_addr(top) - PAGE_BYTES),
				 UINT64_MAX, i, v),
		   SVSM_ERR_RANGE);
	ASSERT_OK(valid_prepare(&r, top, 1, i, v));
	valid_commit(&r, top, 1, v);
	EXPECT_EQ(valid_get(&r, pa_init(UINT64_MAX)), VALID_STATE_VALID);
	EXPECT_EQ(valid_get(&r, pa_init(pa_addr(top) - 1)),
		  VALID_STATE_INVALID);
	EXPECT_EQ(valid_get(&r, pa_init(pa_addr(top) - 4 * PAGE_BYTES)),
		  VALID_STATE_UNKNOWN);
}

TEST(valid_state, bad_states_refused)
{
	const enum valid_state bogus = (enum valid_state)7;

	EXPECT_ERR(valid_prepare(&region, page(0), 1, VALID_STATE_INVALID,
				 VALID_STATE_INVALID),
		   SVSM_ERR_INVAL);
	EXPECT_ERR(valid_prepare(&region, page(0), 1, VALID_STATE_UNKNOWN,
				 VALID_STATE_VALID),
		   SVSM_ERR_INVAL);
	EXPECT_ERR(valid_prepare(&region, page(0), 1, VALID_STATE_INVALID,
				 VALID_STATE_UNKNOWN),
		   SVSM_ERR_INVAL);
	EXPECT_ERR(
		valid_prepare(&region, page(0), 1, VALID_STATE_INVALID, bogus),
		SVSM_ERR_INVAL);
	valid_commit(&region, page(0), 4, VALID_STATE_UNKNOWN);
	valid_commit(&region, page(0), 4, bogus);
	expect_counts(t, VPAGES, 0, 0);
}

TEST(valid_state, commit_out_of_range_changes_nothing)
{
	uint8_t copy[sizeof(bits)];

	EXPECT_OK(change(0, 9, VALID_STATE_INVALID, VALID_STATE_SHARED));
	memcpy(copy, bits, sizeof(bits));
	valid_commit(&region, pa_init(VBASE - PAGE_BYTES), 2,
		     VALID_STATE_VALID);
	valid_commit(&region, page(VPAGES - 1), 2, VALID_STATE_VALID);
	valid_commit(&region, page(VPAGES), 1, VALID_STATE_VALID);
	valid_commit(&region, page(4), 0, VALID_STATE_VALID);
	valid_commit(&region, pa_init(VBASE + 1), 1, VALID_STATE_VALID);
	EXPECT_MEMEQ(copy, bits, sizeof(bits));
}

/** Commits [first, first + n) to VALID over SHARED; checks every page. */
static void commit_window(struct test_ctx *t, uint64_t first, uint64_t n)
{
	valid_commit(&region, page(0), 32, VALID_STATE_SHARED);
	valid_commit(&region, page(first), n, VALID_STATE_VALID);
	for (uint64_t p = 0; p < 32; p++) {
		enum valid_state want = p >= first && p < first + n
						? VALID_STATE_VALID
						: VALID_STATE_SHARED;

		if (valid_get(&region, page(p)) != want) {
			test_diag(t, "first %llu, %llu pages: page %llu wrong",
				  (unsigned long long)first,
				  (unsigned long long)n, (unsigned long long)p);
			EXPECT_EQ(valid_get(&region, page(p)), want);
			return;
		}
	}
}

TEST(valid_state, commit_at_every_alignment)
{
	for (uint64_t first = 0; first < 8; first++) {
		for (uint64_t n = 1; n <= 16; n++) {
			commit_window(t, first, n);
		}
	}
	/* A region whose last byte is partial: the last page alone. */
	valid_commit(&region, page(VPAGES - 1), 1, VALID_STATE_SHARED);
	EXPECT_EQ(valid_get(&region, page(VPAGES - 1)), VALID_STATE_SHARED);
	EXPECT_EQ(valid_get(&region, page(VPAGES - 2)), VALID_STATE_INVALID);
}

TEST(valid_state, counts_ignore_bits_past_the_last_page)
{
	struct valid_region r;
	uint8_t b[2];
	uint64_t c[4];

	ASSERT_OK(valid_region_init(&r, pa_init(0), 5, b, sizeof(b)));
	ASSERT_OK(valid_prepare(&r, pa_init(4 * PAGE_BYTES), 1,
				VALID_STATE_INVALID, VALID_STATE_SHARED));
	valid_commit(&r, pa_init(4 * PAGE_BYTES), 1, VALID_STATE_SHARED);
	b[1] |= 0xFC; /* junk in the unused bits of the last byte */
	valid_count(&r, c);
	EXPECT_EQ(c[VALID_STATE_INVALID], 4);
	EXPECT_EQ(c[VALID_STATE_VALID], 0);
	EXPECT_EQ(c[VALID_STATE_SHARED], 1);
	EXPECT_EQ(c[VALID_STATE_UNKNOWN], 0);
}

/* ---- randomized run against a model ------------------------------------ */

#define MODEL_OPS 3000U

static uint8_t model[VPAGES];
static uint64_t model_rng;

/** xorshift64: a fixed, reproducible sequence. */
static uint64_t model_rnd(void)
{
	model_rng ^= model_rng << 13;
	model_rng ^= model_rng >> 7;
	model_rng ^= model_rng << 17;
	return model_rng;
}

/** What valid_prepare() must say for [first, first + n), per the model. */
static enum svsm_err model_expect(uint64_t first, uint64_t n,
				  enum valid_state from, enum valid_state to)
{
	enum svsm_err err = SVSM_OK;

	for (uint64_t p = first; p < first + n; p++) {
		if (model[p] == to) {
			return SVSM_ERR_EXISTS;
		}
		if (model[p] != from) {
			err = SVSM_ERR_INVAL;
		}
	}
	return err;
}

/** One random change, checked against and applied to the model. */
static bool model_step(struct test_ctx *t)
{
	uint64_t first = model_rnd() % VPAGES;
	uint64_t n = model_rnd() % 12 + 1;
	enum valid_state from = (enum valid_state)(model_rnd() % 3);
	enum valid_state to =
		(enum valid_state)((from + 1 + model_rnd() % 2) % 3);
	enum svsm_err want;
	enum svsm_err got;

	if (n > VPAGES - first) {
		n = VPAGES - first;
	}
	want = model_expect(first, n, from, to);
	got = change(first, n, from, to);
	EXPECT_ERR(got, want);
	if (got == SVSM_OK) {
		memset(&model[first], (int)to, (size_t)n);
	}
	return got == want;
}

TEST(valid_state, random_changes_match_a_model)
{
	uint64_t c[4];
	uint64_t want[4] = { 0, 0, 0, 0 };

	model_rng = 0xD1B54A32D192ED03ULL;
	memset(model, VALID_STATE_INVALID, sizeof(model));
	for (uint32_t op = 0; op < MODEL_OPS; op++) {
		if (!model_step(t)) {
			test_diag(t, "mismatch at operation %u", op);
			return;
		}
	}
	for (uint64_t p = 0; p < VPAGES; p++) {
		ASSERT_EQ(valid_get(&region, page(p)), model[p]);
		want[model[p]]++;
	}
	counts_of(c);
	EXPECT_MEMEQ(c, want, sizeof(c));
}
