// SPDX-License-Identifier: MIT
/*
 * More unit tests for the IGVM reader (lib/igvm): every truncation of the
 * sample must be refused without a crash, and files assembled from chosen
 * variable headers exercise the types the sample does not carry
 * (relocation regions, SNP ID block, VBS measurement, error ranges), the
 * minimum sizes of parameter types and per-platform VP contexts.
 */
#include <stddef.h>
#include <string.h>

#include "svsm/test.h"

#include "igvm/igvm_file.h"
#include "igvm_expect.h"
#include "igvm_sample.h"

#define WHY_SIZE 256U

/* ---- truncation ----------------------------------------------------- */

TEST(igvm_file, refuses_every_truncation)
{
	struct igvm_sample s;
	struct igvm_file f;
	char why[WHY_SIZE];
	uint32_t accepted = 0;

	ASSERT_OK(igvm_sample_build(&s));
	for (size_t len = 0; len < s.size; len += 8) {
		if (igvm_file_parse(&f, s.data, len, why, sizeof(why)) ==
		    SVSM_OK) {
			accepted++;
		}
	}
	EXPECT_EQ(accepted, 0);
	igvm_sample_free(&s);
}

/**
 * Truncates a copy and makes its header consistent again (total size,
 * variable-header size clipped, checksum) so that the walk itself meets
 * the cut: nothing may crash, and every cut inside the file data or in
 * the middle of an entry must be refused.
 */
TEST(igvm_file, truncation_with_consistent_header_never_crashes)
{
	struct igvm_sample s;
	struct igvm_file f;
	uint32_t refused = 0;
	uint32_t tried = 0;

	ASSERT_OK(igvm_sample_build(&s));
	for (size_t len = 40; len < s.size; len += 8) {
		uint32_t vh_end =
			s.data_start < len ? s.data_start : (uint32_t)len;
		enum svsm_err err;

		igvm_put_le(s.data + 16, len, 4);
		igvm_put_le(s.data + 12, vh_end - 32, 4);
		igvm_sample_fix_checksum(s.data, len);
		err = igvm_file_parse(&f, s.data, len, NULL, 0);
		tried++;
		if (err != SVSM_OK) {
			refused++;
		}
		if (len > s.data_start) {
			EXPECT_ERR(err, SVSM_ERR_INVAL);
		}
	}
	EXPECT_GT(refused, tried / 2);
	igvm_sample_free(&s);
}

/* ---- files made of chosen variable headers --------------------------- */

#define RAW_VH_MAX 2048U

/* The variable headers a raw test is assembling (tests run one by one). */
static uint8_t raw_vh[RAW_VH_MAX];
static uint32_t raw_vh_size;

/** Appends one TLV, padded with zeros to 8 bytes. */
static void raw_add(uint32_t type, const void *payload, uint32_t len)
{
	struct igvm_tlv h = { .type = type, .length = len };
	uint32_t padded = (len + 7U) & ~7U;

	if (raw_vh_size + sizeof(h) + padded > RAW_VH_MAX) {
		return;
	}
	memcpy(raw_vh + raw_vh_size, &h, sizeof(h));
	memset(raw_vh + raw_vh_size + sizeof(h), 0, padded);
	memcpy(raw_vh + raw_vh_size + sizeof(h), payload, len);
	raw_vh_size += sizeof(h) + padded;
}

/** Starts a raw file with SEV_SNP (mask 0x1) and NATIVE (mask 0x2). */
static void raw_start(void)
{
	struct igvm_supported_platform snp = {
		.compatibility_mask = SAMPLE_MASK_SNP,
		.platform_type = IGVM_PLATFORM_SEV_SNP,
		.platform_version = IGVM_PLATFORM_VERSION,
	};
	struct igvm_supported_platform native = snp;

	native.compatibility_mask = SAMPLE_MASK_NATIVE;
	native.platform_type = IGVM_PLATFORM_NATIVE;
	raw_vh_size = 0;
	raw_add(IGVM_VHT_SUPPORTED_PLATFORM, &snp, sizeof(snp));
	raw_add(IGVM_VHT_SUPPORTED_PLATFORM, &native, sizeof(native));
}

/** Parses the raw file built so far; expects `word` in the reason. */
static void raw_expect(struct test_ctx *t, const char *word)
{
	struct igvm_sample s;

	ASSERT_OK(igvm_sample_build_raw(&s, raw_vh, raw_vh_size, 1));
	if (word == NULL) {
		igvm_expect_parses(t, &s);
	} else {
		igvm_expect_refused(t, &s, word, true);
	}
	igvm_sample_free(&s);
}

