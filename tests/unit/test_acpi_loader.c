// SPDX-License-Identifier: MIT
/*
 * Unit tests of QEMU's table-loader interpreter, the walk from the RSDP
 * to the MADT and the CPU list policy, on files built by acpi_sample.c
 * the way QEMU builds them. Each refusal is checked for its error and
 * for the words of its one-line reason.
 */
#include <stdio.h>
#include <string.h>

#include "svsm/acpi_loader.h"
#include "svsm/test.h"

#include "acpi_sample.h"

#define RSDP_NAME "etc/acpi/rsdp"
#define TABLES_NAME "etc/acpi/tables"

static const uint32_t IDS_4[] = { 0, 1, 2, 3 };
/* QEMU's APIC IDs for -smp 6,sockets=2,cores=3,threads=1. */
static const uint32_t IDS_2X3[] = { 0, 1, 2, 4, 5, 6 };

static struct acpi_sample sample;
static struct acpi_loader_file files[2];
static struct madt_info info;
static char why[160];

/** Builds the default sample: 4 CPUs, an RSDT, QEMU's padding. */
static void build(struct test_ctx *t, const uint32_t *ids, uint32_t n,
		  bool use_xsdt)
{
	struct acpi_sample_opts o = { ids, n, use_xsdt, 8 };

	EXPECT_TRUE(acpi_sample_build(&sample, &o));
	acpi_sample_files(&sample, files);
}

static enum svsm_err run(void)
{
	why[0] = '\0';
	return acpi_loader_run(sample.script, sample.script_size, files, 2, why,
			       sizeof(why));
}

static enum svsm_err run_and_find(void)
{
	enum svsm_err err = run();

	if (err == SVSM_OK) {
		err = acpi_loader_find_madt(files, 2, 0, &info, why,
					    sizeof(why));
	}
	return err;
}

/** Expects run_and_find() to refuse with `word` in the reason. */
static void expect_refused(struct test_ctx *t, const char *word)
{
	EXPECT_ERR(run_and_find(), SVSM_ERR_INVAL);
	EXPECT_TRUE(strstr(why, word) != NULL);
	if (strstr(why, word) == NULL) {
		test_diag(t, "reason: %s", why);
	}
	EXPECT_TRUE(strchr(why, '\n') == NULL);
}

static uint32_t get_u32(const uint8_t *p)
{
	return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) |
	       ((uint32_t)p[3] << 24);
}

static void put_u32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++) {
		p[i] = (uint8_t)(v >> (8 * i));
	}
}

/** The command at `index` of the script. */
static uint8_t *command(uint32_t index)
{
	return sample.script + (size_t)index * ACPI_LOADER_ENTRY_SIZE;
}

TEST(acpi_loader, rsdt_chain_gives_the_madt)
{
	build(t, IDS_4, 4, false);
	ASSERT_OK(run_and_find());
	EXPECT_EQ(files[0].base, ACPI_LOADER_BASE);
	EXPECT_EQ(files[1].base,
		  ACPI_LOADER_BASE + 64); /* 20 bytes, 64-aligned */
	EXPECT_TRUE(files[0].is_allocated && files[1].is_allocated);
	/* The RSDP now holds the RSDT's notional address, summing to 0. */
	EXPECT_EQ(get_u32(sample.rsdp + 16),
		  files[1].base + sample.root_offset);
	EXPECT_TRUE(acpi_checksum_ok(sample.rsdp, 20));
	EXPECT_EQ(get_u32(sample.tables + sample.root_offset + 40),
		  files[1].base + sample.madt_offset);
	EXPECT_TRUE(acpi_checksum_ok(sample.tables + sample.madt_offset,
				     sample.madt_size));
	ASSERT_EQ(info.cpu_count, 4);
	EXPECT_EQ(info.enabled_count, 4);
	for (uint32_t i = 0; i < 4; i++) {
		EXPECT_EQ(info.cpus[i].apic_id, i);
	}
	EXPECT_EQ(info.lapic_address, 0xFEE00000U);
}

TEST(acpi_loader, xsdt_chain_non_sequential_ids)
{
	build(t, IDS_2X3, 6, true);
	ASSERT_OK(run_and_find());
	EXPECT_TRUE(acpi_checksum_ok(sample.rsdp, 36));
	ASSERT_EQ(info.cpu_count, 6);
	for (uint32_t i = 0; i < 6; i++) {
		EXPECT_EQ(info.cpus[i].apic_id, IDS_2X3[i]);
	}
}

