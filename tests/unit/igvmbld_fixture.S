/* SPDX-License-Identifier: MIT */
/*
 * A tiny stand-in kernel for trying igvmbld end to end (`make
 * build/igvmbld-fixture.igvm`): a text, a rodata and a data+bss segment
 * at SVSM_KERNEL_VBASE (tests/unit/igvmbld_fixture.lds), a few function
 * symbols and an entry point that only halts. Never meant to boot.
 */
	.section .text, "ax"
	.code64
	.globl fixture_entry
	.type fixture_entry, @function
fixture_entry:
	cli
1:	hlt
	jmp 1b
	.size fixture_entry, . - fixture_entry

	.globl fixture_helper
	.type fixture_helper, @function
fixture_helper:
	xorl %eax, %eax
	ret
	.size fixture_helper, . - fixture_helper

/* An assembler label without type or size: kept as a text symbol. */
fixture_label:
	ret

	.section .rodata, "a"
fixture_message:
	.asciz "igvmbld fixture"

	.section .data, "aw"
fixture_counter:
	.quad 42

	.section .bss, "aw", @nobits
fixture_buffer:
	.skip 0x3000

	.section .note.GNU-stack, "", @progbits
