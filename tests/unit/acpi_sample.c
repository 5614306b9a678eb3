// SPDX-License-Identifier: MIT
/*
 * Builds QEMU-like ACPI fw_cfg files; see acpi_sample.h. The layout
 * follows QEMU's: tables at 64-byte alignment in one blob, pointers
 * stored as offsets into their source file, checksums left zero for the
 * script's ADD_CHECKSUM commands to fill.
 */
#include "acpi_sample.h"

#include <string.h>

#define RSDP_NAME "etc/acpi/rsdp"
#define TABLES_NAME "etc/acpi/tables"
#define SDT_CHECKSUM_OFFSET 9U

/** Copies the characters of `s`, without its NUL, to `p`. */
static void put_str(uint8_t *p, const char *s)
{
	for (size_t i = 0; s[i] != '\0'; i++) {
		p[i] = (uint8_t)s[i];
	}
}

static void put_u32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++) {
		p[i] = (uint8_t)(v >> (8 * i));
	}
}

/** Starts a command: its number, the rest zero. */
static uint8_t *new_command(struct acpi_sample *s, uint32_t command)
{
	uint8_t *c;

	if (s->script_size + ACPI_LOADER_ENTRY_SIZE > sizeof(s->script)) {
		return NULL;
	}
	c = s->script + s->script_size;
	memset(c, 0, ACPI_LOADER_ENTRY_SIZE);
	put_u32(c, command);
	s->script_size += ACPI_LOADER_ENTRY_SIZE;
	return c;
}

/** Copies a name of at most 55 characters into a 56-byte field. */
static void put_name(uint8_t *p, const char *name)
{
	size_t n = strlen(name);

	memcpy(p, name, n < ACPI_LOADER_NAME_SIZE ? n : ACPI_LOADER_NAME_SIZE);
}

bool acpi_sample_raw(struct acpi_sample *s, uint32_t command)
{
	return new_command(s, command) != NULL;
}

bool acpi_sample_allocate(struct acpi_sample *s, const char *file,
			  uint32_t align, uint8_t zone)
{
	uint8_t *c = new_command(s, ACPI_LOADER_ALLOCATE);

	if (c == NULL) {
		return false;
	}
	put_name(c + 4, file);
	put_u32(c + 60, align);
	c[64] = zone;
	return true;
}

bool acpi_sample_pointer(struct acpi_sample *s, const char *dest,
			 const char *src, uint32_t offset, uint8_t size)
{
	uint8_t *c = new_command(s, ACPI_LOADER_ADD_POINTER);

	if (c == NULL) {
		return false;
	}
	put_name(c + 4, dest);
	put_name(c + 60, src);
	put_u32(c + 116, offset);
	c[120] = size;
	return true;
}

bool acpi_sample_checksum(struct acpi_sample *s, const char *file, uint32_t at,
			  uint32_t start, uint32_t length)
{
	uint8_t *c = new_command(s, ACPI_LOADER_ADD_CHECKSUM);

	if (c == NULL) {
		return false;
	}
	put_name(c + 4, file);
	put_u32(c + 60, at);
	put_u32(c + 64, start);
	put_u32(c + 68, length);
	return true;
}

/** Writes a table header at `off` in the tables blob. */
static void sdt_header(struct acpi_sample *s, uint32_t off, const char *sig,
		       uint32_t length)
{
	uint8_t *t = s->tables + off;

	put_str(t, sig);
	put_u32(t + 4, length);
	t[8] = 1;
	put_str(t + 10, "CSVSM ");
	put_str(t + 16, "SAMPLE  ");
}

/** Appends the checksum command of the table at `off`. */
static bool table_checksum(struct acpi_sample *s, uint32_t off, uint32_t len)
{
	return acpi_sample_checksum(s, TABLES_NAME, off + SDT_CHECKSUM_OFFSET,
				    off, len);
}

