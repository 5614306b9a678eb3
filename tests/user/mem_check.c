// SPDX-License-Identifier: MIT
/*
 * A freestanding test program for tests/vm/test_linux.c, run from the
 * RAM FS as /test/bin/mem_check: the memory calls and futex, writev and
 * prlimit64 with good and bad arguments. Exits 0 when every check holds,
 * else the number of the first that failed:
 *   1-3   brk: starts page aligned, grows (zeroed, writable), shrinks;
 *         a kernel address or one below the start leaves it unchanged
 *   4-6   mmap: zeroed read-write pages, page aligned, below the stack;
 *         a free hint is taken; MAP_FIXED replaces (fresh zeroes) and
 *         MAP_FIXED_NOREPLACE over used space is EEXIST
 *   7     mmap refusals: length 0, no PRIVATE/SHARED, unknown prot
 *         (EINVAL); shared or file-backed (ENODEV); W+X (EACCES); huge
 *         or kernel-half MAP_FIXED (ENOMEM); misaligned MAP_FIXED
 *         (EINVAL); more than the process's page limit (ENOMEM)
 *   8-9   munmap: the middle of a mapping, the rest stays; misaligned,
 *         zero length, kernel and overflowing ranges are EINVAL
 *   10-11 mprotect: PROT_NONE keeps the data for a later PROT_READ;
 *         a PROT_NONE reservation becomes zeroed memory; W+X is EACCES;
 *         a hole is ENOMEM; misaligned EINVAL; the kernel half ENOMEM
 *   12    the map holds a bounded number of ranges: ENOMEM, not a crash
 *   13-14 futex: EAGAIN when the value differs, ETIMEDOUT after the
 *         timeout, WAKE 0; misaligned EINVAL, kernel or unmapped EFAULT,
 *         an unknown op ENOSYS, a bad timeout pointer EFAULT
 *   15-16 writev: writes every entry in order; more than 1024 entries
 *         or lengths adding past SSIZE_MAX EINVAL; a kernel vector EFAULT;
 *         a kernel buffer after a good one returns the bytes before it;
 *         a bad fd EBADF
 *   17    prlimit64: RLIMIT_STACK is the 16 KiB stack; a new limit
 *         EPERM; another pid ESRCH; a bad resource EINVAL; kernel
 *         pointer EFAULT
 */
#include "sys.h"

#define GIB (1L << 30)
#define USER_TOP 0x8000000000L

int csvsm_main(const uint64_t *sp);

struct iov {
	long base;
	long len;
};

struct ts {
	long sec;
	long nsec;
};

static int all_zero(const volatile char *p, long n)
{
	for (long i = 0; i < n; i++) {
		if (p[i] != 0) {
			return 0;
		}
	}
	return 1;
}

static int check_brk(void)
{
	long start = sys3(SYS_BRK, 0, 0, 0);
	volatile char *heap = at(start);

	if (start <= 0 || (start & (PAGE - 1)) != 0) {
		return 1;
	}
	if (sys3(SYS_BRK, start + 3 * PAGE + 5, 0, 0) != start + 3 * PAGE + 5 ||
	    !all_zero(heap, 3 * PAGE + 5)) {
		return 2;
	}
	heap[3 * PAGE] = 7;
	if (sys3(SYS_BRK, KERNEL_TEXT, 0, 0) != start + 3 * PAGE + 5 ||
	    sys3(SYS_BRK, start - PAGE, 0, 0) != start + 3 * PAGE + 5 ||
	    sys3(SYS_BRK, start + 2 * GIB, 0, 0) != start + 3 * PAGE + 5 ||
	    sys3(SYS_BRK, start + PAGE, 0, 0) != start + PAGE ||
	    sys3(SYS_BRK, start + 4 * PAGE, 0, 0) != start + 4 * PAGE ||
	    heap[3 * PAGE] != 0) { /* shrunk and grown again: fresh */
		return 3;
	}
	return 0;
}

static int check_mmap(void)
{
	long a = mmap6(0, 3 * PAGE, PROT_READ | PROT_WRITE, MAP_ANON_PRIV);
	volatile char *m = at(a);

	if (a <= 0 || (a & (PAGE - 1)) || a + 3 * PAGE > USER_TOP - GIB ||
	    !all_zero(m, 3 * PAGE)) {
		return 4;
	}
	m[0] = 1;
	m[3 * PAGE - 1] = 2;
	long hint = 0x3000000000L;

	if (mmap6(hint, PAGE, PROT_READ, MAP_ANON_PRIV) != hint) {
		return 5;
	}
	if (mmap6(a, PAGE, PROT_READ | PROT_WRITE,
		  MAP_ANON_PRIV | MAP_FIXED_NOREPLACE) != -EEXIST ||
	    mmap6(a, PAGE, PROT_READ | PROT_WRITE, MAP_ANON_PRIV | MAP_FIXED) !=
		    a ||
	    m[0] != 0 || m[3 * PAGE - 1] != 2) {
		return 6;
	}
	return 0;
}

