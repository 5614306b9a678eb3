// SPDX-License-Identifier: MIT
/*
 * Computes the whole image layout at build time (docs/BOOT.md). The ELF
 * segments sit at pa = SVSM_KERNEL_PBASE + (vaddr - SVSM_KERNEL_VBASE).
 * After the image end (`image_vend`) come, each behind an unmapped guard
 * page: the boot stack, the IST stacks, the launch-info page, the
 * parameter area, the symbol table, the RAM FS archive and the window
 * onto the page-table pages. Physically these follow the image back to back
 * (guards take no memory), then on SNP the entry-stub, CPUID and secrets pages,
 * then the page-table pages themselves; `free_pbase` is the first page after
 * them. Everything must fit the kernel region and the 1 GiB kernel window.
 */
#include <string.h>

#include "igvmbld.h"

/* Enough for the page-table count to settle (it grows by a few pages). */
#define PT_FIXPOINT_ROUNDS 8U

/** Where the next range goes: VA offset from SVSM_KERNEL_VBASE, and PA. */
struct cursor {
	uint64_t voff;
	uint64_t pa;
};

/** Rounds `x` up to a whole page. */
static uint64_t page_up(uint64_t x)
{
	return (x + BLD_PAGE_SIZE - 1) & ~(BLD_PAGE_SIZE - 1);
}

/** Places `size` bytes of `kind` at the cursor, then one guard page. */
static void place(struct bld_layout *l, struct cursor *c, struct bld_map *m,
		  uint64_t size, enum bld_kind kind)
{
	m->va = SVSM_KERNEL_VBASE + c->voff;
	m->pa = c->pa;
	m->size = size;
	m->kind = kind;
	l->maps[l->map_count++] = *m;
	c->voff += size + BLD_PAGE_SIZE;
	c->pa += size;
}

/** Maps the ELF segments and returns the cursor just past the image. */
static struct cursor place_image(struct bld_layout *l,
				 const struct bld_kernel *k)
{
	struct cursor c = { 0 };

	for (uint32_t i = 0; i < k->segment_count; i++) {
		const struct bld_segment *s = &k->segments[i];
		uint64_t voff = s->vaddr - SVSM_KERNEL_VBASE;
		struct bld_map *m = &l->maps[l->map_count++];

		m->va = s->vaddr;
		m->pa = SVSM_KERNEL_PBASE + voff;
		m->size = page_up(s->memsz);
		m->kind = s->kind;
		if (voff + m->size > c.voff) {
			c.voff = voff + m->size;
		}
	}
	l->image_vend = SVSM_KERNEL_VBASE + c.voff;
	l->image_pend = SVSM_KERNEL_PBASE + c.voff;
	c.pa = l->image_pend;
	c.voff += BLD_PAGE_SIZE; /* guard below the boot stack */
	return c;
}

/**
 * Places the temporary window: VA and a page table but no memory, all
 * inside one page table (so one boot table holds every slot's entry).
 */
static void place_tmp_window(struct bld_layout *l, struct cursor *c)
{
	const uint64_t span = (uint64_t)SVSM_TMP_WINDOW_PAGES * BLD_PAGE_SIZE;
	const uint64_t pt_span = 0x200000U;
	uint64_t pa = c->pa;

	if ((c->voff % pt_span) + span > pt_span) {
		c->voff = (c->voff / pt_span + 1) * pt_span;
	}
	place(l, c, &l->tmp_window, span, BLD_KIND_TMP_WINDOW);
	l->tmp_window.pa = 0;
	l->maps[l->map_count - 1].pa = 0;
	c->pa = pa;
}

/**
 * Places the stacks, launch info, parameter area, symbol table and RAM FS
 * archive (whose size is already a page multiple: the reader checked it).
 */
static void place_data(struct bld_layout *l, struct cursor *c,
		       size_t symtab_size, const struct bld_options *o)
{
	place(l, c, &l->boot_stack, SVSM_BOOT_STACK_SIZE, BLD_KIND_STACK);
	for (uint32_t i = 0; i < SVSM_IST_COUNT; i++) {
		place(l, c, &l->ist[i], SVSM_IST_STACK_SIZE, BLD_KIND_STACK);
	}
	place(l, c, &l->launch_info, BLD_PAGE_SIZE, BLD_KIND_LAUNCH_INFO);
	place(l, c, &l->param, SVSM_PARAM_AREA_SIZE, BLD_KIND_PARAM);
	if (symtab_size > 0) {
		l->symtab_bytes = symtab_size;
		place(l, c, &l->symtab, page_up(symtab_size), BLD_KIND_SYMTAB);
	}
	if (o->ramfs != NULL && o->ramfs_size > 0) {
		place(l, c, &l->ramfs, page_up(o->ramfs_size), BLD_KIND_RAMFS);
	}
	place_tmp_window(l, c);
}

/**
 * Places the page-table window and sizes the page tables. The tables map
 * the window onto themselves, so their count is iterated to a fixpoint.
 */
static enum svsm_err place_tables(struct bld_layout *l, struct cursor *c)
{
	uint32_t pages = 0;
	uint32_t index = l->map_count;

	l->pt_pbase = c->pa;
	for (uint32_t round = 0; round < PT_FIXPOINT_ROUNDS; round++) {
		struct cursor w = *c;
		uint32_t need;

		l->map_count = index;
		place(l, &w, &l->pt_window, pages * BLD_PAGE_SIZE,
		      BLD_KIND_PT_WINDOW);
		need = pagetable_pages_needed(l->maps, l->map_count,
					      l->snp_stub_pa != 0);
		if (need == pages) {
			l->pt_pages = pages;
			l->pt_pend = l->pt_pbase + pages * BLD_PAGE_SIZE;
			l->va_end = SVSM_KERNEL_VBASE + w.voff;
			c->voff = w.voff;
			c->pa = l->pt_pend;
			return SVSM_OK;
		}
		pages = need;
	}
	return SVSM_ERR_RANGE;
}

