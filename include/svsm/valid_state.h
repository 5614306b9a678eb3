/* SPDX-License-Identifier: MIT */
/*
 * Per-4 KiB validation state of every page the SVSM knows of, its own and
 * the guest's: two bits a page in a compact table. The platform's
 * validation calls consult and update it, so that validating a page that
 * is already valid, or invalidating one that is not, is refused before it
 * reaches the hardware (the defence against double-validation attacks).
 * Updates of a range are prepare (check every page, may fail, no change)
 * then commit (cannot fail).
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "svsm/addr.h"
#include "svsm/err.h"

/** The state of one page. */
enum valid_state {
	VALID_STATE_INVALID = 0, /* not validated (or rescinded) */
	VALID_STATE_VALID = 1,	 /* validated, private */
	VALID_STATE_SHARED = 2,	 /* made shared with the host */
	VALID_STATE_UNKNOWN = 3, /* not tracked here */
};

/** A covered span of physical memory and its 2-bit table. */
struct valid_region {
	uint64_t base; /* physical, page aligned */
	uint64_t pages;
	uint8_t *bits; /* pages * 2 bits, caller-provided */
};

/**
 * Tracks [base, base + pages * 4 KiB) with the caller's table `bits`
 * ((pages + 3) / 4 bytes); all pages start INVALID.
 */
enum svsm_err valid_region_init(struct valid_region *r, paddr_t base,
				uint64_t pages, uint8_t *bits,
				size_t bits_size) SVSM_MUST_CHECK;
/** The state of the page at `pa`; UNKNOWN outside the region. */
enum valid_state valid_get(const struct valid_region *r, paddr_t pa);
/**
 * Checks that every page of [pa, pa + pages * 4 KiB) is in state `from`
 * (SVSM_ERR_RANGE outside the region, SVSM_ERR_EXISTS when a page is
 * already in `to`, SVSM_ERR_INVAL otherwise). Changes nothing.
 */
enum svsm_err valid_prepare(const struct valid_region *r, paddr_t pa,
			    uint64_t pages, enum valid_state from,
			    enum valid_state to) SVSM_MUST_CHECK;
/** Sets every page of the range to `to`; only after valid_prepare(). */
void valid_commit(struct valid_region *r, paddr_t pa, uint64_t pages,
		  enum valid_state to);
/** Counts the pages of the region in each state (`counts[4]`). */
void valid_count(const struct valid_region *r, uint64_t counts[4]);
