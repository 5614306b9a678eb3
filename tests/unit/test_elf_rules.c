// SPDX-License-Identifier: MIT
/*
 * Unit tests of the ELF load plan (lib/elf/elf_load.c) on the hand-made
 * sample of elf_sample.c: every rule of the loader broken one at a time
 * by patching fields (each refusal must give the right error, a one-line
 * reason naming the problem and leave the output untouched), the accepted
 * variations, the limits, placing a PIE and copying segments.
 */
#include <string.h>

#include "svsm/elf_load.h"
#include "svsm/test.h"

#include "elf_check.h"
#include "elf_sample.h"

#define MIB (1024ULL * 1024ULL)
#define EXEC_BASE ELF_SAMPLE_EXEC_BASE

enum edit_kind {
	EDIT_END = 0,
	EDIT_IDENT, /**< e_ident byte `off` */
	EDIT_EH16,  /**< ELF header field at `off` */
	EDIT_EH64,
	EDIT_PH32, /**< field at `off` of program header `ph` */
	EDIT_PH64,
};

/** One field to patch in the sample. */
struct edit {
	enum edit_kind kind;
	uint32_t ph;
	uint32_t off;
	uint64_t val;
};

/* The fields of one `struct edit`, for brace initialisers. */
#define IDENT(i, v) EDIT_IDENT, 0, i, v
#define EH16(f, v) EDIT_EH16, 0, ELF_SAMPLE_EH_##f, v
#define EH64(f, v) EDIT_EH64, 0, ELF_SAMPLE_EH_##f, v
#define PH32(p, f, v) EDIT_PH32, ELF_SAMPLE_##p, ELF_SAMPLE_PH_##f, v
#define PH64(p, f, v) EDIT_PH64, ELF_SAMPLE_##p, ELF_SAMPLE_PH_##f, v

/** A broken sample: the patches, the error and a part of the reason. */
struct refusal {
	const char *name;
	struct edit edits[4];
	enum svsm_err err;
	const char *why;
};

static void apply(uint8_t *img, const struct edit edits[4])
{
	for (uint32_t i = 0; i < 4 && edits[i].kind != EDIT_END; i++) {
		const struct edit *e = &edits[i];
		uint8_t *ph =
			img + elf_sample_ph_offset((enum elf_sample_ph)e->ph);

		switch (e->kind) {
		case EDIT_IDENT:
			img[e->off] = (uint8_t)e->val;
			break;
		case EDIT_EH16:
			elf_sample_put16(img + e->off, (uint16_t)e->val);
			break;
		case EDIT_EH64:
			elf_sample_put64(img + e->off, e->val);
			break;
		case EDIT_PH32:
			elf_sample_put32(ph + e->off, (uint32_t)e->val);
			break;
		case EDIT_PH64:
			elf_sample_put64(ph + e->off, e->val);
			break;
		case EDIT_END:
			break;
		}
	}
}

/** Runs a table of broken samples (ET_EXEC, or ET_DYN with `is_pie`). */
static void run_refusals(struct test_ctx *t, const struct refusal *cases,
			 size_t count, bool is_pie)
{
	uint8_t img[ELF_SAMPLE_SIZE];

	elf_sample_build(img, is_pie);
	ASSERT_TRUE(elf_expect_verdict(t, img, sizeof(img), &ELF_TEST_LIM,
				       SVSM_OK, ""));
	for (size_t i = 0; i < count; i++) {
		elf_sample_build(img, is_pie);
		apply(img, cases[i].edits);
		if (!elf_expect_verdict(t, img, sizeof(img), &ELF_TEST_LIM,
					cases[i].err, cases[i].why)) {
			test_diag(t, "case: %s", cases[i].name);
		}
	}
}

