// SPDX-License-Identifier: MIT
/*
 * The local APIC on the host: the `lapic_hw_*` backend of
 * arch/x86/apic_ops.h as a model of one CPU's APIC, so the driver
 * (arch/x86/apic_ops.c, unmodified) and the native AP start-up
 * (plat/native/ap_start.c) can be checked in x2APIC mode, which QEMU's
 * TCG does not have. Every access goes into a log the tests compare
 * against the expected sequence. The model encodes the rules of the
 * Intel SDM vol. 3A that the driver can break, and records the first
 * one broken as a fault (where hardware raises #GP, or the access would
 * silently go nowhere):
 *
 * - IA32_APIC_BASE: only the transitions of 11.12.5 (disabled <-> xAPIC,
 *   xAPIC -> x2APIC, x2APIC -> disabled), EXTD only with x2APIC support;
 * - MMIO only in xAPIC mode, to 16-byte aligned registers of the page;
 * - MSRs 0x800-0x8FF only in x2APIC mode and only those of table 11-6
 *   (no 0x831 for the ICR's high half, no 0x80E), read-only ones never
 *   written, write-only ones (EOI, SELF IPI) never read;
 * - EOI written with 0 only (11.12.1.2), reserved upper halves zero, no
 *   reserved ICR bits (the delivery status bit is reserved in x2APIC);
 * - the TSC-deadline timer (11.5.4.1): IA32_TSC_DEADLINE (0x6E0) only on
 *   a CPU that has it (else #GP), written only while the LVT timer is in
 *   mode 10b (else the write is ignored: the tick would never come), and
 *   in xAPIC mode only after a fence once the LVT was written (the MMIO
 *   write and the WRMSR are not ordered otherwise); LVT timer mode 11b is
 *   reserved, and 10b too without TSC-deadline. Changing the LVT timer
 *   mode disarms the deadline, as on hardware.
 *
 * Registers are one array indexed by xAPIC offset >> 4, shared by the
 * MMIO and the MSR view. The xAPIC ICR can be made to stay "send
 * pending" for a number of reads, to drive the driver's bounded wait.
 */
#include "apic_env.h"

#include <string.h>

#include "arch/apic.h"
#include "arch/msr.h"

#include "../../arch/x86/apic_ops.h"

#define REG_COUNT 64U /* offsets 0x000-0x3F0 */
#define LOG_ROOM 256U
#define ICR_X2APIC_RESERVED 0xFFF33000U /* bits 12, 13, 16-17, 20-31 */
#define ISR_FIRST 0x810U		/* ISR, TMR, IRR: 0x810-0x827 */
#define IRR_LAST 0x827U

static struct {
	uint32_t id;
	bool has_x2apic;
	bool has_tsc_deadline;
	uint64_t tsc_deadline;
	bool lvt_unfenced; /* xAPIC LVT write not yet fenced */
	uint64_t base;
	uint32_t regs[REG_COUNT];
	uint32_t pending_reads; /* per send */
	uint32_t pending_left;
	enum svsm_err delay_err;
	const char *fault;
	size_t log_count;
	struct apic_env_access log[LOG_ROOM];
} env;

static void log_access(enum apic_env_kind kind, uint32_t addr, uint64_t val)
{
	if (env.log_count < LOG_ROOM) {
		env.log[env.log_count] =
			(struct apic_env_access){ kind, addr, val };
	}
	env.log_count++;
}

/** Records `what` as the fault unless an earlier one is recorded. */
static void fault(const char *what)
{
	if (!env.fault) {
		env.fault = what;
	}
}

static bool is_x2apic(void)
{
	return (env.base & (APIC_BASE_EN | APIC_BASE_EXTD)) ==
	       (APIC_BASE_EN | APIC_BASE_EXTD);
}

static bool is_xapic(void)
{
	return (env.base & (APIC_BASE_EN | APIC_BASE_EXTD)) == APIC_BASE_EN;
}

