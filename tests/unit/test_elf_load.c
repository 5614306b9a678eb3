// SPDX-License-Identifier: MIT
/*
 * Unit tests of the ELF load plan (lib/elf/elf_load.c) on real programs:
 * tests/unit/elf/{hello,tiny}.c built by Debian's gcc as static executables and
 * static PIEs (with and without glibc) into build/elf-fixtures/
 * (tests/unit/elf/module.mk) and embedded here with .incbin. Their plans are
 * compared with what `readelf -hlW` says about the same files
 * (scripts/elf-expect.sh writes that into elf_expect.h), their segments are
 * copied and compared with the file, and a dynamically linked build must be
 * refused.
 *
 * Every prefix of these files and of the hand-made sample must be refused
 * without reading past its end, or give the same plan once it holds
 * everything the loader needs (each prefix is its own heap block, so ASan
 * sees any overread). test_elf_rules.c breaks the rules one at a time.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "svsm/elf_load.h"
#include "svsm/test.h"

#include "elf_check.h"
#include "elf_sample.h"

/** One program header as readelf prints it (flags as PF_* bits). */
struct readelf_phdr {
	const char *type;
	uint64_t offset;
	uint64_t vaddr;
	uint64_t filesz;
	uint64_t memsz;
	uint32_t flags;
	uint64_t align;
};

/** What readelf says about one fixture. */
struct readelf_view {
	const char *type; /**< "EXEC" or "DYN" */
	uint64_t entry;
	uint64_t phoff;
	uint32_t phnum;
	struct readelf_phdr phdrs[ELF_MAX_PHNUM];
};

#include "elf_expect.h"

#ifndef ELF_FIXTURE_DIR
#define ELF_FIXTURE_DIR "build/elf-fixtures"
#endif

/*
 * The fixtures, embedded so that the tests do not depend on the working
 * directory. ELF_FIXTURE_DIR comes from tests/unit/elf/module.mk.
 */
#define ELF_INCBIN(sym, file)                                               \
	__asm__(".section .rodata\n"                                        \
		".balign 16\n"                                              \
		".globl " #sym "\n" #sym ":\n"                              \
		".incbin \"" ELF_FIXTURE_DIR "/" file "\"\n" #sym "_END:\n" \
		".balign 8\n"                                               \
		".globl " #sym "_SIZE\n" #sym "_SIZE:\n"                    \
		".8byte " #sym "_END - " #sym "\n"                          \
		".previous\n")

ELF_INCBIN(FIX_HELLO_EXEC, "hello_exec");
ELF_INCBIN(FIX_HELLO_PIE, "hello_pie");
ELF_INCBIN(FIX_HELLO_DYN, "hello_dyn");
ELF_INCBIN(FIX_TINY_EXEC, "tiny_exec");
ELF_INCBIN(FIX_TINY_PIE, "tiny_pie");
extern const uint8_t FIX_HELLO_EXEC[], FIX_HELLO_PIE[], FIX_HELLO_DYN[];
extern const uint8_t FIX_TINY_EXEC[], FIX_TINY_PIE[];
extern const uint64_t FIX_HELLO_EXEC_SIZE, FIX_HELLO_PIE_SIZE;
extern const uint64_t FIX_HELLO_DYN_SIZE, FIX_TINY_EXEC_SIZE;
extern const uint64_t FIX_TINY_PIE_SIZE;

/** A real program and what readelf says about it. */
struct fixture {
	const char *name;
	const uint8_t *data;
	const uint64_t *size;
	const struct readelf_view *view;
};

static const struct fixture FIXTURES[] = {
	{ "hello_exec", FIX_HELLO_EXEC, &FIX_HELLO_EXEC_SIZE,
	  &HELLO_EXEC_READELF },
	{ "hello_pie", FIX_HELLO_PIE, &FIX_HELLO_PIE_SIZE, &HELLO_PIE_READELF },
	{ "tiny_exec", FIX_TINY_EXEC, &FIX_TINY_EXEC_SIZE, &TINY_EXEC_READELF },
	{ "tiny_pie", FIX_TINY_PIE, &FIX_TINY_PIE_SIZE, &TINY_PIE_READELF },
};

