// SPDX-License-Identifier: MIT
/*
 * `mkelf DIR` writes the hand-made sample executables of elf_sample.c to
 * DIR/exec.elf (ET_EXEC) and DIR/pie.elf (ET_DYN): the seeds of the `elf`
 * fuzz target (tests/fuzz/corpus/elf/). Exit status 0 on success, 1 if a
 * file cannot be written, 2 on a usage error.
 */
#include <stdbool.h>
#include <stdio.h>

#include "elf_sample.h"

/** Writes the sample to `dir`/`name`; returns false on any error. */
static bool write_sample(const char *dir, const char *name, bool is_pie)
{
	uint8_t buf[ELF_SAMPLE_SIZE];
	char path[256];
	bool is_ok;
	FILE *f;

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >=
	    sizeof(path)) {
		return false;
	}
	elf_sample_build(buf, is_pie);
	f = fopen(path, "wb");
	if (f == NULL) {
		return false;
	}
	is_ok = fwrite(buf, 1, sizeof(buf), f) == sizeof(buf);
	if (fclose(f) != 0) {
		is_ok = false;
	}
	return is_ok;
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		(void)fprintf(stderr, "usage: mkelf DIR\n");
		return 2;
	}
	if (!write_sample(argv[1], "exec.elf", false) ||
	    !write_sample(argv[1], "pie.elf", true)) {
		(void)fprintf(stderr, "mkelf: cannot write to %s\n", argv[1]);
		return 1;
	}
	return 0;
}
