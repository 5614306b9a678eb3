// SPDX-License-Identifier: MIT
/*
 * The checked RAM FS reader (ramfs.h; format in docs/RAMFS.md). The
 * archive is checked in one pass in this order: the header (copied once),
 * the entry table (copied once, right after the header copy), the CRC-32
 * over the copies and the rest of the archive, then entry by entry the
 * reserved field, the mode, the path, the order and the data range, with
 * the gap before each file's data and the tail after the last one
 * required to be zero. Directories are implied by paths, so a file's path
 * may not be a directory of another file ("/a" and "/a/b").
 */
#include "ramfs/ramfs.h"

#include <stdarg.h>

#include "svsm/crc32.h"
#include "svsm/fmt.h"
#include "svsm/string.h"

#define HEADER_SIZE sizeof(struct ramfs_header)
#define ENTRY_SIZE sizeof(struct ramfs_entry)
#define PATH_MAX_LEN (RAMFS_PATH_SIZE - 1U)

/** Writes a one-line reason to `why` and returns SVSM_ERR_INVAL. */
__attribute__((format(printf, 3, 4))) static enum svsm_err
refuse(char *why, size_t why_size, const char *fmt, ...)
{
	va_list ap;

	if (why != NULL && why_size > 0) {
		va_start(ap, fmt);
		(void)fmt_vsnprintf(why, why_size, fmt, ap);
		va_end(ap);
	}
	return SVSM_ERR_INVAL;
}

/** Rounds `x` (at most RAMFS_MAX_SIZE) up to a whole page. */
static uint64_t page_up(uint64_t x)
{
	return (x + RAMFS_PAGE_SIZE - 1U) & ~(uint64_t)(RAMFS_PAGE_SIZE - 1U);
}

/** Returns whether `len` bytes at `p` are all zero. */
static bool all_zero(const uint8_t *p, uint64_t len)
{
	for (uint64_t i = 0; i < len; i++) {
		if (p[i] != 0) {
			return false;
		}
	}
	return true;
}

/** Checks the fields of a header copy `h` for an archive of `size`. */
static enum svsm_err check_header(const struct ramfs_header *h, uint64_t size,
				  char *why, size_t why_size)
{
	if (h->magic != RAMFS_MAGIC) {
		return refuse(why, why_size, "RAM FS: bad magic");
	}
	if (h->version != RAMFS_VERSION) {
		return refuse(why, why_size, "RAM FS: version %u, want %u",
			      h->version, RAMFS_VERSION);
	}
	if (h->header_size != HEADER_SIZE || h->entry_size != ENTRY_SIZE ||
	    h->entry_offset != HEADER_SIZE) {
		return refuse(why, why_size,
			      "RAM FS: header or entry size or entry offset "
			      "is not the format's");
	}
	if (h->flags != 0 || h->reserved != 0) {
		return refuse(why, why_size,
			      "RAM FS: non-zero flags or reserved field");
	}
	if (h->total_size != size || size % RAMFS_PAGE_SIZE != 0) {
		return refuse(why, why_size,
			      "RAM FS: total size 0x%llx is not the archive "
			      "size 0x%llx or not a multiple of 4 KiB",
			      (unsigned long long)h->total_size,
			      (unsigned long long)size);
	}
	if (h->entry_count > RAMFS_MAX_ENTRIES) {
		return refuse(why, why_size, "RAM FS: %u entries, at most %u",
			      h->entry_count, RAMFS_MAX_ENTRIES);
	}
	uint64_t table_end =
		HEADER_SIZE + (uint64_t)h->entry_count * ENTRY_SIZE;

	if (h->data_offset != page_up(table_end) || h->data_offset > size) {
		return refuse(why, why_size,
			      "RAM FS: data offset 0x%llx is not the first "
			      "page after the entry table or past the end",
			      (unsigned long long)h->data_offset);
	}
	return SVSM_OK;
}

/** Reads the header of the archive; see ramfs.h. */
enum svsm_err ramfs_meta_size(const void *archive, uint64_t size, size_t *out,
			      char *why, size_t why_size)
{
	struct ramfs_header h;

	if (archive == NULL || size < HEADER_SIZE) {
		return refuse(why, why_size,
			      "RAM FS: %llu bytes, too short "
			      "for a header",
			      (unsigned long long)size);
	}
	if (size > RAMFS_MAX_SIZE) {
		return refuse(why, why_size, "RAM FS: larger than 1 GiB");
	}
	memcpy(&h, archive, sizeof(h));
	if (h.entry_count > RAMFS_MAX_ENTRIES || h.entry_size != ENTRY_SIZE) {
		return refuse(why, why_size,
			      "RAM FS: entry count %u or entry size %u out of "
			      "range",
			      h.entry_count, h.entry_size);
	}
	*out = HEADER_SIZE + (size_t)h.entry_count * ENTRY_SIZE;
	return SVSM_OK;
}

