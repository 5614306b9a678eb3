// SPDX-License-Identifier: MIT
/*
 * libsvsm string functions (libsvsm/string.h). Byte loops: the programs
 * that use them are small and their strings short. gcc must not turn
 * these loops back into calls of memcpy/memset, which in the
 * freestanding build are these very functions (user/lib/libc_names.c):
 * hence the pragma (clang does not make that transformation here).
 */
#include <libsvsm/string.h>
#include <stdint.h>

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("no-tree-loop-distribute-patterns")
#endif

void *svsm_memcpy(void *dst, const void *src, size_t n)
{
	uint8_t *d = dst;
	const uint8_t *s = src;

	while (n--) {
		*d++ = *s++;
	}
	return dst;
}

void *svsm_memmove(void *dst, const void *src, size_t n)
{
	uint8_t *d = dst;
	const uint8_t *s = src;

	if ((uintptr_t)d <= (uintptr_t)s || (uintptr_t)d >= (uintptr_t)s + n) {
		return svsm_memcpy(dst, src, n);
	}
	while (n--) {
		d[n] = s[n];
	}
	return dst;
}

void *svsm_memset(void *dst, int c, size_t n)
{
	uint8_t *d = dst;

	while (n--) {
		*d++ = (uint8_t)c;
	}
	return dst;
}

int svsm_memcmp(const void *a, const void *b, size_t n)
{
	const uint8_t *x = a;
	const uint8_t *y = b;

	for (size_t i = 0; i < n; i++) {
		if (x[i] != y[i]) {
			return x[i] < y[i] ? -1 : 1;
		}
	}
	return 0;
}

size_t svsm_strlen(const char *s)
{
	size_t n = 0;

	while (s[n] != '\0') {
		n++;
	}
	return n;
}

size_t svsm_strnlen(const char *s, size_t max)
{
	size_t n = 0;

	while (n < max && s[n] != '\0') {
		n++;
	}
	return n;
}

int svsm_strcmp(const char *a, const char *b)
{
	return svsm_strncmp(a, b, SIZE_MAX);
}

int svsm_strncmp(const char *a, const char *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char x = (unsigned char)a[i];
		unsigned char y = (unsigned char)b[i];

		if (x != y) {
			return x < y ? -1 : 1;
		}
		if (x == '\0') {
			break;
		}
	}
	return 0;
}

char *svsm_strchr(const char *s, int c)
{
	for (;; s++) {
		if (*s == (char)c) {
			return (char *)s;
		}
		if (*s == '\0') {
			return NULL;
		}
	}
}

size_t svsm_strlcpy(char *dst, const char *src, size_t size)
{
	size_t len = svsm_strlen(src);

	if (size > 0) {
		size_t n = len < size - 1 ? len : size - 1;

		svsm_memcpy(dst, src, n);
		dst[n] = '\0';
	}
	return len;
}

size_t svsm_strlcat(char *dst, const char *src, size_t size)
{
	size_t used = svsm_strnlen(dst, size);

	if (used == size) {
		return size + svsm_strlen(src);
	}
	return used + svsm_strlcpy(dst + used, src, size - used);
}
