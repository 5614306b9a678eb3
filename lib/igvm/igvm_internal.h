/* SPDX-License-Identifier: MIT */
/*
 * Private to the IGVM reader: the state `igvm_file_parse()` keeps while it
 * walks the variable headers, shared by the header walk (igvm_file.c), the
 * per-type checks (igvm_check.c) and the whole-file checks that need every
 * entry first (igvm_overlap.c). Nothing here is part of the reader API.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "svsm/err.h"

#include "igvm_file.h"

/** Section numbers, in the order the format requires. */
enum igvm_section {
	IGVM_SECTION_NONE = 0, /**< outside every section range */
	IGVM_SECTION_PLATFORM, /**< 0x001-0x100 */
	IGVM_SECTION_INIT,     /**< 0x101-0x200 */
	IGVM_SECTION_DIRECTIVE /**< 0x301-0x400 */
};

/** A run of guest pages one entry fills on the platforms of `mask`. */
struct igvm_range {
	uint64_t first_page; /**< gpa / 4096 */
	uint64_t page_count;
	uint32_t mask;	 /**< the entry's compatibility mask */
	uint32_t type;	 /**< PAGE_DATA or PARAMETER_INSERT */
	uint32_t offset; /**< file offset of the entry's TLV */
};

/** What the parser knows about one parameter-area index. */
struct igvm_area_state {
	uint64_t size;
	uint32_t offset; /**< file offset of the PARAMETER_AREA */
	bool is_declared;
	bool is_inserted;
};

/** Parser state; allocated, as it is too large for the stack. */
struct igvm_parser {
	struct igvm_file file; /**< the result, copied out on success */
	char *why;
	size_t why_size;
	enum igvm_section section;
	uint32_t declared_mask; /**< OR of the platforms' masks */
	uint32_t data_start;	/**< first byte after the variable headers */
	struct igvm_area_state areas[IGVM_MAX_PARAM_AREAS];
	struct igvm_range *ranges;
	size_t range_count;
	size_t range_cap;
	uint8_t *vp_seen; /**< bitmap: platform index * 65536 + vp_index */
};

/** Writes "offset 0x...: <reason>" to the caller's buffer. */
void igvm_why(struct igvm_parser *p, uint32_t offset, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/** As `igvm_why()`, and returns SVSM_ERR_INVAL for the caller to return. */
enum svsm_err igvm_fail(struct igvm_parser *p, uint32_t offset, const char *fmt,
			...)
	__attribute__((format(printf, 3, 4))) SVSM_MUST_CHECK;

/** Checks the payload of one known entry, by type. */
enum svsm_err igvm_check_entry(struct igvm_parser *p,
			       const struct igvm_entry *e) SVSM_MUST_CHECK;

/** Returns whether `len` bytes at `off` lie inside the file data region. */
bool igvm_in_data(const struct igvm_parser *p, uint32_t off, uint64_t len);

/** Records the pages an entry fills on the platforms of `mask`. */
enum svsm_err igvm_add_ranges(struct igvm_parser *p, uint32_t mask,
			      uint64_t gpa, uint64_t page_count,
			      const struct igvm_entry *e) SVSM_MUST_CHECK;

/** Marks (platform index, vp_index) as having a context; fails if seen. */
enum svsm_err igvm_mark_vp(struct igvm_parser *p, uint32_t platform_index,
			   uint16_t vp_index,
			   const struct igvm_entry *e) SVSM_MUST_CHECK;

/** After the walk: no two ranges of one platform may share a page. */
enum svsm_err igvm_check_overlaps(struct igvm_parser *p) SVSM_MUST_CHECK;

/** Frees what the parser allocated; safe to call twice. */
void igvm_parser_release(struct igvm_parser *p);
