// SPDX-License-Identifier: MIT
/*
 * Starting the application processors, one at a time, through the
 * platform's plat_start_ap() (native: INIT-SIPI-SIPI, the universal
 * start-up algorithm of the Intel SDM vol. 3A, 9.4.4.1, in
 * plat/native/ap_start.c). The boot CPU copies the
 * real-mode trampoline (arch/x86/ap_trampoline.S) to SMP_TRAMPOLINE_PA
 * through the temporary window, maps that page identity, read-only
 * executable for the duration, builds each AP's PML4 and per-CPU region
 * (kernel/mm/percpu.c) and fills the trampoline's data block. The AP
 * enters ap_main() on its own PML4 and stack, loads its own GDT and TSS,
 * drops the identity map from its PML4, turns on its protections, its
 * local APIC and GS, reports itself and marks itself online.
 *
 * Concurrency: only one AP starts at a time and the boot CPU only spins
 * while it does. Online APs idle with interrupts on. The log, the page
 * allocator, the heap and the IRQ table take their own locks, and each
 * CPU has its own temporary window, so APs may use them.
 *
 * Once online, every AP runs the scheduler (sched_init_ap: its boot
 * context becomes its idle task) and an event loop (svsm/evloop.h).
 * smp_run_on_aps() signals one event per AP, whose handler runs the work
 * in that AP's loop task and counts itself in `work.done`. One writer
 * (the boot CPU, only while no work runs) and atomics for the rest.
 */
#include "svsm/smp.h"

#include "arch/ap_trampoline.h"
#include "arch/apic.h"
#include "arch/cpu.h"
#include "arch/fpu.h"
#include "arch/insn.h"
#include "arch/irq.h"
#include "arch/msr.h"

#include "svsm/acpi_fw_cfg.h"
#include "svsm/acpi_loader.h"
#include "svsm/backtrace.h"
#include "svsm/evloop.h"
#include "svsm/fmt.h"
#include "svsm/log.h"
#include "svsm/mm.h"
#include "svsm/panic.h"
#include "svsm/percpu.h"
#include "svsm/plat.h"
#include "svsm/string.h"
#include "svsm/task.h"
#include "svsm/time.h"
#include "svsm/tmpmap.h"

/* The trampoline's hand-written register values match the named bits. */
_Static_assert(AP_TRAMPOLINE_CR0 ==
		       (CR0_PG | CR0_WP | CR0_NE | CR0_ET | CR0_MP | CR0_PE),
	       "trampoline CR0");
_Static_assert(AP_TRAMPOLINE_EFER_BITS == (EFER_NXE | EFER_LME),
	       "trampoline EFER");
_Static_assert(AP_TRAMPOLINE_CR4 == CR4_PAE, "trampoline CR4");
_Static_assert(((MM_PERCPU_BASE >> 39) & 511U) == PERCPU_PML4_INDEX,
	       "per-CPU PML4 entry");

#define POLL_US 100U
#define PARK_DELAY_US 10000U /* after INIT: the CPU has stopped running */

static struct smp_cpu cpus[SVSM_MAX_CPUS];
static uint32_t cpu_count = 1;

/** The work of smp_run_on_aps(); see the top of the file. */
static struct {
	smp_work_fn fn;
	void *arg;
	uint32_t started; /* APs the last work was sent to */
	uint32_t done;	  /* of those, the ones that finished it */
	struct event ev[SVSM_MAX_CPUS];
	bool has_event[SVSM_MAX_CPUS];
} work;

uint32_t smp_cpu_count(void)
{
	return cpu_count;
}

const struct smp_cpu *smp_cpu_get(uint32_t index)
{
	return index < cpu_count ? &cpus[index] : NULL;
}

uint32_t smp_online_count(void)
{
	uint32_t n = 0;

	for (uint32_t i = 0; i < cpu_count; i++) {
		n += __atomic_load_n(&cpus[i].is_online, __ATOMIC_ACQUIRE);
	}
	return n;
}

/** Where the CPU list came from; see smp.h. */
static enum smp_cpu_source cpu_source = SMP_CPUS_BOOT_ONLY;

/**
 * Writes the CPU list and where it came from to the log, one line (room
 * for SVSM_MAX_CPUS three-digit IDs; boot CPU only, so static).
 */
