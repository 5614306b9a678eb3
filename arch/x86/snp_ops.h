/* SPDX-License-Identifier: MIT */
/*
 * The backend through which the SEV-SNP platform code (plat/snp) reaches
 * the hardware: the instructions of arch/snp.h and a mapping of guest
 * pages. In the kernel it is arch/x86/snp_ops.c (the instructions
 * themselves, the per-CPU temporary window); in the host tests it is the
 * SNP model in tests/models/snp, which keeps an RMP and a GHCB responder
 * and enforces the rules of the APM and the GHCB specification. The
 * platform code is compiled unmodified against either.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "arch/snp.h"

/** PVALIDATE of the page mapped at `va` (see pvalidate()). */
struct snp_pval_status snp_hw_pvalidate(void *va, bool huge, bool validate);
/** RMPADJUST of the page mapped at `va` (see rmpadjust()). */
uint32_t snp_hw_rmpadjust(void *va, bool huge, uint64_t attrs);
/** Reads the GHCB MSR. */
uint64_t snp_hw_ghcb_msr_read(void);
/** Writes the GHCB MSR. */
void snp_hw_ghcb_msr_write(uint64_t val);
/** VMGEXIT. */
void snp_hw_vmgexit(void);
/**
 * Stops this CPU for good after a termination request. On hardware it
 * never returns; the model records it and returns, so that a test can
 * look at what was left behind.
 */
void snp_hw_halt(void);
/**
 * Maps the 4 KiB page (or, `huge`, the 2 MiB page) at guest-physical
 * `gpa` for the SVSM; NULL when no mapping can be made now.
 */
void *snp_hw_map(uint64_t gpa, bool huge);
/** Unmaps what snp_hw_map() returned. */
void snp_hw_unmap(void *va, bool huge);
/** Reads SEV_STATUS (MSR C001_0131; never intercepted, no #VC). */
uint64_t snp_hw_sev_status(void);
/**
 * Makes the kernel's own 4 KiB mapping of the page at `va` a shared one:
 * clears the C-bit `cbit` in its page-table entry and flushes it. Only
 * for a page already made shared (rescinded, page-state change). The
 * shared mapping (the same address), or NULL if `va` has no such entry.
 */
void *snp_hw_map_shared(void *va, uint8_t cbit);
