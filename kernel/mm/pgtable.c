// SPDX-License-Identifier: MIT
/*
 * Kernel-managed 4-level page tables with prepare/commit updates
 * (include/svsm/pgtable.h). Prepare walks the range once, counts the
 * tables that are missing and allocates exactly that many; commit walks
 * again in the same order and consumes them, so it cannot fail. Table
 * pages are touched only through pt_page_map()/pt_page_unmap(), at most
 * two at a time.
 */
#include "svsm/pgtable.h"

#include "svsm/page_alloc.h"
#include "svsm/string.h"

#define PT_ENTRIES 512U
#define PT_SPAN (1ULL << 21) /* what one page table (level 1) covers */
#define CANONICAL_LOW_END 0x0000800000000000ULL
#define CANONICAL_HIGH_START 0xFFFF800000000000ULL
#define PA_LIMIT (1ULL << 52)

/** Index of `va` in a table of `level` (4: PML4 ... 1: PT). */
static uint32_t pt_index(uint64_t va, uint32_t level)
{
	return (uint32_t)(va >> (12U + 9U * (level - 1U))) & (PT_ENTRIES - 1U);
}

/** Reads entry `index` of the table at `table`. */
static uint64_t pt_read(paddr_t table, uint32_t index)
{
	uint64_t *t = pt_page_map(table);
	uint64_t e = t[index];

	pt_page_unmap(t);
	return e;
}

/** Writes entry `index` of the table at `table`. */
static void pt_write(paddr_t table, uint32_t index, uint64_t e)
{
	uint64_t *t = pt_page_map(table);

	t[index] = e;
	pt_page_unmap(t);
}

/** Whether [va, va + size) is canonical and in one half. */
static bool range_canonical(uint64_t va, uint64_t size)
{
	uint64_t last = va + size - 1;

	if (last < va) {
		return false;
	}
	if (last < CANONICAL_LOW_END) {
		return true;
	}
	return va >= CANONICAL_HIGH_START;
}

/* The encryption bit; see pgtable_set_enc_mask(). */
static uint64_t enc_mask;

void pgtable_set_enc_mask(uint64_t mask)
{
	enc_mask = mask;
}

uint64_t pgtable_enc_mask(void)
{
	return enc_mask;
}

/** Leaf flags for `prot`. */
static uint64_t leaf_flags(uint32_t prot)
{
	uint64_t f = PTE_P | PTE_A;

	if (prot & PT_PROT_RESERVE) {
		return 0;
	}
	if (!(prot & PT_PROT_SHARED)) {
		f |= enc_mask;
	}
	if (prot & PT_PROT_WRITE) {
		f |= PTE_RW | PTE_D;
	}
	if (!(prot & PT_PROT_EXEC)) {
		f |= PTE_NX;
	}
	if (prot & PT_PROT_USER) {
		f |= PTE_US;
	}
	if (prot & PT_PROT_DEVICE) {
		f |= PTE_PCD | PTE_PWT;
	}
	return f;
}

/** Checks the arguments of a mapping request. */
static enum svsm_err check_request(uint64_t va, uint64_t pa, uint64_t pages,
				   uint32_t prot)
{
	if (pages == 0 || pages > (UINT64_MAX >> PAGE_SHIFT) ||
	    (va | pa) & (PAGE_SIZE - 1U) || (prot & ~PT_PROT_ALL) != 0) {
		return SVSM_ERR_INVAL;
	}
	uint64_t size = pages << PAGE_SHIFT;

	if (!range_canonical(va, size) || pa + size < pa ||
	    pa + size > PA_LIMIT) {
		return SVSM_ERR_INVAL;
	}
	if ((prot & PT_PROT_WRITE) && (prot & PT_PROT_EXEC)) {
		return SVSM_ERR_PERM;
	}
	if ((prot & PT_PROT_RESERVE) && (pa != 0 || prot != PT_PROT_RESERVE)) {
		return SVSM_ERR_INVAL;
	}
	return SVSM_OK;
}

/** Tables prepare has decided to create: (level, span) keys, deduped. */
struct new_tables {
	uint32_t count;
	uint64_t key[PT_BATCH_MAX_TABLES + 1];
};

/** Records the new table of `level` covering `va`; false when full. */
static bool note_new_table(struct new_tables *nt, uint32_t level, uint64_t va)
{
	uint64_t key = ((va >> (12U + 9U * level)) << 2) | level;

	for (uint32_t i = 0; i < nt->count; i++) {
		if (nt->key[i] == key) {
			return true;
		}
	}
	if (nt->count > PT_BATCH_MAX_TABLES) {
		return false;
	}
	nt->key[nt->count++] = key;
	return true;
}

