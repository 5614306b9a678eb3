/* SPDX-License-Identifier: MIT */
/*
 * kernel_entry: the first kernel instruction on the boot CPU.
 *
 * Contract (include/uapi/svsm/launch.h): 64-bit mode, paging on with the
 * build-time page tables, interrupts off, RSP = top of the boot stack
 * (16-byte aligned), RDI = launch-info VA, RSI = platform number. Segment
 * registers and GDTR may still be the loader's; kernel_main loads ours.
 * Sets up the stack canary before the first C function that uses one,
 * then calls kernel_main(launch_info, platform), which does not return.
 */
	.section .text.entry, "ax"
	.code64
	.globl kernel_entry
kernel_entry:
	cli
	cld
	xorl %ebp, %ebp		/* ends the backtrace */
	movq %rdi, %r12
	movq %rsi, %r13
	call stack_guard_init
	movq %r12, %rdi
	movq %r13, %rsi
	call kernel_main
1:	cli
	hlt
	jmp 1b

	.section .note.GNU-stack, "", @progbits
