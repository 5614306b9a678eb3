// SPDX-License-Identifier: MIT
/*
 * `mkramfs`, the host tool that packs the RAM file system (format in
 * docs/RAMFS.md):
 *
 *   mkramfs --output FILE [--manifest FILE]... [DEST=SRC]...
 *   mkramfs --list FILE
 *   mkramfs --cat FILE PATH
 *
 * Each DEST=SRC (on the command line, or one per line of a manifest,
 * where blank lines and lines starting with '#' are ignored) puts the
 * regular file SRC at path DEST; the file is executable in the archive
 * when SRC has its owner-execute bit. Paths are checked with the reader's
 * rules, and the output is checked with the reader before it is written
 * atomically (a temporary file, then rename). --list checks an archive
 * and prints one "MODE SIZE PATH" line per file; --cat checks it and
 * writes one file's data to stdout. Exit status 0 on success, 1 when an
 * input is refused or I/O fails (one line on stderr), 2 on a usage error.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ramfs/ramfs.h"
#include "ramfs/ramfs_pack.h"

/* The largest single input file; the archive itself is limited to 1 GiB. */
#define MAX_INPUT_SIZE (256ULL << 20)
#define MAX_LINE 400U
#define WHY_SIZE 256U

/** The files collected from the command line and manifests. */
struct inputs {
	struct ramfs_pack_file *files;
	uint32_t count;
	uint32_t capacity;
};

static void usage(FILE *f)
{
	(void)fprintf(f, "usage: mkramfs --output FILE [--manifest FILE]... "
			 "[DEST=SRC]...\n"
			 "       mkramfs --list FILE\n"
			 "       mkramfs --cat FILE PATH\n");
}

/**
 * Reads the regular file `path` of at most `max` bytes into a malloc'd
 * buffer (at least one byte long); `*mode` gets its st_mode.
 */
static bool read_file(const char *path, uint64_t max, uint8_t **out,
		      uint64_t *out_size, mode_t *mode)
{
	struct stat st;
	uint8_t *buf = NULL;
	size_t done = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0 || fstat(fd, &st) != 0) {
		(void)fprintf(stderr, "mkramfs: %s: %s\n", path,
			      strerror(errno));
		goto fail;
	}
	if (!S_ISREG(st.st_mode) || (uint64_t)st.st_size > max) {
		(void)fprintf(stderr,
			      "mkramfs: %s: not a regular file, or larger "
			      "than %llu bytes\n",
			      path, (unsigned long long)max);
		goto fail;
	}
	buf = malloc((size_t)st.st_size + 1U);
	while (buf != NULL && done < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + done, (size_t)st.st_size - done);

		if (n < 0 && errno == EINTR) {
			continue;
		}
		if (n <= 0) {
			(void)fprintf(stderr, "mkramfs: %s: read failed\n",
				      path);
			goto fail;
		}
		done += (size_t)n;
	}
	if (buf == NULL) {
		(void)fprintf(stderr, "mkramfs: out of memory\n");
		goto fail;
	}
	(void)close(fd);
	*out = buf;
	*out_size = (uint64_t)st.st_size;
	*mode = st.st_mode;
	return true;
fail:
	free(buf);
	if (fd >= 0) {
		(void)close(fd);
	}
	return false;
}

