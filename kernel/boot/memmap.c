// SPDX-License-Identifier: MIT
/*
 * Checking the memory map from the IGVM parameter area. Each raw entry is
 * read exactly once into a private copy; every later decision uses the
 * copy. Any bad entry refuses the whole map: boot stops (fail closed).
 */
#include "svsm/memmap.h"

#include "svsm/fmt.h"
#include "svsm/string.h"

#include "uapi/svsm/igvm.h"

#define PAGE_SHIFT 12U

/** Checks one entry on its own; returns a reason or NULL. */
static const char *entry_problem(const struct igvm_memory_map_entry *e)
{
	if (e->entry_type > IGVM_MEMORY_MAP_HIDDEN) {
		return "unknown type";
	}
	if (e->flags != 0 || e->reserved != 0) {
		return "non-zero flags or reserved field";
	}
	if (e->starting_gpa_page_number >= MEMMAP_MAX_PFN ||
	    e->number_of_pages > MEMMAP_MAX_PFN - e->starting_gpa_page_number) {
		return "range beyond the physical address space";
	}
	return NULL;
}

/** Whether [base, end) lies entirely inside MEMORY ranges of `m`. */
bool memmap_covers_ram(const struct memmap *m, uint64_t base, uint64_t end)
{
	uint64_t cur = base;

	for (uint32_t i = 0; i < m->count && cur < end; i++) {
		const struct memmap_range *r = &m->ranges[i];

		if (r->type != IGVM_MEMORY_MAP_MEMORY) {
			continue;
		}
		if (r->base <= cur && cur < r->base + r->size) {
			cur = r->base + r->size;
		}
	}
	return base < end && cur >= end;
}

/** Copies and checks the whole map into `tmp`; returns a reason or NULL. */
static const char *parse_entries(const uint8_t *raw, size_t count,
				 struct memmap *tmp, uint32_t *bad)
{
	uint64_t prev_end = 0;

	for (size_t i = 0; i < count; i++) {
		struct igvm_memory_map_entry e;
		const char *why;

		*bad = (uint32_t)i;
		memcpy(&e, raw + i * sizeof(e), sizeof(e));
		if (e.number_of_pages == 0) {
			return tmp->count == 0 ? "map is empty" : NULL;
		}
		if (i >= MEMMAP_MAX_RANGES) {
			return "too many entries";
		}
		why = entry_problem(&e);
		if (why) {
			return why;
		}
		uint64_t base = e.starting_gpa_page_number << PAGE_SHIFT;
		uint64_t size = e.number_of_pages << PAGE_SHIFT;

		if (i > 0 && base < prev_end) {
			return "unsorted or overlaps the previous entry";
		}
		prev_end = base + size;
		tmp->ranges[tmp->count++] =
			(struct memmap_range){ base, size, e.entry_type };
		if (e.entry_type == IGVM_MEMORY_MAP_MEMORY) {
			tmp->ram_bytes += size;
		}
	}
	*bad = (uint32_t)count;
	return "no terminating entry";
}

/** Copies and checks the raw map; see memmap.h. */
enum svsm_err memmap_parse(const void *raw, size_t raw_size,
			   struct memmap_span svsm, struct memmap *out,
			   char *why, size_t why_size)
{
	static struct memmap tmp;
	uint32_t bad = 0;
	const char *problem;

	memset(&tmp, 0, sizeof(tmp));
	problem = parse_entries(raw,
				raw_size / sizeof(struct igvm_memory_map_entry),
				&tmp, &bad);
	if (problem) {
		(void)fmt_snprintf(why, why_size, "memory map entry %u: %s",
				   bad, problem);
		return SVSM_ERR_INVAL;
	}
	if (!memmap_covers_ram(&tmp, svsm.base, svsm.end)) {
		(void)fmt_snprintf(
			why, why_size,
			"memory map: the SVSM region [0x%llx, 0x%llx) "
			"is not RAM",
			(unsigned long long)svsm.base,
			(unsigned long long)svsm.end);
		return SVSM_ERR_INVAL;
	}
	*out = tmp;
	return SVSM_OK;
}
