/* SPDX-License-Identifier: MIT */
/*
 * Extended CPU state (x87, SSE, and with XSAVE the AVX state) for user
 * processes. The kernel itself is built with -mgeneral-regs-only and
 * never touches these registers, so only processes have a state area:
 * the scheduler saves the outgoing process's state and loads the
 * incoming one's on every switch (eager; kernel tasks in between leave
 * the registers alone). XSAVE/XRSTOR when the CPU has XSAVE (XCR0 = x87,
 * SSE and AVX if present), FXSAVE/FXRSTOR otherwise.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

/** Enables the extended state on this CPU (CR0, CR4, XCR0); each CPU. */
void fpu_init_cpu(void);
/** Bytes of a state area (a multiple of 64). */
size_t fpu_area_size(void);
/** Fills a new area (64-byte aligned) with the power-on state. */
void fpu_area_init(void *area);
/** Saves this CPU's extended state into `area`. */
void fpu_save(void *area);
/** Loads `area` into this CPU's extended state. */
void fpu_restore(const void *area);
/** Whether XSAVE is in use (else FXSAVE). */
bool fpu_has_xsave(void);
