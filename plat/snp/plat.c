// SPDX-License-Identifier: MIT
/*
 * The SEV-SNP platform in the kernel (plat_snp.h): the glue between the
 * host-tested pieces of plat/snp and the kernel's trap frames, page
 * allocator and CPU registers. Reached only through plat/native/plat.c
 * once the launch said SEV-SNP; never on native.
 *
 * Nothing in this file has executed: QEMU's TCG has no SEV-SNP. Its
 * decisions are the tested functions it calls (start.c, vc.c, ghcb.c,
 * ap_start.c, vcpu_loop.c); what it adds is plumbing, listed with what
 * only hardware can show in docs/SNP.md.
 *
 * GHCB pages: one per CPU, SNP_GHCB_CPUS pages of the image (so the
 * launch validated them and the build-time tables map them 4 KiB each).
 * The boot CPU's is shared and registered by the boot sequence; an AP's
 * is shared by the boot CPU before the AP starts (the table records it)
 * and registered by the AP itself first thing (the GHCB MSR is per
 * vCPU), before any instruction that raises #VC. `is_busy` marks a page
 * in use: a #VC or console write that finds its CPU's page busy (a #VC
 * inside a GHCB call) terminates instead of overwriting the request.
 */
#include "arch/apic.h"
#include "arch/insn.h"
#include "arch/msr.h"
#include "arch/trap.h"

#include "svsm/boot.h"
#include "svsm/heap.h"
#include "svsm/log.h"
#include "svsm/mm.h"
#include "svsm/page_alloc.h"
#include "svsm/panic.h"
#include "svsm/pgtable.h"
#include "svsm/smp.h"
#include "svsm/string.h"
#include "svsm/tmpmap.h"

#include "../../arch/x86/snp_ops.h"
#include "ap_start.h"
#include "plat_snp.h"
#include "start.h"
#include "vc.h"
#include "vcpu_loop.h"

/** CPUs csvsm runs on SEV-SNP (one GHCB page each). */
#define SNP_GHCB_CPUS 16U
#define PAGE 0x1000ULL
#define COM1 0x3F8U
#define RESET_PAT 0x0007040600070406ULL /* APM vol. 2, 7.8.2 */

static uint8_t ghcb_pages[SNP_GHCB_CPUS][PAGE] __attribute__((aligned(4096)));
static struct {
	struct ghcb *page; /* the shared mapping */
	uint64_t gpa;
	bool is_busy;
} ghcbs[SNP_GHCB_CPUS];
static struct svsm_launch_info launch;
static struct snp_boot boot;
static bool is_console_ready;

/** The GPA of an image address (the image is placed at VA - VB + PB). */
static uint64_t image_gpa(const void *va)
{
	return launch.kernel_pbase +
	       ((uint64_t)(uintptr_t)va - launch.kernel_vbase);
}

/** This CPU's GHCB slot, taken (busy); terminates if it is in use. */
static uint32_t ghcb_take(void)
{
	uint32_t cpu = page_alloc_this_cpu();

	if (cpu < SNP_GHCB_CPUS && ghcbs[cpu].page && !ghcbs[cpu].is_busy) {
		ghcbs[cpu].is_busy = true;
		return cpu;
	}
	ghcb_msr_terminate(GHCB_TERM_SET_CSVSM, GHCB_TERM_GHCB_BUSY);
	for (;;) {
		snp_hw_halt();
	}
}

static void ghcb_give(uint32_t cpu)
{
	ghcbs[cpu].is_busy = false;
}

/**
 * The C-bit the entry stub set, read back from the kernel half's PML4
 * entry (the one bit of 32-51 it may hold), so that the temporary
 * window can map the CPUID and secrets pages privately before the
 * CPUID page is read. Step 3 then checks it against the page and the
 * host, and in every entry. False when the entry has none or several.
 */
