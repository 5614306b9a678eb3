// SPDX-License-Identifier: MIT
/*
 * The boot CPU's per-CPU region (include/svsm/percpu.h): built with the
 * kernel page tables' prepare/commit, pages from the page allocator, and
 * GS pointed at its data. On a failure everything mapped so far stays
 * mapped and boot stops: this runs once, before anything depends on it.
 */
#include "svsm/percpu.h"

#include "arch/insn.h"
#include "arch/msr.h"

#include "svsm/backtrace.h"
#include "svsm/pgtable.h"
#include "svsm/string.h"
#include "svsm/tmpmap.h"

/** Maps `pages` fresh, zeroed pages at `va`, read-write, non-executable. */
static enum svsm_err map_fresh(uint64_t va, uint32_t pages)
{
	struct pgtable *kpt = mm_kernel_pgtable();

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
		err = pgtable_map_prepare(&b, kpt, va_init(va + i * PAGE_SIZE),
					  pa, 1, PT_PROT_WRITE);
		if (err != SVSM_OK) {
			return err;
		}
		pgtable_map_commit(&b);
	}
	return SVSM_OK;
}

/** Creates the region's window and moves the kernel's window into it. */
static enum svsm_err make_window(void)
{
	struct pgtable *kpt = mm_kernel_pgtable();
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
	uint64_t *ptes = va_to_ptr(va_init(pt_va));

	return tmpmap_move(window, &ptes[(window >> 12) & 511U]);
}

/** Builds the boot CPU's region; see percpu.h. */
enum svsm_err percpu_init_boot_cpu(void)
{
	uint64_t data = MM_PERCPU_BASE + PERCPU_DATA_OFFSET;
	uint64_t stack = MM_PERCPU_BASE + PERCPU_STACK_OFFSET;
	uint64_t stack_top = stack + (uint64_t)PERCPU_STACK_PAGES * PAGE_SIZE;
	enum svsm_err err = map_fresh(data, 1);

	if (err == SVSM_OK) {
		err = map_fresh(stack, PERCPU_STACK_PAGES);
	}
	if (err == SVSM_OK) {
		err = make_window();
	}
	if (err != SVSM_OK) {
		return err;
	}
	struct percpu *pc = va_to_ptr(va_init(data));

	pc->self = pc;
	pc->cpu_index = 0;
	pc->stack_bottom = stack;
	pc->stack_top = stack_top;
	pc->window_va = tmpmap_window_va();
	backtrace_add_stack(stack, stack_top);
	wrmsr(MSR_GS_BASE, data);
	return SVSM_OK;
}

/** This CPU's data, through GS. */
struct percpu *this_cpu(void)
{
	return va_to_ptr(va_init(read_gs_u64(0)));
}
