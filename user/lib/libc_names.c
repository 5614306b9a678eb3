// SPDX-License-Identifier: MIT
/*
 * The C library names that gcc may call on its own even with
 * -ffreestanding (memcpy, memmove, memset, memcmp) and that lib/util/fmt.c
 * expects, for the freestanding build of libsvsm only: the host build
 * uses the C library's.
 */
#include <libsvsm/string.h>

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);

void *memcpy(void *dst, const void *src, size_t n)
{
	return svsm_memcpy(dst, src, n);
}

void *memmove(void *dst, const void *src, size_t n)
{
	return svsm_memmove(dst, src, n);
}

void *memset(void *dst, int c, size_t n)
{
	return svsm_memset(dst, c, n);
}

int memcmp(const void *a, const void *b, size_t n)
{
	return svsm_memcmp(a, b, n);
}

size_t strlen(const char *s)
{
	return svsm_strlen(s);
}
