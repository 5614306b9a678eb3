// SPDX-License-Identifier: MIT
/*
 * Host tests of the SEV-SNP launch digest (tools/csvsm/snp_digest.c) on
 * the hand-built sample IGVM file (igvm_sample.c). The expected digests
 * are built here, record by record, from the PAGE_INFO layout of the SNP
 * ABI with OpenSSL's SHA-384, not with the code under test; then single
 * changes to the file show which bytes are measured and which are not.
 */
#include <openssl/evp.h>
#include <string.h>

#include "svsm/test.h"

#include "igvm/igvm_file.h"
#include "igvm_sample.h"
#include "snp_digest.h"

/** An independent chain: OpenSSL SHA-384 over explicit PAGE_INFO bytes. */
struct ref_chain {
	uint8_t digest[48];
	int err;
};

static void ref_sha384(const uint8_t *data, size_t len, uint8_t out[48])
{
	unsigned int n = 0;

	if (EVP_Digest(data, len, out, &n, EVP_sha384(), NULL) != 1 ||
	    n != 48) {
		memset(out, 0xEE, 48);
	}
}

/** Adds one PAGE_INFO; `page` is hashed for contents, NULL means zeros. */
static void ref_add(struct ref_chain *c, uint8_t type, uint64_t gpa,
		    const uint8_t *page)
{
	uint8_t info[112] = { 0 };

	memcpy(info, c->digest, 48);
	if (page != NULL) {
		ref_sha384(page, 4096, info + 48);
	}
	info[96] = 0x70; /* length, u16 LE */
	info[98] = type;
	for (int i = 0; i < 8; i++) {
		info[104 + i] = (uint8_t)(gpa >> (8 * i));
	}
	ref_sha384(info, sizeof(info), c->digest);
}

/**
 * The sample's SNP chain in file order: area 0 (one page at 0x9000) and
 * area 1 (two pages at 0xA000) unmeasured; PAGE0 and PAGE1 normal with
 * data; PAGE2 and PAGE3 zero; the NATIVE-only page skipped; the secrets
 * page; the NATIVE VP contexts skipped.
 */
static void ref_sample(struct ref_chain *c, const struct igvm_sample *s)
{
	memset(c, 0, sizeof(*c));
	ref_add(c, 4, 0x9000, NULL);
	ref_add(c, 4, 0xA000, NULL);
	ref_add(c, 4, 0xB000, NULL);
	ref_add(c, 1, 0x10000, s->data + s->data_page[0]);
	ref_add(c, 1, 0x11000, s->data + s->data_page[1]);
	ref_add(c, 3, 0x12000, NULL);
	ref_add(c, 3, 0x13000, NULL);
	ref_add(c, 5, 0x21000, NULL);
}

/** Parses `s` and computes its digest; SVSM_OK or the failure. */
static enum svsm_err digest_of(const struct igvm_sample *s, uint8_t out[48],
			       struct snp_digest_stats *st)
{
	struct igvm_file f;
	char why[256];

	if (igvm_file_parse(&f, s->data, s->size, why, sizeof(why)) !=
	    SVSM_OK) {
		return SVSM_ERR_IO; /* not what the tests expect */
	}
	return snp_digest_compute(&f, out, st, why, sizeof(why));
}

TEST(snp_digest, page_info_layout)
{
	uint8_t info[SNP_PAGE_INFO_SIZE];
	uint8_t cur[48];
	uint8_t contents[48];

	memset(cur, 0xA5, sizeof(cur));
	memset(contents, 0x5A, sizeof(contents));
	snp_page_info(info, cur, contents, SNP_PAGE_TYPE_VMSA,
		      0xFFFFFFFFF000ULL);
	EXPECT_MEMEQ(info, cur, 48);
	EXPECT_MEMEQ(info + 48, contents, 48);
	EXPECT_EQ(info[96], 0x70);
	EXPECT_EQ(info[97], 0);
	EXPECT_EQ(info[98], 2);
	for (int i = 99; i < 104; i++) {
		EXPECT_EQ(info[i], 0); /* imi_page, reserved, vmpl1..3 */
	}
	EXPECT_EQ(info[104], 0x00);
	EXPECT_EQ(info[105], 0xF0);
	EXPECT_EQ(info[109], 0xFF);
	EXPECT_EQ(info[110], 0x00);
	snp_page_info(info, cur, NULL, SNP_PAGE_TYPE_ZERO, 0x1000);
	memset(contents, 0, sizeof(contents));
	EXPECT_MEMEQ(info + 48, contents, 48);
}