static const struct refusal HEADER_CASES[] = {
	{ "magic", { { IDENT(1, 'X') } }, SVSM_ERR_INVAL, "not an ELF file" },
	{ "class 32",
	  { { IDENT(4, 1) } },
	  SVSM_ERR_UNSUPPORTED,
	  "ELF class 1 is not ELFCLASS64" },
	{ "big-endian",
	  { { IDENT(5, 2) } },
	  SVSM_ERR_UNSUPPORTED,
	  "data encoding 2 is not ELFDATA2LSB" },
	{ "ident version",
	  { { IDENT(6, 0) } },
	  SVSM_ERR_INVAL,
	  "e_ident version 0 is not EV_CURRENT" },
	{ "OS ABI FreeBSD",
	  { { IDENT(7, 9) } },
	  SVSM_ERR_UNSUPPORTED,
	  "OS ABI 9 is neither System V nor GNU/Linux" },
	{ "ET_REL",
	  { { EH16(TYPE, 1) } },
	  SVSM_ERR_UNSUPPORTED,
	  "ELF type 1 is neither ET_EXEC nor ET_DYN" },
	{ "ET_CORE",
	  { { EH16(TYPE, 4) } },
	  SVSM_ERR_UNSUPPORTED,
	  "ELF type 4 is neither" },
	{ "i386",
	  { { EH16(MACHINE, 3) } },
	  SVSM_ERR_UNSUPPORTED,
	  "machine 3 is not EM_X86_64" },
	{ "e_version",
	  { { EH16(VERSION, 2) } },
	  SVSM_ERR_INVAL,
	  "ELF version 2 is not EV_CURRENT" },
	{ "e_ehsize",
	  { { EH16(EHSIZE, 52) } },
	  SVSM_ERR_INVAL,
	  "ELF header size 52 is not 64" },
	{ "e_phentsize",
	  { { EH16(PHENTSIZE, 32) } },
	  SVSM_ERR_INVAL,
	  "program header size 32 is not 56" },
	{ "no program headers",
	  { { EH16(PHNUM, 0) } },
	  SVSM_ERR_INVAL,
	  "0 program headers: 1 to 64" },
	{ "65 program headers",
	  { { EH16(PHNUM, 65) } },
	  SVSM_ERR_INVAL,
	  "65 program headers: 1 to 64" },
	{ "PN_XNUM program headers",
	  { { EH16(PHNUM, 0xffff) } },
	  SVSM_ERR_INVAL,
	  "65535 program headers" },
	{ "e_phoff misaligned",
	  { { EH64(PHOFF, 0x44) } },
	  SVSM_ERR_INVAL,
	  "program headers at offset 0x44 are not 8-byte aligned" },
	{ "e_phoff past the end",
	  { { EH64(PHOFF, ELF_SAMPLE_SIZE - 8) } },
	  SVSM_ERR_INVAL,
	  "are outside the file (0x280 bytes)" },
	{ "e_phoff wraps",
	  { { EH64(PHOFF, 0xfffffffffffffff8ULL) } },
	  SVSM_ERR_INVAL,
	  "are outside the file" },
};

TEST(elf_load, header_rules)
{
	run_refusals(t, HEADER_CASES,
		     sizeof(HEADER_CASES) / sizeof(HEADER_CASES[0]), false);
}

