/* SPDX-License-Identifier: MIT */
/*
 * The kernel-task context switch.
 *
 * arch_switch(uint64_t *prev_rsp [rdi], uint64_t next_rsp [rsi])
 *   Contract: a normal SysV call from C (kernel/task/sched.c) with
 *   interrupts off and the CPU's run-queue lock held; the caller has
 *   already made the next task current. Pushes the callee-saved
 *   registers (rbp, rbx, r12-r15) on the current stack, stores RSP in
 *   *prev_rsp, loads next_rsp, pops the next task's callee-saved
 *   registers and returns on its stack. Caller-saved registers are dead
 *   across the call by the ABI, so nothing else is saved: an interrupted
 *   task's full register state is in its trap frame further up its own
 *   stack, restored by IRETQ once the switch back returns. RFLAGS is not
 *   switched (IF is off on both sides; each task restores its own when it
 *   unwinds). No FPU/SSE state: kernel code is -mgeneral-regs-only.
 *   Saved frame, lowest address first: r15 r14 r13 r12 rbx rbp ret.
 *
 * task_trampoline
 *   Where a new task's first arch_switch returns to. Its stack was built
 *   by task_create() with the saved frame above: rbp = 0 (ends the
 *   frame-pointer chain for backtraces), r12 = the struct task. Aligns
 *   the stack to 16 bytes and calls task_start(task), which never
 *   returns.
 */
	.section .text
	.code64

	.globl arch_switch
	.type arch_switch, @function
arch_switch:
	pushq %rbp
	pushq %rbx
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	movq %rsp, (%rdi)
	movq %rsi, %rsp
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %rbx
	popq %rbp
	ret
	.size arch_switch, . - arch_switch

	.globl task_trampoline
	.type task_trampoline, @function
task_trampoline:
	xorl %ebp, %ebp
	andq $-16, %rsp
	movq %r12, %rdi
	call task_start
	ud2
	.size task_trampoline, . - task_trampoline

	.section .note.GNU-stack, "", @progbits
