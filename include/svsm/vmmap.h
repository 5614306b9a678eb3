/* SPDX-License-Identifier: MIT */
/*
 * A process's map of used user address ranges: a sorted array of
 * disjoint, non-adjacent intervals (adjacent ones are merged, whatever
 * their protection: the page tables hold that). The memory calls
 * (kernel/sys/mem.c) consult it to place mmap top-down, to refuse
 * MAP_FIXED_NOREPLACE over used space and mprotect over holes. At most
 * VM_AREAS_MAX intervals: an operation that would need more is refused
 * before it changes anything. Pure bookkeeping, no locking: a process's
 * map is changed only by its own task.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "svsm/err.h"

#define VM_AREAS_MAX 128U

/** One used range [start, end), page aligned. */
struct vm_area {
	uint64_t start;
	uint64_t end;
};

/** The used ranges of one address space, sorted by address. */
struct vm_map {
	struct vm_area areas[VM_AREAS_MAX];
	uint32_t count;
};

/** Whether no part of [start, end) is used. */
bool vm_map_is_free(const struct vm_map *m, uint64_t start, uint64_t end);
/** Whether every byte of [start, end) is used. */
bool vm_map_covers(const struct vm_map *m, uint64_t start, uint64_t end);
/**
 * Marks [start, end) used; it must be free (SVSM_ERR_EXISTS) and
 * start < end (SVSM_ERR_INVAL). SVSM_ERR_RANGE when the map is full.
 */
enum svsm_err vm_map_insert(struct vm_map *m, uint64_t start,
			    uint64_t end) SVSM_MUST_CHECK;
/**
 * Marks [start, end) free, whatever part of it was used. SVSM_ERR_RANGE
 * (and no change) if that splits an interval in a full map.
 */
enum svsm_err vm_map_remove(struct vm_map *m, uint64_t start,
			    uint64_t end) SVSM_MUST_CHECK;
/**
 * The highest `size`-byte free range inside [lo, hi): its start in
 * `*out`. False if there is none.
 */
bool vm_map_find_top(const struct vm_map *m, uint64_t lo, uint64_t hi,
		     uint64_t size, uint64_t *out);
