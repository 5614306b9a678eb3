// SPDX-License-Identifier: MIT
/*
 * Builds the image's 4-level page tables at build time. The kernel half
 * is PML4[511] -> PDPT[510] -> one PD -> a PT per 2 MiB that holds a
 * mapping, all with 4 KiB leaves whose permissions follow the kind of
 * page (enforced at the leaf; intermediate entries are P|RW, supervisor).
 * Accessed is preset everywhere and Dirty on writable leaves, so the CPU
 * never needs to write the tables. The boot identity map is PML4[0] ->
 * PDPT[3] -> PD whose entry 511 is a 2 MiB page at 4 GiB - 2 MiB, plus, on SNP,
 * one 4 KiB read-only executable mapping of the entry stub's page. Tables are
 * allocated from the layout's page-table pages in order, the PML4 first.
 */
#include <stdlib.h>
#include <string.h>

#include "igvmbld.h"

#define PT_ENTRIES 512U
#define PT_INTERMEDIATE (PTE_P | PTE_RW | PTE_A)
#define PT_IDMAP_2M (PTE_P | PTE_RW | PTE_PS | PTE_A | PTE_D)
#define PD_SPAN 0x200000ULL

/** Returns the index of `va` in a table of `level` (4: PML4 ... 1: PT). */
static uint32_t pt_index(uint64_t va, uint32_t level)
{
	return (uint32_t)(va >> (12U + 9U * (level - 1U))) & (PT_ENTRIES - 1U);
}

/** Returns the leaf permission bits for a page of `kind`. */
uint64_t pagetable_leaf_flags(enum bld_kind kind)
{
	switch (kind) {
	case BLD_KIND_TEXT:
	case BLD_KIND_SNP_STUB:
		return PTE_P | PTE_A;
	case BLD_KIND_RODATA:
	case BLD_KIND_LAUNCH_INFO:
	case BLD_KIND_SYMTAB:
	case BLD_KIND_RAMFS:
		return PTE_P | PTE_A | PTE_NX;
	case BLD_KIND_DATA:
	case BLD_KIND_STACK:
	case BLD_KIND_PARAM:
	case BLD_KIND_PT_WINDOW:
		return PTE_P | PTE_RW | PTE_A | PTE_D | PTE_NX;
	case BLD_KIND_TMP_WINDOW: /* tables only: the leaves stay empty */
	case BLD_KIND_COUNT:
		break;
	}
	return 0;
}

/**
 * Returns the number of page-table pages for kernel-half `maps` (all in
 * the 1 GiB window at SVSM_KERNEL_VBASE) plus the identity map.
 */
uint32_t pagetable_pages_needed(const struct bld_map *maps, uint32_t count,
				bool has_stub)
{
	bool used[PT_ENTRIES] = { false };
	uint32_t pts = 0;

	for (uint32_t i = 0; i < count; i++) {
		uint64_t first = (maps[i].va - SVSM_KERNEL_VBASE) / PD_SPAN;
		uint64_t last =
			(maps[i].va + maps[i].size - 1 - SVSM_KERNEL_VBASE) /
			PD_SPAN;

		if (maps[i].size == 0) {
			continue;
		}
		for (uint64_t c = first; c <= last && c < PT_ENTRIES; c++) {
			pts += used[c] ? 0U : 1U;
			used[c] = true;
		}
	}
	/* PML4, kernel PDPT and PD, the PTs, identity PDPT and PD (+ the
	 * stub's low PD and PT). */
	return 3U + pts + 2U + (has_stub ? 2U : 0U);
}

/** Returns the entries of table `index`. */
static uint64_t *table(const struct bld_pagetables *pt, uint32_t index)
{
	return pt->entries + (size_t)index * PT_ENTRIES;
}

/** Returns the table an intermediate entry points to, allocating it. */
static enum svsm_err next_table(struct bld_pagetables *pt, uint64_t *entry,
				uint32_t *index)
{
	uint64_t pa;

	if ((*entry & PTE_P) == 0) {
		if (pt->used == pt->page_count) {
			return SVSM_ERR_RANGE;
		}
		*entry = (pt->pbase + (uint64_t)pt->used * BLD_PAGE_SIZE) |
			 PT_INTERMEDIATE;
		pt->used++;
	}
	if ((*entry & PTE_PS) != 0) {
		return SVSM_ERR_EXISTS;
	}
	pa = *entry & PTE_ADDR_MASK;
	*index = (uint32_t)((pa - pt->pbase) / BLD_PAGE_SIZE);
	return SVSM_OK;
}

/** Maps `va` to `pa` with a leaf at `leaf_level` (1: 4 KiB, 2: 2 MiB). */
static enum svsm_err pt_map(struct bld_pagetables *pt, uint64_t va, uint64_t pa,
			    uint32_t leaf_level, uint64_t flags)
{
	uint32_t index = 0;
	uint64_t *entry;

	for (uint32_t level = 4; level > leaf_level; level--) {
		enum svsm_err err = next_table(
			pt, &table(pt, index)[pt_index(va, level)], &index);

		if (err != SVSM_OK) {
			return err;
		}
	}
	entry = &table(pt, index)[pt_index(va, leaf_level)];
	if ((*entry & PTE_P) != 0) {
		return SVSM_ERR_EXISTS;
	}
	*entry = pa | flags;
	return SVSM_OK;
}

