/* SPDX-License-Identifier: MIT */
/*
 * Kernel symbol lookup for backtraces, over the table igvmbld embeds in
 * the image (`struct svsm_symtab_header`, launch.h).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "svsm/err.h"

/** A resolved address: function name and offset into it. */
struct symbol_hit {
	const char *name;
	uint64_t offset;
	uint32_t size;
};

/**
 * Checks the table at `tab` (`size` bytes: header, sorted entries, string
 * table with NUL-terminated names) and uses it for lookups.
 */
enum svsm_err symbols_init(const void *tab, size_t size) SVSM_MUST_CHECK;
/** Resolves `addr`; returns false when no symbol covers it. */
bool symbols_lookup(uint64_t addr, struct symbol_hit *hit);