static const struct refusal LOAD_CASES[] = {
	{ "p_filesz > p_memsz",
	  { { PH64(TEXT, FILESZ, 0x41) } },
	  SVSM_ERR_INVAL,
	  "PT_LOAD 2: file size 0x41 is larger than its memory size 0x40" },
	{ "file bytes past the end",
	  { { PH64(DATA, FILESZ, 0x41) }, { PH64(DATA, MEMSZ, 0x41) } },
	  SVSM_ERR_INVAL,
	  "PT_LOAD 3: file bytes [0x240, +0x41) are outside the file" },
	{ "p_offset + p_filesz wraps",
	  { { PH64(DATA, OFFSET, 0xfffffffffffff240ULL) },
	    { PH64(DATA, FILESZ, 0x1000) } },
	  SVSM_ERR_INVAL,
	  "PT_LOAD 3: file bytes [0xfffffffffffff240, +0x1000) are outside" },
	{ "p_offset past the end",
	  { { PH64(TEXT, OFFSET, 0x1200) } },
	  SVSM_ERR_INVAL,
	  "PT_LOAD 2: file bytes [0x1200, +0x40) are outside the file" },
	{ "p_align 0",
	  { { PH64(TEXT, ALIGN, 0) } },
	  SVSM_ERR_INVAL,
	  "PT_LOAD 2: alignment 0x0 is not a power of two of at least 0x1000" },
	{ "p_align 1",
	  { { PH64(TEXT, ALIGN, 1) } },
	  SVSM_ERR_INVAL,
	  "alignment 0x1 is not a power of two" },
	{ "p_align 2 KiB",
	  { { PH64(TEXT, ALIGN, 0x800) } },
	  SVSM_ERR_INVAL,
	  "alignment 0x800 is not" },
	{ "p_align not a power of two",
	  { { PH64(TEXT, ALIGN, 0x3000) } },
	  SVSM_ERR_INVAL,
	  "alignment 0x3000 is not" },
	{ "p_vaddr and p_offset not congruent",
	  { { PH64(TEXT, VADDR, EXEC_BASE + 0x1300) } },
	  SVSM_ERR_INVAL,
	  "PT_LOAD 2: address 0x401300 and offset 0x200 differ modulo the "
	  "alignment 0x1000" },
	{ "writable and executable",
	  { { PH32(TEXT, FLAGS, PF_R | PF_W | PF_X) } },
	  SVSM_ERR_PERM,
	  "PT_LOAD 2 at 0x401200 is writable and executable" },
	{ "write+exec without read",
	  { { PH32(DATA, FLAGS, PF_W | PF_X) } },
	  SVSM_ERR_PERM,
	  "PT_LOAD 3 at 0x402240 is writable and executable" },
	{ "p_vaddr in the kernel half",
	  { { PH64(DATA, VADDR, 0xffff800000002240ULL) } },
	  SVSM_ERR_RANGE,
	  "PT_LOAD 3: [0xffff800000002240, +0x3000) is not below "
	  "0x800000000000" },
	{ "p_vaddr + p_memsz wraps",
	  { { PH64(DATA, MEMSZ, 0xfffffffffffff000ULL) } },
	  SVSM_ERR_RANGE,
	  "is not below 0x800000000000" },
	{ "ends past the user half",
	  { { PH64(DATA, VADDR, 0x7ffffffff240ULL) } },
	  SVSM_ERR_RANGE,
	  "PT_LOAD 3: [0x7ffffffff240, +0x3000) is not below" },
	{ "page 0",
	  { { PH64(HEAD, VADDR, 0) } },
	  SVSM_ERR_RANGE,
	  "PT_LOAD 1: [0x0, +0x1f0) is outside the user range [0x10000, "
	  "0x10000000)" },
	{ "below 64 KiB",
	  { { PH64(HEAD, VADDR, 0xf000) } },
	  SVSM_ERR_RANGE,
	  "PT_LOAD 1: [0xf000, +0x1f0) is outside the user range" },
	{ "past the limit",
	  { { PH64(DATA, VADDR, 0x0fffe240ULL) } },
	  SVSM_ERR_RANGE,
	  "PT_LOAD 3: [0xfffe240, +0x3000) is outside the user range" },
	{ "not sorted",
	  { { PH64(DATA, VADDR, EXEC_BASE + 0x240) } },
	  SVSM_ERR_INVAL,
	  "PT_LOAD 3 at 0x400240 is not above the one before it (0x401200)" },
	{ "same address",
	  { { PH64(DATA, VADDR, EXEC_BASE + 0x1240) },
	    { PH64(TEXT, VADDR, EXEC_BASE + 0x1240) },
	    { PH64(TEXT, OFFSET, 0x240) } },
	  SVSM_ERR_INVAL,
	  "PT_LOAD 3 at 0x401240 is not above the one before it" },
	{ "shares a page",
	  { { PH64(DATA, VADDR, EXEC_BASE + 0x1240) } },
	  SVSM_ERR_INVAL,
	  "PT_LOAD 3 at 0x401240 shares a page with the one before it "
	  "(ending at 0x401240)" },
	{ "overlaps",
	  { { PH64(TEXT, MEMSZ, 0x2000) } },
	  SVSM_ERR_INVAL,
	  "PT_LOAD 3 at 0x402240 shares a page with the one before it" },
	{ "no PT_LOAD",
	  { { PH32(HEAD, TYPE, PT_NULL) },
	    { PH32(TEXT, TYPE, PT_NOTE) },
	    { PH32(DATA, TYPE, 0x12345678U) } },
	  SVSM_ERR_INVAL,
	  "no PT_LOAD segment" },
	{ "entry after the text",
	  { { EH64(ENTRY, EXEC_BASE + 0x1240) } },
	  SVSM_ERR_INVAL,
	  "entry point 0x401240 is not in an executable segment" },
	{ "entry in the headers",
	  { { EH64(ENTRY, EXEC_BASE) } },
	  SVSM_ERR_INVAL,
	  "entry point 0x400000 is not in an executable segment" },
	{ "entry in data",
	  { { EH64(ENTRY, EXEC_BASE + 0x2240) } },
	  SVSM_ERR_INVAL,
	  "entry point 0x402240 is not" },
	{ "entry in an unmapped page",
	  { { EH64(ENTRY, 0) } },
	  SVSM_ERR_INVAL,
	  "entry point 0x0 is not" },
	{ "text not executable",
	  { { PH32(TEXT, FLAGS, PF_R) } },
	  SVSM_ERR_INVAL,
	  "entry point 0x401200 is not in an executable segment" },
};

TEST(elf_load, load_segment_rules)
{
	run_refusals(t, LOAD_CASES, sizeof(LOAD_CASES) / sizeof(LOAD_CASES[0]),
		     false);
}

