// SPDX-License-Identifier: MIT
/*
 * The TSC for the monotonic clock: reading it, and measuring its rate
 * against PIT channel 2 over 10 ms with the gate driven through port
 * 0x61, the method lapic_timer_calibrate() (apic.c) uses for the APIC
 * timer (8254 data sheet: mode 0, OUT2 read back in port 0x61 bit 5).
 * The PIT is emulated by the host: on SEV-SNP without SecureTSC the rate
 * measured here is only as honest as the host (docs/TIME.md).
 */
#include "arch/insn.h"

#include "svsm/time.h"

#define PIT_CH2 0x42U
#define PIT_CMD 0x43U
#define PIT_GATE 0x61U
#define PIT_GATE_ENABLE 0x01U /* port 0x61 bit 0: channel 2 gate */
#define PIT_SPEAKER 0x02U     /* port 0x61 bit 1: speaker data */
#define PIT_OUT2 0x20U	      /* port 0x61 bit 5: channel 2 output */
#define PIT_CH2_MODE0 0xB0U   /* channel 2, lo/hi byte, mode 0, binary */
#define PIT_HZ 1193182U
#define CALIBRATE_MS 10U
#define CALIBRATE_SPINS 100000000U

uint64_t arch_tsc_read(void)
{
	return rdtsc();
}

/** Counts TSC ticks over 10 ms of PIT channel 2; see time.h. */
enum svsm_err arch_tsc_calibrate(uint64_t *hz)
{
	uint32_t pit_count = PIT_HZ / (1000U / CALIBRATE_MS);
	uint8_t gate = inb(PIT_GATE);
	uint32_t spins = 0;
	uint64_t start;
	uint64_t end;

	/* Gate on, speaker off, as in apic.c; mode 0 counts from the load. */
	outb(PIT_GATE, (uint8_t)((gate & ~PIT_SPEAKER) | PIT_GATE_ENABLE));
	outb(PIT_CMD, PIT_CH2_MODE0);
	outb(PIT_CH2, (uint8_t)pit_count);
	outb(PIT_CH2, (uint8_t)(pit_count >> 8));
	start = rdtsc();
	while (!(inb(PIT_GATE) & PIT_OUT2) && spins < CALIBRATE_SPINS) {
		spins++;
	}
	end = rdtsc();
	outb(PIT_GATE, gate);
	if (spins >= CALIBRATE_SPINS || end <= start) {
		return SVSM_ERR_IO;
	}
	/* The window is pit_count / PIT_HZ s (9.99932 ms), not 10 ms. */
	*hz = (end - start) * PIT_HZ / pit_count;
	return SVSM_OK;
}
