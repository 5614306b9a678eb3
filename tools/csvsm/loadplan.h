/* SPDX-License-Identifier: MIT */
/*
 * The load plan of `csvsm run`: what an IGVM image's native platform asks
 * a loader to put into guest memory, checked against the RAM that QEMU's
 * q35 machine will have and against the reset shim's ranges, merged into
 * a few contiguous blobs, and the native vCPU context the shim reproduces.
 * Everything here is pure (no I/O, no QEMU), so unit tests drive it with
 * in-memory IGVM entries.
 *
 * The first part (constants) is shared with `shim.S`, which includes this
 * header with __ASSEMBLER__ defined.
 */
#pragma once

/*
 * The reset shim: a 64 KiB ROM given to QEMU with -bios, mapped at
 * [4 GiB - 64 KiB, 4 GiB) and, through QEMU's BIOS alias, below 1 MiB.
 * It starts with a header (magic, then the context block's offset and
 * size as u32), and at SHIM_CTX_OFFSET holds a 4 KiB block that `csvsm
 * run` fills before writing the shim file: the native vCPU context
 * (struct igvm_native_vp_context_x64) at offset 0, then the derived
 * fields below.
 */
#define SHIM_SIZE 0x10000
#define SHIM_BASE 0xFFFF0000
#define SHIM_MAGIC_LO 0x53565343 /* "CSVS" */
#define SHIM_MAGIC_HI 0x4D494853 /* "HSIM" */
#define SHIM_CTX_OFFSET 0x1000
#define SHIM_CTX_SIZE 0x1000
#define SHIM_CODE_OFFSET 0xF000
/* The shim's GDT: SVSM_SEL_CODE64 and SVSM_SEL_DATA of launch.h, which
 * assembly cannot include, and a 32-bit code selector for the switch. */
#define SHIM_SEL_CODE64 0x08
#define SHIM_SEL_DATA 0x10
#define SHIM_SEL_CODE32 0x18

/* Offsets in the context block of the native-context fields the shim uses. */
#define SHIM_CTX_RAX 0x00
#define SHIM_CTX_RCX 0x08
#define SHIM_CTX_RDX 0x10
#define SHIM_CTX_RBX 0x18
#define SHIM_CTX_RSP 0x20
#define SHIM_CTX_RBP 0x28
#define SHIM_CTX_RSI 0x30
#define SHIM_CTX_RDI 0x38
#define SHIM_CTX_R8 0x40
#define SHIM_CTX_R9 0x48
#define SHIM_CTX_R10 0x50
#define SHIM_CTX_R11 0x58
#define SHIM_CTX_R12 0x60
#define SHIM_CTX_R13 0x68
#define SHIM_CTX_R14 0x70
#define SHIM_CTX_R15 0x78
#define SHIM_CTX_RIP 0x80
#define SHIM_CTX_RFLAGS 0x88
#define SHIM_CTX_GS_BASE 0xC0
#define SHIM_CTX_CR0 0xC8
#define SHIM_CTX_CR3 0xD0
#define SHIM_CTX_CR4 0xD8
#define SHIM_CTX_EFER 0xE0
/* Derived by the loader: lgdt/lidt operands (u16 limit, u64 base). */
#define SHIM_CTX_GDTR 0x100
#define SHIM_CTX_IDTR 0x110
/* u32: non-zero if the context names a GDT (else the shim's stays). */
#define SHIM_CTX_HAS_GDTR 0x120
/* CR4 bits the shim sets only once in 64-bit mode (PCIDE, CET). */
#define SHIM_CR4_LATE_BITS 0x00820000

#ifndef __ASSEMBLER__

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "svsm/err.h"

#include "igvm/igvm_file.h"
#include "uapi/svsm/igvm.h"

#define LOADPLAN_PAGE_SIZE 4096U
#define LOADPLAN_RAM_RANGES_MAX 3U
#define LOADPLAN_MAX_PARAMS 64U
#define LOADPLAN_MAX_AREA_SIZE (16U << 20)

/** A range of guest-physical addresses, [base, base + size). */
struct loadplan_range {
	uint64_t base;
	uint64_t size;
};

/** The RAM QEMU's q35 machine gives a VM started with `-m ram_size`. */
struct loadplan_ram {
	uint64_t ram_size;
	uint32_t range_count;
	struct loadplan_range ranges[LOADPLAN_RAM_RANGES_MAX]; /* sorted */
};

/** One 4 KiB page to load; `data` is NULL for a zero page. */
struct loadplan_page {
	uint64_t gpa;
	const uint8_t *data;
};

/** Contiguous pages written as one loader blob: pages[first, first+count). */
struct loadplan_blob {
	uint64_t gpa;
	size_t first_page;
	size_t page_count;
};

/** A declared parameter area and its buffer (owned by the plan). */
struct loadplan_area {
	uint32_t index;
	bool is_inserted;
	uint64_t size;
	uint8_t *buf;
};

