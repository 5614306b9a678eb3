/* SPDX-License-Identifier: MIT */
/*
 * The AP trampoline: what an application processor runs after a start-up
 * IPI (Intel SDM vol. 3A, 9.4.4.1 and 10.9 for the mode switches). The
 * boot CPU copies the bytes between `ap_trampoline_start` and
 * `ap_trampoline_end` to a free page below 1 MiB, maps that page
 * identity, read-only executable in the AP's page tables and fills the
 * data block (arch/ap_trampoline.h).
 *
 * Contract: starts in real mode with CS = page >> 4, IP = 0, interrupts
 * off, no stack. Position independent: every address is computed from CS,
 * and the three linear addresses the CPU needs (GDT base and the two far
 * jump targets) are written into the copy while still in real mode,
 * before paging makes the page read-only. Ends in 64-bit mode with
 * CR3/CR4/EFER/CR0 as the kernel's entry contract states, RSP = the data
 * block's stack top, RDI = the CPU index, RBP = 0, and a zero return
 * address on the stack; jumps to the data block's entry (`ap_main`),
 * which does not return. The trampoline's GDT stays loaded until the
 * entry loads the CPU's own.
 */
#include "arch/ap_trampoline.h"

#define REL(x) ((x) - ap_trampoline_start)
#define SEL_CODE32 0x08
#define SEL_DATA 0x10
#define SEL_CODE64 0x18
#define MSR_EFER 0xC0000080

	.section .rodata.ap_trampoline, "a"
	.balign 16
	.globl ap_trampoline_start, ap_trampoline_data, ap_trampoline_end

	.code16
ap_trampoline_start:
	cli
	cld
	movw %cs, %ax
	movw %ax, %ds
	movzwl %ax, %ebx
	shll $4, %ebx			/* EBX = linear base of the copy */
	leal REL(tramp_gdt)(%ebx), %eax
	movl %eax, REL(tramp_gdtr) + 2
	leal REL(pm32)(%ebx), %eax
	movl %eax, REL(tramp_jmp32)
	leal REL(lm64)(%ebx), %eax
	movl %eax, REL(tramp_jmp64)
	lgdtl REL(tramp_gdtr)
	movl %cr0, %eax
	orl $1, %eax			/* PE */
	movl %eax, %cr0
	ljmpl *REL(tramp_jmp32)

	.code32
pm32:
	movl $SEL_DATA, %eax
	movl %eax, %ds
	movl %eax, %es
	movl %eax, %ss
	movl %eax, %fs
	movl %eax, %gs
	movl $AP_TRAMPOLINE_CR4, %eax
	movl %eax, %cr4
	movl REL(ap_trampoline_data) + AP_TD_CR3(%ebx), %eax
	movl %eax, %cr3
	movl $MSR_EFER, %ecx
	rdmsr
	orl $AP_TRAMPOLINE_EFER_BITS, %eax
	wrmsr
	movl $AP_TRAMPOLINE_CR0, %eax	/* paging on: long mode, compat */
	movl %eax, %cr0
	ljmp *REL(tramp_jmp64)(%ebx)

	.code64
lm64:
	movl %ebx, %ebx			/* upper halves are undefined here */
	movq REL(ap_trampoline_data) + AP_TD_STACK(%rbx), %rsp
	movl REL(ap_trampoline_data) + AP_TD_CPU(%rbx), %edi
	movq REL(ap_trampoline_data) + AP_TD_ENTRY(%rbx), %rax
	xorl %ebp, %ebp			/* ends the backtrace */
	pushq $0
	jmp *%rax

	/* Accessed bits preset: the page is read-only once paging is on. */
	.balign 8
tramp_gdt:
	.quad 0
	.quad 0x00CF9B000000FFFF	/* 0x08: 32-bit code, accessed */
	.quad 0x00CF93000000FFFF	/* 0x10: data, accessed */
	.quad 0x00AF9B000000FFFF	/* 0x18: 64-bit code, accessed */
tramp_gdt_end:
tramp_gdtr:
	.word tramp_gdt_end - tramp_gdt - 1
	.long 0				/* linear base, set at run time */
tramp_jmp32:
	.long 0				/* linear address of pm32 */
	.word SEL_CODE32
tramp_jmp64:
	.long 0				/* linear address of lm64 */
	.word SEL_CODE64

	.balign 8
ap_trampoline_data:
	.fill AP_TD_SIZE, 1, 0
ap_trampoline_end:

	.section .note.GNU-stack, "", @progbits