/** Checks the path rules on the `len` bytes of `p` (see ramfs.h). */
static enum svsm_err check_path_bytes(const char *p, size_t len, char *why,
				      size_t why_size)
{
	if (len == 0 || p[0] != '/') {
		return refuse(why, why_size, "path is not absolute");
	}
	if (len > PATH_MAX_LEN) {
		return refuse(why, why_size, "path longer than %u bytes",
			      PATH_MAX_LEN);
	}
	size_t start = 1; /* of the current component */

	for (size_t i = 1; i <= len; i++) {
		unsigned char c = i < len ? (unsigned char)p[i] : '/';

		if (c < 0x21U || c > 0x7EU) {
			return refuse(why, why_size,
				      "byte %zu (0x%02x) is not visible ASCII",
				      i, c);
		}
		if (c != '/') {
			continue;
		}
		size_t n = i - start;

		if (n == 0) {
			return refuse(why, why_size,
				      "empty path component (\"//\" or a "
				      "trailing '/')");
		}
		if ((n == 1 && p[start] == '.') ||
		    (n == 2 && p[start] == '.' && p[start + 1] == '.')) {
			return refuse(why, why_size,
				      "path component \".\" or \"..\"");
		}
		start = i + 1;
	}
	return SVSM_OK;
}

/** Checks one NUL-terminated path; see ramfs.h. */
enum svsm_err ramfs_check_path(const char *path, char *why, size_t why_size)
{
	if (path == NULL) {
		return refuse(why, why_size, "no path");
	}
	return check_path_bytes(path, strnlen(path, RAMFS_PATH_SIZE), why,
				why_size);
}

/**
 * Compares entry path `ep` (NUL-terminated, checked) with the `len`
 * bytes of `key` in byte order, like strcmp.
 */
static int path_cmp(const char *ep, const char *key, size_t len)
{
	int r = strncmp(ep, key, len);

	if (r != 0) {
		return r;
	}
	return ep[len] != '\0' ? 1 : 0;
}

/** Binary search for the `len`-byte path `key` among sorted `e`. */
static const struct ramfs_entry *
find(const struct ramfs_entry *e, uint32_t count, const char *key, size_t len)
{
	uint32_t lo = 0;
	uint32_t hi = count;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2U;
		int r = path_cmp(e[mid].path, key, len);

		if (r == 0) {
			return &e[mid];
		}
		if (r < 0) {
			lo = mid + 1U;
		} else {
			hi = mid;
		}
	}
	return NULL;
}

/** Checks the path field of entry `i`: terminated, padded, well-formed. */
static enum svsm_err check_entry_path(const struct ramfs_entry *e, uint32_t i,
				      char *why, size_t why_size)
{
	char reason[96];
	size_t len = strnlen(e->path, RAMFS_PATH_SIZE);

	if (len == RAMFS_PATH_SIZE) {
		return refuse(why, why_size,
			      "RAM FS: entry %u: path not NUL-terminated "
			      "within its field",
			      i);
	}
	if (!all_zero((const uint8_t *)e->path + len, RAMFS_PATH_SIZE - len)) {
		return refuse(why, why_size,
			      "RAM FS: entry %u: path field not zero after "
			      "its NUL",
			      i);
	}
	if (check_path_bytes(e->path, len, reason, sizeof(reason)) != SVSM_OK) {
		return refuse(why, why_size, "RAM FS: entry %u: %s", i, reason);
	}
	return SVSM_OK;
}

/**
 * Checks that no directory implied by entry `e`'s path is itself a file
 * among the `count` sorted entries.
 */
static enum svsm_err check_dirs(const struct ramfs_entry *all, uint32_t count,
				const struct ramfs_entry *e, char *why,
				size_t why_size)
{
	for (size_t k = 1; e->path[k] != '\0'; k++) {
		if (e->path[k] == '/' && find(all, count, e->path, k) != NULL) {
			return refuse(why, why_size,
				      "RAM FS: %s: a parent directory is a "
				      "file",
				      e->path);
		}
	}
	return SVSM_OK;
}

