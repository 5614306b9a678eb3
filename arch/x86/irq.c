// SPDX-License-Identifier: MIT
/*
 * Interrupt dispatch for vectors 32-255. The handler table is written
 * only with interrupts off on the boot CPU for now; the SMP work makes
 * registration take the same lock the dispatcher reads under.
 */
#include "arch/irq.h"

#include <stddef.h>

#include "arch/apic.h"

static irq_handler_fn handlers[IDT_VECTORS];
static uint64_t unhandled;

/** Installs a handler; see irq.h. */
enum svsm_err irq_register(uint32_t vector, irq_handler_fn fn)
{
	if (vector < VEC_IRQ_FIRST || vector >= VEC_LAPIC_SPURIOUS || !fn) {
		return SVSM_ERR_INVAL;
	}
	if (handlers[vector]) {
		return SVSM_ERR_BUSY;
	}
	handlers[vector] = fn;
	return SVSM_OK;
}

void irq_unregister(uint32_t vector)
{
	if (vector < IDT_VECTORS) {
		handlers[vector] = NULL;
	}
}

/** Runs the vector's handler (the handler acknowledges the interrupt). */
void irq_dispatch(struct trap_frame *f)
{
	irq_handler_fn fn =
		f->vector < IDT_VECTORS ? handlers[f->vector] : NULL;

	if (fn) {
		fn(f);
		return;
	}
	unhandled++;
	/* Acknowledge it, or the APIC holds back everything below it. */
	if (f->vector != VEC_LAPIC_SPURIOUS && lapic_ready()) {
		lapic_eoi();
	}
}

uint64_t irq_unhandled_count(void)
{
	return unhandled;
}
