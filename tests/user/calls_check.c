// SPDX-License-Identifier: MIT
/*
 * A freestanding test program for tests/vm/test_exec.c, run from the RAM
 * FS as /test/bin/calls_check: the Linux calls beyond write and exit,
 * with good and bad arguments. Exits 0 when every check holds, else the
 * number of the first that failed:
 *   1-3   arch_prctl: ARCH_SET_FS makes %fs:0 read the given memory, the
 *         base survives a yield, ARCH_GET_FS returns it; a kernel
 *         address is refused (-EPERM), an unknown code is -EINVAL
 *   4-6   clock_gettime: CLOCK_MONOTONIC advances across a 3 ms
 *         nanosleep by at least 3 ms; CLOCK_REALTIME reads a date after
 *         2024 and time() agrees with it; an unknown clock is -EINVAL;
 *         a bad pointer is -EFAULT
 *   7     nanosleep: a negative or too large nsec is -EINVAL
 *   8-9   getrandom: 64 bytes, not all zero and not all equal; unknown
 *         flags -EINVAL, a bad pointer -EFAULT
 *   10    gettid and set_tid_address give the pid
 */
#include <stddef.h>
#include <stdint.h>

#define SYS_WRITE 1
#define SYS_YIELD 24
#define SYS_NANOSLEEP 35
#define SYS_GETPID 39
#define SYS_ARCH_PRCTL 158
#define SYS_GETTID 186
#define SYS_TIME 201
#define SYS_SET_TID_ADDRESS 218
#define SYS_CLOCK_GETTIME 228
#define SYS_GETRANDOM 318
#define ARCH_SET_FS 0x1002
#define ARCH_GET_FS 0x1003
#define EPERM 1
#define EFAULT 14
#define EINVAL 22
#define BAD_PTR 0xFFFFFFFF80000000UL

struct timespec64 {
	int64_t sec;
	int64_t nsec;
};

int csvsm_main(const uint64_t *sp);

static long sys3(long nr, long a, long b, long c)
{
	long ret;

	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"(nr), "D"(a), "S"(b), "d"(c)
			 : "rcx", "r11", "memory");
	return ret;
}

static uint64_t fs_word(void)
{
	uint64_t v;

	__asm__ volatile("movq %%fs:0, %0" : "=r"(v));
	return v;
}

static int64_t now_ns(void)
{
	struct timespec64 ts = { 0, 0 };

	if (sys3(SYS_CLOCK_GETTIME, 1, (long)&ts, 0) != 0) {
		return -1;
	}
	return ts.sec * 1000000000L + ts.nsec;
}

static int check_fs(void)
{
	static volatile uint64_t tls_block[4] = { 0x7153A11ED, 0, 0, 0 };
	uint64_t got = 0;

	if (sys3(SYS_ARCH_PRCTL, ARCH_SET_FS, (long)tls_block, 0) != 0 ||
	    fs_word() != 0x7153A11ED) {
		return 1;
	}
	sys3(SYS_YIELD, 0, 0, 0);
	if (fs_word() != 0x7153A11ED ||
	    sys3(SYS_ARCH_PRCTL, ARCH_GET_FS, (long)&got, 0) != 0 ||
	    got != (uint64_t)(uintptr_t)tls_block) {
		return 2;
	}
	if (sys3(SYS_ARCH_PRCTL, ARCH_SET_FS, (long)BAD_PTR, 0) != -EPERM ||
	    sys3(SYS_ARCH_PRCTL, 0x9999, 0, 0) != -EINVAL) {
		return 3;
	}
	return 0;
}

static int check_time(void)
{
	struct timespec64 nap = { 0, 3000000 };
	struct timespec64 bad = { 0, -1 };
	struct timespec64 ts;
	int64_t t0 = now_ns();

	if (t0 < 0 || sys3(SYS_NANOSLEEP, (long)&nap, 0, 0) != 0 ||
	    now_ns() - t0 < 3000000) {
		return 4;
	}
	if (sys3(SYS_CLOCK_GETTIME, 0, (long)&ts, 0) != 0 ||
	    ts.sec < 1704067200 || sys3(SYS_TIME, 0, 0, 0) < ts.sec ||
	    sys3(SYS_CLOCK_GETTIME, 99, (long)&ts, 0) != -EINVAL ||
	    sys3(SYS_TIME, (long)BAD_PTR, 0, 0) != -EFAULT) {
		return 5;
	}
	if (sys3(SYS_CLOCK_GETTIME, 1, (long)BAD_PTR, 0) != -EFAULT) {
		return 6;
	}
	if (sys3(SYS_NANOSLEEP, (long)&bad, 0, 0) != -EINVAL) {
		return 7;
	}
	bad.nsec = 1000000000;
	if (sys3(SYS_NANOSLEEP, (long)&bad, 0, 0) != -EINVAL) {
		return 7;
	}
	return 0;
}

static int check_random(void)
{
	uint8_t buf[64] = { 0 };
	uint8_t all_or = 0;
	int all_same = 1;

	if (sys3(SYS_GETRANDOM, (long)buf, sizeof(buf), 0) !=
	    (long)sizeof(buf)) {
		return 8;
	}
	for (size_t i = 0; i < sizeof(buf); i++) {
		all_or |= buf[i];
		all_same &= buf[i] == buf[0];
	}
	if (!all_or || all_same) {
		return 8;
	}
	if (sys3(SYS_GETRANDOM, (long)buf, 8, 0x80) != -EINVAL ||
	    sys3(SYS_GETRANDOM, (long)BAD_PTR, 8, 0) != -EFAULT) {
		return 9;
	}
	return 0;
}

int csvsm_main(const uint64_t *sp)
{
	static const char msg[] = "calls_check: every call as expected\n";
	long pid = sys3(SYS_GETPID, 0, 0, 0);
	int r;

	(void)sp;
	r = check_fs();
	if (r == 0) {
		r = check_time();
	}
	if (r == 0) {
		r = check_random();
	}
	if (r == 0 && (sys3(SYS_GETTID, 0, 0, 0) != pid ||
		       sys3(SYS_SET_TID_ADDRESS, 0, 0, 0) != pid)) {
		r = 10;
	}
	if (r == 0) {
		sys3(SYS_WRITE, 1, (long)msg, sizeof(msg) - 1U);
	}
	return r;
}
