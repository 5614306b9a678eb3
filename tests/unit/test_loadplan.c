// SPDX-License-Identifier: MIT
/*
 * Unit tests for the load plan of `csvsm run` (tools/csvsm/loadplan.c):
 * the q35 RAM layout and IGVM memory map for several sizes, the ranges a
 * page may not use (reset shim, its low alias, the legacy hole, outside
 * RAM), merging pages into blobs, filling parameter areas, the checks on
 * the native context and its identity map, and filling the shim's
 * context block. Entries are built in memory and applied one by one, as
 * `csvsm run` does after igvm_file_parse(); the "file" is a plain buffer
 * whose data region starts at FILE_DATA.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "svsm/test.h"

#include "loadplan.h"
#include "uapi/svsm/launch.h"

#define PAGE ((size_t)4096)
#define MIB (1024ULL * 1024ULL)
#define GIB (1024ULL * MIB)
#define FILE_PAGES 8U
#define FILE_DATA 0x1000U /* file offsets of the data pages below */
#define OFF_CTX 0x1000U
#define OFF_PML4 0x2000U
#define OFF_PDPT 0x3000U
#define OFF_DATA 0x4000U
#define OFF_PD 0x5000U
#define OFF_PT 0x6000U
#define PML4_GPA 0x100000ULL
#define PDPT_GPA 0x101000ULL
#define PTE(i) ((size_t)(i)*8) /* byte offset of entry i of a table */
#define MASK_NATIVE CSVSM_MASK_NATIVE
#define MASK_SNP CSVSM_MASK_SNP

/** One test's fake file and plan. */
struct fixture {
	uint8_t *data;
	struct igvm_file file;
	struct loadplan plan;
	struct igvm_native_vp_context_x64 ctx;
	char why[256];
};

static void put_u64(uint8_t *p, uint64_t v)
{
	memcpy(p, &v, sizeof(v));
}

static uint64_t get_u64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/**
 * Builds the fake file, a valid long-mode context and an empty plan for a
 * 256 MiB VM with 2 vCPUs and the command line "console=ttyS0".
 */
static void fixture_init(struct fixture *fx)
{
	static struct loadplan_config cfg;
	struct igvm_native_vp_context_x64 *ctx = &fx->ctx;

	cfg = (struct loadplan_config){ .vp_count = 2,
					.cmdline = "console=ttyS0",
					.platform_mask = MASK_NATIVE };

	fx->data = calloc(FILE_PAGES, PAGE);
	if (fx->data == NULL) {
		abort();
	}
	fx->file.data = fx->data;
	fx->file.size = FILE_PAGES * PAGE;
	fx->file.vh_offset = 0;
	fx->file.vh_size = FILE_DATA;
	memset(ctx, 0, sizeof(*ctx));
	ctx->rip = 0x200000;
	ctx->rsp = 0x204000;
	ctx->cr0 = 0x80000011;
	ctx->cr3 = PML4_GPA;
	ctx->cr4 = 0x20;
	ctx->efer = 0xD00;
	ctx->code_selector = SVSM_SEL_CODE64;
	ctx->data_selector = SVSM_SEL_DATA;
	ctx->gdtr_limit = 0x17;
	ctx->gdtr_base = 0xFFFFFFFF80001000ULL;
	ctx->idtr_limit = 0xFFF;
	ctx->idtr_base = 0xFFFFFFFF80002000ULL;
	put_u64(fx->data + OFF_PML4, PDPT_GPA | 0x3);
	put_u64(fx->data + OFF_PDPT + PTE(3), 0xC0000000ULL | 0x83); /* 1 GiB */
	memset(fx->data + OFF_DATA, 0xA5, PAGE);
	loadplan_ram_q35(&cfg.ram, 256 * MIB);
	if (loadplan_init(&fx->plan, &fx->file, &cfg) != SVSM_OK) {
		abort();
	}
}

