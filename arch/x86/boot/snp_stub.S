/* SPDX-License-Identifier: MIT */
/*
 * The SNP entry stub: the only code that runs before the kernel on
 * SEV-SNP. The boot VMSA starts the vCPU here in 32-bit protected mode
 * with paging off, because the C-bit position is known only at launch.
 * The stub reads the C-bit from the SNP CPUID page, sets it in every
 * present entry of the build-time page tables, enters long mode on those
 * tables and jumps to the kernel with the launch contract of
 * include/uapi/svsm/launch.h.
 *
 * It is assembled into a flat binary that igvmbld embeds, patches (the
 * data block at SNP_STUB_DATA_OFFSET, see arch/snp_stub.h) and places in
 * its own page. All memory references are relative to EBX (the page's GPA)
 * in 32-bit mode and RIP-relative in 64-bit mode, so the code does not
 * depend on where the page lands. The page is identity-mapped
 * (read-only, executable) in the build-time tables so that execution
 * continues after paging is enabled.
 *
 * This code cannot be executed here (no SEV-SNP hardware); the build only
 * checks that it assembles, fits its page and carries the data block.
 */
#include "arch/snp_stub.h"

#define MSR_EFER 0xC0000080
#define EFER_LME 0x100
#define EFER_NXE 0x800
#define CR0_WP 0x00010000
#define CR0_PG 0x80000000
#define CR4_PAE 0x20

/* GHCB MSR protocol termination request, reason set 0 code 0 (GHCB spec
 * 56421, section 2.3.1 "GHCB MSR protocol", info 0x100). */
#define MSR_GHCB 0xC0010130
#define GHCB_MSR_TERM_REQ 0x100

/* SNP CPUID page (SEV-SNP firmware ABI 56860, table "CPUID page"). */
#define CPUID_COUNT_MAX 64
#define CPUID_ENTRIES 16
#define CPUID_ENTRY_SIZE 48
#define CPUID_ENTRY_EBX 28
#define CPUID_LEAF_SEV 0x8000001F
#define CBIT_MIN 32
#define CBIT_MAX 51

#define DATA(field) (SNP_STUB_DATA_OFFSET + SNP_STUB_D_##field)
#define PLATFORM_SNP 1 /* SVSM_LAUNCH_PLATFORM_SNP */

	.text
	.code32
	.globl snp_stub_start
/*
 * snp_stub_start: 32-bit protected mode, paging off, interrupts off, flat
 * segments; EBX = GPA of this page. Uses no stack. Clobbers everything.
 */
snp_stub_start:
	cli
	cld

	/* Find leaf 0x8000001F in the CPUID page; C-bit = EBX[5:0]. */
	movl	DATA(CPUID_PA)(%ebx), %esi
	movl	(%esi), %ecx
	cmpl	$CPUID_COUNT_MAX, %ecx
	ja	fail
	addl	$CPUID_ENTRIES, %esi
1:	testl	%ecx, %ecx
	jz	fail
	cmpl	$CPUID_LEAF_SEV, (%esi)
	je	2f
	addl	$CPUID_ENTRY_SIZE, %esi
	decl	%ecx
	jmp	1b
2:	movl	CPUID_ENTRY_EBX(%esi), %ecx
	andl	$0x3F, %ecx
	cmpl	$CBIT_MIN, %ecx
	jb	fail
	cmpl	$CBIT_MAX, %ecx
	ja	fail

	/* EDX = the C-bit within the high dword of a 64-bit entry. */
	subl	$32, %ecx
	movl	$1, %edx
	shll	%cl, %edx

	/* OR it into every present entry of [pt_pbase, pt_pend). */
	movl	DATA(PT_PBASE)(%ebx), %esi
	movl	DATA(PT_PEND)(%ebx), %edi
3:	cmpl	%edi, %esi
	jae	4f
	testl	$1, (%esi)
	jz	5f
	orl	%edx, 4(%esi)
5:	addl	$8, %esi
	jmp	3b

4:	/* PAE, the build-time tables, long mode with NX. */
	movl	%cr4, %eax
	orl	$CR4_PAE, %eax
	movl	%eax, %cr4
	movl	DATA(CR3)(%ebx), %eax
	movl	%eax, %cr3
	movl	$MSR_EFER, %ecx
	rdmsr
	orl	$(EFER_LME | EFER_NXE), %eax
	wrmsr

	/* Our GDT and the far pointer to 64-bit code, while paging is off. */
	leal	DATA(GDT)(%ebx), %eax
	movl	%eax, DATA(GDTR) + 2(%ebx)
	leal	(long_mode - snp_stub_start)(%ebx), %eax
	movl	%eax, DATA(FAR)(%ebx)
	lgdt	DATA(GDTR)(%ebx)

	movl	%cr0, %eax
	orl	$(CR0_PG | CR0_WP), %eax
	movl	%eax, %cr0
	ljmpl	*DATA(FAR)(%ebx)

	.code64
/* long_mode: 64-bit, on the build-time tables, still in this page. */
long_mode:
	movl	$SNP_STUB_SEL_DATA, %eax
	movl	%eax, %ds
	movl	%eax, %es
	movl	%eax, %ss
	movl	%eax, %fs
	movl	%eax, %gs
	movq	data_block + SNP_STUB_D_STACK(%rip), %rsp
	movq	data_block + SNP_STUB_D_LAUNCH(%rip), %rdi
	movl	$PLATFORM_SNP, %esi
	jmpq	*data_block + SNP_STUB_D_ENTRY(%rip)

	.code32
/* fail: no usable C-bit; ask the hypervisor to terminate the guest. */
fail:
	movl	$MSR_GHCB, %ecx
	movl	$GHCB_MSR_TERM_REQ, %eax
	xorl	%edx, %edx
	wrmsr
	rep; vmmcall		/* VMGEXIT */
6:	hlt
	jmp	6b

	.org	SNP_STUB_DATA_OFFSET
data_block:
	.quad	SNP_STUB_MAGIC
	.fill	7, 8, 0		/* patched by igvmbld */
	.long	0		/* far pointer offset, set at run time */
	.word	SNP_STUB_SEL_CODE64
	.word	0, 0
	.word	gdt_end - gdt - 1
	.long	0		/* GDT base, set at run time */
/* Accessed bits preset: the page is read-only once paging is on. */
gdt:
	.quad	0
	.quad	0x00AF9B000000FFFF	/* 0x08: 64-bit code, DPL 0 */
	.quad	0x00CF93000000FFFF	/* 0x10: data, DPL 0 */
gdt_end:
	.if	gdt_end - data_block - SNP_STUB_DATA_SIZE
	.error	"data block does not match arch/snp_stub.h"
	.endif

	.section .note.GNU-stack, "", @progbits
