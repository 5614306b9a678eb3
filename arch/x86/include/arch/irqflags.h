/* SPDX-License-Identifier: MIT */
/*
 * Masking interrupts on this CPU, for the spinlocks (svsm/spinlock.h).
 * The host build (unit tests, benchmarks) puts plat/host/include first
 * on its include path and gets a stand-in that does nothing, so core
 * code that takes IRQ-saving locks compiles unmodified for both.
 */
#pragma once

#include <stdint.h>

#include "arch/cpu.h"
#include "arch/insn.h"

#include "svsm/tlb.h"

/** Masks interrupts on this CPU; returns the RFLAGS to restore. */
static inline uint64_t irq_save(void)
{
	uint64_t flags = read_rflags();

	cli();
	return flags;
}

/** Unmasks interrupts again if `flags` (from irq_save) had them on. */
static inline void irq_restore(uint64_t flags)
{
	if (flags & RFLAGS_IF) {
		sti();
	}
}

/**
 * Called by a spinlock waiter on each turn of its loop: serves a TLB
 * shootdown addressed to this CPU, which may be waiting with interrupts
 * off and so would never take the shootdown IPI (kernel/mm/tlb.c).
 */
static inline void arch_spin_relax(void)
{
	tlb_shootdown_poll();
}