/** Notes the new tables of every level below a missing entry at `level`. */
static enum svsm_err note_new_tables_below(struct new_tables *nt,
					   uint32_t level, uint64_t va)
{
	for (uint32_t l = level - 1; l >= 1; l--) {
		if (!note_new_table(nt, l, va)) {
			return SVSM_ERR_RANGE;
		}
	}
	return SVSM_OK;
}

/**
 * Prepare's walk for the chunk at `va`: descends through existing tables;
 * notes every table that would have to be created. Returns the existing
 * page table in `*pt_out`, or a zero address when it would be new.
 */
static enum svsm_err probe_chunk(const struct pt_batch *b, uint64_t va,
				 struct new_tables *nt, paddr_t *pt_out)
{
	paddr_t table = b->pt->root;

	*pt_out = pa_init(0);
	for (uint32_t level = 4; level > 1; level--) {
		uint64_t e = pt_read(table, pt_index(va, level));

		if (!(e & PTE_P)) {
			return note_new_tables_below(nt, level, va);
		}
		if (e & PTE_PS) {
			return SVSM_ERR_EXISTS;
		}
		table = pa_init(pte_addr(e));
	}
	*pt_out = table;
	return SVSM_OK;
}

/**
 * Commit's walk for the chunk at `va`: descends, taking each missing
 * table from the batch, zeroing and linking it. Returns the page table.
 */
static paddr_t link_chunk(struct pt_batch *b, uint64_t va)
{
	paddr_t table = b->pt->root;
	uint64_t inter = PTE_P | PTE_RW | PTE_A | enc_mask;

	if (b->leaf_flags & PTE_US) {
		inter |= PTE_US;
	}
	for (uint32_t level = 4; level > 1; level--) {
		uint32_t idx = pt_index(va, level);
		uint64_t e = pt_read(table, idx);

		if (e & PTE_P) {
			table = pa_init(pte_addr(e));
			continue;
		}
		paddr_t next = b->tables[b->tables_used++];
		uint64_t *t = pt_page_map(next);

		memset(t, 0, PAGE_SIZE);
		pt_page_unmap(t);
		pt_write(table, idx, pa_addr(next) | inter);
		table = next;
	}
	return table;
}

/** Checks that no page of the chunk is mapped in existing table `pt`. */
static enum svsm_err check_chunk_free(paddr_t pt, uint64_t va, uint64_t count)
{
	uint64_t *t = pt_page_map(pt);
	enum svsm_err err = SVSM_OK;

	for (uint64_t i = 0; i < count; i++) {
		if (t[pt_index(va + (i << PAGE_SHIFT), 1)] & PTE_P) {
			err = SVSM_ERR_EXISTS;
			break;
		}
	}
	pt_page_unmap(t);
	return err;
}

/** Pages of [va, end) that fall in va's 2 MiB chunk. */
static uint64_t chunk_pages(uint64_t va, uint64_t end)
{
	uint64_t chunk_end = (va | (PT_SPAN - 1)) + 1;

	if (chunk_end == 0 || chunk_end > end) {
		chunk_end = end;
	}
	return (chunk_end - va) >> PAGE_SHIFT;
}

/** Checks the range and counts the missing tables into `b->tables_used`. */
static enum svsm_err count_tables(struct pt_batch *b)
{
	uint64_t end = b->va + (b->pages << PAGE_SHIFT);
	struct new_tables nt = { 0 };

	for (uint64_t va = b->va; va != end;) {
		uint64_t n = chunk_pages(va, end);
		paddr_t pt;
		enum svsm_err err = probe_chunk(b, va, &nt, &pt);

		if (err == SVSM_OK && pa_addr(pt) != 0) {
			err = check_chunk_free(pt, va, n);
		}
		if (err != SVSM_OK) {
			return err;
		}
		va += n << PAGE_SHIFT;
	}
	b->tables_used = nt.count;
	return SVSM_OK;
}

/** Prepares a mapping; see pgtable.h. */
enum svsm_err pgtable_map_prepare(struct pt_batch *b, struct pgtable *pt,
				  vaddr_t va, paddr_t pa, uint64_t pages,
				  uint32_t prot)
{
	struct pt_batch nb = { .pt = pt,
			       .va = va_addr(va),
			       .pa = pa_addr(pa),
			       .pages = pages,
			       .leaf_flags = leaf_flags(prot) };
	enum svsm_err err = check_request(nb.va, nb.pa, pages, prot);

	if (err == SVSM_OK) {
		err = count_tables(&nb);
	}
	if (err == SVSM_OK && nb.tables_used > PT_BATCH_MAX_TABLES) {
		err = SVSM_ERR_RANGE;
	}
	nb.table_count = 0;
	while (err == SVSM_OK && nb.table_count < nb.tables_used) {
		err = page_alloc(pt->cpu, 0, &nb.tables[nb.table_count]);
		if (err == SVSM_OK) {
			nb.table_count++;
		}
	}
	if (err != SVSM_OK) {
		pgtable_map_abort(&nb);
		return err;
	}
	nb.tables_used = 0;
	*b = nb;
	return SVSM_OK;
}

