/* SPDX-License-Identifier: MIT */
/*
 * Per-CPU regions. Every CPU sees its own region at the same virtual
 * address, MM_PERCPU_BASE (PML4 entry 509): its per-CPU data, its kernel
 * stack between guard pages and its temporary mapping window; an AP's
 * also holds its IST stacks (between guard pages), its GDT and TSS (in
 * the data page) and a mapping of its own PML4. The boot CPU's region
 * lives in the boot page tables; each AP runs on its own PML4, a copy of
 * the boot PML4's upper half with entry 509 replaced, so no CPU can
 * reach another's region. The per-CPU data is also reached through GS:
 * `gs:0` holds its address.
 *
 * Dynamic per-CPU variables (percpu_alloc) live in every region's
 * dynamic area: a variable is an offset into it, so percpu_ptr() gives
 * the same pointer on every CPU and each CPU reaches its own copy
 * through it; no pointer to another CPU's copy is ever handed out. The
 * boot CPU records the physical pages of every region's area when it
 * builds the region, and reaches the other CPUs' copies only through
 * its temporary window (zeroing on allocation, percpu_read_cpu()).
 * A variable never crosses a page of the area, so one window slot
 * reaches a whole copy.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "arch/cpu.h"

#include "svsm/addr.h"
#include "svsm/err.h"
#include "svsm/mm.h"

/*
 * Layout of a region, offsets from MM_PERCPU_BASE (guards unmapped):
 *   0x1000    data page (struct percpu; APs: GDT and TSS in it)
 *   0x4000    kernel stack, 16 KiB
 *   0x9000    APs: IST stacks, 3 x (8 KiB + guard)
 *   0x13000   its own PML4, mapped RW (the boot CPU's is the kernel's)
 *   0x20000   dynamic area, PERCPU_DYN_PAGES pages (guard on each side)
 *   0x200000  temporary window (a page table of its own)
 *   0x400000  the window's page table, mapped RW
 */
#define PERCPU_DATA_OFFSET 0x1000ULL /* one page, guard below and above */
#define PERCPU_STACK_OFFSET 0x4000ULL
#define PERCPU_STACK_PAGES 4U /* 16 KiB, guard pages on both sides */
/* APs only: IST stacks (#DF, NMI, #MC), each followed by a guard page. */
#define PERCPU_IST_OFFSET 0x9000ULL
#define PERCPU_IST_STRIDE 0x3000ULL   /* 8 KiB stack + one guard page */
#define PERCPU_PML4_INDEX 509U	      /* MM_PERCPU_BASE's PML4 entry */
#define PERCPU_PML4_OFFSET 0x13000ULL /* this CPU's PML4, mapped RW */
/* Dynamic per-CPU variables: backed on every CPU, in 16-byte units. */
#define PERCPU_DYN_OFFSET 0x20000ULL
#define PERCPU_DYN_PAGES 4U	/* 16 KiB per CPU */
#define PERCPU_DYN_SIZE 0x4000U /* PERCPU_DYN_PAGES pages */
#define PERCPU_DYN_UNIT 16U
#define PERCPU_WINDOW_OFFSET 0x200000ULL    /* a page table of its own */
#define PERCPU_WINDOW_PT_OFFSET 0x400000ULL /* that table, mapped RW */

/* Offsets the system call entry (arch/x86/syscall.S) reads through GS. */
#define PERCPU_OFF_KERNEL_RSP 8U
#define PERCPU_OFF_USER_RSP 16U

/** The per-CPU data; `self` must stay first (read through gs:0). */
struct percpu {
	struct percpu *self;
	/** Top of the running task's kernel stack (syscall entry, TSS.RSP0). */
	uint64_t kernel_rsp;
	/** The user RSP while the syscall entry switches stacks. */
	uint64_t user_rsp;
	/** This CPU's TSS (RSP0 follows the running task). */
	struct tss64 *tss;
	uint32_t cpu_index;
	uint32_t apic_id; /* set by the CPU itself once its APIC is up */
	uint64_t stack_bottom;
	uint64_t stack_top;
	uint64_t window_va;
	uint64_t stamp; /* written by the CPU itself; read by the SMP test */
	uint32_t tmp_used_mask; /* this CPU's temporary window slots in use */
	uint32_t reserved;
	struct cpu_tables tables; /* APs: their GDT and TSS */
};

_Static_assert(offsetof(struct percpu, kernel_rsp) == PERCPU_OFF_KERNEL_RSP,
	       "syscall entry: kernel_rsp");
