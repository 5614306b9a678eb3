// SPDX-License-Identifier: MIT
/*
 * Per-CPU regions (include/svsm/percpu.h). The boot CPU's is built in
 * the kernel page tables, with prepare/commit and pages from the page
 * allocator, and GS pointed at its data. An AP's is built by the boot
 * CPU in a PML4 of the AP's own, reached only through the temporary
 * window; the AP points GS at it itself. A failure while building the
 * boot CPU's region stops boot (what was mapped stays); a failure while
 * building an AP's frees everything taken so far (percpu_destroy_ap),
 * and smp.c frees the region of an AP that does not come online.
 *
 * Dynamic per-CPU variables: one allocator (`dyn`) over the dynamic
 * area, a bitmap of 16-byte units in use plus one of the units that
 * start a variable (so a free of anything but exactly an allocated
 * variable is refused). `dyn` also records, per CPU, the physical pages
 * of its area: the boot CPU's when it builds its own region, an AP's
 * once percpu_init_ap() succeeds, dropped by percpu_destroy_ap() before
 * the pages are freed. Other CPUs' copies are reached through this
 * CPU's window with `dyn.lock` held, so a region cannot be freed under
 * a zeroing or a read.
 *
 * Locking: `dyn.lock` (irqsave) is taken before the page allocator's
 * locks are ever needed, never inside them; nothing else is taken under
 * it (the window is per CPU and lock-free).
 */
#include "svsm/percpu.h"

#include <stddef.h>

#include "arch/insn.h"
#include "arch/msr.h"

#include "svsm/backtrace.h"
#include "svsm/boot.h"
#include "svsm/log.h"
#include "svsm/panic.h"
#include "svsm/pgtable.h"
#include "svsm/spinlock.h"
#include "svsm/string.h"
#include "svsm/tmpmap.h"

#define DYN_UNITS (PERCPU_DYN_SIZE / PERCPU_DYN_UNIT)
#define DYN_WORDS (DYN_UNITS / 64U)
#define UNITS_PER_PAGE (PAGE_SIZE / PERCPU_DYN_UNIT)

_Static_assert(PERCPU_DYN_SIZE == PERCPU_DYN_PAGES * PAGE_SIZE,
	       "dynamic area: size in pages");
_Static_assert(DYN_UNITS % 64U == 0, "dynamic area: whole bitmap words");
_Static_assert(PERCPU_DYN_OFFSET >= PERCPU_PML4_OFFSET + 2ULL * PAGE_SIZE &&
		       PERCPU_DYN_OFFSET + PERCPU_DYN_SIZE + PAGE_SIZE <=
			       PERCPU_WINDOW_OFFSET,
	       "dynamic area: guard pages on both sides, in the free VA");

/** The dynamic variables' allocator and every CPU's area; see above. */
static struct {
	struct spinlock lock;
	uint64_t used[DYN_WORDS]; /* units in use */
	uint64_t head[DYN_WORDS]; /* units that start a variable */
	uint32_t used_units;	  /* bits set in `used` */
	bool has_region[SVSM_MAX_CPUS];
	paddr_t pages[SVSM_MAX_CPUS][PERCPU_DYN_PAGES];
} dyn;

/** Returns a page this file took; cannot fail for such a page. */
static void free_page(uint32_t cpu, paddr_t pa)
{
	CHECK(page_free(cpu, pa, 0) == SVSM_OK);
}

/** The table an upper-level entry `e` links to (never a large page). */
static paddr_t entry_table(uint64_t e)
{
	CHECK(!(e & PTE_PS));
	return pa_init(pte_addr(e));
}

/**
 * Maps `pages` fresh, zeroed pages at `va` in `kpt`, read-write,
 * non-executable.
 */