SET_UP(loadplan)
{
	struct fixture *fx = calloc(1, sizeof(*fx));

	if (fx == NULL) {
		abort();
	}
	fixture_init(fx);
	t->data = fx;
}

TEAR_DOWN(loadplan)
{
	struct fixture *fx = t->data;

	loadplan_destroy(&fx->plan);
	free(fx->data);
	free(fx);
}

static enum svsm_err add(struct fixture *fx, uint32_t type, bool is_optional,
			 const void *payload, uint32_t length)
{
	struct igvm_entry e = { type, is_optional, length, 0x40, payload };

	return loadplan_add_entry(&fx->plan, &e, fx->why, sizeof(fx->why));
}

static enum svsm_err add_page(struct fixture *fx, uint64_t gpa,
			      uint32_t file_offset, uint32_t mask)
{
	struct igvm_page_data pd = { gpa, mask, file_offset, 0, 0, 0 };

	return add(fx, IGVM_VHT_PAGE_DATA, false, &pd, sizeof(pd));
}

static enum svsm_err add_context(struct fixture *fx, uint16_t vp_index)
{
	struct igvm_vp_context vp = { 0, MASK_NATIVE, OFF_CTX, vp_index, 0 };

	memcpy(fx->data + OFF_CTX, &fx->ctx, sizeof(fx->ctx));
	return add(fx, IGVM_VHT_VP_CONTEXT, false, &vp, sizeof(vp));
}

/** Adds the page tables and the context every bootable plan needs. */
static enum svsm_err add_boot(struct fixture *fx)
{
	enum svsm_err err = add_page(fx, PML4_GPA, OFF_PML4, MASK_NATIVE);

	if (err == SVSM_OK) {
		err = add_page(fx, PDPT_GPA, OFF_PDPT, MASK_NATIVE);
	}
	return err == SVSM_OK ? add_context(fx, 0) : err;
}

static enum svsm_err add_area(struct fixture *fx, uint64_t size)
{
	struct igvm_parameter_area a = { size, SVSM_PARAM_AREA_INDEX, 0 };

	return add(fx, IGVM_VHT_PARAMETER_AREA, false, &a, sizeof(a));
}

static enum svsm_err add_param(struct fixture *fx, uint32_t type,
			       uint32_t offset, bool is_optional)
{
	struct igvm_parameter p = { SVSM_PARAM_AREA_INDEX, offset };

	return add(fx, type, is_optional, &p, sizeof(p));
}

static enum svsm_err add_insert(struct fixture *fx, uint64_t gpa)
{
	struct igvm_parameter_insert pi = { gpa, MASK_NATIVE,
					    SVSM_PARAM_AREA_INDEX };

	return add(fx, IGVM_VHT_PARAMETER_INSERT, false, &pi, sizeof(pi));
}

/** Adds the launch.h parameter area (VP count, command line, memory map). */
static enum svsm_err add_launch_params(struct fixture *fx, uint64_t gpa)
{
	enum svsm_err err = add_area(fx, SVSM_PARAM_AREA_SIZE);

	if (err == SVSM_OK) {
		err = add_param(fx, IGVM_VHT_VP_COUNT_PARAMETER,
				SVSM_PARAM_VP_COUNT_OFFSET, false);
	}
	if (err == SVSM_OK) {
		err = add_param(fx, IGVM_VHT_COMMAND_LINE,
				SVSM_PARAM_CMDLINE_OFFSET, false);
	}
	if (err == SVSM_OK) {
		err = add_param(fx, IGVM_VHT_MEMORY_MAP,
				SVSM_PARAM_MEMMAP_OFFSET, false);
	}
	return err == SVSM_OK ? add_insert(fx, gpa) : err;
}

static enum svsm_err finish(struct fixture *fx)
{
	return loadplan_finish(&fx->plan, fx->why, sizeof(fx->why));
}