static void log_cpu_list(const char *from)
{
	static char line[64 + 4 * SVSM_MAX_CPUS];
	size_t len =
		fmt_snprintf(line, sizeof(line), "cpus: %u from %s, APIC IDs",
			     cpu_count, from);

	for (uint32_t i = 0; i < cpu_count && len < sizeof(line); i++) {
		len += fmt_snprintf(line + len, sizeof(line) - len, " %u",
				    cpus[i].apic_id);
	}
	log_printf("%s\n", line);
}

/**
 * Fills the CPU list, boot CPU first, from QEMU's ACPI MADT read through
 * fw_cfg (kernel/acpi/fw_cfg_tables.c). Policy, fail closed: tables that
 * are there but fail a check, whose enabled CPUs are not the IGVM vCPU
 * count, or that do not list the boot CPU stop boot with a one-line
 * message, as a bad memory map does. Only when there are no tables to
 * read (no fw_cfg device, or one without QEMU's table-loader script, as
 * with -machine acpi=off) does the list fall back, with a warning, to
 * APIC IDs 0..n-1 for the IGVM vCPU count (what QEMU assigns without a
 * topology); a host could hide the tables anyway, so the fallback gives
 * it nothing more. Nothing here assumes the IDs are sequential.
 */
static void discover_cpus(uint32_t bsp_id)
{
	static struct madt_info madt;
	static struct acpi_cpu_list list;
	uint32_t *ids = list.apic_ids;
	uint32_t n = boot_info_get()->cpu_count;
	char why[160];
	enum svsm_err err = acpi_fw_cfg_madt(&madt, why, sizeof(why));

	if (err == SVSM_OK) {
		err = acpi_cpu_list(&madt, n, bsp_id, &list, why, sizeof(why));
		n = list.count;
	}
	if (err != SVSM_OK && err != SVSM_ERR_NOTFOUND) {
		log_set_console(true);
		log_printf("csvsm: refusing to boot: %s\n", why);
		plat_exit(false);
	}
	if (err == SVSM_ERR_NOTFOUND) {
		pr_warn("smp: no ACPI tables (%s): assuming APIC IDs 0..%u\n",
			why, n - 1);
		for (uint32_t i = 0; i < n; i++) {
			ids[i] = i;
		}
	}
	cpu_source = err == SVSM_OK ? SMP_CPUS_MADT : SMP_CPUS_SEQUENTIAL;
	cpu_count = 1;
	cpus[0].apic_id = bsp_id;
	for (uint32_t i = 0; i < n; i++) {
		if (ids[i] != bsp_id && cpu_count < n) {
			cpus[cpu_count++].apic_id = ids[i];
		}
	}
	if (cpu_count < n) {
		pr_warn("smp: boot CPU's APIC ID %u not in the CPU list\n",
			bsp_id);
	}
	log_cpu_list(err == SVSM_OK ? "the ACPI MADT" : "the vCPU count");
}

enum smp_cpu_source smp_cpu_source(void)
{
	return cpu_source;
}

/** Whether the trampoline fits its page, in RAM, outside the SVSM. */
static bool trampoline_page_ok(void)
{
	const struct boot_info *bi = boot_info_get();
	uint64_t size = (uint64_t)(ap_trampoline_end - ap_trampoline_start);
	uint64_t lo = SMP_TRAMPOLINE_PA;
	uint64_t hi = lo + PAGE_SIZE;

	if (size > PAGE_SIZE || hi > 0x100000ULL) {
		return false;
	}
	if (!memmap_covers_ram(&bi->memmap, lo, hi)) {
		return false;
	}
	return hi <= bi->launch.kernel_pbase || lo >= bi->launch.kernel_pend;
}

/** Copies the trampoline through the window and maps it identity RX. */
static enum svsm_err trampoline_install(void)
{
	uint64_t size = (uint64_t)(ap_trampoline_end - ap_trampoline_start);
	struct pt_batch b;
	void *p = tmpmap_map(pa_init(SMP_TRAMPOLINE_PA));

