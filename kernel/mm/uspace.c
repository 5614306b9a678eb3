// SPDX-License-Identifier: MIT
/*
 * User address spaces (svsm/uspace.h). Mappings go through the checked
 * page-table code (kernel/mm/pgtable.c) with PT_PROT_USER, which sets
 * the user bit on the leaf and on every table above it. Destruction walks
 * the one PML4 entry's tree through the temporary window, freeing leaf
 * pages, then tables, then the root.
 *
 * Locking: an address space belongs to its process; the process's own
 * task maps and destroys it (one writer). Activation runs with interrupts
 * off on the CPU it changes.
 */
#include "svsm/uspace.h"

#include "arch/insn.h"

#include "svsm/mm.h"
#include "svsm/page_alloc.h"
#include "svsm/panic.h"
#include "svsm/percpu.h"
#include "svsm/string.h"
#include "svsm/tlb.h"
#include "svsm/tmpmap.h"

#define LEAF_SPAN 0x200000ULL /* what one page table (level 1) maps */
#define UNMAP_BATCH 64U	      /* pages freed per TLB flush */

/** Allocates and zeroes one page. */
static enum svsm_err zeroed_page(paddr_t *out)
{
	enum svsm_err err = page_alloc(mm_kernel_pgtable()->cpu, 0, out);
	void *p;

	if (err != SVSM_OK) {
		return err;
	}
	p = tmpmap_map(*out);
	if (!p) {
		CHECK(page_free(mm_kernel_pgtable()->cpu, *out, 0) == SVSM_OK);
		return SVSM_ERR_BUSY;
	}
	memset(p, 0, PAGE_SIZE);
	tmpmap_unmap(p);
	return SVSM_OK;
}

enum svsm_err uspace_create(struct uspace *us)
{
	paddr_t root;
	enum svsm_err err = zeroed_page(&root);

	if (err != SVSM_OK) {
		return err;
	}
	*us = (struct uspace){ .pt = { root, mm_kernel_pgtable()->cpu } };
	return SVSM_OK;
}

/** Re-reads entry 0 of the private root (created by the first map). */
static void refresh_pml4e(struct uspace *us)
{
	uint64_t *t = tmpmap_map(us->pt.root);

	CHECK(t != NULL);
	us->pml4e = t[0];
	tmpmap_unmap(t);
}

/** Unmaps and frees `count` pages mapped from `va` by uspace_map_new. */
static void unmap_owned(struct uspace *us, uint64_t va, uint64_t count)
{
	for (uint64_t i = 0; i < count; i++) {
		uint64_t at = va + i * PAGE_SIZE;
		paddr_t pa;
		uint64_t flags;

		CHECK(pgtable_lookup(&us->pt, va_init(at), &pa, &flags));
		CHECK(pgtable_unmap(&us->pt, va_init(at), 1) == SVSM_OK);
		CHECK(page_free(us->pt.cpu, pa, 0) == SVSM_OK);
		us->pages--;
	}
}

/** Maps one fresh zeroed page at `va`. */
static enum svsm_err map_one(struct uspace *us, uint64_t va, uint32_t prot)
{
	struct pt_batch b;
	paddr_t pa;
	enum svsm_err err = zeroed_page(&pa);

	if (err != SVSM_OK) {
		return err;
	}
	err = pgtable_map_prepare(&b, &us->pt, va_init(va), pa, 1,
				  prot | PT_PROT_USER);
	if (err != SVSM_OK) {
		CHECK(page_free(us->pt.cpu, pa, 0) == SVSM_OK);
		return err;
	}
	pgtable_map_commit(&b);
	us->pages++;
	return SVSM_OK;
}

/** Maps fresh pages one at a time, undoing them all on failure. */
enum svsm_err uspace_map_new(struct uspace *us, uint64_t va, uint64_t pages,
			     uint32_t prot)
{
	enum svsm_err err = SVSM_OK;
	uint64_t done = 0;

	if ((va & (PAGE_SIZE - 1U)) || pages == 0 ||
	    pages > (USER_VA_MAX - USER_VA_MIN) / PAGE_SIZE ||
	    !uspace_range_ok(va, pages * PAGE_SIZE) ||
	    (prot & ~(PT_PROT_WRITE | PT_PROT_EXEC)) != 0) {
		return SVSM_ERR_INVAL;
	}
	while (done < pages && err == SVSM_OK) {
		err = map_one(us, va + done * PAGE_SIZE, prot);
		done += err == SVSM_OK;
	}
	if (err != SVSM_OK) {
		unmap_owned(us, va, done);
	}
	refresh_pml4e(us);
	return err;
}