/** Returns the data of the page loaded at `gpa` (zeros if there is none). */
static const uint8_t *loaded(struct test_ctx *t, const struct fixture *fx,
			     uint64_t gpa)
{
	static const uint8_t none[PAGE];
	const struct loadplan_page *p = loadplan_find_page(&fx->plan, gpa);

	EXPECT_TRUE(p != NULL && p->data != NULL);
	return p != NULL && p->data != NULL ? p->data : none;
}

static bool has_word(const struct fixture *fx, const char *word)
{
	return strstr(fx->why, word) != NULL;
}

static void expect_range(struct test_ctx *t, const struct loadplan_ram *ram,
			 uint32_t i, uint64_t base, uint64_t size)
{
	ASSERT_LE(i + 1, ram->range_count);
	EXPECT_EQ(ram->ranges[i].base, base);
	EXPECT_EQ(ram->ranges[i].size, size);
}

TEST(loadplan, ram_q35_128m_256m)
{
	struct loadplan_ram ram;

	loadplan_ram_q35(&ram, 128 * MIB);
	EXPECT_EQ(ram.range_count, 2);
	expect_range(t, &ram, 0, 0, 0xA0000);
	expect_range(t, &ram, 1, 0x100000, 127 * MIB);
	loadplan_ram_q35(&ram, 256 * MIB);
	EXPECT_EQ(ram.range_count, 2);
	expect_range(t, &ram, 1, 0x100000, 255 * MIB);
}

TEST(loadplan, ram_q35_split_above_2816m)
{
	struct loadplan_ram ram;

	/* Below 0xB0000000 everything stays under 4 GiB. */
	loadplan_ram_q35(&ram, 2815 * MIB);
	EXPECT_EQ(ram.range_count, 2);
	expect_range(t, &ram, 1, 0x100000, 2814 * MIB);
	/* From 0xB0000000 on, q35 keeps 2 GiB low, the rest at 4 GiB. */
	loadplan_ram_q35(&ram, 2816 * MIB);
	EXPECT_EQ(ram.range_count, 3);
	expect_range(t, &ram, 1, 0x100000, 2 * GIB - 0x100000);
	expect_range(t, &ram, 2, 4 * GIB, 768 * MIB);
	loadplan_ram_q35(&ram, 3 * GIB);
	expect_range(t, &ram, 2, 4 * GIB, 1 * GIB);
	loadplan_ram_q35(&ram, 4 * GIB);
	EXPECT_EQ(ram.range_count, 3);
	expect_range(t, &ram, 1, 0x100000, 2 * GIB - 0x100000);
	expect_range(t, &ram, 2, 4 * GIB, 2 * GIB);
}

TEST(loadplan, memory_map_entries)
{
	struct loadplan_ram ram;
	struct igvm_memory_map_entry e[5];

	memset(e, 0xFF, sizeof(e));
	loadplan_ram_q35(&ram, 4 * GIB);
	ASSERT_OK(loadplan_memory_map(&ram, e, sizeof(e)));
	EXPECT_EQ(e[0].starting_gpa_page_number, 0);
	EXPECT_EQ(e[0].number_of_pages, 0xA0);
	EXPECT_EQ(e[1].starting_gpa_page_number, 0x100);
	EXPECT_EQ(e[1].number_of_pages, 0x80000 - 0x100);
	EXPECT_EQ(e[2].starting_gpa_page_number, 0x100000);
	EXPECT_EQ(e[2].number_of_pages, 0x80000);
	for (int i = 0; i < 3; i++) {
		EXPECT_EQ(e[i].entry_type, IGVM_MEMORY_MAP_MEMORY);
		EXPECT_EQ(e[i].flags, 0);
		EXPECT_EQ(e[i].reserved, 0);
	}
	EXPECT_EQ(e[3].starting_gpa_page_number, 0);
	EXPECT_EQ(e[3].number_of_pages, 0);
	EXPECT_EQ(e[3].entry_type, 0);
	/* Three entries and the terminator need 96 bytes. */
	EXPECT_ERR(loadplan_memory_map(&ram, e, 95), SVSM_ERR_RANGE);
	loadplan_ram_q35(&ram, 128 * MIB);
	EXPECT_OK(loadplan_memory_map(&ram, e, 72));
	EXPECT_EQ(e[1].number_of_pages, 0x8000 - 0x100);
	EXPECT_EQ(e[2].number_of_pages, 0);
}

