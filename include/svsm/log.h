/* SPDX-License-Identifier: MIT */
/*
 * The kernel log: every line goes into an in-memory ring buffer and, when
 * the console is on (boot option `console=on|off`, on by default on
 * native), to the platform console as well.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define LOG_BUFFER_SIZE 65536U

/** Appends formatted text to the log (and the console when on). */
void log_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/** Appends raw text. */
void log_write(const char *s, size_t len);
/** Switches copying to the console on or off. */
void log_set_console(bool on);
/** Whether log text is copied to the console. */
bool log_console_enabled(void);
/** Total bytes ever written: a mark for log_contains_since(). */
uint64_t log_mark(void);
/**
 * Called once GS points at the boot CPU's per-CPU data: from then on the
 * log tells CPUs apart (for its re-entry check) through this_cpu().
 */
void log_percpu_ready(void);
/**
 * Whether `needle` occurs in what was logged since `mark`, as far as the
 * ring buffer still holds it.
 */
bool log_contains_since(uint64_t mark, const char *needle);

/*
 * Linux-style level prefixes. These stay macros, named like the functions
 * they stand for, because the prefix is pasted onto the format literal at
 * compile time: one log_printf() call per line, and -Wformat still checks
 * the arguments against the whole format.
 * NOLINTBEGIN(readability-identifier-naming)
 */
#define pr_err(...) log_printf("ERROR: " __VA_ARGS__)
#define pr_warn(...) log_printf("WARNING: " __VA_ARGS__)
#define pr_info(...) log_printf(__VA_ARGS__)
/* NOLINTEND(readability-identifier-naming) */
