// SPDX-License-Identifier: MIT
/*
 * Unit tests of the RAM FS reader and packer (lib/ramfs). A good archive
 * is packed from a fixed set of files and read back: lookup, stat,
 * iteration, reads at every kind of offset, data alignment, and the
 * private copy that keeps lookups independent of later changes to the
 * archive. Then each rule is broken on its own: the archive is
 * corrupted in one field and, where the rule sits behind the CRC, the
 * CRC is recomputed so that the reader reaches that rule; every refusal
 * must name its reason. Truncation is tried at every length.
 */
#include <stdlib.h>
#include <string.h>

#include "svsm/crc32.h"
#include "svsm/test.h"

#include "ramfs/ramfs.h"
#include "ramfs/ramfs_pack.h"

#define PG ((uint64_t)RAMFS_PAGE_SIZE)
#define META_MAX                       \
	(sizeof(struct ramfs_header) + \
	 (size_t)RAMFS_MAX_ENTRIES * sizeof(struct ramfs_entry))

static uint64_t meta[META_MAX / sizeof(uint64_t) + 1];

/* The good archive's files, in the order given (not sorted). */
static const char HELLO[] = "hello, ram fs\n";
static const char CONF[] = "# init.conf\n";
static uint8_t big[3 * PG + 123];

static struct ramfs_pack_file good_files[] = {
	{ "/etc/init.conf", (const uint8_t *)CONF, sizeof(CONF) - 1, false },
	{ "/bin/init", big, sizeof(big), true },
	{ "/etc/empty", NULL, 0, false },
	{ "/test/hello.txt", (const uint8_t *)HELLO, sizeof(HELLO) - 1, false },
};
#define GOOD_COUNT (sizeof(good_files) / sizeof(good_files[0]))

/** Packs the good archive (`*size` bytes, malloc'd); NULL on failure. */
static uint8_t *pack_good(size_t *size)
{
	uint8_t *a = NULL;
	char why[128];

	for (size_t i = 0; i < sizeof(big); i++) {
		big[i] = (uint8_t)(i * 7U + (i >> 12));
	}
	if (ramfs_pack(good_files, GOOD_COUNT, &a, size, why, sizeof(why)) !=
	    SVSM_OK) {
		return NULL;
	}
	return a;
}

/** Opens `a` into `fs` with the static copy; `why` gets the reason. */
static enum svsm_err open_in(struct ramfs *fs, const uint8_t *a, size_t size,
			     char *why, size_t why_size)
{
	why[0] = '\0';
	return ramfs_open(fs, a, size,
			  (struct ramfs_meta){ meta, sizeof(meta) }, why,
			  why_size);
}

/** Recomputes the CRC of the `size`-byte archive `a` in place. */
static void fix_crc(uint8_t *a, size_t size)
{
	struct ramfs_header h;

	memcpy(&h, a, sizeof(h));
	h.crc32 = 0;
	memcpy(a, &h, sizeof(h));
	h.crc32 = crc32_update(0, a, size);
	memcpy(a, &h, sizeof(h));
}

/** Entry `i` of `a`, by value. */
static struct ramfs_entry entry_of(const uint8_t *a, uint32_t i)
{
	struct ramfs_entry e;

	memcpy(&e, a + sizeof(struct ramfs_header) + i * sizeof(e), sizeof(e));
	return e;
}

static void put_entry(uint8_t *a, uint32_t i, const struct ramfs_entry *e)
{
	memcpy(a + sizeof(struct ramfs_header) + i * sizeof(*e), e, sizeof(*e));
}

/**
 * Expects `a` (`size` bytes) refused with a reason containing `needle`.
 */
