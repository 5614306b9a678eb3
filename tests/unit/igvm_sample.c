// SPDX-License-Identifier: MIT
/*
 * Builds the sample IGVM file described in igvm_sample.h. The variable
 * headers are laid out first from a table of types (their sizes fix where
 * the file data starts), then each payload is filled in; the file data is
 * two patterned pages and one native x64 context page.
 */
#include "igvm_sample.h"

#include <stdlib.h>
#include <string.h>

#include "svsm/crc32.h"

#include "uapi/svsm/igvm.h"

#define SAMPLE_FIXED_SIZE ((uint32_t)sizeof(struct igvm_fixed_header_v2))
#define SAMPLE_DATA_PAGES 3U

/** Type of each sample entry, in file order. */
static const uint32_t SAMPLE_TYPES[SAMPLE_ENTRY_COUNT] = {
	[SAMPLE_PLAT_NATIVE] = IGVM_VHT_SUPPORTED_PLATFORM,
	[SAMPLE_PLAT_SNP] = IGVM_VHT_SUPPORTED_PLATFORM,
	[SAMPLE_POLICY] = IGVM_VHT_GUEST_POLICY,
	[SAMPLE_AREA0] = IGVM_VHT_PARAMETER_AREA,
	[SAMPLE_VP_COUNT] = IGVM_VHT_VP_COUNT_PARAMETER,
	[SAMPLE_INSERT0] = IGVM_VHT_PARAMETER_INSERT,
	[SAMPLE_AREA1] = IGVM_VHT_PARAMETER_AREA,
	[SAMPLE_MEMMAP] = IGVM_VHT_MEMORY_MAP,
	[SAMPLE_INSERT1] = IGVM_VHT_PARAMETER_INSERT,
	[SAMPLE_PAGE0] = IGVM_VHT_PAGE_DATA,
	[SAMPLE_PAGE1] = IGVM_VHT_PAGE_DATA,
	[SAMPLE_PAGE2] = IGVM_VHT_PAGE_DATA,
	[SAMPLE_PAGE3] = IGVM_VHT_PAGE_DATA,
	[SAMPLE_PAGE_NATIVE] = IGVM_VHT_PAGE_DATA,
	[SAMPLE_PAGE_SNP] = IGVM_VHT_PAGE_DATA,
	[SAMPLE_REQUIRED] = IGVM_VHT_REQUIRED_MEMORY,
	[SAMPLE_VP0] = IGVM_VHT_VP_CONTEXT,
	[SAMPLE_VP1] = IGVM_VHT_VP_CONTEXT,
};

/** Payload bytes of a type the sample uses. */
static uint32_t payload_size(uint32_t type)
{
	switch (type) {
	case IGVM_VHT_PAGE_DATA:
	case IGVM_VHT_REQUIRED_MEMORY:
		return 24;
	case IGVM_VHT_VP_CONTEXT:
		return sizeof(struct igvm_vp_context);
	case IGVM_VHT_VP_COUNT_PARAMETER:
	case IGVM_VHT_MEMORY_MAP:
		return sizeof(struct igvm_parameter);
	default:
		return 16;
	}
}

static uint32_t padded(uint32_t len)
{
	return (len + IGVM_TLV_ALIGN - 1) & ~(IGVM_TLV_ALIGN - 1);
}

/** Writes one TLV header and its payload at `off`. */
static void put_tlv(uint8_t *d, uint32_t off, uint32_t type, const void *pl,
		    uint32_t len)
{
	struct igvm_tlv h = { .type = type, .length = len };

	memcpy(d + off, &h, sizeof(h));
	memcpy(d + off + sizeof(h), pl, len);
}

static void put_platform(struct igvm_sample *s, enum igvm_sample_entry id,
			 uint32_t mask, uint8_t type, uint8_t vtl)
{
	struct igvm_supported_platform p = {
		.compatibility_mask = mask,
		.highest_vtl = vtl,
		.platform_type = type,
		.platform_version = IGVM_PLATFORM_VERSION,
	};

	put_tlv(s->data, s->tlv_offset[id], SAMPLE_TYPES[id], &p, sizeof(p));
}

static void put_area(struct igvm_sample *s, enum igvm_sample_entry id,
		     uint32_t index, uint64_t size)
{
	struct igvm_parameter_area a = {
		.number_of_bytes = size,
		.parameter_area_index = index,
	};

	put_tlv(s->data, s->tlv_offset[id], SAMPLE_TYPES[id], &a, sizeof(a));
}

static void put_param(struct igvm_sample *s, enum igvm_sample_entry id,
		      uint32_t index, uint32_t byte_offset)
{
	struct igvm_parameter p = { .parameter_area_index = index,
				    .byte_offset = byte_offset };

	put_tlv(s->data, s->tlv_offset[id], SAMPLE_TYPES[id], &p, sizeof(p));
}

