/* SPDX-License-Identifier: MIT */
/*
 * The MADT of the native platform: QEMU's ACPI tables read through
 * fw_cfg (svsm/fw_cfg.h) into private memory and linked there by the
 * table-loader interpreter (svsm/acpi_loader.h). Boot CPU only.
 */
#pragma once

#include <stddef.h>

#include "svsm/acpi.h"
#include "svsm/err.h"

/** The largest fw_cfg files read: the RSDP, the tables, the script. */
#define ACPI_FW_CFG_RSDP_MAX 4096U
#define ACPI_FW_CFG_TABLES_MAX (1024U * 1024U)

/**
 * Reads "etc/acpi/rsdp", "etc/acpi/tables" and "etc/table-loader", runs
 * the script and returns the checked MADT in `out`. SVSM_ERR_NOTFOUND
 * when there are no tables to read (no fw_cfg device, or one without
 * "etc/table-loader"); SVSM_ERR_NOMEM when the copies cannot be
 * allocated; SVSM_ERR_INVAL for a malformed directory, a script without
 * its two files, a file size out of bounds or any refusal of the loader
 * and the parsers. `why` says which, in one line, in every case.
 */
enum svsm_err acpi_fw_cfg_madt(struct madt_info *out, char *why,
			       size_t why_size) SVSM_MUST_CHECK;