/** Maps every page of `m` with the permissions of its kind. */
static enum svsm_err map_range(struct bld_pagetables *pt,
			       const struct bld_map *m)
{
	uint64_t flags = pagetable_leaf_flags(m->kind);

	for (uint64_t off = 0; off < m->size; off += BLD_PAGE_SIZE) {
		/* The temporary window gets its tables and an empty leaf. */
		uint64_t pa = m->kind == BLD_KIND_TMP_WINDOW ? 0 : m->pa + off;
		enum svsm_err err = pt_map(pt, m->va + off, pa, 1, flags);

		if (err != SVSM_OK) {
			return err;
		}
	}
	return SVSM_OK;
}

/** Maps the kernel half, then the identity map. */
static enum svsm_err map_all(struct bld_pagetables *pt,
			     const struct bld_layout *l)
{
	enum svsm_err err = SVSM_OK;

	for (uint32_t i = 0; i < l->map_count && err == SVSM_OK; i++) {
		err = map_range(pt, &l->maps[i]);
	}
	if (err == SVSM_OK) {
		err = pt_map(pt, SVSM_BOOT_IDMAP_BASE, SVSM_BOOT_IDMAP_BASE, 2,
			     PT_IDMAP_2M);
	}
	if (err == SVSM_OK && l->snp_stub_pa != 0) {
		err = pt_map(pt, l->snp_stub_pa, l->snp_stub_pa, 1,
			     pagetable_leaf_flags(BLD_KIND_SNP_STUB));
	}
	return err;
}

/**
 * Builds the page tables for layout `l` into exactly `l->pt_pages` pages.
 * Fails with SVSM_ERR_RANGE if the layout's count was wrong (a bug) and
 * with SVSM_ERR_EXISTS if two mappings collide.
 */
enum svsm_err pagetable_build(struct bld_pagetables *pt,
			      const struct bld_layout *l)
{
	enum svsm_err err;

	memset(pt, 0, sizeof(*pt));
	if (l->pt_pages == 0) {
		return SVSM_ERR_INVAL;
	}
	pt->entries =
		calloc((size_t)l->pt_pages * PT_ENTRIES, sizeof(*pt->entries));
	if (pt->entries == NULL) {
		return SVSM_ERR_NOMEM;
	}
	pt->pbase = l->pt_pbase;
	pt->page_count = l->pt_pages;
	pt->used = 1; /* the PML4 */
	err = map_all(pt, l);
	if (err == SVSM_OK && pt->used != pt->page_count) {
		err = SVSM_ERR_RANGE;
	}
	if (err != SVSM_OK) {
		pagetable_destroy(pt);
	}
	return err;
}

/** Frees the tables; safe to call more than once. */
void pagetable_destroy(struct bld_pagetables *pt)
{
	free(pt->entries);
	pt->entries = NULL;
	pt->page_count = 0;
	pt->used = 0;
}

/** Records the leaf `e` found at `level` for `va` in `w`. */
static void walk_leaf(struct pt_walk *w, uint64_t e, uint32_t level,
		      uint64_t va)
{
	uint64_t span = 1ULL << (12U + 9U * (level - 1U));

	w->leaf = e;
	w->level = level;
	w->pa = (e & PTE_ADDR_MASK & ~(span - 1)) + (va & (span - 1));
}

/**
 * Walks the tables for `va` as the CPU would. Returns false if `va` is
 * not mapped (or an entry points outside the page-table pages).
 */
bool pagetable_walk(const struct bld_pagetables *pt, uint64_t va,
		    struct pt_walk *w)
{
	uint32_t index = 0;

	w->is_writable = true;
	w->is_user = true;
	w->is_nx = false;
	for (uint32_t level = 4; level >= 1; level--) {
		uint64_t e = table(pt, index)[pt_index(va, level)];
		uint64_t pa = e & PTE_ADDR_MASK;

		if ((e & PTE_P) == 0) {
			return false;
		}
		w->is_writable = w->is_writable && (e & PTE_RW) != 0;
		w->is_user = w->is_user && (e & PTE_US) != 0;
		w->is_nx = w->is_nx || (e & PTE_NX) != 0;
		if (level == 1 || (level <= 3 && (e & PTE_PS) != 0)) {
			walk_leaf(w, e, level, va);
			return true;
		}
		if (pa < pt->pbase ||
		    pa >= pt->pbase + (uint64_t)pt->used * BLD_PAGE_SIZE) {
			return false;
		}
		index = (uint32_t)((pa - pt->pbase) / BLD_PAGE_SIZE);
	}
	return false;
}
