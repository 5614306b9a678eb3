// SPDX-License-Identifier: MIT
/*
 * The PIT measuring window (arch/pit.h) and the TSC for the monotonic
 * clock: reading it, and measuring its rate across the window. On
 * SEV-SNP without SecureTSC the rate measured here is only as honest as
 * the host (docs/TIME.md).
 */
#include "arch/pit.h"

#include "arch/insn.h"

#include "svsm/time.h"

#define PIT_CH2 0x42U
#define PIT_CMD 0x43U
#define PIT_GATE 0x61U
#define PIT_GATE_ENABLE 0x01U /* port 0x61 bit 0: channel 2 gate */
#define PIT_SPEAKER 0x02U     /* port 0x61 bit 1: speaker data */
#define PIT_OUT2 0x20U	      /* port 0x61 bit 5: channel 2 output */
#define PIT_CH2_MODE0 0xB0U   /* channel 2, lo/hi byte, mode 0, binary */
#define PIT_WAIT_SPINS 100000000U
/*
 * A measurement is kept when both edges are bracketed within this many
 * TSC ticks together (tens of microseconds at any plausible rate; a few
 * port reads when nothing interferes). Otherwise it is retried, and after
 * PIT_ATTEMPTS the tightest is used.
 */
#define PIT_EDGE_SLACK_MAX 100000U
#define PIT_ATTEMPTS 5U

/** Opens a measuring window; see arch/pit.h. */
void pit_window_start(struct pit_window *w)
{
	w->saved_gate = inb(PIT_GATE);
	/* Gate on, speaker off; mode 0 counts down from the load. */
	outb(PIT_GATE,
	     (uint8_t)((w->saved_gate & ~PIT_SPEAKER) | PIT_GATE_ENABLE));
	outb(PIT_CMD, PIT_CH2_MODE0);
	outb(PIT_CH2, (uint8_t)PIT_WINDOW_COUNT);
	/* Counting starts once the high byte is loaded. */
	w->tsc_start_lo = rdtsc();
	outb(PIT_CH2, (uint8_t)(PIT_WINDOW_COUNT >> 8));
	w->tsc_start_hi = rdtsc();
}

/** Waits for the window to close; see arch/pit.h. */
bool pit_window_wait(struct pit_window *w)
{
	uint64_t lo = rdtsc();
	uint32_t spins = 0;

	for (; spins < PIT_WAIT_SPINS; spins++) {
		uint64_t before = rdtsc();

		if (inb(PIT_GATE) & PIT_OUT2) {
			w->tsc_end_lo = lo;
			w->tsc_end_hi = rdtsc();
			break;
		}
		lo = before; /* this read saw it open: the end comes later */
	}
	outb(PIT_GATE, w->saved_gate);
	return spins < PIT_WAIT_SPINS;
}

uint64_t arch_tsc_read(void)
{
	return rdtsc();
}

/** Measures once: TSC ticks across the window and the edges' slack. */
static bool measure_once(uint64_t *ticks, uint64_t *slack)
{
	struct pit_window w;

	pit_window_start(&w);
	if (!pit_window_wait(&w)) {
		return false;
	}
	/* Midpoints of the brackets; halves first so nothing overflows. */
	uint64_t start = w.tsc_start_lo / 2U + w.tsc_start_hi / 2U;
	uint64_t end = w.tsc_end_lo / 2U + w.tsc_end_hi / 2U;

	if (end <= start) {
		return false;
	}
	*ticks = end - start;
	*slack = (w.tsc_start_hi - w.tsc_start_lo) +
		 (w.tsc_end_hi - w.tsc_end_lo);
	return true;
}

/**
 * Counts TSC ticks over the PIT window; see time.h. Retries a window
 * whose edges were not seen promptly (the vCPU stopped at an edge).
 */
enum svsm_err arch_tsc_calibrate(uint64_t *hz)
{
	uint64_t best_ticks = 0;
	uint64_t best_slack = UINT64_MAX;

	for (uint32_t i = 0; i < PIT_ATTEMPTS; i++) {
		uint64_t ticks = 0;
		uint64_t slack = 0;

		if (!measure_once(&ticks, &slack)) {
			return SVSM_ERR_IO;
		}
		if (slack < best_slack) {
			best_slack = slack;
			best_ticks = ticks;
		}
		if (slack <= PIT_EDGE_SLACK_MAX) {
			break;
		}
	}
	*hz = best_ticks * PIT_HZ / PIT_WINDOW_COUNT;
	return SVSM_OK;
}
