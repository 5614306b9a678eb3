// SPDX-License-Identifier: MIT
/*
 * The SEV-SNP launch digest (see snp_digest.h and docs/MEASURE.md). The
 * digest starts as 48 zero bytes; each 4 KiB page the host hands to
 * SNP_LAUNCH_UPDATE replaces it with SHA-384 of a PAGE_INFO record that
 * holds the previous digest, the page's contents digest, its type and its
 * GPA. The directives are taken in file order, and only those whose
 * compatibility mask has the SNP platform's bit. The file has passed every
 * check of lib/igvm before this runs; page pointers still come from
 * igvm_file_page(), which bounds them again.
 */
#include "snp_digest.h"

#include <stdio.h>
#include <string.h>

#include "svsm/sha2.h"

/* PAGE_INFO field offsets. */
#define PI_DIGEST_CUR 0x00U
#define PI_CONTENTS 0x30U
#define PI_LENGTH 0x60U
#define PI_PAGE_TYPE 0x62U
#define PI_GPA 0x68U

#define PAGES_PER_2MB 512U

/** The running digest, what went into it, and the walk's context. */
struct snp_chain {
	uint8_t digest[SNP_DIGEST_SIZE];
	struct snp_digest_stats stats;
	const struct igvm_file *file;
	uint32_t mask; /**< the SNP platform's compatibility bit */
	uint64_t area_size[IGVM_MAX_PARAM_AREAS]; /**< declared areas */
	char *why;
	size_t why_size;
};

static void put_le64(uint8_t *p, uint64_t v)
{
	for (unsigned int i = 0; i < 8; i++) {
		p[i] = (uint8_t)(v >> (8 * i));
	}
}

void snp_page_info(uint8_t out[SNP_PAGE_INFO_SIZE],
		   const uint8_t digest[SNP_DIGEST_SIZE],
		   const uint8_t *contents, uint8_t page_type, uint64_t gpa)
{
	memset(out, 0, SNP_PAGE_INFO_SIZE);
	memcpy(out + PI_DIGEST_CUR, digest, SNP_DIGEST_SIZE);
	if (contents != NULL) {
		memcpy(out + PI_CONTENTS, contents, SNP_DIGEST_SIZE);
	}
	out[PI_LENGTH] = (uint8_t)SNP_PAGE_INFO_SIZE;
	out[PI_LENGTH + 1] = 0;
	out[PI_PAGE_TYPE] = page_type;
	put_le64(out + PI_GPA, gpa);
}

/**
 * Folds one page into the chain. `page` is the 4 KiB of data whose
 * SHA-384 is the contents field (NORMAL and VMSA), NULL for the types
 * whose contents field is zero.
 */
static void chain_page(struct snp_chain *c, uint8_t page_type, uint64_t gpa,
		       const uint8_t *page)
{
	uint8_t info[SNP_PAGE_INFO_SIZE];
	uint8_t contents[SNP_DIGEST_SIZE];

	if (page != NULL) {
		sha384(page, IGVM_PAGE_SIZE, contents);
	}
	snp_page_info(info, c->digest, page != NULL ? contents : NULL,
		      page_type, gpa);
	sha384(info, sizeof(info), c->digest);
	c->stats.type_count[page_type]++;
}

/** The page type of a PAGE_DATA entry on SNP. */
static uint8_t page_data_type(const struct igvm_page_data *pd)
{
	switch (pd->data_type) {
	case IGVM_PAGE_DATA_TYPE_SECRETS:
		return SNP_PAGE_TYPE_SECRETS;
	case IGVM_PAGE_DATA_TYPE_CPUID_DATA:
	case IGVM_PAGE_DATA_TYPE_CPUID_XF:
		return SNP_PAGE_TYPE_CPUID;
	default:
		break;
	}
	if ((pd->flags & IGVM_PAGE_DATA_FLAG_UNMEASURED) != 0) {
		return SNP_PAGE_TYPE_UNMEASURED;
	}
	return pd->file_offset == 0 ? SNP_PAGE_TYPE_ZERO : SNP_PAGE_TYPE_NORMAL;
}

/** PAGE_DATA: one 4 KiB page, or a 2 MiB page as 512 of them. */
static enum svsm_err SVSM_MUST_CHECK
chain_page_data(struct snp_chain *c, const struct igvm_page_data *pd)
{
	uint8_t type = page_data_type(pd);
	uint32_t count =
		(pd->flags & IGVM_PAGE_DATA_FLAG_2MB) != 0 ? PAGES_PER_2MB : 1U;

	for (uint32_t i = 0; i < count; i++) {
		uint64_t gpa = pd->gpa + (uint64_t)i * IGVM_PAGE_SIZE;
		const uint8_t *page = NULL;

		if (type == SNP_PAGE_TYPE_NORMAL) {
			uint64_t off = (uint64_t)pd->file_offset +
				       (uint64_t)i * IGVM_PAGE_SIZE;

			page = off <= UINT32_MAX
				       ? igvm_file_page(c->file, (uint32_t)off)
				       : NULL;
			if (page == NULL) {
				(void)snprintf(c->why, c->why_size,
					       "PAGE_DATA at gpa 0x%llx has no "
					       "data in the file",
					       (unsigned long long)gpa);
				return SVSM_ERR_INVAL;
			}
		}
		chain_page(c, type, gpa, page);
	}
	return SVSM_OK;
}

