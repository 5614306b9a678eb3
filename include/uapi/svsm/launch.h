/* SPDX-License-Identifier: MIT */
/*
 * The launch contract between `igvmbld`, which lays out the whole image at
 * build time, and the kernel's entry code. docs/BOOT.md describes the
 * layout; this header is the authoritative list of numbers and fields.
 *
 * Entry contract (native platform, and the SNP entry stub once it has
 * applied the C-bit): 64-bit long mode, paging on with CR3 = the build-time
 * page tables, interrupts off, RSP = top of the boot stack, RDI = virtual
 * address of `struct svsm_launch_info`, RSI = `enum`-style platform number
 * (`SVSM_LAUNCH_PLATFORM_*`). All other registers are undefined.
 */
#pragma once

#include <stdint.h>

#define SVSM_LAUNCH_MAGIC 0x48434E55414C5653ULL /* "SVLAUNCH" */
/* Version 2: `ramfs_va` and `ramfs_size` took two of the reserved words. */
#define SVSM_LAUNCH_VERSION 2U

#define SVSM_LAUNCH_PLATFORM_NATIVE 0U
#define SVSM_LAUNCH_PLATFORM_SNP 1U
#define SVSM_LAUNCH_PLATFORM_TDX 2U

/*
 * Fixed guest-physical and virtual layout chosen by csvsm. The kernel
 * region is physically contiguous; the kernel ELF is linked at
 * SVSM_KERNEL_VBASE and placed at SVSM_KERNEL_PBASE + (vaddr - VBASE).
 */
#define SVSM_KERNEL_PBASE 0x00200000ULL
#define SVSM_KERNEL_VBASE 0xFFFFFFFF80000000ULL

/*
 * Build-time identity map, present only until the kernel removes it at
 * entry: PML4[0] -> PDPT[3] -> PD[511] maps [4 GiB - 2 MiB, 4 GiB) with one
 * 2 MiB page, so that a loader's reset code running in the top of the
 * 4 GiB space can switch to the image's page tables and jump to the
 * kernel. (A 2 MiB page rather than 1 GiB: smaller, and some KVM hosts
 * fail 1 GiB guest pages.)
 */
#define SVSM_BOOT_IDMAP_BASE 0xFFE00000ULL
#define SVSM_BOOT_IDMAP_SIZE 0x200000ULL

/* GDT selectors installed by the reset code and by the kernel. */
#define SVSM_SEL_CODE64 0x08U
#define SVSM_SEL_DATA 0x10U

/* Parameter area: one IGVM parameter area, mapped read-write at
 * `param_va`, laid out as follows (byte offsets). */
#define SVSM_PARAM_AREA_INDEX 0U
#define SVSM_PARAM_VP_COUNT_OFFSET 0x0U	 /* u32, written by the loader */
#define SVSM_PARAM_CMDLINE_OFFSET 0x100U /* NUL-terminated ASCII */
#define SVSM_PARAM_CMDLINE_SIZE 0xF00U
#define SVSM_PARAM_MEMMAP_OFFSET 0x1000U /* igvm_memory_map_entry[] */
#define SVSM_PARAM_MEMMAP_SIZE 0x2000U
#define SVSM_PARAM_AREA_SIZE 0x3000U

/* Stacks: every stack has an unmapped guard page below it. */
#define SVSM_BOOT_STACK_SIZE 0x4000U
#define SVSM_IST_STACK_SIZE 0x2000U
#define SVSM_IST_COUNT 3U /* #DF, NMI, #MC */

/*
 * The temporary mapping window: VA pages left unmapped by the builder in
 * one page table that already exists (a boot page-table page, reachable
 * through the page-table window), so that the kernel can map a physical
 * page for a moment without allocating anything.
 */
#define SVSM_TMP_WINDOW_PAGES 16U

/** Symbol table embedded by the builder (kernel text symbols, sorted). */
struct svsm_symtab_header {
	uint32_t magic;		/* SVSM_SYMTAB_MAGIC */
	uint32_t count;		/* number of entries */
	uint32_t strtab_offset; /* from the header start */
	uint32_t strtab_size;
};
_Static_assert(sizeof(struct svsm_symtab_header) == 16, "symtab header");

#define SVSM_SYMTAB_MAGIC 0x4D595353U /* "SSYM" */

/** One symbol; entries follow the header, sorted by `addr`. */
struct svsm_symtab_entry {
	uint64_t addr;
	uint32_t size;
	uint32_t name_offset; /* into the string table */
};
_Static_assert(sizeof(struct svsm_symtab_entry) == 16, "symtab entry");

/**
 * Written by `igvmbld` into a read-only page of the kernel region and
 * passed to the kernel in RDI. Virtual addresses are in the kernel half.
 */
struct svsm_launch_info {
	uint64_t magic;	  /* SVSM_LAUNCH_MAGIC */
	uint32_t version; /* SVSM_LAUNCH_VERSION */
	uint32_t reserved0;
	uint64_t kernel_pbase; /* first byte of the kernel region */
	uint64_t kernel_pend;  /* one past the last byte of the region */
	uint64_t kernel_vbase; /* SVSM_KERNEL_VBASE */
	uint64_t image_vend;   /* end of the last ELF segment */
	uint64_t boot_stack_top;
	uint64_t ist_stack_top[SVSM_IST_COUNT]; /* #DF, NMI, #MC */
	uint64_t param_va;
	uint64_t param_gpa;
	uint64_t param_size;
	uint64_t symtab_va; /* 0 when no symbols */
	uint64_t symtab_size;
	uint64_t pt_root_pa; /* PML4 */
	uint64_t pt_pbase;   /* page-table pages: [pt_pbase, pt_pend) */
	uint64_t pt_pend;
	uint64_t free_pbase; /* first page of the region the layout left free */
	uint64_t vmsa_gpa;   /* SNP boot VMSA, 0 if none */
	uint64_t snp_cpuid_pa;	 /* SNP CPUID page, 0 if none */
	uint64_t snp_secrets_pa; /* SNP secrets page, 0 if none */
	uint64_t pt_window_va;	 /* page-table pages, RW+NX, in order */
	uint64_t tmp_window_va;	 /* SVSM_TMP_WINDOW_PAGES unmapped pages */
	uint64_t ramfs_va;	 /* RAM FS archive (uapi/svsm/ramfs.h), R+NX; 0
				    when the image has none */
	uint64_t ramfs_size;	 /* its size in bytes (whole pages) */
	uint64_t reserved[2];
};
_Static_assert(sizeof(struct svsm_launch_info) == 0xE0, "launch info");