	if (!p) {
		return SVSM_ERR_BUSY;
	}
	memset(p, 0, PAGE_SIZE);
	memcpy(p, ap_trampoline_start, size);
	tmpmap_unmap(p);
	enum svsm_err err = pgtable_map_prepare(
		&b, mm_kernel_pgtable(), va_init(SMP_TRAMPOLINE_PA),
		pa_init(SMP_TRAMPOLINE_PA), 1, PT_PROT_EXEC);

	if (err == SVSM_OK) {
		pgtable_map_commit(&b);
	}
	return err;
}

/**
 * Whether entries [0, `count`) of the table at `table` hold no present
 * entry but `index`; that entry goes to `*entry`.
 */
static bool table_only(paddr_t table, uint32_t count, uint32_t index,
		       uint64_t *entry)
{
	uint64_t *t = tmpmap_map(table);
	bool only = t != NULL;

	for (uint32_t i = 0; only && i < count; i++) {
		only = i == index || !(t[i] & PTE_P);
	}
	if (only) {
		*entry = t[index];
	}
	tmpmap_unmap(t);
	return only;
}

/**
 * Removes the trampoline's identity map from the kernel page tables:
 * unmaps the page, then frees the low-half chain (PDPT, PD, PT) that
 * mapping it created and clears PML4[0] again. The APs cleared their own
 * PML4[0] before coming online; an AP that never did was parked by INIT.
 */
static void trampoline_remove(void)
{
	struct pgtable *kpt = mm_kernel_pgtable();
	paddr_t chain[3];
	uint64_t e;

	CHECK(pgtable_unmap(kpt, va_init(SMP_TRAMPOLINE_PA), 1) == SVSM_OK);
	/* The low half of the PML4 (entries 0..255) must hold only it. */
	if (!table_only(kpt->root, 256U, 0, &e) || !(e & PTE_P)) {
		pr_warn("smp: low half in use; trampoline tables kept\n");
		return;
	}
	for (uint32_t level = 0; level < 3; level++) {
		chain[level] = pa_init(pte_addr(e));
		if (!table_only(chain[level], 512U, 0, &e) ||
		    (level < 2 && !(e & PTE_P)) ||
		    (level == 2 && (e & PTE_P))) {
			pr_warn("smp: low half in use; trampoline tables "
				"kept\n");
			return;
		}
	}
	uint64_t *pml4 = tmpmap_map(kpt->root);

	CHECK(pml4 != NULL);
	pml4[0] = 0;
	tmpmap_unmap(pml4);
	write_cr3(read_cr3());
	for (uint32_t level = 0; level < 3; level++) {
		CHECK(page_free(kpt->cpu, chain[level], 0) == SVSM_OK);
	}
	void *p = tmpmap_map(pa_init(SMP_TRAMPOLINE_PA));

	if (p) {
		memset(p, 0, PAGE_SIZE);
		tmpmap_unmap(p);
	}
}

/** Fills the trampoline's data block for AP `index`. */
static enum svsm_err trampoline_fill(uint32_t index, const struct percpu_ap *ap)
{
	uint8_t *p = tmpmap_map(pa_init(SMP_TRAMPOLINE_PA));

	if (!p) {
		return SVSM_ERR_BUSY;
	}
	struct ap_trampoline_data d = {
		.cr3 = pa_addr(ap->pml4),
		.entry = (uint64_t)&ap_main,
		.stack_top = ap->stack_top,
		.cpu_index = index,
	};

	memcpy(p + (ap_trampoline_data - ap_trampoline_start), &d, sizeof(d));
	tmpmap_unmap(p);
	return SVSM_OK;
}

/** Waits (bounded) for AP `index` to mark itself online. */
static bool wait_online(uint32_t index)
{
	for (uint32_t i = 0; i < SMP_AP_TIMEOUT_MS * (1000U / POLL_US); i++) {
		if (__atomic_load_n(&cpus[index].is_online, __ATOMIC_ACQUIRE)) {
			return true;
		}
		if (clock_delay_us(POLL_US) != SVSM_OK) {
			break;
		}
	}
	return __atomic_load_n(&cpus[index].is_online, __ATOMIC_ACQUIRE);
}

/**
 * Parks AP `index` with INIT and, once it can no longer run, frees its
 * region; an AP whose INIT failed may still run there, so its region is
 * kept (a leak, not a use after free).
 */
