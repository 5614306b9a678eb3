/* SPDX-License-Identifier: MIT */
#include "arch/frame_macros.h"
/*
 * The SYSCALL entry and the way back to user mode.
 *
 * syscall_entry
 *   Entered from ring 3 with RCX = user RIP, R11 = user RFLAGS, IF, TF,
 *   DF, AC and NT cleared by FMASK, on the user's stack and GS. Swaps to
 *   the kernel GS, parks the user RSP in the per-CPU data, moves to the
 *   running task's kernel stack (percpu.kernel_rsp, the same top as
 *   TSS.RSP0) and builds a `struct trap_frame` exactly as an interrupt
 *   from ring 3 would (vector VEC_SYSCALL), so that one return path and
 *   one frame layout serve both. Interrupts are enabled for
 *   syscall_dispatch(frame) and disabled again for the return.
 *
 *   Return: SYSRETQ when the frame still says CS = USER_CS and its RIP is
 *   canonical (SYSRET with a non-canonical RCX faults in ring 0 on Intel
 *   CPUs, with the user's RSP: never let it happen); a frame changed to
 *   anything else leaves through IRETQ. RCX and R11 are clobbered, as
 *   Linux documents for its system calls.
 *
 * arch_user_return(frame [rdi])
 *   Makes `frame` the stack and leaves through the common interrupt
 *   return (trap_return in idt_stubs.S): swapgs, IRETQ.
 *
 * arch_copy_user(dst [rdi], src [rsi], n [rdx]) -> bytes not copied
 *   REP MOVSB with EFLAGS.AC set (SMAP open) for the copy only; a fault
 *   on the copy resumes at the fixup with RCX = bytes left.
 */
#define PC_KERNEL_RSP 8
#define PC_USER_RSP 16
#define USER_CS 0x33
#define USER_SS 0x2b
#define VEC_SYSCALL 0x100

	.section .text
	.code64

	.globl syscall_entry
	.type syscall_entry, @function
syscall_entry:
	swapgs
	movq %rsp, %gs:PC_USER_RSP
	movq %gs:PC_KERNEL_RSP, %rsp
	pushq $USER_SS
	pushq %gs:PC_USER_RSP
	pushq %r11		/* RFLAGS */
	pushq $USER_CS
	pushq %rcx		/* RIP */
	pushq $0		/* error code */
	pushq $VEC_SYSCALL
	PUSH_GPRS
	cld
	xorl %ebp, %ebp		/* ends backtraces here */
	movq %rsp, %rdi
	sti
	call syscall_dispatch
	cli
	POP_GPRS
	addq $16, %rsp		/* vector and error code */
	cmpq $USER_CS, 8(%rsp)
	jne 2f
	movq (%rsp), %rcx
	movq %rcx, %r11
	shlq $16, %r11
	sarq $16, %r11
	cmpq %rcx, %r11
	jne 1f
	movq 16(%rsp), %r11	/* RFLAGS */
	movq 24(%rsp), %rsp	/* user RSP: nothing may fault from here */
	swapgs
	sysretq
1:	ud2			/* a non-canonical user RIP: a kernel bug */
2:	swapgs
	iretq
	.size syscall_entry, . - syscall_entry

	.globl arch_user_return
	.type arch_user_return, @function
arch_user_return:
	cli
	movq %rdi, %rsp
	jmp trap_return
	.size arch_user_return, . - arch_user_return

	.globl arch_copy_user
	.type arch_copy_user, @function
arch_copy_user:
	movq %rdx, %rcx
	stac
1:	rep movsb
2:	clac
	movq %rcx, %rax
	ret
	.size arch_copy_user, . - arch_copy_user

	.pushsection .fixup, "ax"
3:	jmp 2b
	.popsection
	.pushsection __ex_table, "a"
	.balign 8
	.quad 1b, 3b, 0		/* EXTABLE_FIXUP */
	.popsection

	.section .note.GNU-stack, "", @progbits