enum svsm_err uspace_write(struct uspace *us, uint64_t va, const void *src,
			   size_t len)
{
	const uint8_t *s = src;

	if (!uspace_range_ok(va, len)) {
		return SVSM_ERR_INVAL;
	}
	while (len > 0) {
		uint64_t off = va & (PAGE_SIZE - 1U);
		size_t n = PAGE_SIZE - off < len ? PAGE_SIZE - off : len;
		paddr_t pa;
		uint64_t flags;
		uint8_t *p;

		if (!pgtable_lookup(&us->pt, va_init(va - off), &pa, &flags)) {
			return SVSM_ERR_INVAL;
		}
		p = tmpmap_map(pa);
		if (!p) {
			return SVSM_ERR_BUSY;
		}
		memcpy(p + off, s, n);
		tmpmap_unmap(p);
		va += n;
		s += n;
		len -= n;
	}
	return SVSM_OK;
}

/** Entry `i` of `table`, read through the window. */
static uint64_t entry_at(paddr_t table, uint32_t i)
{
	uint64_t *t = tmpmap_map(table);
	uint64_t e;

	CHECK(t != NULL);
	e = t[i];
	tmpmap_unmap(t);
	CHECK(!(e & PTE_P) || !(e & PTE_PS)); /* only 4 KiB pages mapped */
	return e;
}

/**
 * Frees the present entries' targets of `table` (with `free_child` for
 * each: a lower table's freer, or NULL for leaf pages), then `table`.
 */
static void free_table(uint32_t cpu, paddr_t table, uint32_t entries,
		       void (*free_child)(uint32_t cpu, paddr_t child))
{
	for (uint32_t i = 0; i < entries; i++) {
		uint64_t e = entry_at(table, i);
		paddr_t child = pa_init(pte_addr(e));

		/* A PROT_NONE leaf still owns its frame. */
		if (!(e & PTE_P) && (free_child || !(e & PTE_SW_NONE))) {
			continue;
		}
		if (free_child) {
			free_child(cpu, child);
			continue;
		}
		CHECK(page_free(cpu, child, 0) == SVSM_OK);
	}
	CHECK(page_free(cpu, table, 0) == SVSM_OK);
}

static void free_pt(uint32_t cpu, paddr_t pt)
{
	free_table(cpu, pt, 512U, NULL);
}

static void free_pd(uint32_t cpu, paddr_t pd)
{
	free_table(cpu, pd, 512U, free_pt);
}

static void free_pdpt(uint32_t cpu, paddr_t pdpt)
{
	free_table(cpu, pdpt, 512U, free_pd);
}

/**
 * Reads the leaf entry of `va` in page table `table` and, if `set` is
 * not NULL, replaces it with `*set`. Returns the old entry.
 */
static uint64_t leaf_swap(paddr_t table, uint64_t va, const uint64_t *set)
{
	uint64_t *t = tmpmap_map(table);
	uint32_t i = (uint32_t)((va >> 12) & 511U);
	uint64_t e;

	CHECK(t != NULL);
	e = t[i];
	if (set) {
		t[i] = *set;
	}
	tmpmap_unmap(t);
	return e;
}

/** Whether a leaf entry owns a frame (mapped, or kept as PROT_NONE). */
static bool leaf_owned(uint64_t e)
{
	return (e & (PTE_P | PTE_SW_NONE)) != 0;
}

/** Flushes [from, to) from this CPU's TLB, then frees `count` frames. */
static void flush_and_free(struct uspace *us, uint64_t from, uint64_t to,
			   const paddr_t *frames, uint32_t count)
{
	if (to > from) {
		tlb_flush_range(va_init(from), (to - from) / PAGE_SIZE);
	}
	for (uint32_t i = 0; i < count; i++) {
		CHECK(page_free(us->pt.cpu, frames[i], 0) == SVSM_OK);
	}
	us->pages -= count;
}