static enum svsm_err map_fresh(struct pgtable *kpt, uint64_t va, uint32_t pages)
{
	for (uint32_t i = 0; i < pages; i++) {
		struct pt_batch b;
		paddr_t pa;
		enum svsm_err err = page_alloc(kpt->cpu, 0, &pa);

		if (err != SVSM_OK) {
			return err;
		}
		void *p = tmpmap_map(pa);

		if (!p) {
			free_page(kpt->cpu, pa);
			return SVSM_ERR_BUSY;
		}
		memset(p, 0, PAGE_SIZE);
		tmpmap_unmap(p);
		err = pgtable_map_prepare(&b, kpt,
					  va_init(va + (uint64_t)i * PAGE_SIZE),
					  pa, 1, PT_PROT_WRITE);
		if (err != SVSM_OK) {
			free_page(kpt->cpu, pa);
			return err;
		}
		pgtable_map_commit(&b);
	}
	return SVSM_OK;
}

/**
 * Creates the region's window in `kpt` and maps the window's page table
 * RW in the region; `table` receives that table.
 */
static enum svsm_err make_window(struct pgtable *kpt, paddr_t *table_out)
{
	uint64_t window = MM_PERCPU_BASE + PERCPU_WINDOW_OFFSET;
	uint64_t pt_va = MM_PERCPU_BASE + PERCPU_WINDOW_PT_OFFSET;
	struct pt_batch b;
	paddr_t table;
	enum svsm_err err;

	err = pgtable_map_prepare(&b, kpt, va_init(window), pa_init(0),
				  SVSM_TMP_WINDOW_PAGES, PT_PROT_RESERVE);
	if (err != SVSM_OK) {
		return err;
	}
	pgtable_map_commit(&b);
	if (!pgtable_leaf_table(kpt, va_init(window), &table)) {
		return SVSM_ERR_INVAL;
	}
	err = pgtable_map_prepare(&b, kpt, va_init(pt_va), table, 1,
				  PT_PROT_WRITE);
	if (err != SVSM_OK) {
		return err;
	}
	pgtable_map_commit(&b);
	*table_out = table;
	return SVSM_OK;
}

/** The boot CPU's window: made, then the kernel's window moved there. */
static enum svsm_err make_boot_window(void)
{
	uint64_t window = MM_PERCPU_BASE + PERCPU_WINDOW_OFFSET;
	uint64_t *ptes =
		va_to_ptr(va_init(MM_PERCPU_BASE + PERCPU_WINDOW_PT_OFFSET));
	paddr_t table;
	enum svsm_err err = make_window(mm_kernel_pgtable(), &table);

	if (err != SVSM_OK) {
		return err;
	}
	return tmpmap_move(window, &ptes[(window >> 12) & 511U]);
}

/**
 * Records `cpu`'s dynamic area, found in its page tables `pt`, so that
 * percpu_alloc() zeroes it and percpu_read_cpu() reaches it.
 * SVSM_ERR_EXISTS when `cpu` already has one.
 */
static enum svsm_err dyn_publish(uint32_t cpu, struct pgtable *pt)
{
	paddr_t pages[PERCPU_DYN_PAGES];
	uint64_t flags;
	enum svsm_err err = SVSM_OK;

	for (uint32_t i = 0; i < PERCPU_DYN_PAGES; i++) {
		uint64_t va = MM_PERCPU_BASE + PERCPU_DYN_OFFSET +
			      (uint64_t)i * PAGE_SIZE;

		if (!pgtable_lookup(pt, va_init(va), &pages[i], &flags)) {
			return SVSM_ERR_INVAL;
		}
	}
	flags = spin_lock_irqsave(&dyn.lock);
	if (dyn.has_region[cpu]) {
		err = SVSM_ERR_EXISTS;
	} else {
		memcpy(dyn.pages[cpu], pages, sizeof(pages));
		dyn.has_region[cpu] = true;
	}
	spin_unlock_irqrestore(&dyn.lock, flags);
	return err;
}

/**
 * Forgets `cpu`'s dynamic area if its first page is `first` (the region
 * being freed), so nothing reaches those pages once they are freed.
 */
static void dyn_unpublish(uint32_t cpu, paddr_t first)
{
	uint64_t flags = spin_lock_irqsave(&dyn.lock);

	if (dyn.has_region[cpu] &&
	    pa_addr(dyn.pages[cpu][0]) == pa_addr(first)) {
		dyn.has_region[cpu] = false;
		memset(dyn.pages[cpu], 0, sizeof(dyn.pages[cpu]));
	}
	spin_unlock_irqrestore(&dyn.lock, flags);
}