/** Checks the region size option. */
static enum svsm_err check_region(const struct bld_options *o, char *why,
				  size_t why_size)
{
	if (o->region_size == 0 || o->region_size % BLD_PAGE_SIZE != 0 ||
	    o->region_size > BLD_MAX_REGION_SIZE) {
		return bld_why(why, why_size, SVSM_ERR_RANGE,
			       "region size 0x%llx is not a page multiple in "
			       "(0, 0x%llx]",
			       (unsigned long long)o->region_size,
			       (unsigned long long)BLD_MAX_REGION_SIZE);
	}
	return SVSM_OK;
}

/**
 * Lays out the image of kernel `k` with a `symtab_size`-byte symbol table
 * (0: none). Refuses, with a reason, a layout that does not fit the
 * region or the kernel window.
 */
enum svsm_err layout_compute(struct bld_layout *l, const struct bld_kernel *k,
			     size_t symtab_size, const struct bld_options *o,
			     char *why, size_t why_size)
{
	struct cursor c;
	enum svsm_err err = check_region(o, why, why_size);

	if (err != SVSM_OK) {
		return err;
	}
	memset(l, 0, sizeof(*l));
	l->kernel_pbase = SVSM_KERNEL_PBASE;
	l->kernel_pend = SVSM_KERNEL_PBASE + o->region_size;
	c = place_image(l, k);
	place_data(l, &c, symtab_size, o);
	if (c.voff > BLD_KERNEL_VSPAN) {
		return bld_why(why, why_size, SVSM_ERR_RANGE,
			       "layout does not fit the 1 GiB kernel window");
	}
	if ((o->platforms & CSVSM_MASK_SNP) != 0) {
		l->snp_stub_pa = c.pa;
		l->snp_cpuid_pa = c.pa + BLD_PAGE_SIZE;
		l->snp_secrets_pa = c.pa + 2 * BLD_PAGE_SIZE;
		c.pa += 3 * BLD_PAGE_SIZE;
	}
	if (place_tables(l, &c) != SVSM_OK || c.voff > BLD_KERNEL_VSPAN) {
		return bld_why(why, why_size, SVSM_ERR_RANGE,
			       "page tables do not fit the kernel window");
	}
	l->free_pbase = c.pa;
	if (l->free_pbase > l->kernel_pend) {
		return bld_why(
			why, why_size, SVSM_ERR_RANGE,
			"layout needs 0x%llx bytes, more than the "
			"region size 0x%llx",
			(unsigned long long)(l->free_pbase - l->kernel_pbase),
			(unsigned long long)o->region_size);
	}
	return SVSM_OK;
}

/** Fills the launch info for `platform` (SVSM_LAUNCH_PLATFORM_*). */
void layout_launch_info(const struct bld_layout *l, uint32_t platform,
			struct svsm_launch_info *li)
{
	memset(li, 0, sizeof(*li));
	li->magic = SVSM_LAUNCH_MAGIC;
	li->version = SVSM_LAUNCH_VERSION;
	li->kernel_pbase = l->kernel_pbase;
	li->kernel_pend = l->kernel_pend;
	li->kernel_vbase = SVSM_KERNEL_VBASE;
	li->image_vend = l->image_vend;
	li->boot_stack_top = l->boot_stack.va + l->boot_stack.size;
	for (uint32_t i = 0; i < SVSM_IST_COUNT; i++) {
		li->ist_stack_top[i] = l->ist[i].va + l->ist[i].size;
	}
	li->param_va = l->param.va;
	li->param_gpa = l->param.pa;
	li->param_size = l->param.size;
	li->symtab_va = l->symtab_bytes > 0 ? l->symtab.va : 0;
	li->symtab_size = l->symtab_bytes;
	li->ramfs_va = l->ramfs.size > 0 ? l->ramfs.va : 0;
	li->ramfs_size = l->ramfs.size;
	li->pt_root_pa = l->pt_pbase;
	li->pt_pbase = l->pt_pbase;
	li->pt_pend = l->pt_pend;
	li->pt_window_va = l->pt_window.va;
	li->tmp_window_va = l->tmp_window.va;
	li->free_pbase = l->free_pbase;
	if (platform == SVSM_LAUNCH_PLATFORM_SNP) {
		li->vmsa_gpa = BLD_SNP_VMSA_GPA;
		li->snp_cpuid_pa = l->snp_cpuid_pa;
		li->snp_secrets_pa = l->snp_secrets_pa;
	}
}

/** Returns a short name for `kind`, for --verbose output. */
const char *layout_kind_name(enum bld_kind kind)
{
	switch (kind) {
	case BLD_KIND_TEXT:
		return "text";
	case BLD_KIND_RODATA:
		return "rodata";
	case BLD_KIND_DATA:
		return "data";
	case BLD_KIND_STACK:
		return "stack";
	case BLD_KIND_LAUNCH_INFO:
		return "launch-info";
	case BLD_KIND_PARAM:
		return "param";
	case BLD_KIND_SYMTAB:
		return "symtab";
	case BLD_KIND_RAMFS:
		return "ramfs";
	case BLD_KIND_PT_WINDOW:
		return "pt-window";
	case BLD_KIND_SNP_STUB:
		return "snp-stub";
	case BLD_KIND_TMP_WINDOW:
		return "tmp-window";
	case BLD_KIND_COUNT:
		break;
	}
	return "?";
}
