// SPDX-License-Identifier: MIT
/*
 * The used-range map of a user address space (svsm/vmmap.h): a sorted
 * array searched linearly (at most VM_AREAS_MAX entries). Insertion
 * merges with the neighbours it touches; removal trims, drops or splits
 * the intervals it overlaps. Every change checks capacity first, so a
 * refused change leaves the map as it was.
 */
#include "svsm/vmmap.h"

#include "svsm/string.h"

bool vm_map_is_free(const struct vm_map *m, uint64_t start, uint64_t end)
{
	for (uint32_t i = 0; i < m->count; i++) {
		if (m->areas[i].start < end && start < m->areas[i].end) {
			return false;
		}
	}
	return true;
}

bool vm_map_covers(const struct vm_map *m, uint64_t start, uint64_t end)
{
	uint64_t at = start;

	for (uint32_t i = 0; i < m->count && at < end; i++) {
		if (m->areas[i].end <= at) {
			continue;
		}
		if (m->areas[i].start > at) {
			return false;
		}
		at = m->areas[i].end;
	}
	return at >= end;
}

/** Moves areas [from, count) by `shift` slots (+1 or -1). */
static void shift_areas(struct vm_map *m, uint32_t from, int32_t shift)
{
	uint32_t n = m->count - from;

	memmove(&m->areas[(int64_t)from + shift], &m->areas[from],
		n * sizeof(m->areas[0]));
	m->count = (uint32_t)((int64_t)m->count + shift);
}

enum svsm_err vm_map_insert(struct vm_map *m, uint64_t start, uint64_t end)
{
	uint32_t i = 0;

	if (start >= end) {
		return SVSM_ERR_INVAL;
	}
	if (!vm_map_is_free(m, start, end)) {
		return SVSM_ERR_EXISTS;
	}
	while (i < m->count && m->areas[i].end < start) {
		i++;
	}
	bool joins_prev = i < m->count && m->areas[i].end == start;
	uint32_t next = joins_prev ? i + 1U : i;
	bool joins_next = next < m->count && m->areas[next].start == end;

	if (joins_prev && joins_next) {
		m->areas[i].end = m->areas[next].end;
		shift_areas(m, next + 1U, -1);
	} else if (joins_prev) {
		m->areas[i].end = end;
	} else if (joins_next) {
		m->areas[next].start = start;
	} else {
		if (m->count == VM_AREAS_MAX) {
			return SVSM_ERR_RANGE;
		}
		shift_areas(m, i, 1);
		m->areas[i] = (struct vm_area){ start, end };
	}
	return SVSM_OK;
}

enum svsm_err vm_map_remove(struct vm_map *m, uint64_t start, uint64_t end)
{
	uint32_t i = 0;

	while (i < m->count && start < end) {
		struct vm_area *a = &m->areas[i];

		if (a->end <= start || a->start >= end) {
			i++;
			continue;
		}
		if (a->start < start && a->end > end) { /* split in two */
			if (m->count == VM_AREAS_MAX) {
				return SVSM_ERR_RANGE;
			}
			shift_areas(m, i, 1);
			m->areas[i].end = start;
			m->areas[i + 1U].start = end;
			return SVSM_OK;
		}
		if (a->start < start) {
			a->end = start;
			i++;
		} else if (a->end > end) {
			a->start = end;
			i++;
		} else {
			shift_areas(m, i + 1U, -1);
		}
	}
	return SVSM_OK;
}

bool vm_map_find_top(const struct vm_map *m, uint64_t lo, uint64_t hi,
		     uint64_t size, uint64_t *out)
{
	uint64_t top = hi;

	if (size == 0 || lo >= hi || size > hi - lo) {
		return false;
	}
	for (uint32_t i = m->count; i-- > 0;) {
		const struct vm_area *a = &m->areas[i];

		if (a->start >= top) {
			continue;
		}
		if (a->end <= top && top - a->end >= size && top - size >= lo) {
			*out = top - size;
			return true;
		}
		top = a->start;
		if (top < lo || top - lo < size) {
			return false;
		}
	}
	*out = top - size;
	return true;
}
