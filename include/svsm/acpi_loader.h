/* SPDX-License-Identifier: MIT */
/*
 * QEMU's ACPI linker/loader, done in private memory. QEMU does not place
 * ACPI tables in guest RAM: it offers them as fw_cfg files
 * ("etc/acpi/rsdp", "etc/acpi/tables") with a script ("etc/table-loader")
 * that says how firmware should place them, patch the pointers between
 * them and fix their checksums (QEMU hw/acpi/bios-linker-loader.c). This
 * interpreter runs that script on copies the caller made, checking every
 * command, then follows RSDP -> XSDT or RSDT -> MADT with the checked
 * parsers of acpi.h. It is pure code: no hardware access, host-testable.
 *
 * Each file the script allocates gets a base address in a notional
 * 32-bit address space (files laid out from ACPI_LOADER_BASE in the
 * order they are allocated, each at its alignment), and a patched
 * pointer holds base + offset. The chain is followed by mapping those
 * addresses back into the files. Nothing is ever placed in guest memory.
 *
 * On failure every function writes a one-line reason to `why`.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "svsm/acpi.h"
#include "svsm/err.h"

/** Size of one script command (BiosLinkerLoaderEntry). */
#define ACPI_LOADER_ENTRY_SIZE 128U
/** At most this many commands (QEMU's q35 script has a few dozen). */
#define ACPI_LOADER_MAX_COMMANDS 256U
/** Longest file name in a command, NUL included. */
#define ACPI_LOADER_NAME_SIZE 56U
/** The largest alignment an ALLOCATE command may ask for. */
#define ACPI_LOADER_MAX_ALIGN 4096U
/** The notional address of the first allocated file. */
#define ACPI_LOADER_BASE 0x10000000ULL

/** Script commands (bios-linker-loader.c). */
enum acpi_loader_command {
	/** All-zero entries: QEMU pads the script to 4 KiB with them. */
	ACPI_LOADER_PADDING = 0,
	ACPI_LOADER_ALLOCATE = 1,
	ACPI_LOADER_ADD_POINTER = 2,
	ACPI_LOADER_ADD_CHECKSUM = 3,
	ACPI_LOADER_WRITE_POINTER = 4, /**< writes back to the host: skipped */
};

/** ALLOCATE zones: anywhere below 4 GiB, or the F segment. */
#define ACPI_LOADER_ZONE_HIGH 1U
#define ACPI_LOADER_ZONE_FSEG 2U

/** A file the script may name, already copied into private memory. */
struct acpi_loader_file {
	const char *name; /**< the fw_cfg name, e.g. "etc/acpi/tables" */
	uint8_t *data;	  /**< the private copy; patched in place */
	uint32_t size;
	uint64_t base;	   /**< set by ALLOCATE */
	bool is_allocated; /**< set by ALLOCATE */
};

/**
 * Runs the script (`script_size` bytes, a private copy) over `files`.
 * Refuses: a size that is not a whole number of commands or has more
 * than ACPI_LOADER_MAX_COMMANDS; a name without a NUL or not in `files`;
 * a file allocated twice, empty, with an alignment that is not a power
 * of two up to ACPI_LOADER_MAX_ALIGN or an unknown zone, or that does
 * not fit below 4 GiB; a command on a file not allocated before; a
 * pointer size other than 1, 2, 4 or 8, a pointer or checksum range not
 * inside its file, a pointer value past the end of its source file or a
 * patched pointer that does not fit its size; an unknown command.
 * WRITE_POINTER and padding (command 0) are skipped. On failure the files may
 * be partly patched.
 */
enum svsm_err acpi_loader_run(const uint8_t *script, size_t script_size,
			      struct acpi_loader_file *files,
			      uint32_t file_count, char *why,
			      size_t why_size) SVSM_MUST_CHECK;

/**
 * Follows the loaded tables from the RSDP in `files[rsdp_index]`: the
 * XSDT when the RSDP (revision 2 or later) gives one, else the RSDT;
 * then the one table with signature "APIC", parsed by acpi_parse_madt()
 * into `out`. Every address must fall inside an allocated file, the
 * root table must hold whole entries, and there must be exactly one
 * MADT.
 */
enum svsm_err acpi_loader_find_madt(const struct acpi_loader_file *files,
				    uint32_t file_count, uint32_t rsdp_index,
				    struct madt_info *out, char *why,
				    size_t why_size) SVSM_MUST_CHECK;

/** The CPUs to start, boot CPU first. */
struct acpi_cpu_list {
	uint32_t count;
	uint32_t apic_ids[ACPI_MAX_CPUS];
};

/**
 * The CPU list policy: from a checked MADT, the APIC IDs of the enabled
 * CPUs, boot CPU (`boot_apic_id`) first and the rest in table order, to
 * `out`. Refuses a MADT whose enabled CPUs are not exactly `vcpu_count`
 * (what the IGVM parameters say) or that does not list the boot CPU as
 * enabled; `out` is then untouched.
 */
enum svsm_err acpi_cpu_list(const struct madt_info *m, uint32_t vcpu_count,
			    uint32_t boot_apic_id, struct acpi_cpu_list *out,
			    char *why, size_t why_size) SVSM_MUST_CHECK;