/**
 * Checks the data range of entry `e` (index `i`) against `cursor`, the
 * end of the previous file's data (or the data offset), and advances it.
 * The gap up to the data must be zero.
 */
static enum svsm_err check_data(const struct ramfs *fs,
				const struct ramfs_entry *e, uint32_t i,
				uint64_t *cursor, char *why, size_t why_size)
{
	uint64_t off = e->data_offset;

	if (e->size == 0) {
		if (off != 0) {
			return refuse(why, why_size,
				      "RAM FS: %s: empty file with a data "
				      "offset",
				      e->path);
		}
		return SVSM_OK;
	}
	if (off % RAMFS_PAGE_SIZE != 0) {
		return refuse(why, why_size,
			      "RAM FS: %s: data not 4 KiB aligned", e->path);
	}
	if (off > fs->size || e->size > fs->size - off) {
		return refuse(why, why_size,
			      "RAM FS: %s: data past the end of the archive",
			      e->path);
	}
	if (off < *cursor) {
		return refuse(why, why_size,
			      "RAM FS: %s: data overlaps the entry table or "
			      "the previous file (entry %u)",
			      e->path, i);
	}
	if (!all_zero(fs->base + *cursor, off - *cursor)) {
		return refuse(why, why_size,
			      "RAM FS: %s: non-zero bytes before its data",
			      e->path);
	}
	*cursor = off + e->size;
	return SVSM_OK;
}

/** Checks every entry of `fs` in order; see the file comment. */
static enum svsm_err check_entries(const struct ramfs *fs, uint64_t data_start,
				   char *why, size_t why_size)
{
	uint64_t cursor = data_start;
	enum svsm_err err = SVSM_OK;

	for (uint32_t i = 0; i < fs->entry_count && err == SVSM_OK; i++) {
		const struct ramfs_entry *e = &fs->entries[i];

		if (e->reserved != 0) {
			return refuse(why, why_size,
				      "RAM FS: entry %u: non-zero reserved "
				      "field",
				      i);
		}
		if (e->mode != RAMFS_MODE_REG && e->mode != RAMFS_MODE_EXEC) {
			return refuse(why, why_size,
				      "RAM FS: entry %u: mode 0%o is neither "
				      "0%o nor 0%o",
				      i, e->mode, RAMFS_MODE_REG,
				      RAMFS_MODE_EXEC);
		}
		err = check_entry_path(e, i, why, why_size);
		if (err == SVSM_OK && i > 0 &&
		    strcmp(fs->entries[i - 1].path, e->path) >= 0) {
			err = refuse(why, why_size,
				     "RAM FS: %s: entries not sorted by path "
				     "or a duplicate",
				     e->path);
		}
		if (err == SVSM_OK) {
			err = check_data(fs, e, i, &cursor, why, why_size);
		}
	}
	if (err == SVSM_OK && !all_zero(fs->base + cursor, fs->size - cursor)) {
		err = refuse(why, why_size,
			     "RAM FS: non-zero bytes after the last file");
	}
	return err;
}

/** Checks the CRC over the copies `meta` (`meta_len`) and the rest. */
static enum svsm_err check_crc(const uint8_t *archive, uint64_t size,
			       uint8_t *meta, size_t meta_len, char *why,
			       size_t why_size)
{
	struct ramfs_header *h = (struct ramfs_header *)(void *)meta;
	uint32_t want = h->crc32;
	uint32_t crc;

	h->crc32 = 0;
	crc = crc32_update(0, meta, meta_len);
	h->crc32 = want;
	crc = crc32_update(crc, archive + meta_len, size - meta_len);
	if (crc != want) {
		return refuse(why, why_size,
			      "RAM FS: bad CRC-32 (0x%08x, computed 0x%08x)",
			      want, crc);
	}
	return SVSM_OK;
}

/**
 * Copies the header and then the entry table into `meta`, checking the
 * header before the table is copied; `*meta_len` gets the bytes copied.
 */
static enum svsm_err copy_meta(const uint8_t *archive, uint64_t size,
			       struct ramfs_meta meta, size_t *meta_len,
			       char *why, size_t why_size)
{
	struct ramfs_header *h = meta.buf;
	enum svsm_err err;

	memcpy(h, archive, HEADER_SIZE);
	err = check_header(h, size, why, why_size);
	if (err != SVSM_OK) {
		return err;
	}
	size_t len = HEADER_SIZE + (size_t)h->entry_count * ENTRY_SIZE;

	if (len > meta.size) {
		return refuse(why, why_size,
			      "RAM FS: %u entries do not fit the %zu bytes "
			      "given for the copy",
			      h->entry_count, meta.size);
	}
	memcpy((uint8_t *)meta.buf + HEADER_SIZE, archive + HEADER_SIZE,
	       len - HEADER_SIZE);
	*meta_len = len;
	return SVSM_OK;
}

