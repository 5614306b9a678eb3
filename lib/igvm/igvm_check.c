// SPDX-License-Identifier: MIT
/*
 * The per-type checks of the IGVM reader: each known variable header has
 * an exact payload size and one function here that checks its fields
 * (compatibility masks, alignment, flags, reserved fields, file offsets,
 * parameter-area bookkeeping). Layouts are in uapi/svsm/igvm.h; the rules
 * are those of Microsoft's IGVM library plus csvsm's stricter ones (no
 * 2 MiB pages, no overlapping pages, every area inserted exactly once).
 */
#include <stddef.h>
#include <string.h>

#include "igvm_file.h"
#include "igvm_internal.h"

#define PAGE_MASK ((uint64_t)IGVM_PAGE_SIZE - 1)

/** What the reader knows about one type code. */
struct type_desc {
	uint32_t type;
	uint32_t length;    /**< exact payload bytes */
	uint32_t param_min; /**< for IGVM_VHS_PARAMETER types: bytes written */
	const char *name;
};

static const struct type_desc TYPES[] = {
	{ IGVM_VHT_SUPPORTED_PLATFORM, 16, 0, "SUPPORTED_PLATFORM" },
	{ IGVM_VHT_GUEST_POLICY, 16, 0, "GUEST_POLICY" },
	{ IGVM_VHT_RELOCATABLE_REGION, 48, 0, "RELOCATABLE_REGION" },
	{ IGVM_VHT_PAGE_TABLE_RELOCATION_REGION, 32, 0,
	  "PAGE_TABLE_RELOCATION_REGION" },
	{ IGVM_VHT_PARAMETER_AREA, 16, 0, "PARAMETER_AREA" },
	{ IGVM_VHT_PAGE_DATA, 24, 0, "PAGE_DATA" },
	{ IGVM_VHT_PARAMETER_INSERT, 16, 0, "PARAMETER_INSERT" },
	{ IGVM_VHT_VP_CONTEXT, 20, 0, "VP_CONTEXT" },
	{ IGVM_VHT_REQUIRED_MEMORY, 24, 0, "REQUIRED_MEMORY" },
	{ IGVM_VHT_VP_COUNT_PARAMETER, 8, IGVM_VP_COUNT_SIZE,
	  "VP_COUNT_PARAMETER" },
	{ IGVM_VHT_SRAT, 8, IGVM_ACPI_TABLE_HEADER_SIZE, "SRAT" },
	{ IGVM_VHT_MADT, 8, IGVM_ACPI_TABLE_HEADER_SIZE, "MADT" },
	{ IGVM_VHT_MMIO_RANGES, 8, IGVM_MMIO_RANGES_SIZE, "MMIO_RANGES" },
	{ IGVM_VHT_SNP_ID_BLOCK, IGVM_SNP_ID_BLOCK_SIZE, 0, "SNP_ID_BLOCK" },
	{ IGVM_VHT_MEMORY_MAP, 8, IGVM_MEMORY_MAP_MIN_SIZE, "MEMORY_MAP" },
	{ IGVM_VHT_ERROR_RANGE, 16, 0, "ERROR_RANGE" },
	{ IGVM_VHT_COMMAND_LINE, 8, IGVM_COMMAND_LINE_MIN_SIZE,
	  "COMMAND_LINE" },
	{ IGVM_VHT_SLIT, 8, IGVM_ACPI_TABLE_HEADER_SIZE, "SLIT" },
	{ IGVM_VHT_PPTT, 8, IGVM_ACPI_TABLE_HEADER_SIZE, "PPTT" },
	{ IGVM_VHT_VBS_MEASUREMENT, IGVM_VBS_MEASUREMENT_SIZE, 0,
	  "VBS_MEASUREMENT" },
	{ IGVM_VHT_DEVICE_TREE, 8, IGVM_FDT_HEADER_SIZE, "DEVICE_TREE" },
	{ IGVM_VHT_ENVIRONMENT_INFO_PARAMETER, 8, IGVM_ENVIRONMENT_INFO_SIZE,
	  "ENVIRONMENT_INFO_PARAMETER" },
};