TEST(igvm_file, raw_platforms_only_parse)
{
	struct igvm_sample s;
	struct igvm_file f;

	raw_start();
	raw_add(IGVM_VHT_OPTIONAL_BIT | 0x50U, "skip me!", 8);
	ASSERT_OK(igvm_sample_build_raw(&s, raw_vh, raw_vh_size, 0));
	EXPECT_OK(igvm_file_parse(&f, s.data, s.size, NULL, 0));
	EXPECT_EQ(f.tlv_count, 3);
	EXPECT_EQ(f.platform_count, 2);
	igvm_sample_free(&s);
}

TEST(igvm_file, raw_relocatable_region)
{
	struct igvm_relocatable_region r = {
		.compatibility_mask = SAMPLE_MASK_SNP,
		.flags = IGVM_RELOC_FLAG_APPLY_RIP,
		.relocation_alignment = 0x200000,
		.relocation_region_gpa = 0x200000,
		.relocation_region_size = 0x400000,
		.maximum_relocation_gpa = 0x100000000ULL,
	};

	raw_start();
	raw_add(IGVM_VHT_RELOCATABLE_REGION, &r, sizeof(r));
	raw_expect(t, NULL);
	r.flags = 0x10;
	raw_start();
	raw_add(IGVM_VHT_RELOCATABLE_REGION, &r, sizeof(r));
	raw_expect(t, "RELOCATABLE_REGION has unknown flags");
	r.flags = 0;
	r.relocation_region_gpa = 0xFFFFFFFFFFE00000ULL;
	raw_start();
	raw_add(IGVM_VHT_RELOCATABLE_REGION, &r, sizeof(r));
	raw_expect(t, "wraps");
}

TEST(igvm_file, raw_page_table_relocation)
{
	struct igvm_page_table_relocation r = {
		.compatibility_mask = SAMPLE_MASK_NATIVE,
		.gpa = 0x300000,
		.size = 0x10000,
		.used_size = 0x3000,
	};

	raw_start();
	raw_add(IGVM_VHT_PAGE_TABLE_RELOCATION_REGION, &r, sizeof(r));
	raw_expect(t, NULL);
	r.reserved = 1;
	raw_start();
	raw_add(IGVM_VHT_PAGE_TABLE_RELOCATION_REGION, &r, sizeof(r));
	raw_expect(t, "PAGE_TABLE_RELOCATION_REGION reserved");
	r.reserved = 0;
	r.size = 0xFFFFFFFFFFFFFFFFULL;
	raw_start();
	raw_add(IGVM_VHT_PAGE_TABLE_RELOCATION_REGION, &r, sizeof(r));
	raw_expect(t, "wraps");
}

/** Adds `b` as an SNP_ID_BLOCK to a fresh raw file and expects `want`. */
static void raw_id_block(struct test_ctx *t, const struct igvm_snp_id_block *b,
			 const char *want)
{
	raw_start();
	raw_add(IGVM_VHT_SNP_ID_BLOCK, b, sizeof(*b));
	raw_expect(t, want);
}

TEST(igvm_file, raw_snp_id_block)
{
	struct igvm_snp_id_block good = {
		.compatibility_mask = SAMPLE_MASK_SNP,
		.id_key_algorithm = IGVM_SNP_ID_KEY_ALGO_ECDSA_P384_SHA384,
		.id_public_key.curve = IGVM_SNP_ID_CURVE_P384,
	};
	struct igvm_snp_id_block b = good;

	raw_id_block(t, &b, NULL);
	b.reserved[2] = 1;
	raw_id_block(t, &b, "SNP_ID_BLOCK reserved");
	b = good;
	b.id_key_algorithm = 2;
	raw_id_block(t, &b, "ID key algorithm 2 is not ECDSA P-384");
	b = good;
	b.id_public_key.curve = 1;
	raw_id_block(t, &b, "ID key curve 1 is not P-384");
	b = good;
	b.id_public_key.reserved = 1;
	raw_id_block(t, &b, "SNP_ID_BLOCK reserved");
	b = good;
	b.author_key_enabled = 2;
	raw_id_block(t, &b, "author_key_enabled 2");
	b.author_key_enabled = 1;
	raw_id_block(t, &b, "author key algorithm 0");
	b.author_key_algorithm = IGVM_SNP_ID_KEY_ALGO_ECDSA_P384_SHA384;
	b.author_public_key.curve = IGVM_SNP_ID_CURVE_P384;
	raw_id_block(t, &b, NULL);
	b = good;
	b.compatibility_mask = 0;
	raw_id_block(t, &b, "SNP_ID_BLOCK has a zero compatibility mask");
}

