// SPDX-License-Identifier: MIT
/*
 * libFuzzer target for the IGVM reader. Each input is parsed twice: as
 * it is, and as a copy whose total_file_size and checksum are made
 * consistent first, so that mutations reach the variable-header checks
 * instead of stopping at the CRC. When a file parses, every entry is
 * iterated and every page that `igvm_file_page()` returns is read whole,
 * so that ASan sees any out-of-bounds offset the parser let through.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "svsm/crc32.h"

#include "igvm/igvm_file.h"

/* The entry point libFuzzer calls; its name is fixed by libFuzzer. */
/* NOLINTNEXTLINE(readability-identifier-naming) */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/** Reads the 4 KiB page at `file_offset`, if the reader hands one out. */
static uint8_t touch_page(const struct igvm_file *f, uint32_t file_offset)
{
	const uint8_t *page = igvm_file_page(f, file_offset);
	uint8_t acc = 0;

	if (page == NULL) {
		return 0;
	}
	for (uint32_t i = 0; i < IGVM_PAGE_SIZE; i++) {
		acc ^= page[i];
	}
	return acc;
}

/** Returns the file_offset field of an entry, or 0 if it has none. */
static uint32_t entry_file_offset(const struct igvm_entry *e)
{
	struct igvm_page_data pd;
	struct igvm_parameter_area pa;
	struct igvm_vp_context vc;

	switch (e->type) {
	case IGVM_VHT_PAGE_DATA:
		memcpy(&pd, e->payload, sizeof(pd));
		return pd.file_offset;
	case IGVM_VHT_PARAMETER_AREA:
		memcpy(&pa, e->payload, sizeof(pa));
		return pa.file_offset;
	case IGVM_VHT_VP_CONTEXT:
		memcpy(&vc, e->payload, sizeof(vc));
		return vc.file_offset;
	default:
		return 0;
	}
}

/** Walks a parsed file and touches everything it points at. */
static void walk(const struct igvm_file *f)
{
	volatile uint8_t sink = 0;
	struct igvm_iter it;
	struct igvm_entry e;
	uint32_t n = 0;

	igvm_iter_init(&it, f);
	while (igvm_iter_next(&it, &e)) {
		volatile uint8_t last = 0;

		if (e.length > 0) {
			last = e.payload[e.length - 1];
		}
		sink ^= last;
		sink ^= touch_page(f, entry_file_offset(&e));
		sink ^= (uint8_t)igvm_type_name(e.type)[0];
		n++;
	}
	if (n != f->tlv_count) {
		abort();
	}
	for (uint32_t i = 0; i < f->platform_count; i++) {
		uint8_t type = f->platforms[i].platform_type;

		sink ^= (uint8_t)igvm_platform_name(type)[0];
		if (igvm_file_platform(f, type) == NULL) {
			abort();
		}
	}
	(void)sink;
}

static void parse_and_walk(const uint8_t *data, size_t size)
{
	struct igvm_file f;
	char why[160];

	if (igvm_file_parse(&f, data, size, why, sizeof(why)) == SVSM_OK) {
		walk(&f);
	} else if (why[0] == '\0' || strchr(why, '\n') != NULL) {
		abort(); /* a refusal must give a one-line reason */
	}
}

/** Makes total_file_size and the checksum of a copy consistent. */
static void fix_header(uint8_t *d, size_t size)
{
	struct igvm_fixed_header_v2 h;
	uint32_t hsize;

	if (size < sizeof(h) || size > UINT32_MAX) {
		return;
	}
	memcpy(&h, d, sizeof(h));
	hsize = h.v1.format_version == IGVM_FORMAT_VERSION_1
			? sizeof(struct igvm_fixed_header)
			: sizeof(struct igvm_fixed_header_v2);
	h.v1.total_file_size = (uint32_t)size;
	if (h.v1.variable_header_offset <= size &&
	    h.v1.variable_header_size <= size - h.v1.variable_header_offset) {
		h.v1.checksum = 0;
		h.v1.checksum = crc32_update(crc32_update(0, &h, hsize),
					     d + h.v1.variable_header_offset,
					     h.v1.variable_header_size);
	}
	memcpy(d, &h.v1, sizeof(h.v1));
}

/** Parses one input as is and with a consistent header. */
/* NOLINTNEXTLINE(readability-identifier-naming) */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *copy;

	parse_and_walk(data, size);
	copy = malloc(size > 0 ? size : 1);
	if (copy == NULL) {
		return 0;
	}
	memcpy(copy, data, size);
	fix_header(copy, size);
	parse_and_walk(copy, size);
	free(copy);
	return 0;
}