static void expect_refused(struct test_ctx *t, const uint8_t *a, size_t size,
			   const char *needle, const char *what)
{
	struct ramfs fs;
	char why[160];
	enum svsm_err err = open_in(&fs, a, size, why, sizeof(why));

	if (err != SVSM_ERR_INVAL || strstr(why, needle) == NULL ||
	    strchr(why, '\n') != NULL) {
		test_diag(t, "%s: got %s, \"%s\", want \"%s\"", what,
			  svsm_err_name(err), why, needle);
		EXPECT_TRUE(false);
	}
}

TEST(ramfs, pack_open_lookup_stat_iterate)
{
	size_t size;
	uint8_t *a = pack_good(&size);
	struct ramfs fs;
	struct ramfs_stat st;
	char why[128];
	const char *sorted[] = { "/bin/init", "/etc/empty", "/etc/init.conf",
				 "/test/hello.txt" };

	ASSERT_TRUE(a != NULL);
	/* Header page, then 4 + 1 + 1 pages of data (the empty file: none). */
	EXPECT_EQ(size, 7 * PG);
	ASSERT_OK(open_in(&fs, a, size, why, sizeof(why)));
	EXPECT_EQ(fs.entry_count, GOOD_COUNT);
	for (uint32_t i = 0; i < GOOD_COUNT; i++) {
		const struct ramfs_entry *e = ramfs_entry_at(&fs, i);

		ASSERT_TRUE(e != NULL);
		EXPECT_STREQ(e->path, sorted[i]);
		EXPECT_TRUE(ramfs_lookup(&fs, sorted[i]) == e);
		EXPECT_EQ(e->data_offset % PG, 0);
	}
	EXPECT_TRUE(ramfs_entry_at(&fs, GOOD_COUNT) == NULL);
	ASSERT_OK(ramfs_stat(&fs, "/bin/init", &st));
	EXPECT_EQ(st.size, sizeof(big));
	EXPECT_EQ(st.mode, RAMFS_MODE_EXEC);
	EXPECT_TRUE(st.is_exec);
	ASSERT_OK(ramfs_stat(&fs, "/etc/init.conf", &st));
	EXPECT_EQ(st.mode, RAMFS_MODE_REG);
	EXPECT_FALSE(st.is_exec);
	EXPECT_ERR(ramfs_stat(&fs, "/etc", &st), SVSM_ERR_NOTFOUND);
	/* Directories, prefixes and malformed keys are not files. */
	EXPECT_TRUE(ramfs_lookup(&fs, "/etc") == NULL);
	EXPECT_TRUE(ramfs_lookup(&fs, "/etc/") == NULL);
	EXPECT_TRUE(ramfs_lookup(&fs, "/etc/init.con") == NULL);
	EXPECT_TRUE(ramfs_lookup(&fs, "/etc/init.conf2") == NULL);
	EXPECT_TRUE(ramfs_lookup(&fs, "") == NULL);
	EXPECT_TRUE(ramfs_lookup(&fs, NULL) == NULL);
	free(a);
}

