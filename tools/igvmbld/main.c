// SPDX-License-Identifier: MIT
/*
 * `igvmbld`, the host tool that turns the kernel ELF into the IGVM image:
 *
 *   igvmbld --kernel ELF --output IGVM [--region-size BYTES]
 *           [--platforms native,snp] [--ramfs ARCHIVE] [--id-key PEM]
 *           [--verbose]
 *
 * --ramfs places a RAM FS archive (made by mkramfs; checked here with the
 * kernel's reader) in the image, mapped read-only and NX. --id-key adds
 * an SEV-SNP ID block signed with that ECDSA P-384 private key (idblock.c).
 *
 * Reads the ELF, runs the build (image.c) and writes the file atomically
 * (a temporary file in the same directory, then rename). Exit status 0 on
 * success, 1 when the input is refused or I/O fails (with a one-line
 * reason on stderr), 2 on a usage error.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "igvmbld.h"

#define MAX_ELF_SIZE (256U << 20)

/** The parsed command line. */
struct args {
	const char *kernel;
	const char *output;
	const char *ramfs;
	const char *id_key;
	struct bld_options opts;
};

static void usage(FILE *f)
{
	(void)fprintf(f, "usage: igvmbld --kernel ELF --output IGVM "
			 "[--region-size BYTES] [--platforms native,snp] "
			 "[--ramfs ARCHIVE] [--id-key PEM] [--verbose]\n");
}

/** Parses a size with an optional K, M or G suffix. */
static bool parse_size(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;
	uint32_t shift = 0;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno != 0 || end == s || s[0] == '-') {
		return false;
	}
	if (*end == 'K' || *end == 'M' || *end == 'G') {
		shift = *end == 'K' ? 10U : *end == 'M' ? 20U : 30U;
		end++;
	}
	if (*end != '\0' || v > (UINT64_MAX >> shift)) {
		return false;
	}
	*out = (uint64_t)v << shift;
	return true;
}

/** Parses a comma-separated platform list into CSVSM_MASK_* bits. */
static bool parse_platforms(const char *s, uint32_t *out)
{
	uint32_t mask = 0;

	while (*s != '\0') {
		size_t n = strcspn(s, ",");

		if (n == 6 && strncmp(s, "native", n) == 0) {
			mask |= CSVSM_MASK_NATIVE;
		} else if (n == 3 && strncmp(s, "snp", n) == 0) {
			mask |= CSVSM_MASK_SNP;
		} else {
			return false;
		}
		s += n;
		s += *s == ',' ? 1 : 0;
	}
	*out = mask;
	return mask != 0;
}

/** Handles one option that takes a value; returns false on an error. */
static bool parse_valued(struct args *a, const char *opt, const char *val)
{
	if (strcmp(opt, "--kernel") == 0) {
		a->kernel = val;
		return true;
	}
	if (strcmp(opt, "--output") == 0) {
		a->output = val;
		return true;
	}
	if (strcmp(opt, "--ramfs") == 0) {
		a->ramfs = val;
		return true;
	}
	if (strcmp(opt, "--id-key") == 0) {
		a->id_key = val;
		return true;
	}
	if (strcmp(opt, "--region-size") == 0) {
		return parse_size(val, &a->opts.region_size);
	}
	if (strcmp(opt, "--platforms") == 0) {
		return parse_platforms(val, &a->opts.platforms);
	}
	return false;
}

/** Parses argv into `a`; returns false (after a message) on a bad one. */
static bool parse_args(struct args *a, int argc, char **argv)
{
	a->opts.region_size = BLD_DEFAULT_REGION_SIZE;
	a->opts.platforms = CSVSM_MASK_SNP | CSVSM_MASK_NATIVE;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--verbose") == 0) {
			a->opts.is_verbose = true;
			continue;
		}
		if (i + 1 >= argc || !parse_valued(a, argv[i], argv[i + 1])) {
			(void)fprintf(stderr, "igvmbld: bad option '%s'\n",
				      argv[i]);
			return false;
		}
		i++;
	}
	if (a->kernel == NULL || a->output == NULL) {
		(void)fprintf(stderr, "igvmbld: --kernel and --output are "
				      "required\n");
		return false;
	}
	return true;
}

/** Reads the whole of `path` into a malloc'd buffer. */
static bool read_file(const char *path, uint8_t **out, size_t *out_size)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	long size;
	bool is_ok = false;

	if (f == NULL) {
		(void)fprintf(stderr, "igvmbld: %s: %s\n", path,
			      strerror(errno));
		return false;
	}
	if (fseek(f, 0, SEEK_END) == 0 && (size = ftell(f)) > 0 &&
	    (uint64_t)size <= MAX_ELF_SIZE && fseek(f, 0, SEEK_SET) == 0) {
		buf = malloc((size_t)size);
		is_ok = buf != NULL &&
			fread(buf, 1, (size_t)size, f) == (size_t)size;
	}
	(void)fclose(f);
	if (!is_ok) {
		(void)fprintf(stderr,
			      "igvmbld: %s: cannot read (empty, too "
			      "large or I/O error)\n",
			      path);
		free(buf);
		return false;
	}
	*out = buf;
	*out_size = (size_t)size;
	return true;
}

