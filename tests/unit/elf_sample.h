/* SPDX-License-Identifier: MIT */
/*
 * A small, valid ELF executable built in memory by hand (640 bytes), for
 * the ELF loader's unit tests and, through build/tools/mkelf, the fuzz
 * seeds. It holds one of each thing the loader checks: three PT_LOAD
 * segments (R headers, RX text, RW data with a bss tail), PT_PHDR, PT_TLS,
 * PT_GNU_STACK and a PT_NOTE (ET_EXEC) or PT_DYNAMIC (ET_DYN), so that a
 * test can break one rule at a time by patching one field. The ET_DYN
 * variant is the same image linked at 0 instead of ELF_SAMPLE_EXEC_BASE.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ELF_SAMPLE_SIZE 0x280U
#define ELF_SAMPLE_EXEC_BASE 0x400000ULL

/* Offsets in the ELF header (gABI Elf64_Ehdr). */
#define ELF_SAMPLE_EH_TYPE 16U
#define ELF_SAMPLE_EH_MACHINE 18U
#define ELF_SAMPLE_EH_VERSION 20U
#define ELF_SAMPLE_EH_ENTRY 24U
#define ELF_SAMPLE_EH_PHOFF 32U
#define ELF_SAMPLE_EH_EHSIZE 52U
#define ELF_SAMPLE_EH_PHENTSIZE 54U
#define ELF_SAMPLE_EH_PHNUM 56U

/* Offsets in a program header (gABI Elf64_Phdr). */
#define ELF_SAMPLE_PH_TYPE 0U
#define ELF_SAMPLE_PH_FLAGS 4U
#define ELF_SAMPLE_PH_OFFSET 8U
#define ELF_SAMPLE_PH_VADDR 16U
#define ELF_SAMPLE_PH_FILESZ 32U
#define ELF_SAMPLE_PH_MEMSZ 40U
#define ELF_SAMPLE_PH_ALIGN 48U

/* Where the sample's parts are: file offsets and addresses from the base
 * (ELF_SAMPLE_EXEC_BASE for ET_EXEC, 0 for ET_DYN). */
#define ELF_SAMPLE_PHOFF 0x40U
#define ELF_SAMPLE_HEAD_SIZE 0x1f0U /* headers and the note */
#define ELF_SAMPLE_NOTE_OFF 0x1d0U
#define ELF_SAMPLE_TEXT_OFF 0x200U
#define ELF_SAMPLE_TEXT_VA 0x1200U
#define ELF_SAMPLE_TEXT_SIZE 0x40U
#define ELF_SAMPLE_DATA_OFF 0x240U
#define ELF_SAMPLE_DATA_VA 0x2240U
#define ELF_SAMPLE_DATA_SIZE 0x40U
#define ELF_SAMPLE_DATA_MEMSZ 0x3000U
#define ELF_SAMPLE_TLS_FILESZ 0x10U
#define ELF_SAMPLE_TLS_MEMSZ 0x30U
#define ELF_SAMPLE_TLS_ALIGN 0x10U

/** The program headers of the sample, in table order. */
enum elf_sample_ph {
	ELF_SAMPLE_PHDR,  /**< PT_PHDR: the table at base + 0x40 */
	ELF_SAMPLE_HEAD,  /**< PT_LOAD R: file [0, 0x1f0) at base */
	ELF_SAMPLE_TEXT,  /**< PT_LOAD RX: the entry point's segment */
	ELF_SAMPLE_DATA,  /**< PT_LOAD RW: 0x40 bytes, then bss to 0x3000 */
	ELF_SAMPLE_TLS,	  /**< PT_TLS: 0x10 bytes of .tdata, 0x30 in all */
	ELF_SAMPLE_STACK, /**< PT_GNU_STACK RW */
	ELF_SAMPLE_EXTRA, /**< PT_NOTE (ET_EXEC) or PT_DYNAMIC (ET_DYN) */
	ELF_SAMPLE_PH_COUNT
};

/** The file offset of program header `ph`. */
static inline size_t elf_sample_ph_offset(enum elf_sample_ph ph)
{
	return ELF_SAMPLE_PHOFF + (size_t)ph * 56U;
}

/**
 * Writes the sample (ELF_SAMPLE_SIZE bytes) to `buf`: an ET_DYN static
 * PIE linked at 0 when `is_pie`, else an ET_EXEC at ELF_SAMPLE_EXEC_BASE.
 */
void elf_sample_build(uint8_t *buf, bool is_pie);

/** Little-endian stores for tests that patch the sample. */
void elf_sample_put16(uint8_t *p, uint16_t v);
void elf_sample_put32(uint8_t *p, uint32_t v);
void elf_sample_put64(uint8_t *p, uint64_t v);