static bool stub_cbit(uint8_t *cbit)
{
	uint64_t high;
	const uint64_t *pml4;

	if (launch.pt_window_va == 0 || launch.pt_root_pa < launch.pt_pbase ||
	    launch.pt_root_pa >= launch.pt_pend) {
		return false;
	}
	pml4 = va_to_ptr(va_init(launch.pt_window_va +
				 (launch.pt_root_pa - launch.pt_pbase)));
	high = pml4[511] & 0x000FFFFF00000000ULL;
	if (high == 0 || (high & (high - 1U)) != 0) {
		return false;
	}
	*cbit = (uint8_t)__builtin_ctzll(high);
	return true;
}

enum svsm_err snp_plat_init(const struct svsm_launch_info *li)
{
	enum svsm_err err;
	uint8_t cbit = 0;

	memcpy(&launch, li, sizeof(launch));
	if (!stub_cbit(&cbit)) {
		ghcb_msr_terminate(GHCB_TERM_SET_CSVSM, GHCB_TERM_CBIT);
		return SVSM_ERR_INTEGRITY;
	}
	/* Private mappings from now on; the window for steps 2 and 4. */
	pgtable_set_enc_mask(1ULL << cbit);
	if (tmpmap_init(&launch) != SVSM_OK) {
		ghcb_msr_terminate(GHCB_TERM_SET_CSVSM, GHCB_TERM_BOOT);
		return SVSM_ERR_INVAL;
	}
	struct snp_boot_in in = {
		.li = &launch,
		.ptes = va_to_ptr(va_init(launch.pt_window_va)),
		.pte_count = (launch.pt_pend - launch.pt_pbase) / 8U,
		.ghcb_va = ghcb_pages[0],
		.ghcb_gpa = image_gpa(ghcb_pages[0]),
	};

	if (launch.pt_window_va == 0 || launch.pt_pend <= launch.pt_pbase) {
		in.ptes = NULL;
	}
	err = snp_boot_early(&boot, &in);
	if (err != SVSM_OK) {
		return err; /* terminated with the step's reason */
	}
	ghcbs[0].page = boot.ghcb;
	ghcbs[0].gpa = boot.ghcb_gpa;
	is_console_ready = true;
	return SVSM_OK;
}

void snp_plat_console_write(const char *s, size_t len)
{
	static const struct vc_insn out_al = { VC_OP_OUT, 1, 1, true, 0 };

	if (!is_console_ready) {
		return;
	}
	uint32_t cpu = ghcb_take();

	for (size_t i = 0; i < len; i++) {
		struct ghcb_call c = { GHCB_EXIT_IOIO,
				       vc_ioio_info(&out_al, COM1), 0, 0 };
		struct ghcb_regs r = {
			GHCB_REG_RAX, 0, (uint8_t)s[i], 0, 0, 0, 0
		};

		if (ghcb_page_call_regs(ghcbs[cpu].page, ghcbs[cpu].gpa, &c,
					&r) != SVSM_OK) {
			ghcb_msr_terminate(GHCB_TERM_SET_CSVSM,
					   GHCB_TERM_BAD_ANSWER);
			snp_hw_halt();
		}
	}
	ghcb_give(cpu);
}

void snp_plat_exit(bool success)
{
	ghcb_msr_terminate(GHCB_TERM_SET_CSVSM,
			   success ? GHCB_TERM_STOPPED : GHCB_TERM_FAILED);
	for (;;) {
		snp_hw_halt();
	}
}

enum svsm_err snp_plat_validate(paddr_t pa, uint64_t pages, bool valid)
{
	for (uint64_t i = 0; i < pages; i++) {
		void *va = tmpmap_map(pa_init(pa_addr(pa) + i * PAGE));

		if (!va) {
			return SVSM_ERR_BUSY;
		}
		struct snp_pval_status st = snp_hw_pvalidate(va, false, valid);
		bool is_ok = st.rc == SNP_RC_SUCCESS && !st.no_change;

		if (is_ok && valid) {
			memset(va, 0, PAGE); /* fresh pages hold nothing */
		}
		tmpmap_unmap(va);
		if (!is_ok) {
			return ghcb_fail_closed(SVSM_ERR_INTEGRITY,
						GHCB_TERM_INTEGRITY);
		}
	}
	return SVSM_OK;
}

