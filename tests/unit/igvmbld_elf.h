/* SPDX-License-Identifier: MIT */
/*
 * Kernel ELF files for the igvmbld unit tests, built in memory from a
 * template that tests can change before building (to make inputs the
 * builder must refuse): three PT_LOAD segments at SVSM_KERNEL_VBASE, a
 * PT_GNU_STACK, and a `.symtab` with text, data and undefined symbols.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "uapi/svsm/launch.h"

#define TELF_MAX_SEGS 6U

/** One program header of a test ELF. */
struct tseg {
	uint32_t type;
	uint32_t flags;
	uint64_t vaddr;
	uint64_t memsz;
	uint64_t filesz;
};

/** What a test ELF contains. */
struct tspec {
	uint16_t machine;
	uint16_t elf_type;
	uint64_t entry;
	uint32_t seg_count;
	struct tseg segs[TELF_MAX_SEGS];
};

/** Fills `s` with the template: text 8 KiB, rodata 4 KiB, data+bss. */
void telf_default(struct tspec *s);
/** Returns the byte that fills segment `i`'s file data. */
uint8_t telf_fill(uint32_t i);
/** Builds the ELF of `s` into a malloc'd buffer; NULL if out of memory. */
uint8_t *telf_make(const struct tspec *s, size_t *size);