/**
 * Maps the boot CPU's PML4 (the kernel's root table) RW at
 * PERCPU_PML4_OFFSET, where every AP sees its own: the user half's entry
 * is switched there (percpu_pml4()).
 */
static enum svsm_err map_pml4(struct pgtable *kpt)
{
	struct pt_batch b;
	enum svsm_err err = pgtable_map_prepare(
		&b, kpt, va_init(MM_PERCPU_BASE + PERCPU_PML4_OFFSET),
		kpt->root, 1, PT_PROT_WRITE);

	if (err == SVSM_OK) {
		pgtable_map_commit(&b);
	}
	return err;
}

/** Builds the boot CPU's region; see percpu.h. */
enum svsm_err percpu_init_boot_cpu(void)
{
	uint64_t data = MM_PERCPU_BASE + PERCPU_DATA_OFFSET;
	uint64_t stack = MM_PERCPU_BASE + PERCPU_STACK_OFFSET;
	uint64_t stack_top = stack + (uint64_t)PERCPU_STACK_PAGES * PAGE_SIZE;
	struct pgtable *kpt = mm_kernel_pgtable();
	enum svsm_err err = map_fresh(kpt, data, 1);

	if (err == SVSM_OK) {
		err = map_fresh(kpt, stack, PERCPU_STACK_PAGES);
	}
	if (err == SVSM_OK) {
		err = map_fresh(kpt, MM_PERCPU_BASE + PERCPU_DYN_OFFSET,
				PERCPU_DYN_PAGES);
	}
	if (err == SVSM_OK) {
		err = dyn_publish(0, kpt);
	}
	if (err == SVSM_OK) {
		err = map_pml4(kpt);
	}
	if (err != SVSM_OK) {
		return err;
	}
	struct percpu *pc = va_to_ptr(va_init(data));

	pc->self = pc;
	pc->cpu_index = 0;
	pc->stack_bottom = stack;
	pc->stack_top = stack_top;
	pc->tss = cpu_boot_tss();
	backtrace_add_stack(stack, stack_top);
	/* GS first: once the window has moved, its slot mask is per CPU. */
	wrmsr(MSR_GS_BASE, data);
	log_percpu_ready();
	mm_percpu_ready();
	err = make_boot_window();
	if (err != SVSM_OK) {
		return err;
	}
	pc->window_va = tmpmap_window_va();
	return SVSM_OK;
}

/**
 * Allocates a zeroed PML4 for an AP and copies the boot PML4's entry 0
 * (the trampoline's identity map) and its upper half except entry 509.
 */
static enum svsm_err clone_pml4(paddr_t *out)
{
	paddr_t pa;
	enum svsm_err err = page_alloc(mm_kernel_pgtable()->cpu, 0, &pa);

	if (err != SVSM_OK) {
		return err;
	}
	uint64_t *dst = tmpmap_map(pa);
	uint64_t *src = tmpmap_map(mm_kernel_pgtable()->root);

	if (!dst || !src) {
		tmpmap_unmap(dst);
		tmpmap_unmap(src);
		CHECK(page_free(mm_kernel_pgtable()->cpu, pa, 0) == SVSM_OK);
		return SVSM_ERR_BUSY;
	}
	memset(dst, 0, PAGE_SIZE);
	dst[0] = src[0];
	for (uint32_t i = 256; i < 512U; i++) {
		dst[i] = i == PERCPU_PML4_INDEX ? 0 : src[i];
	}
	tmpmap_unmap(src);
	tmpmap_unmap(dst);
	*out = pa;
	return SVSM_OK;
}

