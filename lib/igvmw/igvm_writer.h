/* SPDX-License-Identifier: MIT */
/*
 * Writing IGVM files (host side: `igvmbld`). A builder collects variable
 * headers (TLVs) and file data in memory, enforces the section order
 * (platform, then initialization, then directives) and pads every TLV with
 * zeros to 8 bytes. File data is appended in whole 4 KiB pages. Because
 * the size of the variable-header region is only known at the end, the
 * file offsets inside PAGE_DATA, VP_CONTEXT and PARAMETER_AREA headers are
 * written relative to the data region and relocated by
 * `igvm_writer_finish()`, which lays out fixed header, variable headers and
 * file data and computes the CRC-32 checksum.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "svsm/err.h"

#include "uapi/svsm/igvm.h"

/** An IGVM file under construction. Zero-initialise with init(). */
struct igvm_writer {
	uint32_t format_version;
	uint32_t architecture;
	uint32_t section; /**< last section written: 0 none, 1..3 */
	uint32_t tlv_count;
	uint8_t *vh; /**< variable headers, each TLV padded to 8 bytes */
	size_t vh_size;
	size_t vh_cap;
	uint8_t *data; /**< file data, whole pages */
	size_t data_size;
	size_t data_cap;
	uint32_t *fixups; /**< `vh` offsets of file-offset fields */
	size_t fixup_count;
	size_t fixup_cap;
};

/**
 * Starts an empty file. `format_version` is IGVM_FORMAT_VERSION_1 or
 * _2; `architecture` (IGVM_ARCH_*) is written only in a version 2 header.
 * Returns SVSM_ERR_INVAL for an unknown version.
 */
enum svsm_err igvm_writer_init(struct igvm_writer *w, uint32_t format_version,
			       uint32_t architecture) SVSM_MUST_CHECK;

/**
 * Appends one variable header with a `length`-byte payload, zero-padded to
 * 8 bytes. Refuses (SVSM_ERR_INVAL) a type outside the three sections, a
 * type from an earlier section than the last one written, and the types
 * that carry a file offset if that offset is not 0 (use
 * igvm_writer_add_with_data() for those).
 */
enum svsm_err igvm_writer_add(struct igvm_writer *w, uint32_t type,
			      const void *payload,
			      uint32_t length) SVSM_MUST_CHECK;

/**
 * Appends `data_size` bytes of file data, zero-padded to whole 4 KiB pages
 * (`data_size` must not be 0), and one variable header of a type that
 * carries a file offset (PAGE_DATA, VP_CONTEXT, PARAMETER_AREA). The
 * payload's file-offset field is set to the data's final file offset.
 */
enum svsm_err igvm_writer_add_with_data(struct igvm_writer *w, uint32_t type,
					const void *payload, uint32_t length,
					const void *data,
					size_t data_size) SVSM_MUST_CHECK;

/**
 * Lays the file out (fixed header, variable headers, file data), relocates
 * the file offsets and computes the checksum. On success `*out` is a
 * malloc'd buffer of `*out_size` bytes that the caller frees. Returns
 * SVSM_ERR_RANGE if the file would not fit the format's 32-bit offsets.
 */
enum svsm_err igvm_writer_finish(struct igvm_writer *w, uint8_t **out,
				 size_t *out_size) SVSM_MUST_CHECK;

/** Frees the builder's memory; safe to call more than once. */
void igvm_writer_destroy(struct igvm_writer *w);
