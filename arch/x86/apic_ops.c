// SPDX-License-Identifier: MIT
/*
 * The mode-specific part of the local APIC driver and the calls of
 * arch/apic.h that are built only on it. Two const tables of operations,
 * xAPIC (MMIO page) and x2APIC (MSRs), read and write a register, send
 * an IPI and read the ID; the rest (EOI, timer, IPIs, INIT and SIPI) is
 * written once over whichever table lapic_init() chose. The file touches
 * no hardware itself: it goes through the `lapic_hw_*` backend
 * (apic_ops.h), so it builds unmodified for the host tests, which drive
 * it against a model of the SDM's rules.
 *
 * Differences that matter (SDM vol. 3A, 11.12): in x2APIC mode the ICR
 * is one 64-bit MSR with a 32-bit destination and no delivery status
 * (one WRMSR sends the IPI, nothing to poll); EOI must be written with 0
 * (anything else is #GP); the ID MSR holds the whole 32-bit ID; and a
 * WRMSR to an APIC MSR is not serializing, so the IPI path fences first,
 * else the target could take the IPI before it sees the stores that the
 * IPI announces (smp_run_on_aps() and the TLB shootdown rely on that).
 *
 * The TSC-deadline timer (SDM vol. 3A, 11.5.4.1) is the LVT timer entry
 * with mode 10b plus the IA32_TSC_DEADLINE MSR, which is an MSR in both
 * modes. The LVT write goes through the table; every deadline WRMSR is
 * fenced first: in xAPIC mode the MMIO write to the LVT and the WRMSR
 * are not ordered (the SDM asks for MFENCE between them), and in either
 * mode the WRMSR is not serializing.
 *
 * Concurrency: `ops` and `timer_mode` are set once, by the boot CPU's
 * lapic_init() before any AP starts, and only read after; the tables
 * are const.
 */
#include "apic_ops.h"

#include <stddef.h>

#include "arch/irqflags.h"
#include "arch/msr.h"

#define IPI_SPINS 1000000U

static const struct lapic_ops *ops;
static enum lapic_timer_mode timer_mode = LAPIC_TIMER_PERIODIC;

/** The x2APIC MSR of a register; see apic_ops.h. */
uint32_t lapic_x2apic_msr(uint32_t reg)
{
	return LAPIC_X2APIC_MSR_BASE + (reg >> 4);
}

/** ICR_HIGH for an 8-bit destination; see apic_ops.h. */
enum svsm_err lapic_xapic_icr_high(uint32_t dest, uint32_t *icr_high)
{
	if (dest > LAPIC_XAPIC_MAX_ID) {
		return SVSM_ERR_RANGE;
	}
	*icr_high = dest << LAPIC_ICR_DEST_SHIFT;
	return SVSM_OK;
}

/** The 64-bit x2APIC ICR; see apic_ops.h. */
uint64_t lapic_x2apic_icr(uint32_t dest, uint32_t icr_low)
{
	return ((uint64_t)dest << LAPIC_X2APIC_ICR_DEST_SHIFT) | icr_low;
}

/** The mode decision table; see apic_ops.h. */
enum svsm_err lapic_mode_choose(bool has_x2apic, uint64_t apic_base,
				bool prefer_xapic, enum lapic_mode *mode)
{
	if (!(apic_base & APIC_BASE_EN)) {
		return SVSM_ERR_UNSUPPORTED;
	}
	if ((apic_base & APIC_BASE_EXTD) || (has_x2apic && !prefer_xapic)) {
		*mode = LAPIC_MODE_X2APIC;
	} else {
		*mode = LAPIC_MODE_XAPIC;
	}
	return SVSM_OK;
}

/** The timer mode decision; see apic_ops.h. */
enum lapic_timer_mode lapic_timer_mode_choose(bool has_tsc_deadline,
					      bool forced_off)
{
	if (has_tsc_deadline && !forced_off) {
		return LAPIC_TIMER_TSC_DEADLINE;
	}
	return LAPIC_TIMER_PERIODIC;
}

void lapic_timer_mode_set(enum lapic_timer_mode mode)
{
	timer_mode = mode;
}

enum lapic_timer_mode lapic_timer_mode(void)
{
	return timer_mode;
}

const char *lapic_timer_mode_name(enum lapic_timer_mode mode)
{
	switch (mode) {
	case LAPIC_TIMER_PERIODIC:
		return "periodic";
	case LAPIC_TIMER_TSC_DEADLINE:
		return "TSC-deadline";
	}
	return "?";
}

static uint32_t xapic_read(uint32_t reg)
{
	return lapic_hw_mmio_read(reg);
}

static void xapic_write(uint32_t reg, uint32_t val)
{
	lapic_hw_mmio_write(reg, val);
}

/**
 * ICR_HIGH, then ICR_LOW (the write that sends), then a bounded wait for
 * the delivery status to clear (SDM vol. 3A, 11.6.1).
 */
static enum svsm_err xapic_send_icr(uint32_t dest, uint32_t icr_low)
{
	uint32_t high;
	enum svsm_err err = lapic_xapic_icr_high(dest, &high);

	if (err != SVSM_OK) {
		return err;
	}
	lapic_hw_mmio_write(LAPIC_ICR_HIGH, high);
	lapic_hw_mmio_write(LAPIC_ICR_LOW, icr_low);
	for (uint32_t i = 0; i < IPI_SPINS; i++) {
		if (!(lapic_hw_mmio_read(LAPIC_ICR_LOW) & LAPIC_ICR_PENDING)) {
			return SVSM_OK;
		}
		lapic_hw_relax();
	}
	return SVSM_ERR_IO;
}

/** The ID register holds the 8-bit xAPIC ID in bits 31:24. */
static uint32_t xapic_id(void)
{
	return lapic_hw_mmio_read(LAPIC_ID) >> 24;
}

