// SPDX-License-Identifier: MIT
/*
 * Unit tests for the IGVM reader (lib/igvm). The sample from
 * igvm_sample.c must parse; then each test breaks exactly one rule of the
 * format by patching one field (and recomputing the checksum, except in
 * the checksum test) and checks the file is refused with a reason that
 * names the offset and contains a word distinctive of that rule.
 * Truncations and hand-assembled files are in test_igvm_raw.c.
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "svsm/test.h"

#include "igvm/igvm_file.h"
#include "igvm_expect.h"
#include "igvm_sample.h"

#define WHY_SIZE 256U
#define OPTIONAL_UNKNOWN_DIRECTIVE (IGVM_VHT_OPTIONAL_BIT | 0x3FFU)
#define HDR (-1) /* `refuse()` with an absolute file offset */

/** Patches a field of entry `id` (offset `field` in its payload). */
static void patch(struct igvm_sample *s, enum igvm_sample_entry id,
		  size_t field, uint64_t v, size_t len)
{
	igvm_put_le(igvm_sample_payload(s, id) + field, v, len);
}

/** Rewrites the type word of entry `id`. */
static void patch_type(struct igvm_sample *s, enum igvm_sample_entry id,
		       uint32_t type)
{
	igvm_put_le(s->data + s->tlv_offset[id], type, 4);
}

/** Rewrites the length word of entry `id`. */
static void patch_length(struct igvm_sample *s, enum igvm_sample_entry id,
			 uint32_t len)
{
	igvm_put_le(s->data + s->tlv_offset[id] + 4, len, 4);
}

/**
 * Builds the sample, writes `len` bytes of `v` at payload offset `field`
 * of entry `id` (or at file offset `field` when `id` is HDR), fixes the
 * checksum and expects a refusal containing `word`.
 */
static void refuse(struct test_ctx *t, int id, size_t field, uint64_t v,
		   size_t len, const char *word)
{
	struct igvm_sample s;

	ASSERT_OK(igvm_sample_build(&s));
	if (id == HDR) {
		igvm_put_le(s.data + field, v, len);
	} else {
		patch(&s, (enum igvm_sample_entry)id, field, v, len);
	}
	igvm_expect_refused(t, &s, word, true);
	igvm_sample_free(&s);
}

/* ---- the sample and the accessors ------------------------------------ */

TEST(igvm_file, sample_parses)
{
	struct igvm_sample s;
	struct igvm_file f;
	char why[WHY_SIZE];

	ASSERT_OK(igvm_sample_build(&s));
	EXPECT_OK(igvm_file_parse(&f, s.data, s.size, why, sizeof(why)));
	EXPECT_STREQ(why, "");
	EXPECT_EQ(f.format_version, 2);
	EXPECT_EQ(f.fixed_header_size, 32);
	EXPECT_EQ(f.vh_offset, 32);
	EXPECT_EQ(f.vh_offset + f.vh_size, s.data_start);
	EXPECT_EQ(f.tlv_count, SAMPLE_ENTRY_COUNT);
	EXPECT_EQ(f.platform_count, 2);
	EXPECT_EQ(f.platforms[0].compatibility_mask, SAMPLE_MASK_NATIVE);
	EXPECT_EQ(f.platforms[0].platform_type, IGVM_PLATFORM_NATIVE);
	EXPECT_EQ(f.platforms[1].compatibility_mask, SAMPLE_MASK_SNP);
	EXPECT_EQ(f.platforms[1].highest_vtl, 2);
	EXPECT_TRUE(f.data == s.data);
	igvm_sample_free(&s);
}

