// SPDX-License-Identifier: MIT
/*
 * The Linux file calls on the read-only RAM FS: openat, lseek, fstat,
 * newfstatat, ioctl, readlink and writev; read and close go through the
 * handle table like every object (kernel/sys/syscall.c).
 *
 * An open file is a KOBJ_FILE kernel object holding the RAM FS entry and
 * an offset. The archive never changes after boot, so reads copy straight
 * from the mapped archive to the user with arch_copy_user(). The offset
 * is under the file's mutex, since a handle may be shared (dup, or
 * passed to a child); the mutex is held across the copy (a fault in it
 * is recovered by the exception table), and a sleeping lock lets a long
 * copy be preempted without others spinning on it.
 *
 * Paths are copied in once, page by page, to at most RAMFS_PATH_SIZE
 * bytes with the NUL (longer: ENAMETOOLONG; nothing longer can exist).
 * There is one directory tree and the working directory is "/": a
 * relative path with AT_FDCWD is looked up from the root; with any other
 * dirfd it is ENOTDIR (a file) or EBADF. Anything that would write is
 * EROFS.
 */
#include "arch/user.h"

#include "svsm/handle.h"
#include "svsm/heap.h"
#include "svsm/ramfs.h"
#include "svsm/string.h"
#include "svsm/task.h"

#include "sys_internal.h"

#define PATH_BUF (RAMFS_PATH_SIZE + 1U) /* room for a leading '/' */
#define READ_MAX 0x7FFFF000ULL		/* Linux's MAX_RW_COUNT */
#define O_WRITING                                                       \
	(SVSM_O_ACCMODE | SVSM_O_CREAT | SVSM_O_TRUNC | SVSM_O_APPEND | \
	 SVSM_O_TMPFILE)
#define STAT_FLAGS \
	(SVSM_AT_SYMLINK_NOFOLLOW | SVSM_AT_NO_AUTOMOUNT | SVSM_AT_EMPTY_PATH)
#define CONSOLE_RDEV 0x501U /* /dev/console's device number, 5:1 */
#define BLOCK_SIZE 4096

/** An open RAM FS file. */
struct file_obj {
	struct kobj o; /**< first: a `struct kobj *` of type KOBJ_FILE */
	const struct ramfs *fs;
	const struct ramfs_entry *e;
	struct mutex lock; /**< guards `off` */
	uint64_t off;
};

static struct file_obj *file_of(struct kobj *o)
{
	return o->type == KOBJ_FILE ? (struct file_obj *)o : NULL;
}

static int64_t file_read(struct kobj *o, uint64_t ubuf, uint64_t len)
{
	struct file_obj *f = file_of(o);
	int64_t ret = 0;

	if (!f) {
		return -SVSM_EBADF;
	}
	const uint8_t *data = ramfs_data(f->fs, f->e);

	len = len > READ_MAX ? READ_MAX : len;
	if (len > 0 && !uspace_range_ok(ubuf, len)) {
		return -SVSM_EFAULT;
	}
	mutex_lock(&f->lock);
	uint64_t n = f->off < f->e->size ? f->e->size - f->off : 0;

	n = n < len ? n : len;
	if (n > 0) {
		/* NOLINTNEXTLINE(performance-no-int-to-ptr): a user address */
		void *dst = (void *)(uintptr_t)ubuf;
		uint64_t done = n - arch_copy_user(dst, data + f->off, n);

		f->off += done;
		ret = done > 0 ? (int64_t)done : -SVSM_EFAULT;
	}
	mutex_unlock(&f->lock);
	return ret;
}

static uint32_t file_poll(struct kobj *o)
{
	(void)o;
	return SVSM_WAIT_READABLE;
}

static void file_release(struct kobj *o)
{
	kfree(file_of(o));
}

static const struct kobj_ops FILE_OPS = {
	.read = file_read,
	.write = NULL,
	.poll = file_poll,
	.release = file_release,
};

/** Whether `buf[0..n)` holds a NUL. */
static bool has_nul(const char *buf, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (buf[i] == '\0') {
			return true;
		}
	}
	return false;
}

/**
 * Copies the NUL-terminated user string at `upath` into `buf` (PATH_BUF
 * bytes), one page at a time so that a string ending just before an
 * unmapped page is read whole. -EFAULT, -ENAMETOOLONG.
 */
static int64_t copy_path(uint64_t upath, char *buf)
{
	size_t got = 0;

	while (got < RAMFS_PATH_SIZE) {
		uint64_t at = upath + got;
		size_t n = PAGE_SIZE - (size_t)(at & (PAGE_SIZE - 1U));

		n = n < RAMFS_PATH_SIZE - got ? n : RAMFS_PATH_SIZE - got;
		if (at < upath || sys_copy_in(buf + got, at, n) != 0) {
			return -SVSM_EFAULT;
		}
		if (has_nul(buf + got, n)) {
			return 0;
		}
		got += n;
	}
	return -SVSM_ENAMETOOLONG;
}

