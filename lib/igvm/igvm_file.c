// SPDX-License-Identifier: MIT
/*
 * The IGVM reader's entry point: checks the fixed header, the checksum and
 * the framing of every variable header (alignment, bounds, zero padding,
 * section order, known types) and hands each known entry to the per-type
 * checks in igvm_check.c. Also the iterator, the page accessor and the
 * name helpers that callers use once a file has parsed.
 */
#include "igvm_file.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "svsm/crc32.h"
#include "svsm/fmt.h"

#include "igvm_internal.h"

/** Offsets of the fixed-header fields, for the messages. */
#define OFF_MAGIC 0x0U
#define OFF_VERSION 0x4U
#define OFF_VH_OFFSET 0x8U
#define OFF_VH_SIZE 0xCU
#define OFF_TOTAL 0x10U
#define OFF_CHECKSUM 0x14U
#define OFF_ARCH 0x18U
#define OFF_PAGE_SIZE 0x1CU

static void vwhy(struct igvm_parser *p, uint32_t offset, const char *fmt,
		 va_list ap) __attribute__((format(printf, 3, 0)));

/** Formats the reason for a refusal, prefixed with the file offset. */
static void vwhy(struct igvm_parser *p, uint32_t offset, const char *fmt,
		 va_list ap)
{
	size_t n;

	if (p->why == NULL || p->why_size == 0) {
		return;
	}
	n = fmt_snprintf(p->why, p->why_size, "offset 0x%x: ", offset);
	if (n < p->why_size) {
		(void)fmt_vsnprintf(p->why + n, p->why_size - n, fmt, ap);
	}
}

/** Writes "offset 0x...: <reason>" to the caller's buffer. */
void igvm_why(struct igvm_parser *p, uint32_t offset, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vwhy(p, offset, fmt, ap);
	va_end(ap);
}

/** Writes "offset 0x...: <reason>" and returns SVSM_ERR_INVAL. */
enum svsm_err igvm_fail(struct igvm_parser *p, uint32_t offset, const char *fmt,
			...)
{
	va_list ap;

	va_start(ap, fmt);
	vwhy(p, offset, fmt, ap);
	va_end(ap);
	return SVSM_ERR_INVAL;
}

/** Returns whether `len` bytes at `off` lie inside the file data region. */
bool igvm_in_data(const struct igvm_parser *p, uint32_t off, uint64_t len)
{
	size_t size = p->file.size;

	return off >= p->data_start && off <= size && len <= size - off;
}

/** Reads a little-endian u32 from a possibly unaligned position. */
static uint32_t read_u32(const uint8_t *b)
{
	uint32_t v;

	memcpy(&v, b, sizeof(v));
	return v;
}

/** Checks magic, version and, for version 2, architecture and page size. */
static enum svsm_err SVSM_MUST_CHECK check_identity(struct igvm_parser *p)
{
	const uint8_t *d = p->file.data;
	uint32_t v;

	if (read_u32(d + OFF_MAGIC) != IGVM_MAGIC) {
		return igvm_fail(p, OFF_MAGIC, "bad magic 0x%x (want 0x%x)",
				 read_u32(d + OFF_MAGIC), IGVM_MAGIC);
	}
	v = read_u32(d + OFF_VERSION);
	if (v != IGVM_FORMAT_VERSION_1 && v != IGVM_FORMAT_VERSION_2) {
		return igvm_fail(p, OFF_VERSION,
				 "unsupported format version %u", v);
	}
	p->file.format_version = v;
	p->file.fixed_header_size = sizeof(struct igvm_fixed_header);
	if (v == IGVM_FORMAT_VERSION_1) {
		return SVSM_OK;
	}
	p->file.fixed_header_size = sizeof(struct igvm_fixed_header_v2);
	if (p->file.size < sizeof(struct igvm_fixed_header_v2)) {
		return igvm_fail(p, 0,
				 "file of %zu bytes is too small for the "
				 "version 2 fixed header",
				 p->file.size);
	}
	if (read_u32(d + OFF_ARCH) != IGVM_ARCH_X64) {
		return igvm_fail(p, OFF_ARCH, "unsupported architecture %u",
				 read_u32(d + OFF_ARCH));
	}
	if (read_u32(d + OFF_PAGE_SIZE) != IGVM_PAGE_SIZE) {
		return igvm_fail(p, OFF_PAGE_SIZE, "unsupported page size %u",
				 read_u32(d + OFF_PAGE_SIZE));
	}
	return SVSM_OK;
}