TEST(igvm_file, iterator_visits_every_entry)
{
	struct igvm_sample s;
	struct igvm_file f;
	struct igvm_iter it;
	struct igvm_entry e;
	uint32_t n = 0;

	ASSERT_OK(igvm_sample_build(&s));
	ASSERT_OK(igvm_file_parse(&f, s.data, s.size, NULL, 0));
	igvm_iter_init(&it, &f);
	while (igvm_iter_next(&it, &e) && n < SAMPLE_ENTRY_COUNT) {
		EXPECT_EQ(e.offset, s.tlv_offset[n]);
		EXPECT_TRUE(e.payload ==
			    igvm_sample_payload(&s, (enum igvm_sample_entry)n));
		EXPECT_FALSE(e.is_optional);
		n++;
	}
	EXPECT_EQ(n, SAMPLE_ENTRY_COUNT);
	EXPECT_FALSE(igvm_iter_next(&it, &e));
	igvm_iter_init(&it, &f);
	ASSERT_TRUE(igvm_iter_next(&it, &e));
	EXPECT_EQ(e.type, IGVM_VHT_SUPPORTED_PLATFORM);
	EXPECT_EQ(e.length, sizeof(struct igvm_supported_platform));
	igvm_sample_free(&s);
}

TEST(igvm_file, page_and_platform_lookup)
{
	struct igvm_sample s;
	struct igvm_file f;

	ASSERT_OK(igvm_sample_build(&s));
	ASSERT_OK(igvm_file_parse(&f, s.data, s.size, NULL, 0));
	EXPECT_TRUE(igvm_file_page(&f, s.data_page[0]) ==
		    s.data + s.data_page[0]);
	EXPECT_TRUE(igvm_file_page(&f, s.ctx_page) == s.data + s.ctx_page);
	EXPECT_TRUE(igvm_file_page(&f, 0) == NULL);
	EXPECT_TRUE(igvm_file_page(&f, 32) == NULL);
	EXPECT_TRUE(igvm_file_page(&f, s.ctx_page + 1) == NULL);
	EXPECT_TRUE(igvm_file_page(&f, 0xFFFFFFFFU) == NULL);
	ASSERT_TRUE(igvm_file_platform(&f, IGVM_PLATFORM_SEV_SNP) != NULL);
	EXPECT_EQ(igvm_file_platform(&f, IGVM_PLATFORM_SEV_SNP)
			  ->compatibility_mask,
		  SAMPLE_MASK_SNP);
	EXPECT_TRUE(igvm_file_platform(&f, IGVM_PLATFORM_TDX) == NULL);
	igvm_sample_free(&s);
}

TEST(igvm_file, names)
{
	EXPECT_STREQ(igvm_type_name(IGVM_VHT_PAGE_DATA), "PAGE_DATA");
	EXPECT_STREQ(igvm_type_name(IGVM_VHT_VP_CONTEXT), "VP_CONTEXT");
	EXPECT_STREQ(igvm_type_name(IGVM_VHT_OPTIONAL_BIT | IGVM_VHT_SRAT),
		     "SRAT");
	EXPECT_STREQ(igvm_type_name(0x306), "UNKNOWN");
	EXPECT_STREQ(igvm_platform_name(IGVM_PLATFORM_SEV_SNP), "SEV_SNP");
	EXPECT_STREQ(igvm_platform_name(IGVM_PLATFORM_NATIVE), "NATIVE");
	EXPECT_STREQ(igvm_platform_name(200), "UNKNOWN");
}

TEST(igvm_file, reason_is_optional_and_truncated)
{
	struct igvm_sample s;
	struct igvm_file f;
	char why[12];

	ASSERT_OK(igvm_sample_build(&s));
	s.data[0] ^= 1;
	EXPECT_ERR(igvm_file_parse(&f, s.data, s.size, NULL, 0),
		   SVSM_ERR_INVAL);
	EXPECT_ERR(igvm_file_parse(&f, s.data, s.size, why, sizeof(why)),
		   SVSM_ERR_INVAL);
	EXPECT_EQ(strlen(why), sizeof(why) - 1);
	igvm_sample_free(&s);
}