/** Copies and checks the archive; see ramfs.h. */
enum svsm_err ramfs_open(struct ramfs *fs, const void *archive, uint64_t size,
			 struct ramfs_meta meta, char *why, size_t why_size)
{
	const struct ramfs_header *h = meta.buf;
	size_t meta_len = 0;
	enum svsm_err err;

	if (meta.buf == NULL || meta.size < HEADER_SIZE || archive == NULL ||
	    size < HEADER_SIZE || size > RAMFS_MAX_SIZE) {
		return refuse(why, why_size,
			      "RAM FS: archive of %llu bytes too short or "
			      "too large, or no memory for the copy",
			      (unsigned long long)size);
	}
	err = copy_meta(archive, size, meta, &meta_len, why, why_size);
	if (err == SVSM_OK) {
		err = check_crc(archive, size, meta.buf, meta_len, why,
				why_size);
	}
	if (err != SVSM_OK) {
		return err;
	}
	struct ramfs tmp = {
		.base = archive,
		.size = size,
		.entries = (const struct ramfs_entry *)(const void *)(h + 1),
		.entry_count = h->entry_count,
	};

	err = check_entries(&tmp, meta_len, why, why_size);
	for (uint32_t i = 0; i < tmp.entry_count && err == SVSM_OK; i++) {
		err = check_dirs(tmp.entries, tmp.entry_count, &tmp.entries[i],
				 why, why_size);
	}
	if (err == SVSM_OK) {
		*fs = tmp;
	}
	return err;
}

/** Finds a file by path; see ramfs.h. */
const struct ramfs_entry *ramfs_lookup(const struct ramfs *fs, const char *path)
{
	size_t len;

	if (path == NULL) {
		return NULL;
	}
	len = strnlen(path, RAMFS_PATH_SIZE);
	if (len == 0 || len == RAMFS_PATH_SIZE) {
		return NULL;
	}
	return find(fs->entries, fs->entry_count, path, len);
}

/** Returns the `index`th entry; see ramfs.h. */
const struct ramfs_entry *ramfs_entry_at(const struct ramfs *fs, uint32_t index)
{
	return index < fs->entry_count ? &fs->entries[index] : NULL;
}

/** Reports size and mode; see ramfs.h. */
enum svsm_err ramfs_stat(const struct ramfs *fs, const char *path,
			 struct ramfs_stat *out)
{
	const struct ramfs_entry *e = ramfs_lookup(fs, path);

	if (e == NULL) {
		return SVSM_ERR_NOTFOUND;
	}
	out->size = e->size;
	out->mode = e->mode;
	out->is_exec = e->mode == RAMFS_MODE_EXEC;
	return SVSM_OK;
}

/** Whether `e` is one of the entries of `fs`. */
static bool owns(const struct ramfs *fs, const struct ramfs_entry *e)
{
	uintptr_t first = (uintptr_t)fs->entries;
	uintptr_t p = (uintptr_t)e;

	return e != NULL && p >= first &&
	       p < first + (uintptr_t)fs->entry_count * ENTRY_SIZE &&
	       (p - first) % ENTRY_SIZE == 0;
}

/** Reads file data within bounds; see ramfs.h. */
enum svsm_err ramfs_read(const struct ramfs *fs, const struct ramfs_entry *e,
			 uint64_t offset, void *buf, size_t len,
			 size_t *out_len)
{
	uint64_t n = 0;

	if (!owns(fs, e)) {
		return SVSM_ERR_INVAL;
	}
	if (offset < e->size) {
		n = e->size - offset < len ? e->size - offset : len;
		memcpy(buf, fs->base + e->data_offset + offset, (size_t)n);
	}
	*out_len = (size_t)n;
	return SVSM_OK;
}

/** Returns a file's data in the archive; see ramfs.h. */
const uint8_t *ramfs_data(const struct ramfs *fs, const struct ramfs_entry *e)
{
	if (!owns(fs, e) || e->size == 0) {
		return NULL;
	}
	return fs->base + e->data_offset;
}
