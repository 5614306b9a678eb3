// SPDX-License-Identifier: MIT
/*
 * The helpers of elf_check.h, shared by the ELF loader's unit tests.
 */
#include "elf_check.h"

#include <stdlib.h>
#include <string.h>

#define MIB (1024ULL * 1024ULL)

const struct elf_limits ELF_TEST_LIM = {
	.min_va = ELF_MIN_VA,
	.max_va = 0x10000000ULL,
	.max_bytes = 64 * MIB,
};

static bool segments_equal(const struct elf_segment *a,
			   const struct elf_segment *b)
{
	return a->vaddr == b->vaddr && a->memsz == b->memsz &&
	       a->offset == b->offset && a->filesz == b->filesz &&
	       a->prot == b->prot;
}

/** Compares two plans field by field; see elf_check.h. */
bool elf_plans_equal(const struct elf_plan *a, const struct elf_plan *b)
{
	if (a->entry != b->entry || a->phdr_va != b->phdr_va ||
	    a->base != b->base || a->align != b->align ||
	    a->mem_size != b->mem_size || a->stack_size != b->stack_size ||
	    a->lim.min_va != b->lim.min_va || a->lim.max_va != b->lim.max_va ||
	    a->lim.max_bytes != b->lim.max_bytes ||
	    a->tls.vaddr != b->tls.vaddr || a->tls.filesz != b->tls.filesz ||
	    a->tls.memsz != b->tls.memsz || a->tls.align != b->tls.align ||
	    a->segment_count != b->segment_count || a->phnum != b->phnum ||
	    a->phent != b->phent || a->is_pie != b->is_pie ||
	    a->is_placed != b->is_placed || a->has_tls != b->has_tls ||
	    a->has_gnu_stack != b->has_gnu_stack) {
		return false;
	}
	for (uint32_t i = 0; i < ELF_MAX_SEGMENTS; i++) {
		if (!segments_equal(&a->segments[i], &b->segments[i])) {
			return false;
		}
	}
	return true;
}

/** Checks the verdict on an image; see elf_check.h. */
bool elf_expect_verdict(struct test_ctx *t, const uint8_t *img, size_t size,
			const struct elf_limits *lim, enum svsm_err want,
			const char *want_why)
{
	struct elf_plan out;
	struct elf_plan before;
	char why[160] = "";
	enum svsm_err err;
	bool is_ok;

	memset(&out, 0xa5, sizeof(out));
	memset(&before, 0xa5, sizeof(before));
	err = elf_load_plan(img, size, lim, &out, why, sizeof(why));
	is_ok = test_check_err(t, err, want, want_why, __FILE__, __LINE__);
	if (want == SVSM_OK) {
		return is_ok;
	}
	is_ok &=
		test_check_true(t, strstr(why, want_why) != NULL,
				"reason names the problem", __FILE__, __LINE__);
	is_ok &= test_check_true(t, strchr(why, '\n') == NULL,
				 "reason is one line", __FILE__, __LINE__);
	is_ok &= test_check_true(t, elf_plans_equal(&out, &before),
				 "output untouched", __FILE__, __LINE__);
	if (!is_ok) {
		test_diag(t, "reason given: \"%s\"", why);
	}
	return is_ok;
}

/**
 * Checks the copy of segment `i` of `plan` in `dst` (its mapping, then 64
 * guard bytes of 0x5a): zeroes, the file bytes, zeroes, the guard.
 */
static void check_copy(struct test_ctx *t, const struct elf_plan *plan,
		       uint32_t i, const uint8_t *image, const uint8_t *dst)
{
	static const uint8_t zero_page[ELF_PAGE_SIZE];
	const struct elf_segment *seg = &plan->segments[i];
	uint64_t map_size = elf_segment_map_size(seg);
	uint64_t head = seg->vaddr - elf_segment_map_va(seg);

	EXPECT_MEMEQ(dst, zero_page, head);
	EXPECT_MEMEQ(dst + head, image + seg->offset, seg->filesz);
	for (uint64_t off = head + seg->filesz; off < map_size; off++) {
		if (dst[off] != 0) {
			EXPECT_EQ(dst[off], 0);
			test_diag(t, "segment %u byte 0x%llx", i,
				  (unsigned long long)off);
			break;
		}
	}
	EXPECT_EQ(dst[map_size], 0x5a);
	EXPECT_EQ(dst[map_size + 63], 0x5a);
}

/** Checks the copies of every segment; see elf_check.h. */
void elf_check_copies(struct test_ctx *t, const struct elf_plan *plan,
		      const uint8_t *image, size_t size)
{
	for (uint32_t i = 0; i < plan->segment_count; i++) {
		uint64_t map_size = elf_segment_map_size(&plan->segments[i]);
		uint8_t *dst = malloc(map_size + 64);
		uint8_t *page = malloc(ELF_PAGE_SIZE);

		if (dst != NULL && page != NULL) {
			memset(dst, 0x5a, map_size + 64);
			EXPECT_OK(elf_segment_copy(plan, i, image, size, dst,
						   map_size + 64));
			for (uint64_t p = 0; p < map_size / ELF_PAGE_SIZE;
			     p++) {
				EXPECT_OK(elf_segment_copy_page(plan, i, image,
								size, p, page));
				EXPECT_MEMEQ(page, dst + p * ELF_PAGE_SIZE,
					     ELF_PAGE_SIZE);
			}
			check_copy(t, plan, i, image, dst);
		} else {
			EXPECT_TRUE(dst != NULL && page != NULL);
		}
		free(dst);
		free(page);
	}
}