TEST(igvm_file, version_1_parses)
{
	struct igvm_sample s;
	struct igvm_file f;

	ASSERT_OK(igvm_sample_build(&s));
	/* The native contexts need version 2: make them ignorable. */
	igvm_put_le(s.data + 4, IGVM_FORMAT_VERSION_1, 4);
	patch_type(&s, SAMPLE_VP0, OPTIONAL_UNKNOWN_DIRECTIVE);
	patch_type(&s, SAMPLE_VP1, OPTIONAL_UNKNOWN_DIRECTIVE);
	igvm_sample_fix_checksum(s.data, s.size);
	EXPECT_OK(igvm_file_parse(&f, s.data, s.size, NULL, 0));
	EXPECT_EQ(f.fixed_header_size, 24);
	igvm_sample_free(&s);
}

TEST(igvm_file, optional_unknown_is_ignored)
{
	struct igvm_sample s;

	ASSERT_OK(igvm_sample_build(&s));
	patch_type(&s, SAMPLE_REQUIRED, OPTIONAL_UNKNOWN_DIRECTIVE);
	patch(&s, SAMPLE_REQUIRED, 0, 0xFFFFFFFFFFFFFFFFULL, 8);
	igvm_expect_parses(t, &s);
	igvm_sample_free(&s);
}

TEST(igvm_file, optional_known_is_still_checked)
{
	struct igvm_sample s;

	ASSERT_OK(igvm_sample_build(&s));
	patch_type(&s, SAMPLE_REQUIRED,
		   IGVM_VHT_OPTIONAL_BIT | IGVM_VHT_REQUIRED_MEMORY);
	igvm_expect_parses(t, &s);
	patch(&s, SAMPLE_REQUIRED,
	      offsetof(struct igvm_required_memory, reserved), 1, 4);
	igvm_expect_refused(t, &s, "reserved", true);
	igvm_sample_free(&s);
}

TEST(igvm_file, same_gpa_on_different_platforms_is_fine)
{
	struct igvm_sample s;

	ASSERT_OK(igvm_sample_build(&s));
	patch(&s, SAMPLE_PAGE_NATIVE, offsetof(struct igvm_page_data, gpa),
	      0x21000, 8);
	igvm_expect_parses(t, &s);
	igvm_sample_free(&s);
}

/* ---- fixed header --------------------------------------------------- */

TEST(igvm_file, refuses_tiny_file)
{
	struct igvm_sample s;
	struct igvm_file f;
	char why[WHY_SIZE];

	ASSERT_OK(igvm_sample_build(&s));
	EXPECT_ERR(igvm_file_parse(&f, s.data, 16, why, sizeof(why)),
		   SVSM_ERR_INVAL);
	EXPECT_TRUE(strstr(why, "too small") != NULL);
	/* Version 2 with fewer than 32 bytes. */
	EXPECT_ERR(igvm_file_parse(&f, s.data, 28, why, sizeof(why)),
		   SVSM_ERR_INVAL);
	EXPECT_TRUE(strstr(why, "version 2 fixed header") != NULL);
	EXPECT_ERR(igvm_file_parse(&f, NULL, 0, why, sizeof(why)),
		   SVSM_ERR_INVAL);
	igvm_sample_free(&s);
}

TEST(igvm_file, refuses_bad_magic)
{
	refuse(t, HDR, 0, 0x4D564748, 4, "magic");
}

TEST(igvm_file, refuses_unknown_version)
{
	refuse(t, HDR, 4, 3, 4, "format version 3");
	refuse(t, HDR, 4, 0, 4, "format version 0");
}

TEST(igvm_file, refuses_other_architecture)
{
	refuse(t, HDR, 24, IGVM_ARCH_AARCH64, 4, "architecture");
}

TEST(igvm_file, refuses_other_page_size)
{
	refuse(t, HDR, 28, 0x10000, 4, "page size");
}

TEST(igvm_file, refuses_wrong_total_size)
{
	struct igvm_sample s;

	ASSERT_OK(igvm_sample_build(&s));
	igvm_put_le(s.data + 16, s.size - 8, 4);
	igvm_expect_refused(t, &s, "total_file_size", true);
	igvm_sample_free(&s);
}

TEST(igvm_file, refuses_vh_offset_inside_fixed_header)
{
	refuse(t, HDR, 8, 24, 4, "variable header offset");
}