void uspace_unmap_range(struct uspace *us, uint64_t va, uint64_t pages)
{
	static const uint64_t zero;
	paddr_t frames[UNMAP_BATCH];
	uint64_t end = va + pages * PAGE_SIZE;
	uint64_t from = va;
	uint32_t count = 0;

	CHECK(uspace_range_ok(va, pages * PAGE_SIZE));
	for (uint64_t at = va; at < end;) {
		paddr_t table;

		if (!pgtable_leaf_table(&us->pt, va_init(at), &table)) {
			at = (at | (LEAF_SPAN - 1U)) + 1U; /* no table: skip */
			continue;
		}
		uint64_t e = leaf_swap(table, at, NULL);

		if (leaf_owned(e)) {
			(void)leaf_swap(table, at, &zero);
			frames[count++] = pa_init(pte_addr(e));
		}
		at += PAGE_SIZE;
		if (count == UNMAP_BATCH) {
			flush_and_free(us, from, at, frames, count);
			from = at;
			count = 0;
		}
	}
	flush_and_free(us, from, end, frames, count);
}

/** The leaf entry for frame `e`'s address with protection `prot`. */
static uint64_t leaf_with_prot(uint64_t e, uint32_t prot)
{
	uint64_t n = e & PTE_ADDR_MASK;

	if (prot & USPACE_PROT_NONE) {
		return n | PTE_SW_NONE | PTE_NX;
	}
	n |= PTE_P | PTE_A | PTE_US;
	n |= (prot & PT_PROT_WRITE) ? PTE_RW | PTE_D : 0U;
	n |= (prot & PT_PROT_EXEC) ? 0U : PTE_NX;
	return n;
}

/** Whether `prot` is one uspace_protect() takes. */
static bool protect_prot_ok(uint32_t prot)
{
	const uint32_t wx = PT_PROT_WRITE | PT_PROT_EXEC;

	return (prot & ~(wx | USPACE_PROT_NONE)) == 0 && (prot & wx) != wx &&
	       (!(prot & USPACE_PROT_NONE) || (prot & wx) == 0);
}

enum svsm_err uspace_protect(struct uspace *us, uint64_t va, uint64_t pages,
			     uint32_t prot, uint64_t max_new)
{
	enum svsm_err err = SVSM_OK;
	uint64_t end = va + pages * PAGE_SIZE;
	uint64_t made = 0;
	uint64_t at = va;

	if ((va & (PAGE_SIZE - 1U)) || !protect_prot_ok(prot) ||
	    pages > (USER_VA_MAX - USER_VA_MIN) / PAGE_SIZE ||
	    !uspace_range_ok(va, pages * PAGE_SIZE)) {
		return SVSM_ERR_INVAL;
	}
	while (at < end && err == SVSM_OK) {
		paddr_t table;
		bool has_table =
			pgtable_leaf_table(&us->pt, va_init(at), &table);
		uint64_t e = has_table ? leaf_swap(table, at, NULL) : 0;

		if (leaf_owned(e)) {
			uint64_t n = leaf_with_prot(e, prot);

			(void)leaf_swap(table, at, &n);
		} else if (prot & USPACE_PROT_NONE) {
			/* nothing to keep here */
		} else if (made == max_new) {
			err = SVSM_ERR_NOMEM;
			break;
		} else {
			err = map_one(us, at, prot);
			made += err == SVSM_OK;
		}
		at += PAGE_SIZE;
	}
	tlb_flush_range(va_init(va), (at - va) / PAGE_SIZE);
	refresh_pml4e(us);
	return err;
}

void uspace_destroy(struct uspace *us)
{
	if (pa_addr(us->pt.root) == 0) {
		return;
	}
	/* Only entry 0 of the private root is ever used. */
	free_table(us->pt.cpu, us->pt.root, 1, free_pdpt);
	*us = (struct uspace){ 0 };
}

void uspace_activate(const struct uspace *us)
{
	volatile uint64_t *pml4 =
		va_to_ptr(va_init(MM_PERCPU_BASE + PERCPU_PML4_OFFSET));
	uint64_t want = us ? us->pml4e : 0;

	if (pml4[0] != want) {
		pml4[0] = want;
		write_cr3(read_cr3());
	}
}
