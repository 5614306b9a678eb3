/* SPDX-License-Identifier: MIT */
/*
 * Turning the bytes of a static x86-64 ELF executable into a checked load
 * plan: the memory a user program needs (segments with their protections),
 * its entry point and what the initial stack's auxiliary vector reports
 * (AT_PHDR, AT_PHNUM, AT_PHENT, AT_ENTRY), and its TLS template. The
 * parser is pure and freestanding: the kernel, host tools and tests share
 * it. It reads the ELF header and each program header once, into locals,
 * and decides only on those copies; it never interprets segment contents.
 *
 * Accepted: ELFCLASS64, ELFDATA2LSB, EV_CURRENT, EM_X86_64, OS ABI System V
 * or GNU/Linux; ET_EXEC, or ET_DYN without PT_INTERP (a static PIE, which
 * relocates itself: its plan is relative to a load base the caller picks
 * and applies with elf_plan_rebase()). The rules on program headers are
 * listed in docs/ARCHITECTURE.md ("User programs: ELF load plans");
 * references are to the System V gABI (chapter 5, program loading) and
 * the x86-64 psABI.
 *
 * The plan keeps no pointer into the image. elf_segment_copy() and
 * elf_segment_copy_page() copy segment bytes from the image afterwards; if
 * the image can change in between (memory shared with someone else), the
 * caller must give the parser and the copies a private copy of it, or the
 * program headers in memory may differ from the ones checked.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "svsm/err.h"

/** Page size of every mapping a plan describes. */
#define ELF_PAGE_SIZE 4096U
/** At most this many program headers (e_phnum). */
#define ELF_MAX_PHNUM 64U
/** At most this many non-empty PT_LOAD segments in a plan. */
#define ELF_MAX_SEGMENTS 8U
/** The lowest `min_va` limits may give: page 0 and its neighbours stay
 * unmapped, so that NULL-based accesses fault. */
#define ELF_MIN_VA 0x10000ULL
/** The end of the lower canonical half on 4-level paging: user addresses
 * stay below it. */
#define ELF_USER_TOP 0x800000000000ULL
/** The size of one ELF64 program header (gABI, Elf64_Phdr). */
#define ELF_PHENT_SIZE 56U

/** Segment protections in a plan (the values of Linux's PROT_*). */
#define ELF_PROT_READ 0x1U
#define ELF_PROT_WRITE 0x2U
#define ELF_PROT_EXEC 0x4U

/** Where and how much a program may occupy; given by the caller. */
struct elf_limits {
	/** The lowest address a segment may use: page-aligned and at least
	 * ELF_MIN_VA. */
	uint64_t min_va;
	/** The first address above the range: page-aligned, at most
	 * ELF_USER_TOP. */
	uint64_t max_va;
	/** The most memory all segments together may take, counted in
	 * whole pages. */
	uint64_t max_bytes;
};

/**
 * One PT_LOAD segment: `memsz` bytes at `vaddr`, of which the first
 * `filesz` come from the image at `offset` and the rest are zero. It is
 * mapped in whole pages, from elf_segment_map_va() for
 * elf_segment_map_size() bytes; no two segments share a page.
 */
struct elf_segment {
	uint64_t vaddr;
	uint64_t memsz;
	uint64_t offset;
	uint64_t filesz;
	uint32_t prot; /**< ELF_PROT_*; never both WRITE and EXEC */
};

/** The TLS template of PT_TLS (psABI: the initial image and its size). */
struct elf_tls {
	uint64_t vaddr;	 /**< of the initial image (.tdata) */
	uint64_t filesz; /**< bytes of initial image */
	uint64_t memsz;	 /**< the whole template: .tdata and .tbss */
	uint64_t align;	 /**< a power of two; 1 when PT_TLS gave 0 */
};

