// SPDX-License-Identifier: MIT
/*
 * kernel_main: boot-CPU bring-up after kernel_entry. Takes the launch info
 * the builder left, installs descriptor tables and protections, removes
 * the boot identity map, copies and checks the loader's parameters
 * (command line, CPU count, memory map), prints the banner and hands over
 * to the payload. Any bad input stops boot with a clear message.
 */
#include "arch/cpu.h"
#include "arch/fpu.h"
#include "arch/insn.h"

#include "svsm/addr.h"
#include "svsm/backtrace.h"
#include "svsm/boot.h"
#include "svsm/cmdline.h"
#include "svsm/evloop.h"
#include "svsm/log.h"
#include "svsm/mm.h"
#include "svsm/panic.h"
#include "svsm/percpu.h"
#include "svsm/plat.h"
#include "svsm/ramfs.h"
#include "svsm/rtc.h"
#include "svsm/smp.h"
#include "svsm/string.h"
#include "svsm/symbols.h"
#include "svsm/task.h"
#include "svsm/time.h"

#include "uapi/svsm/igvm.h"

#define CSVSM_VERSION "0.1"

static struct boot_info boot;

const struct boot_info *boot_info_get(void)
{
	return &boot;
}

/** Registers the boot and IST stacks for the backtrace walker. */
static void register_stacks(const struct svsm_launch_info *li)
{
	backtrace_add_stack(li->boot_stack_top - SVSM_BOOT_STACK_SIZE,
			    li->boot_stack_top);
	for (uint32_t i = 0; i < SVSM_IST_COUNT; i++) {
		backtrace_add_stack(li->ist_stack_top[i] - SVSM_IST_STACK_SIZE,
				    li->ist_stack_top[i]);
	}
}

/**
 * Removes PML4[0], the identity map that only the loader's reset code
 * needed. The page-table pages are reachable through the builder's
 * window; without one the map stays and a warning says so.
 */
static void drop_identity_map(const struct svsm_launch_info *li)
{
	if (li->pt_window_va == 0 || li->pt_root_pa < li->pt_pbase ||
	    li->pt_root_pa >= li->pt_pend) {
		pr_warn("no page-table window: boot identity map kept\n");
		return;
	}
	uint64_t *pml4 = va_to_ptr(
		va_init(li->pt_window_va + (li->pt_root_pa - li->pt_pbase)));

	pml4[0] = 0;
	write_cr3(read_cr3());
}

/** Copies and checks the command line and the CPU count. */
static void read_params(const struct svsm_launch_info *li)
{
	const uint8_t *area = va_to_ptr(va_init(li->param_va));
	uint32_t cpus;
	char val[8];

	if (cmdline_init((const char *)area + SVSM_PARAM_CMDLINE_OFFSET,
			 SVSM_PARAM_CMDLINE_SIZE) != SVSM_OK) {
		pr_warn("command line refused (not NUL-terminated printable "
			"ASCII); using none\n");
	}
	if (cmdline_value("console", val, sizeof(val)) &&
	    strcmp(val, "off") == 0) {
		log_set_console(false);
	}
	memcpy(&cpus, area + SVSM_PARAM_VP_COUNT_OFFSET, sizeof(cpus));
	if (cpus == 0 || cpus > SVSM_MAX_CPUS) {
		panic("boot parameters: vCPU count %u out of range 1..%u", cpus,
		      SVSM_MAX_CPUS);
	}
	boot.cpu_count = cpus;
}

/** Copies and checks the memory map; a bad map stops boot. */
static void read_memmap(const struct svsm_launch_info *li)
{
	char why[128];

	const uint8_t *area = va_to_ptr(va_init(li->param_va));
	const struct memmap_span svsm = { li->kernel_pbase, li->kernel_pend };

	if (memmap_parse(area + SVSM_PARAM_MEMMAP_OFFSET,
			 SVSM_PARAM_MEMMAP_SIZE, svsm, &boot.memmap, why,
			 sizeof(why)) != SVSM_OK) {
		log_set_console(true);
		log_printf("csvsm: refusing to boot: %s\n", why);
		plat_exit(false);
	}
}

/** Starts the platform's request path if the host attached one. */
static void start_requests(void)
{
	enum svsm_err err = plat_start_requests();

	if (err != SVSM_OK && err != SVSM_ERR_NOTFOUND) {
		log_printf("requests: not served: %s\n", svsm_err_name(err));
	}
}

