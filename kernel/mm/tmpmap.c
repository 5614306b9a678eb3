// SPDX-License-Identifier: MIT
/*
 * The temporary mapping window (include/svsm/tmpmap.h). The window's
 * page table is a boot page-table page, so its entries are written
 * through the builder's page-table window.
 *
 * SMP. percpu_init_boot_cpu() moves the window into the per-CPU region
 * (tmpmap_move), once GS points at the boot CPU's data. From then on
 * every CPU's window, and the page table holding its entries, sit at
 * the same virtual addresses in its own region (`window_va` and
 * `window_ptes` are the same for all CPUs but reach each CPU's own
 * memory), and the slot mask is the CPU's own, in its per-CPU data
 * (`struct percpu.tmp_used_mask`). A slot is flushed from this CPU's TLB
 * only, which is all it needs. The mask is updated with interrupts off,
 * so tasks preempted on one CPU never share a slot; a task holding a
 * slot must not move to another CPU (tasks run on CPU 0 only for now).
 * No lock: nothing here is shared between CPUs once the window moved.
 */
#include "svsm/tmpmap.h"

#include <stdbool.h>
#include <stddef.h>

#include "arch/insn.h"

#include "svsm/percpu.h"
#include "svsm/pgtable.h"
#include "svsm/spinlock.h"

static uint64_t *window_ptes; /* SVSM_TMP_WINDOW_PAGES entries */
static uint64_t window_va;
static uint32_t boot_mask; /* the slot mask until the window moves */
static bool is_percpu;	   /* moved: the mask is in this CPU's data */

/** This CPU's slot mask. */
static uint32_t *used_mask(void)
{
	return is_percpu ? &this_cpu()->tmp_used_mask : &boot_mask;
}

/** A boot page-table page through the builder's window, or NULL. */
static uint64_t *boot_table(const struct svsm_launch_info *li, uint64_t pa)
{
	if (pa < li->pt_pbase || pa >= li->pt_pend || (pa & 0xFFFU)) {
		return NULL;
	}
	return (uint64_t *)va_to_ptr(
		va_init(li->pt_window_va + (pa - li->pt_pbase)));
}

/** Walks the boot tables to the page table of the window. */
enum svsm_err tmpmap_init(const struct svsm_launch_info *li)
{
	uint64_t va = li->tmp_window_va;
	uint64_t *table = boot_table(li, li->pt_root_pa);

	if (va == 0 || li->pt_window_va == 0 ||
	    ((va >> 12) & 511U) + SVSM_TMP_WINDOW_PAGES > 512U) {
		return SVSM_ERR_INVAL;
	}
	for (uint32_t level = 4; level > 1 && table; level--) {
		uint64_t e = table[(va >> (12U + 9U * (level - 1U))) & 511U];

		if (!(e & PTE_P) || (e & PTE_PS)) {
			return SVSM_ERR_INVAL;
		}
		table = boot_table(li, pte_addr(e));
	}
	if (!table) {
		return SVSM_ERR_INVAL;
	}
	window_ptes = &table[(va >> 12) & 511U];
	window_va = va;
	boot_mask = 0;
	is_percpu = false;
	return SVSM_OK;
}

/** Moves the window; see tmpmap.h. */
enum svsm_err tmpmap_move(uint64_t va, uint64_t *ptes)
{
	if (*used_mask() != 0) {
		return SVSM_ERR_BUSY;
	}
	window_ptes = ptes;
	window_va = va;
	is_percpu = true;
	return SVSM_OK;
}

uint64_t tmpmap_window_va(void)
{
	return window_va;
}

/** Maps `pa` into a free slot of this CPU's window; NULL if none. */
void *tmpmap_map(paddr_t pa)
{
	uint64_t flags = irq_save();
	uint32_t *mask = used_mask();

	for (uint32_t i = 0; i < SVSM_TMP_WINDOW_PAGES; i++) {
		if (*mask & (1U << i)) {
			continue;
		}
		uint64_t va = window_va + (uint64_t)i * PAGE_SIZE;

		*mask |= 1U << i;
		window_ptes[i] = (pa_addr(pa) & PTE_ADDR_MASK) |
				 pgtable_enc_mask() | PTE_P | PTE_RW | PTE_A |
				 PTE_D | PTE_NX;
		invlpg(va);
		irq_restore(flags);
		return va_to_ptr(va_init(va));
	}
	irq_restore(flags);
	return NULL;
}

/** Unmaps a slot; ignores pointers outside the window. */
void tmpmap_unmap(void *va)
{
	uint64_t page = (uint64_t)va & ~(uint64_t)(PAGE_SIZE - 1U);
	uint64_t i = (page - window_va) / PAGE_SIZE;

	uint64_t flags;

	if (page < window_va || i >= SVSM_TMP_WINDOW_PAGES) {
		return;
	}
	flags = irq_save();
	window_ptes[i] = 0;
	invlpg(page);
	*used_mask() &= ~(1U << i);
	irq_restore(flags);
}

/** Slots in use in this CPU's window. */
uint32_t tmpmap_slots_used(void)
{
	uint32_t n = 0;

	for (uint32_t m = *used_mask(); m != 0; m &= m - 1U) {
		n++;
	}
	return n;
}
