// SPDX-License-Identifier: MIT
/*
 * A freestanding test program for tests/vm/test_linux.c, run from the
 * RAM FS as /test/bin/file_check: the file calls with good and bad
 * arguments, and every pointer-taking call given kernel pointers. Exits
 * 0 when every check holds, else the number of the first that failed:
 *   1-3   openat/read/lseek: an absolute path and a relative one (from
 *         "/") read the file; SEEK_SET/CUR/END; a negative offset or an
 *         unknown whence EINVAL; end of file reads 0
 *   4     fstat/newfstatat: size and S_IFREG|0444 by fd, by path and
 *         with AT_EMPTY_PATH; the console is S_IFCHR; bad flags EINVAL
 *   5     openat refusals: missing ENOENT, write or create EROFS,
 *         O_DIRECTORY on a file ENOTDIR, a relative path from a file fd
 *         ENOTDIR and from a bad fd EBADF, a 200-byte path
 *         ENAMETOOLONG, an empty path ENOENT
 *   6     a path that ends on the last byte before an unmapped page is
 *         read whole; one that runs into the unmapped page is EFAULT
 *   7     handles: 64 open files at most (EMFILE), closing frees the
 *         slot; a closed fd EBADF; a file is not writable (EBADF);
 *         lseek on the console ESPIPE; ioctl ENOTTY, bad fd EBADF;
 *         readlink ENOENT, size 0 EINVAL
 *   8     kernel pointers (the kernel's text, the kernel half, a
 *         non-canonical address), an unmapped one and NULL given to
 *         every pointer-taking call are EFAULT (NULL means "none" for
 *         time and prlimit64's old limit, as in Linux)
 */
#include "sys.h"

#define HELLO "/test/ramfs/hello.txt"
#define HELLO_LEN 29 /* "Hello from the csvsm RAM FS.\n" */
#define S_IFMT 0170000U
#define S_IFREG 0100000U
#define S_IFCHR 0020000U

int csvsm_main(const uint64_t *sp);

/** Linux x86-64 struct stat, the fields the checks read. */
struct kstat {
	uint64_t dev;
	uint64_t ino;
	uint64_t nlink;
	uint32_t mode;
	uint32_t uid;
	uint32_t gid;
	uint32_t pad0;
	uint64_t rdev;
	int64_t size;
	int64_t rest[12];
};

static long open_ro(const char *path)
{
	return sys5(SYS_OPENAT, AT_FDCWD, (long)path, 0, 0, 0);
}

static int same(const char *a, const char *b, long n)
{
	for (long i = 0; i < n; i++) {
		if (a[i] != b[i]) {
			return 0;
		}
	}
	return 1;
}

static int check_read_seek(void)
{
	char buf[64] = { 0 };
	long fd = open_ro(HELLO);

	if (fd < 3 || sys3(SYS_READ, fd, (long)buf, sizeof(buf)) != HELLO_LEN ||
	    !same(buf, "Hello from", 10) ||
	    sys3(SYS_READ, fd, (long)buf, sizeof(buf)) != 0) {
		return 1;
	}
	if (sys3(SYS_LSEEK, fd, 6, 0) != 6 || sys3(SYS_LSEEK, fd, 5, 1) != 11 ||
	    sys3(SYS_READ, fd, (long)buf, 3) != 3 || !same(buf, "the", 3) ||
	    sys3(SYS_LSEEK, fd, -4, 2) != HELLO_LEN - 4 ||
	    sys3(SYS_LSEEK, fd, 100, 0) != 100 ||
	    sys3(SYS_READ, fd, (long)buf, 4) != 0) {
		return 2;
	}
	if (sys3(SYS_LSEEK, fd, -1, 0) != -EINVAL ||
	    sys3(SYS_LSEEK, fd, -200, 1) != -EINVAL ||
	    sys3(SYS_LSEEK, fd, 0, 3) != -EINVAL ||
	    sys3(SYS_CLOSE, fd, 0, 0) != 0) {
		return 3;
	}
	fd = sys5(SYS_OPENAT, AT_FDCWD, (long)"test/ramfs/hello.txt", 0, 0, 0);
	if (fd < 3 || sys3(SYS_READ, fd, (long)buf, 5) != 5 ||
	    !same(buf, "Hello", 5) || sys3(SYS_CLOSE, fd, 0, 0) != 0) {
		return 3;
	}
	return 0;
}

