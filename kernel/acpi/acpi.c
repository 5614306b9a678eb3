// SPDX-License-Identifier: MIT
/*
 * Parsing the ACPI tables the host offers: the RSDP, the common header of
 * a system description table and the MADT, where the SMP code finds the
 * CPUs. All of it is untrusted. Each parser first copies its input into
 * private memory, reading every input byte once, and then decides only on
 * the copy (DESIGN.md principle 2). Multi-byte fields are read byte by
 * byte as little-endian, so no structure layout or alignment is assumed.
 * References are to the ACPI 6.5 specification.
 */
#include "svsm/acpi.h"

#include <stdarg.h>

#include "svsm/fmt.h"
#include "svsm/le.h"
#include "svsm/string.h"

#define RSDP_SIGNATURE "RSD PTR "
#define RSDP_SIGNATURE_SIZE 8U
#define RSDP_CHECKSUM_SIZE 20U /* revision 0: bytes 0..19 (5.2.5.3) */
#define RSDP_OEM_ID_OFFSET 9U
#define RSDP_REVISION_OFFSET 15U
#define RSDP_RSDT_OFFSET 16U
#define RSDP_LENGTH_OFFSET 20U
#define RSDP_XSDT_OFFSET 24U

#define SDT_LENGTH_OFFSET 4U
#define MADT_LAPIC_OFFSET 36U	/* local interrupt controller address */
#define MADT_FLAGS_OFFSET 40U	/* table 5.20 */
#define MADT_ENTRIES_OFFSET 44U /* the first interrupt controller structure */

/** Interrupt controller structure types (table 5.21) this parser knows. */
enum madt_type {
	MADT_TYPE_LOCAL_APIC = 0,
	MADT_TYPE_IO_APIC = 1,
	MADT_TYPE_INT_OVERRIDE = 2,
	MADT_TYPE_NMI_SOURCE = 3,
	MADT_TYPE_LOCAL_APIC_NMI = 4,
	MADT_TYPE_LAPIC_OVERRIDE = 5,
	MADT_TYPE_LOCAL_X2APIC = 9,
	MADT_TYPE_LOCAL_X2APIC_NMI = 10,
	MADT_TYPE_KNOWN_COUNT
};

/**
 * The exact length of each known fixed-size structure (sections 5.2.12.2
 * to 5.2.12.13); 0 for types this parser does not know, which are skipped
 * by their length.
 */
static const uint8_t MADT_ENTRY_SIZE[MADT_TYPE_KNOWN_COUNT] = {
	[MADT_TYPE_LOCAL_APIC] = 8,	[MADT_TYPE_IO_APIC] = 12,
	[MADT_TYPE_INT_OVERRIDE] = 10,	[MADT_TYPE_NMI_SOURCE] = 8,
	[MADT_TYPE_LOCAL_APIC_NMI] = 6, [MADT_TYPE_LAPIC_OVERRIDE] = 12,
	[MADT_TYPE_LOCAL_X2APIC] = 16,	[MADT_TYPE_LOCAL_X2APIC_NMI] = 12,
};

/* The private copy of the MADT and the result being built; boot only. */
static uint8_t madt_copy[ACPI_MAX_TABLE_SIZE];
static struct madt_info madt_tmp;

/** Where the walk over the interrupt controller structures stands. */
struct madt_walk {
	struct madt_info *info;
	uint32_t offset; /**< of the current structure in the table */
	bool has_lapic_override;
	char *why;
	size_t why_size;
};

/** Copies `n` bytes of a signature into `buf` as printable text. */
static void printable(char *buf, const uint8_t *sig, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		buf[i] = '?';
		if (sig[i] >= 0x20U && sig[i] <= 0x7EU) {
			buf[i] = (char)sig[i];
		}
	}
	buf[n] = '\0';
}

/** Adds up `len` bytes modulo 256. */
static uint8_t byte_sum(const uint8_t *p, size_t len)
{
	uint8_t sum = 0;

	for (size_t i = 0; i < len; i++) {
		sum = (uint8_t)(sum + p[i]);
	}
	return sum;
}

/** Whether the `len` bytes at `p` add up to 0; see acpi.h. */
bool acpi_checksum_ok(const void *p, size_t len)
{
	return byte_sum(p, len) == 0;
}

/** Decodes the 36-byte header at `t` (checked to be there). */
static void decode_sdt_header(const uint8_t *t, struct acpi_sdt_header *h)
{
	memcpy(h->signature, t, sizeof(h->signature));
	h->length = le32_get(t + SDT_LENGTH_OFFSET);
	h->revision = t[8];
	memcpy(h->oem_id, t + 10, sizeof(h->oem_id));
	memcpy(h->oem_table_id, t + 16, sizeof(h->oem_table_id));
	h->oem_revision = le32_get(t + 24);
	h->creator_id = le32_get(t + 28);
	h->creator_revision = le32_get(t + 32);
}