void apic_env_reset(uint32_t apic_id, bool has_x2apic, uint64_t apic_base)
{
	memset(&env, 0, sizeof(env));
	env.id = apic_id;
	env.has_x2apic = has_x2apic;
	env.base = apic_base;
	env.regs[LAPIC_SVR >> 4] = 0xFFU;
	env.regs[LAPIC_LVT_TIMER >> 4] = LAPIC_LVT_MASKED;
	env.regs[LAPIC_VERSION >> 4] = 0x50014U;
}

void apic_env_log_clear(void)
{
	env.log_count = 0;
}

size_t apic_env_log_count(void)
{
	return env.log_count;
}

const struct apic_env_access *apic_env_log_get(size_t i)
{
	if (i >= env.log_count || i >= LOG_ROOM) {
		return NULL;
	}
	return &env.log[i];
}

const char *apic_env_fault(void)
{
	return env.fault;
}

uint64_t apic_env_apic_base(void)
{
	return env.base;
}

void apic_env_set_pending_reads(uint32_t n)
{
	env.pending_reads = n;
}

void apic_env_set_delay_err(enum svsm_err err)
{
	env.delay_err = err;
}

void apic_env_set_tsc_deadline(bool has_tsc_deadline)
{
	env.has_tsc_deadline = has_tsc_deadline;
}

uint64_t apic_env_tsc_deadline(void)
{
	return env.tsc_deadline;
}

static bool lvt_is_deadline(uint32_t lvt)
{
	return (lvt & LAPIC_LVT_TIMER_MODE_MASK) == LAPIC_LVT_TSC_DEADLINE;
}

/**
 * Checks a write of `val` to the LVT timer entry (either view) and
 * applies its side effects; false (and a fault) if the mode is reserved.
 */
static bool lvt_timer_write(uint32_t val, bool is_mmio)
{
	uint32_t mode = val & LAPIC_LVT_TIMER_MODE_MASK;

	if (mode == LAPIC_LVT_TIMER_MODE_MASK) {
		fault("LVT timer written with the reserved mode 11b");
		return false;
	}
	if (mode == LAPIC_LVT_TSC_DEADLINE && !env.has_tsc_deadline) {
		fault("LVT timer in TSC-deadline mode without TSC-deadline");
		return false;
	}
	if (lvt_is_deadline(env.regs[LAPIC_LVT_TIMER >> 4]) !=
	    lvt_is_deadline(val)) {
		env.tsc_deadline = 0; /* a mode change disarms (11.5.4.1) */
	}
	if (is_mmio && lvt_is_deadline(val)) {
		env.lvt_unfenced = true;
	}
	return true;
}

/** RDMSR of IA32_TSC_DEADLINE: 0 outside TSC-deadline mode. */
static uint64_t tsc_deadline_read(void)
{
	if (!env.has_tsc_deadline) {
		fault("IA32_TSC_DEADLINE on a CPU without TSC-deadline");
		return 0;
	}
	if (!lvt_is_deadline(env.regs[LAPIC_LVT_TIMER >> 4])) {
		return 0;
	}
	return env.tsc_deadline;
}

/** WRMSR of IA32_TSC_DEADLINE: arms (non-zero) or disarms (0). */
static void tsc_deadline_write(uint64_t val)
{
	if (!env.has_tsc_deadline) {
		fault("IA32_TSC_DEADLINE on a CPU without TSC-deadline");
		return;
	}
	if (!lvt_is_deadline(env.regs[LAPIC_LVT_TIMER >> 4])) {
		fault("IA32_TSC_DEADLINE written outside TSC-deadline mode");
		return;
	}
	if (env.lvt_unfenced) {
		fault("IA32_TSC_DEADLINE written before the LVT write was "
		      "fenced");
		return;
	}
	env.tsc_deadline = val;
}