/** Fills the AP's per-CPU data page (through the window). */
static enum svsm_err fill_ap_data(struct pgtable *apt, uint32_t cpu,
				  paddr_t *data_pa)
{
	uint64_t data = MM_PERCPU_BASE + PERCPU_DATA_OFFSET;
	uint64_t stack = MM_PERCPU_BASE + PERCPU_STACK_OFFSET;
	uint64_t ist_top[SVSM_IST_COUNT];
	uint64_t flags;
	paddr_t pa;

	if (!pgtable_lookup(apt, va_init(data), &pa, &flags)) {
		return SVSM_ERR_INVAL;
	}
	struct percpu *pc = tmpmap_map(pa);

	if (!pc) {
		return SVSM_ERR_BUSY;
	}
	for (uint32_t i = 0; i < SVSM_IST_COUNT; i++) {
		ist_top[i] = MM_PERCPU_BASE + PERCPU_IST_OFFSET +
			     i * PERCPU_IST_STRIDE + SVSM_IST_STACK_SIZE;
	}
	pc->self = va_to_ptr(va_init(data));
	pc->cpu_index = cpu;
	pc->stack_bottom = stack;
	pc->stack_top = stack + (uint64_t)PERCPU_STACK_PAGES * PAGE_SIZE;
	pc->window_va = MM_PERCPU_BASE + PERCPU_WINDOW_OFFSET;
	pc->tss =
		va_to_ptr(va_init(data + offsetof(struct percpu, tables.tss)));
	cpu_tables_fill(&pc->tables, data + offsetof(struct percpu, tables),
			ist_top);
	tmpmap_unmap(pc);
	*data_pa = pa;
	return SVSM_OK;
}

/** Maps the AP's region into its own PML4 `apt`. */
static enum svsm_err map_ap_region(struct pgtable *apt)
{
	uint64_t base = MM_PERCPU_BASE;
	struct pt_batch b;
	paddr_t table;
	enum svsm_err err = map_fresh(apt, base + PERCPU_DATA_OFFSET, 1);

	if (err == SVSM_OK) {
		err = map_fresh(apt, base + PERCPU_STACK_OFFSET,
				PERCPU_STACK_PAGES);
	}
	for (uint32_t i = 0; i < SVSM_IST_COUNT && err == SVSM_OK; i++) {
		err = map_fresh(
			apt, base + PERCPU_IST_OFFSET + i * PERCPU_IST_STRIDE,
			SVSM_IST_STACK_SIZE / PAGE_SIZE);
	}
	if (err == SVSM_OK) {
		err = map_fresh(apt, base + PERCPU_DYN_OFFSET,
				PERCPU_DYN_PAGES);
	}
	if (err == SVSM_OK) {
		err = make_window(apt, &table);
	}
	if (err == SVSM_OK) {
		err = pgtable_map_prepare(&b, apt,
					  va_init(base + PERCPU_PML4_OFFSET),
					  apt->root, 1, PT_PROT_WRITE);
	}
	if (err == SVSM_OK) {
		pgtable_map_commit(&b);
	}
	return err;
}

/** Frees the pages mapped at [va, va + pages * 4 KiB) in `apt`, if any. */
static void free_mapped(struct pgtable *apt, uint64_t va, uint32_t pages)
{
	for (uint32_t i = 0; i < pages; i++) {
		paddr_t pa;
		uint64_t flags;

		if (pgtable_lookup(apt, va_init(va + (uint64_t)i * PAGE_SIZE),
				   &pa, &flags)) {
			free_page(apt->cpu, pa);
		}
	}
}

/** Frees the page tables a page directory `pd` links to, then `pd`. */
static void free_pd(uint32_t cpu, paddr_t pd)
{
	uint64_t *t = tmpmap_map(pd);

	CHECK(t != NULL);
	for (uint32_t i = 0; i < 512U; i++) {
		if (t[i] & PTE_P) {
			free_page(cpu, entry_table(t[i]));
		}
	}
	tmpmap_unmap(t);
	free_page(cpu, pd);
}

/**
 * Frees the tables under the region's PML4 entry of `apt` (PDPT, page
 * directories, page tables) and clears that entry. Only entry 509 is
 * the AP's own: the rest of its PML4 shares the kernel's tables.
 */