static int check_mmap_refusals(void)
{
	const long rw = PROT_READ | PROT_WRITE;

	if (mmap6(0, 0, rw, MAP_ANON_PRIV) != -EINVAL ||
	    mmap6(0, PAGE, rw, MAP_ANONYMOUS) != -EINVAL ||
	    mmap6(0, PAGE, 0x10, MAP_ANON_PRIV) != -EINVAL ||
	    mmap6(0, PAGE, rw, MAP_SHARED | MAP_ANONYMOUS) != -ENODEV ||
	    mmap6(0, PAGE, PROT_READ, MAP_PRIVATE) != -ENODEV ||
	    mmap6(0, PAGE, PROT_WRITE | PROT_EXEC, MAP_ANON_PRIV) != -EACCES ||
	    mmap6(0, 1L << 62, rw, MAP_ANON_PRIV) != -ENOMEM ||
	    mmap6(KERNEL_TEXT, PAGE, rw, MAP_ANON_PRIV | MAP_FIXED) !=
		    -ENOMEM ||
	    mmap6(USER_TOP - PAGE, 2 * PAGE, rw, MAP_ANON_PRIV | MAP_FIXED) !=
		    -ENOMEM ||
	    mmap6(0x3000000010L, PAGE, rw, MAP_ANON_PRIV | MAP_FIXED) !=
		    -EINVAL ||
	    mmap6(0, 64L << 20, rw, MAP_ANON_PRIV) != -ENOMEM) {
		return 7;
	}
	/* A kernel hint is ignored, not followed. */
	long h = mmap6(KERNEL_TEXT, PAGE, rw, MAP_ANON_PRIV);

	if (h <= 0 || h >= USER_TOP) {
		return 7;
	}
	return 0;
}

static int check_munmap(void)
{
	long a = mmap6(0, 4 * PAGE, PROT_READ | PROT_WRITE, MAP_ANON_PRIV);
	volatile char *m = at(a);

	if (a <= 0) {
		return 8;
	}
	m[0] = 1;
	m[3 * PAGE] = 4;
	if (sys3(SYS_MUNMAP, a + PAGE, 2 * PAGE, 0) != 0 || m[0] != 1 ||
	    m[3 * PAGE] != 4 ||
	    mmap6(a + PAGE, 2 * PAGE, PROT_READ,
		  MAP_ANON_PRIV | MAP_FIXED_NOREPLACE) != a + PAGE) {
		return 8;
	}
	if (sys3(SYS_MUNMAP, a + 1, PAGE, 0) != -EINVAL ||
	    sys3(SYS_MUNMAP, a, 0, 0) != -EINVAL ||
	    sys3(SYS_MUNMAP, KERNEL_TEXT, PAGE, 0) != -EINVAL ||
	    sys3(SYS_MUNMAP, a, -PAGE, 0) != -EINVAL ||
	    sys3(SYS_MUNMAP, USER_TOP - PAGE, 2 * PAGE, 0) != -EINVAL ||
	    sys3(SYS_MUNMAP, a, 4 * PAGE, 0) != 0 ||
	    sys3(SYS_MUNMAP, a, 4 * PAGE, 0) != 0) { /* twice is fine */
		return 9;
	}
	return 0;
}

static int check_mprotect(void)
{
	long a = mmap6(0, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_ANON_PRIV);
	volatile char *m = at(a);

	if (a <= 0) {
		return 10;
	}
	m[5] = 9;
	if (sys3(SYS_MPROTECT, a, 2 * PAGE, PROT_NONE) != 0 ||
	    sys3(SYS_MPROTECT, a, PAGE, PROT_READ) != 0 || m[5] != 9) {
		return 10;
	}
	long r = mmap6(0, 2 * PAGE, PROT_NONE, MAP_ANON_PRIV);

	if (r <= 0 || sys3(SYS_MPROTECT, r, 2 * PAGE, PROT_READ | PROT_WRITE) ||
	    !all_zero(at(r), 2 * PAGE)) {
		return 10;
	}
	(at(r))[PAGE] = 3;
	if (sys3(SYS_MPROTECT, a, PAGE, PROT_WRITE | PROT_EXEC) != -EACCES ||
	    sys3(SYS_MPROTECT, a, PAGE, PROT_READ | 0x40) != -EINVAL ||
	    sys3(SYS_MPROTECT, a + 1, PAGE, PROT_READ) != -EINVAL ||
	    sys3(SYS_MPROTECT, USER_UNMAPPED, PAGE, PROT_READ) != -ENOMEM ||
	    sys3(SYS_MUNMAP, r + PAGE, PAGE, 0) != 0 ||
	    sys3(SYS_MPROTECT, r, 2 * PAGE, PROT_READ) != -ENOMEM ||
	    sys3(SYS_MPROTECT, KERNEL_TEXT, PAGE, PROT_READ) != -ENOMEM ||
	    sys3(SYS_MPROTECT, a, 0, PROT_READ) != 0) {
		return 11;
	}
	return 0;
}