/** One parameter usage (VP_COUNT, MEMORY_MAP, ...) in an area. */
struct loadplan_param {
	uint32_t type;
	uint32_t area_index;
	uint32_t byte_offset;
};

/** What the loader knows about the VM it is about to start. */
#define LOADPLAN_MEMMAP_OVERRIDE_MAX 64U

struct loadplan_config {
	uint32_t vp_count;
	const char *cmdline; /* NULL: empty */
	struct loadplan_ram ram;
	uint32_t platform_mask; /* the native platform's compatibility bit */
	/*
	 * When `memmap_override_count` > 0, these entries are written as the
	 * guest's memory map instead of the real one, as given: unsorted,
	 * overlapping or lying. For testing how the guest treats a hostile
	 * host; a terminating zero entry is added.
	 */
	uint32_t memmap_override_count;
	struct igvm_memory_map_entry
		memmap_override[LOADPLAN_MEMMAP_OVERRIDE_MAX];
};

/**
 * Parses a memory-map override: comma-separated `BASE:PAGES[:TYPE]`
 * entries (numbers in C notation, TYPE an IGVM memory-map type, default
 * 0 = MEMORY) into `cfg`. Returns false on a malformed or too long list.
 */
bool loadplan_parse_memmap_override(struct loadplan_config *cfg,
				    const char *spec);

/** The plan: pages, blobs and the boot vCPU's context. */
struct loadplan {
	struct loadplan_config cfg;
	const struct igvm_file *file;
	struct loadplan_page *pages;
	size_t page_count;
	size_t page_cap;
	struct loadplan_blob *blobs;
	size_t blob_count;
	struct loadplan_area *areas;
	uint32_t area_count;
	struct loadplan_param *params;
	uint32_t param_count;
	bool has_ctx;
	struct igvm_native_vp_context_x64 ctx;
};

/**
 * Fills `ram` with the RAM q35 gives for `ram_size` bytes: [0, 0xA0000),
 * [1 MiB, low end) and, above 2.75 GiB of RAM, the rest at 4 GiB.
 */
void loadplan_ram_q35(struct loadplan_ram *ram, uint64_t ram_size);

/**
 * Writes the IGVM memory map of `ram` (MEMORY entries, sorted, then a zero
 * entry) into `buf`; SVSM_ERR_RANGE if `buf_size` bytes cannot hold it.
 */
enum svsm_err loadplan_memory_map(const struct loadplan_ram *ram, void *buf,
				  size_t buf_size) SVSM_MUST_CHECK;

/**
 * Checks that [gpa, gpa + size) may be loaded: not over the reset shim or
 * its low alias, not in the legacy hole [0xA0000, 1 MiB), inside RAM. On
 * failure writes a one-line reason to `why`.
 */
enum svsm_err loadplan_check_range(const struct loadplan_ram *ram, uint64_t gpa,
				   uint64_t size, char *why,
				   size_t why_size) SVSM_MUST_CHECK;

/** Prepares an empty plan for `f` (which must outlive it). */
enum svsm_err loadplan_init(struct loadplan *plan, const struct igvm_file *f,
			    const struct loadplan_config *cfg) SVSM_MUST_CHECK;

/** Frees what the plan owns; idempotent. */
void loadplan_destroy(struct loadplan *plan);

/**
 * Applies one variable-header entry of the file, in file order. Entries
 * for other platforms and the initialization section are skipped.
 */
enum svsm_err loadplan_add_entry(struct loadplan *plan,
				 const struct igvm_entry *e, char *why,
				 size_t why_size) SVSM_MUST_CHECK;

/**
 * After the last entry: checks the context, sorts the pages, refuses
 * overlaps and pages outside the loadable RAM, merges the blobs and
 * checks that the image's page tables identity-map the shim.
 */
enum svsm_err loadplan_finish(struct loadplan *plan, char *why,
			      size_t why_size) SVSM_MUST_CHECK;

/**
 * Checks that `ctx` is a 64-bit context the reset shim can enter: paging
 * with PAE and LME, CR3 below 4 GiB, the shim's selectors, canonical
 * addresses.
 */
enum svsm_err
loadplan_check_context(const struct igvm_native_vp_context_x64 *ctx, char *why,
		       size_t why_size) SVSM_MUST_CHECK;

/**
 * Checks a shim image's header and fills its context block from `ctx`.
 */
enum svsm_err loadplan_fill_shim(uint8_t *shim, size_t shim_size,
				 const struct igvm_native_vp_context_x64 *ctx)
	SVSM_MUST_CHECK;

/** Returns the page loaded at `gpa`, or NULL (pages must be sorted). */
const struct loadplan_page *loadplan_find_page(const struct loadplan *plan,
					       uint64_t gpa);

#endif /* __ASSEMBLER__ */
