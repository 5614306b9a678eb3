/* SPDX-License-Identifier: MIT */
/* Host stand-in for the page-table environment; see pt_env.c. */
#pragma once

#include <stdint.h>

#include "svsm/pgtable.h"

/** Backs physical [base, base + size) with `mem`; resets the counters. */
void pt_env_init(uint8_t *mem, uint64_t base, uint64_t size);
/** Most table pages mapped at once since pt_env_init(). */
uint32_t pt_env_maps_peak(void);
/** Table pages mapped now (0 between calls). */
uint32_t pt_env_maps_outstanding(void);
/** Pages flushed from the TLB since pt_env_init(). */
uint64_t pt_env_flushes(void);
/** pt_flush_tlb_range() calls since pt_env_init(). */
uint64_t pt_env_flush_calls(void);
/** The start of the last range flushed. */
uint64_t pt_env_last_flush_va(void);