/** Adds DEST=SRC (`spec`, from `where`) to `in`. */
static bool add_spec(struct inputs *in, const char *spec, const char *where)
{
	const char *eq = strchr(spec, '=');
	struct ramfs_pack_file *f;
	char why[WHY_SIZE];
	mode_t mode;

	if (eq == NULL || eq == spec || eq[1] == '\0') {
		(void)fprintf(stderr, "mkramfs: %s: '%s' is not DEST=SRC\n",
			      where, spec);
		return false;
	}
	if (in->count >= RAMFS_MAX_ENTRIES) {
		(void)fprintf(stderr,
			      "mkramfs: %s: too many files (at most "
			      "%u)\n",
			      where, RAMFS_MAX_ENTRIES);
		return false;
	}
	if (in->count == in->capacity) {
		uint32_t cap = in->capacity == 0 ? 16U : in->capacity * 2U;
		void *p = reallocarray(in->files, cap, sizeof(*in->files));

		if (p == NULL) {
			(void)fprintf(stderr, "mkramfs: out of memory\n");
			return false;
		}
		in->files = p;
		in->capacity = cap;
	}
	f = &in->files[in->count];
	memset(f, 0, sizeof(*f));
	f->path = strndup(spec, (size_t)(eq - spec));
	if (f->path == NULL) {
		(void)fprintf(stderr, "mkramfs: out of memory\n");
		return false;
	}
	if (ramfs_check_path(f->path, why, sizeof(why)) != SVSM_OK) {
		(void)fprintf(stderr, "mkramfs: %s: %s: %s\n", where, f->path,
			      why);
		free((void *)f->path);
		return false;
	}
	if (!read_file(eq + 1, MAX_INPUT_SIZE, (uint8_t **)&f->data, &f->size,
		       &mode)) {
		free((void *)f->path);
		return false;
	}
	f->is_exec = (mode & S_IXUSR) != 0;
	in->count++;
	return true;
}

/** Adds every DEST=SRC line of the manifest `path`. */
static bool add_manifest(struct inputs *in, const char *path)
{
	char line[MAX_LINE];
	char where[MAX_LINE + 32];
	unsigned int n = 0;
	bool is_ok = true;
	FILE *f = fopen(path, "r");

	if (f == NULL) {
		(void)fprintf(stderr, "mkramfs: %s: %s\n", path,
			      strerror(errno));
		return false;
	}
	while (is_ok && fgets(line, sizeof(line), f) != NULL) {
		size_t len = strcspn(line, "\r\n");

		n++;
		(void)snprintf(where, sizeof(where), "%s:%u", path, n);
		if (line[len] == '\0' && !feof(f)) {
			(void)fprintf(stderr, "mkramfs: %s: line too long\n",
				      where);
			is_ok = false;
			break;
		}
		line[len] = '\0';
		if (len == 0 || line[0] == '#') {
			continue;
		}
		is_ok = add_spec(in, line, where);
	}
	(void)fclose(f);
	return is_ok;
}

/** Frees what `in` holds. */
static void inputs_free(struct inputs *in)
{
	for (uint32_t i = 0; i < in->count; i++) {
		free((void *)in->files[i].path);
		free((void *)in->files[i].data);
	}
	free(in->files);
	memset(in, 0, sizeof(*in));
}

/** Writes all of `buf` to `path` atomically: a temporary, then rename. */
static bool write_file(const char *path, const uint8_t *buf, size_t size)
{
	char *tmp;
	int fd;
	bool is_ok = true;

	if (asprintf(&tmp, "%s.tmp.%ld", path, (long)getpid()) < 0) {
		(void)fprintf(stderr, "mkramfs: out of memory\n");
		return false;
	}
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	is_ok = fd >= 0;
	for (size_t done = 0; is_ok && done < size;) {
		ssize_t n = write(fd, buf + done, size - done);

		if (n < 0 && errno == EINTR) {
			continue;
		}
		is_ok = n > 0;
		done += is_ok ? (size_t)n : 0U;
	}
	if (fd >= 0) {
		is_ok = close(fd) == 0 && is_ok;
	}
	is_ok = is_ok && rename(tmp, path) == 0;
	if (!is_ok) {
		(void)fprintf(stderr, "mkramfs: %s: %s\n", path,
			      strerror(errno));
		(void)unlink(tmp);
	}
	free(tmp);
	return is_ok;
}

/** Packs `in` and writes the archive to `output`; returns the status. */
static int pack(const struct inputs *in, const char *output)
{
	char why[WHY_SIZE] = "";
	uint8_t *archive = NULL;
	size_t size = 0;

	if (ramfs_pack(in->files, in->count, &archive, &size, why,
		       sizeof(why)) != SVSM_OK) {
		(void)fprintf(stderr, "mkramfs: %s\n", why);
		return 1;
	}
	int status = write_file(output, archive, size) ? 0 : 1;

	free(archive);
	return status;
}