/** Checks a table header in private memory; see acpi.h. */
enum svsm_err acpi_parse_sdt_header(const void *table, size_t size,
				    const char *signature,
				    struct acpi_sdt_header *out, char *why,
				    size_t why_size)
{
	const uint8_t *t = table;
	struct acpi_sdt_header h;
	char sig[5];

	printable(sig, (const uint8_t *)signature, 4);
	if (size < ACPI_SDT_HEADER_SIZE) {
		return fmt_refuse(
			why, why_size, SVSM_ERR_INVAL,
			"ACPI %s: %zu bytes, truncated header (%u bytes)", sig,
			size, ACPI_SDT_HEADER_SIZE);
	}
	decode_sdt_header(t, &h);
	if (memcmp(h.signature, signature, 4) != 0) {
		char got[5];

		printable(got, t, 4);
		return fmt_refuse(why, why_size, SVSM_ERR_INVAL,
				  "ACPI %s: bad signature '%s'", sig, got);
	}
	if (h.length < ACPI_SDT_HEADER_SIZE) {
		return fmt_refuse(why, why_size, SVSM_ERR_INVAL,
				  "ACPI %s: length %u shorter than the header",
				  sig, h.length);
	}
	if (h.length > size) {
		return fmt_refuse(why, why_size, SVSM_ERR_INVAL,
				  "ACPI %s: length %u larger than the buffer "
				  "(%zu bytes)",
				  sig, h.length, size);
	}
	if (!acpi_checksum_ok(t, h.length)) {
		return fmt_refuse(why, why_size, SVSM_ERR_INVAL,
				  "ACPI %s: bad checksum", sig);
	}
	*out = h;
	return SVSM_OK;
}

/** Checks the fields of revision 2 and later; `r` holds 36 bytes. */
static enum svsm_err rsdp_check_v2(const uint8_t *r, const uint8_t *raw,
				   size_t size, struct acpi_rsdp_info *info,
				   char *why, size_t why_size)
{
	uint8_t sum;

	info->length = le32_get(r + RSDP_LENGTH_OFFSET);
	info->xsdt_address = le64_get(r + RSDP_XSDT_OFFSET);
	if (info->length < ACPI_RSDP_V2_SIZE) {
		return fmt_refuse(why, why_size, SVSM_ERR_INVAL,
				  "RSDP: length %u shorter than %u bytes",
				  info->length, ACPI_RSDP_V2_SIZE);
	}
	if (info->length > size) {
		return fmt_refuse(why, why_size, SVSM_ERR_INVAL,
				  "RSDP: length %u larger than the buffer "
				  "(%zu bytes)",
				  info->length, size);
	}
	/* Bytes past the copy only count towards the checksum: each is
	 * read once, here. */
	sum = (uint8_t)(byte_sum(r, ACPI_RSDP_V2_SIZE) +
			byte_sum(raw + ACPI_RSDP_V2_SIZE,
				 info->length - ACPI_RSDP_V2_SIZE));
	if (sum != 0) {
		return fmt_refuse(why, why_size, SVSM_ERR_INVAL,
				  "RSDP: bad extended checksum");
	}
	return SVSM_OK;
}

/** Copies and checks the RSDP; see acpi.h. */
enum svsm_err acpi_parse_rsdp(const void *p, size_t size,
			      struct acpi_rsdp_info *out, char *why,
			      size_t why_size)
{
	uint8_t r[ACPI_RSDP_V2_SIZE];
	struct acpi_rsdp_info info = { 0 };

	if (size < ACPI_RSDP_V1_SIZE) {
		return fmt_refuse(why, why_size, SVSM_ERR_INVAL,
				  "RSDP: %zu bytes, truncated (%u needed)",
				  size, ACPI_RSDP_V1_SIZE);
	}
	memcpy(r, p, size < sizeof(r) ? size : sizeof(r));
	if (memcmp(r, RSDP_SIGNATURE, RSDP_SIGNATURE_SIZE) != 0) {
		return fmt_refuse(why, why_size, SVSM_ERR_INVAL,
				  "RSDP: bad signature");
	}
	if (!acpi_checksum_ok(r, RSDP_CHECKSUM_SIZE)) {
		return fmt_refuse(why, why_size, SVSM_ERR_INVAL,
				  "RSDP: bad checksum over the first 20 bytes");
	}
	info.revision = r[RSDP_REVISION_OFFSET];
	memcpy(info.oem_id, r + RSDP_OEM_ID_OFFSET, sizeof(info.oem_id));
	info.rsdt_address = le32_get(r + RSDP_RSDT_OFFSET);
	info.length = ACPI_RSDP_V1_SIZE;
	if (info.revision >= 2) {
		if (size < ACPI_RSDP_V2_SIZE) {
			return fmt_refuse(
				why, why_size, SVSM_ERR_INVAL,
				"RSDP: revision %u truncated: %zu bytes, "
				"%u needed",
				info.revision, size, ACPI_RSDP_V2_SIZE);
		}
		enum svsm_err err =
			rsdp_check_v2(r, p, size, &info, why, why_size);

		if (err != SVSM_OK) {
			return err;
		}
	}
	if (info.rsdt_address == 0 && info.xsdt_address == 0) {
		return fmt_refuse(why, why_size, SVSM_ERR_INVAL,
				  "RSDP: no RSDT or XSDT address");
	}
	*out = info;
	return SVSM_OK;
}