TEST(snp_digest, sample_matches_independent_chain)
{
	struct igvm_sample s;
	struct snp_digest_stats st = { { 0 } };
	struct ref_chain ref;
	uint8_t got[48];

	ASSERT_OK(igvm_sample_build(&s));
	ref_sample(&ref, &s);
	EXPECT_OK(digest_of(&s, got, &st));
	EXPECT_MEMEQ(got, ref.digest, 48);
	EXPECT_EQ(st.type_count[SNP_PAGE_TYPE_NORMAL], 2U);
	EXPECT_EQ(st.type_count[SNP_PAGE_TYPE_ZERO], 2U);
	EXPECT_EQ(st.type_count[SNP_PAGE_TYPE_UNMEASURED], 3U);
	EXPECT_EQ(st.type_count[SNP_PAGE_TYPE_SECRETS], 1U);
	EXPECT_EQ(st.type_count[SNP_PAGE_TYPE_VMSA], 0U);
	igvm_sample_free(&s);
}

TEST(snp_digest, measured_data_changes_digest)
{
	struct igvm_sample s;
	uint8_t before[48];
	uint8_t after[48];

	ASSERT_OK(igvm_sample_build(&s));
	ASSERT_OK(digest_of(&s, before, NULL));
	/* File data is outside the checksum: no fix-up needed. */
	s.data[s.data_page[1] + 4095] ^= 0x01;
	EXPECT_OK(digest_of(&s, after, NULL));
	EXPECT_NE(memcmp(before, after, 48), 0);
	igvm_sample_free(&s);
}

TEST(snp_digest, native_only_data_does_not_count)
{
	struct igvm_sample s;
	uint8_t before[48];
	uint8_t after[48];

	ASSERT_OK(igvm_sample_build(&s));
	ASSERT_OK(digest_of(&s, before, NULL));
	/* The NATIVE VP context page is not loaded on SNP. */
	s.data[s.ctx_page + 200] ^= 0xFF;
	EXPECT_OK(digest_of(&s, after, NULL));
	EXPECT_MEMEQ(before, after, 48);
	igvm_sample_free(&s);
}

TEST(snp_digest, unmeasured_flag_hides_contents_not_gpa)
{
	struct igvm_sample s;
	struct igvm_page_data pd;
	struct ref_chain ref;
	uint8_t a[48];
	uint8_t b[48];
	uint8_t *p;

	ASSERT_OK(igvm_sample_build(&s));
	p = igvm_sample_payload(&s, SAMPLE_PAGE1);
	memcpy(&pd, p, sizeof(pd));
	pd.flags |= IGVM_PAGE_DATA_FLAG_UNMEASURED;
	memcpy(p, &pd, sizeof(pd));
	igvm_sample_fix_checksum(s.data, s.size);
	ASSERT_OK(digest_of(&s, a, NULL));
	s.data[s.data_page[1]] ^= 0x80; /* the data no longer counts */
	EXPECT_OK(digest_of(&s, b, NULL));
	EXPECT_MEMEQ(a, b, 48);
	/* ... but the page is still in the chain, as UNMEASURED. */
	memset(&ref, 0, sizeof(ref));
	ref_add(&ref, 4, 0x9000, NULL);
	ref_add(&ref, 4, 0xA000, NULL);
	ref_add(&ref, 4, 0xB000, NULL);
	ref_add(&ref, 1, 0x10000, s.data + s.data_page[0]);
	ref_add(&ref, 4, 0x11000, NULL);
	ref_add(&ref, 3, 0x12000, NULL);
	ref_add(&ref, 3, 0x13000, NULL);
	ref_add(&ref, 5, 0x21000, NULL);
	EXPECT_MEMEQ(a, ref.digest, 48);
	igvm_sample_free(&s);
}