TEST(loadplan, check_range_rules)
{
	struct loadplan_ram ram;
	char why[256];

	loadplan_ram_q35(&ram, 256 * MIB);
	EXPECT_OK(loadplan_check_range(&ram, 0, PAGE, why, sizeof(why)));
	EXPECT_OK(loadplan_check_range(&ram, 0x9F000, PAGE, why, sizeof(why)));
	EXPECT_OK(loadplan_check_range(&ram, 0x100000, 255 * MIB, why,
				       sizeof(why)));
	EXPECT_ERR(
		loadplan_check_range(&ram, 0x9F000, 2 * PAGE, why, sizeof(why)),
		SVSM_ERR_RANGE);
	EXPECT_TRUE(strstr(why, "legacy hole") != NULL);
	EXPECT_ERR(loadplan_check_range(&ram, 0xC0000, PAGE, why, sizeof(why)),
		   SVSM_ERR_RANGE);
	EXPECT_ERR(loadplan_check_range(&ram, 0xE0000, PAGE, why, sizeof(why)),
		   SVSM_ERR_RANGE);
	EXPECT_TRUE(strstr(why, "reset shim") != NULL);
	EXPECT_ERR(loadplan_check_range(&ram, 4 * GIB - PAGE, PAGE, why,
					sizeof(why)),
		   SVSM_ERR_RANGE);
	EXPECT_TRUE(strstr(why, "reset shim") != NULL);
	EXPECT_ERR(loadplan_check_range(&ram, 256 * MIB - PAGE, 2 * PAGE, why,
					sizeof(why)),
		   SVSM_ERR_RANGE);
	EXPECT_TRUE(strstr(why, "outside the RAM") != NULL);
	EXPECT_ERR(loadplan_check_range(&ram, ~0ULL - PAGE + 2, PAGE, why,
					sizeof(why)),
		   SVSM_ERR_RANGE);
	loadplan_ram_q35(&ram, 4 * GIB);
	EXPECT_OK(loadplan_check_range(&ram, 4 * GIB, PAGE, why, sizeof(why)));
	EXPECT_ERR(loadplan_check_range(&ram, 2 * GIB, PAGE, why, sizeof(why)),
		   SVSM_ERR_RANGE);
}

TEST(loadplan, blobs_merge_contiguous_pages)
{
	struct fixture *fx = t->data;
	static const uint64_t gpas[] = { 0x302000, 0x300000, 0x402000,
					 0x301000, 0x400000, 0x9F000 };

	ASSERT_OK(add_boot(fx));
	for (size_t i = 0; i < sizeof(gpas) / sizeof(gpas[0]); i++) {
		ASSERT_OK(add_page(fx, gpas[i], i % 2 ? 0 : OFF_DATA,
				   MASK_NATIVE));
	}
	ASSERT_OK(finish(fx));
	ASSERT_EQ(fx->plan.page_count, 8);
	ASSERT_EQ(fx->plan.blob_count, 5);
	EXPECT_EQ(fx->plan.blobs[0].gpa, 0x9F000);
	EXPECT_EQ(fx->plan.blobs[0].page_count, 1);
	EXPECT_EQ(fx->plan.blobs[1].gpa, PML4_GPA);
	EXPECT_EQ(fx->plan.blobs[1].page_count, 2);
	EXPECT_EQ(fx->plan.blobs[2].gpa, 0x300000);
	EXPECT_EQ(fx->plan.blobs[2].page_count, 3);
	EXPECT_EQ(fx->plan.blobs[2].first_page, 3);
	EXPECT_EQ(fx->plan.blobs[3].gpa, 0x400000);
	EXPECT_EQ(fx->plan.blobs[4].gpa, 0x402000);
	/* Data pages point into the file, zero pages have no data. */
	EXPECT_TRUE(fx->plan.pages[3].data == NULL);
	EXPECT_TRUE(fx->plan.pages[5].data == fx->data + OFF_DATA);
	EXPECT_TRUE(loadplan_find_page(&fx->plan, 0x301000) ==
		    &fx->plan.pages[4]);
	EXPECT_TRUE(loadplan_find_page(&fx->plan, 0x303000) == NULL);
}