static void free_region_tables(struct pgtable *apt)
{
	uint64_t *pml4 = tmpmap_map(apt->root);
	uint64_t e;

	CHECK(pml4 != NULL);
	e = pml4[PERCPU_PML4_INDEX];
	pml4[PERCPU_PML4_INDEX] = 0;
	tmpmap_unmap(pml4);
	if (!(e & PTE_P)) {
		return;
	}
	paddr_t pdpt = pa_init(pte_addr(e));
	uint64_t *t = tmpmap_map(pdpt);

	CHECK(t != NULL);
	for (uint32_t i = 0; i < 512U; i++) {
		if (t[i] & PTE_P) {
			free_pd(apt->cpu, entry_table(t[i]));
		}
	}
	tmpmap_unmap(t);
	free_page(apt->cpu, pdpt);
}

/**
 * Frees an AP's region and PML4 `apt`, built completely or in part: the
 * pages the region owns (data, stack, IST stacks, dynamic area; not the
 * window's slots, its page table or the PML4, which are tables), then
 * the tables, then the PML4.
 */
static void destroy_region(uint32_t cpu, struct pgtable *apt)
{
	uint64_t base = MM_PERCPU_BASE;
	paddr_t first;
	uint64_t flags;

	if (pgtable_lookup(apt, va_init(base + PERCPU_DYN_OFFSET), &first,
			   &flags)) {
		dyn_unpublish(cpu, first);
	}
	free_mapped(apt, base + PERCPU_DATA_OFFSET, 1);
	free_mapped(apt, base + PERCPU_STACK_OFFSET, PERCPU_STACK_PAGES);
	for (uint32_t i = 0; i < SVSM_IST_COUNT; i++) {
		free_mapped(apt,
			    base + PERCPU_IST_OFFSET + i * PERCPU_IST_STRIDE,
			    SVSM_IST_STACK_SIZE / PAGE_SIZE);
	}
	free_mapped(apt, base + PERCPU_DYN_OFFSET, PERCPU_DYN_PAGES);
	free_region_tables(apt);
	free_page(apt->cpu, apt->root);
}

/** Builds an AP's PML4 and region; see percpu.h. */
enum svsm_err percpu_init_ap(uint32_t cpu, struct percpu_ap *out)
{
	struct pgtable apt = { pa_init(0), mm_kernel_pgtable()->cpu };
	paddr_t data;
	enum svsm_err err;

	if (cpu == 0 || cpu >= SVSM_MAX_CPUS) {
		return SVSM_ERR_INVAL;
	}
	if (__atomic_load_n(&dyn.has_region[cpu], __ATOMIC_RELAXED)) {
		return SVSM_ERR_EXISTS;
	}
	err = clone_pml4(&apt.root);
	if (err != SVSM_OK) {
		return err;
	}
	err = map_ap_region(&apt);
	if (err == SVSM_OK) {
		err = fill_ap_data(&apt, cpu, &data);
	}
	if (err == SVSM_OK) {
		err = dyn_publish(cpu, &apt);
	}
	if (err != SVSM_OK) {
		destroy_region(cpu, &apt);
		return err;
	}
	out->pml4 = apt.root;
	out->data = data;
	out->stack_top = MM_PERCPU_BASE + PERCPU_STACK_OFFSET +
			 (uint64_t)PERCPU_STACK_PAGES * PAGE_SIZE;
	return SVSM_OK;
}

/** Frees a stopped AP's region; see percpu.h. */
void percpu_destroy_ap(uint32_t cpu, struct percpu_ap *ap)
{
	struct pgtable apt = { ap->pml4, mm_kernel_pgtable()->cpu };

	CHECK(cpu < SVSM_MAX_CPUS);
	if (pa_addr(ap->pml4) == 0) {
		return;
	}
	destroy_region(cpu, &apt);
	*ap = (struct percpu_ap){ 0 };
}

/** This CPU's data, through GS. */
struct percpu *this_cpu(void)
{
	return va_to_ptr(va_init(read_gs_u64(0)));
}

/** Whether unit `u` is set in `map`. */
static bool unit_test(const uint64_t *map, uint32_t u)
{
	return (map[u / 64U] >> (u % 64U)) & 1U;
}