/**
 * Finds the file `upath` names relative to `dirfd` (see the file
 * comment); `*out` is the entry. An empty path is ENOENT.
 */
static int64_t lookup(struct process *p, int64_t dirfd, uint64_t upath,
		      const struct ramfs_entry **out)
{
	char buf[PATH_BUF];
	const struct ramfs *fs = ramfs_root();
	int64_t err = copy_path(upath, buf + 1);
	struct kobj *o;

	if (err != 0) {
		return err;
	}
	if (buf[1] == '\0') {
		return -SVSM_ENOENT;
	}
	const char *path = buf + 1;

	if (buf[1] != '/') {
		if (dirfd != SVSM_AT_FDCWD) {
			if (handle_get(&p->handles, dirfd, 0, &o, NULL) !=
			    SVSM_OK) {
				return -SVSM_EBADF;
			}
			kobj_put(o);
			return -SVSM_ENOTDIR;
		}
		buf[0] = '/';
		path = buf;
	}
	*out = fs ? ramfs_lookup(fs, path) : NULL;
	return *out ? 0 : -SVSM_ENOENT;
}

static int64_t sys_openat(struct process *p, int64_t dirfd, uint64_t upath,
			  uint64_t flags)
{
	const struct ramfs_entry *e;
	int64_t err = lookup(p, dirfd, upath, &e);
	int32_t fd;

	if (err == 0 && (flags & O_WRITING)) {
		return -SVSM_EROFS;
	}
	if (err == -SVSM_ENOENT && (flags & SVSM_O_CREAT)) {
		return -SVSM_EROFS;
	}
	if (err != 0) {
		return err;
	}
	if (flags & SVSM_O_DIRECTORY) {
		return -SVSM_ENOTDIR;
	}
	struct file_obj *f = kzalloc(sizeof(*f));

	if (!f) {
		return -SVSM_ENOMEM;
	}
	kobj_init(&f->o, KOBJ_FILE, &FILE_OPS);
	f->fs = ramfs_root();
	f->e = e;
	mutex_init(&f->lock);
	enum svsm_err herr = handle_install(
		&p->handles, &f->o,
		SVSM_RIGHT_READ | SVSM_RIGHT_WAIT | SVSM_RIGHT_DUP, &fd);

	kobj_put(&f->o); /* the table holds its own reference */
	return herr == SVSM_OK ? fd : handle_errno(herr);
}

static int64_t sys_lseek(struct process *p, int64_t fd, int64_t off,
			 uint64_t whence)
{
	struct kobj *o;
	int64_t ret;

	if (handle_get(&p->handles, fd, 0, &o, NULL) != SVSM_OK) {
		return -SVSM_EBADF;
	}
	struct file_obj *f = file_of(o);

	if (!f) {
		kobj_put(o);
		return -SVSM_ESPIPE;
	}
	mutex_lock(&f->lock);
	int64_t base = whence == SVSM_SEEK_SET	 ? 0
		       : whence == SVSM_SEEK_CUR ? (int64_t)f->off
						 : (int64_t)f->e->size;

	if (whence > SVSM_SEEK_END || (off > 0 && base > INT64_MAX - off) ||
	    base + off < 0) {
		ret = -SVSM_EINVAL;
	} else {
		f->off = (uint64_t)(base + off);
		ret = base + off;
	}
	mutex_unlock(&f->lock);
	kobj_put(o);
	return ret;
}

/** Fills `st` for object `o`; `e` is its RAM FS entry, if a file. */
static void stat_fill(struct svsm_stat *st, const struct kobj *o,
		      const struct ramfs_entry *e)
{
	*st = (struct svsm_stat){ .st_nlink = 1, .st_blksize = BLOCK_SIZE };
	if (e) {
		st->st_ino = (uint64_t)(uintptr_t)e; /* stable, unique */
		st->st_mode = SVSM_S_IFREG | 0444U;
		st->st_size = (int64_t)e->size;
		st->st_blocks = (int64_t)((e->size + 511U) / 512U);
	} else if (o && o->type == KOBJ_CONSOLE) {
		/* A character device: glibc line-buffers it. */
		st->st_mode = SVSM_S_IFCHR | 0620U;
		st->st_rdev = CONSOLE_RDEV;
	}
}

static int64_t stat_fd(struct process *p, int64_t fd, uint64_t ubuf)
{
	struct svsm_stat st;
	struct kobj *o;

	if (handle_get(&p->handles, fd, 0, &o, NULL) != SVSM_OK) {
		return -SVSM_EBADF;
	}
	struct file_obj *f = file_of(o);

	stat_fill(&st, o, f ? f->e : NULL);
	kobj_put(o);
	return sys_copy_out(ubuf, &st, sizeof(st));
}

