// SPDX-License-Identifier: MIT
/*
 * Builds the igvmbld unit tests' kernel ELF files in memory (see
 * igvmbld_elf.h): the ELF header, program headers, segment data filled
 * with a per-segment byte, then `.symtab`, `.strtab` and the section
 * headers. Segment data that would not fit is left out on purpose, so a
 * test can describe a segment whose file bounds are wrong.
 */
#include "igvmbld_elf.h"

#include <elf.h>
#include <stdlib.h>
#include <string.h>

#define VB SVSM_KERNEL_VBASE
#define PG 0x1000U
#define TELF_SIZE 0x10000U
#define TELF_DATA_MAX 0xC000U /* segment data ends here; symbols follow */

/** One symbol of a test ELF. */
struct tsym {
	const char *name;
	uint64_t value;
	uint64_t size;
	uint8_t type;
	uint16_t shndx;
};

static const struct tsym SYMS[] = {
	{ "zeta", VB + 0x100, 0x10, STT_FUNC, 1 },
	{ "alpha", VB + 0x40, 0x20, STT_FUNC, 1 },
	{ "label", VB + 0x80, 0, STT_NOTYPE, 1 },
	{ "datum", VB + 0x3000, 8, STT_OBJECT, 1 },
	{ "ro_label", VB + 0x2000, 0, STT_NOTYPE, 1 },
	{ "undefined", 0, 0, STT_FUNC, SHN_UNDEF },
	{ "", VB + 0x10, 0, STT_FUNC, 1 },
};
#define SYM_COUNT (sizeof(SYMS) / sizeof(SYMS[0]))

/** The template: text 8 KiB, rodata 4 KiB, data 4 KiB + bss 16 KiB. */
void telf_default(struct tspec *s)
{
	memset(s, 0, sizeof(*s));
	s->machine = EM_X86_64;
	s->elf_type = ET_EXEC;
	s->entry = VB + 0x40;
	s->seg_count = 4;
	s->segs[0] = (struct tseg){ PT_LOAD, PF_R | PF_X, VB, 0x2000, 0x1800 };
	s->segs[1] = (struct tseg){ PT_LOAD, PF_R, VB + 0x2000, 0x1000, 0x10 };
	s->segs[2] = (struct tseg){ PT_LOAD, PF_R | PF_W, VB + 0x3000, 0x5000,
				    0x1000 };
	s->segs[3] = (struct tseg){ PT_GNU_STACK, PF_R | PF_W, 0, 0, 0 };
}

/** Returns the byte that fills segment `i`'s file data. */
uint8_t telf_fill(uint32_t i)
{
	return (uint8_t)(0xA0U + i);
}

/** Writes the program headers and segment data; returns the end. */
static size_t put_segments(uint8_t *buf, const struct tspec *s)
{
	size_t off = 0x1000;

	for (uint32_t i = 0; i < s->seg_count; i++) {
		const struct tseg *g = &s->segs[i];
		Elf64_Phdr ph = {
			.p_type = g->type,
			.p_flags = g->flags,
			.p_offset = off,
			.p_vaddr = g->vaddr,
			.p_paddr = g->vaddr,
			.p_filesz = g->filesz,
			.p_memsz = g->memsz,
			.p_align = PG,
		};

		memcpy(buf + sizeof(Elf64_Ehdr) + i * sizeof(ph), &ph,
		       sizeof(ph));
		if (g->filesz > TELF_DATA_MAX - off) {
			continue; /* bounds beyond the file, on purpose */
		}
		memset(buf + off, telf_fill(i), g->filesz);
		off += (g->filesz + PG - 1) & ~(PG - 1);
	}
	return off;
}

/** Writes .symtab, .strtab and the section headers at `off`. */
static size_t put_symbols(uint8_t *buf, size_t off)
{
	size_t sym_off = off;
	size_t str_off = sym_off + (SYM_COUNT + 1) * sizeof(Elf64_Sym);
	size_t str_len = 1;
	size_t sh_off;
	Elf64_Shdr sh[3] = { { 0 } };

	for (uint32_t i = 0; i < SYM_COUNT; i++) {
		Elf64_Sym sym = {
			.st_name = (uint32_t)str_len,
			.st_info = ELF64_ST_INFO(STB_GLOBAL, SYMS[i].type),
			.st_shndx = SYMS[i].shndx,
			.st_value = SYMS[i].value,
			.st_size = SYMS[i].size,
		};

		if (SYMS[i].name[0] == '\0') {
			sym.st_name = 0;
		}
		memcpy(buf + sym_off + (i + 1) * sizeof(sym), &sym,
		       sizeof(sym));
		memcpy(buf + str_off + str_len, SYMS[i].name,
		       strlen(SYMS[i].name) + 1);
		str_len += strlen(SYMS[i].name) + 1;
	}
	sh_off = (str_off + str_len + 7) & ~(size_t)7;
	sh[1] = (Elf64_Shdr){ .sh_type = SHT_SYMTAB,
			      .sh_offset = sym_off,
			      .sh_size = (SYM_COUNT + 1) * sizeof(Elf64_Sym),
			      .sh_link = 2,
			      .sh_entsize = sizeof(Elf64_Sym) };
	sh[2] = (Elf64_Shdr){ .sh_type = SHT_STRTAB,
			      .sh_offset = str_off,
			      .sh_size = str_len };
	memcpy(buf + sh_off, sh, sizeof(sh));
	return sh_off;
}

/** Builds the ELF of `s` into a malloc'd buffer (64 KiB, zero-filled). */
uint8_t *telf_make(const struct tspec *s, size_t *size)
{
	uint8_t *buf = calloc(1, TELF_SIZE);
	Elf64_Ehdr eh = {
		.e_ident = { ELFMAG0, ELFMAG1, ELFMAG2, ELFMAG3, ELFCLASS64,
			     ELFDATA2LSB, EV_CURRENT },
		.e_type = s->elf_type,
		.e_machine = s->machine,
		.e_version = EV_CURRENT,
		.e_entry = s->entry,
		.e_phoff = sizeof(Elf64_Ehdr),
		.e_ehsize = sizeof(Elf64_Ehdr),
		.e_phentsize = sizeof(Elf64_Phdr),
		.e_phnum = (uint16_t)s->seg_count,
		.e_shentsize = sizeof(Elf64_Shdr),
		.e_shnum = 3,
	};

	if (buf == NULL) {
		return NULL;
	}
	eh.e_shoff = put_symbols(buf, put_segments(buf, s));
	memcpy(buf, &eh, sizeof(eh));
	*size = TELF_SIZE;
	return buf;
}