TEST(ramfs, read_at_offsets_within_bounds)
{
	size_t size;
	size_t n;
	uint8_t *a = pack_good(&size);
	struct ramfs fs;
	static uint8_t buf[2 * PG];
	char why[128];

	ASSERT_TRUE(a != NULL);
	ASSERT_OK(open_in(&fs, a, size, why, sizeof(why)));
	const struct ramfs_entry *e = ramfs_lookup(&fs, "/bin/init");

	ASSERT_TRUE(e != NULL);
	const uint64_t offs[] = {
		0, 1, PG - 1, PG, 2 * PG + 5, sizeof(big) - 9
	};

	for (size_t i = 0; i < sizeof(offs) / sizeof(offs[0]); i++) {
		ASSERT_OK(ramfs_read(&fs, e, offs[i], buf, sizeof(buf), &n));
		size_t want = sizeof(big) - offs[i] < sizeof(buf)
				      ? sizeof(big) - offs[i]
				      : sizeof(buf);

		EXPECT_EQ(n, want);
		EXPECT_MEMEQ(buf, big + offs[i], want);
	}
	/* At and past the end: nothing, and no error. */
	ASSERT_OK(ramfs_read(&fs, e, sizeof(big), buf, 1, &n));
	EXPECT_EQ(n, 0);
	ASSERT_OK(ramfs_read(&fs, e, UINT64_MAX, buf, sizeof(buf), &n));
	EXPECT_EQ(n, 0);
	/* Whole small files; the data pointer is page aligned. */
	e = ramfs_lookup(&fs, "/test/hello.txt");
	ASSERT_TRUE(e != NULL);
	ASSERT_OK(ramfs_read(&fs, e, 0, buf, sizeof(buf), &n));
	EXPECT_EQ(n, sizeof(HELLO) - 1);
	EXPECT_MEMEQ(buf, HELLO, n);
	EXPECT_EQ((uintptr_t)(ramfs_data(&fs, e) - a) % PG, 0);
	e = ramfs_lookup(&fs, "/etc/empty");
	ASSERT_TRUE(e != NULL);
	ASSERT_OK(ramfs_read(&fs, e, 0, buf, sizeof(buf), &n));
	EXPECT_EQ(n, 0);
	EXPECT_TRUE(ramfs_data(&fs, e) == NULL);
	free(a);
}

TEST(ramfs, foreign_entry_refused)
{
	size_t size;
	size_t n = 77;
	uint8_t *a = pack_good(&size);
	struct ramfs fs;
	char why[128];
	uint8_t buf[16];
	struct ramfs_entry fake = { .data_offset = 0, .size = 16 };

	ASSERT_TRUE(a != NULL);
	ASSERT_OK(open_in(&fs, a, size, why, sizeof(why)));
	EXPECT_ERR(ramfs_read(&fs, &fake, 0, buf, sizeof(buf), &n),
		   SVSM_ERR_INVAL);
	EXPECT_EQ(n, 77);
	EXPECT_ERR(ramfs_read(&fs, NULL, 0, buf, sizeof(buf), &n),
		   SVSM_ERR_INVAL);
	/* Not on an entry boundary inside the table. */
	EXPECT_ERR(
		ramfs_read(
			&fs,
			(const struct ramfs_entry
				 *)(const void *)((const uint8_t *)fs.entries +
						  8),
			0, buf, sizeof(buf), &n),
		SVSM_ERR_INVAL);
	EXPECT_TRUE(ramfs_data(&fs, &fake) == NULL);
	free(a);
}

TEST(ramfs, lookups_use_the_private_copy)
{
	size_t size;
	uint8_t *a = pack_good(&size);
	struct ramfs fs;
	char why[128];

	ASSERT_TRUE(a != NULL);
	ASSERT_OK(open_in(&fs, a, size, why, sizeof(why)));
	/* Whatever happens to the archive's table afterwards... */
	memset(a + sizeof(struct ramfs_header), 0xA5,
	       GOOD_COUNT * sizeof(struct ramfs_entry));
	const struct ramfs_entry *e = ramfs_lookup(&fs, "/test/hello.txt");

	/* ...lookups and bounds come from the checked copy. */
	ASSERT_TRUE(e != NULL);
	EXPECT_EQ(e->size, sizeof(HELLO) - 1);
	EXPECT_TRUE((const void *)e < (const void *)a ||
		    (const void *)e >= (const void *)(a + size));
	free(a);
}

TEST(ramfs, empty_archive_is_one_page)
{
	uint8_t *a = NULL;
	size_t size = 0;
	size_t meta_size = 1;
	struct ramfs fs;
	char why[128];

	ASSERT_OK(ramfs_pack(NULL, 0, &a, &size, why, sizeof(why)));
	EXPECT_EQ(size, PG);
	ASSERT_OK(ramfs_meta_size(a, size, &meta_size, why, sizeof(why)));
	EXPECT_EQ(meta_size, sizeof(struct ramfs_header));
	ASSERT_OK(open_in(&fs, a, size, why, sizeof(why)));
	EXPECT_EQ(fs.entry_count, 0);
	EXPECT_TRUE(ramfs_lookup(&fs, "/etc/init.conf") == NULL);
	EXPECT_TRUE(ramfs_entry_at(&fs, 0) == NULL);
	free(a);
}

