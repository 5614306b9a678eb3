/* SPDX-License-Identifier: MIT */
/*
 * A small freestanding formatter: the subset of printf that kernel logs
 * and the test framework use. Conversions: %d %i %u %x %X %o %c %s %p %%,
 * length modifiers hh h l ll z, flags '-' and '0', a field width and a
 * precision (both may be '*'; precision limits %s).
 */
#pragma once

#include <stdarg.h>
#include <stddef.h>

#include "svsm/err.h"

/**
 * Formats into `buf` (always NUL-terminated when `size` > 0) and returns
 * the length the whole output would have had, like vsnprintf.
 */
size_t fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));
/** As fmt_vsnprintf, with variable arguments. */
size_t fmt_snprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/**
 * Writes a one-line reason (printf-style) to `why` and returns `err`: how
 * the parsers of untrusted input refuse it.
 */
enum svsm_err fmt_refuse(char *why, size_t why_size, enum svsm_err err,
			 const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
