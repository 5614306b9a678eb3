// SPDX-License-Identifier: MIT
/*
 * The IGVM writer: a growable buffer of variable headers, one of file data
 * and a list of file-offset fields to relocate once the size of the
 * variable-header region is known. The rules it enforces come from the
 * IGVM format (reference/svsm-abi-and-peers.md, sections 5 and 8): TLVs
 * start 8-aligned with zero padding, sections never go backwards, file
 * data follows the variable headers and the CRC-32 covers the fixed
 * header (checksum zero) and the variable headers. Structures are written
 * in host byte order, so the writer only builds on little-endian hosts.
 */
#include "igvm_writer.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "svsm/crc32.h"

_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
	       "IGVM files are little-endian");

/* Every payload that carries a file offset has it at byte 12. */
#define FILE_OFFSET_FIELD 12U
#define INITIAL_CAP 4096U

/** Returns the section (1 platform, 2 init, 3 directive) of `type`, or 0. */
static uint32_t section_of(uint32_t type)
{
	uint32_t code = type & IGVM_VHT_TYPE_MASK;

	if (code >= IGVM_VHT_PLATFORM_FIRST && code <= IGVM_VHT_PLATFORM_LAST) {
		return 1;
	}
	if (code >= IGVM_VHT_INIT_FIRST && code <= IGVM_VHT_INIT_LAST) {
		return 2;
	}
	if (code >= IGVM_VHT_DIRECTIVE_FIRST &&
	    code <= IGVM_VHT_DIRECTIVE_LAST) {
		return 3;
	}
	return 0;
}

/** Returns whether `type` has a file offset at FILE_OFFSET_FIELD. */
static bool has_file_offset(uint32_t type)
{
	uint32_t code = type & IGVM_VHT_TYPE_MASK;

	return code == IGVM_VHT_PAGE_DATA || code == IGVM_VHT_VP_CONTEXT ||
	       code == IGVM_VHT_PARAMETER_AREA;
}

/**
 * Grows `buf` (`*cap` items of `elem` bytes) to hold at least `need` items.
 * Returns the buffer to use, or NULL if memory ran out (then `buf` and
 * `*cap` are unchanged).
 */
static void *reserve(void *buf, size_t *cap, size_t need, size_t elem)
{
	size_t n = *cap == 0 ? INITIAL_CAP : *cap;
	void *p;

	if (need <= *cap) {
		return buf;
	}
	while (n < need) {
		if (n > SIZE_MAX / 2) {
			return NULL;
		}
		n *= 2;
	}
	if (n > SIZE_MAX / elem) {
		return NULL;
	}
	p = realloc(buf, n * elem);
	if (p != NULL) {
		*cap = n;
	}
	return p;
}

/** Starts an empty file with the given header version and architecture. */
enum svsm_err igvm_writer_init(struct igvm_writer *w, uint32_t format_version,
			       uint32_t architecture)
{
	if (format_version != IGVM_FORMAT_VERSION_1 &&
	    format_version != IGVM_FORMAT_VERSION_2) {
		return SVSM_ERR_INVAL;
	}
	memset(w, 0, sizeof(*w));
	w->format_version = format_version;
	w->architecture = architecture;
	return SVSM_OK;
}

/**
 * Appends one TLV; if `fixup_field` is not UINT32_MAX, records the payload
 * byte at that offset as a file offset to relocate.
 */
static enum svsm_err append_tlv(struct igvm_writer *w, uint32_t type,
				const void *payload, uint32_t length,
				uint32_t fixup_field)
{
	struct igvm_tlv hdr = { .type = type, .length = length };
	size_t padded = ((size_t)length + IGVM_TLV_ALIGN - 1) &
			~(size_t)(IGVM_TLV_ALIGN - 1);
	size_t need = w->vh_size + sizeof(hdr) + padded;
	uint32_t section = section_of(type);
	uint8_t *vh;

	if (section == 0 || section < w->section || length > UINT32_MAX / 2) {
		return SVSM_ERR_INVAL;
	}
	vh = reserve(w->vh, &w->vh_cap, need, 1);
	if (vh == NULL) {
		return SVSM_ERR_NOMEM;
	}
	w->vh = vh;
	if (fixup_field != UINT32_MAX) {
		uint32_t *f = reserve(w->fixups, &w->fixup_cap,
				      w->fixup_count + 1, sizeof(*f));

		if (f == NULL) {
			return SVSM_ERR_NOMEM;
		}
		w->fixups = f;
		w->fixups[w->fixup_count++] =
			(uint32_t)(w->vh_size + sizeof(hdr) + fixup_field);
	}
	memcpy(w->vh + w->vh_size, &hdr, sizeof(hdr));
	memcpy(w->vh + w->vh_size + sizeof(hdr), payload, length);
	memset(w->vh + w->vh_size + sizeof(hdr) + length, 0, padded - length);
	w->vh_size = need;
	w->section = section;
	w->tlv_count++;
	return SVSM_OK;
}