/** A checked load plan. */
struct elf_plan {
	uint64_t entry;	   /**< AT_ENTRY */
	uint64_t phdr_va;  /**< AT_PHDR: the program headers in memory */
	uint64_t base;	   /**< what elf_plan_rebase() added; 0 for ET_EXEC */
	uint64_t align;	   /**< the largest PT_LOAD p_align */
	uint64_t mem_size; /**< pages of all segments, in bytes */
	/** p_memsz of PT_GNU_STACK (a stack size hint, often 0). */
	uint64_t stack_size;
	struct elf_limits lim; /**< the limits the plan was checked against */
	struct elf_tls tls;    /**< valid when `has_tls` */
	uint32_t segment_count;
	uint16_t phnum; /**< AT_PHNUM */
	uint16_t phent; /**< AT_PHENT (ELF_PHENT_SIZE) */
	bool is_pie;	/**< ET_DYN: addresses are relative to `base` */
	/** The addresses are final: ET_EXEC, or a PIE after
	 * elf_plan_rebase(). Only a placed plan may be loaded. */
	bool is_placed;
	bool has_tls;
	bool has_gnu_stack; /**< PT_GNU_STACK was present (never PF_X) */
	/** Sorted by address, pages disjoint. */
	struct elf_segment segments[ELF_MAX_SEGMENTS];
};

/** The first address of the pages that hold `seg`. */
static inline uint64_t elf_segment_map_va(const struct elf_segment *seg)
{
	return seg->vaddr & ~(uint64_t)(ELF_PAGE_SIZE - 1);
}

/** The size of the pages that hold `seg`, in bytes. */
static inline uint64_t elf_segment_map_size(const struct elf_segment *seg)
{
	uint64_t end = (seg->vaddr + seg->memsz + ELF_PAGE_SIZE - 1) &
		       ~(uint64_t)(ELF_PAGE_SIZE - 1);

	return end - elf_segment_map_va(seg);
}

/**
 * Checks the ELF executable at `image` (`size` bytes, untrusted) against
 * every rule of this loader and the limits `lim`, and fills `out` with its
 * load plan. On failure writes a one-line reason to `why` (when
 * `why_size` > 0), leaves `out` untouched and returns SVSM_ERR_INVAL
 * (malformed), SVSM_ERR_UNSUPPORTED (a valid ELF this loader does not
 * run: another machine or type, a dynamically linked program),
 * SVSM_ERR_RANGE (outside `lim`) or SVSM_ERR_PERM (a writable and
 * executable segment, an executable stack).
 */
enum svsm_err elf_load_plan(const void *image, size_t size,
			    const struct elf_limits *lim, struct elf_plan *out,
			    char *why, size_t why_size) SVSM_MUST_CHECK;

/**
 * Places the PIE plan `plan` at `base`: adds `base` to every address and
 * checks the result against the plan's limits. `base` must be a multiple
 * of the page size and of `plan->align`. Returns SVSM_ERR_INVAL for a
 * plan that is not an unplaced PIE or a misaligned base, SVSM_ERR_RANGE
 * when a segment would leave the limits; `plan` is then unchanged.
 */
enum svsm_err elf_plan_rebase(struct elf_plan *plan,
			      uint64_t base) SVSM_MUST_CHECK;

/**
 * Fills `dst`, which stands for the pages of segment `index` of `plan`
 * (elf_segment_map_size() bytes from elf_segment_map_va()), with the
 * segment's image bytes from `image` (`size` bytes, the image `plan` was
 * made from) and zeroes everywhere else: before the segment in its first
 * page, the bss tail and the rest of the last page. Bytes of `dst` past
 * the mapping size are left alone. Returns SVSM_ERR_INVAL for a bad
 * index, SVSM_ERR_RANGE when `dst_size` is smaller than the mapping or the
 * segment's bytes are not inside `size`; `dst` is then untouched.
 */
enum svsm_err elf_segment_copy(const struct elf_plan *plan, uint32_t index,
			       const void *image, size_t size, void *dst,
			       size_t dst_size) SVSM_MUST_CHECK;

/**
 * As elf_segment_copy(), for one page only: fills the ELF_PAGE_SIZE bytes
 * at `dst` with page `page` (counted from 0) of segment `index`'s pages,
 * for a loader that reaches the pages one at a time through a window.
 * SVSM_ERR_RANGE also when `page` is past the segment's last page.
 */
enum svsm_err elf_segment_copy_page(const struct elf_plan *plan, uint32_t index,
				    const void *image, size_t size,
				    uint64_t page, void *dst) SVSM_MUST_CHECK;