static const struct refusal OTHER_CASES[] = {
	{ "PT_INTERP",
	  { { PH32(EXTRA, TYPE, PT_INTERP) } },
	  SVSM_ERR_UNSUPPORTED,
	  "dynamically linked programs are not supported" },
	{ "two PT_TLS",
	  { { PH32(EXTRA, TYPE, PT_TLS) } },
	  SVSM_ERR_INVAL,
	  "two PT_TLS headers" },
	{ "TLS p_filesz > p_memsz",
	  { { PH64(TLS, FILESZ, 0x31) } },
	  SVSM_ERR_INVAL,
	  "PT_TLS: file size 0x31 is larger than its memory size 0x30" },
	{ "TLS alignment",
	  { { PH64(TLS, ALIGN, 24) } },
	  SVSM_ERR_INVAL,
	  "PT_TLS: alignment 0x18 is not a power of two" },
	{ "TLS too large",
	  { { PH64(TLS, MEMSZ, 64 * MIB + 1) } },
	  SVSM_ERR_RANGE,
	  "PT_TLS: 0x4000001 bytes, more than the limit 0x4000000" },
	{ "TLS image past the file bytes",
	  { { PH64(TLS, FILESZ, 0x41) }, { PH64(TLS, MEMSZ, 0x41) } },
	  SVSM_ERR_INVAL,
	  "PT_TLS: initial image [0x402240, +0x41) from offset 0x240 is not "
	  "loaded by a PT_LOAD" },
	{ "TLS image in bss",
	  { { PH64(TLS, VADDR, EXEC_BASE + 0x2300) } },
	  SVSM_ERR_INVAL,
	  "PT_TLS: initial image [0x402300, +0x10)" },
	{ "TLS offset does not match its address",
	  { { PH64(TLS, OFFSET, 0x248) } },
	  SVSM_ERR_INVAL,
	  "PT_TLS: initial image [0x402240, +0x10) from offset 0x248" },
	{ "TLS outside every segment",
	  { { PH64(TLS, VADDR, 0x9000000) } },
	  SVSM_ERR_INVAL,
	  "PT_TLS: initial image [0x9000000, +0x10)" },
	{ "TLS without image outside every segment",
	  { { PH64(TLS, FILESZ, 0) },
	    { PH64(TLS, VADDR, EXEC_BASE + 0x5241) } },
	  SVSM_ERR_INVAL,
	  "PT_TLS: initial image [0x405241, +0x0)" },
	{ "executable stack",
	  { { PH32(STACK, FLAGS, PF_R | PF_W | PF_X) } },
	  SVSM_ERR_PERM,
	  "PT_GNU_STACK asks for an executable stack" },
	{ "two PT_GNU_STACK",
	  { { PH32(EXTRA, TYPE, PT_GNU_STACK) } },
	  SVSM_ERR_INVAL,
	  "two PT_GNU_STACK headers" },
	{ "two PT_PHDR",
	  { { PH32(EXTRA, TYPE, PT_PHDR) } },
	  SVSM_ERR_INVAL,
	  "two PT_PHDR headers" },
	{ "PT_PHDR elsewhere",
	  { { PH64(PHDR, VADDR, EXEC_BASE + 0x48) } },
	  SVSM_ERR_INVAL,
	  "PT_PHDR at 0x400048 does not map the program headers (offset "
	  "0x40)" },
	{ "PT_PHDR outside the file bytes",
	  { { PH64(PHDR, VADDR, EXEC_BASE + 0x2240) } },
	  SVSM_ERR_INVAL,
	  "PT_PHDR at 0x402240 does not map" },
	{ "table not loaded",
	  { { PH32(PHDR, TYPE, PT_NULL) }, { PH64(HEAD, FILESZ, 0x40) } },
	  SVSM_ERR_INVAL,
	  "no PT_LOAD maps the program headers (offset 0x40)" },
	{ "table partly loaded",
	  { { PH64(HEAD, FILESZ, 0x100) } },
	  SVSM_ERR_INVAL,
	  "PT_PHDR at 0x400040 does not map the program headers" },
};

TEST(elf_load, tls_stack_phdr_interp_rules)
{
	run_refusals(t, OTHER_CASES,
		     sizeof(OTHER_CASES) / sizeof(OTHER_CASES[0]), false);
}

static const struct refusal PIE_CASES[] = {
	{ "PIE with PT_INTERP",
	  { { PH32(EXTRA, TYPE, PT_INTERP) } },
	  SVSM_ERR_UNSUPPORTED,
	  "dynamically linked programs are not supported" },
	{ "PIE not sorted",
	  { { PH64(DATA, VADDR, 0x240) } },
	  SVSM_ERR_INVAL,
	  "PT_LOAD 3 at 0x240 is not above the one before it (0x1200)" },
	{ "PIE writable and executable",
	  { { PH32(DATA, FLAGS, PF_R | PF_W | PF_X) } },
	  SVSM_ERR_PERM,
	  "PT_LOAD 3 at 0x2240 is writable and executable" },
	{ "PIE in the kernel half",
	  { { PH64(DATA, VADDR, 0xfffffffffffff240ULL) } },
	  SVSM_ERR_RANGE,
	  "is not below 0x800000000000" },
	{ "PIE larger than max_bytes",
	  { { PH64(DATA, MEMSZ, 0x10000000ULL) } },
	  SVSM_ERR_RANGE,
	  "segments need 0x10003000 bytes, more than the limit 0x4000000" },
	{ "PIE entry outside",
	  { { EH64(ENTRY, 0x1240) } },
	  SVSM_ERR_INVAL,
	  "entry point 0x1240 is not in an executable segment" },
};

TEST(elf_load, pie_rules)
{
	run_refusals(t, PIE_CASES, sizeof(PIE_CASES) / sizeof(PIE_CASES[0]),
		     true);
}

/* ---- accepted variations, limits and the plan itself ---------------- */

