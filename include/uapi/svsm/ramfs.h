/* SPDX-License-Identifier: MIT */
/*
 * The RAM file system archive: a read-only, flat set of files packed by
 * `mkramfs` at build time, placed in the IGVM image by `igvmbld --ramfs`
 * and read by the kernel (lib/ramfs). docs/RAMFS.md describes the format
 * and every rule the reader enforces; this header is the authoritative
 * list of numbers and fields. All fields are little-endian.
 *
 * Layout: the header at offset 0, the entry table right after it, then
 * zero padding up to the first 4 KiB boundary, then the file data. Each
 * file's data starts on a 4 KiB boundary (so that the kernel can map file
 * pages directly), in entry order; the gaps between files and after the
 * last one are zero. The archive's total size is a multiple of 4 KiB.
 * Entries are sorted by path (byte order), which makes lookup a binary
 * search and duplicates impossible. Directories are implied by paths.
 */
#pragma once

#include <stdint.h>

#define RAMFS_MAGIC 0x0053464D41525343ULL /* "CSRAMFS\0" */
#define RAMFS_VERSION 1U
#define RAMFS_PAGE_SIZE 0x1000U

/* The size of the path field: a path is at most 103 bytes plus its NUL. */
#define RAMFS_PATH_SIZE 104U
/* Limits the reader enforces (docs/RAMFS.md). */
#define RAMFS_MAX_ENTRIES 1024U
#define RAMFS_MAX_SIZE 0x40000000ULL /* 1 GiB: the kernel window */

/*
 * Entry modes, with the values of POSIX `st_mode` so that a later fstat
 * can report them unchanged: a regular file readable by all, optionally
 * executable by all. No other value is valid.
 */
#define RAMFS_MODE_REG 0100444U
#define RAMFS_MODE_EXEC 0100555U

/** The archive header, at offset 0. */
struct ramfs_header {
	uint64_t magic;	       /* RAMFS_MAGIC */
	uint32_t version;      /* RAMFS_VERSION */
	uint32_t header_size;  /* sizeof(struct ramfs_header) */
	uint64_t total_size;   /* the whole archive, a multiple of 4 KiB */
	uint32_t entry_count;  /* at most RAMFS_MAX_ENTRIES */
	uint32_t entry_size;   /* sizeof(struct ramfs_entry) */
	uint64_t entry_offset; /* == header_size */
	uint64_t data_offset;  /* the first 4 KiB boundary after the table */
	uint32_t crc32;	       /* CRC-32 of total_size bytes, this field 0 */
	uint32_t flags;	       /* 0 */
	uint64_t reserved;     /* 0 */
};
_Static_assert(sizeof(struct ramfs_header) == 64, "RAMFS.md: header");

/** One file. */
struct ramfs_entry {
	uint64_t data_offset; /* from the archive start, 4 KiB aligned; 0 if
				 size is 0 */
	uint64_t size;	      /* bytes of data */
	uint32_t mode;	      /* RAMFS_MODE_REG or RAMFS_MODE_EXEC */
	uint32_t reserved;    /* 0 */
	char path[RAMFS_PATH_SIZE]; /* absolute, normalized, NUL-padded */
};
_Static_assert(sizeof(struct ramfs_entry) == 128, "RAMFS.md: entry");