_Static_assert(offsetof(struct percpu, user_rsp) == PERCPU_OFF_USER_RSP,
	       "syscall entry: user_rsp");

/** What the boot CPU needs to start an AP whose region it has built. */
struct percpu_ap {
	paddr_t pml4;	    /* the AP's CR3 */
	paddr_t data;	    /* its per-CPU data page */
	uint64_t stack_top; /* at the AP's own virtual address */
};

/**
 * A dynamic per-CPU variable: where it sits in every CPU's dynamic area.
 * Plain data, passed by value; reach this CPU's copy with percpu_ptr().
 */
struct percpu_var {
	uint32_t offset; /* bytes from the dynamic area's start */
	uint32_t size;	 /* bytes, as asked of percpu_alloc() */
};

/**
 * Builds the boot CPU's region: maps its data page, stack and dynamic
 * area (with guard pages), creates its temporary window and moves the kernel's
 * window there, and points GS at the data.
 */
enum svsm_err percpu_init_boot_cpu(void) SVSM_MUST_CHECK;
/**
 * Builds AP `cpu`'s PML4 and region from the boot CPU: a new PML4 whose
 * entries 256..511 are the boot PML4's except 509, which gets the AP's
 * own tables (data page with GDT and TSS filled, stack, IST stacks,
 * dynamic area, temporary window, its PML4 mapped RW); entry 0 is copied
 * too, so the AP can run the identity-mapped trampoline, and the AP
 * clears it in its own PML4 once it runs in the upper half. Every
 * upper-half PML4 entry the kernel shares must exist before this runs.
 * Records the region's dynamic area for percpu_alloc(). SVSM_ERR_INVAL
 * for `cpu` 0 or past SVSM_MAX_CPUS, SVSM_ERR_EXISTS when `cpu` already
 * has a region; on any failure every page taken is returned.
 */
enum svsm_err percpu_init_ap(uint32_t cpu,
			     struct percpu_ap *out) SVSM_MUST_CHECK;
/**
 * Frees everything percpu_init_ap() took for `cpu` (region pages, the
 * tables under entry 509, the PML4) and forgets its dynamic area, then
 * clears `*ap`; does nothing for a cleared `*ap`, so it may be called
 * twice. Only for a CPU that is not running: never started, or parked
 * with INIT.
 */
void percpu_destroy_ap(uint32_t cpu, struct percpu_ap *ap);
/**
 * Allocates a dynamic per-CPU variable of `size` bytes aligned to
 * `align` (a power of two; at least PERCPU_DYN_UNIT is used) and zeroes
 * every existing CPU's copy; regions built later start zeroed. First fit
 * over 16-byte units; a variable never crosses a page of the area.
 * SVSM_ERR_INVAL for a size of 0 or above 4096 or a bad `align`,
 * SVSM_ERR_NOMEM when the area has no room, SVSM_ERR_BUSY before the
 * boot CPU's region exists or when no window slot is free. SMP-safe.
 */
enum svsm_err percpu_alloc(size_t size, size_t align,
			   struct percpu_var *out) SVSM_MUST_CHECK;
/**
 * Frees `v`. SVSM_ERR_INVAL (and no change) unless `v` is exactly a
 * variable percpu_alloc() returned and not yet freed (double free).
 */
enum svsm_err percpu_free(struct percpu_var v) SVSM_MUST_CHECK;
/**
 * This CPU's copy of `v`: the same address on every CPU. NULL for a
 * variable that cannot exist (size 0, past the area); not checked
 * against the allocator, so only for a variable the caller holds.
 */
void *percpu_ptr(struct percpu_var v);
/**
 * Copies CPU `cpu`'s copy of `v` (v.size bytes) to `out` through the
 * temporary window, for statistics; the copy may be changing meanwhile.
 * SVSM_ERR_INVAL for a variable not allocated, SVSM_ERR_NOTFOUND for a
 * CPU without a region, SVSM_ERR_BUSY when no window slot is free.
 */
enum svsm_err percpu_read_cpu(struct percpu_var v, uint32_t cpu,
			      void *out) SVSM_MUST_CHECK;
/**
 * Sums the `uint64_t` counter `v` (v.size must be 8) over every CPU
 * with a region, each copy read once through the window.
 */
enum svsm_err percpu_sum_u64(struct percpu_var v,
			     uint64_t *sum) SVSM_MUST_CHECK;
/** Bytes of the dynamic area in use (16-byte units), for leak checks. */
uint32_t percpu_dyn_used(void);
/** This CPU's data, through GS. */
struct percpu *this_cpu(void);
