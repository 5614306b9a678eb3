// SPDX-License-Identifier: MIT
/*
 * Unit tests of the boot-time checks of host-supplied data: the memory
 * map, the command line, and the symbol table the backtraces use.
 */
#include <string.h>

#include "svsm/cmdline.h"
#include "svsm/memmap.h"
#include "svsm/symbols.h"
#include "svsm/test.h"

#include "uapi/svsm/igvm.h"
#include "uapi/svsm/launch.h"

#define MiB (1ULL << 20)
#define SVSM_BASE 0x200000ULL
#define SVSM_END (SVSM_BASE + 16 * MiB)

static const struct memmap_span SVSM_REGION = { SVSM_BASE, SVSM_END };

static struct igvm_memory_map_entry raw[80];

static void set_entry(size_t i, uint64_t base, uint64_t size, uint16_t type)
{
	raw[i] = (struct igvm_memory_map_entry){ base >> 12, size >> 12, type,
						 0, 0 };
}

/** A good map: low RAM, RAM from 1 MiB to 256 MiB, then the terminator. */
static void good_map(void)
{
	memset(raw, 0, sizeof(raw));
	set_entry(0, 0, 0xA0000, IGVM_MEMORY_MAP_MEMORY);
	set_entry(1, 0x100000, 255 * MiB, IGVM_MEMORY_MAP_MEMORY);
}

static enum svsm_err parse(struct memmap *m, char *why, size_t n)
{
	return memmap_parse(raw, sizeof(raw), SVSM_REGION, m, why, n);
}

TEST(memmap, good_map_parses)
{
	static struct memmap m;
	char why[128] = "";

	good_map();
	ASSERT_OK(parse(&m, why, sizeof(why)));
	EXPECT_EQ(m.count, 2);
	EXPECT_EQ(m.ram_bytes, 0xA0000 + 255 * MiB);
	EXPECT_EQ(m.ranges[1].base, 0x100000);
}

/** Expects the map in `raw` to be refused with `word` in the reason. */
static void expect_refused(struct test_ctx *t, const char *word)
{
	static struct memmap m;
	char why[128] = "";

	m.count = 777;
	EXPECT_ERR(parse(&m, why, sizeof(why)), SVSM_ERR_INVAL);
	EXPECT_EQ(m.count, 777); /* untouched */
	EXPECT_TRUE(strstr(why, word) != NULL);
	if (!strstr(why, word)) {
		test_diag(t, "reason: %s", why);
	}
}

TEST(memmap, refuses_bad_entries)
{
	good_map();
	raw[1].entry_type = 9;
	expect_refused(t, "entry 1: unknown type");

	good_map();
	raw[0].flags = 1;
	expect_refused(t, "entry 0: non-zero flags");

	good_map();
	raw[1].reserved = 1;
	expect_refused(t, "reserved");

	good_map();
	raw[1].starting_gpa_page_number = MEMMAP_MAX_PFN - 1;
	raw[1].number_of_pages = 2;
	expect_refused(t, "beyond the physical address space");

	good_map();
	raw[1].number_of_pages = UINT64_MAX;
	expect_refused(t, "beyond");
}

TEST(memmap, refuses_overlap_and_disorder)
{
	good_map();
	set_entry(1, 0x90000, 255 * MiB, IGVM_MEMORY_MAP_MEMORY);
	expect_refused(t, "entry 1: unsorted or overlaps");

	good_map();
	set_entry(0, 0x100000, 255 * MiB, IGVM_MEMORY_MAP_MEMORY);
	set_entry(1, 0, 0xA0000, IGVM_MEMORY_MAP_MEMORY);
	expect_refused(t, "unsorted");
}

TEST(memmap, refuses_missing_terminator_empty_and_too_many)
{
	memset(raw, 0, sizeof(raw));
	expect_refused(t, "empty");

	for (size_t i = 0; i < 80; i++) {
		set_entry(i, i * 2 * MiB, MiB, IGVM_MEMORY_MAP_MEMORY);
	}
	expect_refused(t, "too many entries");

	static struct memmap m;
	char why[128] = "";

	good_map();
	/* Only the first entry fits: no terminator inside the area. */
	EXPECT_ERR(memmap_parse(raw, sizeof(raw[0]), SVSM_REGION, &m, why,
				sizeof(why)),
		   SVSM_ERR_INVAL);
	EXPECT_TRUE(strstr(why, "no terminating entry") != NULL);
}

TEST(memmap, refuses_svsm_region_outside_ram)
{
	good_map();
	set_entry(1, 0x100000, 8 * MiB, IGVM_MEMORY_MAP_MEMORY);
	expect_refused(t, "SVSM region");

	good_map();
	raw[1].entry_type = IGVM_MEMORY_MAP_PLATFORM_RESERVED;
	expect_refused(t, "is not RAM");
}

