// SPDX-License-Identifier: MIT
/*
 * The interpreter of QEMU's ACPI table-loader script and the walk from
 * the RSDP to the MADT; see acpi_loader.h for the model (notional base
 * addresses, nothing placed in guest memory). The script and the files
 * are private copies, but their contents come from the host: every
 * command is checked before it touches a byte, and every address in the
 * tables is mapped back into a file with its bounds. Command layout
 * (128 bytes, little-endian, QEMU hw/acpi/bios-linker-loader.c):
 *
 *   0   u32 command
 *   ALLOCATE      4 file[56]  60 u32 align  64 u8 zone
 *   ADD_POINTER   4 dest[56]  60 src[56]  116 u32 offset  120 u8 size
 *   ADD_CHECKSUM  4 file[56]  60 u32 offset  64 u32 start  68 u32 length
 *
 * Boot CPU only (it runs before the APs start); no shared state.
 */
#include <stdarg.h>

#include "svsm/acpi_loader.h"
#include "svsm/fmt.h"
#include "svsm/string.h"

#define CMD_NAME_OFFSET 4U
#define ALLOC_ALIGN_OFFSET 60U
#define ALLOC_ZONE_OFFSET 64U
#define PTR_SRC_OFFSET 60U
#define PTR_OFFSET_OFFSET 116U
#define PTR_SIZE_OFFSET 120U
#define CKSUM_OFFSET_OFFSET 60U
#define CKSUM_START_OFFSET 64U
#define CKSUM_LENGTH_OFFSET 68U
#define ADDRESS_LIMIT 0x100000000ULL /* ALLOCATE places files below 4 GiB */

/** Where the interpreter stands; for the messages. */
struct loader_run {
	struct acpi_loader_file *files;
	uint32_t file_count;
	uint32_t index; /**< of the current command */
	uint64_t next;	/**< the next free notional address */
	char *why;
	size_t why_size;
};

static uint32_t get_u32(const uint8_t *p)
{
	return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) |
	       ((uint32_t)p[3] << 24);
}

/** Reads a little-endian value of `size` (1..8) bytes. */
static uint64_t get_le(const uint8_t *p, uint32_t size)
{
	uint64_t v = 0;

	for (uint32_t i = 0; i < size; i++) {
		v |= (uint64_t)p[i] << (8 * i);
	}
	return v;
}

static void put_le(uint8_t *p, uint32_t size, uint64_t v)
{
	for (uint32_t i = 0; i < size; i++) {
		p[i] = (uint8_t)(v >> (8 * i));
	}
}

/**
 * Finds the file a command names at `name` (ACPI_LOADER_NAME_SIZE
 * bytes); with `must_be_allocated`, only one ALLOCATE has placed. NULL
 * with the reason in `r->why` when there is none.
 */
static struct acpi_loader_file *
find_file(struct loader_run *r, const uint8_t *name, bool must_be_allocated)
{
	char n[ACPI_LOADER_NAME_SIZE];

	memcpy(n, name, sizeof(n));
	if (strnlen(n, sizeof(n)) == sizeof(n)) {
		(void)fmt_refuse(r->why, r->why_size, SVSM_ERR_INVAL,
				 "table-loader command %u: file name not "
				 "NUL-terminated",
				 r->index);
		return NULL;
	}
	for (uint32_t i = 0; i < r->file_count; i++) {
		if (strcmp(r->files[i].name, n) != 0) {
			continue;
		}
		if (must_be_allocated && !r->files[i].is_allocated) {
			(void)fmt_refuse(
				r->why, r->why_size, SVSM_ERR_INVAL,
				"table-loader command %u: file '%.55s' "
				"used before it is allocated",
				r->index, n);
			return NULL;
		}
		return &r->files[i];
	}
	/* Only printable characters reach the log. */
	for (size_t i = 0; n[i] != '\0'; i++) {
		if (n[i] < 0x20 || n[i] > 0x7E) {
			n[i] = '?';
		}
	}
	(void)fmt_refuse(r->why, r->why_size, SVSM_ERR_INVAL,
			 "table-loader command %u: unknown file '%.55s'",
			 r->index, n);
	return NULL;
}

/** ALLOCATE: gives the file its notional base address. */
static enum svsm_err cmd_allocate(struct loader_run *r, const uint8_t *c)
{
	struct acpi_loader_file *f = find_file(r, c + CMD_NAME_OFFSET, false);
	uint32_t align = get_u32(c + ALLOC_ALIGN_OFFSET);
	uint8_t zone = c[ALLOC_ZONE_OFFSET];
	uint64_t base;

