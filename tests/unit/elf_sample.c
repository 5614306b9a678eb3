// SPDX-License-Identifier: MIT
/*
 * The hand-made sample ELF executable of elf_sample.h. Each field is
 * written as the gABI lays it out (little-endian, ELFCLASS64); the text
 * is an endless loop padded with int3 and the data a counting pattern,
 * so that copies of the segments can be compared byte for byte.
 */
#include "elf_sample.h"

#include <string.h>

#define PT_LOAD 1U
#define PT_DYNAMIC 2U
#define PT_NOTE 4U
#define PT_PHDR 6U
#define PT_TLS 7U
#define PT_GNU_STACK 0x6474e551U
#define PF_X 0x1U
#define PF_W 0x2U
#define PF_R 0x4U

void elf_sample_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

void elf_sample_put32(uint8_t *p, uint32_t v)
{
	elf_sample_put16(p, (uint16_t)v);
	elf_sample_put16(p + 2, (uint16_t)(v >> 16));
}

void elf_sample_put64(uint8_t *p, uint64_t v)
{
	elf_sample_put32(p, (uint32_t)v);
	elf_sample_put32(p + 4, (uint32_t)(v >> 32));
}

/** The fields of one program header. */
struct sample_ph {
	uint32_t type;
	uint32_t flags;
	uint64_t offset;
	uint64_t vaddr; /**< from the base */
	uint64_t filesz;
	uint64_t memsz;
	uint64_t align;
};

static void put_ph(uint8_t *buf, enum elf_sample_ph i,
		   const struct sample_ph *ph, uint64_t base)
{
	uint8_t *p = buf + elf_sample_ph_offset(i);

	elf_sample_put32(p + ELF_SAMPLE_PH_TYPE, ph->type);
	elf_sample_put32(p + ELF_SAMPLE_PH_FLAGS, ph->flags);
	elf_sample_put64(p + ELF_SAMPLE_PH_OFFSET, ph->offset);
	elf_sample_put64(p + ELF_SAMPLE_PH_VADDR, base + ph->vaddr);
	elf_sample_put64(p + 24, base + ph->vaddr); /* p_paddr */
	elf_sample_put64(p + ELF_SAMPLE_PH_FILESZ, ph->filesz);
	elf_sample_put64(p + ELF_SAMPLE_PH_MEMSZ, ph->memsz);
	elf_sample_put64(p + ELF_SAMPLE_PH_ALIGN, ph->align);
}

static void put_ehdr(uint8_t *buf, bool is_pie, uint64_t base)
{
	static const uint8_t ident[16] = { 0x7f, 'E', 'L', 'F', 2, 1, 1, 0 };

	memcpy(buf, ident, sizeof(ident));
	elf_sample_put16(buf + ELF_SAMPLE_EH_TYPE, is_pie ? 3 : 2);
	elf_sample_put16(buf + ELF_SAMPLE_EH_MACHINE, 62);
	elf_sample_put32(buf + ELF_SAMPLE_EH_VERSION, 1);
	elf_sample_put64(buf + ELF_SAMPLE_EH_ENTRY, base + ELF_SAMPLE_TEXT_VA);
	elf_sample_put64(buf + ELF_SAMPLE_EH_PHOFF, ELF_SAMPLE_PHOFF);
	elf_sample_put16(buf + ELF_SAMPLE_EH_EHSIZE, 64);
	elf_sample_put16(buf + ELF_SAMPLE_EH_PHENTSIZE, 56);
	elf_sample_put16(buf + ELF_SAMPLE_EH_PHNUM, ELF_SAMPLE_PH_COUNT);
}

/** Writes the sample; see elf_sample.h. */
void elf_sample_build(uint8_t *buf, bool is_pie)
{
	uint64_t base = is_pie ? 0 : ELF_SAMPLE_EXEC_BASE;
	const uint32_t table_size = ELF_SAMPLE_PH_COUNT * 56U;
	const struct sample_ph phs[ELF_SAMPLE_PH_COUNT] = {
		[ELF_SAMPLE_PHDR] = { PT_PHDR, PF_R, ELF_SAMPLE_PHOFF,
				      ELF_SAMPLE_PHOFF, table_size, table_size,
				      8 },
		[ELF_SAMPLE_HEAD] = { PT_LOAD, PF_R, 0, 0, ELF_SAMPLE_HEAD_SIZE,
				      ELF_SAMPLE_HEAD_SIZE, 0x1000 },
		[ELF_SAMPLE_TEXT] = { PT_LOAD, PF_R | PF_X, ELF_SAMPLE_TEXT_OFF,
				      ELF_SAMPLE_TEXT_VA, ELF_SAMPLE_TEXT_SIZE,
				      ELF_SAMPLE_TEXT_SIZE, 0x1000 },
		[ELF_SAMPLE_DATA] = { PT_LOAD, PF_R | PF_W, ELF_SAMPLE_DATA_OFF,
				      ELF_SAMPLE_DATA_VA, ELF_SAMPLE_DATA_SIZE,
				      ELF_SAMPLE_DATA_MEMSZ, 0x1000 },
		[ELF_SAMPLE_TLS] = { PT_TLS, PF_R, ELF_SAMPLE_DATA_OFF,
				     ELF_SAMPLE_DATA_VA, ELF_SAMPLE_TLS_FILESZ,
				     ELF_SAMPLE_TLS_MEMSZ,
				     ELF_SAMPLE_TLS_ALIGN },
		[ELF_SAMPLE_STACK] = { PT_GNU_STACK, PF_R | PF_W, 0, 0, 0, 0,
				       16 },
		[ELF_SAMPLE_EXTRA] = { is_pie ? PT_DYNAMIC : PT_NOTE, PF_R,
				       ELF_SAMPLE_NOTE_OFF, ELF_SAMPLE_NOTE_OFF,
				       0x20, 0x20, 8 },
	};

	memset(buf, 0, ELF_SAMPLE_SIZE);
	put_ehdr(buf, is_pie, base);
	for (uint32_t i = 0; i < ELF_SAMPLE_PH_COUNT; i++) {
		put_ph(buf, (enum elf_sample_ph)i, &phs[i], base);
	}
	/* Text: `jmp .` then int3; data: a counting pattern. */
	memset(buf + ELF_SAMPLE_TEXT_OFF, 0xcc, ELF_SAMPLE_TEXT_SIZE);
	buf[ELF_SAMPLE_TEXT_OFF] = 0xeb;
	buf[ELF_SAMPLE_TEXT_OFF + 1] = 0xfe;
	for (uint32_t i = 0; i < ELF_SAMPLE_DATA_SIZE; i++) {
		buf[ELF_SAMPLE_DATA_OFF + i] = (uint8_t)(i * 7U + 1U);
	}
}