/** Reads register `reg` (an xAPIC offset) as the mode shows it. */
static uint32_t reg_value(uint32_t reg, bool is_x2)
{
	if (reg == LAPIC_ID) {
		return is_x2 ? env.id : (env.id & 0xFFU) << 24;
	}
	if (reg == LAPIC_ICR_LOW && !is_x2 && env.pending_left > 0) {
		if (env.pending_left != UINT32_MAX) {
			env.pending_left--;
		}
		return env.regs[reg >> 4] | LAPIC_ICR_PENDING;
	}
	return env.regs[reg >> 4];
}

/** Whether xAPIC offset `reg` is read-only (SDM vol. 3A, table 11-1). */
static bool reg_read_only(uint32_t reg)
{
	return reg == LAPIC_VERSION || reg == 0x0A0U ||
	       (reg >= 0x100U && reg <= 0x270U) || reg == LAPIC_TIMER_CURRENT;
}

static bool mmio_ok(uint32_t reg)
{
	if (!is_xapic()) {
		fault("MMIO access while the APIC is not in xAPIC mode");
		return false;
	}
	if ((reg & 0xFU) != 0 || reg >= 0x3F0U) {
		fault("MMIO access to no xAPIC register");
		return false;
	}
	return true;
}

uint32_t lapic_hw_mmio_read(uint32_t reg)
{
	log_access(APIC_ENV_MMIO_READ, reg, 0);
	if (!mmio_ok(reg)) {
		return 0;
	}
	if (reg == LAPIC_EOI) {
		fault("xAPIC EOI read");
		return 0;
	}
	return reg_value(reg, false);
}

void lapic_hw_mmio_write(uint32_t reg, uint32_t val)
{
	log_access(APIC_ENV_MMIO_WRITE, reg, val);
	if (!mmio_ok(reg)) {
		return;
	}
	if (reg_read_only(reg)) {
		fault("xAPIC read-only register written");
		return;
	}
	if (reg == LAPIC_ICR_LOW && (val & LAPIC_ICR_PENDING)) {
		fault("xAPIC ICR written with the delivery status bit");
		return;
	}
	if (reg == LAPIC_LVT_TIMER && !lvt_timer_write(val, true)) {
		return;
	}
	env.regs[reg >> 4] = val;
	if (reg == LAPIC_ICR_LOW) {
		env.pending_left = env.pending_reads;
	}
}

/** Whether `msr` is an x2APIC register of SDM vol. 3A, table 11-6. */
static bool x2apic_msr_exists(uint32_t msr)
{
	switch (msr) {
	case 0x802U: /* ID */
	case 0x803U: /* version */
	case 0x808U: /* TPR */
	case 0x80AU: /* PPR */
	case 0x80BU: /* EOI */
	case 0x80DU: /* LDR */
	case 0x80FU: /* SVR */
	case 0x828U: /* ESR */
	case 0x830U: /* ICR */
	case 0x83EU: /* divide configuration */
	case 0x83FU: /* SELF IPI */
		return true;
	default:
		break;
	}
	return (msr >= ISR_FIRST && msr <= IRR_LAST) ||
	       (msr >= 0x832U && msr <= 0x839U); /* LVTs, timer counts */
}

/** Checks an access to x2APIC MSR `msr`; false (and a fault) if bad. */
static bool x2apic_msr_ok(uint32_t msr)
{
	if (!is_x2apic()) {
		fault("x2APIC MSR access while the APIC is not in x2APIC mode");
		return false;
	}
	if (!x2apic_msr_exists(msr)) {
		fault("access to a reserved x2APIC MSR");
		return false;
	}
	return true;
}