TEST(ramfs, copy_memory_too_small_refused)
{
	size_t size;
	size_t meta_size = 0;
	uint8_t *a = pack_good(&size);
	struct ramfs fs;
	char why[128] = "";

	ASSERT_TRUE(a != NULL);
	ASSERT_OK(ramfs_meta_size(a, size, &meta_size, why, sizeof(why)));
	EXPECT_EQ(meta_size, sizeof(struct ramfs_header) +
				     GOOD_COUNT * sizeof(struct ramfs_entry));
	EXPECT_ERR(ramfs_open(&fs, a, size,
			      (struct ramfs_meta){ meta, meta_size - 1 }, why,
			      sizeof(why)),
		   SVSM_ERR_INVAL);
	EXPECT_TRUE(strstr(why, "do not fit") != NULL);
	EXPECT_ERR(ramfs_open(&fs, a, size, (struct ramfs_meta){ NULL, 0 }, why,
			      sizeof(why)),
		   SVSM_ERR_INVAL);
	EXPECT_ERR(ramfs_meta_size(a, 63, &meta_size, why, sizeof(why)),
		   SVSM_ERR_INVAL);
	EXPECT_ERR(ramfs_meta_size(NULL, size, &meta_size, why, sizeof(why)),
		   SVSM_ERR_INVAL);
	free(a);
}

/** A header field to break and the reason it must give. */
struct header_case {
	const char *what;
	size_t offset; /**< into struct ramfs_header */
	size_t width;  /**< 4 or 8 bytes */
	uint64_t value;
	const char *needle;
};