/** Separate one-page mappings until the map is full: ENOMEM. */
static int check_area_limit(void)
{
	long base = 0x2000000000L;
	long i;

	for (i = 0; i < 200; i++) {
		long r = mmap6(base + i * 2 * PAGE, PAGE, PROT_NONE,
			       MAP_ANON_PRIV | MAP_FIXED_NOREPLACE);

		if (r == -ENOMEM) {
			break;
		}
		if (r != base + i * 2 * PAGE) {
			return 12;
		}
	}
	if (i == 200 || sys3(SYS_MUNMAP, base, 400 * PAGE, 0) != 0) {
		return 12;
	}
	return 0;
}

static int check_futex(void)
{
	static volatile uint32_t word = 5;
	struct ts two_ms = { 0, 2000000 };
	struct ts bad = { 0, -1 };
	long w = (long)&word;

	if (sys5(SYS_FUTEX, w, 0, 4, 0, 0) != -EAGAIN ||
	    sys5(SYS_FUTEX, w, 128, 5, (long)&two_ms, 0) != -ETIMEDOUT ||
	    sys5(SYS_FUTEX, w, 1, 1, 0, 0) != 0 ||
	    sys5(SYS_FUTEX, w, 129, 1, 0, 0) != 0) {
		return 13;
	}
	if (sys5(SYS_FUTEX, w + 1, 1, 1, 0, 0) != -EINVAL ||
	    sys5(SYS_FUTEX, KERNEL_TEXT, 0, 0, 0, 0) != -EFAULT ||
	    sys5(SYS_FUTEX, USER_UNMAPPED, 1, 1, 0, 0) != -EFAULT ||
	    sys5(SYS_FUTEX, w, 99, 1, 0, 0) != -ENOSYS ||
	    sys5(SYS_FUTEX, w, 0, 5, KERNEL_TEXT, 0) != -EFAULT ||
	    sys5(SYS_FUTEX, w, 0, 5, (long)&bad, 0) != -EINVAL) {
		return 14;
	}
	return 0;
}

static int check_writev(void)
{
	static const char a[] = "mem_check: writev ";
	static const char b[] = "in order\n";
	struct iov v[2] = { { (long)a, sizeof(a) - 1 },
			    { (long)b, sizeof(b) - 1 } };
	long total = (long)(sizeof(a) + sizeof(b) - 2);

	if (sys3(SYS_WRITEV, 1, (long)v, 2) != total ||
	    sys3(SYS_WRITEV, 1, (long)v, 0) != 0) {
		return 15;
	}
	struct iov big[2] = { { (long)a, 0x7FFFFFFFFFFFFFF0L },
			      { (long)b, 0x20 } };
	struct iov kern[2] = { { (long)a, 1 }, { KERNEL_TEXT, 8 } };

	if (sys3(SYS_WRITEV, 1, (long)v, 1025) != -EINVAL ||
	    sys3(SYS_WRITEV, 1, (long)big, 2) != -EINVAL ||
	    sys3(SYS_WRITEV, 1, KERNEL_TEXT, 2) != -EFAULT ||
	    sys3(SYS_WRITEV, 1, USER_UNMAPPED, 1) != -EFAULT ||
	    sys3(SYS_WRITEV, 1, (long)&kern[1], 1) != -EFAULT ||
	    sys3(SYS_WRITEV, 1, (long)kern, 2) != 1 || /* the "m" */
	    sys3(SYS_WRITEV, 40, (long)v, 2) != -EBADF ||
	    sys3(SYS_WRITEV, 0, (long)v, 2) != -EBADF) {
		return 16;
	}
	say("\n");
	return 0;
}

static int check_prlimit(void)
{
	uint64_t lim[2] = { 0, 0 };

	if (sys5(SYS_PRLIMIT64, 0, 3, 0, (long)lim, 0) != 0 ||
	    lim[0] != 16384 || lim[1] != 16384) {
		return 17;
	}
	if (sys5(SYS_PRLIMIT64, 0, 3, (long)lim, 0, 0) != -EPERM ||
	    sys5(SYS_PRLIMIT64, 9999, 3, 0, (long)lim, 0) != -ESRCH ||
	    sys5(SYS_PRLIMIT64, 0, 99, 0, (long)lim, 0) != -EINVAL ||
	    sys5(SYS_PRLIMIT64, 0, 3, 0, KERNEL_TEXT, 0) != -EFAULT) {
		return 17;
	}
	return 0;
}

int csvsm_main(const uint64_t *sp)
{
	int (*const checks[])(void) = {
		check_brk,    check_mmap,     check_mmap_refusals,
		check_munmap, check_mprotect, check_area_limit,
		check_futex,  check_writev,   check_prlimit,
	};
	(void)sp;
	for (size_t i = 0; i < sizeof(checks) / sizeof(checks[0]); i++) {
		int r = checks[i]();

		if (r != 0) {
			return r;
		}
	}
	say("mem_check: every call as expected\n");
	return 0;
}