static void park_ap(uint32_t index, struct percpu_ap *ap)
{
	struct smp_cpu *c = &cpus[index];

	if (lapic_send_init(c->apic_id) != SVSM_OK ||
	    clock_delay_us(PARK_DELAY_US) != SVSM_OK) {
		log_printf("smp: cpu %u: INIT to park it failed; its region "
			   "is kept\n",
			   index);
		return;
	}
	/* It may have marked itself online after the wait gave up. */
	__atomic_store_n(&c->is_online, 0, __ATOMIC_RELEASE);
	c->percpu_pa = pa_init(0);
	c->pml4_pa = pa_init(0);
	percpu_destroy_ap(index, ap);
}

/** Builds AP `index`'s region and starts it; true once it is online. */
static bool start_ap(uint32_t index)
{
	struct smp_cpu *c = &cpus[index];
	struct percpu_ap ap;
	enum svsm_err err = percpu_init_ap(index, &ap);

	if (err != SVSM_OK) {
		log_printf("smp: cpu %u (apic id %u) not started: %s\n", index,
			   c->apic_id, svsm_err_name(err));
		return false;
	}
	bool is_sipi = plat_ap_uses_trampoline();

	if (is_sipi && pa_addr(ap.pml4) >= (1ULL << 32)) {
		err = SVSM_ERR_RANGE; /* the trampoline loads a 32-bit CR3 */
	}
	if (err == SVSM_OK) {
		c->percpu_pa = ap.data;
		c->pml4_pa = ap.pml4;
		err = is_sipi ? trampoline_fill(index, &ap) : SVSM_OK;
	}
	if (err != SVSM_OK) {
		/* Never started: nothing runs on the region. */
		log_printf("smp: cpu %u (apic id %u) not started: %s\n", index,
			   c->apic_id, svsm_err_name(err));
		c->percpu_pa = pa_init(0);
		c->pml4_pa = pa_init(0);
		percpu_destroy_ap(index, &ap);
		return false;
	}
	struct plat_ap_boot boot = { pa_addr(ap.pml4), ap.stack_top, index };

	err = plat_start_ap(c->apic_id, pa_init(SMP_TRAMPOLINE_PA), &boot);
	if (err != SVSM_OK) {
		/* A SIPI may have got through: park it before freeing. */
		log_printf("smp: cpu %u (apic id %u) not started: %s\n", index,
			   c->apic_id, svsm_err_name(err));
		park_ap(index, &ap);
		return false;
	}
	if (!wait_online(index)) {
		log_printf("smp: cpu %u (apic id %u) did not come online "
			   "within %u ms; parked with INIT, continuing "
			   "without it\n",
			   index, c->apic_id, SMP_AP_TIMEOUT_MS);
		park_ap(index, &ap);
		return false;
	}
	return true;
}

/** Starts every AP; see smp.h. */
void smp_start_aps(void)
{
	/* sched_init() brought the APIC up; its init would stop the tick. */
	enum svsm_err err = lapic_ready() ? SVSM_OK : lapic_init();

	cpus[0].is_online = 1;
	cpus[0].seen_index = 0;
	cpus[0].gs_base = rdmsr(MSR_GS_BASE);
	if (err != SVSM_OK) {
		log_printf("smp: no local APIC (%s): running on the boot CPU "
			   "only\n",
			   svsm_err_name(err));
		return;
	}
	cpus[0].seen_apic_id = lapic_id();
	discover_cpus(cpus[0].seen_apic_id);
	cpus[0].apic_id = cpus[0].seen_apic_id;
	if (cpu_count == 1) {
		return;
	}
	bool is_sipi = plat_ap_uses_trampoline();

	if (is_sipi && !trampoline_page_ok()) {
		log_printf("smp: page 0x%llx is not free low RAM: running on "
			   "the boot CPU only\n",
			   (unsigned long long)SMP_TRAMPOLINE_PA);
		return;
	}
	err = is_sipi ? trampoline_install() : SVSM_OK;
	if (err != SVSM_OK) {
		log_printf("smp: trampoline not installed (%s): running on the "
			   "boot CPU only\n",
			   svsm_err_name(err));
		return;
	}
	/* Every AP's IST stacks are at the same addresses in its region. */
	for (uint32_t i = 0; i < SVSM_IST_COUNT; i++) {
		uint64_t lo = MM_PERCPU_BASE + PERCPU_IST_OFFSET +
			      i * PERCPU_IST_STRIDE;

		backtrace_add_stack(lo, lo + SVSM_IST_STACK_SIZE);
	}
	for (uint32_t i = 1; i < cpu_count; i++) {
		(void)start_ap(i);
	}
	if (is_sipi) {
		trampoline_remove();
	}
}