uint64_t lapic_hw_rdmsr(uint32_t msr)
{
	log_access(APIC_ENV_RDMSR, msr, 0);
	if (msr == MSR_APIC_BASE) {
		return env.base;
	}
	if (msr == MSR_TSC_DEADLINE) {
		return tsc_deadline_read();
	}
	if ((msr & ~0xFFU) != LAPIC_X2APIC_MSR_BASE) {
		fault("RDMSR of an MSR the model does not know");
		return 0;
	}
	if (!x2apic_msr_ok(msr)) {
		return 0;
	}
	if (msr == 0x80BU || msr == 0x83FU) {
		fault("RDMSR of a write-only x2APIC MSR");
		return 0;
	}
	uint32_t reg = (msr - LAPIC_X2APIC_MSR_BASE) << 4;

	if (msr == LAPIC_X2APIC_ICR_MSR) {
		return ((uint64_t)env.regs[LAPIC_ICR_HIGH >> 4] << 32) |
		       env.regs[reg >> 4];
	}
	return reg_value(reg, true);
}

/** IA32_APIC_BASE writes: the valid transitions of SDM 11.12.5. */
static void write_apic_base(uint64_t val)
{
	uint64_t mode_bits = APIC_BASE_EN | APIC_BASE_EXTD;
	uint64_t from = env.base & mode_bits;
	uint64_t to = val & mode_bits;
	bool is_valid = from == to || to == 0 ||
			(from == 0 && to == APIC_BASE_EN) ||
			(from == APIC_BASE_EN && to == mode_bits);

	if (!is_valid) {
		fault("invalid IA32_APIC_BASE transition");
		return;
	}
	if ((to & APIC_BASE_EXTD) && !env.has_x2apic) {
		fault("EXTD set on an APIC without x2APIC");
		return;
	}
	env.base = val;
}

/** Checks the value of a WRMSR to x2APIC `msr`; false (a fault) if bad. */
static bool x2apic_value_ok(uint32_t msr, uint64_t val)
{
	if (msr == LAPIC_X2APIC_ICR_MSR) {
		if ((uint32_t)val & ICR_X2APIC_RESERVED) {
			fault("x2APIC ICR written with reserved bits");
			return false;
		}
		return true;
	}
	if (val >> 32) {
		fault("x2APIC MSR written with its reserved upper half");
		return false;
	}
	if (msr == 0x80BU && val != 0) {
		fault("EOI written with a non-zero value");
		return false;
	}
	if (msr == 0x83FU && (val & ~0xFFULL)) {
		fault("SELF IPI written with reserved bits");
		return false;
	}
	return true;
}

void lapic_hw_wrmsr(uint32_t msr, uint64_t val)
{
	log_access(APIC_ENV_WRMSR, msr, val);
	if (msr == MSR_APIC_BASE) {
		write_apic_base(val);
		return;
	}
	if (msr == MSR_TSC_DEADLINE) {
		tsc_deadline_write(val);
		return;
	}
	if ((msr & ~0xFFU) != LAPIC_X2APIC_MSR_BASE) {
		fault("WRMSR to an MSR the model does not know");
		return;
	}
	if (!x2apic_msr_ok(msr)) {
		return;
	}
	uint32_t reg = (msr - LAPIC_X2APIC_MSR_BASE) << 4;

	if (msr == 0x802U || reg_read_only(reg) || msr == 0x80DU) {
		fault("WRMSR to a read-only x2APIC MSR");
		return;
	}
	if (!x2apic_value_ok(msr, val)) {
		return;
	}
	if (reg == LAPIC_LVT_TIMER && !lvt_timer_write((uint32_t)val, false)) {
		return;
	}
	if (msr == LAPIC_X2APIC_ICR_MSR) {
		env.regs[LAPIC_ICR_HIGH >> 4] = (uint32_t)(val >> 32);
	}
	env.regs[reg >> 4] = (uint32_t)val;
}

void lapic_hw_fence(void)
{
	log_access(APIC_ENV_FENCE, 0, 0);
	env.lvt_unfenced = false;
}

void lapic_hw_relax(void)
{
}

/** The PIT-calibrated delay of arch/x86/apic.c, recorded, not waited. */
enum svsm_err lapic_delay_us(uint32_t us)
{
	log_access(APIC_ENV_DELAY, 0, us);
	return env.delay_err;
}
