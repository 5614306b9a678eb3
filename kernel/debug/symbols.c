// SPDX-License-Identifier: MIT
/*
 * Symbolization for exception reports and backtraces. The table is part
 * of the measured image, but it is still checked once, entry by entry,
 * so that a bad build cannot make the fault path read out of bounds.
 */
#include "svsm/symbols.h"

#include <stdbool.h>

#include "svsm/string.h"

#include "uapi/svsm/launch.h"

static const struct svsm_symtab_entry *sym_entries;
static uint32_t sym_count;
static const char *sym_strtab;

/** Checks that every name offset points to a NUL-terminated string. */
static bool names_ok(const struct svsm_symtab_entry *e, uint32_t count,
		     const char *strtab, uint32_t strtab_size)
{
	for (uint32_t i = 0; i < count; i++) {
		uint32_t off = e[i].name_offset;

		if (off >= strtab_size ||
		    strnlen(strtab + off, strtab_size - off) ==
			    strtab_size - off) {
			return false;
		}
		if (i > 0 && e[i].addr < e[i - 1].addr) {
			return false;
		}
	}
	return true;
}

/** Validates and installs the symbol table. */
enum svsm_err symbols_init(const void *tab, size_t size)
{
	const struct svsm_symtab_header *h = tab;

	if (!tab || size < sizeof(*h) || h->magic != SVSM_SYMTAB_MAGIC) {
		return SVSM_ERR_INVAL;
	}
	uint64_t entries_end =
		sizeof(*h) +
		(uint64_t)h->count * sizeof(struct svsm_symtab_entry);

	if (entries_end > h->strtab_offset ||
	    (uint64_t)h->strtab_offset + h->strtab_size > size ||
	    h->strtab_size == 0) {
		return SVSM_ERR_INVAL;
	}
	const struct svsm_symtab_entry *e = (const void *)(h + 1);
	const char *strtab = (const char *)tab + h->strtab_offset;

	if (!names_ok(e, h->count, strtab, h->strtab_size)) {
		return SVSM_ERR_INVAL;
	}
	sym_entries = e;
	sym_count = h->count;
	sym_strtab = strtab;
	return SVSM_OK;
}

/** Binary search for the last symbol starting at or below `addr`. */
bool symbols_lookup(uint64_t addr, struct symbol_hit *hit)
{
	uint32_t lo = 0;
	uint32_t hi = sym_count;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (sym_entries[mid].addr <= addr) {
			lo = mid + 1;
		} else {
			hi = mid;
		}
	}
	if (lo == 0) {
		return false;
	}
	const struct svsm_symtab_entry *e = &sym_entries[lo - 1];
	uint64_t off = addr - e->addr;

	/* Size 0 (assembly labels): accept up to 64 KiB past the label. */
	if ((e->size != 0 && off >= e->size) ||
	    (e->size == 0 && off >= 0x10000)) {
		return false;
	}
	hit->name = sym_strtab + e->name_offset;
	hit->offset = off;
	hit->size = e->size;
	return true;
}
