/* SPDX-License-Identifier: MIT */
/*
 * Flat ring-3 test programs for tests/vm/test_user.c, kept as data: the
 * kernel copies each to USER_TEXT_VA. Position independent (RIP-relative
 * data), Linux system call convention.
 *
 * up_hello: write() to fd 1, getpid(), an unknown call (-ENOSYS), write()
 *   with an unmapped, a kernel and a wrapping pointer (-EFAULT each) and
 *   a bad fd (-EBADF), registers other than RAX/RCX/R11 kept across a
 *   call, then exit(42); any mismatch exits 1..7 instead.
 * up_null: reads address 0.           up_cli: executes CLI (#GP).
 * up_text_write: writes its own text.  up_kernel_read: reads kernel text.
 * up_spin: spins without a system call until the kernel writes a
 *   non-zero word just below its initial stack pointer, then exits 7.
 */
#define SYS_WRITE 1
#define SYS_YIELD 24
#define SYS_GETPID 39
#define SYS_EXIT 60

	.section .rodata
	.balign 16

	.globl up_hello, up_hello_end
up_hello:
	movl $SYS_WRITE, %eax
	movl $1, %edi
	leaq hello_msg(%rip), %rsi
	movl $(hello_end - hello_msg), %edx
	syscall
	cmpq $(hello_end - hello_msg), %rax
	movl $1, %edi
	jne 9f
	movl $SYS_GETPID, %eax
	syscall
	testq %rax, %rax
	movl $2, %edi
	jle 9f
	movl $999, %eax
	syscall
	cmpq $-38, %rax
	movl $3, %edi
	jne 9f
	/* unmapped, kernel and wrapping buffers: -EFAULT */
	movl $SYS_WRITE, %eax
	movl $1, %edi
	movq $0x7fff00000, %rsi
	movl $4, %edx
	syscall
	cmpq $-14, %rax
	movl $4, %edi
	jne 9f
	movl $SYS_WRITE, %eax
	movl $1, %edi
	movq $0xffffffff80000000, %rsi
	movl $4, %edx
	syscall
	cmpq $-14, %rax
	movl $4, %edi
	jne 9f
	movl $SYS_WRITE, %eax
	movl $1, %edi
	movq $0x7ffffff000, %rsi
	movq $-1, %rdx
	syscall
	cmpq $-14, %rax
	movl $4, %edi
	jne 9f
	/* bad fd */
	movl $SYS_WRITE, %eax
	movl $7, %edi
	leaq hello_msg(%rip), %rsi
	movl $1, %edx
	syscall
	cmpq $-9, %rax
	movl $5, %edi
	jne 9f
	/* callee registers survive a call, and the stack works */
	movq $0x1111, %rbx
	movq $0x2222, %rbp
	movq $0x3333, %r12
	movq $0x4444, %r15
	pushq $0x5555
	movl $SYS_YIELD, %eax
	syscall
	popq %r8
	movl $6, %edi
	cmpq $0x1111, %rbx
	jne 9f
	cmpq $0x2222, %rbp
	jne 9f
	cmpq $0x3333, %r12
	jne 9f
	cmpq $0x4444, %r15
	jne 9f
	cmpq $0x5555, %r8
	jne 9f
	movl $42, %edi
9:	movl $SYS_EXIT, %eax
	syscall
	ud2
hello_msg:
	.ascii "hello from ring 3\n"
hello_end:
up_hello_end:

	.globl up_null, up_null_end
up_null:
	movq 0, %rax
	movl $SYS_EXIT, %eax
	xorl %edi, %edi
	syscall
up_null_end:

	.globl up_cli, up_cli_end
up_cli:
	cli
	movl $SYS_EXIT, %eax
	xorl %edi, %edi
	syscall
up_cli_end:

	.globl up_text_write, up_text_write_end
up_text_write:
	leaq up_text_write(%rip), %rax
	movb $0x90, (%rax)
	movl $SYS_EXIT, %eax
	xorl %edi, %edi
	syscall
up_text_write_end:

	.globl up_kernel_read, up_kernel_read_end
up_kernel_read:
	movq $0xffffffff80000000, %rax
	movq (%rax), %rax
	movl $SYS_EXIT, %eax
	xorl %edi, %edi
	syscall
up_kernel_read_end:

	.globl up_spin, up_spin_end
up_spin:
1:	cmpq $0, -8(%rsp)	/* the kernel's stop word, top of the stack */
	je 1b
	movl $SYS_EXIT, %eax
	movl $7, %edi
	syscall
up_spin_end:

	/*
	 * up_fpu: checks the power-on FPU/SSE state (FCW 0x37F, MXCSR
	 * 0x1F80, XMM0 zero; exit 8 otherwise), puts its pid in XMM0, XMM15
	 * and ST(0), yields 500 times and checks after each that they still
	 * hold it (exit 9 otherwise); exits 0.
	 */
	.globl up_fpu, up_fpu_end
up_fpu:
	subq $16, %rsp
	fnstcw (%rsp)
	cmpw $0x37f, (%rsp)
	movl $8, %edi
	jne 9f
	stmxcsr (%rsp)
	cmpl $0x1f80, (%rsp)
	jne 9f
	movq %xmm0, %rax
	testq %rax, %rax
	jne 9f
	movl $SYS_GETPID, %eax
	syscall
	movq %rax, %r12
	movq %rax, %xmm0
	movq %rax, %xmm15
	movq %rax, (%rsp)
	fildll (%rsp)
	movl $500, %r13d
1:	movl $SYS_YIELD, %eax
	syscall
	movl $9, %edi
	movq %xmm0, %rbx
	cmpq %r12, %rbx
	jne 9f
	movq %xmm15, %rbx
	cmpq %r12, %rbx
	jne 9f
	fld %st(0)
	fistpll (%rsp)
	cmpq %r12, (%rsp)
	jne 9f
	decl %r13d
	jnz 1b
	xorl %edi, %edi
9:	movl $SYS_EXIT, %eax
	syscall
up_fpu_end:

	.section .note.GNU-stack, "", @progbits