/** Writes all of `buf` to `fd`. */
static bool write_all(int fd, const uint8_t *buf, size_t size)
{
	while (size > 0) {
		ssize_t n = write(fd, buf, size);

		if (n < 0 && errno == EINTR) {
			continue;
		}
		if (n <= 0) {
			return false;
		}
		buf += n;
		size -= (size_t)n;
	}
	return true;
}

/** Writes `buf` to `path` atomically: a temporary file, then rename. */
static bool write_file(const char *path, const uint8_t *buf, size_t size)
{
	char *tmp;
	int fd;
	bool is_ok;

	if (asprintf(&tmp, "%s.tmp.%ld", path, (long)getpid()) < 0) {
		(void)fprintf(stderr, "igvmbld: out of memory\n");
		return false;
	}
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	is_ok = fd >= 0 && write_all(fd, buf, size) && fsync(fd) == 0;
	if (fd >= 0) {
		is_ok = close(fd) == 0 && is_ok;
	}
	is_ok = is_ok && rename(tmp, path) == 0;
	if (!is_ok) {
		(void)fprintf(stderr, "igvmbld: %s: %s\n", path,
			      strerror(errno));
		(void)unlink(tmp);
	}
	free(tmp);
	return is_ok;
}

/** Prints the layout (--verbose). */
static void print_layout(const struct bld_image *img)
{
	const struct bld_layout *l = &img->layout;

	(void)fprintf(stderr, "igvmbld: region [0x%llx, 0x%llx) entry 0x%llx\n",
		      (unsigned long long)l->kernel_pbase,
		      (unsigned long long)l->kernel_pend,
		      (unsigned long long)img->kernel.entry);
	for (uint32_t i = 0; i < l->map_count; i++) {
		const struct bld_map *m = &l->maps[i];

		(void)fprintf(
			stderr, "  va 0x%016llx pa 0x%08llx size 0x%06llx %s\n",
			(unsigned long long)m->va, (unsigned long long)m->pa,
			(unsigned long long)m->size, layout_kind_name(m->kind));
	}
	if (l->snp_stub_pa != 0) {
		(void)fprintf(stderr,
			      "  snp stub 0x%llx cpuid 0x%llx secrets 0x%llx\n",
			      (unsigned long long)l->snp_stub_pa,
			      (unsigned long long)l->snp_cpuid_pa,
			      (unsigned long long)l->snp_secrets_pa);
	}
	(void)fprintf(stderr,
		      "  page tables [0x%llx, 0x%llx) %u pages, free 0x%llx, "
		      "%u symbols\n",
		      (unsigned long long)l->pt_pbase,
		      (unsigned long long)l->pt_pend, l->pt_pages,
		      (unsigned long long)l->free_pbase,
		      img->kernel.symbol_count);
}

/** Builds the image and writes it; returns the exit status. */
static int run(const struct args *a, const uint8_t *elf, size_t elf_size)
{
	struct bld_image *img = calloc(1, sizeof(*img));
	char why[BLD_WHY_SIZE] = "out of memory";
	int status = 1;

	if (img == NULL || bld_image_build(img, elf, elf_size, &a->opts, why,
					   sizeof(why)) != SVSM_OK) {
		(void)fprintf(stderr, "igvmbld: %s: %s\n", a->kernel, why);
	} else if (write_file(a->output, img->file, img->file_size)) {
		if (a->opts.is_verbose) {
			print_layout(img);
		}
		(void)fprintf(stderr, "igvmbld: %s: %u pages, %zu bytes\n",
			      a->output, img->page_count, img->file_size);
		status = 0;
	}
	if (img != NULL) {
		bld_image_destroy(img);
		free(img);
	}
	return status;
}

int main(int argc, char **argv)
{
	struct args a = { 0 };
	uint8_t *elf;
	size_t elf_size;
	int status;

	if (argc == 2 && strcmp(argv[1], "--help") == 0) {
		usage(stdout);
		return 0;
	}
	if (!parse_args(&a, argc, argv)) {
		usage(stderr);
		return 2;
	}
	a.opts.snp_stub = SNP_STUB_BLOB;
	a.opts.snp_stub_size = (size_t)(SNP_STUB_BLOB_END - SNP_STUB_BLOB);
	if (!read_file(a.kernel, &elf, &elf_size)) {
		return 1;
	}
	if (a.id_key != NULL) {
		char why[BLD_WHY_SIZE];

		if (idkey_load(a.id_key, &a.opts.id_key, why, sizeof(why)) !=
		    SVSM_OK) {
			(void)fprintf(stderr, "igvmbld: %s: %s\n", a.id_key,
				      why);
			free(elf);
			return 1;
		}
	}
	if (a.ramfs != NULL) {
		uint8_t *ramfs;

		if (!read_file(a.ramfs, &ramfs, &a.opts.ramfs_size)) {
			idkey_free(a.opts.id_key);
			free(elf);
			return 1;
		}
		a.opts.ramfs = ramfs;
	}
	status = run(&a, elf, elf_size);
	idkey_free(a.opts.id_key);
	free((void *)a.opts.ramfs);
	free(elf);
	return status;
}