TEST(igvm_file, raw_vbs_measurement)
{
	static uint8_t block[IGVM_VBS_MEASUREMENT_SIZE];

	memset(block, 0, sizeof(block));
	block[0] = SAMPLE_MASK_SNP;
	raw_start();
	raw_add(IGVM_VHT_VBS_MEASUREMENT, block, IGVM_VBS_MEASUREMENT_SIZE);
	raw_expect(t, NULL);
	block[0] = 0;
	raw_start();
	raw_add(IGVM_VHT_VBS_MEASUREMENT, block, IGVM_VBS_MEASUREMENT_SIZE);
	raw_expect(t, "VBS_MEASUREMENT has a zero compatibility mask");
}

TEST(igvm_file, raw_error_range)
{
	struct igvm_error_range er = {
		.gpa = 0x5000,
		.compatibility_mask = SAMPLE_MASK_SNP,
		.size_bytes = 0x1000,
	};

	raw_start();
	raw_add(IGVM_VHT_ERROR_RANGE, &er, sizeof(er));
	raw_expect(t, NULL);
	er.gpa = 0xFFFFFFFFFFFFF800ULL;
	raw_start();
	raw_add(IGVM_VHT_ERROR_RANGE, &er, sizeof(er));
	raw_expect(t, "ERROR_RANGE gpa 0xfffffffffffff800 + 0x1000 wraps");
}

/** Declares area 0 (one page), uses it with `type` at `byte_offset`. */
static void raw_parameter(uint32_t type, uint32_t byte_offset)
{
	struct igvm_parameter_area a = { .number_of_bytes = IGVM_PAGE_SIZE };
	struct igvm_parameter prm = { .byte_offset = byte_offset };
	struct igvm_parameter_insert pi = {
		.gpa = 0x8000,
		.compatibility_mask = SAMPLE_MASK_SNP | SAMPLE_MASK_NATIVE,
	};

	raw_start();
	raw_add(IGVM_VHT_PARAMETER_AREA, &a, sizeof(a));
	raw_add(type, &prm, sizeof(prm));
	raw_add(IGVM_VHT_PARAMETER_INSERT, &pi, sizeof(pi));
}

TEST(igvm_file, raw_parameter_minimum_sizes)
{
	raw_parameter(IGVM_VHT_SRAT, IGVM_PAGE_SIZE - 36);
	raw_expect(t, NULL);
	raw_parameter(IGVM_VHT_MADT, IGVM_PAGE_SIZE - 35);
	raw_expect(t, "MADT byte_offset 0xfdd + 36 bytes lies outside");
	raw_parameter(IGVM_VHT_DEVICE_TREE, IGVM_PAGE_SIZE - 39);
	raw_expect(t, "DEVICE_TREE byte_offset");
	raw_parameter(IGVM_VHT_MMIO_RANGES, IGVM_PAGE_SIZE - 16);
	raw_expect(t, "MMIO_RANGES byte_offset");
	raw_parameter(IGVM_VHT_COMMAND_LINE, IGVM_PAGE_SIZE - 1);
	raw_expect(t, NULL);
	raw_parameter(IGVM_VHT_COMMAND_LINE, IGVM_PAGE_SIZE);
	raw_expect(t, "COMMAND_LINE byte_offset");
	raw_parameter(IGVM_VHT_ENVIRONMENT_INFO_PARAMETER, IGVM_PAGE_SIZE - 4);
	raw_expect(t, NULL);
}

TEST(igvm_file, raw_snp_context_is_opaque_and_per_platform)
{
	struct igvm_vp_context vc = {
		.gpa = 0xFFFFFFFFF000ULL,
		.compatibility_mask = SAMPLE_MASK_SNP,
		.file_offset = 0,
	};
	uint32_t data = sizeof(struct igvm_fixed_header_v2);

	/* Two SNP contexts for vp 0 and 1 plus a native one for vp 0; the
	 * file data (0xCC bytes) is no native context, but SNP's is opaque.
	 */
	raw_start();
	data += raw_vh_size + 3 * (sizeof(struct igvm_tlv) + 24);
	vc.file_offset = data;
	raw_add(IGVM_VHT_VP_CONTEXT, &vc, sizeof(vc));
	vc.vp_index = 1;
	raw_add(IGVM_VHT_VP_CONTEXT, &vc, sizeof(vc));
	vc.vp_index = 0;
	vc.gpa = 0;
	vc.compatibility_mask = SAMPLE_MASK_NATIVE;
	raw_add(IGVM_VHT_VP_CONTEXT, &vc, sizeof(vc));
	raw_expect(t, "native context reserved");
	/* The same file with the native context made optional-unknown. */
	igvm_put_le(raw_vh + raw_vh_size - sizeof(struct igvm_tlv) - 24,
		    IGVM_VHT_OPTIONAL_BIT | 0x3FEU, 4);
	raw_expect(t, NULL);
}
