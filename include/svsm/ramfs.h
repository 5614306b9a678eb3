/* SPDX-License-Identifier: MIT */
/*
 * The kernel's RAM file system: the read-only archive that `igvmbld
 * --ramfs` packed into the image (docs/RAMFS.md). At boot
 * ramfs_init_boot() checks it completely with the shared reader
 * (lib/ramfs), keeping the checked copy of its header and entry table in
 * the kernel heap; a bad archive stops boot. Afterwards the archive is
 * reached through ramfs_root() and the reader's lookup, stat, read and
 * iteration calls (ramfs/ramfs.h), which need no lock: nothing changes
 * once boot has installed it.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "svsm/err.h"

#include "ramfs/ramfs.h"
#include "uapi/svsm/launch.h"

/** An archive checked by ramfs_mount() and the heap copy it reads. */
struct ramfs_mounted {
	struct ramfs fs;
	void *meta; /**< kmalloc'd copy of the header and entry table */
};

/**
 * Checks the `size`-byte archive at `archive` (mapped, read-only) and
 * fills `m`; the copy of its header and table is allocated here. On
 * refusal writes a one-line reason to `why`; NOMEM if the copy cannot be
 * allocated. `m` is untouched on failure.
 */
enum svsm_err ramfs_mount(struct ramfs_mounted *m, const void *archive,
			  uint64_t size, char *why,
			  size_t why_size) SVSM_MUST_CHECK;

/** Frees what ramfs_mount() allocated; safe to call more than once. */
void ramfs_unmount(struct ramfs_mounted *m);

/**
 * Boot: mounts the archive named by the launch info as the root RAM FS,
 * or logs "no RAM FS" when the image has none. A bad archive (or launch
 * info that places it outside the kernel window) stops boot with
 * "csvsm: refusing to boot: RAM FS: <reason>". Needs the heap.
 */
void ramfs_init_boot(const struct svsm_launch_info *li);

/** The root RAM FS, or NULL when the image has none. */
const struct ramfs *ramfs_root(void);
