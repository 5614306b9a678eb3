/* SPDX-License-Identifier: MIT */
/*
 * The three fw_cfg files QEMU offers for its ACPI tables, built in memory
 * the way QEMU builds them: "etc/acpi/tables" (a FACP stand-in, the MADT
 * and the RSDT or XSDT, with pointers as offsets and zero checksums),
 * "etc/acpi/rsdp" and the "etc/table-loader" script that allocates both,
 * patches the pointers and fixes the checksums, padded with zero
 * commands as QEMU pads it. For the loader's unit tests, its fuzz target
 * and the fuzz seeds (build/tools/mkacpi). Tests break one thing at a
 * time by appending commands or patching bytes.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "svsm/acpi_loader.h"

#define ACPI_SAMPLE_MAX_COMMANDS 300U
#define ACPI_SAMPLE_TABLES_SIZE 4096U
#define ACPI_SAMPLE_RSDP_SIZE 36U

/** What to build. */
struct acpi_sample_opts {
	const uint32_t *apic_ids; /**< enabled CPUs, in table order */
	uint32_t cpu_count;
	bool use_xsdt;	  /**< RSDP revision 2 with an XSDT, else an RSDT */
	uint32_t padding; /**< zero commands appended */
};

/** The files and where the tables are in them. */
struct acpi_sample {
	uint8_t script[ACPI_SAMPLE_MAX_COMMANDS * ACPI_LOADER_ENTRY_SIZE];
	uint32_t script_size;
	uint8_t rsdp[ACPI_SAMPLE_RSDP_SIZE];
	uint32_t rsdp_size;
	uint8_t tables[ACPI_SAMPLE_TABLES_SIZE];
	uint32_t tables_size;
	uint32_t facp_offset; /**< in `tables` */
	uint32_t madt_offset;
	uint32_t madt_size;
	uint32_t root_offset; /**< the RSDT or XSDT */
};

/** Builds the sample; returns false if it does not fit. */
bool acpi_sample_build(struct acpi_sample *s, const struct acpi_sample_opts *o);

/** Appends commands to the script (false when it is full). */
bool acpi_sample_allocate(struct acpi_sample *s, const char *file,
			  uint32_t align, uint8_t zone);
bool acpi_sample_pointer(struct acpi_sample *s, const char *dest,
			 const char *src, uint32_t offset, uint8_t size);
bool acpi_sample_checksum(struct acpi_sample *s, const char *file, uint32_t at,
			  uint32_t start, uint32_t length);
/** Appends a raw command with number `command` and zeros. */
bool acpi_sample_raw(struct acpi_sample *s, uint32_t command);

/** Points `files[0..1]` (RSDP, tables) at the sample's bytes. */
void acpi_sample_files(struct acpi_sample *s, struct acpi_loader_file *files);
