// SPDX-License-Identifier: MIT
/*
 * The local APIC (xAPIC, MMIO). Its page is mapped once, uncached, in
 * the kernel's MMIO region; nothing else of the MMIO space is mapped.
 * Timer calibration counts the timer across the PIT window (arch/pit.h),
 * which needs no interrupt.
 */
#include "arch/apic.h"

#include "arch/insn.h"
#include "arch/irqflags.h"
#include "arch/msr.h"
#include "arch/pit.h"

#include "svsm/mm.h"
#include "svsm/pgtable.h"

#define APIC_BASE_ENABLE (1ULL << 11)
#define APIC_BASE_X2APIC (1ULL << 10)
#define APIC_BASE_ADDR_MASK 0x000FFFFFFFFFF000ULL

#define IPI_SPINS 1000000U

static volatile uint32_t *lapic;

static uint32_t lapic_read(uint32_t reg)
{
	return lapic[reg / 4U];
}

static void lapic_write(uint32_t reg, uint32_t v)
{
	lapic[reg / 4U] = v;
}

/** Maps and enables the local APIC; see apic.h. */
enum svsm_err lapic_init(void)
{
	uint64_t base = rdmsr(MSR_APIC_BASE);
	struct pt_batch b;
	enum svsm_err err;

	if (!(base & APIC_BASE_ENABLE) || (base & APIC_BASE_X2APIC)) {
		return SVSM_ERR_UNSUPPORTED;
	}
	if (!lapic) {
		err = pgtable_map_prepare(&b, mm_kernel_pgtable(),
					  va_init(MM_MMIO_BASE),
					  pa_init(base & APIC_BASE_ADDR_MASK),
					  1, PT_PROT_WRITE | PT_PROT_DEVICE);
		if (err != SVSM_OK) {
			return err;
		}
		pgtable_map_commit(&b);
		lapic = va_to_ptr(va_init(MM_MMIO_BASE));
	}
	lapic_write(LAPIC_LVT_TIMER, LAPIC_LVT_MASKED);
	lapic_write(LAPIC_SVR, LAPIC_SVR_ENABLE | 0xFFU);
	return SVSM_OK;
}

bool lapic_ready(void)
{
	return lapic != 0;
}

uint32_t lapic_id(void)
{
	return lapic_read(LAPIC_ID) >> 24;
}

void lapic_eoi(void)
{
	lapic_write(LAPIC_EOI, 0);
}

/*
 * The timer's rate, measured once (every local APIC in the VM counts at
 * the same bus rate): the delay loop and the scheduler tick share it.
 */
static uint32_t timer_ticks_per_ms;

/** Measures the timer across the PIT window once; see apic.h. */
enum svsm_err lapic_timer_calibrate(uint32_t *ticks_per_ms)
{
	struct pit_window w;

	if (timer_ticks_per_ms != 0) {
		*ticks_per_ms = timer_ticks_per_ms;
		return SVSM_OK;
	}

	pit_window_start(&w);
	lapic_write(LAPIC_TIMER_DIVIDE, LAPIC_DIVIDE_16);
	lapic_write(LAPIC_LVT_TIMER, LAPIC_LVT_MASKED);
	lapic_write(LAPIC_TIMER_INITIAL, 0xFFFFFFFFU);
	bool done = pit_window_wait(&w);
	uint32_t elapsed = 0xFFFFFFFFU - lapic_read(LAPIC_TIMER_CURRENT);

	lapic_write(LAPIC_TIMER_INITIAL, 0);
	if (!done || elapsed < PIT_WINDOW_MS) {
		return SVSM_ERR_IO;
	}
	timer_ticks_per_ms = elapsed / PIT_WINDOW_MS;
	*ticks_per_ms = timer_ticks_per_ms;
	return SVSM_OK;
}

/** Starts the timer; see apic.h. */
void lapic_timer_start(uint32_t vector, uint32_t ticks, bool is_periodic)
{
	lapic_write(LAPIC_TIMER_DIVIDE, LAPIC_DIVIDE_16);
	lapic_write(LAPIC_LVT_TIMER,
		    (vector & 0xFFU) | (is_periodic ? LAPIC_LVT_PERIODIC : 0U));
	lapic_write(LAPIC_TIMER_INITIAL, ticks);
}

void lapic_timer_stop(void)
{
	lapic_write(LAPIC_LVT_TIMER, LAPIC_LVT_MASKED);
	lapic_write(LAPIC_TIMER_INITIAL, 0);
}

/** Sends an IPI and waits until it has left; see apic.h. */
enum svsm_err lapic_send_ipi(uint32_t apic_id, uint32_t icr_low)
{
	uint64_t flags;
	enum svsm_err err = SVSM_ERR_IO;

	if (apic_id > LAPIC_XAPIC_MAX_ID) {
		return SVSM_ERR_RANGE;
	}
	/* No interrupt between the two writes: its handler may send too. */
	flags = irq_save();
	lapic_write(LAPIC_ICR_HIGH, apic_id << LAPIC_ICR_DEST_SHIFT);
	lapic_write(LAPIC_ICR_LOW, icr_low); /* this write sends it */
	for (uint32_t i = 0; i < IPI_SPINS; i++) {
		if (!(lapic_read(LAPIC_ICR_LOW) & LAPIC_ICR_PENDING)) {
			err = SVSM_OK;
			break;
		}
		pause();
	}
	irq_restore(flags);
	return err;
}

enum svsm_err lapic_send_init(uint32_t apic_id)
{
	return lapic_send_ipi(apic_id, LAPIC_ICR_INIT | LAPIC_ICR_LEVEL |
					       LAPIC_ICR_ASSERT);
}

enum svsm_err lapic_send_startup(uint32_t apic_id, uint8_t page)
{
	return lapic_send_ipi(apic_id, LAPIC_ICR_STARTUP | page);
}

/** Busy-waits on the APIC timer; see apic.h. */
enum svsm_err lapic_delay_us(uint32_t us)
{
	uint32_t per_ms;
	enum svsm_err err = lapic_timer_calibrate(&per_ms);

	if (err != SVSM_OK) {
		return err;
	}
	uint64_t left = ((uint64_t)per_ms * us + 999U) / 1000U;

	lapic_write(LAPIC_TIMER_DIVIDE, LAPIC_DIVIDE_16);
	lapic_write(LAPIC_LVT_TIMER, LAPIC_LVT_MASKED);
	while (left > 0) {
		uint32_t chunk =
			left > 0xFFFFFFFFU ? 0xFFFFFFFFU : (uint32_t)left;

		lapic_write(LAPIC_TIMER_INITIAL, chunk);
		while (lapic_read(LAPIC_TIMER_CURRENT) != 0) {
			pause();
		}
		left -= chunk;
	}
	lapic_write(LAPIC_TIMER_INITIAL, 0);
	return SVSM_OK;
}