TEST(acpi_loader, write_pointer_and_padding_skipped)
{
	build(t, IDS_4, 4, false);
	EXPECT_TRUE(acpi_sample_raw(&sample, ACPI_LOADER_WRITE_POINTER));
	EXPECT_TRUE(acpi_sample_raw(&sample, ACPI_LOADER_PADDING));
	EXPECT_OK(run_and_find());
	EXPECT_EQ(info.cpu_count, 4);
}

TEST(acpi_loader, cpu_list_boot_cpu_first)
{
	static struct acpi_cpu_list l;

	build(t, IDS_2X3, 6, false);
	ASSERT_OK(run_and_find());
	ASSERT_OK(acpi_cpu_list(&info, 6, 0, &l, why, sizeof(why)));
	ASSERT_EQ(l.count, 6);
	for (uint32_t i = 0; i < 6; i++) {
		EXPECT_EQ(l.apic_ids[i], IDS_2X3[i]);
	}
	ASSERT_OK(acpi_cpu_list(&info, 6, 4, &l, why, sizeof(why)));
	EXPECT_EQ(l.apic_ids[0], 4);
	EXPECT_EQ(l.apic_ids[3], 2);
	EXPECT_EQ(l.apic_ids[4], 5);
}

TEST(acpi_loader, cpu_list_refuses_count_mismatch)
{
	static struct acpi_cpu_list l;

	l.count = 77;

	build(t, IDS_4, 4, false);
	ASSERT_OK(run_and_find());
	EXPECT_ERR(acpi_cpu_list(&info, 2, 0, &l, why, sizeof(why)),
		   SVSM_ERR_INVAL);
	EXPECT_STREQ(why, "MADT lists 4 enabled CPUs but the IGVM parameters "
			  "give 2 vCPUs");
	EXPECT_EQ(l.count, 77);
	EXPECT_ERR(acpi_cpu_list(&info, 5, 0, &l, why, sizeof(why)),
		   SVSM_ERR_INVAL);
	EXPECT_TRUE(strstr(why, "MADT lists 4 enabled CPUs") != NULL);
}

TEST(acpi_loader, cpu_list_refuses_missing_boot_cpu)
{
	static struct acpi_cpu_list l;

	l.count = 77;

	build(t, IDS_2X3, 6, false);
	ASSERT_OK(run_and_find());
	EXPECT_ERR(acpi_cpu_list(&info, 6, 3, &l, why, sizeof(why)),
		   SVSM_ERR_INVAL);
	EXPECT_STREQ(why, "MADT does not list the boot CPU (APIC ID 3) as "
			  "enabled");
	EXPECT_EQ(l.count, 77);
}

TEST(acpi_loader, refuses_unknown_file)
{
	build(t, IDS_4, 4, false);
	EXPECT_TRUE(acpi_sample_allocate(&sample, "etc/acpi/nvdimm-mem", 4096,
					 ACPI_LOADER_ZONE_HIGH));
	expect_refused(t, "command 17: unknown file 'etc/acpi/nvdimm-mem'");
	/* Unprintable bytes in the name are not logged as they are. */
	build(t, IDS_4, 4, false);
	memcpy(command(0) + 4, "etc\001x", 6);
	expect_refused(t, "command 0: unknown file 'etc?x'");
}

TEST(acpi_loader, refuses_name_without_nul)
{
	build(t, IDS_4, 4, false);
	memset(command(2) + 4, 'a', ACPI_LOADER_NAME_SIZE);
	expect_refused(t, "command 2: file name not NUL-terminated");
	build(t, IDS_4, 4, false);
	memset(command(4) + 60, 'b', ACPI_LOADER_NAME_SIZE); /* source */
	expect_refused(t, "command 4: file name not NUL-terminated");
}

TEST(acpi_loader, refuses_use_before_allocate)
{
	build(t, IDS_4, 4, false);
	command(1)[0] =
		ACPI_LOADER_WRITE_POINTER; /* drop the tables' ALLOCATE */
	expect_refused(t, "command 2: file 'etc/acpi/tables' used before it "
			  "is allocated");
	/* No ALLOCATE of the RSDP: nothing to start the walk from. */
	build(t, IDS_4, 4, false);
	sample.script_size = 0;
	EXPECT_TRUE(acpi_sample_allocate(&sample, TABLES_NAME, 64,
					 ACPI_LOADER_ZONE_HIGH));
	expect_refused(t, "the RSDP file is not allocated");
}

