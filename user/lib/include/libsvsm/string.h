/* SPDX-License-Identifier: MIT */
/*
 * libsvsm string functions. They carry an svsm_ prefix so that the host
 * build links beside the C library; the freestanding build also exports
 * memcpy, memset, memmove and memcmp (user/lib/libc_names.c), which the
 * compiler may call on its own.
 */
#pragma once

#include <stddef.h>

void *svsm_memcpy(void *dst, const void *src, size_t n);
void *svsm_memmove(void *dst, const void *src, size_t n);
void *svsm_memset(void *dst, int c, size_t n);
int svsm_memcmp(const void *a, const void *b, size_t n);
size_t svsm_strlen(const char *s);
/** Length of `s`, at most `max`. */
size_t svsm_strnlen(const char *s, size_t max);
int svsm_strcmp(const char *a, const char *b);
int svsm_strncmp(const char *a, const char *b, size_t n);
/** First `c` in `s` (the NUL counts), or NULL. */
char *svsm_strchr(const char *s, int c);
/**
 * Copies `src` into `dst` (`size` bytes, always NUL-terminated when
 * `size` > 0); returns strlen(src): truncated when >= size.
 */
size_t svsm_strlcpy(char *dst, const char *src, size_t size);
/** Appends like strlcat; returns the length it tried to create. */
size_t svsm_strlcat(char *dst, const char *src, size_t size);