/** Sets (`on`) or clears units [u, u + n) of `map`. */
static void units_set(uint64_t *map, uint32_t u, uint32_t n, bool on)
{
	for (uint32_t i = u; i < u + n; i++) {
		if (on) {
			map[i / 64U] |= 1ULL << (i % 64U);
		} else {
			map[i / 64U] &= ~(1ULL << (i % 64U));
		}
	}
}

/**
 * First fit: the first start, a multiple of `align_units`, of `n` free
 * units that stay within one page; DYN_UNITS when there is none.
 */
static uint32_t dyn_find(uint32_t n, uint32_t align_units)
{
	uint32_t u = 0;

	while (u + n <= DYN_UNITS) {
		uint32_t page_end = (u / UNITS_PER_PAGE + 1U) * UNITS_PER_PAGE;
		uint32_t busy = u;

		if (u + n > page_end) {
			u = page_end; /* page starts are aligned enough */
			continue;
		}
		while (busy < u + n && !unit_test(dyn.used, busy)) {
			busy++;
		}
		if (busy == u + n) {
			return u;
		}
		/* Past the unit in use, at the next aligned start. */
		u = (busy / align_units + 1U) * align_units;
	}
	return DYN_UNITS;
}

/**
 * Zeroes [offset, offset + size) of every recorded CPU's copy through
 * the window; `dyn.lock` held. SVSM_ERR_BUSY when no slot is free.
 */
static enum svsm_err dyn_zero_all(uint32_t offset, uint32_t size)
{
	for (uint32_t cpu = 0; cpu < SVSM_MAX_CPUS; cpu++) {
		if (!dyn.has_region[cpu]) {
			continue;
		}
		uint8_t *p = tmpmap_map(dyn.pages[cpu][offset / PAGE_SIZE]);

		if (!p) {
			return SVSM_ERR_BUSY;
		}
		memset(p + offset % PAGE_SIZE, 0, size);
		tmpmap_unmap(p);
	}
	return SVSM_OK;
}

/** Allocates a dynamic per-CPU variable; see percpu.h. */
enum svsm_err percpu_alloc(size_t size, size_t align, struct percpu_var *out)
{
	uint32_t n;
	uint32_t align_units;
	uint32_t u;
	uint64_t flags;
	enum svsm_err err = SVSM_OK;

	if (size == 0 || size > PAGE_SIZE || align == 0 ||
	    (align & (align - 1U)) != 0 || align > PAGE_SIZE) {
		return SVSM_ERR_INVAL;
	}
	n = (uint32_t)((size + PERCPU_DYN_UNIT - 1U) / PERCPU_DYN_UNIT);
	align_units = align < PERCPU_DYN_UNIT
			      ? 1U
			      : (uint32_t)(align / PERCPU_DYN_UNIT);
	flags = spin_lock_irqsave(&dyn.lock);
	if (!dyn.has_region[0]) {
		err = SVSM_ERR_BUSY;
		goto out;
	}
	u = dyn_find(n, align_units);
	if (u == DYN_UNITS) {
		err = SVSM_ERR_NOMEM;
		goto out;
	}
	err = dyn_zero_all(u * PERCPU_DYN_UNIT, n * PERCPU_DYN_UNIT);
	if (err != SVSM_OK) {
		goto out;
	}
	units_set(dyn.used, u, n, true);
	units_set(dyn.head, u, 1, true);
	dyn.used_units += n;
	*out = (struct percpu_var){ u * PERCPU_DYN_UNIT, (uint32_t)size };
out:
	spin_unlock_irqrestore(&dyn.lock, flags);
	return err;
}

/**
 * Whether `v` is exactly a live variable: it starts at a head unit, all
 * its units are in use, none but the first is a head, and the unit after
 * it is not a continuation of it. `dyn.lock` held.
 */