TEST(acpi_loader, refuses_bad_allocate)
{
	static const uint32_t bad_aligns[] = { 0, 3, 48, 8192 };

	build(t, IDS_4, 4, false);
	EXPECT_TRUE(acpi_sample_allocate(&sample, RSDP_NAME, 16,
					 ACPI_LOADER_ZONE_FSEG));
	expect_refused(t, "command 17: 'etc/acpi/rsdp' allocated twice");
	for (size_t i = 0; i < sizeof(bad_aligns) / sizeof(bad_aligns[0]);
	     i++) {
		char word[64];

		build(t, IDS_4, 4, false);
		put_u32(command(1) + 60, bad_aligns[i]);
		(void)snprintf(word, sizeof(word),
			       "command 1: bad alignment %u", bad_aligns[i]);
		expect_refused(t, word);
	}
	build(t, IDS_4, 4, false);
	command(0)[64] = 3;
	expect_refused(t, "command 0: unknown zone 3 for 'etc/acpi/rsdp'");
	build(t, IDS_4, 4, false);
	files[1].size = 0;
	expect_refused(t, "command 1: 'etc/acpi/tables' is empty");
	/* A file that would reach past 4 GiB. */
	build(t, IDS_4, 4, false);
	files[1].size = (uint32_t)(0x100000000ULL - ACPI_LOADER_BASE);
	expect_refused(t, "command 1: 'etc/acpi/tables' does not fit below "
			  "4 GiB");
}

TEST(acpi_loader, refuses_pointer_outside_file)
{
	build(t, IDS_4, 4, false);
	EXPECT_TRUE(acpi_sample_pointer(&sample, TABLES_NAME, TABLES_NAME,
					sample.tables_size - 3, 4));
	expect_refused(t, "pointer at offset 233 (size 4) outside "
			  "'etc/acpi/tables' (236 bytes)");
	build(t, IDS_4, 4, false);
	EXPECT_TRUE(acpi_sample_pointer(&sample, RSDP_NAME, TABLES_NAME,
					0xFFFFFFFFU, 8));
	expect_refused(t, "pointer at offset 4294967295 (size 8) outside");
}

TEST(acpi_loader, refuses_bad_pointer_size)
{
	static const uint8_t sizes[] = { 0, 3, 5, 16, 255 };

	for (size_t i = 0; i < sizeof(sizes); i++) {
		char word[64];

		build(t, IDS_4, 4, false);
		command(4)[120] = sizes[i];
		(void)snprintf(word, sizeof(word),
			       "command 4: bad pointer size %u", sizes[i]);
		expect_refused(t, word);
	}
}

TEST(acpi_loader, refuses_pointer_value_past_source)
{
	build(t, IDS_4, 4, false);
	put_u32(sample.tables + sample.root_offset + 40, sample.tables_size);
	expect_refused(t, "command 5: pointer value 236 past the end of "
			  "'etc/acpi/tables'");
}

TEST(acpi_loader, refuses_pointer_that_does_not_fit)
{
	build(t, IDS_4, 4, false);
	/* A 2-byte pointer cannot hold an address at 256 MiB. */
	EXPECT_TRUE(acpi_sample_pointer(&sample, TABLES_NAME, TABLES_NAME, 4,
					2)); /* the FACP's length, 40 */
	expect_refused(t, "address 0x10000068 does not fit a 2-byte pointer");
}

TEST(acpi_loader, refuses_checksum_outside_file)
{
	build(t, IDS_4, 4, false);
	EXPECT_TRUE(acpi_sample_checksum(&sample, RSDP_NAME, 20, 0, 20));
	expect_refused(t, "checksum at 20 over [0, +20) outside "
			  "'etc/acpi/rsdp' (20 bytes)");
	build(t, IDS_4, 4, false);
	EXPECT_TRUE(acpi_sample_checksum(&sample, RSDP_NAME, 8, 1, 20));
	expect_refused(t, "checksum at 8 over [1, +20) outside");
	/* start + length wraps around 32 bits. */
	build(t, IDS_4, 4, false);
	EXPECT_TRUE(
		acpi_sample_checksum(&sample, TABLES_NAME, 8, 16, 0xFFFFFFF8U));
	expect_refused(t, "checksum at 8 over [16, +4294967288) outside");
}