#define FIXTURE_COUNT (sizeof(FIXTURES) / sizeof(FIXTURES[0]))

static uint64_t page_down(uint64_t x)
{
	return x & ~(uint64_t)(ELF_PAGE_SIZE - 1);
}

static uint64_t page_up(uint64_t x)
{
	return page_down(x + ELF_PAGE_SIZE - 1);
}

static uint32_t prot_of(uint32_t pf)
{
	return ((pf & PF_R) != 0 ? ELF_PROT_READ : 0) |
	       ((pf & PF_W) != 0 ? ELF_PROT_WRITE : 0) |
	       ((pf & PF_X) != 0 ? ELF_PROT_EXEC : 0);
}

/** The first byte past everything the loader needs from the file. */
static uint64_t needed_end(const struct readelf_view *v)
{
	uint64_t end = v->phoff + (uint64_t)v->phnum * ELF_PHENT_SIZE;

	for (uint32_t i = 0; i < v->phnum; i++) {
		const struct readelf_phdr *ph = &v->phdrs[i];

		if (strcmp(ph->type, "LOAD") == 0 && ph->memsz > 0 &&
		    ph->offset + ph->filesz > end) {
			end = ph->offset + ph->filesz;
		}
	}
	return end;
}

/** Where readelf's program headers land in memory (AT_PHDR). */
static uint64_t readelf_phdr_va(const struct readelf_view *v)
{
	uint64_t size = (uint64_t)v->phnum * ELF_PHENT_SIZE;

	for (uint32_t i = 0; i < v->phnum; i++) {
		if (strcmp(v->phdrs[i].type, "PHDR") == 0) {
			return v->phdrs[i].vaddr;
		}
	}
	for (uint32_t i = 0; i < v->phnum; i++) {
		const struct readelf_phdr *ph = &v->phdrs[i];

		if (strcmp(ph->type, "LOAD") == 0 && v->phoff >= ph->offset &&
		    v->phoff + size <= ph->offset + ph->filesz) {
			return ph->vaddr + (v->phoff - ph->offset);
		}
	}
	return UINT64_MAX;
}

/** Checks a PT_LOAD of readelf against the plan's segment `seg`. */
static bool check_load(struct test_ctx *t, const struct readelf_phdr *ph,
		       const struct elf_segment *seg)
{
	uint32_t failures = t->failure_count;

	EXPECT_EQ(seg->vaddr, ph->vaddr);
	EXPECT_EQ(seg->memsz, ph->memsz);
	EXPECT_EQ(seg->offset, ph->offset);
	EXPECT_EQ(seg->filesz, ph->filesz);
	EXPECT_EQ(seg->prot, prot_of(ph->flags));
	return failures == t->failure_count;
}

/** Checks the TLS, stack and other non-LOAD entries readelf lists. */
static void check_other(struct test_ctx *t, const struct readelf_phdr *ph,
			const struct elf_plan *plan)
{
	if (strcmp(ph->type, "TLS") == 0) {
		EXPECT_TRUE(plan->has_tls);
		EXPECT_EQ(plan->tls.vaddr, ph->vaddr);
		EXPECT_EQ(plan->tls.filesz, ph->filesz);
		EXPECT_EQ(plan->tls.memsz, ph->memsz);
		EXPECT_EQ(plan->tls.align, ph->align);
	} else if (strcmp(ph->type, "GNU_STACK") == 0) {
		EXPECT_TRUE(plan->has_gnu_stack);
		EXPECT_EQ(plan->stack_size, ph->memsz);
		EXPECT_EQ(ph->flags & PF_X, 0);
	}
}