static void put_insert(struct igvm_sample *s, enum igvm_sample_entry id,
		       uint32_t index, uint64_t gpa)
{
	struct igvm_parameter_insert pi = {
		.gpa = gpa,
		.compatibility_mask = SAMPLE_MASK_SNP | SAMPLE_MASK_NATIVE,
		.parameter_area_index = index,
	};

	put_tlv(s->data, s->tlv_offset[id], SAMPLE_TYPES[id], &pi, sizeof(pi));
}

static void put_page(struct igvm_sample *s, enum igvm_sample_entry id,
		     const struct igvm_page_data *pd)
{
	put_tlv(s->data, s->tlv_offset[id], SAMPLE_TYPES[id], pd, sizeof(*pd));
}

static void put_vp(struct igvm_sample *s, enum igvm_sample_entry id,
		   uint16_t vp_index)
{
	struct igvm_vp_context vc = {
		.compatibility_mask = SAMPLE_MASK_NATIVE,
		.file_offset = s->ctx_page,
		.vp_index = vp_index,
	};

	put_tlv(s->data, s->tlv_offset[id], SAMPLE_TYPES[id], &vc, sizeof(vc));
}

/** Platforms, the SNP policy, the parameter areas and their users. */
static void fill_setup(struct igvm_sample *s)
{
	struct igvm_guest_policy gp = {
		.policy = 0x30000,
		.compatibility_mask = SAMPLE_MASK_SNP,
	};

	put_platform(s, SAMPLE_PLAT_NATIVE, SAMPLE_MASK_NATIVE,
		     IGVM_PLATFORM_NATIVE, 0);
	put_platform(s, SAMPLE_PLAT_SNP, SAMPLE_MASK_SNP, IGVM_PLATFORM_SEV_SNP,
		     2);
	put_tlv(s->data, s->tlv_offset[SAMPLE_POLICY], IGVM_VHT_GUEST_POLICY,
		&gp, sizeof(gp));
	put_area(s, SAMPLE_AREA0, 0, IGVM_PAGE_SIZE);
	put_param(s, SAMPLE_VP_COUNT, 0, 0);
	put_insert(s, SAMPLE_INSERT0, 0, 0x9000);
	put_area(s, SAMPLE_AREA1, 1, 2 * (uint64_t)IGVM_PAGE_SIZE);
	put_param(s, SAMPLE_MEMMAP, 1, 0);
	put_insert(s, SAMPLE_INSERT1, 1, 0xA000);
}

/** Page data, required memory and the two native VP contexts. */
static void fill_pages(struct igvm_sample *s)
{
	struct igvm_page_data pd = {
		.compatibility_mask = SAMPLE_MASK_SNP | SAMPLE_MASK_NATIVE,
	};
	struct igvm_required_memory rm = {
		.gpa = 0x100000,
		.compatibility_mask = SAMPLE_MASK_SNP | SAMPLE_MASK_NATIVE,
		.number_of_bytes = 0x100000,
	};

	for (uint32_t i = 0; i < 4; i++) {
		pd.gpa = 0x10000 + i * (uint64_t)IGVM_PAGE_SIZE;
		pd.file_offset = i < 2 ? s->data_page[i] : 0;
		put_page(s, SAMPLE_PAGE0 + i, &pd);
	}
	pd = (struct igvm_page_data){ .gpa = 0x20000,
				      .compatibility_mask = SAMPLE_MASK_NATIVE,
				      .flags = IGVM_PAGE_DATA_FLAG_UNMEASURED };
	put_page(s, SAMPLE_PAGE_NATIVE, &pd);
	pd = (struct igvm_page_data){ .gpa = 0x21000,
				      .compatibility_mask = SAMPLE_MASK_SNP,
				      .data_type =
					      IGVM_PAGE_DATA_TYPE_SECRETS };
	put_page(s, SAMPLE_PAGE_SNP, &pd);
	put_tlv(s->data, s->tlv_offset[SAMPLE_REQUIRED],
		IGVM_VHT_REQUIRED_MEMORY, &rm, sizeof(rm));
	put_vp(s, SAMPLE_VP0, 0);
	put_vp(s, SAMPLE_VP1, 1);
}

