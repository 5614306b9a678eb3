/* SPDX-License-Identifier: MIT */
/*
 * QEMU's firmware configuration device (fw_cfg), the way the native
 * platform reads host-provided files such as the ACPI tables. Everything
 * it returns is untrusted: the caller copies a file into private memory
 * with fw_cfg_read() and checks the copy. The driver checks what it can
 * itself: the signature, the directory count, NUL-terminated names and
 * every size against the caller's limits.
 *
 * Boot CPU only, before the APs start: the device has one selector and
 * no lock is taken.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "svsm/err.h"

/** Longest file name, NUL included (QEMU's FW_CFG_MAX_FILE_PATH). */
#define FW_CFG_NAME_SIZE 56U
/** At most this many directory entries are looked at. */
#define FW_CFG_MAX_FILES 1024U

/** Whether the device answers with the "QEMU" signature. */
bool fw_cfg_present(void);

/**
 * Looks `name` up in the file directory: its selector key to `*key` and
 * its size to `*size`. SVSM_ERR_NOTFOUND when the directory has no such
 * file (or the device is absent), SVSM_ERR_INVAL when the directory is
 * malformed (a count above FW_CFG_MAX_FILES, a name without a NUL, the
 * same name twice).
 */
enum svsm_err fw_cfg_find(const char *name, uint16_t *key,
			  uint32_t *size) SVSM_MUST_CHECK;

/**
 * Selects `key` and reads its first `len` bytes into `buf`: exactly
 * `len` port reads, so a host cannot make it read more.
 */
void fw_cfg_read(uint16_t key, void *buf, size_t len);