/** Records the CPU of a type 0 or type 9 structure if it is usable. */
static enum svsm_err madt_add_cpu(struct madt_walk *w, uint32_t apic_id,
				  uint32_t uid, uint32_t flags, bool is_x2apic)
{
	struct madt_info *m = w->info;
	bool is_enabled = (flags & ACPI_MADT_ENABLED) != 0;
	/* Online Capable is reserved when Enabled is set (table 5.23). */
	bool is_online_capable =
		!is_enabled && (flags & ACPI_MADT_ONLINE_CAPABLE) != 0;

	if (!is_enabled && !is_online_capable) {
		return SVSM_OK;
	}
	if (m->cpu_count == ACPI_MAX_CPUS) {
		return fmt_refuse(
			w->why, w->why_size, SVSM_ERR_INVAL,
			"MADT: more than %u CPUs (entry at offset %u)",
			ACPI_MAX_CPUS, w->offset);
	}
	for (uint32_t i = 0; i < m->cpu_count; i++) {
		if (m->cpus[i].apic_id == apic_id) {
			return fmt_refuse(
				w->why, w->why_size, SVSM_ERR_INVAL,
				"MADT: duplicate APIC ID %u (entry at "
				"offset %u)",
				apic_id, w->offset);
		}
	}
	m->cpus[m->cpu_count++] = (struct acpi_cpu){
		.apic_id = apic_id,
		.uid = uid,
		.is_enabled = is_enabled,
		.is_online_capable = is_online_capable,
		.is_x2apic = is_x2apic,
	};
	if (is_enabled) {
		m->enabled_count++;
	}
	return SVSM_OK;
}

/** Records an I/O APIC (5.2.12.3). */
static enum svsm_err madt_add_ioapic(struct madt_walk *w, const uint8_t *e)
{
	struct madt_info *m = w->info;

	if (m->ioapic_count == ACPI_MAX_IOAPICS) {
		return fmt_refuse(
			w->why, w->why_size, SVSM_ERR_INVAL,
			"MADT: more than %u I/O APICs (entry at offset "
			"%u)",
			ACPI_MAX_IOAPICS, w->offset);
	}
	m->ioapics[m->ioapic_count++] = (struct acpi_ioapic){
		.id = e[2],
		.address = le32_get(e + 4),
		.gsi_base = le32_get(e + 8),
	};
	return SVSM_OK;
}

/** Takes the Local APIC Address Override (5.2.12.8); only one may be. */
static enum svsm_err madt_lapic_override(struct madt_walk *w, const uint8_t *e)
{
	if (w->has_lapic_override) {
		return fmt_refuse(w->why, w->why_size, SVSM_ERR_INVAL,
				  "MADT: more than one local APIC address "
				  "override (entry at offset %u)",
				  w->offset);
	}
	w->has_lapic_override = true;
	w->info->lapic_address = le64_get(e + 4);
	return SVSM_OK;
}

/** Acts on one structure whose length is already checked. */
static enum svsm_err madt_entry(struct madt_walk *w, const uint8_t *e)
{
	switch (e[0]) {
	case MADT_TYPE_LOCAL_APIC: /* 5.2.12.2 */
		return madt_add_cpu(w, e[3], e[2], le32_get(e + 4), false);
	case MADT_TYPE_LOCAL_X2APIC: /* 5.2.12.12 */
		return madt_add_cpu(w, le32_get(e + 4), le32_get(e + 12),
				    le32_get(e + 8), true);
	case MADT_TYPE_IO_APIC:
		return madt_add_ioapic(w, e);
	case MADT_TYPE_LAPIC_OVERRIDE:
		return madt_lapic_override(w, e);
	default:
		return SVSM_OK; /* checked for length, not used */
	}
}

