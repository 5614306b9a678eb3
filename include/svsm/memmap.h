/* SPDX-License-Identifier: MIT */
/*
 * The guest-physical memory map the loader writes into the IGVM parameter
 * area (IGVM_VHT_MEMORY_MAP). It comes from the host, so it is copied into
 * private memory entry by entry and checked before anything uses it.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "svsm/err.h"

#define MEMMAP_MAX_RANGES 64U
/* 52-bit guest-physical addresses: the architectural x86-64 maximum. */
#define MEMMAP_MAX_PFN (1ULL << 40)

/** One checked range, in bytes. */
struct memmap_range {
	uint64_t base;
	uint64_t size;
	uint16_t type; /* IGVM_MEMORY_MAP_* */
};

/** The checked memory map. */
struct memmap {
	uint32_t count;
	uint64_t ram_bytes; /* total of the MEMORY ranges */
	struct memmap_range ranges[MEMMAP_MAX_RANGES];
};

/** A physical range [base, end) that the map must cover with RAM. */
struct memmap_span {
	uint64_t base;
	uint64_t end;
};

/**
 * Copies and checks the raw map (`raw_size` bytes of 24-byte entries,
 * ending with an entry of zero pages): known types, zero flags and
 * reserved fields, no overflow, page numbers below MEMMAP_MAX_PFN, sorted,
 * no overlap, at most MEMMAP_MAX_RANGES entries, and the SVSM's own region
 * `svsm` inside RAM. On failure writes a one-line reason to `why` and
 * leaves `out` untouched.
 */
enum svsm_err memmap_parse(const void *raw, size_t raw_size,
			   struct memmap_span svsm, struct memmap *out,
			   char *why, size_t why_size) SVSM_MUST_CHECK;

/** Whether [base, end) lies entirely inside MEMORY ranges of `m`. */
bool memmap_covers_ram(const struct memmap *m, uint64_t base, uint64_t end);