/** Fails the walk with `msg` about parameter area `index`. */
static enum svsm_err SVSM_MUST_CHECK bad_area(struct snp_chain *c,
					      uint32_t index)
{
	(void)snprintf(c->why, c->why_size, "parameter area %u out of range",
		       index);
	return SVSM_ERR_INVAL;
}

/** PARAMETER_AREA: remembers the area's size for its insert. */
static enum svsm_err SVSM_MUST_CHECK note_area(struct snp_chain *c,
					       const struct igvm_entry *e)
{
	struct igvm_parameter_area a;

	memcpy(&a, e->payload, sizeof(a));
	if (a.parameter_area_index >= IGVM_MAX_PARAM_AREAS) {
		return bad_area(c, a.parameter_area_index);
	}
	c->area_size[a.parameter_area_index] = a.number_of_bytes;
	return SVSM_OK;
}

/** PARAMETER_INSERT: every page of the area is imported unmeasured. */
static enum svsm_err SVSM_MUST_CHECK chain_insert(struct snp_chain *c,
						  const struct igvm_entry *e)
{
	struct igvm_parameter_insert pi;
	uint64_t pages;

	memcpy(&pi, e->payload, sizeof(pi));
	if ((pi.compatibility_mask & c->mask) == 0) {
		return SVSM_OK;
	}
	if (pi.parameter_area_index >= IGVM_MAX_PARAM_AREAS) {
		return bad_area(c, pi.parameter_area_index);
	}
	pages = c->area_size[pi.parameter_area_index] / IGVM_PAGE_SIZE;
	for (uint64_t i = 0; i < pages; i++) {
		chain_page(c, SNP_PAGE_TYPE_UNMEASURED,
			   pi.gpa + i * IGVM_PAGE_SIZE, NULL);
	}
	return SVSM_OK;
}

/** VP_CONTEXT on SNP: the VMSA page, measured at its GPA. */
static enum svsm_err SVSM_MUST_CHECK chain_vmsa(struct snp_chain *c,
						const struct igvm_entry *e)
{
	struct igvm_vp_context vc;
	const uint8_t *page;

	memcpy(&vc, e->payload, sizeof(vc));
	if ((vc.compatibility_mask & c->mask) == 0) {
		return SVSM_OK;
	}
	page = igvm_file_page(c->file, vc.file_offset);
	if (page == NULL) {
		(void)snprintf(c->why, c->why_size,
			       "VP_CONTEXT of vp %u has no VMSA page in the "
			       "file",
			       vc.vp_index);
		return SVSM_ERR_INVAL;
	}
	chain_page(c, SNP_PAGE_TYPE_VMSA, vc.gpa, page);
	return SVSM_OK;
}

/** One variable header; the types that load no SNP page are skipped. */
static enum svsm_err SVSM_MUST_CHECK chain_entry(struct snp_chain *c,
						 const struct igvm_entry *e)
{
	struct igvm_page_data pd;

	switch (e->type) {
	case IGVM_VHT_PARAMETER_AREA:
		return note_area(c, e);
	case IGVM_VHT_PAGE_DATA:
		memcpy(&pd, e->payload, sizeof(pd));
		if ((pd.compatibility_mask & c->mask) == 0) {
			return SVSM_OK;
		}
		return chain_page_data(c, &pd);
	case IGVM_VHT_PARAMETER_INSERT:
		return chain_insert(c, e);
	case IGVM_VHT_VP_CONTEXT:
		return chain_vmsa(c, e);
	default:
		return SVSM_OK;
	}
}

enum svsm_err snp_digest_compute(const struct igvm_file *f,
				 uint8_t digest[SNP_DIGEST_SIZE],
				 struct snp_digest_stats *stats, char *why,
				 size_t why_size)
{
	const struct igvm_platform_info *snp =
		igvm_file_platform(f, IGVM_PLATFORM_SEV_SNP);
	struct snp_chain c;
	struct igvm_iter it;
	struct igvm_entry e;

	if (snp == NULL) {
		(void)snprintf(why, why_size, "no SEV-SNP platform");
		return SVSM_ERR_INVAL;
	}
	memset(&c, 0, sizeof(c));
	c.file = f;
	c.mask = snp->compatibility_mask;
	c.why = why;
	c.why_size = why_size;
	igvm_iter_init(&it, f);
	while (igvm_iter_next(&it, &e)) {
		enum svsm_err err = chain_entry(&c, &e);

		if (err != SVSM_OK) {
			return err;
		}
	}
	memcpy(digest, c.digest, SNP_DIGEST_SIZE);
	if (stats != NULL) {
		*stats = c.stats;
	}
	return SVSM_OK;
}
