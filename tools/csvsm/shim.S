/* SPDX-License-Identifier: MIT */
/*
 * The reset shim of `csvsm run`: a 64 KiB ROM given to QEMU 7.2 with
 * -bios, which cannot load IGVM itself. It takes the boot vCPU from the
 * reset vector to the IGVM native vCPU context of the image, whose pages
 * QEMU's generic loader has already put into RAM:
 *
 *   real mode -> protected mode (the shim's GDT) -> CR4, CR3, EFER, CR0
 *   from the context: long mode, compatibility mode, still running from
 *   the shim, which the image's 1 GiB identity map of [3 GiB, 4 GiB)
 *   keeps mapped (launch.h) -> 64-bit code -> segments, GS base, GDTR,
 *   IDTR, RSP, RFLAGS and the general registers -> jump to the context's
 *   RIP.
 *
 * The context is not known when the shim is assembled: the 4 KiB block at
 * SHIM_CTX_OFFSET is filled by `csvsm run` (loadplan_fill_shim()) before
 * it writes the shim file; the header at offset 0 lets it check that the
 * block is where it expects. Offsets are shared through loadplan.h.
 *
 * Linked at SHIM_BASE (4 GiB - 64 KiB). The code lives in the last 4 KiB
 * so that the reset vector's near jump reaches it. The shim is ROM: the
 * GDT descriptors have their accessed bits preset and nothing is written
 * to the shim; the only memory written is 8 bytes below the context's RSP
 * (to load RFLAGS).
 */
#include "loadplan.h"

#define X86_CR0_PE 0x1
#define MSR_EFER 0xC0000080
#define MSR_GS_BASE 0xC0000101
#define EFER_LMA 0x400

#define CTX(field) (shim_ctx + SHIM_CTX_##field)

	.section .text, "ax"

	.globl shim_start
shim_start:
	/* Header: checked by loadplan_fill_shim(). */
	.long SHIM_MAGIC_LO, SHIM_MAGIC_HI
	.long SHIM_CTX_OFFSET, SHIM_CTX_SIZE

	.org SHIM_CTX_OFFSET
shim_ctx:
	.fill SHIM_CTX_SIZE, 1, 0

	.org SHIM_CODE_OFFSET

/*
 * Real-mode entry, reached from the reset vector.
 * In: CS base 0xFFFF0000 (IP is the offset in the shim), interrupts off
 * after reset, A20 enabled by QEMU. Loads the shim's GDT through CS with
 * a 16-bit offset, sets CR0.PE and jumps to 32-bit code.
 */
	.code16
real_entry:
	cli
	cld
	lgdtl %cs:(gdt_desc - shim_start)
	movl %cr0, %eax
	orl $X86_CR0_PE, %eax
	movl %eax, %cr0
	ljmpl $SHIM_SEL_CODE32, $prot_entry

/*
 * 32-bit protected mode, flat segments, paging off, running from the
 * shim. Switches to the context's page tables and enters long mode
 * (compatibility mode), then far-jumps to the 64-bit code selector.
 * CR4 bits that need long mode or CR0.WP (PCIDE, CET) wait until then.
 */
	.code32
prot_entry:
	movw $SHIM_SEL_DATA, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss
	movw %ax, %fs
	movw %ax, %gs
	movl CTX(CR4), %eax
	andl $~SHIM_CR4_LATE_BITS, %eax
	movl %eax, %cr4
	movl CTX(CR3), %eax
	movl %eax, %cr3
	movl $MSR_EFER, %ecx
	movl CTX(EFER), %eax
	movl CTX(EFER) + 4, %edx
	andl $~EFER_LMA, %eax
	wrmsr
	movl CTX(CR0), %eax
	movl %eax, %cr0
	ljmpl $SHIM_SEL_CODE64, $long_entry

/*
 * 64-bit mode, on the context's page tables. Loads everything else from
 * the context with RIP-relative addressing (absolute 0xFFFFxxxx would
 * sign-extend) and jumps to the context's RIP with all general registers
 * as the context gives them. The GDT stays the shim's unless the context
 * names one; the selectors are the same (launch.h).
 */
	.code64
long_entry:
	movl $SHIM_SEL_DATA, %eax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss
	movw %ax, %fs
	movw %ax, %gs
	movq CTX(CR4)(%rip), %rax
	movq %rax, %cr4
	movl $MSR_GS_BASE, %ecx
	movl CTX(GS_BASE)(%rip), %eax
	movl CTX(GS_BASE) + 4(%rip), %edx
	wrmsr
	cmpl $0, CTX(HAS_GDTR)(%rip)
	je 1f
	lgdt CTX(GDTR)(%rip)
1:	lidt CTX(IDTR)(%rip)
	movq CTX(RSP)(%rip), %rsp
	pushq CTX(RFLAGS)(%rip)
	popfq
	movq CTX(RAX)(%rip), %rax
	movq CTX(RCX)(%rip), %rcx
	movq CTX(RDX)(%rip), %rdx
	movq CTX(RBX)(%rip), %rbx
	movq CTX(RBP)(%rip), %rbp
	movq CTX(RSI)(%rip), %rsi
	movq CTX(RDI)(%rip), %rdi
	movq CTX(R8)(%rip), %r8
	movq CTX(R9)(%rip), %r9
	movq CTX(R10)(%rip), %r10
	movq CTX(R11)(%rip), %r11
	movq CTX(R12)(%rip), %r12
	movq CTX(R13)(%rip), %r13
	movq CTX(R14)(%rip), %r14
	movq CTX(R15)(%rip), %r15
	jmp *CTX(RIP)(%rip)

/*
 * The shim's GDT: null, 64-bit code (SHIM_SEL_CODE64), flat data
 * (SHIM_SEL_DATA), flat 32-bit code (SHIM_SEL_CODE32). Accessed bits are
 * preset: the CPU cannot set them in ROM.
 */
	.balign 8
gdt:
	.quad 0
	.quad 0x00AF9B000000FFFF
	.quad 0x00CF93000000FFFF
	.quad 0x00CF9B000000FFFF
gdt_end:

gdt_desc:
	.word gdt_end - gdt - 1
	.long gdt

/* The reset vector, 16 bytes below 4 GiB. */
	.org 0xFFF0
	.code16
reset_vector:
	jmp real_entry
	.org SHIM_SIZE, 0
