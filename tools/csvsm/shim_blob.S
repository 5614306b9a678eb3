/* SPDX-License-Identifier: MIT */
/*
 * Embeds the assembled reset shim (shim.S, built once by make) into the
 * csvsm binary. `csvsm run` copies [csvsm_shim_start, csvsm_shim_end),
 * fills the copy's context block and writes it as the -bios file.
 * SHIM_BIN is the path of the 64 KiB image, given by the build rule.
 */
	.section .rodata, "a"
	.balign 16
	.globl csvsm_shim_start
csvsm_shim_start:
	.incbin SHIM_BIN
	.globl csvsm_shim_end
csvsm_shim_end:

	.section .note.GNU-stack, "", @progbits
