// SPDX-License-Identifier: MIT
/*
 * The load plan of `csvsm run`. The IGVM entries of the native platform
 * are applied in file order: PAGE_DATA pages point into the file,
 * parameter areas get a private buffer that is filled (vCPU count, memory
 * map, command line) when PARAMETER_INSERT places it, and the VP_CONTEXT
 * gives the boot vCPU's registers. `loadplan_finish()` then checks the
 * whole plan against what QEMU's q35 machine really offers, because QEMU
 * itself silently drops blob bytes outside RAM and lets a blob overwrite
 * the reset shim (reference/qemu-tcg.md).
 */
#include "loadplan.h"

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "svsm/err.h"
#include "svsm/fmt.h"

#include "uapi/svsm/launch.h"

/* The shim reads the context through these offsets (shim.S). */
#define CTX_AT(field, off)                                                   \
	_Static_assert(offsetof(struct igvm_native_vp_context_x64, field) == \
			       (off),                                        \
		       "shim context offset of " #field)
CTX_AT(rax, SHIM_CTX_RAX);
CTX_AT(rcx, SHIM_CTX_RCX);
CTX_AT(rdx, SHIM_CTX_RDX);
CTX_AT(rbx, SHIM_CTX_RBX);
CTX_AT(rsp, SHIM_CTX_RSP);
CTX_AT(rbp, SHIM_CTX_RBP);
CTX_AT(rsi, SHIM_CTX_RSI);
CTX_AT(rdi, SHIM_CTX_RDI);
CTX_AT(r8, SHIM_CTX_R8);
CTX_AT(r9, SHIM_CTX_R9);
CTX_AT(r10, SHIM_CTX_R10);
CTX_AT(r11, SHIM_CTX_R11);
CTX_AT(r12, SHIM_CTX_R12);
CTX_AT(r13, SHIM_CTX_R13);
CTX_AT(r14, SHIM_CTX_R14);
CTX_AT(r15, SHIM_CTX_R15);
CTX_AT(rip, SHIM_CTX_RIP);
CTX_AT(rflags, SHIM_CTX_RFLAGS);
CTX_AT(gs_base, SHIM_CTX_GS_BASE);
CTX_AT(cr0, SHIM_CTX_CR0);
CTX_AT(cr3, SHIM_CTX_CR3);
CTX_AT(cr4, SHIM_CTX_CR4);
CTX_AT(efer, SHIM_CTX_EFER);
_Static_assert(SHIM_SEL_CODE64 == SVSM_SEL_CODE64, "launch.h selectors");
_Static_assert(SHIM_SEL_DATA == SVSM_SEL_DATA, "launch.h selectors");
_Static_assert(sizeof(struct igvm_native_vp_context_x64) <= SHIM_CTX_GDTR,
	       "the derived fields follow the native context");

#define KIB 1024ULL
#define MIB (1024ULL * KIB)
#define GIB (1024ULL * MIB)

/* q35 (QEMU 7.2 pc_q35_init): RAM split at 2 GiB once it reaches 2.75. */
#define Q35_SPLIT_THRESHOLD 0xB0000000ULL
#define Q35_LOWMEM_SPLIT 0x80000000ULL
#define LEGACY_HOLE_BASE 0xA0000ULL
#define LEGACY_HOLE_END 0x100000ULL
#define SHIM_LOW_ALIAS_BASE 0xE0000ULL
#define HIGH_RAM_BASE (4 * GIB)

#define X86_CR0_PE (1ULL << 0)
#define X86_CR0_PG (1ULL << 31)
#define X86_CR4_PAE (1ULL << 5)
#define X86_CR4_LA57 (1ULL << 12)
#define X86_CR4_SMEP (1ULL << 20)
#define X86_CR4_SMAP (1ULL << 21)
#define X86_EFER_LME (1ULL << 8)
#define X86_EFER_NXE (1ULL << 11)
#define PTE_P (1ULL << 0)
#define PTE_US (1ULL << 2)
#define PTE_PS (1ULL << 7)
#define PTE_NX (1ULL << 63)
#define PTE_ADDR_MASK 0x000FFFFFFFFFF000ULL

/** Writes a one-line reason to `why` and returns `err`. */
static enum svsm_err __attribute__((format(printf, 4, 5)))
fail(enum svsm_err err, char *why, size_t why_size, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	(void)fmt_vsnprintf(why, why_size, fmt, ap);
	va_end(ap);
	return err;
}

/** Fills `ram` with the layout q35 gives `-m ram_size`. */
void loadplan_ram_q35(struct loadplan_ram *ram, uint64_t ram_size)
{
	uint64_t lowmem =
		ram_size >= Q35_SPLIT_THRESHOLD ? Q35_LOWMEM_SPLIT : ram_size;
	uint32_t n = 0;

	memset(ram, 0, sizeof(*ram));
	ram->ram_size = ram_size;
	ram->ranges[n++] = (struct loadplan_range){
		0, lowmem < LEGACY_HOLE_BASE ? lowmem : LEGACY_HOLE_BASE
	};
	if (lowmem > LEGACY_HOLE_END) {
		ram->ranges[n++] =
			(struct loadplan_range){ LEGACY_HOLE_END,
						 lowmem - LEGACY_HOLE_END };
	}
	if (ram_size > lowmem) {
		ram->ranges[n++] = (struct loadplan_range){ HIGH_RAM_BASE,
							    ram_size - lowmem };
	}
	ram->range_count = n;
}

/** Writes the memory map of `ram` into `buf` (may be unaligned). */
enum svsm_err loadplan_memory_map(const struct loadplan_ram *ram, void *buf,
				  size_t buf_size)
{
	struct igvm_memory_map_entry e;
	uint8_t *p = buf;

	if ((ram->range_count + 1ULL) * sizeof(e) > buf_size) {
		return SVSM_ERR_RANGE;
	}
	for (uint32_t i = 0; i < ram->range_count; i++) {
		memset(&e, 0, sizeof(e));
		e.starting_gpa_page_number = ram->ranges[i].base >> 12;
		e.number_of_pages = ram->ranges[i].size >> 12;
		e.entry_type = IGVM_MEMORY_MAP_MEMORY;
		memcpy(p + i * sizeof(e), &e, sizeof(e));
	}
	memset(p + ram->range_count * sizeof(e), 0, sizeof(e));
	return SVSM_OK;
}

static bool ranges_overlap(uint64_t a, uint64_t a_size, uint64_t b,
			   uint64_t b_size)
{
	return a < b + b_size && b < a + a_size;
}

/** Checks that [gpa, gpa + size) may be loaded into the VM. */
enum svsm_err loadplan_check_range(const struct loadplan_ram *ram, uint64_t gpa,
				   uint64_t size, char *why, size_t why_size)
{
	const uint64_t shim_base = HIGH_RAM_BASE - SHIM_SIZE;

	if (size == 0 || gpa + size < gpa) {
		return fail(SVSM_ERR_RANGE, why, why_size,
			    "bad range at GPA 0x%llx", (unsigned long long)gpa);
	}
	if (ranges_overlap(gpa, size, shim_base, SHIM_SIZE) ||
	    ranges_overlap(gpa, size, SHIM_LOW_ALIAS_BASE,
			   LEGACY_HOLE_END - SHIM_LOW_ALIAS_BASE)) {
		return fail(SVSM_ERR_RANGE, why, why_size,
			    "GPA 0x%llx overlaps the reset shim ([0x%llx, 4 "
			    "GiB) and its alias [0xe0000, 0x100000))",
			    (unsigned long long)gpa,
			    (unsigned long long)shim_base);
	}
	if (ranges_overlap(gpa, size, LEGACY_HOLE_BASE,
			   LEGACY_HOLE_END - LEGACY_HOLE_BASE)) {
		return fail(SVSM_ERR_RANGE, why, why_size,
			    "GPA 0x%llx is in the legacy hole [0xa0000, "
			    "0x100000)",
			    (unsigned long long)gpa);
	}
	for (uint32_t i = 0; i < ram->range_count; i++) {
		const struct loadplan_range *r = &ram->ranges[i];

		if (gpa >= r->base && gpa - r->base <= r->size &&
		    size <= r->size - (gpa - r->base)) {
			return SVSM_OK;
		}
	}
	return fail(SVSM_ERR_RANGE, why, why_size,
		    "GPA 0x%llx is outside the RAM given to QEMU (-m %lluM)",
		    (unsigned long long)gpa,
		    (unsigned long long)(ram->ram_size / MIB));
}

/** Prepares an empty plan. */
enum svsm_err loadplan_init(struct loadplan *plan, const struct igvm_file *f,
			    const struct loadplan_config *cfg)
{
	memset(plan, 0, sizeof(*plan));
	plan->file = f;
	plan->cfg = *cfg;
	plan->areas = calloc(IGVM_MAX_PARAM_AREAS, sizeof(*plan->areas));
	plan->params = calloc(LOADPLAN_MAX_PARAMS, sizeof(*plan->params));
	if (plan->areas == NULL || plan->params == NULL) {
		loadplan_destroy(plan);
		return SVSM_ERR_NOMEM;
	}
	return SVSM_OK;
}

/** Frees what the plan owns; idempotent. */
void loadplan_destroy(struct loadplan *plan)
{
	if (plan->areas != NULL) {
		for (uint32_t i = 0; i < plan->area_count; i++) {
			free(plan->areas[i].buf);
		}
	}
	free(plan->areas);
	free(plan->params);
	free(plan->pages);
	free(plan->blobs);
	plan->areas = NULL;
	plan->params = NULL;
	plan->pages = NULL;
	plan->blobs = NULL;
	plan->area_count = 0;
	plan->param_count = 0;
	plan->page_count = 0;
	plan->page_cap = 0;
	plan->blob_count = 0;
}

static enum svsm_err add_page(struct loadplan *plan, uint64_t gpa,
			      const uint8_t *data)
{
	if (plan->page_count == plan->page_cap) {
		size_t cap = plan->page_cap == 0 ? 256 : plan->page_cap * 2;
		struct loadplan_page *p =
			realloc(plan->pages, cap * sizeof(*p));

		if (p == NULL) {
			return SVSM_ERR_NOMEM;
		}
		plan->pages = p;
		plan->page_cap = cap;
	}
	plan->pages[plan->page_count++] = (struct loadplan_page){ gpa, data };
	return SVSM_OK;
}

static enum svsm_err add_page_data(struct loadplan *plan,
				   const struct igvm_entry *e, char *why,
				   size_t why_size)
{
	struct igvm_page_data pd;
	const uint8_t *data = NULL;

	memcpy(&pd, e->payload, sizeof(pd));
	if ((pd.compatibility_mask & plan->cfg.platform_mask) == 0) {
		return SVSM_OK;
	}
	if (pd.file_offset != 0) {
		data = igvm_file_page(plan->file, pd.file_offset);
	}
	if ((pd.file_offset != 0 && data == NULL) ||
	    (pd.flags & IGVM_PAGE_DATA_FLAG_2MB) != 0 ||
	    pd.gpa % LOADPLAN_PAGE_SIZE != 0) {
		return fail(SVSM_ERR_INVAL, why, why_size,
			    "bad PAGE_DATA for GPA 0x%llx",
			    (unsigned long long)pd.gpa);
	}
	return add_page(plan, pd.gpa, data);
}

static struct loadplan_area *find_area(struct loadplan *plan, uint32_t index)
{
	for (uint32_t i = 0; i < plan->area_count; i++) {
		if (plan->areas[i].index == index) {
			return &plan->areas[i];
		}
	}
	return NULL;
}

static enum svsm_err add_param_area(struct loadplan *plan,
				    const struct igvm_entry *e, char *why,
				    size_t why_size)
{
	struct igvm_parameter_area pa;
	struct loadplan_area *a;

	memcpy(&pa, e->payload, sizeof(pa));
	if (find_area(plan, pa.parameter_area_index) != NULL ||
	    plan->area_count == IGVM_MAX_PARAM_AREAS) {
		return fail(SVSM_ERR_INVAL, why, why_size,
			    "parameter area %u declared twice or too many "
			    "areas",
			    pa.parameter_area_index);
	}
	if (pa.number_of_bytes == 0 ||
	    pa.number_of_bytes % LOADPLAN_PAGE_SIZE != 0 ||
	    pa.number_of_bytes > LOADPLAN_MAX_AREA_SIZE ||
	    pa.file_offset + pa.number_of_bytes > UINT32_MAX) {
		return fail(SVSM_ERR_INVAL, why, why_size,
			    "parameter area %u has a bad size (0x%llx)",
			    pa.parameter_area_index,
			    (unsigned long long)pa.number_of_bytes);
	}
	a = &plan->areas[plan->area_count];
	a->buf = calloc(1, pa.number_of_bytes);
	if (a->buf == NULL) {
		return SVSM_ERR_NOMEM;
	}
	for (uint64_t off = 0; pa.file_offset != 0 && off < pa.number_of_bytes;
	     off += LOADPLAN_PAGE_SIZE) {
		const uint8_t *src = igvm_file_page(
			plan->file, (uint32_t)(pa.file_offset + off));

		if (src == NULL) {
			free(a->buf);
			a->buf = NULL;
			return fail(SVSM_ERR_INVAL, why, why_size,
				    "parameter area %u data is outside the "
				    "file",
				    pa.parameter_area_index);
		}
		memcpy(a->buf + off, src, LOADPLAN_PAGE_SIZE);
	}
	a->index = pa.parameter_area_index;
	a->size = pa.number_of_bytes;
	a->is_inserted = false;
	plan->area_count++;
	return SVSM_OK;
}

/** True for the parameter types this loader knows how to fill. */
static bool is_param_filled(uint32_t type)
{
	return type == IGVM_VHT_VP_COUNT_PARAMETER ||
	       type == IGVM_VHT_MEMORY_MAP || type == IGVM_VHT_COMMAND_LINE ||
	       type == IGVM_VHT_ENVIRONMENT_INFO_PARAMETER;
}

static enum svsm_err add_param_usage(struct loadplan *plan,
				     const struct igvm_entry *e, char *why,
				     size_t why_size)
{
	struct igvm_parameter p;
	struct loadplan_area *a;

	memcpy(&p, e->payload, sizeof(p));
	if (!is_param_filled(e->type) && !e->is_optional) {
		return fail(SVSM_ERR_UNSUPPORTED, why, why_size,
			    "required parameter %s is not supported by csvsm "
			    "run",
			    igvm_type_name(e->type));
	}
	a = find_area(plan, p.parameter_area_index);
	if (a == NULL || a->is_inserted || p.byte_offset >= a->size) {
		return fail(SVSM_ERR_INVAL, why, why_size,
			    "parameter %s: no usable area %u at offset 0x%x",
			    igvm_type_name(e->type), p.parameter_area_index,
			    p.byte_offset);
	}
	for (uint32_t i = 0; i < plan->param_count; i++) {
		if (plan->params[i].area_index == p.parameter_area_index &&
		    plan->params[i].byte_offset == p.byte_offset) {
			return fail(SVSM_ERR_INVAL, why, why_size,
				    "two parameters at offset 0x%x of area %u",
				    p.byte_offset, p.parameter_area_index);
		}
	}
	if (plan->param_count == LOADPLAN_MAX_PARAMS) {
		return fail(SVSM_ERR_UNSUPPORTED, why, why_size,
			    "more than %u parameters", LOADPLAN_MAX_PARAMS);
	}
	plan->params[plan->param_count++] =
		(struct loadplan_param){ e->type, p.parameter_area_index,
					 p.byte_offset };
	return SVSM_OK;
}

/**
 * Returns how many bytes parameter `p` may use: up to the next parameter
 * of its area, or to the end of the area.
 */
static uint64_t param_capacity(const struct loadplan *plan,
			       const struct loadplan_area *a,
			       const struct loadplan_param *p)
{
	uint64_t end = a->size;

	for (uint32_t i = 0; i < plan->param_count; i++) {
		const struct loadplan_param *q = &plan->params[i];

		if (q->area_index == p->area_index &&
		    q->byte_offset > p->byte_offset && q->byte_offset < end) {
			end = q->byte_offset;
		}
	}
	return end - p->byte_offset;
}

/** Writes the configured override entries and a zero terminator. */
static enum svsm_err write_memmap_override(const struct loadplan_config *cfg,
					   uint8_t *dst, uint64_t cap,
					   char *why, size_t why_size)
{
	size_t n = cfg->memmap_override_count;
	size_t size = (n + 1) * sizeof(struct igvm_memory_map_entry);

	if (size > cap) {
		return fail(SVSM_ERR_RANGE, why, why_size,
			    "memory map override of %zu entries does not fit "
			    "the image's area (%llu bytes)",
			    n, (unsigned long long)cap);
	}
	memcpy(dst, cfg->memmap_override, n * sizeof(cfg->memmap_override[0]));
	memset(dst + n * sizeof(cfg->memmap_override[0]), 0,
	       sizeof(cfg->memmap_override[0]));
	return SVSM_OK;
}

/**
 * Parses one `BASE:PAGES[:TYPE]` entry ending at NUL or at a ',' that
 * another entry follows.
 */
static bool parse_override_entry(const char **sp,
				 struct igvm_memory_map_entry *e)
{
	unsigned long long v[3] = { 0, 0, IGVM_MEMORY_MAP_MEMORY };
	const char *s = *sp;
	char *end;
	int fields = 0;

	while (fields < 3) {
		if (*s < '0' || *s > '9') {
			return false;
		}
		errno = 0;
		v[fields++] = strtoull(s, &end, 0);
		if (errno != 0) {
			return false;
		}
		s = end;
		if (*s != ':') {
			break;
		}
		s++;
	}
	if (fields < 2 || v[2] > UINT16_MAX || (*s != ',' && *s != '\0') ||
	    (*s == ',' && s[1] == '\0')) {
		return false;
	}
	*e = (struct igvm_memory_map_entry){ v[0] >> 12, v[1], (uint16_t)v[2],
					     0, 0 };
	*sp = *s == ',' ? s + 1 : s;
	return true;
}

/** Parses a memory-map override list; see loadplan.h. */
bool loadplan_parse_memmap_override(struct loadplan_config *cfg,
				    const char *spec)
{
	const char *s = spec;

	cfg->memmap_override_count = 0;
	while (*s != '\0') {
		if (cfg->memmap_override_count >=
			    LOADPLAN_MEMMAP_OVERRIDE_MAX ||
		    !parse_override_entry(
			    &s, &cfg->memmap_override
					 [cfg->memmap_override_count])) {
			cfg->memmap_override_count = 0;
			return false;
		}
		cfg->memmap_override_count++;
	}
	return cfg->memmap_override_count > 0;
}

static enum svsm_err fill_param(const struct loadplan *plan,
				struct loadplan_area *a,
				const struct loadplan_param *p, char *why,
				size_t why_size)
{
	uint64_t cap = param_capacity(plan, a, p);
	uint8_t *dst = a->buf + p->byte_offset;
	const char *cmdline = plan->cfg.cmdline ? plan->cfg.cmdline : "";
	size_t len = strlen(cmdline) + 1;

	switch (p->type) {
	case IGVM_VHT_VP_COUNT_PARAMETER:
	case IGVM_VHT_ENVIRONMENT_INFO_PARAMETER:
		if (cap < sizeof(uint32_t)) {
			break;
		}
		if (p->type == IGVM_VHT_VP_COUNT_PARAMETER) {
			memcpy(dst, &plan->cfg.vp_count, sizeof(uint32_t));
		}
		return SVSM_OK;
	case IGVM_VHT_MEMORY_MAP:
		if (plan->cfg.memmap_override_count > 0) {
			return write_memmap_override(&plan->cfg, dst, cap, why,
						     why_size);
		}
		if (loadplan_memory_map(&plan->cfg.ram, dst, cap) != SVSM_OK) {
			break;
		}
		return SVSM_OK;
	case IGVM_VHT_COMMAND_LINE:
		if (len > cap) {
			return fail(SVSM_ERR_RANGE, why, why_size,
				    "command line too long: %zu bytes with "
				    "its NUL, the image's area holds %llu",
				    len, (unsigned long long)cap);
		}
		memcpy(dst, cmdline, len);
		return SVSM_OK;
	default:
		/* An optional parameter this loader does not fill. */
		return SVSM_OK;
	}
	return fail(SVSM_ERR_RANGE, why, why_size,
		    "parameter %s does not fit at offset 0x%x of area %u",
		    igvm_type_name(p->type), p->byte_offset, p->area_index);
}

static enum svsm_err add_param_insert(struct loadplan *plan,
				      const struct igvm_entry *e, char *why,
				      size_t why_size)
{
	struct igvm_parameter_insert pi;
	struct loadplan_area *a;
	enum svsm_err err = SVSM_OK;

	memcpy(&pi, e->payload, sizeof(pi));
	if ((pi.compatibility_mask & plan->cfg.platform_mask) == 0) {
		return SVSM_OK;
	}
	a = find_area(plan, pi.parameter_area_index);
	if (a == NULL || a->is_inserted || pi.gpa % LOADPLAN_PAGE_SIZE != 0) {
		return fail(SVSM_ERR_INVAL, why, why_size,
			    "bad insert of parameter area %u at GPA 0x%llx",
			    pi.parameter_area_index,
			    (unsigned long long)pi.gpa);
	}
	for (uint32_t i = 0; i < plan->param_count && err == SVSM_OK; i++) {
		if (plan->params[i].area_index == a->index) {
			err = fill_param(plan, a, &plan->params[i], why,
					 why_size);
		}
	}
	for (uint64_t off = 0; off < a->size && err == SVSM_OK;
	     off += LOADPLAN_PAGE_SIZE) {
		err = add_page(plan, pi.gpa + off, a->buf + off);
	}
	a->is_inserted = true;
	return err;
}

static enum svsm_err add_vp_context(struct loadplan *plan,
				    const struct igvm_entry *e, char *why,
				    size_t why_size)
{
	struct igvm_vp_context vp;
	const uint8_t *data;

	memcpy(&vp, e->payload, sizeof(vp));
	if ((vp.compatibility_mask & plan->cfg.platform_mask) == 0) {
		return SVSM_OK;
	}
	if (vp.vp_index != 0 || plan->has_ctx) {
		return fail(SVSM_ERR_UNSUPPORTED, why, why_size,
			    "VP context for vCPU %u: csvsm run starts only "
			    "vCPU 0, once",
			    vp.vp_index);
	}
	data = igvm_file_page(plan->file, vp.file_offset);
	if (data == NULL) {
		return fail(SVSM_ERR_INVAL, why, why_size,
			    "VP context data is outside the file");
	}
	memcpy(&plan->ctx, data, sizeof(plan->ctx));
	plan->has_ctx = true;
	return SVSM_OK;
}

static enum svsm_err add_required_memory(struct loadplan *plan,
					 const struct igvm_entry *e, char *why,
					 size_t why_size)
{
	struct igvm_required_memory rm;

	memcpy(&rm, e->payload, sizeof(rm));
	if ((rm.compatibility_mask & plan->cfg.platform_mask) == 0) {
		return SVSM_OK;
	}
	return loadplan_check_range(&plan->cfg.ram, rm.gpa, rm.number_of_bytes,
				    why, why_size);
}

/** Returns the smallest payload the handler of `type` reads, or 0. */
static size_t payload_size(uint32_t type)
{
	switch (type) {
	case IGVM_VHT_PAGE_DATA:
		return sizeof(struct igvm_page_data);
	case IGVM_VHT_PARAMETER_AREA:
		return sizeof(struct igvm_parameter_area);
	case IGVM_VHT_PARAMETER_INSERT:
		return sizeof(struct igvm_parameter_insert);
	case IGVM_VHT_VP_CONTEXT:
		return sizeof(struct igvm_vp_context);
	case IGVM_VHT_REQUIRED_MEMORY:
		return sizeof(struct igvm_required_memory);
	default:
		return sizeof(struct igvm_parameter);
	}
}

/** Applies one entry of the file, in file order. */
enum svsm_err loadplan_add_entry(struct loadplan *plan,
				 const struct igvm_entry *e, char *why,
				 size_t why_size)
{
	if (e->type < IGVM_VHT_DIRECTIVE_FIRST ||
	    e->type > IGVM_VHT_DIRECTIVE_LAST) {
		return SVSM_OK; /* platform and initialization sections */
	}
	if (e->length < payload_size(e->type)) {
		return fail(SVSM_ERR_INVAL, why, why_size,
			    "%s entry at 0x%x is too short",
			    igvm_type_name(e->type), e->offset);
	}
	switch (e->type) {
	case IGVM_VHT_PAGE_DATA:
		return add_page_data(plan, e, why, why_size);
	case IGVM_VHT_PARAMETER_AREA:
		return add_param_area(plan, e, why, why_size);
	case IGVM_VHT_PARAMETER_INSERT:
		return add_param_insert(plan, e, why, why_size);
	case IGVM_VHT_VP_CONTEXT:
		return add_vp_context(plan, e, why, why_size);
	case IGVM_VHT_REQUIRED_MEMORY:
		return add_required_memory(plan, e, why, why_size);
	case IGVM_VHT_VP_COUNT_PARAMETER:
	case IGVM_VHT_SRAT:
	case IGVM_VHT_MADT:
	case IGVM_VHT_MMIO_RANGES:
	case IGVM_VHT_MEMORY_MAP:
	case IGVM_VHT_COMMAND_LINE:
	case IGVM_VHT_SLIT:
	case IGVM_VHT_PPTT:
	case IGVM_VHT_DEVICE_TREE:
	case IGVM_VHT_ENVIRONMENT_INFO_PARAMETER:
		return add_param_usage(plan, e, why, why_size);
	default:
		/* SNP ID block, error range, VBS measurement: not native. */
		return SVSM_OK;
	}
}

static bool is_canonical(uint64_t va, bool is_la57)
{
	unsigned int bits = is_la57 ? 57 : 48;
	uint64_t top = va >> (bits - 1);

	return top == 0 || top == (~0ULL >> (bits - 1));
}

/** Checks that the shim can enter `ctx`. */
enum svsm_err
loadplan_check_context(const struct igvm_native_vp_context_x64 *ctx, char *why,
		       size_t why_size)
{
	bool is_la57 = (ctx->cr4 & X86_CR4_LA57) != 0;

	if ((ctx->cr0 & (X86_CR0_PE | X86_CR0_PG)) !=
		    (X86_CR0_PE | X86_CR0_PG) ||
	    (ctx->cr4 & X86_CR4_PAE) == 0 || (ctx->efer & X86_EFER_LME) == 0 ||
	    (ctx->cr0 >> 32) != 0 || (ctx->cr4 >> 32) != 0) {
		return fail(SVSM_ERR_UNSUPPORTED, why, why_size,
			    "VP context is not 64-bit long mode (CR0 0x%llx "
			    "CR4 0x%llx EFER 0x%llx)",
			    (unsigned long long)ctx->cr0,
			    (unsigned long long)ctx->cr4,
			    (unsigned long long)ctx->efer);
	}
	if ((ctx->cr3 >> 32) != 0) {
		return fail(SVSM_ERR_UNSUPPORTED, why, why_size,
			    "VP context CR3 0x%llx is above 4 GiB",
			    (unsigned long long)ctx->cr3);
	}
	if (ctx->code_selector != SVSM_SEL_CODE64 ||
	    ctx->data_selector != SVSM_SEL_DATA) {
		return fail(SVSM_ERR_UNSUPPORTED, why, why_size,
			    "VP context selectors 0x%x/0x%x, the shim's GDT "
			    "has code 0x%x and data 0x%x",
			    ctx->code_selector, ctx->data_selector,
			    SVSM_SEL_CODE64, SVSM_SEL_DATA);
	}
	if (!is_canonical(ctx->rip, is_la57) ||
	    !is_canonical(ctx->gs_base, is_la57) ||
	    !is_canonical(ctx->idtr_base, is_la57) ||
	    !is_canonical(ctx->gdtr_base, is_la57)) {
		return fail(SVSM_ERR_INVAL, why, why_size,
			    "VP context has a non-canonical address");
	}
	return SVSM_OK;
}

static int page_cmp(const void *a, const void *b)
{
	const struct loadplan_page *pa = a;
	const struct loadplan_page *pb = b;

	return pa->gpa < pb->gpa ? -1 : pa->gpa > pb->gpa;
}

/** Returns the page loaded at `gpa`, or NULL. */
const struct loadplan_page *loadplan_find_page(const struct loadplan *plan,
					       uint64_t gpa)
{
	struct loadplan_page key = { gpa, NULL };

	if (plan->page_count == 0) {
		return NULL;
	}
	return bsearch(&key, plan->pages, plan->page_count,
		       sizeof(*plan->pages), page_cmp);
}

/** Reads entry `idx` of the page-table page at `table` (0 if not loaded). */
static uint64_t read_pte(const struct loadplan *plan, uint64_t table,
			 uint64_t idx)
{
	const struct loadplan_page *pg = loadplan_find_page(plan, table);
	uint64_t pte = 0;

	if (pg != NULL && pg->data != NULL) {
		memcpy(&pte, pg->data + idx * sizeof(pte), sizeof(pte));
	}
	return pte;
}

/**
 * Walks the image's page tables for `va`: true if it maps to itself as a
 * present, executable page the shim may use as supervisor.
 */
static bool is_shim_page_mapped(const struct loadplan *plan, uint64_t va)
{
	const struct igvm_native_vp_context_x64 *ctx = &plan->ctx;
	bool is_nx_on = (ctx->efer & X86_EFER_NXE) != 0;
	bool is_user = true;
	uint64_t table = ctx->cr3 & PTE_ADDR_MASK;

	for (int level = (ctx->cr4 & X86_CR4_LA57) ? 5 : 4; level >= 1;
	     level--) {
		unsigned int shift = 12 + 9 * (level - 1);
		uint64_t pte = read_pte(plan, table, (va >> shift) & 511);

		if ((pte & PTE_P) == 0 || (is_nx_on && (pte & PTE_NX) != 0)) {
			return false;
		}
		is_user = is_user && (pte & PTE_US) != 0;
		if (level == 1 || (level <= 3 && (pte & PTE_PS) != 0)) {
			uint64_t mask = (1ULL << shift) - 1;
			uint64_t pa =
				((pte & PTE_ADDR_MASK) & ~mask) | (va & mask);

			return pa == va &&
			       !(is_user &&
				 (ctx->cr4 & (X86_CR4_SMEP | X86_CR4_SMAP)));
		}
		table = pte & PTE_ADDR_MASK;
	}
	return false;
}

static enum svsm_err check_pages(struct loadplan *plan, char *why,
				 size_t why_size)
{
	for (size_t i = 0; i < plan->page_count; i++) {
		uint64_t gpa = plan->pages[i].gpa;
		enum svsm_err err;

		if (i > 0 && plan->pages[i - 1].gpa == gpa) {
			return fail(SVSM_ERR_INVAL, why, why_size,
				    "two pages at GPA 0x%llx",
				    (unsigned long long)gpa);
		}
		err = loadplan_check_range(&plan->cfg.ram, gpa,
					   LOADPLAN_PAGE_SIZE, why, why_size);
		if (err != SVSM_OK) {
			return err;
		}
	}
	return SVSM_OK;
}

static enum svsm_err merge_blobs(struct loadplan *plan)
{
	struct loadplan_blob *b = NULL;

	plan->blob_count = 0;
	plan->blobs = calloc(plan->page_count, sizeof(*plan->blobs));
	if (plan->blobs == NULL && plan->page_count > 0) {
		return SVSM_ERR_NOMEM;
	}
	for (size_t i = 0; i < plan->page_count; i++) {
		uint64_t gpa = plan->pages[i].gpa;

		if (b != NULL &&
		    gpa == b->gpa + b->page_count * LOADPLAN_PAGE_SIZE) {
			b->page_count++;
			continue;
		}
		b = &plan->blobs[plan->blob_count++];
		*b = (struct loadplan_blob){ gpa, i, 1 };
	}
	return SVSM_OK;
}

/** Checks and completes the plan after the last entry. */
enum svsm_err loadplan_finish(struct loadplan *plan, char *why, size_t why_size)
{
	enum svsm_err err;

	if (!plan->has_ctx) {
		return fail(SVSM_ERR_INVAL, why, why_size,
			    "no VP context for the native platform");
	}
	err = loadplan_check_context(&plan->ctx, why, why_size);
	if (err != SVSM_OK) {
		return err;
	}
	if (plan->page_count > 0) {
		qsort(plan->pages, plan->page_count, sizeof(*plan->pages),
		      page_cmp);
	}
	err = check_pages(plan, why, why_size);
	if (err != SVSM_OK) {
		return err;
	}
	for (uint64_t va = SHIM_BASE; va < HIGH_RAM_BASE;
	     va += LOADPLAN_PAGE_SIZE) {
		if (!is_shim_page_mapped(plan, va)) {
			return fail(SVSM_ERR_INVAL, why, why_size,
				    "the page tables at CR3 0x%llx do not "
				    "identity-map the reset shim page 0x%llx "
				    "(launch.h: [3 GiB, 4 GiB))",
				    (unsigned long long)plan->ctx.cr3,
				    (unsigned long long)va);
		}
	}
	return merge_blobs(plan);
}

static void put_u32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, sizeof(v));
}