/** Reads and opens the archive `path`; `*buf` and `*meta` are malloc'd. */
static bool open_archive(const char *path, struct ramfs *fs, uint8_t **buf,
			 void **meta)
{
	char why[WHY_SIZE] = "";
	uint64_t size;
	size_t meta_size;
	mode_t mode;

	*meta = NULL;
	if (!read_file(path, RAMFS_MAX_SIZE, buf, &size, &mode)) {
		return false;
	}
	if (ramfs_meta_size(*buf, size, &meta_size, why, sizeof(why)) ==
	    SVSM_OK) {
		*meta = malloc(meta_size);
		if (*meta == NULL) {
			(void)snprintf(why, sizeof(why), "out of memory");
		} else if (ramfs_open(fs, *buf, size,
				      (struct ramfs_meta){ *meta, meta_size },
				      why, sizeof(why)) == SVSM_OK) {
			return true;
		}
	}
	(void)fprintf(stderr, "mkramfs: %s: %s\n", path, why);
	free(*meta);
	free(*buf);
	*meta = NULL;
	*buf = NULL;
	return false;
}

/** --list and --cat; returns the exit status. */
static int inspect(const char *archive, const char *cat_path)
{
	struct ramfs fs;
	uint8_t *buf;
	void *meta;
	int status = 0;

	if (!open_archive(archive, &fs, &buf, &meta)) {
		return 1;
	}
	if (cat_path == NULL) {
		const struct ramfs_entry *e;

		for (uint32_t i = 0; (e = ramfs_entry_at(&fs, i)) != NULL;
		     i++) {
			(void)printf("0%o %llu %s\n", e->mode,
				     (unsigned long long)e->size, e->path);
		}
	} else {
		const struct ramfs_entry *e = ramfs_lookup(&fs, cat_path);
		const uint8_t *data = e != NULL ? ramfs_data(&fs, e) : NULL;

		if (e == NULL) {
			(void)fprintf(stderr, "mkramfs: %s: no file %s\n",
				      archive, cat_path);
			status = 1;
		} else if (data != NULL && fwrite(data, 1, (size_t)e->size,
						  stdout) != e->size) {
			status = 1;
		}
	}
	free(meta);
	free(buf);
	return fflush(stdout) == 0 ? status : 1;
}

/** Collects the inputs of a pack command line; returns the status. */
static int pack_main(int argc, char **argv)
{
	struct inputs in = { 0 };
	const char *output = NULL;
	bool is_ok = true;

	for (int i = 1; i < argc && is_ok; i++) {
		bool has_value = i + 1 < argc;

		if (strcmp(argv[i], "--output") == 0 && has_value) {
			output = argv[++i];
		} else if (strcmp(argv[i], "--manifest") == 0 && has_value) {
			is_ok = add_manifest(&in, argv[++i]);
		} else if (strncmp(argv[i], "--", 2) == 0) {
			(void)fprintf(stderr, "mkramfs: bad option '%s'\n",
				      argv[i]);
			usage(stderr);
			inputs_free(&in);
			return 2;
		} else {
			is_ok = add_spec(&in, argv[i], "argument");
		}
	}
	int status = 1;

	if (is_ok && output == NULL) {
		(void)fprintf(stderr, "mkramfs: --output is required\n");
		usage(stderr);
		status = 2;
	} else if (is_ok) {
		status = pack(&in, output);
	}
	inputs_free(&in);
	return status;
}

int main(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "--help") == 0) {
		usage(stdout);
		return 0;
	}
	if (argc >= 2 && strcmp(argv[1], "--list") == 0) {
		if (argc != 3) {
			usage(stderr);
			return 2;
		}
		return inspect(argv[2], NULL);
	}
	if (argc >= 2 && strcmp(argv[1], "--cat") == 0) {
		if (argc != 4) {
			usage(stderr);
			return 2;
		}
		return inspect(argv[2], argv[3]);
	}
	return pack_main(argc, argv);
}