static const char *const PLATFORM_NAMES[] = {
	[IGVM_PLATFORM_NATIVE] = "NATIVE",
	[IGVM_PLATFORM_VSM_ISOLATION] = "VSM_ISOLATION",
	[IGVM_PLATFORM_SEV_SNP] = "SEV_SNP",
	[IGVM_PLATFORM_TDX] = "TDX",
	[IGVM_PLATFORM_SEV] = "SEV",
	[IGVM_PLATFORM_SEV_ES] = "SEV_ES",
	[IGVM_PLATFORM_CCA] = "CCA",
};

#define PLATFORM_TYPE_COUNT (sizeof(PLATFORM_NAMES) / sizeof(PLATFORM_NAMES[0]))

static const struct type_desc *find_type(uint32_t type)
{
	for (size_t i = 0; i < sizeof(TYPES) / sizeof(TYPES[0]); i++) {
		if (TYPES[i].type == type) {
			return &TYPES[i];
		}
	}
	return NULL;
}

/** Returns a short name for a type code ("PAGE_DATA"), or "UNKNOWN". */
const char *igvm_type_name(uint32_t type)
{
	const struct type_desc *d = find_type(type & IGVM_VHT_TYPE_MASK);

	return d != NULL ? d->name : "UNKNOWN";
}

/** Returns a short name for a platform type ("SEV_SNP"), or "UNKNOWN". */
const char *igvm_platform_name(uint8_t platform_type)
{
	if (platform_type >= PLATFORM_TYPE_COUNT) {
		return "UNKNOWN";
	}
	return PLATFORM_NAMES[platform_type];
}

static bool is_page_aligned(uint64_t v)
{
	return (v & PAGE_MASK) == 0;
}

/** Returns whether [gpa, gpa + size) wraps past the top of the space. */
static bool wraps(uint64_t gpa, uint64_t size)
{
	return size != 0 && size - 1 > UINT64_MAX - gpa;
}

/** A later structure's mask: non-zero and only declared platforms. */
static enum svsm_err SVSM_MUST_CHECK check_mask(struct igvm_parser *p,
						const struct igvm_entry *e,
						uint32_t mask)
{
	if (mask == 0) {
		return igvm_fail(p, e->offset,
				 "%s has a zero compatibility mask",
				 igvm_type_name(e->type));
	}
	if ((mask & ~p->declared_mask) != 0) {
		return igvm_fail(p, e->offset,
				 "%s compatibility mask 0x%x names undeclared "
				 "platforms (declared 0x%x)",
				 igvm_type_name(e->type), mask,
				 p->declared_mask);
	}
	return SVSM_OK;
}

static enum svsm_err SVSM_MUST_CHECK fail_reserved(struct igvm_parser *p,
						   const struct igvm_entry *e)
{
	return igvm_fail(p, e->offset, "%s reserved field is not zero",
			 igvm_type_name(e->type));
}

