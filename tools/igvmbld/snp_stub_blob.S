/* SPDX-License-Identifier: MIT */
/*
 * Embeds the SNP entry stub's flat binary (built from
 * arch/x86/boot/snp_stub.S by tools/igvmbld/module.mk) into igvmbld and
 * its unit tests as `SNP_STUB_BLOB` .. `SNP_STUB_BLOB_END`. The build
 * passes the binary's path as SNP_STUB_BIN.
 */
	.section .rodata
	.balign 16
	.globl SNP_STUB_BLOB
SNP_STUB_BLOB:
	.incbin SNP_STUB_BIN
	.globl SNP_STUB_BLOB_END
SNP_STUB_BLOB_END:

	.section .note.GNU-stack, "", @progbits