/** Appends a TLV that carries no file data. */
enum svsm_err igvm_writer_add(struct igvm_writer *w, uint32_t type,
			      const void *payload, uint32_t length)
{
	uint32_t off = 0;

	if (has_file_offset(type)) {
		if (length < FILE_OFFSET_FIELD + sizeof(off)) {
			return SVSM_ERR_INVAL;
		}
		memcpy(&off, (const uint8_t *)payload + FILE_OFFSET_FIELD,
		       sizeof(off));
		if (off != 0) {
			return SVSM_ERR_INVAL;
		}
	}
	return append_tlv(w, type, payload, length, UINT32_MAX);
}

/** Appends whole pages of file data and the TLV that points at them. */
enum svsm_err igvm_writer_add_with_data(struct igvm_writer *w, uint32_t type,
					const void *payload, uint32_t length,
					const void *data, size_t data_size)
{
	uint8_t copy[64];
	size_t pages;
	size_t need;
	uint32_t rel;
	uint8_t *d;
	enum svsm_err err;

	if (!has_file_offset(type) || data_size == 0 ||
	    length < FILE_OFFSET_FIELD + sizeof(rel) || length > sizeof(copy) ||
	    w->data_size > UINT32_MAX) {
		return SVSM_ERR_INVAL;
	}
	pages = (data_size + IGVM_PAGE_SIZE - 1) / IGVM_PAGE_SIZE;
	need = w->data_size + pages * IGVM_PAGE_SIZE;
	d = reserve(w->data, &w->data_cap, need, 1);
	if (d == NULL) {
		return SVSM_ERR_NOMEM;
	}
	w->data = d;
	rel = (uint32_t)w->data_size;
	memcpy(copy, payload, length);
	memcpy(copy + FILE_OFFSET_FIELD, &rel, sizeof(rel));
	err = append_tlv(w, type, copy, length, FILE_OFFSET_FIELD);
	if (err != SVSM_OK) {
		return err;
	}
	memcpy(w->data + w->data_size, data, data_size);
	memset(w->data + w->data_size + data_size, 0,
	       need - w->data_size - data_size);
	w->data_size = need;
	return SVSM_OK;
}

/** Adds `base` to each recorded file-offset field of `vh`. */
static void relocate(const struct igvm_writer *w, uint8_t *vh, uint32_t base)
{
	for (size_t i = 0; i < w->fixup_count; i++) {
		uint32_t off;

		memcpy(&off, vh + w->fixups[i], sizeof(off));
		off += base;
		memcpy(vh + w->fixups[i], &off, sizeof(off));
	}
}

/** Lays out and checksums the file; the caller frees `*out`. */
enum svsm_err igvm_writer_finish(struct igvm_writer *w, uint8_t **out,
				 size_t *out_size)
{
	struct igvm_fixed_header_v2 fh = { 0 };
	size_t fixed_size = w->format_version == IGVM_FORMAT_VERSION_2
				    ? sizeof(fh)
				    : sizeof(fh.v1);
	size_t total = fixed_size + w->vh_size + w->data_size;
	uint8_t *buf;

	if (w->vh_size > UINT32_MAX || w->data_size > UINT32_MAX ||
	    total > UINT32_MAX) {
		return SVSM_ERR_RANGE;
	}
	buf = malloc(total);
	if (buf == NULL) {
		return SVSM_ERR_NOMEM;
	}
	fh.v1.magic = IGVM_MAGIC;
	fh.v1.format_version = w->format_version;
	fh.v1.variable_header_offset = (uint32_t)fixed_size;
	fh.v1.variable_header_size = (uint32_t)w->vh_size;
	fh.v1.total_file_size = (uint32_t)total;
	fh.architecture = w->architecture;
	fh.page_size = IGVM_PAGE_SIZE;
	memcpy(buf, &fh, fixed_size);
	if (w->vh_size > 0) {
		memcpy(buf + fixed_size, w->vh, w->vh_size);
	}
	relocate(w, buf + fixed_size, (uint32_t)(fixed_size + w->vh_size));
	if (w->data_size > 0) {
		memcpy(buf + fixed_size + w->vh_size, w->data, w->data_size);
	}
	fh.v1.checksum = crc32_update(0, buf, fixed_size + w->vh_size);
	memcpy(buf + offsetof(struct igvm_fixed_header, checksum),
	       &fh.v1.checksum, sizeof(fh.v1.checksum));
	*out = buf;
	*out_size = total;
	return SVSM_OK;
}

/** Frees the builder's buffers and leaves it empty. */
void igvm_writer_destroy(struct igvm_writer *w)
{
	free(w->vh);
	free(w->data);
	free(w->fixups);
	w->vh = NULL;
	w->data = NULL;
	w->fixups = NULL;
	w->vh_size = 0;
	w->vh_cap = 0;
	w->data_size = 0;
	w->data_cap = 0;
	w->fixup_count = 0;
	w->fixup_cap = 0;
}
