/* SPDX-License-Identifier: MIT */
/*
 * Spinlocks and interrupt masking. A spinlock is a test-and-set lock
 * that never sleeps. Code that can also run in an interrupt handler, or
 * that the scheduler must not preempt while it holds the lock (the run
 * queues, wait queues, mutex internals), takes it with
 * spin_lock_irqsave(), which masks interrupts on this CPU first and
 * returns the previous RFLAGS for spin_unlock_irqrestore(). irq_save()
 * and irq_restore() come from arch/irqflags.h (a no-op stand-in on the
 * host, where core code that takes these locks is unit-tested), and so
 * does arch_spin_relax(), which a waiter calls while it spins: in the
 * kernel it serves TLB shootdown requests, so that a CPU spinning with
 * interrupts off never blocks a shootdown (kernel/mm/tlb.c).
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "arch/insn.h"
#include "arch/irqflags.h"

/** A spinlock; zero-initialised means unlocked. */
struct spinlock {
	uint32_t is_locked;
};

static inline void spin_lock_init(struct spinlock *l)
{
	l->is_locked = 0;
}

static inline bool spin_trylock(struct spinlock *l)
{
	return __atomic_exchange_n(&l->is_locked, 1U, __ATOMIC_ACQUIRE) == 0;
}

static inline void spin_lock(struct spinlock *l)
{
	while (!spin_trylock(l)) {
		while (__atomic_load_n(&l->is_locked, __ATOMIC_RELAXED)) {
			pause();
			arch_spin_relax();
		}
	}
}

static inline void spin_unlock(struct spinlock *l)
{
	__atomic_store_n(&l->is_locked, 0U, __ATOMIC_RELEASE);
}

/** Whether the lock is held (by anyone); for assertions. */
static inline bool spin_is_locked(const struct spinlock *l)
{
	return __atomic_load_n(&l->is_locked, __ATOMIC_RELAXED) != 0;
}

/** Masks interrupts, then takes `l`; returns the RFLAGS to restore. */
static inline uint64_t spin_lock_irqsave(struct spinlock *l)
{
	uint64_t flags = irq_save();

	spin_lock(l);
	return flags;
}

/** Releases `l`, then restores the interrupt flag saved in `flags`. */
static inline void spin_unlock_irqrestore(struct spinlock *l, uint64_t flags)
{
	spin_unlock(l);
	irq_restore(flags);
}