TEST(igvm_file, refuses_unaligned_vh_offset)
{
	refuse(t, HDR, 8, 36, 4, "variable header offset");
}

TEST(igvm_file, refuses_empty_vh_region)
{
	refuse(t, HDR, 12, 0, 4, "empty variable header region");
}

TEST(igvm_file, refuses_vh_region_outside_file)
{
	refuse(t, HDR, 12, 0xFFFFFFF0U, 4, "outside the file");
	refuse(t, HDR, 8, 0xFFFFFFF8U, 4, "outside the file");
}

TEST(igvm_file, refuses_bad_checksum)
{
	struct igvm_sample s;

	ASSERT_OK(igvm_sample_build(&s));
	s.data[20] ^= 0x40;
	igvm_expect_refused(t, &s, "checksum", false);
	/* A byte of the variable headers is covered too. */
	s.data[20] ^= 0x40;
	igvm_sample_payload(&s, SAMPLE_POLICY)[0] ^= 1;
	igvm_expect_refused(t, &s, "checksum", false);
	igvm_sample_free(&s);
}

TEST(igvm_file, checksum_excludes_file_data)
{
	struct igvm_sample s;
	struct igvm_file f;

	ASSERT_OK(igvm_sample_build(&s));
	s.data[s.data_page[0] + 7] ^= 0xFF;
	EXPECT_OK(igvm_file_parse(&f, s.data, s.size, NULL, 0));
	igvm_sample_free(&s);
}

/* ---- TLV framing and order ------------------------------------------ */

TEST(igvm_file, refuses_tlv_past_region)
{
	struct igvm_sample s;

	ASSERT_OK(igvm_sample_build(&s));
	patch_length(&s, SAMPLE_VP1, 0x1000);
	igvm_expect_refused(t, &s, "runs past", true);
	patch_length(&s, SAMPLE_VP1, 0xFFFFFFFFU);
	igvm_expect_refused(t, &s, "runs past", true);
	igvm_sample_free(&s);
}

TEST(igvm_file, refuses_truncated_tlv_header)
{
	struct igvm_sample s;

	ASSERT_OK(igvm_sample_build(&s));
	igvm_put_le(s.data + 12, s.tlv_offset[SAMPLE_VP1] + 4 - 32, 4);
	igvm_expect_refused(t, &s, "truncated variable header", true);
	igvm_sample_free(&s);
}

TEST(igvm_file, refuses_non_zero_padding)
{
	refuse(t, SAMPLE_VP0, sizeof(struct igvm_vp_context), 1, 1, "padding");
}

TEST(igvm_file, refuses_section_going_back)
{
	struct igvm_sample s;
	uint8_t tmp[24];
	uint8_t *a;
	uint8_t *b;

	ASSERT_OK(igvm_sample_build(&s));
	/* GUEST_POLICY (init) and PARAMETER_AREA (directive): 24 bytes each. */
	a = s.data + s.tlv_offset[SAMPLE_POLICY];
	b = s.data + s.tlv_offset[SAMPLE_AREA0];
	memcpy(tmp, a, sizeof(tmp));
	memcpy(a, b, sizeof(tmp));
	memcpy(b, tmp, sizeof(tmp));
	igvm_expect_refused(t, &s, "section order", true);
	igvm_sample_free(&s);
}

TEST(igvm_file, refuses_unknown_type)
{
	struct igvm_sample s;
	char want[64];

	ASSERT_OK(igvm_sample_build(&s));
	patch_type(&s, SAMPLE_REQUIRED, 0x306);
	igvm_expect_refused(t, &s, "unknown variable header type 0x306", true);
	patch_type(&s, SAMPLE_REQUIRED, 0x250);
	igvm_expect_refused(t, &s, "unknown variable header type", true);
	(void)snprintf(want, sizeof(want),
		       "offset 0x%x:", s.tlv_offset[SAMPLE_REQUIRED]);
	igvm_expect_refused(t, &s, want, true);
	igvm_sample_free(&s);
}

