/* SPDX-License-Identifier: MIT */
/*
 * A 10 ms measuring window on PIT channel 2 (8254 data sheet: mode 0,
 * the gate driven through port 0x61 bit 0, OUT2 read back in bit 5),
 * which needs no interrupt. The calibrations of the TSC (pit.c) and of
 * the local APIC timer (apic.c) both count their own ticks across it.
 * The PIT is emulated by the host: a rate measured this way is only as
 * honest as the host (docs/TIME.md).
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#define PIT_HZ 1193182U
#define PIT_WINDOW_MS 10U
/* The window is PIT_WINDOW_COUNT / PIT_HZ s (9.99932 ms). */
#define PIT_WINDOW_COUNT (PIT_HZ / (1000U / PIT_WINDOW_MS))

/*
 * A running window: the port 0x61 value to restore, and TSC values that
 * bracket its two edges. The start lies in [tsc_start_lo, tsc_start_hi],
 * the end in [tsc_end_lo, tsc_end_hi]; a host that stops the vCPU at an
 * edge widens its bracket, which is how a bad measurement is recognised.
 */
struct pit_window {
	uint8_t saved_gate;
	uint64_t tsc_start_lo;
	uint64_t tsc_start_hi;
	uint64_t tsc_end_lo;
	uint64_t tsc_end_hi;
};

/** Programs channel 2 for PIT_WINDOW_COUNT periods and opens its gate. */
void pit_window_start(struct pit_window *w);
/**
 * Waits (bounded) for the window to close and restores port 0x61.
 * Returns false if the PIT never finished.
 */
bool pit_window_wait(struct pit_window *w);