	if (f == NULL) {
		return SVSM_ERR_INVAL;
	}
	if (f->is_allocated) {
		return fmt_refuse(
			r->why, r->why_size, SVSM_ERR_INVAL,
			"table-loader command %u: '%s' allocated twice",
			r->index, f->name);
	}
	if (f->size == 0) {
		return fmt_refuse(r->why, r->why_size, SVSM_ERR_INVAL,
				  "table-loader command %u: '%s' is empty",
				  r->index, f->name);
	}
	if (align == 0 || (align & (align - 1)) != 0 ||
	    align > ACPI_LOADER_MAX_ALIGN) {
		return fmt_refuse(
			r->why, r->why_size, SVSM_ERR_INVAL,
			"table-loader command %u: bad alignment %u for "
			"'%s'",
			r->index, align, f->name);
	}
	if (zone != ACPI_LOADER_ZONE_HIGH && zone != ACPI_LOADER_ZONE_FSEG) {
		return fmt_refuse(
			r->why, r->why_size, SVSM_ERR_INVAL,
			"table-loader command %u: unknown zone %u for "
			"'%s'",
			r->index, zone, f->name);
	}
	/* `next` stays below 2^32 + 2^32 + 4096: no overflow. */
	base = (r->next + align - 1) & ~((uint64_t)align - 1);
	if (base + f->size > ADDRESS_LIMIT) {
		return fmt_refuse(r->why, r->why_size, SVSM_ERR_INVAL,
				  "table-loader command %u: '%s' does not fit "
				  "below 4 GiB",
				  r->index, f->name);
	}
	f->base = base;
	f->is_allocated = true;
	r->next = base + f->size;
	return SVSM_OK;
}

/** ADD_POINTER: adds the source file's base to a pointer in `dest`. */
static enum svsm_err cmd_add_pointer(struct loader_run *r, const uint8_t *c)
{
	struct acpi_loader_file *dest = find_file(r, c + CMD_NAME_OFFSET, true);
	struct acpi_loader_file *src =
		dest ? find_file(r, c + PTR_SRC_OFFSET, true) : NULL;
	uint32_t offset = get_u32(c + PTR_OFFSET_OFFSET);
	uint8_t size = c[PTR_SIZE_OFFSET];
	uint64_t v;

	if (dest == NULL || src == NULL) {
		return SVSM_ERR_INVAL;
	}
	if (size != 1 && size != 2 && size != 4 && size != 8) {
		return fmt_refuse(
			r->why, r->why_size, SVSM_ERR_INVAL,
			"table-loader command %u: bad pointer size %u",
			r->index, size);
	}
	if ((uint64_t)offset + size > dest->size) {
		return fmt_refuse(
			r->why, r->why_size, SVSM_ERR_INVAL,
			"table-loader command %u: pointer at offset %u "
			"(size %u) outside '%s' (%u bytes)",
			r->index, offset, size, dest->name, dest->size);
	}
	v = get_le(dest->data + offset, size);
	if (v >= src->size) {
		return fmt_refuse(r->why, r->why_size, SVSM_ERR_INVAL,
				  "table-loader command %u: pointer value %llu "
				  "past the end of '%s' (%u bytes)",
				  r->index, (unsigned long long)v, src->name,
				  src->size);
	}
	v += src->base; /* both below 2^32 */
	if (size < 8 && (v >> (8U * size)) != 0) {
		return fmt_refuse(
			r->why, r->why_size, SVSM_ERR_INVAL,
			"table-loader command %u: address 0x%llx does "
			"not fit a %u-byte pointer",
			r->index, (unsigned long long)v, size);
	}
	put_le(dest->data + offset, size, v);
	return SVSM_OK;
}

/** ADD_CHECKSUM: subtracts the byte sum of a range from one byte. */
static enum svsm_err cmd_add_checksum(struct loader_run *r, const uint8_t *c)
{
	struct acpi_loader_file *f = find_file(r, c + CMD_NAME_OFFSET, true);
	uint32_t at = get_u32(c + CKSUM_OFFSET_OFFSET);
	uint32_t start = get_u32(c + CKSUM_START_OFFSET);
	uint32_t length = get_u32(c + CKSUM_LENGTH_OFFSET);
	uint8_t sum = 0;