/** SUPPORTED_PLATFORM: one mask bit, unique mask and type, version 1. */
static enum svsm_err SVSM_MUST_CHECK check_platform(struct igvm_parser *p,
						    const struct igvm_entry *e)
{
	struct igvm_supported_platform sp;
	struct igvm_platform_info *info;
	uint32_t m;

	memcpy(&sp, e->payload, sizeof(sp));
	m = sp.compatibility_mask;
	if (m == 0 || (m & (m - 1)) != 0) {
		return igvm_fail(p, e->offset,
				 "platform compatibility mask 0x%x must have "
				 "exactly one bit set",
				 m);
	}
	if ((m & p->declared_mask) != 0) {
		return igvm_fail(p, e->offset,
				 "duplicate platform compatibility mask 0x%x",
				 m);
	}
	if (sp.platform_type >= PLATFORM_TYPE_COUNT) {
		return igvm_fail(p, e->offset, "unknown platform type %u",
				 sp.platform_type);
	}
	if (igvm_file_platform(&p->file, sp.platform_type) != NULL) {
		return igvm_fail(p, e->offset, "duplicate platform type %s",
				 igvm_platform_name(sp.platform_type));
	}
	if (sp.platform_version != IGVM_PLATFORM_VERSION) {
		return igvm_fail(p, e->offset, "platform version %u (want %u)",
				 sp.platform_version, IGVM_PLATFORM_VERSION);
	}
	if (p->file.platform_count == IGVM_MAX_PLATFORMS) {
		return igvm_fail(p, e->offset, "more than %u platforms",
				 IGVM_MAX_PLATFORMS);
	}
	info = &p->file.platforms[p->file.platform_count++];
	info->compatibility_mask = m;
	info->platform_type = sp.platform_type;
	info->highest_vtl = sp.highest_vtl;
	info->shared_gpa_boundary = sp.shared_gpa_boundary;
	p->declared_mask |= m;
	return SVSM_OK;
}

/** GUEST_POLICY: mask and reserved field. */
static enum svsm_err SVSM_MUST_CHECK check_policy(struct igvm_parser *p,
						  const struct igvm_entry *e)
{
	struct igvm_guest_policy gp;

	memcpy(&gp, e->payload, sizeof(gp));
	if (gp.reserved != 0) {
		return fail_reserved(p, e);
	}
	return check_mask(p, e, gp.compatibility_mask);
}

/** Fails if [gpa, gpa + size) wraps, naming the entry's type. */
static enum svsm_err SVSM_MUST_CHECK check_wrap(struct igvm_parser *p,
						const struct igvm_entry *e,
						uint64_t gpa, uint64_t size)
{
	if (wraps(gpa, size)) {
		return igvm_fail(p, e->offset,
				 "%s gpa 0x%llx + 0x%llx wraps around the "
				 "address space",
				 igvm_type_name(e->type),
				 (unsigned long long)gpa,
				 (unsigned long long)size);
	}
	return SVSM_OK;
}

/** RELOCATABLE_REGION: mask, known flags, a non-wrapping region. */
static enum svsm_err SVSM_MUST_CHECK check_reloc(struct igvm_parser *p,
						 const struct igvm_entry *e)
{
	struct igvm_relocatable_region r;
	enum svsm_err err;

	memcpy(&r, e->payload, sizeof(r));
	if ((r.flags & ~IGVM_RELOC_FLAGS_ALL) != 0) {
		return igvm_fail(p, e->offset,
				 "RELOCATABLE_REGION has unknown flags 0x%x",
				 r.flags);
	}
	err = check_wrap(p, e, r.relocation_region_gpa,
			 r.relocation_region_size);
	if (err != SVSM_OK) {
		return err;
	}
	return check_mask(p, e, r.compatibility_mask);
}

/** PAGE_TABLE_RELOCATION_REGION: mask, reserved field, no wrap. */
static enum svsm_err SVSM_MUST_CHECK check_pt_reloc(struct igvm_parser *p,
						    const struct igvm_entry *e)
{
	struct igvm_page_table_relocation r;
	enum svsm_err err;

	memcpy(&r, e->payload, sizeof(r));
	if (r.reserved != 0) {
		return fail_reserved(p, e);
	}
	err = check_wrap(p, e, r.gpa, r.size);
	if (err != SVSM_OK) {
		return err;
	}
	return check_mask(p, e, r.compatibility_mask);
}