TEST(loadplan, refuses_page_in_vga_hole)
{
	struct fixture *fx = t->data;

	ASSERT_OK(add_boot(fx));
	ASSERT_OK(add_page(fx, 0xA0000, 0, MASK_NATIVE));
	EXPECT_ERR(finish(fx), SVSM_ERR_RANGE);
	EXPECT_TRUE(has_word(fx, "legacy hole"));
}

TEST(loadplan, refuses_pages_over_the_shim)
{
	struct fixture *fx = t->data;

	ASSERT_OK(add_boot(fx));
	ASSERT_OK(add_page(fx, SHIM_BASE + 0x1000, OFF_DATA, MASK_NATIVE));
	EXPECT_ERR(finish(fx), SVSM_ERR_RANGE);
	EXPECT_TRUE(has_word(fx, "reset shim"));
}

TEST(loadplan, refuses_page_over_the_shim_alias)
{
	struct fixture *fx = t->data;

	ASSERT_OK(add_boot(fx));
	ASSERT_OK(add_page(fx, 0xFF000, 0, MASK_NATIVE));
	EXPECT_ERR(finish(fx), SVSM_ERR_RANGE);
	EXPECT_TRUE(has_word(fx, "reset shim"));
}

TEST(loadplan, refuses_page_outside_ram)
{
	struct fixture *fx = t->data;

	ASSERT_OK(add_boot(fx));
	ASSERT_OK(add_page(fx, 256 * MIB, 0, MASK_NATIVE));
	EXPECT_ERR(finish(fx), SVSM_ERR_RANGE);
	EXPECT_TRUE(has_word(fx, "outside the RAM"));
	EXPECT_TRUE(has_word(fx, "0x10000000"));
}

TEST(loadplan, refuses_overlapping_pages)
{
	struct fixture *fx = t->data;

	ASSERT_OK(add_boot(fx));
	ASSERT_OK(add_launch_params(fx, 0x210000));
	ASSERT_OK(add_page(fx, 0x211000, OFF_DATA, MASK_NATIVE));
	EXPECT_ERR(finish(fx), SVSM_ERR_INVAL);
	EXPECT_TRUE(has_word(fx, "two pages at GPA 0x211000"));
}

TEST(loadplan, skips_other_platforms)
{
	struct fixture *fx = t->data;

	ASSERT_OK(add_boot(fx));
	/* An SNP-only page in the VGA hole is not the native plan's. */
	ASSERT_OK(add_page(fx, 0xA0000, OFF_DATA, MASK_SNP));
	ASSERT_OK(add_page(fx, 0x300000, OFF_DATA, MASK_SNP | MASK_NATIVE));
	ASSERT_OK(finish(fx));
	EXPECT_EQ(fx->plan.page_count, 3);
}