static uint32_t get_u32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/** Writes a `lgdt`/`lidt` operand: u16 limit, then u64 base. */
static void put_table_reg(uint8_t *p, uint16_t limit, uint64_t base)
{
	memcpy(p, &limit, sizeof(limit));
	memcpy(p + sizeof(limit), &base, sizeof(base));
}

/** Checks a shim image's header and fills its context block. */
enum svsm_err loadplan_fill_shim(uint8_t *shim, size_t shim_size,
				 const struct igvm_native_vp_context_x64 *ctx)
{
	uint8_t *blk = shim + SHIM_CTX_OFFSET;

	if (shim_size != SHIM_SIZE || get_u32(shim) != SHIM_MAGIC_LO ||
	    get_u32(shim + 4) != SHIM_MAGIC_HI ||
	    get_u32(shim + 8) != SHIM_CTX_OFFSET ||
	    get_u32(shim + 12) != SHIM_CTX_SIZE) {
		return SVSM_ERR_INVAL;
	}
	memset(blk, 0, SHIM_CTX_SIZE);
	memcpy(blk, ctx, sizeof(*ctx));
	put_table_reg(blk + SHIM_CTX_GDTR, ctx->gdtr_limit, ctx->gdtr_base);
	put_table_reg(blk + SHIM_CTX_IDTR, ctx->idtr_limit, ctx->idtr_base);
	put_u32(blk + SHIM_CTX_HAS_GDTR, ctx->gdtr_limit != 0);
	return SVSM_OK;
}