TEST(igvm_file, refuses_wrong_payload_length)
{
	struct igvm_sample s;

	ASSERT_OK(igvm_sample_build(&s));
	patch_length(&s, SAMPLE_PAGE0, 20);
	igvm_expect_refused(t, &s, "PAGE_DATA payload length 20, want 24",
			    true);
	igvm_sample_free(&s);
	ASSERT_OK(igvm_sample_build(&s));
	patch_length(&s, SAMPLE_VP0, 24);
	igvm_expect_refused(t, &s, "VP_CONTEXT payload length 24, want 20",
			    true);
	igvm_sample_free(&s);
}

/* ---- SUPPORTED_PLATFORM and masks ------------------------------------ */

#define PLAT_MASK offsetof(struct igvm_supported_platform, compatibility_mask)
#define PLAT_TYPE offsetof(struct igvm_supported_platform, platform_type)
#define PLAT_VERSION offsetof(struct igvm_supported_platform, platform_version)

TEST(igvm_file, refuses_missing_platforms)
{
	struct igvm_sample s;

	ASSERT_OK(igvm_sample_build(&s));
	patch_type(&s, SAMPLE_PLAT_NATIVE, IGVM_VHT_OPTIONAL_BIT | 0x50);
	patch_type(&s, SAMPLE_PLAT_SNP, IGVM_VHT_OPTIONAL_BIT | 0x50);
	igvm_expect_refused(t, &s, "no SUPPORTED_PLATFORM", true);
	igvm_sample_free(&s);
}

TEST(igvm_file, refuses_platform_mask_not_one_bit)
{
	refuse(t, SAMPLE_PLAT_NATIVE, PLAT_MASK, 0x6, 4, "exactly one bit");
	refuse(t, SAMPLE_PLAT_NATIVE, PLAT_MASK, 0, 4, "exactly one bit");
}

TEST(igvm_file, refuses_duplicate_platform_mask)
{
	refuse(t, SAMPLE_PLAT_NATIVE, PLAT_MASK, SAMPLE_MASK_SNP, 4,
	       "duplicate platform compatibility mask");
}

TEST(igvm_file, refuses_duplicate_platform_type)
{
	refuse(t, SAMPLE_PLAT_NATIVE, PLAT_TYPE, IGVM_PLATFORM_SEV_SNP, 1,
	       "duplicate platform type SEV_SNP");
}

TEST(igvm_file, refuses_unknown_platform_type)
{
	refuse(t, SAMPLE_PLAT_NATIVE, PLAT_TYPE, 7, 1, "unknown platform type");
}

TEST(igvm_file, refuses_platform_version)
{
	refuse(t, SAMPLE_PLAT_SNP, PLAT_VERSION, 2, 2, "platform version 2");
}

TEST(igvm_file, refuses_zero_mask)
{
	refuse(t, SAMPLE_PAGE2,
	       offsetof(struct igvm_page_data, compatibility_mask), 0, 4,
	       "zero compatibility mask");
	refuse(t, SAMPLE_POLICY,
	       offsetof(struct igvm_guest_policy, compatibility_mask), 0, 4,
	       "zero compatibility mask");
}

TEST(igvm_file, refuses_undeclared_mask)
{
	refuse(t, SAMPLE_PAGE2,
	       offsetof(struct igvm_page_data, compatibility_mask), 0x4, 4,
	       "undeclared platforms");
	refuse(t, SAMPLE_INSERT0,
	       offsetof(struct igvm_parameter_insert, compatibility_mask),
	       0x80000001U, 4, "undeclared platforms");
	refuse(t, SAMPLE_REQUIRED,
	       offsetof(struct igvm_required_memory, compatibility_mask), 0x8,
	       4, "undeclared platforms");
}

TEST(igvm_file, refuses_policy_reserved)
{
	refuse(t, SAMPLE_POLICY, offsetof(struct igvm_guest_policy, reserved),
	       1, 4, "GUEST_POLICY reserved");
}

/* ---- PAGE_DATA ------------------------------------------------------ */

