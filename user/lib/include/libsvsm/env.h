/* SPDX-License-Identifier: MIT */
/*
 * The process's start-up arguments: a program's entry stack (the `sp`
 * crt0 passes to csvsm_main) holds argc, argv[], NULL, envp[], NULL, as
 * the kernel lays it out (docs/ABI.md, process start).
 */
#pragma once

#include <stdint.h>

/**
 * The value of environment variable `name` (the part after "name="), or
 * NULL when it is not set.
 */
const char *svsm_getenv(const uint64_t *sp, const char *name);

/**
 * Parses the decimal handle number in `s` (at most SVSM_HANDLE_MAX - 1);
 * -1 when `s` is NULL or not one.
 */
int svsm_parse_handle(const char *s);