/** PARAMETER_AREA: size, a new index below the limit, its initial data. */
static enum svsm_err SVSM_MUST_CHECK check_area(struct igvm_parser *p,
						const struct igvm_entry *e)
{
	struct igvm_parameter_area a;
	struct igvm_area_state *st;

	memcpy(&a, e->payload, sizeof(a));
	if (a.number_of_bytes == 0 || !is_page_aligned(a.number_of_bytes)) {
		return igvm_fail(p, e->offset,
				 "parameter area size 0x%llx is not a non-zero "
				 "multiple of 4 KiB",
				 (unsigned long long)a.number_of_bytes);
	}
	if (a.parameter_area_index >= IGVM_MAX_PARAM_AREAS) {
		return igvm_fail(p, e->offset,
				 "parameter area index %u is not below %u",
				 a.parameter_area_index, IGVM_MAX_PARAM_AREAS);
	}
	st = &p->areas[a.parameter_area_index];
	if (st->is_declared) {
		return igvm_fail(p, e->offset,
				 "parameter area %u already declared at "
				 "offset 0x%x",
				 a.parameter_area_index, st->offset);
	}
	if (a.file_offset != 0 &&
	    !igvm_in_data(p, a.file_offset, a.number_of_bytes)) {
		return igvm_fail(p, e->offset,
				 "parameter area file_offset 0x%x: 0x%llx "
				 "bytes are not inside the file data region",
				 a.file_offset,
				 (unsigned long long)a.number_of_bytes);
	}
	st->is_declared = true;
	st->size = a.number_of_bytes;
	st->offset = e->offset;
	return SVSM_OK;
}

/** PAGE_DATA: one 4 KiB page with known flags and type. */
static enum svsm_err SVSM_MUST_CHECK check_page(struct igvm_parser *p,
						const struct igvm_entry *e)
{
	struct igvm_page_data pd;
	enum svsm_err err;

	memcpy(&pd, e->payload, sizeof(pd));
	err = check_mask(p, e, pd.compatibility_mask);
	if (err != SVSM_OK) {
		return err;
	}
	if (!is_page_aligned(pd.gpa)) {
		return igvm_fail(p, e->offset,
				 "PAGE_DATA gpa 0x%llx is not 4 KiB aligned",
				 (unsigned long long)pd.gpa);
	}
	if ((pd.flags & IGVM_PAGE_DATA_FLAG_2MB) != 0) {
		return igvm_fail(p, e->offset,
				 "2 MiB PAGE_DATA is not supported");
	}
	if ((pd.flags & ~IGVM_PAGE_DATA_FLAGS_ALL) != 0) {
		return igvm_fail(p, e->offset, "unknown PAGE_DATA flags 0x%x",
				 pd.flags);
	}
	if (pd.data_type > IGVM_PAGE_DATA_TYPE_CPUID_XF) {
		return igvm_fail(p, e->offset, "unknown PAGE_DATA data type %u",
				 pd.data_type);
	}
	if (pd.reserved != 0) {
		return fail_reserved(p, e);
	}
	if (pd.file_offset != 0 &&
	    !igvm_in_data(p, pd.file_offset, IGVM_PAGE_SIZE)) {
		return igvm_fail(p, e->offset,
				 "PAGE_DATA file_offset 0x%x is not a full "
				 "4 KiB page inside the file data region",
				 pd.file_offset);
	}
	return igvm_add_ranges(p, pd.compatibility_mask, pd.gpa, 1, e);
}

/**
 * Returns the declared, not yet inserted area `index`; or NULL after
 * writing the reason (naming entry `e`) for the caller to return INVAL.
 */
static struct igvm_area_state *
live_area(struct igvm_parser *p, const struct igvm_entry *e, uint32_t index)
{
	struct igvm_area_state *st;

	if (index >= IGVM_MAX_PARAM_AREAS || !p->areas[index].is_declared) {
		igvm_why(p, e->offset,
			 "%s refers to undeclared parameter area %u",
			 igvm_type_name(e->type), index);
		return NULL;
	}
	st = &p->areas[index];
	if (st->is_inserted) {
		igvm_why(p, e->offset,
			 "%s uses parameter area %u, already inserted",
			 igvm_type_name(e->type), index);
		return NULL;
	}
	return st;
}