#define PD_GPA offsetof(struct igvm_page_data, gpa)
#define PD_FLAGS offsetof(struct igvm_page_data, flags)
#define PD_OFFSET offsetof(struct igvm_page_data, file_offset)

TEST(igvm_file, refuses_unaligned_page)
{
	refuse(t, SAMPLE_PAGE1, PD_GPA, 0x11800, 8, "not 4 KiB aligned");
}

TEST(igvm_file, refuses_unknown_page_flags)
{
	refuse(t, SAMPLE_PAGE1, PD_FLAGS, 0x8, 4, "unknown PAGE_DATA flags");
}

TEST(igvm_file, refuses_2mb_page)
{
	refuse(t, SAMPLE_PAGE1, PD_FLAGS, IGVM_PAGE_DATA_FLAG_2MB, 4, "2 MiB");
}

TEST(igvm_file, refuses_unknown_data_type)
{
	refuse(t, SAMPLE_PAGE1, offsetof(struct igvm_page_data, data_type), 4,
	       2, "data type");
}

TEST(igvm_file, refuses_page_reserved)
{
	refuse(t, SAMPLE_PAGE1, offsetof(struct igvm_page_data, reserved), 1, 2,
	       "PAGE_DATA reserved");
}

TEST(igvm_file, refuses_page_outside_data)
{
	struct igvm_sample s;

	ASSERT_OK(igvm_sample_build(&s));
	/* In the variable headers, half past the end, past the end. */
	refuse(t, SAMPLE_PAGE1, PD_OFFSET, 32, 4, "file data region");
	refuse(t, SAMPLE_PAGE1, PD_OFFSET, s.data_start - 8, 4,
	       "file data region");
	refuse(t, SAMPLE_PAGE1, PD_OFFSET, s.size - 2048, 4,
	       "file data region");
	refuse(t, SAMPLE_PAGE1, PD_OFFSET, 0xFFFFFFFFU, 4, "file data region");
	igvm_sample_free(&s);
}

TEST(igvm_file, refuses_duplicate_page)
{
	struct igvm_sample s;
	char want[64];

	ASSERT_OK(igvm_sample_build(&s));
	(void)snprintf(want, sizeof(want),
		       "offset 0x%x: PAGE_DATA at gpa 0x10000",
		       s.tlv_offset[SAMPLE_PAGE3]);
	patch(&s, SAMPLE_PAGE3, PD_GPA, 0x10000, 8);
	igvm_expect_refused(t, &s, want, true);
	igvm_sample_free(&s);
	/* One platform only: NATIVE's unmeasured page onto a shared one. */
	refuse(t, SAMPLE_PAGE_NATIVE, PD_GPA, 0x12000, 8,
	       "on platform NATIVE overlaps");
}

/* ---- parameter areas, parameters and inserts ------------------------- */

#define AREA_SIZE offsetof(struct igvm_parameter_area, number_of_bytes)
#define AREA_INDEX offsetof(struct igvm_parameter_area, parameter_area_index)
#define AREA_OFFSET offsetof(struct igvm_parameter_area, file_offset)
#define PRM_INDEX offsetof(struct igvm_parameter, parameter_area_index)
#define PRM_OFFSET offsetof(struct igvm_parameter, byte_offset)
#define INS_GPA offsetof(struct igvm_parameter_insert, gpa)
#define INS_INDEX offsetof(struct igvm_parameter_insert, parameter_area_index)

TEST(igvm_file, refuses_bad_area_size)
{
	refuse(t, SAMPLE_AREA1, AREA_SIZE, 0, 8, "non-zero multiple of 4 KiB");
	refuse(t, SAMPLE_AREA1, AREA_SIZE, 0x1800, 8,
	       "non-zero multiple of 4 KiB");
}

TEST(igvm_file, refuses_area_index_too_big)
{
	refuse(t, SAMPLE_AREA1, AREA_INDEX, IGVM_MAX_PARAM_AREAS, 4,
	       "not below");
}

TEST(igvm_file, refuses_area_declared_twice)
{
	refuse(t, SAMPLE_AREA1, AREA_INDEX, 0, 4, "already declared");
}