static void print_banner(void)
{
	const struct memmap *m = &boot.memmap;
	const struct svsm_launch_info *li = &boot.launch;

	log_printf("csvsm %s on %s: %u CPU%s\n", CSVSM_VERSION, plat_name(),
		   boot.cpu_count, boot.cpu_count == 1 ? "" : "s");
	log_printf("memory: %u ranges, %llu MiB RAM; SVSM region "
		   "[0x%llx, 0x%llx) %llu MiB\n",
		   m->count, (unsigned long long)(m->ram_bytes >> 20),
		   (unsigned long long)li->kernel_pbase,
		   (unsigned long long)li->kernel_pend,
		   (unsigned long long)((li->kernel_pend - li->kernel_pbase) >>
					20));
	for (uint32_t i = 0; i < m->count; i++) {
		log_printf("  [0x%011llx, 0x%011llx) type %u\n",
			   (unsigned long long)m->ranges[i].base,
			   (unsigned long long)m->ranges[i].base +
				   m->ranges[i].size,
			   m->ranges[i].type);
	}
	struct mm_stats st;

	mm_get_stats(&st);
	log_printf("mm: %llu of %llu pages free for the kernel, heap %llu "
		   "MiB of VA\n",
		   (unsigned long long)st.pages.free_pages,
		   (unsigned long long)st.pages.total_pages,
		   (unsigned long long)(MM_HEAP_SIZE >> 20));
	log_printf("cpus: %u of %u CPUs online\n", smp_online_count(),
		   boot.cpu_count);
	log_printf("command line: \"%s\"\n", cmdline_get());
	log_printf("clock: TSC %llu kHz (PIT-calibrated, untrusted)\n",
		   (unsigned long long)(clock_tsc_hz() / 1000U));
	/* Under `csvsm run --icount` the TSC counts guest instructions. */
	log_printf("boot: %llu TSC ticks since reset\n",
		   (unsigned long long)arch_tsc_read());
}

/** Boot-CPU bring-up; see the file comment. */
void kernel_main(const struct svsm_launch_info *li, uint64_t platform)
{
	if (plat_init_early((uint32_t)platform, li) != SVSM_OK) {
		plat_exit(false);
	}
	memcpy(&boot.launch, li, sizeof(boot.launch));
	boot.platform = (uint32_t)platform;
	if (boot.launch.magic != SVSM_LAUNCH_MAGIC ||
	    boot.launch.version != SVSM_LAUNCH_VERSION) {
		panic("launch info: bad magic or version");
	}
	cpu_init_tables(&boot.launch);
	register_stacks(&boot.launch);
	if (symbols_init(va_to_ptr(va_init(boot.launch.symtab_va)),
			 boot.launch.symtab_size) != SVSM_OK) {
		pr_warn("symbol table missing or malformed: no symbols\n");
	}
	drop_identity_map(&boot.launch);
	cpu_init_protections();
	cpu_init_syscall();
	fpu_init_cpu();
	read_params(&boot.launch);
	read_memmap(&boot.launch);
	if (mm_init(&boot.launch) != SVSM_OK ||
	    percpu_init_boot_cpu() != SVSM_OK) {
		panic("memory set-up failed");
	}
	ramfs_init_boot(&boot.launch);
	enum svsm_err clock_err = clock_init();

	if (clock_err != SVSM_OK) {
		panic("clock: TSC calibration failed (%s; measured %llu Hz, "
		      "bounds %llu..%llu)",
		      svsm_err_name(clock_err),
		      (unsigned long long)clock_last_measured_hz(),
		      (unsigned long long)CLOCK_TSC_HZ_MIN,
		      (unsigned long long)CLOCK_TSC_HZ_MAX);
	}
	if (strcmp(plat_name(), "native") == 0) {
		rtc_init_boot(); /* the host's word: docs/TIME.md */
	}
	/* Before the APs: they share the task-stack tables it creates. */
	if (sched_init() != SVSM_OK || evloop_init_cpu() != SVSM_OK) {
		panic("scheduler set-up failed");
	}
	smp_start_aps();
	start_requests();
	print_banner();
	kernel_payload();
}