/** An AP's work event: runs the published work in its loop task. */
static void smp_work_event(struct event *ev, uint64_t count)
{
	(void)ev;
	(void)count; /* one signal per smp_run_on_aps() */
	work.fn(work.arg);
	__atomic_fetch_add(&work.done, 1, __ATOMIC_RELEASE);
}

/** Publishes work for the APs and signals their loops; see smp.h. */
enum svsm_err smp_run_on_aps(smp_work_fn fn, void *arg)
{
	uint32_t started = 0;

	if (!fn) {
		return SVSM_ERR_INVAL;
	}
	if (__atomic_load_n(&work.done, __ATOMIC_ACQUIRE) != work.started) {
		return SVSM_ERR_BUSY;
	}
	for (uint32_t i = 1; i < cpu_count; i++) {
		if (!work.has_event[i] && evloop_cpu_ready(i)) {
			if (event_init(&work.ev[i], i, smp_work_event, NULL) !=
			    SVSM_OK) {
				return SVSM_ERR_UNSUPPORTED;
			}
			work.has_event[i] = true;
		}
		started += work.has_event[i];
	}
	work.fn = fn;
	work.arg = arg;
	work.started = started;
	__atomic_store_n(&work.done, 0, __ATOMIC_RELEASE);
	for (uint32_t i = 1; i < cpu_count; i++) {
		if (work.has_event[i]) {
			event_signal(&work.ev[i]);
		}
	}
	return SVSM_OK;
}

uint32_t smp_work_done_count(void)
{
	return __atomic_load_n(&work.done, __ATOMIC_ACQUIRE);
}

/** Drops PML4[0] (the trampoline's identity map) from this AP's PML4. */
static void ap_drop_identity_map(void)
{
	uint64_t *pml4 =
		va_to_ptr(va_init(MM_PERCPU_BASE + PERCPU_PML4_OFFSET));

	pml4[0] = 0;
	write_cr3(read_cr3());
}

/**
 * An AP's first C code, on its own PML4 and stack with the trampoline's
 * GDT, interrupts off. Loads its own GDT and TSS and the shared IDT,
 * leaves the identity map behind, turns on the protections, its local
 * APIC and GS, records what it sees, marks itself online and idles.
 */
void ap_main(uint32_t cpu_index)
{
	uint64_t data = MM_PERCPU_BASE + PERCPU_DATA_OFFSET;
	struct percpu *pc = va_to_ptr(va_init(data));
	struct smp_cpu *c = &cpus[cpu_index];

	cpu_load_tables(&pc->tables);
	ap_drop_identity_map();
	cpu_init_protections();
	cpu_init_syscall();
	fpu_init_cpu();
	wrmsr(MSR_GS_BASE, data);
	if (lapic_init() != SVSM_OK) {
		log_printf("cpu %u: local APIC unusable; halting\n", cpu_index);
		for (;;) {
			cli();
			hlt();
		}
	}
	pc = this_cpu();
	pc->apic_id = lapic_id();
	pc->stamp = SMP_STAMP ^ pc->cpu_index;
	c->seen_apic_id = pc->apic_id;
	c->seen_index = pc->cpu_index;
	c->gs_base = rdmsr(MSR_GS_BASE);
	if (sched_init_ap() != SVSM_OK || evloop_init_cpu() != SVSM_OK) {
		log_printf("cpu %u: scheduler or event loop not started; "
			   "halting\n",
			   cpu_index);
		for (;;) {
			cli();
			hlt();
		}
	}
	log_printf("cpu %u (apic id %u) online\n", cpu_index, pc->apic_id);
	__atomic_store_n(&c->is_online, 1, __ATOMIC_RELEASE);
	sched_idle_loop();
}