static int64_t sys_newfstatat(struct process *p, int64_t dirfd, uint64_t upath,
			      uint64_t ubuf, uint64_t flags)
{
	const struct ramfs_entry *e;
	struct svsm_stat st;
	char c = 0;
	int64_t err;

	if (flags & ~(uint64_t)STAT_FLAGS) {
		return -SVSM_EINVAL;
	}
	if ((flags & SVSM_AT_EMPTY_PATH) && sys_copy_in(&c, upath, 1) == 0 &&
	    c == '\0') {
		return stat_fd(p, dirfd, ubuf);
	}
	err = lookup(p, dirfd, upath, &e);
	if (err != 0) {
		return err;
	}
	stat_fill(&st, NULL, e);
	return sys_copy_out(ubuf, &st, sizeof(st));
}

/** ioctl: no object has any: ENOTTY for a valid fd. */
static int64_t sys_ioctl(struct process *p, int64_t fd)
{
	struct kobj *o;

	if (handle_get(&p->handles, fd, 0, &o, NULL) != SVSM_OK) {
		return -SVSM_EBADF;
	}
	kobj_put(o);
	return -SVSM_ENOTTY;
}

/** readlink: there are no links; the path is still checked. */
static int64_t sys_readlink(uint64_t upath, int64_t size)
{
	char buf[PATH_BUF];
	int64_t err = copy_path(upath, buf);

	if (size <= 0) {
		return -SVSM_EINVAL;
	}
	return err != 0 ? err : -SVSM_ENOENT;
}

/** Writes each entry of `iov` in turn; stops at the first short write. */
static int64_t writev_entries(struct kobj *o, const struct svsm_iovec *iov,
			      uint64_t count)
{
	int64_t total = 0;

	for (uint64_t i = 0; i < count; i++) {
		int64_t n;

		if (iov[i].len == 0) {
			continue;
		}
		n = o->ops->write(o, iov[i].base, iov[i].len);
		if (n < 0) {
			return total > 0 ? total : n;
		}
		total += n;
		if ((uint64_t)n < iov[i].len) {
			break;
		}
	}
	return total;
}

/**
 * writev: the vector is copied in whole, then checked (at most
 * SVSM_IOV_MAX entries; lengths that add up past SSIZE_MAX are EINVAL),
 * then written entry by entry. Bytes written before a failure are
 * returned, as Linux does.
 */
static int64_t sys_writev(struct process *p, int64_t fd, uint64_t uiov,
			  uint64_t count)
{
	struct kobj *o;
	int64_t ret;
	uint64_t sum = 0;

	if (handle_get(&p->handles, fd, SVSM_RIGHT_WRITE, &o, NULL) !=
	    SVSM_OK) {
		return -SVSM_EBADF;
	}
	if (count > SVSM_IOV_MAX || !o->ops->write) {
		kobj_put(o);
		return count > SVSM_IOV_MAX ? -SVSM_EINVAL : -SVSM_EBADF;
	}
	struct svsm_iovec *iov = kmalloc(count * sizeof(*iov) + 1U);

	ret = iov ? sys_copy_in(iov, uiov, count * sizeof(*iov)) : -SVSM_ENOMEM;
	for (uint64_t i = 0; ret == 0 && i < count; i++) {
		if (iov[i].len > (uint64_t)INT64_MAX - sum) {
			ret = -SVSM_EINVAL;
		}
		sum += iov[i].len;
	}
	if (ret == 0) {
		ret = writev_entries(o, iov, count);
	}
	kfree(iov);
	kobj_put(o);
	return ret;
}

int64_t sys_file_dispatch(struct process *p, const struct trap_frame *f)
{
	switch (f->rax) {
	case SVSM_SYS_OPENAT:
		return sys_openat(p, (int32_t)f->rdi, f->rsi, f->rdx);
	case SVSM_SYS_LSEEK:
		return sys_lseek(p, (int64_t)f->rdi, (int64_t)f->rsi, f->rdx);
	case SVSM_SYS_FSTAT:
		return stat_fd(p, (int64_t)f->rdi, f->rsi);
	case SVSM_SYS_NEWFSTATAT:
		return sys_newfstatat(p, (int32_t)f->rdi, f->rsi, f->rdx,
				      f->r10);
	case SVSM_SYS_IOCTL:
		return sys_ioctl(p, (int64_t)f->rdi);
	case SVSM_SYS_READLINK:
		return sys_readlink(f->rdi, (int64_t)f->rdx);
	case SVSM_SYS_WRITEV:
		return sys_writev(p, (int64_t)f->rdi, f->rsi, f->rdx);
	default:
		return -SVSM_ENOSYS;
	}
}
