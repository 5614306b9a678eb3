// SPDX-License-Identifier: MIT
/*
 * The root RAM FS (svsm/ramfs.h). The archive lies in read-only, NX pages
 * of the kernel window that the builder placed and measured with the
 * image; the launch info gives its address and size. Boot checks the
 * launch-info range, copies the archive's header and entry table into
 * the heap and checks everything with the shared reader (lib/ramfs).
 * The root is written once, on the boot CPU before the other CPUs start,
 * and only read afterwards, so it needs no lock.
 */
#include "svsm/ramfs.h"

#include <stdbool.h>

#include "svsm/addr.h"
#include "svsm/fmt.h"
#include "svsm/heap.h"
#include "svsm/log.h"
#include "svsm/plat.h"

/* The builder keeps everything it lays out in this window. */
#define KERNEL_WINDOW_SIZE 0x40000000ULL

static struct ramfs_mounted root;
static bool has_root;

/** Checks and mounts an archive; see svsm/ramfs.h. */
enum svsm_err ramfs_mount(struct ramfs_mounted *m, const void *archive,
			  uint64_t size, char *why, size_t why_size)
{
	size_t meta_size;
	struct ramfs fs;
	enum svsm_err err =
		ramfs_meta_size(archive, size, &meta_size, why, why_size);

	if (err != SVSM_OK) {
		return err;
	}
	void *meta = kmalloc(meta_size);

	if (meta == NULL) {
		(void)fmt_snprintf(why, why_size,
				   "RAM FS: no memory for a %zu-byte copy",
				   meta_size);
		return SVSM_ERR_NOMEM;
	}
	err = ramfs_open(&fs, archive, size,
			 (struct ramfs_meta){ meta, meta_size }, why, why_size);
	if (err != SVSM_OK) {
		kfree(meta);
		return err;
	}
	m->fs = fs;
	m->meta = meta;
	return SVSM_OK;
}

/** Frees a mount's copy; see svsm/ramfs.h. */
void ramfs_unmount(struct ramfs_mounted *m)
{
	kfree(m->meta);
	m->meta = NULL;
	m->fs.entries = NULL;
	m->fs.entry_count = 0;
}

/** Whether the launch info's range lies in the kernel window, aligned. */
static bool range_ok(const struct svsm_launch_info *li)
{
	uint64_t end = li->ramfs_va + li->ramfs_size;

	return li->ramfs_va % RAMFS_PAGE_SIZE == 0 && li->ramfs_size > 0 &&
	       li->ramfs_va >= li->image_vend && end > li->ramfs_va &&
	       end <= li->kernel_vbase + KERNEL_WINDOW_SIZE;
}

/** Mounts the root RAM FS at boot; see svsm/ramfs.h. */
void ramfs_init_boot(const struct svsm_launch_info *li)
{
	char why[160];

	if (li->ramfs_va == 0 && li->ramfs_size == 0) {
		log_printf("ramfs: no RAM FS\n");
		return;
	}
	if (!range_ok(li)) {
		(void)fmt_snprintf(why, sizeof(why),
				   "RAM FS: launch info range 0x%llx+0x%llx "
				   "outside the kernel window",
				   (unsigned long long)li->ramfs_va,
				   (unsigned long long)li->ramfs_size);
	} else if (ramfs_mount(&root, va_to_ptr(va_init(li->ramfs_va)),
			       li->ramfs_size, why, sizeof(why)) == SVSM_OK) {
		has_root = true;
		log_printf("ramfs: %u files in %llu KiB at 0x%llx\n",
			   root.fs.entry_count,
			   (unsigned long long)(li->ramfs_size >> 10),
			   (unsigned long long)li->ramfs_va);
		return;
	}
	log_set_console(true);
	log_printf("csvsm: refusing to boot: %s\n", why);
	plat_exit(false);
}

/** The root RAM FS; see svsm/ramfs.h. */
const struct ramfs *ramfs_root(void)
{
	return has_root ? &root.fs : NULL;
}