/** PARAMETER_INSERT: a declared area, once, at an aligned gpa. */
static enum svsm_err SVSM_MUST_CHECK check_insert(struct igvm_parser *p,
						  const struct igvm_entry *e)
{
	struct igvm_parameter_insert pi;
	struct igvm_area_state *st;
	enum svsm_err err;

	memcpy(&pi, e->payload, sizeof(pi));
	err = check_mask(p, e, pi.compatibility_mask);
	if (err != SVSM_OK) {
		return err;
	}
	st = live_area(p, e, pi.parameter_area_index);
	if (st == NULL) {
		return SVSM_ERR_INVAL;
	}
	if (!is_page_aligned(pi.gpa)) {
		return igvm_fail(p, e->offset,
				 "PARAMETER_INSERT gpa 0x%llx is not 4 KiB "
				 "aligned",
				 (unsigned long long)pi.gpa);
	}
	err = check_wrap(p, e, pi.gpa, st->size);
	if (err != SVSM_OK) {
		return err;
	}
	st->is_inserted = true;
	return igvm_add_ranges(p, pi.compatibility_mask, pi.gpa,
			       st->size / IGVM_PAGE_SIZE, e);
}

/** VP_COUNT, MEMORY_MAP, ...: a live area with room for the value. */
static enum svsm_err SVSM_MUST_CHECK check_parameter(struct igvm_parser *p,
						     const struct igvm_entry *e,
						     uint32_t need)
{
	struct igvm_parameter prm;
	struct igvm_area_state *st;

	memcpy(&prm, e->payload, sizeof(prm));
	st = live_area(p, e, prm.parameter_area_index);
	if (st == NULL) {
		return SVSM_ERR_INVAL;
	}
	if ((uint64_t)prm.byte_offset + need > st->size) {
		return igvm_fail(p, e->offset,
				 "%s byte_offset 0x%x + %u bytes lies outside "
				 "parameter area %u (0x%llx bytes)",
				 igvm_type_name(e->type), prm.byte_offset, need,
				 prm.parameter_area_index,
				 (unsigned long long)st->size);
	}
	return SVSM_OK;
}

/**
 * The NATIVE context page: format version 2 only (Microsoft's library
 * keeps the structure behind its unstable feature), reserved fields zero,
 * and nothing but zeros after the structure.
 */
static enum svsm_err SVSM_MUST_CHECK check_native_context(
	struct igvm_parser *p, const struct igvm_entry *e, uint32_t file_offset)
{
	const uint8_t *page = p->file.data + file_offset;
	struct igvm_native_vp_context_x64 ctx;

	if (p->file.format_version != IGVM_FORMAT_VERSION_2) {
		return igvm_fail(p, e->offset,
				 "a NATIVE VP_CONTEXT needs format version 2");
	}
	memcpy(&ctx, page, sizeof(ctx));
	if (ctx.reserved[0] != 0 || ctx.reserved[1] != 0) {
		return igvm_fail(p, e->offset,
				 "native context reserved field is not zero");
	}
	for (uint32_t i = sizeof(ctx); i < IGVM_PAGE_SIZE; i++) {
		if (page[i] != 0) {
			return igvm_fail(p, e->offset,
					 "non-zero byte at +0x%x after the "
					 "native context",
					 i);
		}
	}
	return SVSM_OK;
}

/** Applies the per-platform VP_CONTEXT rules for each platform of `mask`. */
static enum svsm_err SVSM_MUST_CHECK
check_context_platforms(struct igvm_parser *p, const struct igvm_entry *e,
			const struct igvm_vp_context *vc)
{
	enum svsm_err err = SVSM_OK;

	for (uint32_t i = 0; i < p->file.platform_count && err == SVSM_OK;
	     i++) {
		const struct igvm_platform_info *pl = &p->file.platforms[i];

		if ((vc->compatibility_mask & pl->compatibility_mask) == 0) {
			continue;
		}
		if (pl->platform_type == IGVM_PLATFORM_TDX) {
			return igvm_fail(p, e->offset,
					 "VP_CONTEXT is not valid for TDX");
		}
		if (pl->platform_type == IGVM_PLATFORM_NATIVE) {
			err = check_native_context(p, e, vc->file_offset);
		}
		if (err == SVSM_OK) {
			err = igvm_mark_vp(p, i, vc->vp_index, e);
		}
	}
	return err;
}

