// SPDX-License-Identifier: MIT
/*
 * Per-CPU regions (include/svsm/percpu.h). The boot CPU's is built in
 * the kernel page tables, with prepare/commit and pages from the page
 * allocator, and GS pointed at its data. An AP's is built by the boot
 * CPU in a PML4 of the AP's own, reached only through the temporary
 * window; the AP points GS at it itself. On a failure everything mapped
 * so far stays mapped: the boot CPU's failure stops boot, an AP's leaves
 * that AP offline.
 */
#include "svsm/percpu.h"

#include <stddef.h>

#include "arch/insn.h"
#include "arch/msr.h"

#include "svsm/backtrace.h"
#include "svsm/log.h"
#include "svsm/panic.h"
#include "svsm/pgtable.h"
#include "svsm/string.h"
#include "svsm/tmpmap.h"

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
			return SVSM_ERR_BUSY;
		}
		memset(p, 0, PAGE_SIZE);
		tmpmap_unmap(p);
		err = pgtable_map_prepare(&b, kpt,
					  va_init(va + (uint64_t)i * PAGE_SIZE),
					  pa, 1, PT_PROT_WRITE);
		if (err != SVSM_OK) {
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
	if (err != SVSM_OK) {
		return err;
	}
	struct percpu *pc = va_to_ptr(va_init(data));

	pc->self = pc;
	pc->cpu_index = 0;
	pc->stack_bottom = stack;
	pc->stack_top = stack_top;
	backtrace_add_stack(stack, stack_top);
	/* GS first: once the window has moved, its slot mask is per CPU. */
	wrmsr(MSR_GS_BASE, data);
	log_percpu_ready();
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

/** Builds an AP's PML4 and region; see percpu.h. */
enum svsm_err percpu_init_ap(uint32_t cpu, struct percpu_ap *out)
{
	struct pgtable apt = { pa_init(0), mm_kernel_pgtable()->cpu };
	paddr_t data;
	enum svsm_err err = clone_pml4(&apt.root);

	if (err == SVSM_OK) {
		err = map_ap_region(&apt);
	}
	if (err == SVSM_OK) {
		err = fill_ap_data(&apt, cpu, &data);
	}
	if (err != SVSM_OK) {
		return err;
	}
	out->pml4 = apt.root;
	out->data = data;
	out->stack_top = MM_PERCPU_BASE + PERCPU_STACK_OFFSET +
			 (uint64_t)PERCPU_STACK_PAGES * PAGE_SIZE;
	return SVSM_OK;
}

/** This CPU's data, through GS. */
struct percpu *this_cpu(void)
{
	return va_to_ptr(va_init(read_gs_u64(0)));
}
