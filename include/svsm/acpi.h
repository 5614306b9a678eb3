/* SPDX-License-Identifier: MIT */
/*
 * ACPI tables offered by the host (QEMU's RSDP, RSDT/XSDT, MADT): the
 * SMP code finds the CPUs in the MADT. Every table is untrusted input.
 * The parsers copy what they are given into private memory, reading each
 * input byte once, and check the copy: signature, length bounds, checksum
 * and every structure inside (ACPI 6.5, sections 5.2.5 to 5.2.12). On
 * failure they write a one-line reason to `why` and leave `out` untouched.
 *
 * The MADT parser keeps its copy in static storage: it is meant for the
 * boot CPU and is not reentrant.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "svsm/err.h"

/** At most this many usable (enabled or online-capable) CPUs in a MADT. */
#define ACPI_MAX_CPUS 256U
/** At most this many I/O APICs in a MADT. */
#define ACPI_MAX_IOAPICS 8U
/** The largest table acpi_parse_madt() accepts, in bytes. */
#define ACPI_MAX_TABLE_SIZE 16384U

/** Size of the common header of a system description table (5.2.6). */
#define ACPI_SDT_HEADER_SIZE 36U
/** Size of the RSDP of revision 0 (ACPI 1.0) and of revision 2 (5.2.5.3). */
#define ACPI_RSDP_V1_SIZE 20U
#define ACPI_RSDP_V2_SIZE 36U

/** MADT Local APIC flags (ACPI 6.5 table 5.23). */
#define ACPI_MADT_ENABLED 0x1U
#define ACPI_MADT_ONLINE_CAPABLE 0x2U
/** MADT flags (table 5.20): the PC-AT 8259 pair is present. */
#define ACPI_MADT_PCAT_COMPAT 0x1U

/** The decoded common header of a system description table (5.2.6). */
struct acpi_sdt_header {
	char signature[4];
	uint32_t length; /**< of the whole table, header included */
	uint8_t revision;
	char oem_id[6];
	char oem_table_id[8];
	uint32_t oem_revision;
	uint32_t creator_id;
	uint32_t creator_revision;
};

/** What the RSDP says (5.2.5.3). */
struct acpi_rsdp_info {
	uint8_t revision;
	char oem_id[6];
	uint32_t rsdt_address;
	uint32_t length; /**< 20 for revision < 2, else the length field */
	uint64_t xsdt_address; /**< 0 for revision < 2 */
};

/** A CPU of the MADT, from a Processor Local APIC or x2APIC structure. */
struct acpi_cpu {
	uint32_t apic_id; /**< as the table gives it, not renumbered */
	uint32_t uid;	  /**< ACPI processor UID */
	bool is_enabled;
	bool is_online_capable; /**< disabled now, may be enabled later */
	bool is_x2apic;		/**< listed by a type 9 (x2APIC) structure */
};

/** An I/O APIC of the MADT (5.2.12.3). */
struct acpi_ioapic {
	uint8_t id;
	uint32_t address;
	uint32_t gsi_base;
};

/**
 * What a checked MADT describes. `cpus` lists the usable CPUs (enabled or
 * online-capable) in table order; disabled entries are left out.
 */
struct madt_info {
	uint64_t lapic_address; /**< after any Local APIC address override */
	uint32_t flags;		/**< ACPI_MADT_PCAT_COMPAT, ... */
	uint32_t cpu_count;
	uint32_t enabled_count; /**< CPUs in `cpus` with is_enabled */
	uint32_t ioapic_count;
	struct acpi_cpu cpus[ACPI_MAX_CPUS];
	struct acpi_ioapic ioapics[ACPI_MAX_IOAPICS];
};

/** Whether the `len` bytes at `p` add up to 0 modulo 256. */
bool acpi_checksum_ok(const void *p, size_t len);

/**
 * Checks the system description table at `table` (`size` bytes
 * available): at least a whole header, signature `signature` (4
 * characters), a length field of at least ACPI_SDT_HEADER_SIZE and at
 * most `size`, and a zero checksum over `length` bytes. Reads the header
 * and then the whole table, so `table` must be private memory (a copy);
 * acpi_parse_madt() makes one. Decodes the header into `out`.
 */
enum svsm_err acpi_parse_sdt_header(const void *table, size_t size,
				    const char *signature,
				    struct acpi_sdt_header *out, char *why,
				    size_t why_size) SVSM_MUST_CHECK;

/**
 * Copies and checks the RSDP at `p` (`size` bytes available): signature
 * "RSD PTR ", the checksum of the first 20 bytes and, for revision 2 and
 * later, a length field from 36 to `size` bytes, the extended checksum
 * over `length` bytes and the XSDT address. Refuses an RSDP that gives no
 * RSDT or XSDT address.
 */
enum svsm_err acpi_parse_rsdp(const void *p, size_t size,
			      struct acpi_rsdp_info *out, char *why,
			      size_t why_size) SVSM_MUST_CHECK;

/**
 * Copies the MADT at `madt` (`size` bytes available, possibly shared with
 * the host) into private memory, reading each byte once, and checks it:
 * the header as acpi_parse_sdt_header() with signature "APIC", room for
 * the local APIC address and flags, and every interrupt controller
 * structure (a type and a length of at least 2 that fits in the table;
 * the exact size for the types this parser knows; unknown types are
 * skipped). Collects the local APIC address (a type 5 override wins), the
 * usable CPUs of types 0 and 9 (no APIC ID twice, at least one enabled,
 * at most ACPI_MAX_CPUS) and the I/O APICs (at most ACPI_MAX_IOAPICS).
 */
enum svsm_err acpi_parse_madt(const void *madt, size_t size,
			      struct madt_info *out, char *why,
			      size_t why_size) SVSM_MUST_CHECK;
