/* SPDX-License-Identifier: MIT */
/*
 * What csvsm's freestanding test programs share: a raw system call with
 * up to six arguments (Linux x86-64 convention), the Linux numbers and
 * errno values they use, and pointers that a process must never be able
 * to use: the kernel's own text, the start of the kernel half, a
 * non-canonical address and an unmapped user address.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#define SYS_READ 0
#define SYS_WRITE 1
#define SYS_CLOSE 3
#define SYS_FSTAT 5
#define SYS_LSEEK 8
#define SYS_MMAP 9
#define SYS_MPROTECT 10
#define SYS_MUNMAP 11
#define SYS_BRK 12
#define SYS_IOCTL 16
#define SYS_WRITEV 20
#define SYS_NANOSLEEP 35
#define SYS_READLINK 89
#define SYS_ARCH_PRCTL 158
#define SYS_TIME 201
#define SYS_FUTEX 202
#define SYS_CLOCK_GETTIME 228
#define SYS_OPENAT 257
#define SYS_NEWFSTATAT 262
#define SYS_PRLIMIT64 302
#define SYS_GETRANDOM 318

#define EPERM 1
#define ENOENT 2
#define ESRCH 3
#define EBADF 9
#define EAGAIN 11
#define ENOMEM 12
#define EACCES 13
#define EFAULT 14
#define EEXIST 17
#define ENODEV 19
#define ENOTDIR 20
#define EINVAL 22
#define EMFILE 24
#define ENOTTY 25
#define ESPIPE 29
#define EROFS 30
#define ENAMETOOLONG 36
#define ENOSYS 38
#define ETIMEDOUT 110

#define PROT_NONE 0
#define PROT_READ 1
#define PROT_WRITE 2
#define PROT_EXEC 4
#define MAP_SHARED 0x01
#define MAP_PRIVATE 0x02
#define MAP_FIXED 0x10
#define MAP_ANONYMOUS 0x20
#define MAP_FIXED_NOREPLACE 0x100000
#define MAP_ANON_PRIV (MAP_PRIVATE | MAP_ANONYMOUS)
#define AT_FDCWD (-100)
#define AT_EMPTY_PATH 0x1000
#define O_WRONLY 1
#define O_CREAT 0x40
#define O_DIRECTORY 0x10000
#define PAGE 4096L

/* Pointers no call may accept. */
#define KERNEL_TEXT 0xFFFFFFFF80000000L /* mapped, but the kernel's */
#define KERNEL_HALF 0xFFFF800000000000L
#define NONCANONICAL 0x0000800000000000L
#define USER_UNMAPPED 0x0000004000000000L /* in range, never mapped */

/** A system call with five arguments (the sixth, R9, is 0). */
static inline long sys5(long nr, long a, long b, long c, long d, long e)
{
	register long r10 __asm__("r10") = d;
	register long r8 __asm__("r8") = e;
	register long r9 __asm__("r9") = 0;
	long ret;

	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"(nr), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8),
			   "r"(r9)
			 : "rcx", "r11", "memory");
	return ret;
}

static inline long sys3(long nr, long a, long b, long c)
{
	return sys5(nr, a, b, c, 0, 0);
}

/** mmap with no file (fd -1, offset 0). */
static inline long mmap6(long addr, long len, long prot, long flags)
{
	return sys5(SYS_MMAP, addr, len, prot, flags, -1);
}

/** A user address as a pointer (the programs compute addresses). */
static inline volatile char *at(long addr)
{
	/* NOLINTNEXTLINE(performance-no-int-to-ptr): an address by design */
	return (volatile char *)addr;
}

/** A user address as a function to call. */
static inline void call_at(long addr)
{
	/* NOLINTNEXTLINE(performance-no-int-to-ptr): an address by design */
	((void (*)(void))addr)();
}

/** The length of a NUL-terminated string. */
static inline size_t str_len(const char *s)
{
	size_t n = 0;

	while (s[n]) {
		n++;
	}
	return n;
}

/** Writes a NUL-terminated string to fd 1. */
static inline void say(const char *s)
{
	sys3(SYS_WRITE, 1, (long)s, (long)str_len(s));
}