TEST(memmap, svsm_region_may_span_adjacent_ranges)
{
	static struct memmap m;
	char why[128];

	good_map();
	set_entry(1, 0x100000, 4 * MiB, IGVM_MEMORY_MAP_MEMORY);
	set_entry(2, 0x500000, 100 * MiB, IGVM_MEMORY_MAP_MEMORY);
	EXPECT_OK(parse(&m, why, sizeof(why)));
	EXPECT_TRUE(memmap_covers_ram(&m, SVSM_BASE, SVSM_END));
	EXPECT_FALSE(memmap_covers_ram(&m, 0x90000, 0xB0000));
	EXPECT_FALSE(memmap_covers_ram(&m, SVSM_BASE, SVSM_BASE));
}

TEST(cmdline, values)
{
	static char raw_line[CMDLINE_MAX] =
		"console=off  vmtest.suite=cpu flag";
	char v[16];

	ASSERT_OK(cmdline_init(raw_line, sizeof(raw_line)));
	ASSERT_TRUE(cmdline_value("console", v, sizeof(v)));
	EXPECT_STREQ(v, "off");
	ASSERT_TRUE(cmdline_value("vmtest.suite", v, sizeof(v)));
	EXPECT_STREQ(v, "cpu");
	ASSERT_TRUE(cmdline_value("flag", v, sizeof(v)));
	EXPECT_STREQ(v, "");
	EXPECT_FALSE(cmdline_value("vmtest", v, sizeof(v)));
	EXPECT_FALSE(cmdline_value("cons", v, sizeof(v)));
	EXPECT_FALSE(cmdline_value("vmtest.suite", v, 3)); /* too small */
}

TEST(cmdline, refuses_unterminated_and_unprintable)
{
	static char raw_line[CMDLINE_MAX];

	memset(raw_line, 'a', sizeof(raw_line));
	EXPECT_ERR(cmdline_init(raw_line, sizeof(raw_line)), SVSM_ERR_INVAL);
	EXPECT_STREQ(cmdline_get(), "");

	memset(raw_line, 0, sizeof(raw_line));
	memcpy(raw_line, "console=on\x1b[2J", 15);
	EXPECT_ERR(cmdline_init(raw_line, sizeof(raw_line)), SVSM_ERR_INVAL);
	EXPECT_STREQ(cmdline_get(), "");
}

/* A symbol table: header, three entries, strings. */
static struct {
	struct svsm_symtab_header h;
	struct svsm_symtab_entry e[3];
	char str[32];
} symtab;

static void good_symtab(void)
{
	memset(&symtab, 0, sizeof(symtab));
	symtab.h =
		(struct svsm_symtab_header){ SVSM_SYMTAB_MAGIC, 3,
					     offsetof(__typeof__(symtab), str),
					     sizeof(symtab.str) };
	memcpy(symtab.str, "\0alpha\0beta\0gamma", 18);
	symtab.e[0] = (struct svsm_symtab_entry){ 0x1000, 0x20, 1 };
	symtab.e[1] = (struct svsm_symtab_entry){ 0x1040, 0x10, 7 };
	symtab.e[2] = (struct svsm_symtab_entry){ 0x2000, 0, 12 };
}

TEST(symbols, lookup)
{
	struct symbol_hit hit;

	good_symtab();
	ASSERT_OK(symbols_init(&symtab, sizeof(symtab)));
	ASSERT_TRUE(symbols_lookup(0x1004, &hit));
	EXPECT_STREQ(hit.name, "alpha");
	EXPECT_EQ(hit.offset, 4);
	EXPECT_FALSE(symbols_lookup(0x1020, &hit)); /* gap after alpha */
	EXPECT_FALSE(symbols_lookup(0xFFF, &hit));
	ASSERT_TRUE(symbols_lookup(0x104F, &hit));
	EXPECT_STREQ(hit.name, "beta");
	ASSERT_TRUE(symbols_lookup(0x2100, &hit)); /* sizeless label */
	EXPECT_STREQ(hit.name, "gamma");
}

TEST(symbols, refuses_malformed_tables)
{
	good_symtab();
	symtab.h.magic = 0;
	EXPECT_ERR(symbols_init(&symtab, sizeof(symtab)), SVSM_ERR_INVAL);

	good_symtab();
	symtab.h.count = 1000;
	EXPECT_ERR(symbols_init(&symtab, sizeof(symtab)), SVSM_ERR_INVAL);

	good_symtab();
	symtab.e[1].name_offset = 40;
	EXPECT_ERR(symbols_init(&symtab, sizeof(symtab)), SVSM_ERR_INVAL);

	good_symtab();
	symtab.str[31] = 'x';
	symtab.e[2].name_offset = 31; /* runs off the end: no NUL */
	EXPECT_ERR(symbols_init(&symtab, sizeof(symtab)), SVSM_ERR_INVAL);

	good_symtab();
	symtab.e[2].addr = 0x10; /* unsorted */
	EXPECT_ERR(symbols_init(&symtab, sizeof(symtab)), SVSM_ERR_INVAL);

	good_symtab();
	EXPECT_ERR(symbols_init(&symtab, sizeof(symtab.h)), SVSM_ERR_INVAL);
}
