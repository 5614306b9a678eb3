/* SPDX-License-Identifier: MIT */
/*
 * The checked RAM FS reader (format: include/uapi/svsm/ramfs.h and
 * docs/RAMFS.md), freestanding, shared by the kernel, the host tools, the
 * unit tests and the fuzzer. It allocates nothing.
 *
 * ramfs_open() validates an archive once, completely: it copies the
 * header and the entry table into private memory the caller provides
 * (ramfs_meta_size() says how much), reading each of those bytes once,
 * and checks the copy (sizes, offsets, bounds, overflow, alignment, every
 * path, order, modes, reserved fields), the CRC-32 over the whole archive
 * and that every byte outside the files' data is zero. On refusal it
 * writes a one-line reason to `why` and leaves `fs` untouched.
 *
 * Afterwards lookups, stat and iteration use only the checked copy; file
 * data is read from the archive within bounds taken from the copy, so a
 * later change of the archive's bytes can change what is read but never
 * where. The reader keeps no state of its own and is safe to call from
 * several CPUs at once once open.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "svsm/err.h"

#include "uapi/svsm/ramfs.h"

/** An open, checked archive. */
struct ramfs {
	const uint8_t *base; /**< the archive; file data is read from here */
	uint64_t size;	     /**< its total size */
	const struct ramfs_entry *entries; /**< the checked copy, sorted */
	uint32_t entry_count;
};

/**
 * Private memory the caller gives ramfs_open() for its copy of the header
 * and entry table: 8-byte aligned, `size` bytes (ramfs_meta_size()).
 */
struct ramfs_meta {
	void *buf;
	size_t size;
};

/** What ramfs_stat() reports about a file. */
struct ramfs_stat {
	uint64_t size;
	uint32_t mode; /**< RAMFS_MODE_REG or RAMFS_MODE_EXEC */
	bool is_exec;
};

/**
 * Reads the header of the `size`-byte archive at `archive` (once) and
 * writes to `out` the bytes of private memory ramfs_open() needs for its
 * copy of the header and the entry table. Refuses, with a reason, an
 * archive too short for a header or with an entry count or entry size
 * that the format does not allow.
 */
enum svsm_err ramfs_meta_size(const void *archive, uint64_t size, size_t *out,
			      char *why, size_t why_size) SVSM_MUST_CHECK;

/**
 * Checks the `size`-byte archive at `archive` completely (see the file
 * comment), using `meta` (private to the caller and kept for as long as
 * `fs` is used) for its copy of the header and entry table. On success
 * fills `fs`.
 */
enum svsm_err ramfs_open(struct ramfs *fs, const void *archive, uint64_t size,
			 struct ramfs_meta meta, char *why,
			 size_t why_size) SVSM_MUST_CHECK;

/**
 * Checks one NUL-terminated path against the format's rules: absolute,
 * at most RAMFS_PATH_SIZE - 1 bytes, visible ASCII (0x21 to 0x7E) only,
 * no empty component ("//" or a trailing '/'), no "." or "..". Used by
 * the reader for every entry and by the packer for every input.
 */
enum svsm_err ramfs_check_path(const char *path, char *why,
			       size_t why_size) SVSM_MUST_CHECK;

/** Returns the file at `path` (NUL-terminated), or NULL if there is none. */
const struct ramfs_entry *ramfs_lookup(const struct ramfs *fs,
				       const char *path);

/** Returns the `index`th file in path order, or NULL past the last one. */
const struct ramfs_entry *ramfs_entry_at(const struct ramfs *fs,
					 uint32_t index);

/** Reports the size and mode of the file at `path`; NOTFOUND if none. */
enum svsm_err ramfs_stat(const struct ramfs *fs, const char *path,
			 struct ramfs_stat *out) SVSM_MUST_CHECK;

/**
 * Copies up to `len` bytes of file `e` (from ramfs_lookup() or
 * ramfs_entry_at() on `fs`), starting at byte `offset`, into `buf` and
 * writes the count to `out_len`: fewer than `len` at the end of the file,
 * 0 at or past it. Refuses an entry that is not one of `fs`'s (INVAL).
 */
enum svsm_err ramfs_read(const struct ramfs *fs, const struct ramfs_entry *e,
			 uint64_t offset, void *buf, size_t len,
			 size_t *out_len) SVSM_MUST_CHECK;

/**
 * Returns the first byte of file `e`'s data inside the archive (4 KiB
 * aligned), for callers that map file pages directly; NULL for an empty
 * file or an entry that is not one of `fs`'s.
 */
const uint8_t *ramfs_data(const struct ramfs *fs, const struct ramfs_entry *e);
