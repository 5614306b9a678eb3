/* SPDX-License-Identifier: MIT */
/*
 * 4-level x86-64 page tables managed by the kernel. A mapping is made in
 * two steps: prepare (checks the range, allocates every missing table;
 * may fail, and then nothing is visible) and commit (zeroes and links the
 * new tables, writes the leaves; cannot fail). W^X is enforced: no
 * mapping is both writable and executable.
 *
 * Table pages are reached only through pt_page_map(): the kernel maps
 * each one in a temporary window for the length of the access (there is
 * no direct map), the host tests point into a fake physical memory.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "svsm/addr.h"
#include "svsm/err.h"

/* Architectural PTE bits (Intel SDM vol. 3A, 4.5). */
#define PTE_P (1ULL << 0)
#define PTE_RW (1ULL << 1)
#define PTE_US (1ULL << 2)
#define PTE_PWT (1ULL << 3)
#define PTE_PCD (1ULL << 4)
#define PTE_A (1ULL << 5)
#define PTE_D (1ULL << 6)
#define PTE_PS (1ULL << 7)
#define PTE_G (1ULL << 8)
#define PTE_NX (1ULL << 63)
#define PTE_ADDR_MASK 0x000FFFFFFFFFF000ULL

/* Protections a caller asks for. */
#define PT_PROT_READ 0x0U
#define PT_PROT_WRITE 0x1U
#define PT_PROT_EXEC 0x2U
#define PT_PROT_USER 0x4U
/* Create the tables for the range but leave its leaves empty, so that
 * later mappings there never allocate (pass physical address 0). */
#define PT_PROT_RESERVE 0x8U
/* Device registers: uncached (PCD and PWT). */
#define PT_PROT_DEVICE 0x10U
/* A page shared with the host: without the encryption bit (SEV-SNP). */
#define PT_PROT_SHARED 0x20U
#define PT_PROT_ALL 0x3FU

/**
 * The memory-encryption bit set in every entry the kernel makes for
 * private memory (the SEV-SNP C-bit; 0 on native, so entries are as
 * they always were). Set once at boot, before the first mapping.
 */
void pgtable_set_enc_mask(uint64_t mask);
/** The encryption bit in use (0 on native). */
uint64_t pgtable_enc_mask(void);

/** The physical address an entry holds, without the encryption bit. */
static inline uint64_t pte_addr(uint64_t e)
{
	return e & PTE_ADDR_MASK & ~pgtable_enc_mask();
}

/* At most this many new tables in one prepared update. */
#define PT_BATCH_MAX_TABLES 16U

/** An address space: its root table and the CPU whose page cache it uses. */
struct pgtable {
	paddr_t root;
	uint32_t cpu;
};

/** A prepared mapping, to be committed or aborted. */
struct pt_batch {
	struct pgtable *pt;
	uint64_t va;
	uint64_t pa;
	uint64_t pages;
	uint64_t leaf_flags;
	uint32_t table_count;
	uint32_t tables_used;
	paddr_t tables[PT_BATCH_MAX_TABLES];
};

/**
 * Checks that [va, va + pages * 4 KiB) is canonical, aligned and not
 * mapped, that `prot` is not writable and executable, and allocates the
 * missing tables. Nothing is visible until pgtable_map_commit().
 * SVSM_ERR_INVAL (bad arguments), SVSM_ERR_PERM (W^X), SVSM_ERR_EXISTS
 * (already mapped), SVSM_ERR_RANGE (needs more than PT_BATCH_MAX_TABLES
 * tables), SVSM_ERR_NOMEM.
 */
enum svsm_err pgtable_map_prepare(struct pt_batch *b, struct pgtable *pt,
				  vaddr_t va, paddr_t pa, uint64_t pages,
				  uint32_t prot) SVSM_MUST_CHECK;
/** Makes a prepared mapping visible. Cannot fail. */
void pgtable_map_commit(struct pt_batch *b);
/** Drops a prepared mapping, freeing its tables. */
void pgtable_map_abort(struct pt_batch *b);
/**
 * Removes the mappings of [va, va + pages * 4 KiB), all of which must be
 * mapped 4 KiB pages (SVSM_ERR_INVAL and no change otherwise), and
 * flushes them from the TLB with one pt_flush_tlb_range() call once all
 * entries are cleared. Tables that become empty stay allocated.
 */
enum svsm_err pgtable_unmap(struct pgtable *pt, vaddr_t va,
			    uint64_t pages) SVSM_MUST_CHECK;
/**
 * Looks `va` up: the physical address it maps to and the leaf's flags.
 * Returns false if it is not mapped.
 */
bool pgtable_lookup(struct pgtable *pt, vaddr_t va, paddr_t *pa,
		    uint64_t *leaf_flags);

/**
 * Finds the page table (level 1) that holds the entry of `va`; false if
 * a table on the way is missing or `va` is covered by a large page.
 */
bool pgtable_leaf_table(struct pgtable *pt, vaddr_t va, paddr_t *table);

/* Provided by the environment (kernel: temporary window; host: fake). */
uint64_t *pt_page_map(paddr_t table);
void pt_page_unmap(uint64_t *table);
/* Flushes [va, va + pages * 4 KiB) from every TLB that may hold it. */
void pt_flush_tlb_range(vaddr_t va, uint64_t pages);
