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