enum svsm_err snp_plat_record_prevalidated(struct valid_region *r,
					   const struct svsm_launch_info *li)
{
	enum svsm_err err = snp_boot_table(&boot, r, li);

	/* The APs' GHCB pages: shared now, registered by each AP. */
	for (uint32_t i = 1; err == SVSM_OK && i < SNP_GHCB_CPUS; i++) {
		uint64_t gpa = image_gpa(ghcb_pages[i]);

		err = ghcb_page_make_shared(r, ghcb_pages[i], gpa);
		if (err == SVSM_OK) {
			ghcbs[i].page = snp_hw_map_shared(ghcb_pages[i],
							  boot.cpuid.cbit);
			ghcbs[i].gpa = gpa;
			err = ghcbs[i].page ? SVSM_OK : SVSM_ERR_BUSY;
		}
	}
	return err;
}

/** Copies the registers a #VC reads out of the frame. */
static struct vc_regs regs_of(const struct trap_frame *f)
{
	return (struct vc_regs){ f->rax, f->rbx, f->rcx, f->rdx, f->rip };
}

bool snp_plat_vc(struct trap_frame *f)
{
	uint8_t insn[VC_INSN_MAX];
	uint64_t cr4 = read_cr4();
	size_t avail = PAGE - (f->rip & (PAGE - 1U));
	struct vc_regs regs = regs_of(f);
	enum svsm_err err;

	if ((f->cs & 3U) == 3U) {
		return false; /* no user process runs on SNP: a fault */
	}
	avail = avail < VC_INSN_MAX ? avail : VC_INSN_MAX;
	memcpy(insn, va_to_ptr(va_init(f->rip)), avail); /* kernel text */
	uint32_t cpu = ghcb_take();
	struct vc_env env = {
		ghcbs[cpu].page,
		ghcbs[cpu].gpa,
		&boot.cpuid,
		{ (cr4 & VC_CR4_OSXSAVE) ? xgetbv(0) : 1U, 0, cr4 },
	};

	err = vc_handle(&env, f->error_code, insn, avail, &regs);
	ghcb_give(cpu);
	if (err == SVSM_OK) {
		f->rax = regs.rax;
		f->rbx = regs.rbx;
		f->rcx = regs.rcx;
		f->rdx = regs.rdx;
		f->rip = regs.rip;
		return true;
	}
	const struct extable_entry *e = extable_find(f->rip);

	if (err == SVSM_ERR_IO && e) {
		f->rip = e->fixup; /* the host's #GP, as rdmsr_safe expects */
		return true;
	}
	ghcb_msr_terminate(GHCB_TERM_SET_CSVSM, GHCB_TERM_VC);
	for (;;) {
		snp_hw_halt();
	}
}

/** The AP's first code: its GHCB registered before anything raises #VC. */
static void snp_ap_entry(uint32_t cpu_index)
{
	if (cpu_index >= SNP_GHCB_CPUS ||
	    ghcb_msr_register(ghcbs[cpu_index].gpa) != SVSM_OK) {
		ghcb_msr_terminate(GHCB_TERM_SET_CSVSM, GHCB_TERM_BOOT);
		snp_hw_halt();
	}
	ap_main(cpu_index);
}

/** A page for an AP's VMSA: not 2 MiB aligned (the SNP erratum). */
static enum svsm_err vmsa_page(paddr_t *out)
{
	paddr_t a;
	paddr_t b;
	enum svsm_err err = page_alloc(page_alloc_this_cpu(), 0, &a);

	if (err != SVSM_OK || (pa_addr(a) & 0x1FFFFFU) != 0) {
		*out = a;
		return err;
	}
	err = page_alloc(page_alloc_this_cpu(), 0, &b);
	CHECK(page_free(page_alloc_this_cpu(), a, 0) == SVSM_OK);
	*out = b;
	return err;
}

