// SPDX-License-Identifier: MIT
/*
 * Serialises the kernel's text symbols into the table the kernel uses for
 * backtraces (`struct svsm_symtab_header` in include/uapi/svsm/launch.h):
 * the header, the entries sorted by address (ties by name, so the output
 * is deterministic), then a string table that starts with an empty name.
 */
#include <stdlib.h>
#include <string.h>

#include "igvmbld.h"

/** Orders symbols by address, then name, then size. */
static int compare_symbols(const void *pa, const void *pb)
{
	const struct bld_symbol *a = pa;
	const struct bld_symbol *b = pb;
	uint32_t len = a->name_len < b->name_len ? a->name_len : b->name_len;
	int c;

	if (a->addr != b->addr) {
		return a->addr < b->addr ? -1 : 1;
	}
	c = memcmp(a->name, b->name, len);
	if (c != 0) {
		return c;
	}
	if (a->name_len != b->name_len) {
		return a->name_len < b->name_len ? -1 : 1;
	}
	if (a->size != b->size) {
		return a->size < b->size ? -1 : 1;
	}
	return 0;
}

/** Returns the string-table size for `k`'s symbols, or 0 if too large. */
static uint64_t strtab_size(const struct bld_kernel *k)
{
	uint64_t size = 1;

	for (uint32_t i = 0; i < k->symbol_count; i++) {
		size += (uint64_t)k->symbols[i].name_len + 1;
	}
	return size;
}

/**
 * Sorts `k`'s symbols and serialises them into a malloc'd table. With no
 * symbols, `*out` is NULL and `*out_size` 0. Returns SVSM_ERR_RANGE if the
 * table would not fit the format's 32-bit offsets.
 */
enum svsm_err symtab_build(struct bld_kernel *k, uint8_t **out,
			   size_t *out_size)
{
	struct svsm_symtab_header h = { .magic = SVSM_SYMTAB_MAGIC };
	uint64_t entries =
		(uint64_t)k->symbol_count * sizeof(struct svsm_symtab_entry);
	uint64_t str_size = strtab_size(k);
	uint64_t total = sizeof(h) + entries + str_size;
	uint32_t name_off = 1;
	uint8_t *buf;

	if (k->symbol_count == 0) {
		*out = NULL;
		*out_size = 0;
		return SVSM_OK;
	}
	if (total > UINT32_MAX) {
		return SVSM_ERR_RANGE;
	}
	buf = calloc(1, total);
	if (buf == NULL) {
		return SVSM_ERR_NOMEM;
	}
	qsort(k->symbols, k->symbol_count, sizeof(*k->symbols),
	      compare_symbols);
	h.count = k->symbol_count;
	h.strtab_offset = (uint32_t)(sizeof(h) + entries);
	h.strtab_size = (uint32_t)str_size;
	memcpy(buf, &h, sizeof(h));
	for (uint32_t i = 0; i < k->symbol_count; i++) {
		const struct bld_symbol *s = &k->symbols[i];
		struct svsm_symtab_entry e = {
			.addr = s->addr,
			.size = s->size,
			.name_offset = name_off,
		};

		memcpy(buf + sizeof(h) + i * sizeof(e), &e, sizeof(e));
		memcpy(buf + h.strtab_offset + name_off, s->name, s->name_len);
		name_off += s->name_len + 1;
	}
	*out = buf;
	*out_size = total;
	return SVSM_OK;
}