TEST(elf_load, sample_plan_exact)
{
	uint8_t img[ELF_SAMPLE_SIZE];
	struct elf_plan plan;
	char why[160] = "";

	elf_sample_build(img, false);
	ASSERT_OK(elf_load_plan(img, sizeof(img), &ELF_TEST_LIM, &plan, why,
				sizeof(why)));
	EXPECT_EQ(plan.entry, EXEC_BASE + ELF_SAMPLE_TEXT_VA);
	EXPECT_EQ(plan.phdr_va, EXEC_BASE + ELF_SAMPLE_PHOFF);
	EXPECT_EQ(plan.phnum, ELF_SAMPLE_PH_COUNT);
	EXPECT_EQ(plan.phent, 56);
	EXPECT_EQ(plan.base, 0);
	EXPECT_EQ(plan.align, 0x1000);
	EXPECT_EQ(plan.mem_size, 0x6000);
	EXPECT_FALSE(plan.is_pie);
	EXPECT_TRUE(plan.is_placed);
	ASSERT_EQ(plan.segment_count, 3);
	EXPECT_EQ(plan.segments[0].vaddr, EXEC_BASE);
	EXPECT_EQ(plan.segments[0].prot, ELF_PROT_READ);
	EXPECT_EQ(plan.segments[1].vaddr, EXEC_BASE + ELF_SAMPLE_TEXT_VA);
	EXPECT_EQ(plan.segments[1].prot, ELF_PROT_READ | ELF_PROT_EXEC);
	EXPECT_EQ(plan.segments[2].offset, ELF_SAMPLE_DATA_OFF);
	EXPECT_EQ(plan.segments[2].filesz, ELF_SAMPLE_DATA_SIZE);
	EXPECT_EQ(plan.segments[2].memsz, ELF_SAMPLE_DATA_MEMSZ);
	EXPECT_EQ(plan.segments[2].prot, ELF_PROT_READ | ELF_PROT_WRITE);
	EXPECT_EQ(elf_segment_map_va(&plan.segments[2]), EXEC_BASE + 0x2000);
	EXPECT_EQ(elf_segment_map_size(&plan.segments[2]), 0x4000);
	EXPECT_TRUE(plan.has_tls);
	EXPECT_EQ(plan.tls.vaddr, EXEC_BASE + ELF_SAMPLE_DATA_VA);
	EXPECT_EQ(plan.tls.filesz, ELF_SAMPLE_TLS_FILESZ);
	EXPECT_EQ(plan.tls.memsz, ELF_SAMPLE_TLS_MEMSZ);
	EXPECT_EQ(plan.tls.align, ELF_SAMPLE_TLS_ALIGN);
	EXPECT_TRUE(plan.has_gnu_stack);
	EXPECT_MEMEQ(&plan.lim, &ELF_TEST_LIM, sizeof(ELF_TEST_LIM));
	elf_check_copies(t, &plan, img, sizeof(img));
}

/** Parses the sample with `edits` applied; fills `plan`. */
static enum svsm_err parse_edited(const struct edit edits[4], bool is_pie,
				  struct elf_plan *plan)
{
	uint8_t img[ELF_SAMPLE_SIZE];

	elf_sample_build(img, is_pie);
	apply(img, edits);
	return elf_load_plan(img, sizeof(img), &ELF_TEST_LIM, plan, NULL, 0);
}

TEST(elf_load, accepted_variations)
{
	static const uint32_t ignored_types[] = {
		PT_NOTE,	 PT_GNU_EH_FRAME, PT_GNU_RELRO,
		PT_GNU_PROPERTY, 0x70000001U,	  0x12345678U,
	};
	struct elf_plan plan;

	EXPECT_OK(parse_edited((const struct edit[4]){ { IDENT(7, 3) } }, false,
			       &plan));
	for (size_t i = 0; i < sizeof(ignored_types) / sizeof(uint32_t); i++) {
		EXPECT_OK(parse_edited(
			(const struct edit[4]){
				{ PH32(EXTRA, TYPE, ignored_types[i]) } },
			false, &plan));
	}
	/* No PT_GNU_STACK: recorded as absent. */
	ASSERT_OK(parse_edited(
		(const struct edit[4]){ { PH32(STACK, TYPE, PT_NULL) } }, false,
		&plan));
	EXPECT_FALSE(plan.has_gnu_stack);
	/* No PT_PHDR: AT_PHDR from the PT_LOAD that maps e_phoff. */
	ASSERT_OK(parse_edited(
		(const struct edit[4]){ { PH32(PHDR, TYPE, PT_NULL) } }, false,
		&plan));
	EXPECT_EQ(plan.phdr_va, EXEC_BASE + ELF_SAMPLE_PHOFF);
	/* An empty PT_LOAD is left out of the plan. */
	ASSERT_OK(parse_edited(
		(const struct edit[4]){ { PH32(EXTRA, TYPE, PT_LOAD) },
					{ PH64(EXTRA, FILESZ, 0) },
					{ PH64(EXTRA, MEMSZ, 0) },
					{ PH64(EXTRA, ALIGN, 0x1000) } },
		false, &plan));
	EXPECT_EQ(plan.segment_count, 3);
	/* TLS with only .tbss, inside the data segment's bss. */
	ASSERT_OK(parse_edited(
		(const struct edit[4]){
			{ PH64(TLS, FILESZ, 0) },
			{ PH64(TLS, VADDR, EXEC_BASE + 0x5240) } },
		false, &plan));
	EXPECT_EQ(plan.tls.filesz, 0);
	/* TLS alignment 0 means none: recorded as 1. */
	ASSERT_OK(
		parse_edited((const struct edit[4]){ { PH64(TLS, ALIGN, 0) } },
			     false, &plan));
	EXPECT_EQ(plan.tls.align, 1);
	/* Larger p_align, still congruent. */
	ASSERT_OK(parse_edited(
		(const struct edit[4]){ { PH64(HEAD, ALIGN, 0x200000) } },
		false, &plan));
	EXPECT_EQ(plan.align, 0x200000);
	/* An entry point at the last byte of the text. */
	EXPECT_OK(parse_edited(
		(const struct edit[4]){ { EH64(ENTRY, EXEC_BASE + 0x123f) } },
		false, &plan));
}