/** Checks the type and length of the structure at `w->offset`. */
static enum svsm_err madt_entry_bounds(struct madt_walk *w, const uint8_t *t,
				       uint32_t length)
{
	uint32_t off = w->offset;
	uint8_t type;
	uint8_t len;

	if (length - off < 2) {
		return fmt_refuse(
			w->why, w->why_size, SVSM_ERR_INVAL,
			"MADT: entry at offset %u runs past the end of "
			"the table (%u bytes)",
			off, length);
	}
	type = t[off];
	len = t[off + 1];
	if (len < 2) {
		return fmt_refuse(
			w->why, w->why_size, SVSM_ERR_INVAL,
			"MADT: entry at offset %u (type %u) has length "
			"%u, less than 2",
			off, type, len);
	}
	if (len > length - off) {
		return fmt_refuse(
			w->why, w->why_size, SVSM_ERR_INVAL,
			"MADT: entry at offset %u (type %u, length %u) "
			"runs past the end of the table (%u bytes)",
			off, type, len, length);
	}
	if (type < MADT_TYPE_KNOWN_COUNT && MADT_ENTRY_SIZE[type] != 0 &&
	    len != MADT_ENTRY_SIZE[type]) {
		return fmt_refuse(
			w->why, w->why_size, SVSM_ERR_INVAL,
			"MADT: entry at offset %u: type %u has length "
			"%u, expected %u",
			off, type, len, MADT_ENTRY_SIZE[type]);
	}
	return SVSM_OK;
}

/** Walks every interrupt controller structure of the checked table. */
static enum svsm_err madt_walk_entries(struct madt_walk *w, const uint8_t *t,
				       uint32_t length)
{
	w->offset = MADT_ENTRIES_OFFSET;
	while (w->offset < length) {
		enum svsm_err err = madt_entry_bounds(w, t, length);

		if (err == SVSM_OK) {
			err = madt_entry(w, t + w->offset);
		}
		if (err != SVSM_OK) {
			return err;
		}
		w->offset += t[w->offset + 1]; /* at least 2: terminates */
	}
	return SVSM_OK;
}

/** Copies the input into madt_copy and checks the header. */
static enum svsm_err madt_copy_header(const void *madt, size_t size,
				      struct acpi_sdt_header *h, char *why,
				      size_t why_size)
{
	size_t n = size < sizeof(madt_copy) ? size : sizeof(madt_copy);

	memcpy(madt_copy, madt, n);
	if (n < size && le32_get(madt_copy + SDT_LENGTH_OFFSET) > n) {
		return fmt_refuse(
			why, why_size, SVSM_ERR_INVAL,
			"MADT: length %u larger than the %u-byte limit",
			le32_get(madt_copy + SDT_LENGTH_OFFSET),
			ACPI_MAX_TABLE_SIZE);
	}
	enum svsm_err err =
		acpi_parse_sdt_header(madt_copy, n, "APIC", h, why, why_size);

	if (err != SVSM_OK) {
		return err;
	}
	if (h->length < MADT_ENTRIES_OFFSET) {
		return fmt_refuse(
			why, why_size, SVSM_ERR_INVAL,
			"MADT: length %u leaves no room for the local "
			"APIC address and flags",
			h->length);
	}
	return SVSM_OK;
}

/** Copies and checks the MADT; see acpi.h. */
enum svsm_err acpi_parse_madt(const void *madt, size_t size,
			      struct madt_info *out, char *why, size_t why_size)
{
	struct madt_walk w = { &madt_tmp, 0, false, why, why_size };
	struct acpi_sdt_header h = { 0 };
	enum svsm_err err;

	err = madt_copy_header(madt, size, &h, why, why_size);
	if (err != SVSM_OK) {
		return err;
	}
	memset(&madt_tmp, 0, sizeof(madt_tmp));
	madt_tmp.lapic_address = le32_get(madt_copy + MADT_LAPIC_OFFSET);
	madt_tmp.flags = le32_get(madt_copy + MADT_FLAGS_OFFSET);
	err = madt_walk_entries(&w, madt_copy, h.length);
	if (err != SVSM_OK) {
		return err;
	}
	if (madt_tmp.enabled_count == 0) {
		return fmt_refuse(why, why_size, SVSM_ERR_INVAL,
				  "MADT: no enabled CPU");
	}
	*out = madt_tmp;
	return SVSM_OK;
}
