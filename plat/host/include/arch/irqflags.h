/* SPDX-License-Identifier: MIT */
/*
 * The host build's stand-in for arch/x86/include/arch/irqflags.h: a
 * user process cannot mask interrupts and has none to mask, so saving
 * and restoring the interrupt flag does nothing. The host build puts
 * plat/host/include before arch/x86/include, so this one is found first.
 */
#pragma once

#include <stdint.h>

/** Nothing to mask on the host; returns 0. */
static inline uint64_t irq_save(void)
{
	return 0;
}

/** Nothing to restore on the host. */
static inline void irq_restore(uint64_t flags)
{
	(void)flags;
}

/** No TLB shootdowns to serve on the host. */
static inline void arch_spin_relax(void)
{
}
