// SPDX-License-Identifier: MIT
/*
 * libFuzzer target for the RAM FS reader. Each input is opened as it is,
 * and then as a copy made consistent first (padded to whole pages, the
 * total size set to the copy's size and the CRC-32 recomputed), so that
 * mutations reach the entry and path checks instead of stopping at the
 * CRC. An archive that opens is checked against what ramfs.h promises:
 * every entry found again by its path, its path valid, its data aligned
 * and inside the archive, every byte of every file readable within
 * bounds; a refusal must give a one-line reason.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "svsm/crc32.h"

#include "ramfs/ramfs.h"

/* The entry point libFuzzer calls; its name is fixed by libFuzzer. */
/* NOLINTNEXTLINE(readability-identifier-naming) */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_INPUT (1U << 20)
#define META_MAX                       \
	(sizeof(struct ramfs_header) + \
	 (size_t)RAMFS_MAX_ENTRIES * sizeof(struct ramfs_entry))

static uint64_t meta[META_MAX / sizeof(uint64_t) + 1];
static uint8_t chunk[RAMFS_PAGE_SIZE];

/** Aborts unless `why` holds a one-line reason. */
static void check_reason(const char *why)
{
	if (why[0] == '\0' || strchr(why, '\n') != NULL) {
		abort();
	}
}

/** Aborts if an open archive breaks a promise of ramfs.h. */
static void check_open(const struct ramfs *fs, const uint8_t *a, size_t size)
{
	const struct ramfs_entry *e;
	size_t n;

	for (uint32_t i = 0; (e = ramfs_entry_at(fs, i)) != NULL; i++) {
		const uint8_t *d = ramfs_data(fs, e);

		if (ramfs_lookup(fs, e->path) != e ||
		    ramfs_check_path(e->path, NULL, 0) != SVSM_OK ||
		    (e->mode != RAMFS_MODE_REG && e->mode != RAMFS_MODE_EXEC)) {
			abort();
		}
		if (e->size > 0 &&
		    (d == NULL || d < a || d + e->size > a + size ||
		     (uintptr_t)(d - a) % RAMFS_PAGE_SIZE != 0)) {
			abort();
		}
		for (uint64_t off = 0; off <= e->size; off += sizeof(chunk)) {
			if (ramfs_read(fs, e, off, chunk, sizeof(chunk), &n) !=
				    SVSM_OK ||
			    n > sizeof(chunk) || off + n > e->size) {
				abort();
			}
		}
	}
	if (fs->entry_count > RAMFS_MAX_ENTRIES ||
	    size % RAMFS_PAGE_SIZE != 0) {
		abort();
	}
}

/** Opens `a` and checks the outcome either way. */
static void try_open(const uint8_t *a, size_t size)
{
	struct ramfs fs;
	char why[256] = "";

	if (ramfs_open(&fs, a, size, (struct ramfs_meta){ meta, sizeof(meta) },
		       why, sizeof(why)) == SVSM_OK) {
		check_open(&fs, a, size);
	} else {
		check_reason(why);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ramfs_header h;

	if (size > MAX_INPUT) {
		return 0;
	}
	try_open(data, size);
	if (size < sizeof(h)) {
		return 0;
	}
	size_t padded =
		(size + RAMFS_PAGE_SIZE - 1) & ~(size_t)(RAMFS_PAGE_SIZE - 1);
	uint8_t *copy = calloc(1, padded);

	if (copy == NULL) {
		return 0;
	}
	memcpy(copy, data, size);
	memcpy(&h, copy, sizeof(h));
	h.total_size = padded;
	h.crc32 = 0;
	memcpy(copy, &h, sizeof(h));
	h.crc32 = crc32_update(0, copy, padded);
	memcpy(copy, &h, sizeof(h));
	try_open(copy, padded);
	free(copy);
	return 0;
}