/** Checks the total size and where the variable-header region lies. */
static enum svsm_err SVSM_MUST_CHECK check_layout(struct igvm_parser *p)
{
	const uint8_t *d = p->file.data;
	uint32_t total = read_u32(d + OFF_TOTAL);
	uint32_t off = read_u32(d + OFF_VH_OFFSET);
	uint32_t size = read_u32(d + OFF_VH_SIZE);

	if (total != p->file.size) {
		return igvm_fail(
			p, OFF_TOTAL,
			"total_file_size %u but the file has %zu bytes", total,
			p->file.size);
	}
	if (off < p->file.fixed_header_size || off % IGVM_TLV_ALIGN != 0) {
		return igvm_fail(p, OFF_VH_OFFSET,
				 "variable header offset 0x%x is below the "
				 "fixed header or not 8-byte aligned",
				 off);
	}
	if (size == 0) {
		return igvm_fail(p, OFF_VH_SIZE,
				 "empty variable header region");
	}
	if (off > total || size > total - off) {
		return igvm_fail(p, OFF_VH_SIZE,
				 "variable header region 0x%x+0x%x lies "
				 "outside the file",
				 off, size);
	}
	p->file.vh_offset = off;
	p->file.vh_size = size;
	p->data_start = off + size;
	return SVSM_OK;
}

/** Checks the CRC-32 over the fixed header and the variable headers. */
static enum svsm_err SVSM_MUST_CHECK check_checksum(struct igvm_parser *p)
{
	struct igvm_fixed_header_v2 h;
	uint32_t want;
	uint32_t crc;

	memcpy(&h, p->file.data, p->file.fixed_header_size);
	want = h.v1.checksum;
	h.v1.checksum = 0;
	crc = crc32_update(0, &h, p->file.fixed_header_size);
	crc = crc32_update(crc, p->file.data + p->file.vh_offset,
			   p->file.vh_size);
	if (crc != want) {
		return igvm_fail(p, OFF_CHECKSUM,
				 "checksum 0x%x does not match the computed "
				 "CRC-32 0x%x",
				 want, crc);
	}
	return SVSM_OK;
}

/** Checks everything in the fixed header. */
static enum svsm_err SVSM_MUST_CHECK check_fixed_header(struct igvm_parser *p)
{
	enum svsm_err err;

	if (p->file.size < sizeof(struct igvm_fixed_header)) {
		return igvm_fail(p, 0,
				 "file of %zu bytes is too small for the "
				 "fixed header",
				 p->file.size);
	}
	err = check_identity(p);
	if (err == SVSM_OK) {
		err = check_layout(p);
	}
	if (err == SVSM_OK) {
		err = check_checksum(p);
	}
	return err;
}

/**
 * Reads the TLV at `pos` into `e`: it must fit, with its padding to 8
 * bytes, inside the variable-header region, and the padding must be zero.
 */
static enum svsm_err SVSM_MUST_CHECK read_tlv(struct igvm_parser *p,
					      uint32_t pos,
					      struct igvm_entry *e)
{
	uint32_t end = p->data_start;
	struct igvm_tlv h;
	uint64_t padded;

