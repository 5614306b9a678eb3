// SPDX-License-Identifier: MIT
/*
 * `mkigvm FILE` writes the sample IGVM file of igvm_sample.c to FILE, for
 * tests/prove/dump.t and the fuzz seeds. `mkigvm --fix-checksum FILE`
 * recomputes the checksum of an IGVM file in place, so that dump.t can
 * break one rule behind the checksum. Exit status 0 on success, 1 if a
 * file cannot be read or written, 2 on a usage error.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "igvm_sample.h"

#define MKIGVM_MAX_SIZE ((size_t)256 * 1024 * 1024)

/** Writes `size` bytes to `path`; returns false on any error. */
static bool write_file(const char *path, const uint8_t *data, size_t size)
{
	FILE *f = fopen(path, "wb");
	bool is_ok;

	if (f == NULL) {
		return false;
	}
	is_ok = fwrite(data, 1, size, f) == size;
	if (fclose(f) != 0) {
		is_ok = false;
	}
	return is_ok;
}

/** Reads a whole file of at most 256 MiB into a new buffer. */
static uint8_t *read_file(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = malloc(MKIGVM_MAX_SIZE);

	if (f == NULL || buf == NULL) {
		free(buf);
		if (f != NULL) {
			(void)fclose(f);
		}
		return NULL;
	}
	*size = fread(buf, 1, MKIGVM_MAX_SIZE, f);
	if (ferror(f) || !feof(f)) {
		free(buf);
		buf = NULL;
	}
	(void)fclose(f);
	return buf;
}

/** `--fix-checksum FILE`: recompute the checksum in place. */
static int fix_checksum(const char *path)
{
	size_t size = 0;
	uint8_t *buf = read_file(path, &size);
	bool is_ok;

	if (buf == NULL) {
		(void)fprintf(stderr, "mkigvm: %s: cannot read\n", path);
		return 1;
	}
	igvm_sample_fix_checksum(buf, size);
	is_ok = write_file(path, buf, size);
	free(buf);
	if (!is_ok) {
		(void)fprintf(stderr, "mkigvm: %s: cannot write\n", path);
		return 1;
	}
	return 0;
}

/** Writes the sample to `path`. */
static int write_sample(const char *path)
{
	struct igvm_sample s;
	bool is_ok;

	if (igvm_sample_build(&s) != SVSM_OK) {
		(void)fprintf(stderr, "mkigvm: out of memory\n");
		return 1;
	}
	is_ok = write_file(path, s.data, s.size);
	igvm_sample_free(&s);
	if (!is_ok) {
		(void)fprintf(stderr, "mkigvm: %s: cannot write\n", path);
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "--fix-checksum") == 0) {
		return fix_checksum(argv[2]);
	}
	if (argc == 2 && argv[1][0] != '-') {
		return write_sample(argv[1]);
	}
	(void)fprintf(stderr, "usage: mkigvm FILE\n"
			      "       mkigvm --fix-checksum FILE\n");
	return 2;
}
