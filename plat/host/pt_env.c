// SPDX-License-Identifier: MIT
/*
 * The host stand-in for the kernel's page-table environment: "physical"
 * memory is a host buffer that the unit tests give to the page allocator,
 * and pt_page_map() points into it. It also counts what the kernel would
 * do (maps outstanding, TLB flushes) so tests can check the contract.
 */
#include "pt_env.h"

#include <stdlib.h>

static uint8_t *fake_mem;
static uint64_t fake_base;
static uint64_t fake_size;
static uint32_t maps_outstanding;
static uint32_t maps_peak;
static uint64_t flushes;
static uint64_t flush_calls;
static uint64_t last_flush_va;

/** Backs [base, base + size) with `mem`; resets the counters. */
void pt_env_init(uint8_t *mem, uint64_t base, uint64_t size)
{
	fake_mem = mem;
	fake_base = base;
	fake_size = size;
	maps_outstanding = 0;
	maps_peak = 0;
	flushes = 0;
	flush_calls = 0;
	last_flush_va = 0;
}

/** Maps a table page: a pointer into the fake memory; aborts if outside. */
uint64_t *pt_page_map(paddr_t table)
{
	uint64_t pa = pa_addr(table);

	if (pa < fake_base || pa - fake_base >= fake_size || (pa & 0xFFFU)) {
		abort(); /* a test or pgtable bug: never a valid outcome */
	}
	maps_outstanding++;
	if (maps_outstanding > maps_peak) {
		maps_peak = maps_outstanding;
	}
	return (uint64_t *)(void *)(fake_mem + (pa - fake_base));
}

/* NOLINTNEXTLINE(readability-non-const-parameter): the kernel's signature */
void pt_page_unmap(uint64_t *table)
{
	(void)table;
	maps_outstanding--;
}

void pt_flush_tlb_range(vaddr_t va, uint64_t pages)
{
	flush_calls++;
	flushes += pages;
	last_flush_va = va_addr(va);
}

uint32_t pt_env_maps_peak(void)
{
	return maps_peak;
}

uint32_t pt_env_maps_outstanding(void)
{
	return maps_outstanding;
}

uint64_t pt_env_flushes(void)
{
	return flushes;
}

uint64_t pt_env_flush_calls(void)
{
	return flush_calls;
}

uint64_t pt_env_last_flush_va(void)
{
	return last_flush_va;
}
