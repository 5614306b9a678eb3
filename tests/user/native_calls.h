/* SPDX-License-Identifier: MIT */
/*
 * System call helpers for csvsm's freestanding test programs that use
 * the native calls (tests/user/native_check.c, native_bench.c): the
 * register convention of include/uapi/svsm/syscall.h, a console writer
 * and a number formatter. Header-only: each program is one file.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "uapi/svsm/syscall.h"

static inline long sys4(long nr, long a, long b, long c, long d)
{
	long ret;
	register long r10 __asm__("r10") = d;

	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"(nr), "D"(a), "S"(b), "d"(c), "r"(r10)
			 : "rcx", "r11", "memory");
	return ret;
}

static inline long sys0(long nr)
{
	return sys4(nr, 0, 0, 0, 0);
}

static inline long sys1(long nr, long a)
{
	return sys4(nr, a, 0, 0, 0);
}

static inline long sys2(long nr, long a, long b)
{
	return sys4(nr, a, b, 0, 0);
}

static inline long sys3(long nr, long a, long b, long c)
{
	return sys4(nr, a, b, c, 0);
}

/** argv[i] of the entry stack at `sp` (argc first), or "". */
static inline const char *entry_arg(const uint64_t *sp, uint64_t i)
{
	/* NOLINTNEXTLINE(performance-no-int-to-ptr): a user address */
	return sp[0] > i ? (const char *)sp[1U + i] : "";
}

static inline size_t str_len(const char *s)
{
	size_t n = 0;

	while (s[n]) {
		n++;
	}
	return n;
}

static inline int str_eq(const char *a, const char *b)
{
	while (*a && *a == *b) {
		a++;
		b++;
	}
	return *a == *b;
}

static inline void put_str(const char *s)
{
	(void)sys3(SVSM_SYS_WRITE, 1, (long)s, (long)str_len(s));
}

/** Writes `v` in decimal. */
static inline void put_u64(uint64_t v)
{
	char buf[24];
	size_t i = sizeof(buf) - 1U;

	buf[i] = '\0';
	do {
		buf[--i] = (char)('0' + v % 10U);
		v /= 10U;
	} while (v != 0 && i > 0);
	put_str(&buf[i]);
}

static inline uint64_t now_ns(void)
{
	int64_t ts[2] = { 0, 0 };

	(void)sys2(SVSM_SYS_CLOCK_GETTIME, SVSM_CLOCK_MONOTONIC, (long)ts);
	return (uint64_t)ts[0] * 1000000000ULL + (uint64_t)ts[1];
}

static inline void mem_set(void *p, int c, size_t n)
{
	volatile uint8_t *b = p;

	for (size_t i = 0; i < n; i++) {
		b[i] = (uint8_t)c;
	}
}

/* gcc may call these for structure copies and clears; one per program. */
void *memset(void *d, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);

void *memset(void *d, int c, size_t n)
{
	mem_set(d, c, n);
	return d;
}

void *memcpy(void *d, const void *s, size_t n)
{
	volatile uint8_t *to = d;
	const uint8_t *from = s;

	for (size_t i = 0; i < n; i++) {
		to[i] = from[i];
	}
	return d;
}
