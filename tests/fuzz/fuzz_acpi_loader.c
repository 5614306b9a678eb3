// SPDX-License-Identifier: MIT
/*
 * libFuzzer target for the table-loader interpreter and the walk to the
 * MADT. An input is the three fw_cfg files in one buffer: a 2-byte
 * little-endian script length, a 2-byte RSDP length, the script, the
 * RSDP, and the rest as "etc/acpi/tables" (lengths are clipped to what
 * is there). The files are copied into buffers of exactly their size,
 * so ASan sees any access past a file. What must hold: a refusal gives
 * a one-line reason; a success leaves allocated files at distinct,
 * aligned-up addresses below 4 GiB and a MADT whose CPUs pass the list
 * policy for their own count.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "svsm/acpi_loader.h"

/* The entry point libFuzzer calls; its name is fixed by libFuzzer. */
/* NOLINTNEXTLINE(readability-identifier-naming) */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct madt_info info;
static struct acpi_cpu_list list;

/** Aborts unless `why` holds a one-line reason. */
static void check_reason(const char *why)
{
	if (why[0] == '\0' || strchr(why, '\n') != NULL) {
		abort();
	}
}

/** Aborts if two allocated files overlap or one reaches 4 GiB. */
static void check_layout(const struct acpi_loader_file *f)
{
	for (int i = 0; i < 2; i++) {
		if (f[i].is_allocated &&
		    (f[i].base < ACPI_LOADER_BASE ||
		     f[i].base + f[i].size > 0x100000000ULL)) {
			abort();
		}
	}
	if (f[0].is_allocated && f[1].is_allocated &&
	    f[0].base < f[1].base + f[1].size &&
	    f[1].base < f[0].base + f[0].size) {
		abort();
	}
}

/** Runs the loader, the walk and the policy over the files. */
static void run(const uint8_t *script, size_t script_size,
		struct acpi_loader_file *files)
{
	char why[160] = "";

	if (acpi_loader_run(script, script_size, files, 2, why, sizeof(why)) !=
	    SVSM_OK) {
		check_reason(why);
		return;
	}
	check_layout(files);
	if (acpi_loader_find_madt(files, 2, 0, &info, why, sizeof(why)) !=
	    SVSM_OK) {
		check_reason(why);
		return;
	}
	if (info.enabled_count == 0 || info.cpu_count > ACPI_MAX_CPUS) {
		abort();
	}
	for (uint32_t i = 0; i < info.cpu_count; i++) {
		if (!info.cpus[i].is_enabled) {
			continue;
		}
		if (acpi_cpu_list(&info, info.enabled_count,
				  info.cpus[i].apic_id, &list, why,
				  sizeof(why)) != SVSM_OK ||
		    list.count != info.enabled_count ||
		    list.apic_ids[0] != info.cpus[i].apic_id) {
			abort();
		}
		break;
	}
}

/** Splits one input into the three files; see the file comment. */
/* NOLINTNEXTLINE(readability-identifier-naming) */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct acpi_loader_file files[2] = {
		{ .name = "etc/acpi/rsdp" },
		{ .name = "etc/acpi/tables" },
	};
	size_t script_size;
	size_t rsdp_size;
	uint8_t *script;

	if (size < 4) {
		return 0;
	}
	script_size = (size_t)data[0] | ((size_t)data[1] << 8);
	rsdp_size = (size_t)data[2] | ((size_t)data[3] << 8);
	data += 4;
	size -= 4;
	script_size = script_size < size ? script_size : size;
	rsdp_size =
		rsdp_size < size - script_size ? rsdp_size : size - script_size;
	script = malloc(script_size + 1);
	files[0].data = malloc(rsdp_size + 1);
	files[1].data = malloc(size - script_size - rsdp_size + 1);
	if (script != NULL && files[0].data != NULL && files[1].data != NULL) {
		memcpy(script, data, script_size);
		memcpy(files[0].data, data + script_size, rsdp_size);
		memcpy(files[1].data, data + script_size + rsdp_size,
		       size - script_size - rsdp_size);
		files[0].size = (uint32_t)rsdp_size;
		files[1].size = (uint32_t)(size - script_size - rsdp_size);
		run(script, script_size, files);
	}
	free(script);
	free(files[0].data);
	free(files[1].data);
	return 0;
}