/** Compares a plan with readelf's view of the same file. */
static void check_view(struct test_ctx *t, const struct elf_plan *plan,
		       const struct readelf_view *v)
{
	uint32_t seg_index = 0;
	uint64_t mem_size = 0;
	uint64_t align = 0;
	bool has_tls = false;

	EXPECT_EQ(plan->is_pie, strcmp(v->type, "DYN") == 0);
	EXPECT_EQ(plan->is_placed, !plan->is_pie);
	EXPECT_EQ(plan->entry, v->entry);
	EXPECT_EQ(plan->phnum, v->phnum);
	EXPECT_EQ(plan->phent, ELF_PHENT_SIZE);
	EXPECT_EQ(plan->phdr_va, readelf_phdr_va(v));
	for (uint32_t i = 0; i < v->phnum; i++) {
		const struct readelf_phdr *ph = &v->phdrs[i];

		if (strcmp(ph->type, "TLS") == 0) {
			has_tls = true;
		}
		if (strcmp(ph->type, "LOAD") != 0 || ph->memsz == 0) {
			check_other(t, ph, plan);
			continue;
		}
		ASSERT_TRUE(seg_index < plan->segment_count);
		if (!check_load(t, ph, &plan->segments[seg_index])) {
			test_diag(t, "segment %u differs", seg_index);
		}
		seg_index++;
		mem_size +=
			page_up(ph->vaddr + ph->memsz) - page_down(ph->vaddr);
		align = ph->align > align ? ph->align : align;
	}
	EXPECT_EQ(plan->segment_count, seg_index);
	EXPECT_EQ(plan->has_tls, has_tls);
	EXPECT_EQ(plan->mem_size, mem_size);
	EXPECT_EQ(plan->align, align);
}

TEST(elf_load, real_programs_match_readelf)
{
	for (size_t i = 0; i < FIXTURE_COUNT; i++) {
		const struct fixture *fx = &FIXTURES[i];
		uint32_t failures = t->failure_count;
		struct elf_plan plan;
		char why[160] = "";

		EXPECT_OK(elf_load_plan(fx->data, *fx->size, &ELF_TEST_LIM,
					&plan, why, sizeof(why)));
		if (failures == t->failure_count) {
			check_view(t, &plan, fx->view);
			elf_check_copies(t, &plan, fx->data, *fx->size);
		}
		if (failures != t->failure_count) {
			test_diag(t, "fixture %s: %s", fx->name, why);
		}
	}
}

/** Static glibc programs have what the initial stack needs: TLS, phdrs. */
TEST(elf_load, glibc_programs_have_tls_and_phdrs_in_memory)
{
	struct elf_plan plan;
	char why[160] = "";

	ASSERT_OK(elf_load_plan(FIX_HELLO_EXEC, FIX_HELLO_EXEC_SIZE,
				&ELF_TEST_LIM, &plan, why, sizeof(why)));
	EXPECT_TRUE(plan.has_tls);
	EXPECT_GT(plan.tls.memsz, plan.tls.filesz);
	EXPECT_TRUE(plan.has_gnu_stack);
	EXPECT_FALSE(plan.is_pie);
	EXPECT_EQ(plan.base, 0);
	EXPECT_GE(plan.segment_count, 3);
	EXPECT_GE(plan.phdr_va, plan.segments[0].vaddr);
	ASSERT_OK(elf_load_plan(FIX_HELLO_PIE, FIX_HELLO_PIE_SIZE,
				&ELF_TEST_LIM, &plan, why, sizeof(why)));
	EXPECT_TRUE(plan.is_pie);
	EXPECT_FALSE(plan.is_placed);
	EXPECT_TRUE(plan.has_tls);
}