/** VP_CONTEXT: one page of context data, one per (platform, vp_index). */
static enum svsm_err SVSM_MUST_CHECK
check_vp_context(struct igvm_parser *p, const struct igvm_entry *e)
{
	struct igvm_vp_context vc;
	enum svsm_err err;

	memcpy(&vc, e->payload, sizeof(vc));
	err = check_mask(p, e, vc.compatibility_mask);
	if (err != SVSM_OK) {
		return err;
	}
	if (vc.reserved != 0) {
		return fail_reserved(p, e);
	}
	if (!is_page_aligned(vc.gpa)) {
		return igvm_fail(p, e->offset,
				 "VP_CONTEXT gpa 0x%llx is not 4 KiB aligned",
				 (unsigned long long)vc.gpa);
	}
	if (!igvm_in_data(p, vc.file_offset, IGVM_PAGE_SIZE)) {
		return igvm_fail(p, e->offset,
				 "VP_CONTEXT file_offset 0x%x is not a full "
				 "4 KiB page inside the file data region",
				 vc.file_offset);
	}
	return check_context_platforms(p, e, &vc);
}

/** REQUIRED_MEMORY: an aligned, non-empty, non-wrapping range. */
static enum svsm_err SVSM_MUST_CHECK check_required(struct igvm_parser *p,
						    const struct igvm_entry *e)
{
	struct igvm_required_memory rm;
	enum svsm_err err;

	memcpy(&rm, e->payload, sizeof(rm));
	if (rm.reserved != 0) {
		return fail_reserved(p, e);
	}
	if ((rm.flags & ~IGVM_REQUIRED_MEMORY_FLAG_VTL2_PROTECTABLE) != 0) {
		return igvm_fail(p, e->offset,
				 "REQUIRED_MEMORY has unknown flags 0x%x",
				 rm.flags);
	}
	if (!is_page_aligned(rm.gpa) || rm.number_of_bytes == 0 ||
	    !is_page_aligned(rm.number_of_bytes)) {
		return igvm_fail(p, e->offset,
				 "REQUIRED_MEMORY gpa 0x%llx size 0x%x is not "
				 "a 4 KiB aligned, non-zero size range",
				 (unsigned long long)rm.gpa,
				 rm.number_of_bytes);
	}
	err = check_wrap(p, e, rm.gpa, rm.number_of_bytes);
	if (err != SVSM_OK) {
		return err;
	}
	return check_mask(p, e, rm.compatibility_mask);
}

/** One ID block key: ECDSA P-384 with SHA-384, reserved field zero. */
static enum svsm_err SVSM_MUST_CHECK check_id_key(
	struct igvm_parser *p, const struct igvm_entry *e, const char *which,
	uint32_t algo, const struct igvm_snp_id_public_key *key)
{
	if (algo != IGVM_SNP_ID_KEY_ALGO_ECDSA_P384_SHA384) {
		return igvm_fail(p, e->offset,
				 "SNP_ID_BLOCK %s key algorithm %u is not "
				 "ECDSA P-384 SHA-384 (1)",
				 which, algo);
	}
	if (key->curve != IGVM_SNP_ID_CURVE_P384) {
		return igvm_fail(p, e->offset,
				 "SNP_ID_BLOCK %s key curve %u is not "
				 "P-384 (2)",
				 which, key->curve);
	}
	if (key->reserved != 0) {
		return fail_reserved(p, e);
	}
	return SVSM_OK;
}

/**
 * SNP_ID_BLOCK: reserved bytes zero, an ECDSA P-384 ID key, and an
 * author key only if author_key_enabled (0 or 1) says so.
 */
