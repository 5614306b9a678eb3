/* SPDX-License-Identifier: MIT */
/*
 * libsvsm log writer: printf-style lines to fd 2 (or another fd), each
 * prefixed with the program's name ("init: ..."), written with one
 * write() per line so that lines of different processes do not mix.
 * Formatting is lib/util/fmt.c's (the kernel's own): %d %i %u %x %X %o
 * %c %s %p %%, length modifiers hh h l ll z, '-' and '0' flags, width
 * and precision. A line longer than SVSM_LOG_LINE_MAX is cut and ends
 * with "...".
 */
#pragma once

#include <stdarg.h>
#include <stddef.h>

#define SVSM_LOG_LINE_MAX 256U
#define SVSM_LOG_NAME_MAX 32U

/** Names the writer's prefix (cut to SVSM_LOG_NAME_MAX - 1) and its fd. */
void svsm_log_init(const char *name, int fd);
/**
 * Formats and writes: each line of the result ("\n"-separated; a missing
 * final newline is added) is written as "name: line\n". Returns the
 * number of lines whose write failed (0 when all went out).
 */
int svsm_logf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/** As svsm_logf with a va_list. */
int svsm_vlogf(const char *fmt, va_list ap)
	__attribute__((format(printf, 1, 0)));
