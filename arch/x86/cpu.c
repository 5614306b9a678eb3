// SPDX-License-Identifier: MIT
/*
 * Descriptor tables and protections of the boot CPU: a GDT with 64-bit
 * code and data segments and a TSS whose IST stacks serve #DF, NMI and
 * #MC (so that a kernel stack overflow still gets reported), an IDT with
 * every exception vector, and the CR0/CR4 protection bits.
 * (Intel SDM vol. 3A: 3.4.5 descriptors, 6.14 64-bit IDT, 7.7 64-bit TSS.)
 */
#include "arch/cpu.h"

#include <stddef.h>

#include "arch/cpuid.h"
#include "arch/insn.h"
#include "arch/msr.h"
#include "arch/trap.h"
#include "arch/user.h"

#include "svsm/panic.h"

/** A 64-bit interrupt gate (SDM vol. 3A, figure 6-8). */
struct idt_gate {
	uint16_t offset_lo;
	uint16_t selector;
	uint8_t ist;
	uint8_t type_attr;
	uint16_t offset_mid;
	uint32_t offset_hi;
	uint32_t reserved;
};
_Static_assert(sizeof(struct idt_gate) == 16, "IDT gate");

#define GATE_INTERRUPT 0x8EU /* present, DPL 0, 64-bit interrupt gate */
#define IST_DF 1U
#define IST_NMI 2U
#define IST_MC 3U

/* The boot CPU's GDT and TSS; each AP has its own in its per-CPU data. */
static struct cpu_tables boot_tables;
static struct idt_gate idt[256] __attribute__((aligned(16)));

#define GDT_CODE64 0x00AF9B000000FFFFULL  /* P, DPL0, code RX, L, accessed */
#define GDT_DATA 0x00CF93000000FFFFULL	  /* P, DPL0, data RW, accessed */
#define GDT_UDATA 0x00CFF3000000FFFFULL	  /* P, DPL3, data RW, accessed */
#define GDT_UCODE64 0x00AFFB000000FFFFULL /* P, DPL3, code RX, L, accessed */

/** Writes the TSS descriptor of `t`, whose TSS is at `tss_va`. */
static void gdt_set_tss(struct cpu_tables *t, uint64_t tss_va)
{
	uint64_t base = tss_va;
	uint64_t limit = sizeof(t->tss) - 1;

	t->gdt[3] = (limit & 0xFFFFU) | ((base & 0xFFFFFFULL) << 16) |
		    (0x89ULL << 40) /* P, 64-bit TSS available */ |
		    (((base >> 24) & 0xFFU) << 56);
	t->gdt[4] = base >> 32;
}

/** Loads the GDT and reloads CS (far return) and the data segments. */
static void gdt_load(struct cpu_tables *t)
{
	struct desc_ptr p = { sizeof(t->gdt) - 1, (uint64_t)t->gdt };

	lgdt(&p);
	__asm__ volatile("pushq %0\n"
			 "leaq 1f(%%rip), %%rax\n"
			 "pushq %%rax\n"
			 "lretq\n"
			 "1:\n"
			 "movl %1, %%eax\n"
			 "movl %%eax, %%ds\n"
			 "movl %%eax, %%es\n"
			 "movl %%eax, %%ss\n"
			 "xorl %%eax, %%eax\n"
			 "movl %%eax, %%fs\n"
			 "movl %%eax, %%gs\n"
			 :
			 : "i"((uint64_t)GDT_SEL_CODE64), "i"(GDT_SEL_DATA)
			 : "rax", "memory");
	ltr(GDT_SEL_TSS);
}

static void idt_set(uint32_t vec, uint64_t handler, uint8_t ist)
{
	idt[vec] = (struct idt_gate){
		.offset_lo = (uint16_t)handler,
		.selector = GDT_SEL_CODE64,
		.ist = ist,
		.type_attr = GATE_INTERRUPT,
		.offset_mid = (uint16_t)(handler >> 16),
		.offset_hi = (uint32_t)(handler >> 32),
	};
}