TEST(loadplan, fills_parameters)
{
	struct fixture *fx = t->data;
	const uint8_t *p;
	struct igvm_memory_map_entry e[3];
	uint32_t vp_count;

	ASSERT_OK(add_boot(fx));
	ASSERT_OK(add_launch_params(fx, 0x210000));
	ASSERT_OK(finish(fx));
	EXPECT_EQ(fx->plan.page_count, 5);
	p = loaded(t, fx, 0x210000);
	memcpy(&vp_count, p + SVSM_PARAM_VP_COUNT_OFFSET, 4);
	EXPECT_EQ(vp_count, 2);
	EXPECT_STREQ((const char *)p + SVSM_PARAM_CMDLINE_OFFSET,
		     "console=ttyS0");
	memcpy(e, loaded(t, fx, 0x211000), sizeof(e));
	EXPECT_EQ(e[1].starting_gpa_page_number, 0x100);
	EXPECT_EQ(e[1].number_of_pages, 0x10000 - 0x100);
	EXPECT_EQ(e[2].number_of_pages, 0);
	ASSERT_TRUE(loadplan_find_page(&fx->plan, 0x212000) != NULL);
	EXPECT_EQ(fx->plan.blob_count, 2);
}

TEST(loadplan, command_line_too_long)
{
	struct fixture *fx = t->data;
	static char line[SVSM_PARAM_CMDLINE_SIZE + 1];

	/* The area before the memory map holds 0xF00 bytes with the NUL. */
	memset(line, 'x', SVSM_PARAM_CMDLINE_SIZE);
	line[SVSM_PARAM_CMDLINE_SIZE] = '\0';
	fx->plan.cfg.cmdline = line;
	EXPECT_ERR(add_launch_params(fx, 0x210000), SVSM_ERR_RANGE);
	EXPECT_TRUE(has_word(fx, "command line too long"));
}

TEST(loadplan, command_line_fills_its_area)
{
	struct fixture *fx = t->data;
	static char line[SVSM_PARAM_CMDLINE_SIZE];

	memset(line, 'y', SVSM_PARAM_CMDLINE_SIZE - 1);
	line[SVSM_PARAM_CMDLINE_SIZE - 1] = '\0';
	fx->plan.cfg.cmdline = line;
	ASSERT_OK(add_boot(fx));
	ASSERT_OK(add_launch_params(fx, 0x210000));
	ASSERT_OK(finish(fx));
	EXPECT_EQ(strlen((const char *)loaded(t, fx, 0x210000) +
			 SVSM_PARAM_CMDLINE_OFFSET),
		  SVSM_PARAM_CMDLINE_SIZE - 1);
	/* The memory map right after it is intact. */
	EXPECT_EQ(get_u64(loaded(t, fx, 0x211000) + 8), 0xA0);
}

TEST(loadplan, parameter_must_fit)
{
	struct fixture *fx = t->data;

	ASSERT_OK(add_area(fx, PAGE));
	ASSERT_OK(add_param(fx, IGVM_VHT_VP_COUNT_PARAMETER, PAGE - 2, false));
	EXPECT_ERR(add_insert(fx, 0x210000), SVSM_ERR_RANGE);
	EXPECT_TRUE(has_word(fx, "does not fit"));
}

TEST(loadplan, unsupported_parameters)
{
	struct fixture *fx = t->data;

	ASSERT_OK(add_area(fx, PAGE));
	EXPECT_ERR(add_param(fx, IGVM_VHT_MADT, 0, false),
		   SVSM_ERR_UNSUPPORTED);
	EXPECT_TRUE(has_word(fx, "MADT"));
	/* Optional: left as zeros. */
	EXPECT_OK(add_param(fx, IGVM_VHT_MADT, 0, true));
	EXPECT_OK(add_insert(fx, 0x210000));
}

TEST(loadplan, needs_a_context_for_vcpu_0)
{
	struct fixture *fx = t->data;

	ASSERT_OK(add_page(fx, PML4_GPA, OFF_PML4, MASK_NATIVE));
	EXPECT_ERR(finish(fx), SVSM_ERR_INVAL);
	EXPECT_TRUE(has_word(fx, "no VP context"));
	EXPECT_ERR(add_context(fx, 1), SVSM_ERR_UNSUPPORTED);
	EXPECT_OK(add_context(fx, 0));
	EXPECT_ERR(add_context(fx, 0), SVSM_ERR_UNSUPPORTED);
}

