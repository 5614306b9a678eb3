/* SPDX-License-Identifier: MIT */
#include "arch/frame_macros.h"
/*
 * Entry stubs for all 256 vectors: exceptions (0-31) and interrupts.
 *
 * Contract: entered by the CPU through an interrupt gate (IF cleared) on
 * the current stack or, for #DF, NMI and #MC, on their IST stacks. Each
 * stub makes the frame uniform (a zero error code where the CPU pushes
 * none), pushes its vector and jumps to trap_common, which saves all
 * general registers in `struct trap_frame` order (arch/trap.h), calls
 * trap_dispatch(frame) with a 16-byte aligned stack and the direction flag
 * clear, restores the (possibly modified) frame and returns with IRETQ.
 * From and back to ring 3 (CS RPL 3) it swaps GS around that, so the
 * kernel always runs on its own GS base. trap_return is also where
 * arch_user_return (syscall.S) enters user mode for the first time.
 *
 * Known limit: an NMI or #MC taken in the few instructions of the
 * SYSCALL entry or exit that run in ring 0 on the user's GS sees the
 * user's GS base; both are fatal reports today.
 */

/* Vectors for which the CPU pushes an error code. */
#define HAS_ERR(v) ((v) == 8 || ((v) >= 10 && (v) <= 14) || (v) == 17 || \
		    (v) == 21 || (v) == 29 || (v) == 30)

	.section .text
	.code64

	.macro stub vec
	.balign 16
stub_\vec:
	.if HAS_ERR(\vec)
	pushq $\vec
	.else
	pushq $0
	pushq $\vec
	.endif
	jmp trap_common
	.endm

	.altmacro
	.macro stubs from=0, to=31
	stub \from
	.if \to-\from
	stubs %(\from+1), \to
	.endif
	.endm

	/* In pieces: gas limits how deep macros may recurse. */
	stubs 0, 63
	stubs 64, 127
	stubs 128, 191
	stubs 192, 255

trap_common:
	testb $3, 24(%rsp)	/* CS: from ring 3? */
	jz 1f
	swapgs
1:	PUSH_GPRS
	cld
	movq %rsp, %rdi
	call trap_dispatch
	.globl trap_return
trap_return:
	POP_GPRS
	addq $16, %rsp	/* vector and error code */
	testb $3, 8(%rsp)	/* CS: back to ring 3? */
	jz 2f
	swapgs
2:	iretq

	.macro stubaddr vec
	.quad stub_\vec
	.endm
	.macro stubaddrs from=0, to=31
	stubaddr \from
	.if \to-\from
	stubaddrs %(\from+1), \to
	.endif
	.endm

	.section .rodata
	.balign 8
	.globl IDT_STUB_TABLE
IDT_STUB_TABLE:
	stubaddrs 0, 63
	stubaddrs 64, 127
	stubaddrs 128, 191
	stubaddrs 192, 255

	.section .note.GNU-stack, "", @progbits