/** Lays out FACP, MADT and the root table; returns false if too big. */
static bool build_tables(struct acpi_sample *s,
			 const struct acpi_sample_opts *o)
{
	uint32_t entry = o->use_xsdt ? 8U : 4U;
	uint32_t root_len = 36U + 2U * entry;

	s->facp_offset = 0;
	sdt_header(s, 0, "FACP", 40);
	s->madt_offset = 64;
	s->madt_size = 44U + 8U * o->cpu_count;
	s->root_offset = (s->madt_offset + s->madt_size + 63U) & ~63U;
	if (s->root_offset + root_len > sizeof(s->tables)) {
		return false;
	}
	sdt_header(s, s->madt_offset, "APIC", s->madt_size);
	put_u32(s->tables + s->madt_offset + 36, 0xFEE00000U);
	put_u32(s->tables + s->madt_offset + 40, 1);
	for (uint32_t i = 0; i < o->cpu_count; i++) {
		uint8_t *e = s->tables + s->madt_offset + 44 + (size_t)8 * i;

		e[0] = 0;
		e[1] = 8;
		e[2] = (uint8_t)i;
		e[3] = (uint8_t)o->apic_ids[i];
		put_u32(e + 4, ACPI_MADT_ENABLED);
	}
	sdt_header(s, s->root_offset, o->use_xsdt ? "XSDT" : "RSDT", root_len);
	put_u32(s->tables + s->root_offset + 36, s->facp_offset);
	put_u32(s->tables + s->root_offset + 36 + entry, s->madt_offset);
	s->tables_size = s->root_offset + root_len;
	return true;
}

/** Builds the sample; see acpi_sample.h. */
bool acpi_sample_build(struct acpi_sample *s, const struct acpi_sample_opts *o)
{
	uint32_t entry = o->use_xsdt ? 8U : 4U;
	bool ok;

	memset(s, 0, sizeof(*s));
	if (!build_tables(s, o)) {
		return false;
	}
	put_str(s->rsdp, "RSD PTR ");
	put_str(s->rsdp + 9, "CSVSM ");
	s->rsdp_size = o->use_xsdt ? 36U : 20U;
	s->rsdp[15] = o->use_xsdt ? 2 : 0;
	if (o->use_xsdt) {
		put_u32(s->rsdp + 20, 36);
		put_u32(s->rsdp + 24, s->root_offset);
	} else {
		put_u32(s->rsdp + 16, s->root_offset);
	}
	ok = acpi_sample_allocate(s, RSDP_NAME, 16, ACPI_LOADER_ZONE_FSEG) &&
	     acpi_sample_allocate(s, TABLES_NAME, 64, ACPI_LOADER_ZONE_HIGH) &&
	     table_checksum(s, s->facp_offset, 40) &&
	     table_checksum(s, s->madt_offset, s->madt_size);
	for (uint32_t i = 0; i < 2 && ok; i++) {
		ok = acpi_sample_pointer(s, TABLES_NAME, TABLES_NAME,
					 s->root_offset + 36 + i * entry,
					 (uint8_t)entry);
	}
	ok = ok && table_checksum(s, s->root_offset, 36U + 2U * entry);
	ok = ok && acpi_sample_pointer(s, RSDP_NAME, TABLES_NAME,
				       o->use_xsdt ? 24 : 16,
				       (uint8_t)(o->use_xsdt ? 8 : 4));
	ok = ok && acpi_sample_checksum(s, RSDP_NAME, 8, 0, 20);
	if (o->use_xsdt) {
		ok = ok && acpi_sample_checksum(s, RSDP_NAME, 32, 0, 36);
	}
	for (uint32_t i = 0; i < o->padding && ok; i++) {
		ok = acpi_sample_raw(s, ACPI_LOADER_PADDING);
	}
	return ok;
}

void acpi_sample_files(struct acpi_sample *s, struct acpi_loader_file *files)
{
	files[0] = (struct acpi_loader_file){ .name = RSDP_NAME,
					      .data = s->rsdp,
					      .size = s->rsdp_size };
	files[1] = (struct acpi_loader_file){ .name = TABLES_NAME,
					      .data = s->tables,
					      .size = s->tables_size };
}
