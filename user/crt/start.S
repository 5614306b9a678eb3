/* SPDX-License-Identifier: MIT */
/*
 * Process entry for csvsm's own freestanding programs: the kernel starts
 * a process with RSP at argc (System V x86-64 psABI 3.4.1, the layout
 * kernel/proc/exec.c builds). Ends the frame-pointer chain, hands the
 * entry stack pointer to csvsm_main(sp) and exits with its result.
 */
	.section .text
	.globl _start
	.type _start, @function
_start:
	xorl %ebp, %ebp
	movq %rsp, %rdi
	andq $-16, %rsp
	call csvsm_main
	movl %eax, %edi
	movl $60, %eax		/* exit */
	syscall
	ud2
	.size _start, . - _start

	.section .note.GNU-stack, "", @progbits