/** The upper half of every x2APIC MSR but the ICR is reserved. */
static uint32_t x2apic_read(uint32_t reg)
{
	return (uint32_t)lapic_hw_rdmsr(lapic_x2apic_msr(reg));
}

static void x2apic_write(uint32_t reg, uint32_t val)
{
	lapic_hw_wrmsr(lapic_x2apic_msr(reg), val);
}

/** One fenced WRMSR to the ICR; there is no delivery status to poll. */
static enum svsm_err x2apic_send_icr(uint32_t dest, uint32_t icr_low)
{
	lapic_hw_fence();
	lapic_hw_wrmsr(LAPIC_X2APIC_ICR_MSR, lapic_x2apic_icr(dest, icr_low));
	return SVSM_OK;
}

static uint32_t x2apic_id(void)
{
	return (uint32_t)lapic_hw_rdmsr(lapic_x2apic_msr(LAPIC_ID));
}

static const struct lapic_ops XAPIC_OPS = {
	.mode = LAPIC_MODE_XAPIC,
	.read = xapic_read,
	.write = xapic_write,
	.send_icr = xapic_send_icr,
	.id = xapic_id,
};

static const struct lapic_ops X2APIC_OPS = {
	.mode = LAPIC_MODE_X2APIC,
	.read = x2apic_read,
	.write = x2apic_write,
	.send_icr = x2apic_send_icr,
	.id = x2apic_id,
};

bool lapic_mode_get(enum lapic_mode *mode)
{
	if (!ops) {
		return false;
	}
	*mode = ops->mode;
	return true;
}

/** Enters `mode` on this CPU and enables the APIC; see apic_ops.h. */
enum svsm_err lapic_ops_start(enum lapic_mode mode, uint64_t apic_base)
{
	const struct lapic_ops *want =
		mode == LAPIC_MODE_X2APIC ? &X2APIC_OPS : &XAPIC_OPS;

	if (!(apic_base & APIC_BASE_EN) || (ops && ops != want) ||
	    (mode == LAPIC_MODE_XAPIC && (apic_base & APIC_BASE_EXTD))) {
		return SVSM_ERR_UNSUPPORTED;
	}
	/* xAPIC to x2APIC is the one valid step that sets EXTD (11.12.5). */
	if (mode == LAPIC_MODE_X2APIC && !(apic_base & APIC_BASE_EXTD)) {
		lapic_hw_wrmsr(MSR_APIC_BASE, apic_base | APIC_BASE_EXTD);
	}
	if (!ops) {
		ops = want;
	}
	ops->write(LAPIC_LVT_TIMER, LAPIC_LVT_MASKED);
	ops->write(LAPIC_SVR, LAPIC_SVR_ENABLE | 0xFFU);
	return SVSM_OK;
}

void lapic_ops_forget(void)
{
	ops = NULL;
	timer_mode = LAPIC_TIMER_PERIODIC;
}

uint32_t lapic_reg_read(uint32_t reg)
{
	return ops->read(reg);
}

void lapic_reg_write(uint32_t reg, uint32_t val)
{
	ops->write(reg, val);
}

bool lapic_ready(void)
{
	return ops != NULL;
}

uint32_t lapic_id(void)
{
	return ops->id();
}

/** Writes 0 to EOI: any other value is #GP in x2APIC mode. */
void lapic_eoi(void)
{
	ops->write(LAPIC_EOI, 0);
}

/** Starts the timer; see apic.h. */
void lapic_timer_start(uint32_t vector, uint32_t ticks, bool is_periodic)
{
	ops->write(LAPIC_TIMER_DIVIDE, LAPIC_DIVIDE_16);
	ops->write(LAPIC_LVT_TIMER,
		   (vector & 0xFFU) | (is_periodic ? LAPIC_LVT_PERIODIC : 0U));
	ops->write(LAPIC_TIMER_INITIAL, ticks);
}

void lapic_timer_stop(void)
{
	ops->write(LAPIC_LVT_TIMER, LAPIC_LVT_MASKED);
	ops->write(LAPIC_TIMER_INITIAL, 0);
}

/** LVT in TSC-deadline mode, fence, deadline; see apic.h. */
enum svsm_err lapic_timer_arm_deadline(uint32_t vector, uint64_t tsc_deadline)
{
	if (!ops || timer_mode != LAPIC_TIMER_TSC_DEADLINE) {
		return SVSM_ERR_UNSUPPORTED;
	}
	ops->write(LAPIC_LVT_TIMER, (vector & 0xFFU) | LAPIC_LVT_TSC_DEADLINE);
	lapic_timer_set_deadline(tsc_deadline);
	return SVSM_OK;
}

/** One fenced WRMSR to IA32_TSC_DEADLINE; see apic.h. */
void lapic_timer_set_deadline(uint64_t tsc_deadline)
{
	lapic_hw_fence();
	lapic_hw_wrmsr(MSR_TSC_DEADLINE, tsc_deadline);
}

/** Disarm while still in TSC-deadline mode, then mask; see apic.h. */
void lapic_timer_stop_deadline(void)
{
	lapic_hw_wrmsr(MSR_TSC_DEADLINE, 0);
	ops->write(LAPIC_LVT_TIMER, LAPIC_LVT_MASKED);
}

/** Sends an IPI in the chosen mode; see apic.h. */
enum svsm_err lapic_send_ipi(uint32_t apic_id, uint32_t icr_low)
{
	uint64_t flags;
	enum svsm_err err;

	if (!ops) {
		return SVSM_ERR_UNSUPPORTED;
	}
	/* No interrupt inside a send: its handler may send an IPI too. */
	flags = irq_save();
	err = ops->send_icr(apic_id, icr_low);
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
