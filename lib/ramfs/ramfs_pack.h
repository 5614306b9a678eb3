/* SPDX-License-Identifier: MIT */
/*
 * The RAM FS packer (host side): builds an archive in memory from a list
 * of files. Used by `mkramfs` and by the unit tests and fuzz seeds. The
 * result is checked with the reader before it is returned, so the packer
 * can never hand out an archive the kernel would refuse.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "svsm/err.h"

/** One input file. */
struct ramfs_pack_file {
	const char *path;    /**< the path in the archive ("/etc/init.conf") */
	const uint8_t *data; /**< may be NULL when `size` is 0 */
	uint64_t size;
	bool is_exec; /**< RAMFS_MODE_EXEC rather than RAMFS_MODE_REG */
};

/**
 * Packs the `count` files of `files` (in any order) into a new malloc'd
 * archive, `*out` of `*out_size` bytes. Refuses, with a one-line reason
 * naming the path, a bad path, a duplicate, a file whose path is a
 * directory of another, more than RAMFS_MAX_ENTRIES files or an archive
 * larger than RAMFS_MAX_SIZE.
 */
enum svsm_err ramfs_pack(const struct ramfs_pack_file *files, uint32_t count,
			 uint8_t **out, size_t *out_size, char *why,
			 size_t why_size) SVSM_MUST_CHECK;