TEST(loadplan, needs_the_identity_map)
{
	struct fixture *fx = t->data;

	put_u64(fx->data + OFF_PDPT + PTE(3), 0);
	ASSERT_OK(add_boot(fx));
	EXPECT_ERR(finish(fx), SVSM_ERR_INVAL);
	EXPECT_TRUE(has_word(fx, "identity-map"));
}

TEST(loadplan, identity_map_must_be_executable)
{
	struct fixture *fx = t->data;

	put_u64(fx->data + OFF_PDPT + PTE(3),
		0xC0000000ULL | 0x83 | (1ULL << 63));
	ASSERT_OK(add_boot(fx));
	EXPECT_ERR(finish(fx), SVSM_ERR_INVAL);
}

TEST(loadplan, identity_map_through_4k_pages)
{
	struct fixture *fx = t->data;
	uint8_t *pd = fx->data + OFF_PD;
	uint8_t *pt = fx->data + OFF_PT;

	/* PDPT[3] -> PD; PD[511] -> PT; PT[496..511] -> the shim. */
	put_u64(fx->data + OFF_PDPT + PTE(3), 0x103000 | 0x3);
	put_u64(pd + PTE(511), 0x104000 | 0x3);
	for (uint64_t i = 496; i < 512; i++) {
		put_u64(pt + PTE(i), (0xFFE00000ULL + i * PAGE) | 0x3);
	}
	ASSERT_OK(add_boot(fx));
	ASSERT_OK(add_page(fx, 0x103000, OFF_PD, MASK_NATIVE));
	ASSERT_OK(add_page(fx, 0x104000, OFF_PT, MASK_NATIVE));
	EXPECT_OK(finish(fx));
}

TEST(loadplan, context_rules)
{
	struct igvm_native_vp_context_x64 ctx;
	struct fixture *fx = t->data;
	char why[256];

	ctx = fx->ctx;
	EXPECT_OK(loadplan_check_context(&ctx, why, sizeof(why)));
	ctx.cr0 &= ~(1ULL << 31);
	EXPECT_ERR(loadplan_check_context(&ctx, why, sizeof(why)),
		   SVSM_ERR_UNSUPPORTED);
	ctx = fx->ctx;
	ctx.efer = 0;
	EXPECT_ERR(loadplan_check_context(&ctx, why, sizeof(why)),
		   SVSM_ERR_UNSUPPORTED);
	ctx = fx->ctx;
	ctx.cr3 = 0x100000000ULL;
	EXPECT_ERR(loadplan_check_context(&ctx, why, sizeof(why)),
		   SVSM_ERR_UNSUPPORTED);
	ctx = fx->ctx;
	ctx.code_selector = 0x10;
	EXPECT_ERR(loadplan_check_context(&ctx, why, sizeof(why)),
		   SVSM_ERR_UNSUPPORTED);
	ctx = fx->ctx;
	ctx.rip = 0x0000800000000000ULL;
	EXPECT_ERR(loadplan_check_context(&ctx, why, sizeof(why)),
		   SVSM_ERR_INVAL);
	ctx.cr4 |= 1ULL << 12; /* LA57: 57-bit addresses are canonical */
	EXPECT_OK(loadplan_check_context(&ctx, why, sizeof(why)));
}