TEST(acpi_loader, refuses_too_many_commands)
{
	struct acpi_sample_opts o = { IDS_4, 4, false, 0 };

	ASSERT_TRUE(acpi_sample_build(&sample, &o));
	acpi_sample_files(&sample, files);
	while (sample.script_size <
	       ACPI_LOADER_MAX_COMMANDS * ACPI_LOADER_ENTRY_SIZE) {
		ASSERT_TRUE(acpi_sample_raw(&sample, ACPI_LOADER_PADDING));
	}
	EXPECT_OK(run_and_find()); /* exactly the limit */
	acpi_sample_files(&sample, files);
	ASSERT_TRUE(acpi_sample_raw(&sample, ACPI_LOADER_PADDING));
	expect_refused(t, "table-loader: 257 commands, more than 256");
}

TEST(acpi_loader, refuses_partial_command)
{
	build(t, IDS_4, 4, false);
	sample.script_size -= 1;
	expect_refused(t, "not a whole number of 128-byte commands");
}

TEST(acpi_loader, refuses_unknown_command)
{
	build(t, IDS_4, 4, false);
	EXPECT_TRUE(acpi_sample_raw(&sample, 5));
	expect_refused(t, "command 17: unknown command 5");
}

TEST(acpi_loader, refuses_bad_rsdp)
{
	build(t, IDS_4, 4, false);
	sample.rsdp[0] = 'X';
	expect_refused(t, "RSDP: bad signature");
	/* The checksum command left out. */
	build(t, IDS_4, 4, false);
	command(8)[0] = ACPI_LOADER_PADDING;
	expect_refused(t, "RSDP: bad checksum over the first 20 bytes");
	build(t, IDS_4, 4, true);
	command(9)[0] = ACPI_LOADER_PADDING;
	expect_refused(t, "RSDP: bad extended checksum");
}

TEST(acpi_loader, refuses_root_table_outside_files)
{
	/* Without its ADD_POINTER the RSDP holds an offset, not an address. */
	build(t, IDS_4, 4, false);
	command(7)[0] = ACPI_LOADER_PADDING;
	expect_refused(t,
		       "RSDP: RSDT address 0xc0 is outside the loaded files");
	build(t, IDS_4, 4, true);
	command(7)[0] = ACPI_LOADER_PADDING;
	expect_refused(t, "RSDP: XSDT address 0xc0 is outside");
}

TEST(acpi_loader, refuses_bad_root_table)
{
	build(t, IDS_4, 4, false);
	memcpy(sample.tables + sample.root_offset, "XSDT", 4);
	expect_refused(t, "ACPI RSDT: bad signature 'XSDT'");
	/* A length that leaves half an entry (the checksum is refixed). */
	build(t, IDS_4, 4, false);
	put_u32(sample.tables + sample.root_offset + 4, 42);
	put_u32(command(6) + 68, 42);
	expect_refused(t, "ACPI RSDT: length 42 is not a whole number of "
			  "entries");
	/* An entry left as an offset points outside every file. */
	build(t, IDS_4, 4, false);
	command(4)[0] = ACPI_LOADER_PADDING;
	expect_refused(t, "ACPI RSDT entry 0: address 0x0 is not a table");
}

TEST(acpi_loader, refuses_missing_or_second_madt)
{
	build(t, IDS_4, 4, false);
	memcpy(sample.tables + sample.madt_offset, "APIX", 4);
	expect_refused(t, "ACPI RSDT: no MADT");
	/* Both entries point at the MADT. */
	build(t, IDS_4, 4, false);
	put_u32(sample.tables + sample.root_offset + 36, sample.madt_offset);
	expect_refused(t, "ACPI RSDT entry 1: a second MADT");
}

TEST(acpi_loader, refuses_bad_madt)
{
	/* The MADT's checksum command left out. */
	build(t, IDS_4, 4, false);
	command(3)[0] = ACPI_LOADER_PADDING;
	expect_refused(t, "ACPI APIC: bad checksum");
	/* A CPU entry with a wrong length, checksum fixed by the script. */
	build(t, IDS_4, 4, false);
	sample.tables[sample.madt_offset + 44 + 1] = 7;
	expect_refused(t, "MADT: entry at offset 44: type 0 has length 7");
	/* Two CPUs with one APIC ID. */
	build(t, IDS_4, 4, false);
	sample.tables[sample.madt_offset + 44 + 8 + 3] = 0;
	expect_refused(t, "MADT: duplicate APIC ID 0");
}