static bool dyn_is_live(struct percpu_var v)
{
	uint32_t u = v.offset / PERCPU_DYN_UNIT;
	uint32_t n = (v.size + PERCPU_DYN_UNIT - 1U) / PERCPU_DYN_UNIT;

	if (v.size == 0 || v.size > PAGE_SIZE || v.offset % PERCPU_DYN_UNIT ||
	    v.offset >= PERCPU_DYN_SIZE || u + n > DYN_UNITS) {
		return false;
	}
	for (uint32_t i = u; i < u + n; i++) {
		if (!unit_test(dyn.used, i) ||
		    unit_test(dyn.head, i) != (i == u)) {
			return false;
		}
	}
	return u + n == DYN_UNITS || !unit_test(dyn.used, u + n) ||
	       unit_test(dyn.head, u + n);
}

/** Frees a dynamic per-CPU variable; see percpu.h. */
enum svsm_err percpu_free(struct percpu_var v)
{
	uint64_t flags = spin_lock_irqsave(&dyn.lock);
	uint32_t u = v.offset / PERCPU_DYN_UNIT;
	uint32_t n = (v.size + PERCPU_DYN_UNIT - 1U) / PERCPU_DYN_UNIT;
	bool is_live = dyn_is_live(v);

	if (is_live) {
		units_set(dyn.used, u, n, false);
		units_set(dyn.head, u, 1, false);
		dyn.used_units -= n;
	}
	spin_unlock_irqrestore(&dyn.lock, flags);
	return is_live ? SVSM_OK : SVSM_ERR_INVAL;
}

/** This CPU's copy of `v`; see percpu.h. */
void *percpu_ptr(struct percpu_var v)
{
	if (v.size == 0 || v.offset >= PERCPU_DYN_SIZE ||
	    v.size > PERCPU_DYN_SIZE - v.offset) {
		return NULL;
	}
	return va_to_ptr(
		va_init(MM_PERCPU_BASE + PERCPU_DYN_OFFSET + v.offset));
}

/** Copies CPU `cpu`'s copy of `v`; `dyn.lock` held. */
static enum svsm_err dyn_read(struct percpu_var v, uint32_t cpu, void *out)
{
	const uint8_t *p;

	if (cpu >= SVSM_MAX_CPUS || !dyn.has_region[cpu]) {
		return SVSM_ERR_NOTFOUND;
	}
	p = tmpmap_map(dyn.pages[cpu][v.offset / PAGE_SIZE]);
	if (!p) {
		return SVSM_ERR_BUSY;
	}
	memcpy(out, p + v.offset % PAGE_SIZE, v.size);
	tmpmap_unmap((void *)p);
	return SVSM_OK;
}

/** Reads another CPU's copy; see percpu.h. */
enum svsm_err percpu_read_cpu(struct percpu_var v, uint32_t cpu, void *out)
{
	uint64_t flags = spin_lock_irqsave(&dyn.lock);
	enum svsm_err err =
		dyn_is_live(v) ? dyn_read(v, cpu, out) : SVSM_ERR_INVAL;

	spin_unlock_irqrestore(&dyn.lock, flags);
	return err;
}

/** Sums a per-CPU counter; see percpu.h. */
enum svsm_err percpu_sum_u64(struct percpu_var v, uint64_t *sum)
{
	uint64_t flags = spin_lock_irqsave(&dyn.lock);
	enum svsm_err err = SVSM_OK;
	uint64_t total = 0;

	if (v.size != sizeof(uint64_t) || !dyn_is_live(v)) {
		err = SVSM_ERR_INVAL;
	}
	for (uint32_t cpu = 0; cpu < SVSM_MAX_CPUS && err == SVSM_OK; cpu++) {
		uint64_t x;

		if (!dyn.has_region[cpu]) {
			continue;
		}
		err = dyn_read(v, cpu, &x);
		if (err == SVSM_OK) {
			total += x;
		}
	}
	spin_unlock_irqrestore(&dyn.lock, flags);
	if (err == SVSM_OK) {
		*sum = total;
	}
	return err;
}

/** Bytes of the dynamic area in use; see percpu.h. */
uint32_t percpu_dyn_used(void)
{
	return __atomic_load_n(&dyn.used_units, __ATOMIC_RELAXED) *
	       PERCPU_DYN_UNIT;
}