static enum svsm_err SVSM_MUST_CHECK check_id_block(struct igvm_parser *p,
						    const struct igvm_entry *e)
{
	struct igvm_snp_id_block b;
	enum svsm_err err;

	memcpy(&b, e->payload, sizeof(b));
	for (uint32_t i = 0; i < IGVM_SNP_ID_BLOCK_RESERVED_SIZE; i++) {
		if (b.reserved[i] != 0) {
			return fail_reserved(p, e);
		}
	}
	if (b.author_key_enabled > 1) {
		return igvm_fail(p, e->offset,
				 "SNP_ID_BLOCK author_key_enabled %u is not "
				 "0 or 1",
				 b.author_key_enabled);
	}
	err = check_id_key(p, e, "ID", b.id_key_algorithm, &b.id_public_key);
	if (err == SVSM_OK && b.author_key_enabled != 0) {
		err = check_id_key(p, e, "author", b.author_key_algorithm,
				   &b.author_public_key);
	}
	if (err != SVSM_OK) {
		return err;
	}
	return check_mask(p, e, b.compatibility_mask);
}

/** VBS_MEASUREMENT: opaque but for the leading mask. */
static enum svsm_err SVSM_MUST_CHECK check_opaque(struct igvm_parser *p,
						  const struct igvm_entry *e)
{
	uint32_t mask;

	memcpy(&mask, e->payload, sizeof(mask));
	return check_mask(p, e, mask);
}

/** ERROR_RANGE: mask and a non-wrapping range. */
static enum svsm_err SVSM_MUST_CHECK
check_error_range(struct igvm_parser *p, const struct igvm_entry *e)
{
	struct igvm_error_range er;
	enum svsm_err err;

	memcpy(&er, e->payload, sizeof(er));
	err = check_wrap(p, e, er.gpa, er.size_bytes);
	if (err != SVSM_OK) {
		return err;
	}
	return check_mask(p, e, er.compatibility_mask);
}

/** Dispatches a known, correctly sized entry to its type's check. */
static enum svsm_err SVSM_MUST_CHECK check_known(struct igvm_parser *p,
						 const struct igvm_entry *e)
{
	switch (e->type) {
	case IGVM_VHT_SUPPORTED_PLATFORM:
		return check_platform(p, e);
	case IGVM_VHT_GUEST_POLICY:
		return check_policy(p, e);
	case IGVM_VHT_RELOCATABLE_REGION:
		return check_reloc(p, e);
	case IGVM_VHT_PAGE_TABLE_RELOCATION_REGION:
		return check_pt_reloc(p, e);
	case IGVM_VHT_PARAMETER_AREA:
		return check_area(p, e);
	case IGVM_VHT_PAGE_DATA:
		return check_page(p, e);
	case IGVM_VHT_PARAMETER_INSERT:
		return check_insert(p, e);
	case IGVM_VHT_VP_CONTEXT:
		return check_vp_context(p, e);
	case IGVM_VHT_REQUIRED_MEMORY:
		return check_required(p, e);
	case IGVM_VHT_ERROR_RANGE:
		return check_error_range(p, e);
	case IGVM_VHT_SNP_ID_BLOCK:
		return check_id_block(p, e);
	default:
		return check_opaque(p, e);
	}
}

/**
 * Checks one entry: unknown types pass only when optional; known types
 * must have their exact payload size and then pass their type's rules.
 */
enum svsm_err igvm_check_entry(struct igvm_parser *p,
			       const struct igvm_entry *e)
{
	const struct type_desc *d = find_type(e->type);

	if (d == NULL) {
		if (e->is_optional) {
			return SVSM_OK;
		}
		return igvm_fail(p, e->offset,
				 "unknown variable header type 0x%x", e->type);
	}
	if (e->length != d->length) {
		return igvm_fail(p, e->offset, "%s payload length %u, want %u",
				 d->name, e->length, d->length);
	}
	if (d->param_min != 0) {
		return check_parameter(p, e, d->param_min);
	}
	return check_known(p, e);
}