	if (end - pos < sizeof(h)) {
		return igvm_fail(p, pos, "truncated variable header");
	}
	memcpy(&h, p->file.data + pos, sizeof(h));
	padded = ((uint64_t)h.length + IGVM_TLV_ALIGN - 1) &
		 ~(uint64_t)(IGVM_TLV_ALIGN - 1);
	if (padded > end - pos - sizeof(h)) {
		return igvm_fail(p, pos,
				 "variable header of %u bytes runs past the "
				 "end of the region",
				 h.length);
	}
	for (uint32_t i = h.length; i < padded; i++) {
		if (p->file.data[pos + sizeof(h) + i] != 0) {
			return igvm_fail(p, pos, "non-zero padding byte");
		}
	}
	e->type = h.type & IGVM_VHT_TYPE_MASK;
	e->is_optional = (h.type & IGVM_VHT_OPTIONAL_BIT) != 0;
	e->length = h.length;
	e->offset = pos;
	e->payload = p->file.data + pos + sizeof(h);
	return SVSM_OK;
}

/** Returns the section a type code belongs to. */
static enum igvm_section section_of(uint32_t type)
{
	if (type >= IGVM_VHT_PLATFORM_FIRST && type <= IGVM_VHT_PLATFORM_LAST) {
		return IGVM_SECTION_PLATFORM;
	}
	if (type >= IGVM_VHT_INIT_FIRST && type <= IGVM_VHT_INIT_LAST) {
		return IGVM_SECTION_INIT;
	}
	if (type >= IGVM_VHT_DIRECTIVE_FIRST &&
	    type <= IGVM_VHT_DIRECTIVE_LAST) {
		return IGVM_SECTION_DIRECTIVE;
	}
	return IGVM_SECTION_NONE;
}

/**
 * Enforces platform -> init -> directive order, and that the platform
 * section declared at least one platform before it ends.
 */
static enum svsm_err SVSM_MUST_CHECK check_section(struct igvm_parser *p,
						   const struct igvm_entry *e)
{
	enum igvm_section s = section_of(e->type);

	if (s == IGVM_SECTION_NONE) {
		return SVSM_OK;
	}
	if (s < p->section) {
		return igvm_fail(p, e->offset,
				 "%s (type 0x%x) is out of section order",
				 igvm_type_name(e->type), e->type);
	}
	if (s > IGVM_SECTION_PLATFORM && p->file.platform_count == 0) {
		return igvm_fail(p, e->offset,
				 "no SUPPORTED_PLATFORM header before the "
				 "first %s",
				 igvm_type_name(e->type));
	}
	p->section = s;
	return SVSM_OK;
}

/** Checks one variable header: its section order, then its payload. */
static enum svsm_err SVSM_MUST_CHECK check_tlv(struct igvm_parser *p,
					       const struct igvm_entry *e)
{
	enum svsm_err err = check_section(p, e);

	if (err != SVSM_OK) {
		return err;
	}
	return igvm_check_entry(p, e);
}

/** Walks every variable header. */
static enum svsm_err SVSM_MUST_CHECK walk_tlvs(struct igvm_parser *p)
{
	uint32_t pos = p->file.vh_offset;

	while (pos < p->data_start) {
		struct igvm_entry e = { .length = 0 };
		enum svsm_err err = read_tlv(p, pos, &e);

		if (err == SVSM_OK) {
			err = check_tlv(p, &e);
		}
		if (err != SVSM_OK) {
			return err;
		}
		p->file.tlv_count++;
		/* read_tlv() checked that this stays inside the region. */
		pos += (uint32_t)(sizeof(struct igvm_tlv) +
				  (((uint64_t)e.length + IGVM_TLV_ALIGN - 1) &
				   ~(uint64_t)(IGVM_TLV_ALIGN - 1)));
	}
	return SVSM_OK;
}

/** The checks that need the whole file: platforms, areas, overlaps. */
static enum svsm_err SVSM_MUST_CHECK check_end(struct igvm_parser *p)
{
	if (p->file.platform_count == 0) {
		return igvm_fail(p, p->data_start,
				 "no SUPPORTED_PLATFORM header in the file");
	}
	for (uint32_t i = 0; i < IGVM_MAX_PARAM_AREAS; i++) {
		const struct igvm_area_state *a = &p->areas[i];

		if (a->is_declared && !a->is_inserted) {
			return igvm_fail(p, a->offset,
					 "parameter area %u is never inserted",
					 i);
		}
	}
	return igvm_check_overlaps(p);
}

