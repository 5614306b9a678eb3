/* SPDX-License-Identifier: MIT */
/*
 * Reading IGVM files (host side: `csvsm dump`, `csvsm run`, fuzzing).
 * `igvm_file_parse()` checks every rule of the format before anything
 * uses the file; afterwards the iterator walks the variable headers. The
 * file bytes stay owned by the caller and must outlive the `igvm_file`.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "svsm/err.h"

#include "uapi/svsm/igvm.h"

#define IGVM_MAX_PLATFORMS 8U
#define IGVM_MAX_PARAM_AREAS 64U

/** One SUPPORTED_PLATFORM header. */
struct igvm_platform_info {
	uint32_t compatibility_mask;
	uint8_t platform_type;
	uint8_t highest_vtl;
	uint64_t shared_gpa_boundary;
};

/** A parsed, fully checked IGVM file. */
struct igvm_file {
	const uint8_t *data;
	size_t size;
	uint32_t format_version;
	uint32_t fixed_header_size; /* 24 (v1) or 32 (v2) */
	uint32_t vh_offset;
	uint32_t vh_size;
	uint32_t tlv_count;
	uint32_t platform_count;
	struct igvm_platform_info platforms[IGVM_MAX_PLATFORMS];
};

/** One variable-header entry. `payload` may be unaligned: copy it out. */
struct igvm_entry {
	uint32_t type; /* without IGVM_VHT_OPTIONAL_BIT */
	bool is_optional;
	uint32_t length; /* payload bytes */
	uint32_t offset; /* file offset of the TLV header */
	const uint8_t *payload;
};

struct igvm_iter {
	const struct igvm_file *file;
	uint32_t pos; /* file offset of the next TLV */
};

/**
 * Checks every rule of the format (header, checksum, TLV alignment and
 * padding, section order, payload sizes, masks, page and parameter rules)
 * and fills `f`. On failure writes a one-line reason to `why` (may be NULL)
 * and returns SVSM_ERR_INVAL; `f` is then unusable.
 */
enum svsm_err igvm_file_parse(struct igvm_file *f, const uint8_t *data,
			      size_t size, char *why,
			      size_t why_size) SVSM_MUST_CHECK;

/** Starts an iteration over the variable headers of a parsed file. */
void igvm_iter_init(struct igvm_iter *it, const struct igvm_file *f);
/** Fetches the next entry; returns false at the end. */
bool igvm_iter_next(struct igvm_iter *it, struct igvm_entry *e);

/** Returns the platform whose type is `platform_type`, or NULL. */
const struct igvm_platform_info *igvm_file_platform(const struct igvm_file *f,
						    uint8_t platform_type);

/**
 * Returns a pointer to the 4 KiB of file data at `file_offset`, which the
 * parser has checked lies inside the file data region; NULL for offset 0.
 */
const uint8_t *igvm_file_page(const struct igvm_file *f, uint32_t file_offset);

/** Returns a short name for a type code ("PAGE_DATA"), or "UNKNOWN". */
const char *igvm_type_name(uint32_t type);
/** Returns a short name for a platform type ("SEV_SNP"), or "UNKNOWN". */
const char *igvm_platform_name(uint8_t platform_type);
