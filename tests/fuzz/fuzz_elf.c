// SPDX-License-Identifier: MIT
/*
 * libFuzzer target for the ELF load plan (lib/elf/elf_load.c). Each input
 * is parsed as an executable. A refusal must come with a one-line reason.
 * An accepted plan is checked against what elf_load.h promises (segments
 * sorted, on disjoint pages, inside the limits, never writable and
 * executable, their file bytes inside the input; entry point, program
 * headers and TLS image inside file bytes of a segment), a PIE is placed
 * at a fixed base and checked again, and every segment is copied, whole
 * into a bounded buffer when it fits and page by page at both ends, and
 * compared with the input.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "svsm/elf_load.h"

/* The entry point libFuzzer calls; its name is fixed by libFuzzer. */
/* NOLINTNEXTLINE(readability-identifier-naming) */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define COPY_MAX ((size_t)1 << 20)
#define PIE_BASE 0x555555554000ULL

static const struct elf_limits LIM = {
	.min_va = ELF_MIN_VA,
	.max_va = 0x7ffffffff000ULL,
	.max_bytes = 1ULL << 30,
};

static uint8_t copy_buf[COPY_MAX];
static uint8_t page_buf[ELF_PAGE_SIZE];

/** Whether [va, va + len) is file bytes of some segment of `plan`. */
static bool in_file_bytes(const struct elf_plan *plan, uint64_t va,
			  uint64_t len)
{
	for (uint32_t i = 0; i < plan->segment_count; i++) {
		const struct elf_segment *s = &plan->segments[i];

		if (va >= s->vaddr && va - s->vaddr <= s->filesz &&
		    len <= s->filesz - (va - s->vaddr)) {
			return true;
		}
	}
	return false;
}

/** Aborts if a plan breaks a promise of elf_load.h. */
static void check_plan(const struct elf_plan *plan, size_t size)
{
	uint64_t mem = 0;

	if (plan->segment_count == 0 ||
	    plan->segment_count > ELF_MAX_SEGMENTS ||
	    plan->phent != ELF_PHENT_SIZE || plan->phnum == 0 ||
	    plan->phnum > ELF_MAX_PHNUM) {
		abort();
	}
	for (uint32_t i = 0; i < plan->segment_count; i++) {
		const struct elf_segment *s = &plan->segments[i];
		uint64_t end = elf_segment_map_va(s) + elf_segment_map_size(s);

		if ((s->prot & (ELF_PROT_WRITE | ELF_PROT_EXEC)) ==
			    (ELF_PROT_WRITE | ELF_PROT_EXEC) ||
		    s->memsz == 0 || s->filesz > s->memsz || s->offset > size ||
		    s->filesz > size - s->offset || end > ELF_USER_TOP) {
			abort();
		}
		if (plan->is_placed &&
		    (elf_segment_map_va(s) < LIM.min_va || end > LIM.max_va)) {
			abort();
		}
		if (i > 0 &&
		    elf_segment_map_va(s) <
			    elf_segment_map_va(&plan->segments[i - 1]) +
				    elf_segment_map_size(
					    &plan->segments[i - 1])) {
			abort();
		}
		mem += elf_segment_map_size(s);
	}
	if (mem != plan->mem_size || mem > LIM.max_bytes ||
	    !in_file_bytes(plan, plan->entry, 1) ||
	    !in_file_bytes(plan, plan->phdr_va,
			   (uint64_t)plan->phnum * ELF_PHENT_SIZE) ||
	    (plan->has_tls && plan->tls.filesz > 0 &&
	     !in_file_bytes(plan, plan->tls.vaddr, plan->tls.filesz))) {
		abort();
	}
}

/** Copies every segment and compares the copies with the input. */
static void check_copies(const struct elf_plan *plan, const uint8_t *data,
			 size_t size)
{
	for (uint32_t i = 0; i < plan->segment_count; i++) {
		const struct elf_segment *s = &plan->segments[i];
		uint64_t map_size = elf_segment_map_size(s);
		uint64_t head = s->vaddr - elf_segment_map_va(s);
		uint64_t last = map_size / ELF_PAGE_SIZE - 1;

		if (map_size <= COPY_MAX) {
			memset(copy_buf, 0xff, map_size);
			if (elf_segment_copy(plan, i, data, size, copy_buf,
					     COPY_MAX) != SVSM_OK ||
			    memcmp(copy_buf + head, data + s->offset,
				   s->filesz) != 0 ||
			    copy_buf[0] != (head == 0 && s->filesz > 0
						    ? data[s->offset]
						    : 0) ||
			    (head + s->filesz < map_size &&
			     copy_buf[map_size - 1] != 0)) {
				abort();
			}
		}
		if (elf_segment_copy_page(plan, i, data, size, 0, page_buf) !=
			    SVSM_OK ||
		    elf_segment_copy_page(plan, i, data, size, last,
					  page_buf) != SVSM_OK ||
		    elf_segment_copy_page(plan, i, data, size, last + 1,
					  page_buf) != SVSM_ERR_RANGE) {
			abort();
		}
	}
}

/** Parses one input and checks whatever comes out. */
/* NOLINTNEXTLINE(readability-identifier-naming) */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct elf_plan plan;
	char why[160] = "";

	if (elf_load_plan(data, size, &LIM, &plan, why, sizeof(why)) !=
	    SVSM_OK) {
		if (why[0] == '\0' || strchr(why, '\n') != NULL) {
			abort();
		}
		return 0;
	}
	check_plan(&plan, size);
	check_copies(&plan, data, size);
	if (plan.is_pie) {
		const struct elf_segment *l =
			&plan.segments[plan.segment_count - 1];
		bool fits = PIE_BASE % plan.align == 0 &&
			    PIE_BASE + elf_segment_map_va(l) +
					    elf_segment_map_size(l) <=
				    LIM.max_va;

		if ((elf_plan_rebase(&plan, PIE_BASE) == SVSM_OK) != fits) {
			abort();
		}
		if (fits) {
			check_plan(&plan, size);
		}
	}
	return 0;
}