/** Runs every check on a zeroed parser. */
static enum svsm_err SVSM_MUST_CHECK parse(struct igvm_parser *p)
{
	enum svsm_err err = check_fixed_header(p);

	if (err == SVSM_OK) {
		err = walk_tlvs(p);
	}
	if (err == SVSM_OK) {
		err = check_end(p);
	}
	return err;
}

/**
 * Checks every rule of the format and fills `f` on success; on failure
 * writes a one-line reason naming the file offset to `why`.
 */
enum svsm_err igvm_file_parse(struct igvm_file *f, const uint8_t *data,
			      size_t size, char *why, size_t why_size)
{
	struct igvm_parser *p;
	enum svsm_err err;

	if (why != NULL && why_size > 0) {
		why[0] = '\0';
	}
	p = calloc(1, sizeof(*p));
	if (p == NULL) {
		if (why != NULL && why_size > 0) {
			(void)fmt_snprintf(why, why_size, "out of memory");
		}
		return SVSM_ERR_NOMEM;
	}
	p->file.data = data;
	p->file.size = size;
	p->why = why;
	p->why_size = why_size;
	err = parse(p);
	if (err == SVSM_ERR_NOMEM && why != NULL && why_size > 0) {
		(void)fmt_snprintf(why, why_size, "out of memory");
	}
	if (err == SVSM_OK) {
		*f = p->file;
	}
	igvm_parser_release(p);
	free(p);
	return err;
}

/** Starts an iteration over the variable headers of a parsed file. */
void igvm_iter_init(struct igvm_iter *it, const struct igvm_file *f)
{
	it->file = f;
	it->pos = f->vh_offset;
}

/**
 * Fetches the next entry. The parser has checked the framing; the bounds
 * are checked again so that a misused iterator stops instead of reading
 * past the region.
 */
bool igvm_iter_next(struct igvm_iter *it, struct igvm_entry *e)
{
	const struct igvm_file *f = it->file;
	uint64_t end = (uint64_t)f->vh_offset + f->vh_size;
	struct igvm_tlv h;
	uint64_t next;

	if (it->pos < f->vh_offset || end - it->pos < sizeof(h) ||
	    end > f->size) {
		return false;
	}
	memcpy(&h, f->data + it->pos, sizeof(h));
	next = it->pos + sizeof(h) +
	       (((uint64_t)h.length + IGVM_TLV_ALIGN - 1) &
		~(uint64_t)(IGVM_TLV_ALIGN - 1));
	if (next > end) {
		return false;
	}
	e->type = h.type & IGVM_VHT_TYPE_MASK;
	e->is_optional = (h.type & IGVM_VHT_OPTIONAL_BIT) != 0;
	e->length = h.length;
	e->offset = it->pos;
	e->payload = f->data + it->pos + sizeof(h);
	it->pos = (uint32_t)next;
	return true;
}

/** Returns the platform whose type is `platform_type`, or NULL. */
const struct igvm_platform_info *igvm_file_platform(const struct igvm_file *f,
						    uint8_t platform_type)
{
	for (uint32_t i = 0; i < f->platform_count; i++) {
		if (f->platforms[i].platform_type == platform_type) {
			return &f->platforms[i];
		}
	}
	return NULL;
}

/**
 * Returns the 4 KiB of file data at `file_offset`, or NULL for offset 0
 * or for an offset that is not a full page inside the file data region.
 */
const uint8_t *igvm_file_page(const struct igvm_file *f, uint32_t file_offset)
{
	uint64_t data_start = (uint64_t)f->vh_offset + f->vh_size;

	if (file_offset == 0 || file_offset < data_start ||
	    file_offset > f->size || f->size - file_offset < IGVM_PAGE_SIZE) {
		return NULL;
	}
	return f->data + file_offset;
}
