/* SPDX-License-Identifier: MIT */
/*
 * User address spaces. A process's address space is the lower half's
 * first PML4 entry: [USER_VA_MIN, USER_VA_MAX), 512 GiB, with page 0 and
 * the first 64 KiB never mapped. Its tables hang under a PML4 page of
 * its own, of which only entry 0 is used; running the process means
 * copying that entry into the running CPU's PML4 (every CPU has its own,
 * mapped at MM_PERCPU_BASE + PERCPU_PML4_OFFSET) and reloading CR3.
 *
 * Pages mapped here are owned by the address space: uspace_destroy()
 * frees them and every table. The kernel reaches them only through the
 * temporary window (uspace_write) or, for the running process, with
 * arch_copy_user() after uspace_range_ok().
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "svsm/err.h"
#include "svsm/pgtable.h"

#define USER_VA_MIN 0x10000ULL
#define USER_VA_MAX 0x8000000000ULL /* PML4 entry 0: 512 GiB */

/* A page kept but made inaccessible (PROT_NONE): not present, with the
 * frame still in the entry. An ignored bit of a 4 KiB PTE (Intel SDM
 * vol. 3A, table 4-19: bits 11:9 are ignored). */
#define PTE_SW_NONE (1ULL << 9)
/* uspace_protect: no access at all (PT_PROT_READ is 0). */
#define USPACE_PROT_NONE 0x100U

/** A user address space. */
struct uspace {
	struct pgtable pt; /**< root: the private PML4 page */
	uint64_t pml4e;	   /**< its entry 0, copied into CPUs' PML4s */
	uint64_t pages;	   /**< pages mapped (owned) */
};

/** Whether [va, va + len) lies in the user range (no overflow). */
static inline bool uspace_range_ok(uint64_t va, uint64_t len)
{
	return va >= USER_VA_MIN && va <= USER_VA_MAX &&
	       len <= USER_VA_MAX - va;
}

/** Creates an empty address space. SVSM_ERR_NOMEM. */
enum svsm_err uspace_create(struct uspace *us) SVSM_MUST_CHECK;
/**
 * Maps `pages` fresh zeroed pages at `va` (page aligned, inside the user
 * range) with `prot` (PT_PROT_WRITE / PT_PROT_EXEC; never both; the user
 * bit is added). Nothing changes on failure.
 */
enum svsm_err uspace_map_new(struct uspace *us, uint64_t va, uint64_t pages,
			     uint32_t prot) SVSM_MUST_CHECK;
/**
 * Writes `len` bytes at user address `va` of `us` (not necessarily the
 * running one) through the window; the range must be mapped.
 */
enum svsm_err uspace_write(struct uspace *us, uint64_t va, const void *src,
			   size_t len) SVSM_MUST_CHECK;
/**
 * Unmaps and frees every page of `us` in [va, va + pages * 4 KiB) (page
 * aligned, inside the user range); holes are skipped. Flushes the
 * running CPU's TLB before the pages are freed: `us` runs here or
 * nowhere (a process stays on its CPU).
 */
void uspace_unmap_range(struct uspace *us, uint64_t va, uint64_t pages);
/**
 * Gives every page in [va, va + pages * 4 KiB) the protection `prot`
 * (PT_PROT_WRITE / PT_PROT_EXEC, never both, or USPACE_PROT_NONE): a
 * mapped page keeps its contents; a page never mapped is mapped fresh
 * and zeroed unless `prot` is USPACE_PROT_NONE, at most `max_new` of
 * them (SVSM_ERR_NOMEM beyond: the pages before keep their change, as
 * Linux's mprotect may). Flushes this CPU's TLB for the range.
 */
enum svsm_err uspace_protect(struct uspace *us, uint64_t va, uint64_t pages,
			     uint32_t prot, uint64_t max_new) SVSM_MUST_CHECK;
/** Frees every page and table of `us`; it must not be running anywhere. */
void uspace_destroy(struct uspace *us);
/**
 * Installs `us` (NULL: none) as this CPU's user half: writes entry 0 of
 * this CPU's PML4 and reloads CR3 when it changes. Interrupts off.
 */
void uspace_activate(const struct uspace *us);
