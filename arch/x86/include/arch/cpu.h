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
#define CR0_WP (1ULL << 16)
#define CR0_PG (1ULL << 31)

#define CR4_PAE (1ULL << 5)
#define CR4_PGE (1ULL << 7)
#define CR4_UMIP (1ULL << 11)
#define CR4_SMEP (1ULL << 20)
#define CR4_SMAP (1ULL << 21)

#define RFLAGS_IF (1ULL << 9)
#define RFLAGS_AC (1ULL << 18)

#define GDT_SEL_CODE64 SVSM_SEL_CODE64
#define GDT_SEL_DATA SVSM_SEL_DATA
#define GDT_SEL_TSS 0x18U

/**
 * Loads this CPU's GDT (with a TSS whose IST stacks come from the launch
 * info), reloads the segment registers and installs the IDT.
 */
void cpu_init_tables(const struct svsm_launch_info *li);
/** Turns on WP, SMEP, SMAP, UMIP (where present) and checks NXE. */
void cpu_init_protections(void);