TEST(snp_digest, order_and_gpa_count)
{
	struct igvm_sample s;
	struct igvm_page_data pd;
	uint8_t base[48];
	uint8_t got[48];
	uint8_t tmp[sizeof(struct igvm_page_data)];
	uint8_t *p0;
	uint8_t *p1;

	ASSERT_OK(igvm_sample_build(&s));
	ASSERT_OK(digest_of(&s, base, NULL));
	/* The same two pages in the other order. */
	p0 = igvm_sample_payload(&s, SAMPLE_PAGE0);
	p1 = igvm_sample_payload(&s, SAMPLE_PAGE1);
	memcpy(tmp, p0, sizeof(tmp));
	memcpy(p0, p1, sizeof(tmp));
	memcpy(p1, tmp, sizeof(tmp));
	igvm_sample_fix_checksum(s.data, s.size);
	EXPECT_OK(digest_of(&s, got, NULL));
	EXPECT_NE(memcmp(base, got, 48), 0);
	memcpy(p1, p0, sizeof(tmp));
	memcpy(p0, tmp, sizeof(tmp));
	/* A zero page moved to a free GPA. */
	p0 = igvm_sample_payload(&s, SAMPLE_PAGE3);
	memcpy(&pd, p0, sizeof(pd));
	pd.gpa = 0x14000;
	memcpy(p0, &pd, sizeof(pd));
	igvm_sample_fix_checksum(s.data, s.size);
	EXPECT_OK(digest_of(&s, got, NULL));
	EXPECT_NE(memcmp(base, got, 48), 0);
	igvm_sample_free(&s);
}

TEST(snp_digest, snp_vmsa_is_measured)
{
	struct igvm_sample s;
	struct igvm_vp_context vc;
	struct ref_chain ref;
	uint8_t got[48];
	uint8_t *p;

	ASSERT_OK(igvm_sample_build(&s));
	/* VP 1's context becomes an SNP VMSA (the page is just bytes). */
	p = igvm_sample_payload(&s, SAMPLE_VP1);
	memcpy(&vc, p, sizeof(vc));
	vc.compatibility_mask = SAMPLE_MASK_SNP;
	vc.vp_index = 0;
	vc.gpa = 0xFFFFFFFFF000ULL;
	memcpy(p, &vc, sizeof(vc));
	igvm_sample_fix_checksum(s.data, s.size);
	ref_sample(&ref, &s);
	ref_add(&ref, 2, 0xFFFFFFFFF000ULL, s.data + vc.file_offset);
	ASSERT_OK(digest_of(&s, got, NULL));
	EXPECT_MEMEQ(got, ref.digest, 48);
	igvm_sample_free(&s);
}

TEST(snp_digest, no_snp_platform_is_refused)
{
	struct igvm_sample s;
	struct igvm_file f;
	uint8_t got[48];
	char why[256] = "";

	ASSERT_OK(igvm_sample_build(&s));
	/* Declare the SNP platform's bit as TDX instead. */
	igvm_sample_payload(&s, SAMPLE_PLAT_SNP)[5] = IGVM_PLATFORM_TDX;
	igvm_sample_fix_checksum(s.data, s.size);
	ASSERT_OK(igvm_file_parse(&f, s.data, s.size, why, sizeof(why)));
	EXPECT_ERR(snp_digest_compute(&f, got, NULL, why, sizeof(why)),
		   SVSM_ERR_INVAL);
	EXPECT_STREQ(why, "no SEV-SNP platform");
	igvm_sample_free(&s);
}