static int check_stat(void)
{
	struct kstat st = { 0 };
	long fd = open_ro(HELLO);

	if (sys3(SYS_FSTAT, fd, (long)&st, 0) != 0 || st.size != HELLO_LEN ||
	    st.mode != (S_IFREG | 0444U) ||
	    sys5(SYS_NEWFSTATAT, AT_FDCWD, (long)HELLO, (long)&st, 0, 0) ||
	    st.size != HELLO_LEN ||
	    sys5(SYS_NEWFSTATAT, fd, (long)"", (long)&st, AT_EMPTY_PATH, 0) ||
	    st.size != HELLO_LEN) {
		return 4;
	}
	if (sys3(SYS_FSTAT, 1, (long)&st, 0) != 0 ||
	    (st.mode & S_IFMT) != S_IFCHR ||
	    sys5(SYS_NEWFSTATAT, fd, (long)"", (long)&st, 0x1, 0) != -EINVAL ||
	    sys5(SYS_NEWFSTATAT, AT_FDCWD, (long)"/nope", (long)&st, 0, 0) !=
		    -ENOENT ||
	    sys3(SYS_CLOSE, fd, 0, 0) != 0) {
		return 4;
	}
	return 0;
}

static int check_open_refusals(void)
{
	char longpath[201];
	long fd = open_ro(HELLO);

	for (int i = 0; i < 200; i++) {
		longpath[i] = i == 0 ? '/' : 'a';
	}
	longpath[200] = '\0';
	if (open_ro("/test/ramfs/missing") != -ENOENT ||
	    sys5(SYS_OPENAT, AT_FDCWD, (long)HELLO, O_WRONLY, 0, 0) != -EROFS ||
	    sys5(SYS_OPENAT, AT_FDCWD, (long)"/new", O_CREAT, 0644, 0) !=
		    -EROFS ||
	    sys5(SYS_OPENAT, AT_FDCWD, (long)HELLO, O_DIRECTORY, 0, 0) !=
		    -ENOTDIR ||
	    sys5(SYS_OPENAT, fd, (long)"hello.txt", 0, 0, 0) != -ENOTDIR ||
	    sys5(SYS_OPENAT, 50, (long)"hello.txt", 0, 0, 0) != -EBADF ||
	    open_ro(longpath) != -ENAMETOOLONG || open_ro("") != -ENOENT ||
	    sys3(SYS_CLOSE, fd, 0, 0) != 0) {
		return 5;
	}
	return 0;
}

/** A path at the very end of a mapped page, the next page unmapped. */
static int check_path_at_page_end(void)
{
	long a = mmap6(0, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_ANON_PRIV);
	const char *src = HELLO;
	long n = (long)str_len(src) + 1;
	char *p = (char *)at(a + PAGE - n);

	if (a <= 0 || sys3(SYS_MUNMAP, a + PAGE, PAGE, 0) != 0) {
		return 6;
	}
	for (long i = 0; i < n; i++) {
		p[i] = src[i];
	}
	long fd = open_ro(p);

	if (fd < 3 || sys3(SYS_CLOSE, fd, 0, 0) != 0) {
		return 6;
	}
	p[n - 1] = 'x'; /* no NUL before the unmapped page */
	if (open_ro(p) != -EFAULT || sys3(SYS_MUNMAP, a, PAGE, 0) != 0) {
		return 6;
	}
	return 0;
}