/** Fills a CPU's GDT and TSS; see cpu.h. */
void cpu_tables_fill(struct cpu_tables *t, uint64_t va,
		     const uint64_t ist_top[SVSM_IST_COUNT])
{
	*t = (struct cpu_tables){ 0 };
	t->gdt[1] = GDT_CODE64;
	t->gdt[2] = GDT_DATA;
	t->gdt[GDT_SEL_UDATA / 8U] = GDT_UDATA;
	t->gdt[GDT_SEL_UCODE64 / 8U] = GDT_UCODE64;
	t->tss.ist[IST_DF - 1] = ist_top[0];
	t->tss.ist[IST_NMI - 1] = ist_top[1];
	t->tss.ist[IST_MC - 1] = ist_top[2];
	t->tss.iomap_base = sizeof(t->tss); /* no I/O bitmap */
	gdt_set_tss(t, va + offsetof(struct cpu_tables, tss));
}

/** Loads a CPU's own GDT and TSS and the shared IDT; see cpu.h. */
void cpu_load_tables(struct cpu_tables *t)
{
	struct desc_ptr p = { sizeof(idt) - 1, (uint64_t)idt };

	gdt_load(t);
	lidt(&p);
}

struct tss64 *cpu_boot_tss(void)
{
	return &boot_tables.tss;
}

/** SYSCALL/SYSRET; see cpu.h. */
void cpu_init_syscall(void)
{
	uint64_t star = ((uint64_t)GDT_SYSRET_BASE << 48) |
			((uint64_t)GDT_SEL_CODE64 << 32);

	wrmsr(MSR_STAR, star);
	wrmsr(MSR_LSTAR, (uint64_t)(uintptr_t)syscall_entry);
	wrmsr(MSR_FMASK,
	      RFLAGS_IF | RFLAGS_TF | RFLAGS_DF | RFLAGS_AC | RFLAGS_NT);
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SCE);
}

/** Installs GDT, TSS (IST stacks from `li`) and the exception IDT. */
void cpu_init_tables(const struct svsm_launch_info *li)
{
	cpu_tables_fill(&boot_tables, (uint64_t)&boot_tables,
			li->ist_stack_top);
	gdt_load(&boot_tables);

	for (uint32_t v = 0; v < IDT_VECTORS; v++) {
		uint8_t ist = 0;

		if (v == VEC_DF) {
			ist = IST_DF;
		} else if (v == VEC_NMI) {
			ist = IST_NMI;
		} else if (v == VEC_MC) {
			ist = IST_MC;
		}
		idt_set(v, IDT_STUB_TABLE[v], ist);
	}
	struct desc_ptr p = { sizeof(idt) - 1, (uint64_t)idt };

	lidt(&p);
}

/**
 * Turns on the supervisor protections: CR0.WP, CR4.SMEP and CR4.SMAP
 * (both required), CR4.UMIP where the CPU has it; checks EFER.NXE, which
 * the image's page tables rely on.
 */
void cpu_init_protections(void)
{
	struct cpuid_regs l7 = cpuid(7, 0);
	uint64_t cr4 = read_cr4();

	if (!(l7.ebx & CPUID_7_EBX_SMEP) || !(l7.ebx & CPUID_7_EBX_SMAP)) {
		panic("CPU lacks SMEP or SMAP, which csvsm requires");
	}
	if (!(rdmsr(MSR_EFER) & EFER_NXE)) {
		panic("EFER.NXE is off: the page tables' NX bits would be "
		      "reserved");
	}
	cr4 |= CR4_SMEP | CR4_SMAP;
	if (l7.ecx & CPUID_7_ECX_UMIP) {
		cr4 |= CR4_UMIP;
	}
	clac();
	write_cr4(cr4);
	write_cr0(read_cr0() | CR0_WP);
}
