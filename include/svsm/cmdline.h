/* SPDX-License-Identifier: MIT */
/*
 * The boot command line (IGVM_VHT_COMMAND_LINE, written by the loader):
 * space-separated `key=value` or `key` words, printable ASCII only.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "svsm/err.h"

#define CMDLINE_MAX 0xF00U

/**
 * Copies the raw command line (`size` bytes, NUL-terminated inside) into
 * private memory and checks it. A line without a NUL or with a
 * non-printable byte is refused; the kernel then uses an empty line.
 */
enum svsm_err cmdline_init(const char *raw, size_t size) SVSM_MUST_CHECK;
/** The private copy ("" before cmdline_init or after a refusal). */
const char *cmdline_get(void);
/**
 * Finds `key` and copies its value (empty for a bare `key`) into `val`.
 * Returns false when the key is absent or the value does not fit.
 */
bool cmdline_value(const char *key, char *val, size_t val_size);
