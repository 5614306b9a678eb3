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
#include "svsm/tmpmap.h"

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
		paddr_t child = pa_init(e & PTE_ADDR_MASK);

		if (!(e & PTE_P)) {
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