TEST(igvm_file, refuses_area_outside_data)
{
	struct igvm_sample s;

	ASSERT_OK(igvm_sample_build(&s));
	/* 8 KiB from the last page runs past the end of the file. */
	refuse(t, SAMPLE_AREA1, AREA_OFFSET, s.ctx_page, 4, "file data region");
	refuse(t, SAMPLE_AREA1, AREA_OFFSET, 8, 4, "file data region");
	igvm_sample_free(&s);
}

TEST(igvm_file, area_with_file_data_parses)
{
	struct igvm_sample s;

	ASSERT_OK(igvm_sample_build(&s));
	patch(&s, SAMPLE_AREA1, AREA_OFFSET, s.data_page[0], 4);
	igvm_expect_parses(t, &s);
	igvm_sample_free(&s);
}

TEST(igvm_file, refuses_parameter_in_undeclared_area)
{
	refuse(t, SAMPLE_VP_COUNT, PRM_INDEX, 5, 4,
	       "undeclared parameter area 5");
	refuse(t, SAMPLE_VP_COUNT, PRM_INDEX, 0xFFFFFFFFU, 4,
	       "undeclared parameter area");
}

TEST(igvm_file, refuses_parameter_after_insert)
{
	refuse(t, SAMPLE_MEMMAP, PRM_INDEX, 0, 4, "already inserted");
}

TEST(igvm_file, refuses_parameter_outside_area)
{
	refuse(t, SAMPLE_VP_COUNT, PRM_OFFSET, IGVM_PAGE_SIZE - 3, 4,
	       "outside parameter area");
	refuse(t, SAMPLE_MEMMAP, PRM_OFFSET, 2 * IGVM_PAGE_SIZE - 16, 4,
	       "outside parameter area");
	refuse(t, SAMPLE_MEMMAP, PRM_OFFSET, 0xFFFFFFFFU, 4,
	       "outside parameter area");
}

TEST(igvm_file, refuses_insert_of_undeclared_area)
{
	refuse(t, SAMPLE_INSERT1, INS_INDEX, 7, 4,
	       "undeclared parameter area 7");
}

TEST(igvm_file, refuses_area_inserted_twice)
{
	refuse(t, SAMPLE_INSERT1, INS_INDEX, 0, 4,
	       "PARAMETER_INSERT uses parameter area 0, already inserted");
}

TEST(igvm_file, refuses_unaligned_insert)
{
	refuse(t, SAMPLE_INSERT1, INS_GPA, 0xA010, 8, "not 4 KiB aligned");
}

TEST(igvm_file, refuses_insert_wrapping)
{
	refuse(t, SAMPLE_INSERT1, INS_GPA, 0xFFFFFFFFFFFFF000ULL, 8, "wraps");
}

TEST(igvm_file, insert_at_top_of_space_parses)
{
	struct igvm_sample s;

	ASSERT_OK(igvm_sample_build(&s));
	patch(&s, SAMPLE_INSERT1, INS_GPA, 0xFFFFFFFFFFFFE000ULL, 8);
	igvm_expect_parses(t, &s);
	igvm_sample_free(&s);
}

TEST(igvm_file, refuses_insert_over_page_data)
{
	refuse(t, SAMPLE_INSERT1, INS_GPA, 0xF000, 8,
	       "PAGE_DATA at gpa 0x10000 on platform NATIVE overlaps the "
	       "PARAMETER_INSERT");
	refuse(t, SAMPLE_INSERT0, INS_GPA, 0xA000, 8,
	       "PARAMETER_INSERT at gpa 0xa000 on platform NATIVE overlaps "
	       "the PARAMETER_INSERT");
}

TEST(igvm_file, refuses_area_never_inserted)
{
	struct igvm_sample s;

	ASSERT_OK(igvm_sample_build(&s));
	patch_type(&s, SAMPLE_INSERT1, OPTIONAL_UNKNOWN_DIRECTIVE);
	igvm_expect_refused(t, &s, "parameter area 1 is never inserted", true);
	igvm_sample_free(&s);
}