/* A segment with no file bytes (all bss) is mapped and copied as zeroes. */
TEST(elf_load, bss_only_segment)
{
	uint8_t img[ELF_SAMPLE_SIZE];
	uint8_t *ph = img + elf_sample_ph_offset(ELF_SAMPLE_EXTRA);
	struct elf_plan plan;
	char why[160] = "";

	elf_sample_build(img, false);
	elf_sample_put32(ph + ELF_SAMPLE_PH_TYPE, PT_LOAD);
	elf_sample_put32(ph + ELF_SAMPLE_PH_FLAGS, PF_R | PF_W);
	elf_sample_put64(ph + ELF_SAMPLE_PH_VADDR, EXEC_BASE + 0x81d0);
	elf_sample_put64(ph + ELF_SAMPLE_PH_FILESZ, 0);
	elf_sample_put64(ph + ELF_SAMPLE_PH_MEMSZ, 0x1800);
	elf_sample_put64(ph + ELF_SAMPLE_PH_ALIGN, 0x1000);
	ASSERT_OK(elf_load_plan(img, sizeof(img), &ELF_TEST_LIM, &plan, why,
				sizeof(why)));
	ASSERT_EQ(plan.segment_count, 4);
	EXPECT_EQ(plan.segments[3].filesz, 0);
	EXPECT_EQ(elf_segment_map_size(&plan.segments[3]), 0x2000);
	EXPECT_EQ(plan.mem_size, 0x8000);
	elf_check_copies(t, &plan, img, sizeof(img));
}

/**
 * Writes an image with `phnum` program headers, the first `load_count`
 * of them PT_LOADs one page apart (the first R over the headers, the
 * others RX), the rest PT_NOTE. Returns its size.
 */
static size_t build_many(uint8_t *buf, uint32_t load_count, uint32_t phnum)
{
	size_t table_end = 64 + (size_t)phnum * 56;

	elf_sample_build(buf, false);
	elf_sample_put16(buf + ELF_SAMPLE_EH_PHNUM, (uint16_t)phnum);
	elf_sample_put64(buf + ELF_SAMPLE_EH_ENTRY, EXEC_BASE + 0x1000);
	for (uint32_t i = 0; i < phnum; i++) {
		uint8_t *ph = buf + 64 + (size_t)i * 56;

		memset(ph, 0, 56);
		elf_sample_put32(ph + ELF_SAMPLE_PH_TYPE,
				 i < load_count ? PT_LOAD : PT_NOTE);
		elf_sample_put32(ph + ELF_SAMPLE_PH_FLAGS,
				 i == 0 ? PF_R : PF_R | PF_X);
		elf_sample_put64(ph + ELF_SAMPLE_PH_VADDR,
				 EXEC_BASE + (uint64_t)i * 0x1000);
		elf_sample_put64(ph + ELF_SAMPLE_PH_FILESZ,
				 i == 0 ? table_end : 0x10);
		elf_sample_put64(ph + ELF_SAMPLE_PH_MEMSZ,
				 i == 0 ? table_end : 0x10);
		elf_sample_put64(ph + ELF_SAMPLE_PH_ALIGN, 0x1000);
	}
	return table_end;
}

TEST(elf_load, segment_and_header_counts)
{
	static uint8_t buf[64 + 65 * 56];
	struct elf_plan plan;
	char why[160] = "";

	EXPECT_OK(elf_load_plan(buf, build_many(buf, ELF_MAX_SEGMENTS, 64),
				&ELF_TEST_LIM, &plan, why, sizeof(why)));
	EXPECT_EQ(plan.segment_count, ELF_MAX_SEGMENTS);
	EXPECT_EQ(plan.phnum, 64);
	EXPECT_TRUE(elf_expect_verdict(
		t, buf, build_many(buf, ELF_MAX_SEGMENTS + 1, 64),
		&ELF_TEST_LIM, SVSM_ERR_UNSUPPORTED,
		"more than 8 PT_LOAD segments"));
	EXPECT_TRUE(elf_expect_verdict(t, buf, build_many(buf, 2, 65),
				       &ELF_TEST_LIM, SVSM_ERR_INVAL,
				       "65 program headers: 1 to 64"));
}