	if (f == NULL) {
		return SVSM_ERR_INVAL;
	}
	if (at >= f->size || (uint64_t)start + length > f->size) {
		return fmt_refuse(
			r->why, r->why_size, SVSM_ERR_INVAL,
			"table-loader command %u: checksum at %u over "
			"[%u, +%u) outside '%s' (%u bytes)",
			r->index, at, start, length, f->name, f->size);
	}
	for (uint32_t i = 0; i < length; i++) {
		sum = (uint8_t)(sum + f->data[start + i]);
	}
	f->data[at] = (uint8_t)(f->data[at] - sum);
	return SVSM_OK;
}

/** Runs one command. */
static enum svsm_err run_command(struct loader_run *r, const uint8_t *c)
{
	uint32_t command = get_u32(c);

	switch (command) {
	case ACPI_LOADER_ALLOCATE:
		return cmd_allocate(r, c);
	case ACPI_LOADER_ADD_POINTER:
		return cmd_add_pointer(r, c);
	case ACPI_LOADER_ADD_CHECKSUM:
		return cmd_add_checksum(r, c);
	case ACPI_LOADER_PADDING:
	case ACPI_LOADER_WRITE_POINTER: /* tells the host where a file went */
		return SVSM_OK;
	default:
		/* Its meaning could change what the tables say. */
		return fmt_refuse(r->why, r->why_size, SVSM_ERR_INVAL,
				  "table-loader command %u: unknown command %u",
				  r->index, command);
	}
}

/** Runs the script; see acpi_loader.h. */
enum svsm_err acpi_loader_run(const uint8_t *script, size_t script_size,
			      struct acpi_loader_file *files,
			      uint32_t file_count, char *why, size_t why_size)
{
	struct loader_run r = { files, file_count, 0, ACPI_LOADER_BASE,
				why,   why_size };

	if (script_size % ACPI_LOADER_ENTRY_SIZE != 0) {
		return fmt_refuse(
			why, why_size, SVSM_ERR_INVAL,
			"table-loader: %zu bytes, not a whole number of "
			"%u-byte commands",
			script_size, ACPI_LOADER_ENTRY_SIZE);
	}
	if (script_size / ACPI_LOADER_ENTRY_SIZE > ACPI_LOADER_MAX_COMMANDS) {
		return fmt_refuse(why, why_size, SVSM_ERR_INVAL,
				  "table-loader: %zu commands, more than %u",
				  script_size / ACPI_LOADER_ENTRY_SIZE,
				  ACPI_LOADER_MAX_COMMANDS);
	}
	for (uint32_t i = 0; i < file_count; i++) {
		files[i].is_allocated = false;
		files[i].base = 0;
	}
	for (; r.index < script_size / ACPI_LOADER_ENTRY_SIZE; r.index++) {
		enum svsm_err err = run_command(
			&r, script + (size_t)r.index * ACPI_LOADER_ENTRY_SIZE);

		if (err != SVSM_OK) {
			return err;
		}
	}
	return SVSM_OK;
}

/**
 * Maps the notional address `addr` to the bytes of an allocated file:
 * `*p` and the `*avail` bytes from there to the end of the file.
 */
static bool resolve(const struct acpi_loader_file *files, uint32_t file_count,
		    uint64_t addr, const uint8_t **p, size_t *avail)
{
	for (uint32_t i = 0; i < file_count; i++) {
		const struct acpi_loader_file *f = &files[i];

		if (f->is_allocated && addr >= f->base &&
		    addr - f->base < f->size) {
			*p = f->data + (addr - f->base);
			*avail = f->size - (size_t)(addr - f->base);
			return true;
		}
	}
	return false;
}

/** Where the walk over the root table stands. */
struct root_walk {
	const struct acpi_loader_file *files;
	uint32_t file_count;
	const char *root; /**< "RSDT" or "XSDT" */
	uint32_t entry_size;
	struct madt_info *out;
	char *why;
	size_t why_size;
};

/** Looks at root table entry `i` (address `addr`); parses a MADT. */
static enum svsm_err root_entry(struct root_walk *w, uint32_t i, uint64_t addr,
				bool *found)
{
	const uint8_t *t;
	size_t avail;

	if (!resolve(w->files, w->file_count, addr, &t, &avail) ||
	    avail < ACPI_SDT_HEADER_SIZE) {
		return fmt_refuse(w->why, w->why_size, SVSM_ERR_INVAL,
				  "ACPI %s entry %u: address 0x%llx is not a "
				  "table in the loaded files",
				  w->root, i, (unsigned long long)addr);
	}
	if (memcmp(t, "APIC", 4) != 0) {
		return SVSM_OK;
	}
	if (*found) {
		return fmt_refuse(w->why, w->why_size, SVSM_ERR_INVAL,
				  "ACPI %s entry %u: a second MADT", w->root,
				  i);
	}
	*found = true;
	return acpi_parse_madt(t, avail, w->out, w->why, w->why_size);
}

