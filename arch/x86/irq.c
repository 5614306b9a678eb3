// SPDX-License-Identifier: MIT
/*
 * Interrupt dispatch for vectors 32-255. The handler table is shared by
 * every CPU (one IDT).
 *
 * Locking. Registration and removal take `irq_lock` with interrupts off
 * and publish the entry with a release store; the dispatcher, which
 * runs with interrupts off on any CPU, reads the entry with an acquire
 * load and takes no lock, so an interrupt never waits for a registration
 * on another CPU. A handler that was removed may still be running on
 * another CPU when irq_unregister() returns. `irq_lock` is innermost:
 * nothing else is taken while it is held.
 */
#include "arch/irq.h"

#include <stddef.h>

#include "arch/apic.h"

#include "svsm/spinlock.h"

static irq_handler_fn handlers[IDT_VECTORS];
static uint64_t unhandled;
static struct spinlock irq_lock; /* writers of `handlers` */

/** Installs a handler; see irq.h. */
enum svsm_err irq_register(uint32_t vector, irq_handler_fn fn)
{
	if (vector < VEC_IRQ_FIRST || vector >= VEC_LAPIC_SPURIOUS || !fn) {
		return SVSM_ERR_INVAL;
	}
	enum svsm_err err = SVSM_ERR_BUSY;
	uint64_t flags = spin_lock_irqsave(&irq_lock);

	if (!handlers[vector]) {
		__atomic_store_n(&handlers[vector], fn, __ATOMIC_RELEASE);
		err = SVSM_OK;
	}
	spin_unlock_irqrestore(&irq_lock, flags);
	return err;
}

void irq_unregister(uint32_t vector)
{
	uint64_t flags;

	if (vector < IDT_VECTORS) {
		flags = spin_lock_irqsave(&irq_lock);
		__atomic_store_n(&handlers[vector], NULL, __ATOMIC_RELEASE);
		spin_unlock_irqrestore(&irq_lock, flags);
	}
}

/** Runs the vector's handler (the handler acknowledges the interrupt). */
void irq_dispatch(struct trap_frame *f)
{
	irq_handler_fn fn = f->vector < IDT_VECTORS
				    ? __atomic_load_n(&handlers[f->vector],
						      __ATOMIC_ACQUIRE)
				    : NULL;

	if (fn) {
		fn(f);
		return;
	}
	__atomic_fetch_add(&unhandled, 1, __ATOMIC_RELAXED);
	/* Acknowledge it, or the APIC holds back everything below it. */
	if (f->vector != VEC_LAPIC_SPURIOUS && lapic_ready()) {
		lapic_eoi();
	}
}

uint64_t irq_unhandled_count(void)
{
	return __atomic_load_n(&unhandled, __ATOMIC_RELAXED);
}