/** The file data: two patterned pages and a 64-bit native context. */
static void fill_data(struct igvm_sample *s)
{
	struct igvm_native_vp_context_x64 ctx = {
		.rip = 0x10000,
		.rsp = 0x13000,
		.rflags = 0x2,
		.gdtr_limit = 0x17,
		.gdtr_base = 0x11000,
		.code_selector = 0x8,
		.code_attributes = 0xA09B,
		.code_limit = 0xFFFFFFFF,
		.data_selector = 0x10,
		.data_attributes = 0xC093,
		.data_limit = 0xFFFFFFFF,
		.cr0 = 0x80000011,
		.cr3 = 0x12000,
		.cr4 = 0x20,
		.efer = 0x500,
	};

	for (uint32_t i = 0; i < 2; i++) {
		memset(s->data + s->data_page[i], 0xA5 + (int)i,
		       IGVM_PAGE_SIZE);
	}
	memcpy(s->data + s->ctx_page, &ctx, sizeof(ctx));
}

/** Writes the version 2 fixed header and its checksum. */
static void fill_header(struct igvm_sample *s, uint32_t vh_size)
{
	struct igvm_fixed_header_v2 h = {
		.v1 = { .magic = IGVM_MAGIC,
			.format_version = IGVM_FORMAT_VERSION_2,
			.variable_header_offset = SAMPLE_FIXED_SIZE,
			.variable_header_size = vh_size,
			.total_file_size = (uint32_t)s->size },
		.architecture = IGVM_ARCH_X64,
		.page_size = IGVM_PAGE_SIZE,
	};

	memcpy(s->data, &h, sizeof(h));
	igvm_sample_fix_checksum(s->data, s->size);
}

/** Builds the sample (format version 2); SVSM_ERR_NOMEM if malloc fails. */
enum svsm_err igvm_sample_build(struct igvm_sample *s)
{
	uint32_t off = SAMPLE_FIXED_SIZE;

	memset(s, 0, sizeof(*s));
	for (uint32_t i = 0; i < SAMPLE_ENTRY_COUNT; i++) {
		s->tlv_offset[i] = off;
		off += sizeof(struct igvm_tlv) +
		       padded(payload_size(SAMPLE_TYPES[i]));
	}
	s->data_start = off;
	s->data_page[0] = off;
	s->data_page[1] = off + IGVM_PAGE_SIZE;
	s->ctx_page = off + 2 * IGVM_PAGE_SIZE;
	s->size = off + SAMPLE_DATA_PAGES * IGVM_PAGE_SIZE;
	s->data = calloc(1, s->size);
	if (s->data == NULL) {
		return SVSM_ERR_NOMEM;
	}
	fill_setup(s);
	fill_pages(s);
	fill_data(s);
	fill_header(s, off - SAMPLE_FIXED_SIZE);
	return SVSM_OK;
}

/** Builds a version 2 file from ready-made variable headers. */
enum svsm_err igvm_sample_build_raw(struct igvm_sample *s, const uint8_t *vh,
				    uint32_t vh_size, uint32_t data_pages)
{
	memset(s, 0, sizeof(*s));
	s->data_start = SAMPLE_FIXED_SIZE + vh_size;
	s->size = s->data_start + (size_t)data_pages * IGVM_PAGE_SIZE;
	s->data = calloc(1, s->size);
	if (s->data == NULL) {
		return SVSM_ERR_NOMEM;
	}
	memcpy(s->data + SAMPLE_FIXED_SIZE, vh, vh_size);
	memset(s->data + s->data_start, 0xCC, s->size - s->data_start);
	fill_header(s, vh_size);
	return SVSM_OK;
}

/** Frees the sample's bytes; safe to call twice. */
void igvm_sample_free(struct igvm_sample *s)
{
	free(s->data);
	s->data = NULL;
	s->size = 0;
}

/** Returns a pointer to the payload of entry `id`. */
uint8_t *igvm_sample_payload(const struct igvm_sample *s,
			     enum igvm_sample_entry id)
{
	return s->data + s->tlv_offset[id] + sizeof(struct igvm_tlv);
}

/** Recomputes the checksum of an IGVM-shaped buffer after a mutation. */
void igvm_sample_fix_checksum(uint8_t *data, size_t size)
{
	struct igvm_fixed_header_v2 h;
	uint32_t hsize;
	uint32_t crc;

	if (size < sizeof(h)) {
		return;
	}
	memcpy(&h, data, sizeof(h));
	hsize = h.v1.format_version == IGVM_FORMAT_VERSION_1
			? sizeof(struct igvm_fixed_header)
			: sizeof(struct igvm_fixed_header_v2);
	if (h.v1.variable_header_offset > size ||
	    h.v1.variable_header_size > size - h.v1.variable_header_offset) {
		return;
	}
	h.v1.checksum = 0;
	crc = crc32_update(0, &h, hsize);
	crc = crc32_update(crc, data + h.v1.variable_header_offset,
			   h.v1.variable_header_size);
	h.v1.checksum = crc;
	memcpy(data, &h.v1, sizeof(h.v1));
}
