// SPDX-License-Identifier: MIT
/*
 * libFuzzer target for the ACPI parsers. Each input goes to
 * acpi_parse_madt() and acpi_parse_rsdp() as it is, and then as copies
 * whose signature, length and checksums are made consistent first, so
 * that mutations reach the structure walk instead of stopping at the
 * checksum. A table that parses is checked against what the parser
 * promises (counts within their limits, no APIC ID twice, an enabled
 * CPU); a refusal must give a one-line reason.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "svsm/acpi.h"

/* The entry point libFuzzer calls; its name is fixed by libFuzzer. */
/* NOLINTNEXTLINE(readability-identifier-naming) */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct madt_info info;

/** Aborts unless `why` holds a one-line reason. */
static void check_reason(const char *why)
{
	if (why[0] == '\0' || strchr(why, '\n') != NULL) {
		abort();
	}
}

/** Aborts if a parsed MADT breaks a promise of acpi.h. */
static void check_madt(const struct madt_info *m)
{
	uint32_t enabled = 0;

	if (m->cpu_count > ACPI_MAX_CPUS || m->cpu_count == 0 ||
	    m->ioapic_count > ACPI_MAX_IOAPICS) {
		abort();
	}
	for (uint32_t i = 0; i < m->cpu_count; i++) {
		const struct acpi_cpu *c = &m->cpus[i];

		if (c->is_enabled == c->is_online_capable) {
			abort(); /* exactly one of the two */
		}
		enabled += c->is_enabled ? 1 : 0;
		for (uint32_t j = 0; j < i; j++) {
			if (m->cpus[j].apic_id == c->apic_id) {
				abort();
			}
		}
	}
	if (enabled != m->enabled_count || enabled == 0) {
		abort();
	}
}

static void parse_madt(const uint8_t *d, size_t size)
{
	char why[160] = "";

	if (acpi_parse_madt(d, size, &info, why, sizeof(why)) == SVSM_OK) {
		check_madt(&info);
	} else {
		check_reason(why);
	}
}

static void parse_rsdp(const uint8_t *d, size_t size)
{
	struct acpi_rsdp_info r;
	char why[160] = "";

	if (acpi_parse_rsdp(d, size, &r, why, sizeof(why)) == SVSM_OK) {
		if (r.length > size || (r.revision >= 2 && r.length < 36)) {
			abort();
		}
	} else {
		check_reason(why);
	}
}

/** Copies the characters of `s`, without its NUL, to `p`. */
static void put_str(uint8_t *p, const char *s)
{
	for (size_t i = 0; s[i] != '\0'; i++) {
		p[i] = (uint8_t)s[i];
	}
}

static uint32_t get_u32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/** Sets byte `at` so that the first `len` bytes of `p` add up to 0. */
static void fix_checksum(uint8_t *p, size_t len, size_t at)
{
	uint8_t sum = 0;

	p[at] = 0;
	for (size_t i = 0; i < len; i++) {
		sum = (uint8_t)(sum + p[i]);
	}
	p[at] = (uint8_t)(0x100 - sum);
}

/** Makes a copy a MADT with a length that fits and a right checksum. */
static void fix_madt(uint8_t *d, size_t size)
{
	uint32_t length;

	if (size < ACPI_SDT_HEADER_SIZE) {
		return;
	}
	put_str(d, "APIC");
	length = get_u32(d + 4);
	if (length > size || length < ACPI_SDT_HEADER_SIZE) {
		length = size > UINT32_MAX ? UINT32_MAX : (uint32_t)size;
		memcpy(d + 4, &length, sizeof(length));
	}
	fix_checksum(d, length, 9);
}

/** Makes a copy an RSDP with both checksums right. */
static void fix_rsdp(uint8_t *d, size_t size)
{
	uint32_t length;

	if (size < ACPI_RSDP_V1_SIZE) {
		return;
	}
	put_str(d, "RSD PTR ");
	fix_checksum(d, ACPI_RSDP_V1_SIZE, 8);
	if (size < ACPI_RSDP_V2_SIZE || d[15] < 2) {
		return;
	}
	length = get_u32(d + 20);
	if (length > size || length < ACPI_RSDP_V2_SIZE) {
		return;
	}
	/* Byte 32 lies outside the first 20: the first sum stays 0. */
	fix_checksum(d, length, 32);
}

/** Parses one input as it is and with consistent headers. */
/* NOLINTNEXTLINE(readability-identifier-naming) */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *copy;

	parse_madt(data, size);
	parse_rsdp(data, size);
	copy = malloc(size > 0 ? size : 1);
	if (copy == NULL) {
		return 0;
	}
	memcpy(copy, data, size);
	fix_madt(copy, size);
	parse_madt(copy, size);
	memcpy(copy, data, size);
	fix_rsdp(copy, size);
	parse_rsdp(copy, size);
	free(copy);
	return 0;
}
