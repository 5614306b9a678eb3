// SPDX-License-Identifier: MIT
/*
 * The RAM FS packer (ramfs_pack.h). Sorts the inputs by path, checks each
 * path with the reader's own rule and refuses duplicates, then lays the
 * archive out exactly as the reader expects: header, entry table, zero
 * padding to the first 4 KiB boundary, each non-empty file's data on its
 * own 4 KiB boundary in entry order, zero padding to a whole page at the
 * end, and the CRC-32 last. The result is opened with the reader before
 * it is returned (which also refuses a file that is a parent directory of
 * another). The output depends only on the inputs: no time stamps.
 */
#include "ramfs/ramfs_pack.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "svsm/crc32.h"

#include "ramfs/ramfs.h"

/** Writes a one-line reason to `why` and returns `err`. */
__attribute__((format(printf, 4, 5))) static enum svsm_err
refuse(char *why, size_t why_size, enum svsm_err err, const char *fmt, ...)
{
	va_list ap;

	if (why != NULL && why_size > 0) {
		va_start(ap, fmt);
		(void)vsnprintf(why, why_size, fmt, ap);
		va_end(ap);
	}
	return err;
}

static uint64_t page_up(uint64_t x)
{
	return (x + RAMFS_PAGE_SIZE - 1U) & ~(uint64_t)(RAMFS_PAGE_SIZE - 1U);
}

/** One input in the sorted view (a struct, for sizeof's clarity). */
struct sorted_file {
	const struct ramfs_pack_file *f;
};

/** qsort() order of two `struct sorted_file`: by path. */
static int by_path(const void *a, const void *b)
{
	const struct sorted_file *x = a;
	const struct sorted_file *y = b;

	return strcmp(x->f->path, y->f->path);
}

/**
 * Checks the sorted inputs and computes the archive size into `*total`.
 */
static enum svsm_err plan(const struct sorted_file *sorted, uint32_t count,
			  uint64_t *total, char *why, size_t why_size)
{
	char reason[128];
	uint64_t end = sizeof(struct ramfs_header) +
		       (uint64_t)count * sizeof(struct ramfs_entry);

	end = page_up(end);
	for (uint32_t i = 0; i < count; i++) {
		const struct ramfs_pack_file *f = sorted[i].f;

		if (ramfs_check_path(f->path, reason, sizeof(reason)) !=
		    SVSM_OK) {
			return refuse(why, why_size, SVSM_ERR_INVAL, "%.*s: %s",
				      (int)RAMFS_PATH_SIZE, f->path, reason);
		}
		if (i > 0 && strcmp(sorted[i - 1].f->path, f->path) == 0) {
			return refuse(why, why_size, SVSM_ERR_EXISTS,
				      "%s: given twice", f->path);
		}
		if (f->size > RAMFS_MAX_SIZE ||
		    end + f->size > RAMFS_MAX_SIZE) {
			return refuse(why, why_size, SVSM_ERR_RANGE,
				      "%s: the archive would exceed 1 GiB",
				      f->path);
		}
		end = page_up(end + f->size);
	}
	*total = end;
	return SVSM_OK;
}

/** Writes the header, entries and data of the planned archive `a`. */
static void fill(uint8_t *a, uint64_t total, const struct sorted_file *sorted,
		 uint32_t count)
{
	struct ramfs_header h = {
		.magic = RAMFS_MAGIC,
		.version = RAMFS_VERSION,
		.header_size = sizeof(struct ramfs_header),
		.total_size = total,
		.entry_count = count,
		.entry_size = sizeof(struct ramfs_entry),
		.entry_offset = sizeof(struct ramfs_header),
	};
	uint64_t cursor =
		sizeof(h) + (uint64_t)count * sizeof(struct ramfs_entry);

	h.data_offset = page_up(cursor);
	cursor = h.data_offset;
	for (uint32_t i = 0; i < count; i++) {
		const struct ramfs_pack_file *f = sorted[i].f;
		struct ramfs_entry e = {
			.size = f->size,
			.mode = f->is_exec ? RAMFS_MODE_EXEC : RAMFS_MODE_REG,
		};

		memcpy(e.path, f->path, strlen(f->path));
		if (f->size > 0) {
			e.data_offset = cursor;
			memcpy(a + cursor, f->data, (size_t)f->size);
			cursor = page_up(cursor + f->size);
		}
		memcpy(a + sizeof(h) + (size_t)i * sizeof(e), &e, sizeof(e));
	}
	memcpy(a, &h, sizeof(h));
	h.crc32 = crc32_update(0, a, (size_t)total);
	memcpy(a, &h, sizeof(h));
}

/**
 * Fills the planned `total`-byte archive into new memory and checks it
 * with the reader; on success `*out` holds it.
 */
static enum svsm_err build(const struct sorted_file *sorted, uint32_t count,
			   uint64_t total, uint8_t **out, char *why,
			   size_t why_size)
{
	size_t meta_size = sizeof(struct ramfs_header) +
			   (size_t)count * sizeof(struct ramfs_entry);
	uint8_t *a = NULL;
	void *meta = NULL;
	struct ramfs fs;
	enum svsm_err err;

	if (total >= RAMFS_PAGE_SIZE) {
		a = calloc(1, (size_t)total);
		meta = malloc(meta_size);
	}
	if (a == NULL || meta == NULL) {
		free(a);
		free(meta);
		return refuse(why, why_size, SVSM_ERR_NOMEM, "out of memory");
	}
	fill(a, total, sorted, count);
	err = ramfs_open(&fs, a, total, (struct ramfs_meta){ meta, meta_size },
			 why, why_size);
	free(meta);
	if (err != SVSM_OK) {
		free(a);
		return err;
	}
	*out = a;
	return SVSM_OK;
}

/** Packs and checks; see ramfs_pack.h. */
enum svsm_err ramfs_pack(const struct ramfs_pack_file *files, uint32_t count,
			 uint8_t **out, size_t *out_size, char *why,
			 size_t why_size)
{
	struct sorted_file *sorted;
	uint64_t total = 0;
	enum svsm_err err;

	if (count > RAMFS_MAX_ENTRIES) {
		return refuse(why, why_size, SVSM_ERR_RANGE,
			      "%u files, at most %u", count, RAMFS_MAX_ENTRIES);
	}
	for (uint32_t i = 0; i < count; i++) {
		if (files[i].path == NULL) {
			return refuse(why, why_size, SVSM_ERR_INVAL,
				      "file %u has no path", i);
		}
	}
	sorted = calloc(count > 0 ? count : 1, sizeof(struct sorted_file));
	if (sorted == NULL) {
		return refuse(why, why_size, SVSM_ERR_NOMEM, "out of memory");
	}
	for (uint32_t i = 0; i < count; i++) {
		sorted[i].f = &files[i];
	}
	qsort(sorted, count, sizeof(struct sorted_file), by_path);
	err = plan(sorted, count, &total, why, why_size);
	if (err == SVSM_OK) {
		err = build(sorted, count, total, out, why, why_size);
	}
	free(sorted);
	if (err == SVSM_OK) {
		*out_size = (size_t)total;
	}
	return err;
}