TEST(elf_load, limits)
{
	uint8_t img[ELF_SAMPLE_SIZE];
	struct elf_limits lim = ELF_TEST_LIM;

	elf_sample_build(img, false);
	/* The sample's pages: 0x400000-0x402000 and 0x402000-0x406000. */
	lim.max_bytes = 0x6000;
	EXPECT_TRUE(elf_expect_verdict(t, img, sizeof(img), &lim, SVSM_OK, ""));
	lim.max_bytes = 0x5fff;
	EXPECT_TRUE(
		elf_expect_verdict(t, img, sizeof(img), &lim, SVSM_ERR_RANGE,
				   "segments need 0x6000 bytes, more than the "
				   "limit 0x5fff"));
	lim = ELF_TEST_LIM;
	lim.min_va = EXEC_BASE + 0x1000;
	EXPECT_TRUE(
		elf_expect_verdict(t, img, sizeof(img), &lim, SVSM_ERR_RANGE,
				   "PT_LOAD 1: [0x400000, +0x1f0) is outside "
				   "the user range [0x401000, 0x10000000)"));
	lim = ELF_TEST_LIM;
	lim.max_va = EXEC_BASE + 0x6000;
	EXPECT_TRUE(elf_expect_verdict(t, img, sizeof(img), &lim, SVSM_OK, ""));
	lim.max_va = EXEC_BASE + 0x5000;
	EXPECT_TRUE(
		elf_expect_verdict(t, img, sizeof(img), &lim, SVSM_ERR_RANGE,
				   "PT_LOAD 3: [0x402240, +0x3000) is outside "
				   "the user range [0x10000, 0x405000)"));
	/* Bad limits are refused whatever the image. */
	lim = ELF_TEST_LIM;
	lim.min_va = 0;
	EXPECT_TRUE(elf_expect_verdict(t, img, sizeof(img), &lim,
				       SVSM_ERR_INVAL,
				       "bad limits [0x0, 0x10000000)"));
	lim.min_va = ELF_MIN_VA + 8;
	EXPECT_TRUE(elf_expect_verdict(t, img, sizeof(img), &lim,
				       SVSM_ERR_INVAL, "bad limits"));
	lim.min_va = ELF_MIN_VA;
	lim.max_va = ELF_USER_TOP + 0x1000;
	EXPECT_TRUE(elf_expect_verdict(t, img, sizeof(img), &lim,
				       SVSM_ERR_INVAL, "bad limits"));
	lim.max_va = ELF_MIN_VA;
	EXPECT_TRUE(elf_expect_verdict(t, img, sizeof(img), &lim,
				       SVSM_ERR_INVAL, "bad limits"));
}

TEST(elf_load, short_and_unreasoned_calls)
{
	uint8_t img[ELF_SAMPLE_SIZE];
	struct elf_plan plan;
	char why[8];

	elf_sample_build(img, false);
	EXPECT_TRUE(
		elf_expect_verdict(t, img, 63, &ELF_TEST_LIM, SVSM_ERR_INVAL,
				   "63 bytes are too few for an ELF header"));
	EXPECT_ERR(elf_load_plan(img, 10, &ELF_TEST_LIM, &plan, NULL, 0),
		   SVSM_ERR_INVAL);
	memset(why, 'x', sizeof(why));
	EXPECT_ERR(
		elf_load_plan(img, 10, &ELF_TEST_LIM, &plan, why, sizeof(why)),
		SVSM_ERR_INVAL);
	EXPECT_EQ(strnlen(why, sizeof(why)), sizeof(why) - 1);
}

TEST(elf_load, pie_plan_and_rebase)
{
	uint8_t img[ELF_SAMPLE_SIZE];
	struct elf_plan plan;
	struct elf_plan before;
	char why[160] = "";

	elf_sample_build(img, true);
	ASSERT_OK(elf_load_plan(img, sizeof(img), &ELF_TEST_LIM, &plan, why,
				sizeof(why)));
	EXPECT_TRUE(plan.is_pie);
	EXPECT_FALSE(plan.is_placed);
	EXPECT_EQ(plan.entry, ELF_SAMPLE_TEXT_VA);
	EXPECT_EQ(plan.segments[0].vaddr, 0);
	before = plan;
	/* Misaligned, too low, too high, past the user half: unchanged. */
	EXPECT_ERR(elf_plan_rebase(&plan, ELF_TEST_PIE_BASE + 0x800),
		   SVSM_ERR_INVAL);
	EXPECT_ERR(elf_plan_rebase(&plan, 0), SVSM_ERR_RANGE);
	EXPECT_ERR(elf_plan_rebase(&plan, ELF_MIN_VA - 0x1000), SVSM_ERR_RANGE);
	EXPECT_ERR(elf_plan_rebase(&plan, ELF_TEST_LIM.max_va - 0x5000),
		   SVSM_ERR_RANGE);
	EXPECT_ERR(elf_plan_rebase(&plan, ELF_USER_TOP), SVSM_ERR_RANGE);
	EXPECT_ERR(elf_plan_rebase(&plan, 0xfffffffffffff000ULL),
		   SVSM_ERR_RANGE);
	EXPECT_TRUE(elf_plans_equal(&plan, &before));
	/* The lowest and the highest base that fit. */
	EXPECT_OK(elf_plan_rebase(&plan, ELF_MIN_VA));
	plan = before;
	ASSERT_OK(elf_plan_rebase(&plan, ELF_TEST_LIM.max_va - 0x6000));
	plan = before;
	ASSERT_OK(elf_plan_rebase(&plan, ELF_TEST_PIE_BASE));
	EXPECT_TRUE(plan.is_placed);
	EXPECT_EQ(plan.base, ELF_TEST_PIE_BASE);
	EXPECT_EQ(plan.entry, ELF_TEST_PIE_BASE + ELF_SAMPLE_TEXT_VA);
	EXPECT_EQ(plan.phdr_va, ELF_TEST_PIE_BASE + ELF_SAMPLE_PHOFF);
	EXPECT_EQ(plan.tls.vaddr, ELF_TEST_PIE_BASE + ELF_SAMPLE_DATA_VA);
	EXPECT_EQ(plan.segments[0].vaddr, ELF_TEST_PIE_BASE);
	EXPECT_EQ(plan.segments[1].vaddr,
		  ELF_TEST_PIE_BASE + ELF_SAMPLE_TEXT_VA);
	EXPECT_EQ(plan.segments[2].vaddr,
		  ELF_TEST_PIE_BASE + ELF_SAMPLE_DATA_VA);
	/* Placed once only. */
	before = plan;
	EXPECT_ERR(elf_plan_rebase(&plan, ELF_TEST_PIE_BASE), SVSM_ERR_INVAL);
	EXPECT_TRUE(elf_plans_equal(&plan, &before));
	elf_check_copies(t, &plan, img, sizeof(img));
}

