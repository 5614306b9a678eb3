// SPDX-License-Identifier: MIT
/*
 * Using a checked ELF load plan (include/svsm/elf_load.h): placing a PIE
 * at the load base the caller chose, and filling the pages of a segment
 * from the image, whole or one page at a time. The plan came from
 * elf_load_plan(), so its addresses are below ELF_USER_TOP and no sum of
 * an address and a size here can wrap; the image may be another buffer
 * than the one parsed, so the segment's file range is checked against it
 * again before any byte is copied.
 */
#include "svsm/elf_load.h"
#include "svsm/string.h"

#define PAGE_MASK ((uint64_t)ELF_PAGE_SIZE - 1)

/** Whether [off, off + len) lies inside a buffer of `size` bytes. */
static bool in_file(uint64_t off, uint64_t len, size_t size)
{
	return off <= size && len <= size - off;
}

static uint64_t map_end(const struct elf_segment *seg)
{
	return elf_segment_map_va(seg) + elf_segment_map_size(seg);
}

/** Places a PIE plan at `base`; see elf_load.h. */
enum svsm_err elf_plan_rebase(struct elf_plan *plan, uint64_t base)
{
	uint64_t first;
	uint64_t last;

	if (!plan->is_pie || plan->is_placed || plan->segment_count == 0 ||
	    plan->segment_count > ELF_MAX_SEGMENTS || (base & PAGE_MASK) != 0 ||
	    (base & (plan->align - 1)) != 0) {
		return SVSM_ERR_INVAL;
	}
	first = elf_segment_map_va(&plan->segments[0]);
	last = map_end(&plan->segments[plan->segment_count - 1]);
	/* Every address in a plan is below ELF_USER_TOP: no sum wraps. */
	if (base >= ELF_USER_TOP || base + first < plan->lim.min_va ||
	    base + last > plan->lim.max_va) {
		return SVSM_ERR_RANGE;
	}
	plan->entry += base;
	plan->phdr_va += base;
	if (plan->has_tls) {
		plan->tls.vaddr += base;
	}
	for (uint32_t i = 0; i < plan->segment_count; i++) {
		plan->segments[i].vaddr += base;
	}
	plan->base = base;
	plan->is_placed = true;
	return SVSM_OK;
}

/**
 * Fills `len` bytes at `dst` with bytes [from, from + len) of the pages
 * of `seg`: image bytes where the segment has them, zeroes elsewhere. The
 * caller checked the ranges.
 */
static void fill_pages(const struct elf_segment *seg, const uint8_t *image,
		       uint64_t from, uint64_t len, uint8_t *dst)
{
	uint64_t file_start = seg->vaddr - elf_segment_map_va(seg);
	uint64_t file_end = file_start + seg->filesz;
	uint64_t lo = from > file_start ? from : file_start;
	uint64_t hi = from + len < file_end ? from + len : file_end;

	if (lo >= hi) {
		memset(dst, 0, len);
		return;
	}
	memset(dst, 0, lo - from);
	memcpy(dst + (lo - from), image + seg->offset + (lo - file_start),
	       hi - lo);
	memset(dst + (hi - from), 0, from + len - hi);
}

/** Checks a segment index and that its bytes are inside `size`. */
static const struct elf_segment *copy_source(const struct elf_plan *plan,
					     uint32_t index, size_t size,
					     enum svsm_err *err)
{
	const struct elf_segment *seg;

	*err = SVSM_ERR_INVAL;
	if (index >= plan->segment_count || index >= ELF_MAX_SEGMENTS) {
		return NULL;
	}
	seg = &plan->segments[index];
	*err = SVSM_ERR_RANGE;
	if (!in_file(seg->offset, seg->filesz, size)) {
		return NULL;
	}
	*err = SVSM_OK;
	return seg;
}

/** Copies a whole segment's pages; see elf_load.h. */
enum svsm_err elf_segment_copy(const struct elf_plan *plan, uint32_t index,
			       const void *image, size_t size, void *dst,
			       size_t dst_size)
{
	const struct elf_segment *seg;
	enum svsm_err err;

	seg = copy_source(plan, index, size, &err);
	if (seg == NULL) {
		return err;
	}
	if (dst_size < elf_segment_map_size(seg)) {
		return SVSM_ERR_RANGE;
	}
	fill_pages(seg, image, 0, elf_segment_map_size(seg), dst);
	return SVSM_OK;
}

/** Copies one page of a segment; see elf_load.h. */
enum svsm_err elf_segment_copy_page(const struct elf_plan *plan, uint32_t index,
				    const void *image, size_t size,
				    uint64_t page, void *dst)
{
	const struct elf_segment *seg;
	enum svsm_err err;

	seg = copy_source(plan, index, size, &err);
	if (seg == NULL) {
		return err;
	}
	if (page >= elf_segment_map_size(seg) / ELF_PAGE_SIZE) {
		return SVSM_ERR_RANGE;
	}
	fill_pages(seg, image, page * ELF_PAGE_SIZE, ELF_PAGE_SIZE, dst);
	return SVSM_OK;
}
