/* SPDX-License-Identifier: MIT */
/*
 * Control-register bits (Intel SDM vol. 3A, 2.5) and the per-CPU setup of
 * descriptor tables, protections and the exception path.
 */
#pragma once

#include <stdint.h>

#include "uapi/svsm/launch.h"

#define CR0_PE (1ULL << 0)
#define CR0_MP (1ULL << 1)
#define CR0_ET (1ULL << 4)
#define CR0_NE (1ULL << 5)
#define CR0_WP (1ULL << 16)
#define CR0_PG (1ULL << 31)

#define CR4_PAE (1ULL << 5)
#define CR4_PGE (1ULL << 7)
#define CR4_UMIP (1ULL << 11)
#define CR4_SMEP (1ULL << 20)
#define CR4_SMAP (1ULL << 21)

#define RFLAGS_FIXED (1ULL << 1) /* always 1 */
#define RFLAGS_TF (1ULL << 8)
#define RFLAGS_IF (1ULL << 9)
#define RFLAGS_DF (1ULL << 10)
#define RFLAGS_NT (1ULL << 14)
#define RFLAGS_AC (1ULL << 18)
/* What user code may set: CF PF AF ZF SF DF OF. IF is forced on; TF,
 * IOPL, NT, AC and the rest are the kernel's. */
#define RFLAGS_USER_MASK 0x0CD5ULL

#define GDT_SEL_CODE64 SVSM_SEL_CODE64
#define GDT_SEL_DATA SVSM_SEL_DATA
#define GDT_SEL_TSS 0x18U
/*
 * User segments, placed for SYSRET (STAR[63:48] = 0x20): it loads SS from
 * 0x20 + 8 and CS from 0x20 + 16, both with RPL 3.
 */
#define GDT_SEL_UDATA 0x28U
#define GDT_SEL_UCODE64 0x30U
#define GDT_SYSRET_BASE 0x20U
#define USER_CS (GDT_SEL_UCODE64 | 3U)
#define USER_SS (GDT_SEL_UDATA | 3U)
/* null, code64, data, TSS (two slots), user data, user code64 */
#define GDT_ENTRIES 7U

/** The 64-bit TSS (SDM vol. 3A, figure 7-11). */
struct tss64 {
	uint32_t reserved0;
	uint64_t rsp[3];
	uint64_t reserved1;
	uint64_t ist[7];
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap_base;
} __attribute__((packed));
_Static_assert(sizeof(struct tss64) == 104, "TSS64");

/**
 * One CPU's GDT and TSS. The boot CPU's live in the image; each AP's in
 * its per-CPU data, so its IST stacks are its own. The IDT is shared.
 */
struct cpu_tables {
	uint64_t gdt[GDT_ENTRIES];
	uint64_t reserved; /* keeps `tss` 16-byte aligned */
	struct tss64 tss;
} __attribute__((aligned(16)));
_Static_assert(GDT_ENTRIES % 2U == 1U, "`reserved` aligns the TSS");

/**
 * Loads this CPU's GDT (with a TSS whose IST stacks come from the launch
 * info), reloads the segment registers and installs the IDT.
 */
void cpu_init_tables(const struct svsm_launch_info *li);
/**
 * Fills `t` for a CPU that will see it at virtual address `va` (the boot
 * CPU fills an AP's tables through the temporary window): GDT, and a TSS
 * whose IST stacks (#DF, NMI, #MC) have tops `ist_top`.
 */
void cpu_tables_fill(struct cpu_tables *t, uint64_t va,
		     const uint64_t ist_top[SVSM_IST_COUNT]);
/**
 * Loads this CPU's GDT (`t`, as filled by cpu_tables_fill() for its own
 * address), reloads the segment registers and the task register, and
 * installs the shared IDT that cpu_init_tables() built.
 */
void cpu_load_tables(struct cpu_tables *t);
/** The boot CPU's TSS (each AP's is in its per-CPU data). */
struct tss64 *cpu_boot_tss(void);
/**
 * Sets up SYSCALL/SYSRET on this CPU: EFER.SCE, the selectors in STAR,
 * the entry point in LSTAR and the flags SYSCALL clears (IF, TF, DF, AC,
 * NT) in FMASK.
 */
void cpu_init_syscall(void);
/** Turns on WP, SMEP, SMAP, UMIP (where present) and checks NXE. */
void cpu_init_protections(void);