TEST(elf_load, real_pie_rebased_moves_every_address)
{
	for (size_t i = 0; i < FIXTURE_COUNT; i++) {
		const struct readelf_view *v = FIXTURES[i].view;
		struct elf_plan plan;
		char why[160] = "";

		if (strcmp(v->type, "DYN") != 0) {
			continue;
		}
		ASSERT_OK(elf_load_plan(FIXTURES[i].data, *FIXTURES[i].size,
					&ELF_TEST_LIM, &plan, why,
					sizeof(why)));
		ASSERT_OK(elf_plan_rebase(&plan, ELF_TEST_PIE_BASE));
		EXPECT_TRUE(plan.is_placed);
		EXPECT_EQ(plan.base, ELF_TEST_PIE_BASE);
		EXPECT_EQ(plan.entry, ELF_TEST_PIE_BASE + v->entry);
		EXPECT_EQ(plan.phdr_va, ELF_TEST_PIE_BASE + readelf_phdr_va(v));
		for (uint32_t j = 0, k = 0; j < v->phnum; j++) {
			if (strcmp(v->phdrs[j].type, "LOAD") == 0) {
				EXPECT_EQ(plan.segments[k++].vaddr,
					  ELF_TEST_PIE_BASE +
						  v->phdrs[j].vaddr);
			}
			if (strcmp(v->phdrs[j].type, "TLS") == 0) {
				EXPECT_EQ(plan.tls.vaddr,
					  ELF_TEST_PIE_BASE +
						  v->phdrs[j].vaddr);
			}
		}
	}
}

TEST(elf_load, dynamically_linked_program_refused)
{
	struct elf_plan plan;
	char why[160] = "";

	EXPECT_ERR(elf_load_plan(FIX_HELLO_DYN, FIX_HELLO_DYN_SIZE,
				 &ELF_TEST_LIM, &plan, why, sizeof(why)),
		   SVSM_ERR_UNSUPPORTED);
	EXPECT_TRUE(strstr(why, "dynamically linked programs are not "
				"supported") != NULL);
}

/**
 * Parses prefixes of `image` (each in its own heap block of exactly that
 * size): those shorter than `need` must be refused with a one-line reason,
 * the others must give `full`. With `is_every`, every prefix; otherwise
 * the first 4 KiB, a stride and those around `need`.
 */
static void check_prefixes(struct test_ctx *t, const uint8_t *image,
			   size_t size, size_t need, bool is_every)
{
	struct elf_plan full;
	uint32_t bad = 0;
	char why[160];

	ASSERT_OK(elf_load_plan(image, size, &ELF_TEST_LIM, &full, why,
				sizeof(why)));
	for (size_t n = 0; n <= size; n++) {
		struct elf_plan plan;
		enum svsm_err err;
		uint8_t *copy;

		if (!is_every && n > 4096 && n % 4099 != 0 &&
		    (n + 8 < need || n > need + 8) && n != size) {
			continue;
		}
		copy = malloc(n > 0 ? n : 1);
		if (copy == NULL) {
			EXPECT_TRUE(copy != NULL);
			return;
		}
		memcpy(copy, image, n);
		why[0] = '\0';
		err = elf_load_plan(copy, n, &ELF_TEST_LIM, &plan, why,
				    sizeof(why));
		free(copy);
		if (n < need ? (err == SVSM_OK || why[0] == '\0' ||
				strchr(why, '\n') != NULL)
			     : (err != SVSM_OK ||
				!elf_plans_equal(&plan, &full))) {
			if (bad++ == 0) {
				test_diag(t, "prefix %zu of %zu: %s (%s)", n,
					  size, svsm_err_name(err), why);
			}
		}
	}
	EXPECT_EQ(bad, 0);
}

TEST(elf_load, every_truncation_refused)
{
	uint8_t img[ELF_SAMPLE_SIZE];

	elf_sample_build(img, false);
	check_prefixes(t, img, sizeof(img), sizeof(img), true);
	elf_sample_build(img, true);
	check_prefixes(t, img, sizeof(img), sizeof(img), true);
	for (size_t i = 0; i < FIXTURE_COUNT; i++) {
		const struct fixture *fx = &FIXTURES[i];

		check_prefixes(t, fx->data, *fx->size, needed_end(fx->view),
			       *fx->size <= (uint64_t)64 * 1024);
	}
}
