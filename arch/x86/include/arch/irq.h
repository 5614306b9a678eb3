/* SPDX-License-Identifier: MIT */
/*
 * Interrupt vectors 32-255: a handler per vector, run with interrupts
 * off on the interrupted stack. Handlers must not allocate or block.
 * Vector assignments live here so that they never collide.
 */
#pragma once

#include <stdint.h>

#include "arch/trap.h"

#include "svsm/err.h"

#define VEC_LAPIC_TIMER 0x20U
#define VEC_TEST 0xE0U		/* tests/vm: a device interrupt stand-in */
#define VEC_TEST_TIMER 0xE1U	/* tests/vm: the APIC timer tests */
#define VEC_TEST_PING 0xE2U	/* tests/vm: IPI round trip, out */
#define VEC_TEST_PONG 0xE3U	/* tests/vm: IPI round trip, back */
#define VEC_TLB_SHOOTDOWN 0xF1U /* kernel/mm/tlb.c: flush and acknowledge */
#define VEC_RESCHED 0xF2U	/* kernel/task/sched.c: run the queue now */
#define VEC_LAPIC_SPURIOUS 0xFFU

/** An interrupt handler; `f` is the interrupted context. */
typedef void (*irq_handler_fn)(struct trap_frame *f);

/**
 * Installs `fn` for `vector` (32-254). SVSM_ERR_INVAL for a vector out
 * of range, SVSM_ERR_BUSY if one is installed already.
 */
enum svsm_err irq_register(uint32_t vector, irq_handler_fn fn) SVSM_MUST_CHECK;
/** Removes the handler of `vector`. */
void irq_unregister(uint32_t vector);
/** Runs the handler of `f->vector`; counts vectors nobody handles. */
void irq_dispatch(struct trap_frame *f);
/** Interrupts that arrived on a vector without a handler. */
uint64_t irq_unhandled_count(void);
