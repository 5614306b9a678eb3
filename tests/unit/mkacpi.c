// SPDX-License-Identifier: MIT
/*
 * `mkacpi DIR` writes the fuzz seeds of the table-loader target into DIR:
 * the files of acpi_sample.c in the target's input format (2-byte script
 * length, 2-byte RSDP length, script, RSDP, tables). Exit status 0 on
 * success, 1 if a file cannot be written, 2 on a usage error.
 */
#include <stdbool.h>
#include <stdio.h>

#include "acpi_sample.h"

static const uint32_t IDS_4[] = { 0, 1, 2, 3 };
static const uint32_t IDS_2X3[] = { 0, 1, 2, 4, 5, 6 };
static const uint32_t IDS_1[] = { 0 };

/** Writes one seed built from `o` to DIR/NAME. */
static bool write_seed(const char *dir, const char *name,
		       const struct acpi_sample_opts *o)
{
	static struct acpi_sample s;
	uint8_t head[4];
	static char path[4096];
	FILE *f;
	bool is_ok;

	if (!acpi_sample_build(&s, o)) {
		return false;
	}
	head[0] = (uint8_t)s.script_size;
	head[1] = (uint8_t)(s.script_size >> 8);
	head[2] = (uint8_t)s.rsdp_size;
	head[3] = (uint8_t)(s.rsdp_size >> 8);
	(void)snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (f == NULL) {
		return false;
	}
	is_ok = fwrite(head, 1, sizeof(head), f) == sizeof(head) &&
		fwrite(s.script, 1, s.script_size, f) == s.script_size &&
		fwrite(s.rsdp, 1, s.rsdp_size, f) == s.rsdp_size &&
		fwrite(s.tables, 1, s.tables_size, f) == s.tables_size;
	if (fclose(f) != 0) {
		is_ok = false;
	}
	return is_ok;
}

int main(int argc, char **argv)
{
	const struct acpi_sample_opts rsdt4 = { IDS_4, 4, false, 0 };
	const struct acpi_sample_opts xsdt6 = { IDS_2X3, 6, true, 0 };
	const struct acpi_sample_opts padded1 = { IDS_1, 1, false, 4 };

	if (argc != 2) {
		(void)fprintf(stderr, "usage: mkacpi DIR\n");
		return 2;
	}
	if (!write_seed(argv[1], "rsdt-4cpu.bin", &rsdt4) ||
	    !write_seed(argv[1], "xsdt-2x3cpu.bin", &xsdt6) ||
	    !write_seed(argv[1], "rsdt-1cpu-padded.bin", &padded1)) {
		(void)fprintf(stderr, "mkacpi: cannot write the seeds\n");
		return 1;
	}
	return 0;
}