/** Checks the root table at `addr` and walks its entries. */
static enum svsm_err walk_root(struct root_walk *w, uint64_t addr)
{
	struct acpi_sdt_header h;
	const uint8_t *t;
	size_t avail;
	bool found = false;
	enum svsm_err err;

	if (!resolve(w->files, w->file_count, addr, &t, &avail)) {
		return fmt_refuse(
			w->why, w->why_size, SVSM_ERR_INVAL,
			"RSDP: %s address 0x%llx is outside the loaded "
			"files",
			w->root, (unsigned long long)addr);
	}
	err = acpi_parse_sdt_header(t, avail, w->root, &h, w->why, w->why_size);
	if (err != SVSM_OK) {
		return err;
	}
	if ((h.length - ACPI_SDT_HEADER_SIZE) % w->entry_size != 0) {
		return fmt_refuse(w->why, w->why_size, SVSM_ERR_INVAL,
				  "ACPI %s: length %u is not a whole number of "
				  "entries",
				  w->root, h.length);
	}
	for (uint32_t i = 0;
	     i < (h.length - ACPI_SDT_HEADER_SIZE) / w->entry_size; i++) {
		const uint8_t *e =
			t + ACPI_SDT_HEADER_SIZE + (size_t)i * w->entry_size;

		err = root_entry(w, i, get_le(e, w->entry_size), &found);
		if (err != SVSM_OK) {
			return err;
		}
	}
	if (!found) {
		return fmt_refuse(w->why, w->why_size, SVSM_ERR_INVAL,
				  "ACPI %s: no MADT", w->root);
	}
	return SVSM_OK;
}

/** Follows RSDP -> XSDT/RSDT -> MADT; see acpi_loader.h. */
enum svsm_err acpi_loader_find_madt(const struct acpi_loader_file *files,
				    uint32_t file_count, uint32_t rsdp_index,
				    struct madt_info *out, char *why,
				    size_t why_size)
{
	struct root_walk w = {
		files, file_count, "RSDT", 4, out, why, why_size
	};
	struct acpi_rsdp_info rsdp;
	enum svsm_err err;

	if (rsdp_index >= file_count || !files[rsdp_index].is_allocated) {
		return fmt_refuse(
			why, why_size, SVSM_ERR_INVAL,
			"table-loader: the RSDP file is not allocated");
	}
	err = acpi_parse_rsdp(files[rsdp_index].data, files[rsdp_index].size,
			      &rsdp, why, why_size);
	if (err != SVSM_OK) {
		return err;
	}
	if (rsdp.revision >= 2 && rsdp.xsdt_address != 0) {
		w.root = "XSDT";
		w.entry_size = 8;
		return walk_root(&w, rsdp.xsdt_address);
	}
	return walk_root(&w, rsdp.rsdt_address);
}

/** Builds the CPU list and applies the policy; see acpi_loader.h. */
enum svsm_err acpi_cpu_list(const struct madt_info *m, uint32_t vcpu_count,
			    uint32_t boot_apic_id, struct acpi_cpu_list *out,
			    char *why, size_t why_size)
{
	uint32_t n = 1;
	bool has_boot = false;

	if (m->enabled_count != vcpu_count) {
		return fmt_refuse(why, why_size, SVSM_ERR_INVAL,
				  "MADT lists %u enabled CPUs but the IGVM "
				  "parameters give %u vCPUs",
				  m->enabled_count, vcpu_count);
	}
	for (uint32_t i = 0; i < m->cpu_count; i++) {
		has_boot |= m->cpus[i].is_enabled &&
			    m->cpus[i].apic_id == boot_apic_id;
	}
	if (!has_boot) {
		return fmt_refuse(
			why, why_size, SVSM_ERR_INVAL,
			"MADT does not list the boot CPU (APIC ID %u) "
			"as enabled",
			boot_apic_id);
	}
	out->apic_ids[0] = boot_apic_id;
	for (uint32_t i = 0; i < m->cpu_count; i++) {
		if (m->cpus[i].is_enabled &&
		    m->cpus[i].apic_id != boot_apic_id) {
			out->apic_ids[n++] = m->cpus[i].apic_id;
		}
	}
	out->count = n;
	return SVSM_OK;
}
