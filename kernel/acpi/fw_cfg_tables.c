// SPDX-License-Identifier: MIT
/*
 * Glue between the fw_cfg device and the table loader: finds the three
 * files QEMU offers, checks their sizes against fixed limits, copies
 * each into a heap block (read once, exactly its size) and hands the
 * copies to acpi_loader_run() and acpi_loader_find_madt(). The blocks
 * are freed before returning; the MADT comes back by value.
 */
#include <stdarg.h>

#include "svsm/acpi_fw_cfg.h"
#include "svsm/acpi_loader.h"
#include "svsm/fmt.h"
#include "svsm/fw_cfg.h"
#include "svsm/heap.h"

#define FILE_RSDP 0U
#define FILE_TABLES 1U
#define FILE_COUNT 2U

/** Writes a one-line reason to `why` and returns `err`. */
__attribute__((format(printf, 4, 5))) static enum svsm_err
fail(enum svsm_err err, char *why, size_t why_size, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	(void)fmt_vsnprintf(why, why_size, fmt, ap);
	va_end(ap);
	return err;
}

/**
 * Finds `name`, checks its size is in [1, `max`] and copies it into a
 * new heap block: `*data` and `*size`.
 */
static enum svsm_err read_file(const char *name, uint32_t max, uint8_t **data,
			       uint32_t *size, char *why, size_t why_size)
{
	uint16_t key = 0;
	uint32_t n = 0;
	enum svsm_err err = fw_cfg_find(name, &key, &n);

	if (err == SVSM_ERR_NOTFOUND) {
		return fail(err, why, why_size, "fw_cfg has no %s", name);
	}
	if (err != SVSM_OK) {
		return fail(err, why, why_size,
			    "fw_cfg: malformed file directory looking for %s",
			    name);
	}
	if (n == 0 || n > max) {
		return fail(SVSM_ERR_INVAL, why, why_size,
			    "fw_cfg: %s has %u bytes, outside 1..%u", name, n,
			    max);
	}
	*data = kmalloc(n);
	if (*data == NULL) {
		return fail(SVSM_ERR_NOMEM, why, why_size,
			    "no memory for a copy of %s (%u bytes)", name, n);
	}
	fw_cfg_read(key, *data, n);
	*size = n;
	return SVSM_OK;
}

/** Reads, links and walks the tables; see acpi_fw_cfg.h. */
enum svsm_err acpi_fw_cfg_madt(struct madt_info *out, char *why,
			       size_t why_size)
{
	struct acpi_loader_file files[FILE_COUNT] = {
		[FILE_RSDP] = { .name = "etc/acpi/rsdp" },
		[FILE_TABLES] = { .name = "etc/acpi/tables" },
	};
	uint8_t *script = NULL;
	uint32_t script_size = 0;
	enum svsm_err err;

	if (!fw_cfg_present()) {
		return fail(SVSM_ERR_NOTFOUND, why, why_size,
			    "no fw_cfg device");
	}
	err = read_file("etc/table-loader",
			ACPI_LOADER_MAX_COMMANDS * ACPI_LOADER_ENTRY_SIZE,
			&script, &script_size, why, why_size);
	/* With a script, missing tables are an inconsistent host, not "no
	 * ACPI": that is a refusal. */
	if (err == SVSM_OK) {
		err = read_file(files[FILE_RSDP].name, ACPI_FW_CFG_RSDP_MAX,
				&files[FILE_RSDP].data, &files[FILE_RSDP].size,
				why, why_size);
	}
	if (err == SVSM_OK) {
		err = read_file(files[FILE_TABLES].name, ACPI_FW_CFG_TABLES_MAX,
				&files[FILE_TABLES].data,
				&files[FILE_TABLES].size, why, why_size);
	}
	if (err == SVSM_ERR_NOTFOUND && script != NULL) {
		err = SVSM_ERR_INVAL;
	}
	if (err == SVSM_OK) {
		err = acpi_loader_run(script, script_size, files, FILE_COUNT,
				      why, why_size);
	}
	if (err == SVSM_OK) {
		err = acpi_loader_find_madt(files, FILE_COUNT, FILE_RSDP, out,
					    why, why_size);
	}
	kfree(script);
	kfree(files[FILE_RSDP].data);
	kfree(files[FILE_TABLES].data);
	return err;
}