static int check_handles(void)
{
	long fds[64];
	long n = 0;
	char c;

	for (; n < 64; n++) {
		fds[n] = open_ro(HELLO);
		if (fds[n] < 0) {
			break;
		}
	}
	if (n != 61 || fds[n] != -EMFILE) { /* 0-2 are the console */
		return 7;
	}
	if (sys3(SYS_CLOSE, fds[10], 0, 0) != 0 || open_ro(HELLO) != fds[10]) {
		return 7;
	}
	for (long i = 0; i < n; i++) {
		sys3(SYS_CLOSE, fds[i], 0, 0);
	}
	if (sys3(SYS_READ, fds[0], (long)&c, 1) != -EBADF ||
	    sys3(SYS_CLOSE, fds[0], 0, 0) != -EBADF) {
		return 7;
	}
	long fd = open_ro(HELLO);

	if (sys3(SYS_WRITE, fd, (long)"x", 1) != -EBADF ||
	    sys3(SYS_LSEEK, 1, 0, 0) != -ESPIPE ||
	    sys3(SYS_LSEEK, 60, 0, 0) != -EBADF ||
	    sys3(SYS_IOCTL, 1, 0x5401, (long)&c) != -ENOTTY ||
	    sys3(SYS_IOCTL, 60, 0x5401, (long)&c) != -EBADF ||
	    sys3(SYS_READLINK, (long)"/proc/self/exe", (long)&c, 1) !=
		    -ENOENT ||
	    sys3(SYS_READLINK, (long)"/x", (long)&c, 0) != -EINVAL ||
	    sys3(SYS_CLOSE, fd, 0, 0) != 0) {
		return 7;
	}
	return 0;
}

/** Every pointer-taking call with pointer `bad`: EFAULT each time. */
static int bad_pointer_refused(long bad, long fd)
{
	long v = 5;

	return sys3(SYS_WRITE, 1, bad, 8) == -EFAULT &&
	       sys3(SYS_READ, fd, bad, 8) == -EFAULT &&
	       sys3(SYS_FSTAT, fd, bad, 0) == -EFAULT &&
	       sys5(SYS_NEWFSTATAT, AT_FDCWD, bad, (long)&v, 0, 0) == -EFAULT &&
	       sys5(SYS_NEWFSTATAT, AT_FDCWD, (long)HELLO, bad, 0, 0) ==
		       -EFAULT &&
	       sys5(SYS_OPENAT, AT_FDCWD, bad, 0, 0, 0) == -EFAULT &&
	       sys3(SYS_READLINK, bad, (long)&v, 8) == -EFAULT &&
	       sys3(SYS_WRITEV, 1, bad, 1) == -EFAULT &&
	       sys3(SYS_CLOCK_GETTIME, 1, bad, 0) == -EFAULT &&
	       sys3(SYS_CLOCK_GETTIME, 0, bad, 0) == -EFAULT &&
	       (bad == 0 || sys3(SYS_TIME, bad, 0, 0) == -EFAULT) &&
	       sys3(SYS_NANOSLEEP, bad, 0, 0) == -EFAULT &&
	       sys3(SYS_GETRANDOM, bad, 8, 0) == -EFAULT &&
	       sys3(SYS_ARCH_PRCTL, 0x1003, bad, 0) == -EFAULT &&
	       sys5(SYS_FUTEX, bad, 0, 0, 0, 0) == -EFAULT &&
	       (bad == 0 || sys5(SYS_PRLIMIT64, 0, 3, 0, bad, 0) == -EFAULT);
}

static int check_bad_pointers(void)
{
	static const long bad[] = { KERNEL_TEXT, KERNEL_HALF, NONCANONICAL,
				    USER_UNMAPPED, 0 };
	long fd = open_ro(HELLO);

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (!bad_pointer_refused(bad[i], fd)) {
			return 8;
		}
	}
	/* A buffer that starts in user memory and runs into the kernel. */
	char buf[8] = { 0 };

	if (sys3(SYS_READ, fd, (long)buf, KERNEL_TEXT) != -EFAULT ||
	    sys3(SYS_WRITE, 1, (long)buf, KERNEL_TEXT) != -EFAULT ||
	    sys3(SYS_CLOSE, fd, 0, 0) != 0) {
		return 8;
	}
	return 0;
}

int csvsm_main(const uint64_t *sp)
{
	int (*const checks[])(void) = {
		check_read_seek,	check_stat,    check_open_refusals,
		check_path_at_page_end, check_handles, check_bad_pointers,
	};
	(void)sp;
	for (size_t i = 0; i < sizeof(checks) / sizeof(checks[0]); i++) {
		int r = checks[i]();

		if (r != 0) {
			return r;
		}
	}
	say("file_check: every call as expected\n");
	return 0;
}
