/* SPDX-License-Identifier: MIT */
/*
 * The contract between the SNP entry stub (arch/x86/boot/snp_stub.S) and
 * `igvmbld`, which embeds the stub's flat binary, patches its data block
 * and places it in its own page of the kernel region. Included from both
 * assembly (offsets only) and C (the block as a struct, checked against
 * the offsets).
 *
 * Stub entry contract (the SNP boot VMSA): 32-bit protected mode, paging
 * off, flat 4 GiB segments, interrupts off, EIP = stub page GPA +
 * SNP_STUB_ENTRY_OFFSET, EBX = stub page GPA. No stack is needed.
 */
#pragma once

/* Where the code starts and where the data block sits in the page. */
#define SNP_STUB_ENTRY_OFFSET 0x0
#define SNP_STUB_DATA_OFFSET 0xF00

/* "SNPSTUB1" as a little-endian u64: marks an unpatched data block. */
#define SNP_STUB_MAGIC 0x3142555453504E53

/* Data block fields (byte offsets from SNP_STUB_DATA_OFFSET). */
#define SNP_STUB_D_MAGIC 0x00
#define SNP_STUB_D_PT_PBASE 0x08 /* patched: page-table pages start */
#define SNP_STUB_D_PT_PEND 0x10	 /* patched: page-table pages end */
#define SNP_STUB_D_CR3 0x18	 /* patched: PML4 physical address */
#define SNP_STUB_D_CPUID_PA 0x20 /* patched: SNP CPUID page */
#define SNP_STUB_D_ENTRY 0x28	 /* patched: kernel entry (64-bit VA) */
#define SNP_STUB_D_LAUNCH 0x30	 /* patched: launch-info VA, for RDI */
#define SNP_STUB_D_STACK 0x38	 /* patched: boot stack top, for RSP */
#define SNP_STUB_D_FAR 0x40	 /* runtime: m16:32 pointer to 64-bit code */
#define SNP_STUB_D_GDTR 0x4A	 /* runtime: u16 limit then u32 base */
#define SNP_STUB_D_GDT 0x50	 /* three descriptors, filled by the stub */
#define SNP_STUB_DATA_SIZE 0x68

/* Selectors of the stub's GDT: the ones the launch contract names. */
#define SNP_STUB_SEL_CODE64 0x08
#define SNP_STUB_SEL_DATA 0x10

#ifndef __ASSEMBLY__

#include <stddef.h>
#include <stdint.h>

#include "uapi/svsm/launch.h"

/** The stub's data block, as `igvmbld` patches it. */
struct snp_stub_data {
	uint64_t magic;
	uint64_t pt_pbase;
	uint64_t pt_pend;
	uint64_t cr3;
	uint64_t cpuid_pa;
	uint64_t kernel_entry;
	uint64_t launch_info_va;
	uint64_t stack_top;
	uint32_t far_offset;
	uint16_t far_selector;
	uint16_t reserved0;
	uint16_t reserved1;
	uint16_t gdtr_limit;
	uint32_t gdtr_base;
	uint64_t gdt[3];
} __attribute__((packed));

_Static_assert(sizeof(struct snp_stub_data) == SNP_STUB_DATA_SIZE, "block");
_Static_assert(offsetof(struct snp_stub_data, pt_pbase) == SNP_STUB_D_PT_PBASE,
	       "pt_pbase");
_Static_assert(offsetof(struct snp_stub_data, pt_pend) == SNP_STUB_D_PT_PEND,
	       "pt_pend");
_Static_assert(offsetof(struct snp_stub_data, cr3) == SNP_STUB_D_CR3, "cr3");
_Static_assert(offsetof(struct snp_stub_data, cpuid_pa) == SNP_STUB_D_CPUID_PA,
	       "cpuid_pa");
_Static_assert(offsetof(struct snp_stub_data, kernel_entry) == SNP_STUB_D_ENTRY,
	       "kernel_entry");
_Static_assert(offsetof(struct snp_stub_data, launch_info_va) ==
		       SNP_STUB_D_LAUNCH,
	       "launch_info_va");
_Static_assert(offsetof(struct snp_stub_data, stack_top) == SNP_STUB_D_STACK,
	       "stack_top");
_Static_assert(offsetof(struct snp_stub_data, far_offset) == SNP_STUB_D_FAR,
	       "far pointer");
_Static_assert(offsetof(struct snp_stub_data, gdtr_limit) == SNP_STUB_D_GDTR,
	       "gdtr");
_Static_assert(offsetof(struct snp_stub_data, gdt) == SNP_STUB_D_GDT, "gdt");
_Static_assert(SNP_STUB_SEL_CODE64 == SVSM_SEL_CODE64, "launch.h selector");
_Static_assert(SNP_STUB_SEL_DATA == SVSM_SEL_DATA, "launch.h selector");
_Static_assert(SNP_STUB_DATA_OFFSET + SNP_STUB_DATA_SIZE <= 4096, "one page");

#endif /* __ASSEMBLY__ */
