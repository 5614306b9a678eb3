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

/** Opens a measuring window; see arch/pit.h. */
void pit_window_start(struct pit_window *w)
{
	w->saved_gate = inb(PIT_GATE);
	/* Gate on, speaker off; mode 0 counts down from the load. */
	outb(PIT_GATE,
	     (uint8_t)((w->saved_gate & ~PIT_SPEAKER) | PIT_GATE_ENABLE));
	outb(PIT_CMD, PIT_CH2_MODE0);
	outb(PIT_CH2, (uint8_t)PIT_WINDOW_COUNT);
	outb(PIT_CH2, (uint8_t)(PIT_WINDOW_COUNT >> 8));
}

/** Waits for the window to close; see arch/pit.h. */
bool pit_window_wait(struct pit_window *w)
{
	uint32_t spins = 0;

	while (!(inb(PIT_GATE) & PIT_OUT2) && spins < PIT_WAIT_SPINS) {
		spins++;
	}
	outb(PIT_GATE, w->saved_gate);
	return spins < PIT_WAIT_SPINS;
}

uint64_t arch_tsc_read(void)
{
	return rdtsc();
}

/** Counts TSC ticks over the PIT window; see time.h. */
enum svsm_err arch_tsc_calibrate(uint64_t *hz)
{
	struct pit_window w;
	uint64_t start;
	uint64_t end;

	pit_window_start(&w);
	start = rdtsc();
	bool done = pit_window_wait(&w);

	end = rdtsc();
	if (!done || end <= start) {
		return SVSM_ERR_IO;
	}
	*hz = (end - start) * PIT_HZ / PIT_WINDOW_COUNT;
	return SVSM_OK;
}
