/* SPDX-License-Identifier: MIT */
/*
 * The temporary mapping window: the only way kernel code touches a
 * physical page that is not part of its image. A page is mapped into one
 * of SVSM_TMP_WINDOW_PAGES slots for the length of an access and unmapped
 * again. The slots' page table was built by igvmbld, so mapping never
 * allocates.
 */
#pragma once

#include <stdint.h>

#include "svsm/addr.h"
#include "svsm/err.h"

#include "uapi/svsm/launch.h"

/** Finds the window's page table through the boot page-table window. */
enum svsm_err tmpmap_init(const struct svsm_launch_info *li) SVSM_MUST_CHECK;
/**
 * Moves the window to `window_va`, whose SVSM_TMP_WINDOW_PAGES entries
 * are at `ptes` (the window's page table, mapped). SVSM_ERR_BUSY while a
 * slot is in use.
 */
enum svsm_err tmpmap_move(uint64_t window_va, uint64_t *ptes) SVSM_MUST_CHECK;
/** The window's first page. */
uint64_t tmpmap_window_va(void);
/**
 * Maps the page at `pa` read-write, non-executable, in a free slot.
 * Returns NULL when every slot is in use.
 */
void *tmpmap_map(paddr_t pa);
/** Unmaps a slot returned by tmpmap_map() and flushes it from the TLB. */
void tmpmap_unmap(void *va);
/** Slots in use now. */
uint32_t tmpmap_slots_used(void);
