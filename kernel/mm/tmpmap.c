// SPDX-License-Identifier: MIT
/*
 * The temporary mapping window (include/svsm/tmpmap.h). The window's
 * page table is a boot page-table page, so its entries are written
 * through the builder's page-table window. Single CPU for now: the SMP
 * work moves the window into each CPU's own region.
 */
#include "svsm/tmpmap.h"

#include <stddef.h>

#include "arch/insn.h"

#include "svsm/pgtable.h"

static uint64_t *window_ptes; /* SVSM_TMP_WINDOW_PAGES entries */
static uint64_t window_va;
static uint32_t used_mask;

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
		table = boot_table(li, e & PTE_ADDR_MASK);
	}
	if (!table) {
		return SVSM_ERR_INVAL;
	}
	window_ptes = &table[(va >> 12) & 511U];
	window_va = va;
	used_mask = 0;
	return SVSM_OK;
}

/** Moves the window; see tmpmap.h. */
enum svsm_err tmpmap_move(uint64_t va, uint64_t *ptes)
{
	if (used_mask != 0) {
		return SVSM_ERR_BUSY;
	}
	window_ptes = ptes;
	window_va = va;
	return SVSM_OK;
}

uint64_t tmpmap_window_va(void)
{
	return window_va;
}

/** Maps `pa` into a free slot; NULL when all are in use. */
void *tmpmap_map(paddr_t pa)
{
	for (uint32_t i = 0; i < SVSM_TMP_WINDOW_PAGES; i++) {
		if (used_mask & (1U << i)) {
			continue;
		}
		uint64_t va = window_va + (uint64_t)i * PAGE_SIZE;

		used_mask |= 1U << i;
		window_ptes[i] = (pa_addr(pa) & PTE_ADDR_MASK) | PTE_P |
				 PTE_RW | PTE_A | PTE_D | PTE_NX;
		invlpg(va);
		return va_to_ptr(va_init(va));
	}
	return NULL;
}

/** Unmaps a slot; ignores pointers outside the window. */
void tmpmap_unmap(void *va)
{
	uint64_t page = (uint64_t)va & ~(uint64_t)(PAGE_SIZE - 1U);
	uint64_t i = (page - window_va) / PAGE_SIZE;

	if (page < window_va || i >= SVSM_TMP_WINDOW_PAGES) {
		return;
	}
	window_ptes[i] = 0;
	invlpg(page);
	used_mask &= ~(1U << i);
}

uint32_t tmpmap_slots_used(void)
{
	uint32_t n = 0;

	for (uint32_t m = used_mask; m != 0; m &= m - 1U) {
		n++;
	}
	return n;
}