/** Makes a prepared mapping visible; see pgtable.h. */
void pgtable_map_commit(struct pt_batch *b)
{
	uint64_t end = b->va + (b->pages << PAGE_SHIFT);
	uint64_t pa = b->pa;

	for (uint64_t va = b->va; va != end;) {
		uint64_t n = chunk_pages(va, end);
		uint64_t *t = pt_page_map(link_chunk(b, va));

		for (uint64_t i = 0; i < n; i++) {
			t[pt_index(va, 1)] =
				b->leaf_flags ? pa | b->leaf_flags : 0;
			va += PAGE_SIZE;
			pa += PAGE_SIZE;
		}
		pt_page_unmap(t);
	}
	/* Commit consumed exactly the tables prepare counted. */
	b->table_count = 0;
}

/** Frees the tables of a batch that was not committed. */
void pgtable_map_abort(struct pt_batch *b)
{
	for (uint32_t i = 0; i < b->table_count; i++) {
		/* Cannot fail: the batch allocated these order-0 pages. */
		enum svsm_err err = page_free(b->pt->cpu, b->tables[i], 0);

		(void)err;
	}
	b->table_count = 0;
}

/** Finds the leaf table and entry index of `va`; false if not 4 KiB. */
static bool find_leaf(struct pgtable *pt, uint64_t va, paddr_t *table,
		      uint32_t *index, uint64_t *entry)
{
	paddr_t t = pt->root;

	for (uint32_t level = 4; level >= 1; level--) {
		uint64_t e = pt_read(t, pt_index(va, level));

		if (!(e & PTE_P)) {
			return false;
		}
		if (level == 1 || (e & PTE_PS)) {
			*table = t;
			*index = pt_index(va, level);
			*entry = e;
			return level == 1;
		}
		t = pa_init(pte_addr(e));
	}
	return false;
}

/** Removes a range of 4 KiB mappings; see pgtable.h. */
enum svsm_err pgtable_unmap(struct pgtable *pt, vaddr_t va, uint64_t pages)
{
	uint64_t start = va_addr(va);
	paddr_t table;
	uint32_t index;
	uint64_t e;

	if (pages == 0 || (start & (PAGE_SIZE - 1U)) ||
	    pages > (UINT64_MAX >> PAGE_SHIFT) ||
	    !range_canonical(start, pages << PAGE_SHIFT)) {
		return SVSM_ERR_INVAL;
	}
	for (uint64_t i = 0; i < pages; i++) {
		if (!find_leaf(pt, start + (i << PAGE_SHIFT), &table, &index,
			       &e)) {
			return SVSM_ERR_INVAL;
		}
	}
	for (uint64_t i = 0; i < pages; i++) {
		uint64_t v = start + (i << PAGE_SHIFT);

		(void)find_leaf(pt, v, &table, &index, &e);
		pt_write(table, index, 0);
	}
	pt_flush_tlb_range(va, pages);
	return SVSM_OK;
}

/** Looks up `va`, including large pages; see pgtable.h. */
bool pgtable_lookup(struct pgtable *pt, vaddr_t va, paddr_t *pa,
		    uint64_t *flags)
{
	paddr_t t = pt->root;
	uint64_t v = va_addr(va);

	for (uint32_t level = 4; level >= 1; level--) {
		uint64_t e = pt_read(t, pt_index(v, level));

		if (!(e & PTE_P)) {
			return false;
		}
		if (level == 1 || (level <= 3 && (e & PTE_PS))) {
			uint64_t span = 1ULL << (12U + 9U * (level - 1U));

			*pa = pa_init((pte_addr(e) & ~(span - 1)) |
				      (v & (span - 1)));
			*flags = e & ~PTE_ADDR_MASK;
			return true;
		}
		t = pa_init(pte_addr(e));
	}
	return false;
}

/** Finds the level-1 table of `va`; see pgtable.h. */
bool pgtable_leaf_table(struct pgtable *pt, vaddr_t va, paddr_t *table)
{
	paddr_t t = pt->root;

	for (uint32_t level = 4; level > 1; level--) {
		uint64_t e = pt_read(t, pt_index(va_addr(va), level));

		if (!(e & PTE_P) || (e & PTE_PS)) {
			return false;
		}
		t = pa_init(pte_addr(e));
	}
	*table = t;
	return true;
}
