// SPDX-License-Identifier: MIT
/*
 * Freestanding memory and string functions for the kernel (the compiler
 * may also emit calls to memcpy, memset and memmove on its own). Simple
 * byte loops: nothing here is on a path where speed matters yet.
 */
#include "svsm/string.h"

#include <stdint.h>

/** Copies `n` bytes; the ranges must not overlap. */
void *memcpy(void *dst, const void *src, size_t n)
{
	uint8_t *d = dst;
	const uint8_t *s = src;

	while (n--) {
		*d++ = *s++;
	}
	return dst;
}

/** Copies `n` bytes; the ranges may overlap. */
void *memmove(void *dst, const void *src, size_t n)
{
	uint8_t *d = dst;
	const uint8_t *s = src;

	if (d < s) {
		return memcpy(dst, src, n);
	}
	while (n--) {
		d[n] = s[n];
	}
	return dst;
}

/** Fills `n` bytes with `c`. */
void *memset(void *dst, int c, size_t n)
{
	uint8_t *d = dst;

	while (n--) {
		*d++ = (uint8_t)c;
	}
	return dst;
}

/** Compares `n` bytes as unsigned chars. */
int memcmp(const void *a, const void *b, size_t n)
{
	const uint8_t *pa = a;
	const uint8_t *pb = b;

	for (size_t i = 0; i < n; i++) {
		if (pa[i] != pb[i]) {
			return pa[i] - pb[i];
		}
	}
	return 0;
}

/** Length of a NUL-terminated string. */
size_t strlen(const char *s)
{
	size_t n = 0;

	while (s[n] != '\0') {
		n++;
	}
	return n;
}

/** Length of `s`, at most `max`. */
size_t strnlen(const char *s, size_t max)
{
	size_t n = 0;

	while (n < max && s[n] != '\0') {
		n++;
	}
	return n;
}

/** Compares two strings. */
int strcmp(const char *a, const char *b)
{
	while (*a != '\0' && *a == *b) {
		a++;
		b++;
	}
	return (unsigned char)*a - (unsigned char)*b;
}

/** Compares at most `n` characters. */
int strncmp(const char *a, const char *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (a[i] != b[i] || a[i] == '\0') {
			return (unsigned char)a[i] - (unsigned char)b[i];
		}
	}
	return 0;
}

/** Finds the first occurrence of `needle` in `haystack`, or NULL. */
char *strstr(const char *haystack, const char *needle)
{
	size_t n = strlen(needle);

	for (const char *p = haystack; *p != '\0'; p++) {
		if (strncmp(p, needle, n) == 0) {
			return (char *)p;
		}
	}
	return n == 0 ? (char *)haystack : NULL;
}