enum svsm_err snp_plat_start_ap(uint32_t apic_id, const struct plat_ap_boot *ap)
{
	struct desc_ptr gdt;
	struct desc_ptr idt;
	paddr_t vmsa;
	enum svsm_err err;

	if (ap->cpu_index >= SNP_GHCB_CPUS || !ghcbs[ap->cpu_index].page) {
		return SVSM_ERR_RANGE;
	}
	err = vmsa_page(&vmsa);
	if (err != SVSM_OK) {
		return err;
	}
	sgdt(&gdt);
	sidt(&idt);
	struct snp_ap_context ctx = {
		.rip = (uint64_t)(uintptr_t)snp_ap_entry,
		.rsp = ap->stack_top,
		.rdi = ap->cpu_index,
		.cr0 = read_cr0(),
		.cr3 = ap->cr3,
		.cr4 = read_cr4(),
		.efer = rdmsr(MSR_EFER) | VMSA_EFER_SVME,
		.g_pat = RESET_PAT,
		.gdt_base = gdt.base,
		.idt_base = idt.base,
		.gdt_limit = gdt.limit,
		.idt_limit = idt.limit,
		.cs = SVSM_SEL_CODE64,
		.ds = SVSM_SEL_DATA,
		.sev_features = boot.sev_features,
	};
	uint32_t cpu = ghcb_take();

	err = snp_ap_start(ghcbs[cpu].page, ghcbs[cpu].gpa, pa_addr(vmsa),
			   apic_id, &ctx);
	ghcb_give(cpu);
	/* A started AP keeps its VMSA page for as long as it runs. */
	if (err != SVSM_OK) {
		CHECK(page_free(page_alloc_this_cpu(), vmsa, 0) == SVSM_OK);
	}
	return err;
}

/**
 * The guest csvsm serves: every RAM range of the memory map from the
 * lowest to the highest address, the SVSM's region cut out; its
 * validation table from the heap. Set up once, by the boot CPU.
 */
static struct snp_guest *guest_get(void)
{
	static struct snp_guest g;
	static bool is_set;
	const struct boot_info *bi = boot_info_get();
	struct snp_guest_layout l = { UINT64_MAX, 0, launch.kernel_pbase,
				      launch.kernel_pend -
					      launch.kernel_pbase };

	if (is_set) {
		return &g;
	}
	for (uint32_t i = 0; i < bi->memmap.count; i++) {
		const struct memmap_range *m = &bi->memmap.ranges[i];

		l.base = m->base < l.base ? m->base : l.base;
		l.end = m->base + m->size > l.end ? m->base + m->size : l.end;
	}
	if (l.end <= l.base) {
		return NULL;
	}
	size_t size = (size_t)((l.end - l.base) / PAGE + 3U) / 4U;
	uint8_t *bits = kzalloc(size);

	if (!bits) {
		return NULL;
	}
	if (snp_guest_init(&g, &l, bits, size) != SVSM_OK) {
		kfree(bits);
		return NULL;
	}
	g.sev_features = boot.sev_features;
	is_set = true;
	return &g;
}

void snp_plat_run_loop(void)
{
	struct snp_cpu c = { guest_get(), NULL, 0, lapic_id(), 0 };
	uint32_t cpu = page_alloc_this_cpu();
	enum svsm_err err = SVSM_ERR_NOMEM;

	/* Not marked busy: the loop uses the page only inside one call. */
	if (cpu >= SNP_GHCB_CPUS) {
		return;
	}
	c.ghcb = ghcbs[cpu].page;
	c.ghcb_gpa = ghcbs[cpu].gpa;
	if (c.g) {
		err = snp_vcpu_loop(&c);
	}
	/* NOTFOUND: no guest vCPU for this CPU (none adopted or created). */
	log_printf("cpu %u: VMPL switch loop ended after %u calls: %s\n", cpu,
		   c.calls, svsm_err_name(err));
}