TEST(elf_load, rebase_needs_an_unplaced_pie_and_its_alignment)
{
	uint8_t img[ELF_SAMPLE_SIZE];
	struct elf_limits lim = ELF_TEST_LIM;
	struct elf_plan plan;

	elf_sample_build(img, false);
	ASSERT_OK(
		elf_load_plan(img, sizeof(img), &ELF_TEST_LIM, &plan, NULL, 0));
	EXPECT_ERR(elf_plan_rebase(&plan, ELF_TEST_PIE_BASE), SVSM_ERR_INVAL);
	EXPECT_EQ(plan.entry, EXEC_BASE + ELF_SAMPLE_TEXT_VA);
	ASSERT_OK(parse_edited(
		(const struct edit[4]){ { PH64(HEAD, ALIGN, 0x10000) } }, true,
		&plan));
	EXPECT_EQ(plan.align, 0x10000);
	EXPECT_ERR(elf_plan_rebase(&plan, ELF_TEST_PIE_BASE + 0x1000),
		   SVSM_ERR_INVAL);
	EXPECT_OK(elf_plan_rebase(&plan, ELF_TEST_PIE_BASE + 0x10000));
	/* A PIE must fit the user range at some base. */
	elf_sample_build(img, true);
	lim.max_va = ELF_MIN_VA + 0x5000;
	EXPECT_TRUE(
		elf_expect_verdict(t, img, sizeof(img), &lim, SVSM_ERR_RANGE,
				   "segments span 0x6000 bytes, more than the "
				   "user range (0x5000)"));
	lim.max_va = ELF_MIN_VA + 0x6000;
	EXPECT_TRUE(elf_expect_verdict(t, img, sizeof(img), &lim, SVSM_OK, ""));
}

TEST(elf_load, segment_copy_refusals)
{
	uint8_t img[ELF_SAMPLE_SIZE];
	static uint8_t dst[0x5000];
	static uint8_t untouched[0x5000];
	struct elf_plan plan;

	elf_sample_build(img, false);
	ASSERT_OK(
		elf_load_plan(img, sizeof(img), &ELF_TEST_LIM, &plan, NULL, 0));
	memset(dst, 0x77, sizeof(dst));
	memset(untouched, 0x77, sizeof(untouched));
	EXPECT_ERR(
		elf_segment_copy(&plan, 3, img, sizeof(img), dst, sizeof(dst)),
		SVSM_ERR_INVAL);
	EXPECT_ERR(elf_segment_copy(&plan, UINT32_MAX, img, sizeof(img), dst,
				    sizeof(dst)),
		   SVSM_ERR_INVAL);
	EXPECT_ERR(elf_segment_copy(&plan, 2, img, sizeof(img), dst, 0x3fff),
		   SVSM_ERR_RANGE);
	EXPECT_ERR(elf_segment_copy(&plan, 2, img, sizeof(img) - 1, dst,
				    sizeof(dst)),
		   SVSM_ERR_RANGE);
	EXPECT_ERR(elf_segment_copy_page(&plan, 2, img, sizeof(img), 4, dst),
		   SVSM_ERR_RANGE);
	EXPECT_ERR(elf_segment_copy_page(&plan, 3, img, sizeof(img), 0, dst),
		   SVSM_ERR_INVAL);
	EXPECT_ERR(elf_segment_copy_page(&plan, 1, img, 0x23f, 0, dst),
		   SVSM_ERR_RANGE);
	EXPECT_MEMEQ(dst, untouched, sizeof(dst));
	/* Exactly the mapping is written, not the rest of `dst`. */
	EXPECT_OK(
		elf_segment_copy(&plan, 2, img, sizeof(img), dst, sizeof(dst)));
	EXPECT_EQ(dst[0x3fff], 0);
	EXPECT_EQ(dst[0x4000], 0x77);
	EXPECT_EQ(dst[0x240], 1);
	EXPECT_EQ(dst[0x23f], 0);
	EXPECT_OK(elf_segment_copy_page(&plan, 2, img, sizeof(img), 3, dst));
}