TEST(loadplan, fill_shim_context_block)
{
	struct fixture *fx = t->data;
	static uint8_t shim[SHIM_SIZE];
	const uint32_t hdr[4] = { SHIM_MAGIC_LO, SHIM_MAGIC_HI, SHIM_CTX_OFFSET,
				  SHIM_CTX_SIZE };
	const uint8_t *blk;
	uint16_t limit;

	blk = shim + SHIM_CTX_OFFSET;
	EXPECT_ERR(loadplan_fill_shim(shim, SHIM_SIZE, &fx->ctx),
		   SVSM_ERR_INVAL);
	memcpy(shim, hdr, sizeof(hdr));
	EXPECT_ERR(loadplan_fill_shim(shim, SHIM_SIZE - 1, &fx->ctx),
		   SVSM_ERR_INVAL);
	memset(shim + SHIM_CTX_OFFSET, 0xEE, SHIM_CTX_SIZE);
	EXPECT_OK(loadplan_fill_shim(shim, SHIM_SIZE, &fx->ctx));
	EXPECT_MEMEQ(blk, &fx->ctx, sizeof(fx->ctx));
	EXPECT_EQ(get_u64(blk + SHIM_CTX_RIP), 0x200000);
	EXPECT_EQ(get_u64(blk + SHIM_CTX_CR3), PML4_GPA);
	memcpy(&limit, blk + SHIM_CTX_GDTR, 2);
	EXPECT_EQ(limit, 0x17);
	EXPECT_EQ(get_u64(blk + SHIM_CTX_GDTR + 2), 0xFFFFFFFF80001000ULL);
	memcpy(&limit, blk + SHIM_CTX_IDTR, 2);
	EXPECT_EQ(limit, 0xFFF);
	EXPECT_EQ(get_u64(blk + SHIM_CTX_IDTR + 2), 0xFFFFFFFF80002000ULL);
	EXPECT_EQ(blk[SHIM_CTX_HAS_GDTR], 1);
	EXPECT_EQ(blk[SHIM_CTX_SIZE - 1], 0);
}

TEST(loadplan, memmap_override_parses_as_given)
{
	static struct loadplan_config cfg;

	ASSERT_TRUE(loadplan_parse_memmap_override(
		&cfg, "0x100000:0x10:2,0:0xA0,0x200000:16"));
	ASSERT_EQ(cfg.memmap_override_count, 3);
	EXPECT_EQ(cfg.memmap_override[0].starting_gpa_page_number, 0x100);
	EXPECT_EQ(cfg.memmap_override[0].number_of_pages, 0x10);
	EXPECT_EQ(cfg.memmap_override[0].entry_type, 2);
	/* Kept unsorted: the point is to hand the guest what it must refuse. */
	EXPECT_EQ(cfg.memmap_override[1].starting_gpa_page_number, 0);
	EXPECT_EQ(cfg.memmap_override[1].entry_type, IGVM_MEMORY_MAP_MEMORY);
	EXPECT_EQ(cfg.memmap_override[2].number_of_pages, 16);
}

TEST(loadplan, memmap_override_refuses_malformed_lists)
{
	static struct loadplan_config cfg;
	static char many[64 * 8 + 16];

	EXPECT_FALSE(loadplan_parse_memmap_override(&cfg, ""));
	EXPECT_FALSE(loadplan_parse_memmap_override(&cfg, "0x1000"));
	EXPECT_FALSE(loadplan_parse_memmap_override(&cfg, "0:1:2:3"));
	EXPECT_FALSE(loadplan_parse_memmap_override(&cfg, "0:1,"));
	EXPECT_FALSE(loadplan_parse_memmap_override(&cfg, "0:x"));
	EXPECT_FALSE(loadplan_parse_memmap_override(&cfg, "0:1:70000"));
	EXPECT_EQ(cfg.memmap_override_count, 0);
	/* One entry more than LOADPLAN_MEMMAP_OVERRIDE_MAX. */
	size_t len = 0;

	for (int i = 0; i < 65; i++) {
		int n = snprintf(many + len, sizeof(many) - len, "%s",
				 i ? ",0:1" : "0:1");

		ASSERT_TRUE(n > 0 && (size_t)n < sizeof(many) - len);
		len += (size_t)n;
	}
	EXPECT_FALSE(loadplan_parse_memmap_override(&cfg, many));
}