TEST(ramfs, header_refusals)
{
	const struct header_case cases[] = {
		{ "magic", 0, 8, 0x0053464D41525344ULL, "bad magic" },
		{ "version 2", 8, 4, 2, "version 2" },
		{ "version 0", 8, 4, 0, "version 0" },
		{ "header size", 12, 4, 72, "header or entry size" },
		{ "total size + 1 page", 16, 8, 8 * PG, "total size" },
		{ "total size - 1 page", 16, 8, 6 * PG, "total size" },
		{ "entry count 5", 24, 4, 5, "entry 4: mode" },
		{ "entry count over the limit", 24, 4, RAMFS_MAX_ENTRIES + 1,
		  "entries, at most" },
		{ "entry size", 28, 4, 120, "header or entry size" },
		{ "entry offset", 32, 8, 128, "entry offset" },
		{ "data offset 0", 40, 8, 0, "data offset" },
		{ "data offset 2 pages", 40, 8, 2 * PG, "data offset" },
		{ "flags", 52, 4, 1, "flags or reserved" },
		{ "reserved", 56, 8, 1, "flags or reserved" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct header_case *c = &cases[i];
		size_t size;
		uint8_t *a = pack_good(&size);

		ASSERT_TRUE(a != NULL);
		memcpy(a + c->offset, &c->value, c->width);
		fix_crc(a, size);
		expect_refused(t, a, size, c->needle, c->what);
		free(a);
	}
}

TEST(ramfs, crc_and_stray_bytes_refused)
{
	size_t size;
	uint8_t *a = pack_good(&size);
	struct ramfs_entry e;

	ASSERT_TRUE(a != NULL);
	/* One bit of file data, of the table and of the CRC field itself. */
	e = entry_of(a, 3);
	a[e.data_offset + 3] ^= 0x10;
	expect_refused(t, a, size, "bad CRC-32", "data bit");
	a[e.data_offset + 3] ^= 0x10;
	a[sizeof(struct ramfs_header) + 2 * sizeof(e) + 1] ^= 0x01;
	expect_refused(t, a, size, "bad CRC-32", "table bit");
	a[sizeof(struct ramfs_header) + 2 * sizeof(e) + 1] ^= 0x01;
	a[48] ^= 0x80;
	expect_refused(t, a, size, "bad CRC-32", "crc field");
	a[48] ^= 0x80;
	/* Non-zero padding, even with a matching CRC. */
	a[PG - 1] = 1;
	fix_crc(a, size);
	expect_refused(t, a, size, "non-zero bytes before", "table padding");
	a[PG - 1] = 0;
	a[e.data_offset + e.size] = 1;
	fix_crc(a, size);
	expect_refused(t, a, size, "non-zero bytes after the last",
		       "tail padding");
	a[e.data_offset + e.size] = 0;
	e = entry_of(a, 0);
	a[e.data_offset + e.size] = 1;
	fix_crc(a, size);
	expect_refused(t, a, size, "non-zero bytes before", "file padding");
	free(a);
}

TEST(ramfs, truncated_or_extended_at_every_length)
{
	const struct ramfs_pack_file f = { "/a", (const uint8_t *)"xyz", 3,
					   false };
	uint8_t *a = NULL;
	size_t size = 0;
	char why[128];
	struct ramfs fs;

	ASSERT_OK(ramfs_pack(&f, 1, &a, &size, why, sizeof(why)));
	ASSERT_EQ(size, 2 * PG);
	for (size_t len = 0; len < size; len++) {
		EXPECT_ERR(open_in(&fs, a, len, why, sizeof(why)),
			   SVSM_ERR_INVAL);
	}
	uint8_t *longer = calloc(1, size + PG);

	if (longer != NULL) {
		memcpy(longer, a, size);
		EXPECT_ERR(open_in(&fs, longer, size + PG, why, sizeof(why)),
			   SVSM_ERR_INVAL);
		EXPECT_TRUE(strstr(why, "total size") != NULL);
		EXPECT_OK(open_in(&fs, longer, size, why, sizeof(why)));
	}
	EXPECT_TRUE(longer != NULL);
	free(longer);
	free(a);
}

/** An entry change and the reason it must give. */
struct entry_case {
	const char *what;
	uint32_t index;
	uint64_t data_offset; /**< UINT64_MAX: keep */
	uint64_t size;	      /**< UINT64_MAX: keep */
	uint32_t mode;	      /**< 0: keep */
	uint32_t reserved;
	const char *needle;
};

TEST(ramfs, entry_data_mode_reserved_refusals)
{
	/* Sorted: 0 /bin/init (pages 1-4), 1 /etc/empty, 2 /etc/init.conf
	 * (page 5), 3 /test/hello.txt (page 6); 7 pages in all. */
	const uint64_t keep = UINT64_MAX;
	const struct entry_case cases[] = {
		{ "unaligned data", 2, 5 * PG + 8, keep, 0, 0, "not 4 KiB" },
		{ "data past the end", 3, 7 * PG, keep, 0, 0, "past the end" },
		{ "size past the end", 3, keep, PG + 1, 0, 0, "past the end" },
		{ "size overflows", 3, keep, UINT64_MAX - 8, 0, 0,
		  "past the end" },
		{ "overlaps the previous file", 2, 4 * PG, keep, 0, 0,
		  "overlaps" },
		{ "overlaps the entry table", 0, 0, keep, 0, 0, "overlaps" },
		{ "data out of entry order", 2, 6 * PG, keep, 0, 0,
		  "non-zero bytes before" },
		{ "empty file with an offset", 1, 5 * PG, keep, 0, 0,
		  "empty file" },
		{ "mode 0100644", 2, keep, keep, 0100644U, 0, "mode" },
		{ "mode directory", 2, keep, keep, 040555U, 0, "mode" },
		{ "reserved", 2, keep, keep, 0, 1, "reserved" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct entry_case *c = &cases[i];
		size_t size;
		uint8_t *a = pack_good(&size);

		ASSERT_TRUE(a != NULL);
		struct ramfs_entry e = entry_of(a, c->index);

		e.data_offset =
			c->data_offset != keep ? c->data_offset : e.data_offset;
		e.size = c->size != keep ? c->size : e.size;
		e.mode = c->mode != 0 ? c->mode : e.mode;
		e.reserved = c->reserved;
		put_entry(a, c->index, &e);
		fix_crc(a, size);
		expect_refused(t, a, size, c->needle, c->what);
		free(a);
	}
}

/** Writes `path` (up to RAMFS_PATH_SIZE bytes, raw) into entry `i`. */
static void set_path(uint8_t *a, uint32_t i, const char *path, size_t len)
{
	struct ramfs_entry e = entry_of(a, i);

	memset(e.path, 0, sizeof(e.path));
	memcpy(e.path, path, len);
	put_entry(a, i, &e);
}

/** A path to put in an entry and the reason it must give. */
struct path_case {
	uint32_t index;
	const char *path;
	const char *needle;
};

TEST(ramfs, entry_path_refusals)
{
	/* Entry 0 is /bin/init, entry 1 /etc/empty, 2 /etc/init.conf. */
	const struct path_case cases[] = {
		{ 0, "bin/init", "not absolute" },
		{ 0, "", "not absolute" },
		{ 0, "/", "empty path component" },
		{ 0, "/bin//init", "empty path component" },
		{ 0, "/bin/init/", "empty path component" },
		{ 0, "/bin/./init", "\".\" or \"..\"" },
		{ 0, "/bin/../init", "\".\" or \"..\"" },
		{ 0, "/.", "\".\" or \"..\"" },
		{ 0, "/..", "\".\" or \"..\"" },
		{ 0, "/bin/in it", "0x20" },
		{ 0, "/bin/in\x7fit", "0x7f" },
		{ 0, "/bin/\x01", "0x01" },
		{ 0, "/bin/\xc3\xa9", "0xc3" },
		{ 0, "/z", "not sorted" },
		{ 1, "/bin/init", "duplicate" },
		{ 2, "/etc/empty", "duplicate" },
		{ 0, "/etc", "parent directory is a file" },
		{ 1, "/etc/init.conf/x", "not sorted" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct path_case *c = &cases[i];
		size_t size;
		uint8_t *a = pack_good(&size);

		ASSERT_TRUE(a != NULL);
		set_path(a, c->index, c->path, strlen(c->path));
		fix_crc(a, size);
		expect_refused(t, a, size, c->needle, c->path);
		free(a);
	}
}

TEST(ramfs, path_field_termination_refused)
{
	size_t size;
	uint8_t *a = pack_good(&size);
	char path[RAMFS_PATH_SIZE];

	ASSERT_TRUE(a != NULL);
	/* 104 bytes and no NUL: not terminated within the field. */
	path[0] = '/';
	memset(path + 1, 'a', sizeof(path) - 1);
	set_path(a, 0, path, sizeof(path));
	fix_crc(a, size);
	expect_refused(t, a, size, "not NUL-terminated", "full field");
	/* The longest path, 103 bytes, is fine as far as the path goes. */
	path[RAMFS_PATH_SIZE - 1] = '\0';
	EXPECT_OK(ramfs_check_path(path, NULL, 0));
	/* Garbage after the NUL. */
	set_path(a, 0, "/bin/init\0x", 11);
	fix_crc(a, size);
	expect_refused(t, a, size, "not zero after its NUL", "garbage");
	free(a);
}

TEST(ramfs, check_path_rules)
{
	char why[96];
	char longest[RAMFS_PATH_SIZE + 1];

	EXPECT_OK(ramfs_check_path("/etc/init.conf", why, sizeof(why)));
	EXPECT_OK(ramfs_check_path("/a", why, sizeof(why)));
	EXPECT_OK(ramfs_check_path("/.hidden/..x/x.", why, sizeof(why)));
	EXPECT_ERR(ramfs_check_path(NULL, why, sizeof(why)), SVSM_ERR_INVAL);
	EXPECT_ERR(ramfs_check_path("", why, sizeof(why)), SVSM_ERR_INVAL);
	EXPECT_ERR(ramfs_check_path("/a\tb", why, sizeof(why)), SVSM_ERR_INVAL);
	longest[0] = '/';
	memset(longest + 1, 'x', RAMFS_PATH_SIZE - 2);
	longest[RAMFS_PATH_SIZE - 1] = '\0';
	EXPECT_OK(ramfs_check_path(longest, why, sizeof(why)));
	longest[RAMFS_PATH_SIZE - 1] = 'x';
	longest[RAMFS_PATH_SIZE] = '\0';
	EXPECT_ERR(ramfs_check_path(longest, why, sizeof(why)), SVSM_ERR_INVAL);
	EXPECT_TRUE(strstr(why, "longer than 103") != NULL);
}

/** Expects ramfs_pack() to refuse `files` with `err` and `needle`. */
static void expect_pack_refused(struct test_ctx *t,
				const struct ramfs_pack_file *files,
				uint32_t count, enum svsm_err want,
				const char *needle)
{
	uint8_t *a = NULL;
	size_t size = 0;
	char why[160] = "";

	EXPECT_ERR(ramfs_pack(files, count, &a, &size, why, sizeof(why)), want);
	EXPECT_TRUE(a == NULL);
	if (strstr(why, needle) == NULL) {
		test_diag(t, "reason \"%s\", want \"%s\"", why, needle);
		EXPECT_TRUE(false);
	}
}

TEST(ramfs, pack_refusals)
{
	const uint8_t d[1] = { 1 };
	const struct ramfs_pack_file bad[] = {
		{ "/ok", d, 1, false },
		{ "rel/path", d, 1, false },
	};
	const struct ramfs_pack_file dup[] = {
		{ "/x", d, 1, false },
		{ "/y", d, 1, false },
		{ "/x", d, 1, true },
	};
	const struct ramfs_pack_file dir[] = {
		{ "/a/b", d, 1, false },
		{ "/a", d, 1, false },
	};
	const struct ramfs_pack_file huge[] = {
		{ "/big", d, RAMFS_MAX_SIZE, false },
	};
	const struct ramfs_pack_file nopath[] = {
		{ NULL, d, 1, false },
	};

	expect_pack_refused(t, bad, 2, SVSM_ERR_INVAL,
			    "rel/path: path is not absolute");
	expect_pack_refused(t, dup, 3, SVSM_ERR_EXISTS, "/x: given twice");
	expect_pack_refused(t, dir, 2, SVSM_ERR_INVAL,
			    "/a/b: a parent directory is a file");
	expect_pack_refused(t, huge, 1, SVSM_ERR_RANGE, "exceed 1 GiB");
	expect_pack_refused(t, nopath, 1, SVSM_ERR_INVAL, "no path");
	expect_pack_refused(t, dup, RAMFS_MAX_ENTRIES + 1, SVSM_ERR_RANGE,
			    "at most 1024");
}

TEST(ramfs, pack_is_deterministic_and_order_free)
{
	struct ramfs_pack_file rev[GOOD_COUNT];
	uint8_t *a;
	uint8_t *b = NULL;
	size_t size;
	size_t size_b = 0;
	char why[128];

	a = pack_good(&size);
	ASSERT_TRUE(a != NULL);
	for (size_t i = 0; i < GOOD_COUNT; i++) {
		rev[i] = good_files[GOOD_COUNT - 1 - i];
	}
	ASSERT_OK(ramfs_pack(rev, GOOD_COUNT, &b, &size_b, why, sizeof(why)));
	EXPECT_EQ(size_b, size);
	EXPECT_MEMEQ(a, b, size);
	free(b);
	free(a);
}