/* ---- VP_CONTEXT ----------------------------------------------------- */

#define VP_GPA offsetof(struct igvm_vp_context, gpa)
#define VP_OFFSET offsetof(struct igvm_vp_context, file_offset)
#define VP_INDEX offsetof(struct igvm_vp_context, vp_index)

TEST(igvm_file, refuses_context_outside_data)
{
	struct igvm_sample s;

	ASSERT_OK(igvm_sample_build(&s));
	refuse(t, SAMPLE_VP0, VP_OFFSET, 0, 4, "VP_CONTEXT file_offset");
	refuse(t, SAMPLE_VP0, VP_OFFSET, 64, 4, "VP_CONTEXT file_offset");
	refuse(t, SAMPLE_VP0, VP_OFFSET, s.ctx_page + 8, 4,
	       "VP_CONTEXT file_offset");
	igvm_sample_free(&s);
}

TEST(igvm_file, refuses_unaligned_context_gpa)
{
	refuse(t, SAMPLE_VP0, VP_GPA, 0x123, 8, "not 4 KiB aligned");
}

TEST(igvm_file, refuses_context_reserved)
{
	refuse(t, SAMPLE_VP0, offsetof(struct igvm_vp_context, reserved), 1, 2,
	       "VP_CONTEXT reserved");
}

TEST(igvm_file, refuses_native_context_in_version_1)
{
	refuse(t, HDR, 4, IGVM_FORMAT_VERSION_1, 4, "format version 2");
}

TEST(igvm_file, refuses_native_context_trailing_bytes)
{
	struct igvm_sample s;

	ASSERT_OK(igvm_sample_build(&s));
	refuse(t, HDR, s.ctx_page + sizeof(struct igvm_native_vp_context_x64),
	       1, 1, "after the native context");
	refuse(t, HDR, s.ctx_page + IGVM_PAGE_SIZE - 1, 0x80, 1,
	       "non-zero byte at +0xfff");
	igvm_sample_free(&s);
}

TEST(igvm_file, refuses_native_context_reserved)
{
	struct igvm_sample s;

	ASSERT_OK(igvm_sample_build(&s));
	refuse(t, HDR,
	       s.ctx_page +
		       offsetof(struct igvm_native_vp_context_x64, reserved),
	       1, 2, "native context reserved");
	igvm_sample_free(&s);
}

TEST(igvm_file, refuses_second_context_for_vp)
{
	refuse(t, SAMPLE_VP1, VP_INDEX, 0, 2,
	       "second VP_CONTEXT for vp_index 0 on platform NATIVE");
}

TEST(igvm_file, refuses_context_for_tdx)
{
	refuse(t, SAMPLE_PLAT_NATIVE, PLAT_TYPE, IGVM_PLATFORM_TDX, 1,
	       "not valid for TDX");
}

/* ---- REQUIRED_MEMORY ------------------------------------------------- */

#define RM_GPA offsetof(struct igvm_required_memory, gpa)
#define RM_SIZE offsetof(struct igvm_required_memory, number_of_bytes)

TEST(igvm_file, refuses_bad_required_memory)
{
	refuse(t, SAMPLE_REQUIRED, RM_GPA, 0x100100, 8, "4 KiB aligned");
	refuse(t, SAMPLE_REQUIRED, RM_SIZE, 0, 4, "non-zero size");
	refuse(t, SAMPLE_REQUIRED, RM_SIZE, 0x800, 4, "non-zero size");
	refuse(t, SAMPLE_REQUIRED, offsetof(struct igvm_required_memory, flags),
	       0x2, 4, "REQUIRED_MEMORY has unknown flags");
	refuse(t, SAMPLE_REQUIRED,
	       offsetof(struct igvm_required_memory, reserved), 1, 4,
	       "REQUIRED_MEMORY reserved");
}

TEST(igvm_file, refuses_required_memory_wrapping)
{
	refuse(t, SAMPLE_REQUIRED, RM_GPA, 0xFFFFFFFFFFF80000ULL, 8, "wraps");
}
