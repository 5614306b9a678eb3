// SPDX-License-Identifier: MIT
/*
 * Reads and checks the kernel ELF for igvmbld: a 64-bit little-endian
 * x86-64 ET_EXEC whose PT_LOAD segments are page-aligned, lie inside the
 * 1 GiB window at SVSM_KERNEL_VBASE, do not overlap and are never both
 * writable and executable. Also collects the text symbols (STT_FUNC, and
 * STT_NOTYPE inside an executable segment) from `.symtab`. The file is
 * untrusted input: every offset and size is checked before use, and a
 * refusal comes with a one-line reason.
 */
#include <elf.h>
#include <stdlib.h>
#include <string.h>

#include "igvmbld.h"

/** Returns whether [off, off + len) lies inside a buffer of `size`. */
static bool in_file(uint64_t off, uint64_t len, size_t size)
{
	return off <= size && len <= size - off;
}

/** Checks the ELF header: class, data, machine, type, program headers. */
static enum svsm_err check_header(const Elf64_Ehdr *eh, size_t size, char *why,
				  size_t why_size)
{
	if (size < sizeof(*eh) || memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0) {
		return bld_why(why, why_size, SVSM_ERR_INVAL,
			       "not an ELF file");
	}
	if (eh->e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh->e_ident[EI_DATA] != ELFDATA2LSB) {
		return bld_why(why, why_size, SVSM_ERR_INVAL,
			       "not a 64-bit little-endian ELF");
	}
	if (eh->e_machine != EM_X86_64) {
		return bld_why(why, why_size, SVSM_ERR_INVAL,
			       "machine %u is not x86-64", eh->e_machine);
	}
	if (eh->e_type != ET_EXEC) {
		return bld_why(why, why_size, SVSM_ERR_INVAL,
			       "ELF type %u is not ET_EXEC", eh->e_type);
	}
	if (eh->e_phentsize != sizeof(Elf64_Phdr) || eh->e_phnum == 0 ||
	    !in_file(eh->e_phoff, (uint64_t)eh->e_phnum * sizeof(Elf64_Phdr),
		     size)) {
		return bld_why(why, why_size, SVSM_ERR_INVAL,
			       "bad program header table");
	}
	return SVSM_OK;
}

/** Checks one PT_LOAD segment and returns its kind in `*kind`. */
static enum svsm_err check_load(const Elf64_Phdr *ph, size_t size,
				enum bld_kind *kind, char *why, size_t why_size)
{
	uint64_t vend = SVSM_KERNEL_VBASE + BLD_KERNEL_VSPAN;
	bool is_w = (ph->p_flags & PF_W) != 0;
	bool is_x = (ph->p_flags & PF_X) != 0;

	if (ph->p_vaddr % BLD_PAGE_SIZE != 0) {
		return bld_why(why, why_size, SVSM_ERR_INVAL,
			       "segment at 0x%llx is not page-aligned",
			       (unsigned long long)ph->p_vaddr);
	}
	if (ph->p_vaddr < SVSM_KERNEL_VBASE || ph->p_memsz > vend ||
	    ph->p_vaddr > vend - ph->p_memsz) {
		return bld_why(why, why_size, SVSM_ERR_RANGE,
			       "segment [0x%llx, +0x%llx) is outside the "
			       "kernel window [0x%llx, 0x%llx)",
			       (unsigned long long)ph->p_vaddr,
			       (unsigned long long)ph->p_memsz,
			       (unsigned long long)SVSM_KERNEL_VBASE,
			       (unsigned long long)vend);
	}
	if (ph->p_filesz > ph->p_memsz ||
	    !in_file(ph->p_offset, ph->p_filesz, size)) {
		return bld_why(why, why_size, SVSM_ERR_INVAL,
			       "segment at 0x%llx has bad file bounds",
			       (unsigned long long)ph->p_vaddr);
	}
	if (is_w && is_x) {
		return bld_why(why, why_size, SVSM_ERR_PERM,
			       "segment at 0x%llx is both writable and "
			       "executable",
			       (unsigned long long)ph->p_vaddr);
	}
	*kind = is_x ? BLD_KIND_TEXT : is_w ? BLD_KIND_DATA : BLD_KIND_RODATA;
	return SVSM_OK;
}

/** Returns the end of `s` rounded up to a page. */
static uint64_t seg_end(const struct bld_segment *s)
{
	return (s->vaddr + s->memsz + BLD_PAGE_SIZE - 1) & ~(BLD_PAGE_SIZE - 1);
}

/** Sorts the segments by address (insertion sort) and refuses overlaps. */
static enum svsm_err sort_segments(struct bld_kernel *k, char *why,
				   size_t why_size)
{
	for (uint32_t i = 1; i < k->segment_count; i++) {
		struct bld_segment s = k->segments[i];
		uint32_t j = i;

		while (j > 0 && k->segments[j - 1].vaddr > s.vaddr) {
			k->segments[j] = k->segments[j - 1];
			j--;
		}
		k->segments[j] = s;
	}
	for (uint32_t i = 1; i < k->segment_count; i++) {
		if (seg_end(&k->segments[i - 1]) > k->segments[i].vaddr) {
			return bld_why(
				why, why_size, SVSM_ERR_INVAL,
				"segments at 0x%llx and 0x%llx overlap",
				(unsigned long long)k->segments[i - 1].vaddr,
				(unsigned long long)k->segments[i].vaddr);
		}
	}
	return SVSM_OK;
}

/** Refuses program headers a static kernel must not have. */
static enum svsm_err check_other(const Elf64_Phdr *ph, char *why,
				 size_t why_size)
{
	if (ph->p_type == PT_INTERP || ph->p_type == PT_DYNAMIC ||
	    ph->p_type == PT_TLS) {
		return bld_why(why, why_size, SVSM_ERR_UNSUPPORTED,
			       "program header type %u is not supported "
			       "(dynamic or TLS)",
			       ph->p_type);
	}
	return SVSM_OK;
}

/** Collects the PT_LOAD segments into `k`. */
static enum svsm_err load_segments(struct bld_kernel *k, const uint8_t *buf,
				   size_t size, const Elf64_Ehdr *eh, char *why,
				   size_t why_size)
{
	for (uint32_t i = 0; i < eh->e_phnum; i++) {
		Elf64_Phdr ph;
		struct bld_segment *s;
		enum bld_kind kind = BLD_KIND_COUNT;
		enum svsm_err err;

		memcpy(&ph, buf + eh->e_phoff + i * sizeof(ph), sizeof(ph));
		err = ph.p_type == PT_LOAD
			      ? check_load(&ph, size, &kind, why, why_size)
			      : check_other(&ph, why, why_size);
		if (err != SVSM_OK) {
			return err;
		}
		if (ph.p_type != PT_LOAD || ph.p_memsz == 0) {
			continue;
		}
		if (k->segment_count == BLD_MAX_SEGMENTS) {
			return bld_why(why, why_size, SVSM_ERR_RANGE,
				       "more than %u PT_LOAD segments",
				       BLD_MAX_SEGMENTS);
		}
		s = &k->segments[k->segment_count++];
		s->vaddr = ph.p_vaddr;
		s->memsz = ph.p_memsz;
		s->filesz = ph.p_filesz;
		s->data = buf + ph.p_offset;
		s->kind = kind;
	}
	if (k->segment_count == 0) {
		return bld_why(why, why_size, SVSM_ERR_INVAL,
			       "no PT_LOAD segment");
	}
	return sort_segments(k, why, why_size);
}

/** Returns whether `addr` lies inside an executable segment. */
static bool in_text(const struct bld_kernel *k, uint64_t addr)
{
	for (uint32_t i = 0; i < k->segment_count; i++) {
		const struct bld_segment *s = &k->segments[i];

		if (s->kind == BLD_KIND_TEXT && addr >= s->vaddr &&
		    addr - s->vaddr < s->memsz) {
			return true;
		}
	}
	return false;
}

/** The `.symtab` section and its string table, once checked. */
struct sym_tables {
	const uint8_t *syms;
	uint64_t sym_count;
	const char *strtab;
	uint64_t strtab_size;
};

/** Reads section header `i`; the table has been bounds-checked. */
static Elf64_Shdr section(const uint8_t *buf, const Elf64_Ehdr *eh, uint32_t i)
{
	Elf64_Shdr sh;

	memcpy(&sh, buf + eh->e_shoff + (uint64_t)i * sizeof(sh), sizeof(sh));
	return sh;
}

/** Finds `.symtab` and its strings; `t->syms` stays NULL if absent. */
static enum svsm_err find_symtab(struct sym_tables *t, const uint8_t *buf,
				 size_t size, const Elf64_Ehdr *eh, char *why,
				 size_t why_size)
{
	if (eh->e_shoff == 0 || eh->e_shnum == 0) {
		return SVSM_OK;
	}
	if (eh->e_shentsize != sizeof(Elf64_Shdr) ||
	    !in_file(eh->e_shoff, (uint64_t)eh->e_shnum * sizeof(Elf64_Shdr),
		     size)) {
		return bld_why(why, why_size, SVSM_ERR_INVAL,
			       "bad section header table");
	}
	for (uint32_t i = 0; i < eh->e_shnum; i++) {
		Elf64_Shdr sh = section(buf, eh, i);
		Elf64_Shdr str;

		if (sh.sh_type != SHT_SYMTAB) {
			continue;
		}
		if (sh.sh_entsize != sizeof(Elf64_Sym) ||
		    !in_file(sh.sh_offset, sh.sh_size, size) ||
		    sh.sh_link >= eh->e_shnum) {
			return bld_why(why, why_size, SVSM_ERR_INVAL,
				       "bad .symtab section");
		}
		str = section(buf, eh, sh.sh_link);
		if (str.sh_type != SHT_STRTAB ||
		    !in_file(str.sh_offset, str.sh_size, size)) {
			return bld_why(why, why_size, SVSM_ERR_INVAL,
				       "bad .symtab string table");
		}
		t->syms = buf + sh.sh_offset;
		t->sym_count = sh.sh_size / sizeof(Elf64_Sym);
		t->strtab = (const char *)buf + str.sh_offset;
		t->strtab_size = str.sh_size;
		return SVSM_OK;
	}
	return SVSM_OK;
}

/** Fills `out` if `sym` is a named text symbol; returns whether it is. */
static bool take_symbol(const struct bld_kernel *k, const struct sym_tables *t,
			const Elf64_Sym *sym, struct bld_symbol *out)
{
	uint32_t type = ELF64_ST_TYPE(sym->st_info);
	const char *name;
	const char *nul;

	if ((type != STT_FUNC && type != STT_NOTYPE) ||
	    sym->st_shndx == SHN_UNDEF || sym->st_name == 0 ||
	    sym->st_name >= t->strtab_size || sym->st_size > UINT32_MAX ||
	    !in_text(k, sym->st_value)) {
		return false;
	}
	name = t->strtab + sym->st_name;
	nul = memchr(name, '\0', t->strtab_size - sym->st_name);
	if (nul == NULL || nul == name) {
		return false;
	}
	out->addr = sym->st_value;
	out->size = (uint32_t)sym->st_size;
	out->name = name;
	out->name_len = (uint32_t)(nul - name);
	return true;
}

/** Collects the text symbols of `.symtab` into `k->symbols`. */
static enum svsm_err load_symbols(struct bld_kernel *k, const uint8_t *buf,
				  size_t size, const Elf64_Ehdr *eh, char *why,
				  size_t why_size)
{
	struct sym_tables t = { 0 };
	enum svsm_err err = find_symtab(&t, buf, size, eh, why, why_size);

	if (err != SVSM_OK || t.sym_count == 0) {
		return err;
	}
	if (t.sym_count > UINT32_MAX / sizeof(struct bld_symbol)) {
		return bld_why(why, why_size, SVSM_ERR_RANGE,
			       "too many symbols");
	}
	k->symbols = calloc(t.sym_count, sizeof(*k->symbols));
	if (k->symbols == NULL) {
		return bld_why(why, why_size, SVSM_ERR_NOMEM,
			       "out of memory for %llu symbols",
			       (unsigned long long)t.sym_count);
	}
	for (uint64_t i = 0; i < t.sym_count; i++) {
		Elf64_Sym sym;

		memcpy(&sym, t.syms + i * sizeof(sym), sizeof(sym));
		if (take_symbol(k, &t, &sym, &k->symbols[k->symbol_count])) {
			k->symbol_count++;
		}
	}
	return SVSM_OK;
}

/**
 * Reads and checks the kernel ELF in `buf`; `k` points into `buf`, which
 * must outlive it. On failure `why` holds the reason and `k` is released.
 */
enum svsm_err elf_load(struct bld_kernel *k, const uint8_t *buf, size_t size,
		       char *why, size_t why_size)
{
	Elf64_Ehdr eh;
	enum svsm_err err;

	memset(k, 0, sizeof(*k));
	if (size < sizeof(eh)) {
		return bld_why(why, why_size, SVSM_ERR_INVAL,
			       "file too short for an ELF header");
	}
	memcpy(&eh, buf, sizeof(eh));
	err = check_header(&eh, size, why, why_size);
	if (err == SVSM_OK) {
		err = load_segments(k, buf, size, &eh, why, why_size);
	}
	if (err == SVSM_OK && !in_text(k, eh.e_entry)) {
		err = bld_why(why, why_size, SVSM_ERR_INVAL,
			      "entry point 0x%llx is not in an executable "
			      "segment",
			      (unsigned long long)eh.e_entry);
	}
	if (err == SVSM_OK) {
		err = load_symbols(k, buf, size, &eh, why, why_size);
	}
	if (err != SVSM_OK) {
		elf_release(k);
		return err;
	}
	k->entry = eh.e_entry;
	return SVSM_OK;
}

/** Frees what elf_load() allocated; safe to call more than once. */
void elf_release(struct bld_kernel *k)
{
	free(k->symbols);
	k->symbols = NULL;
	k->symbol_count = 0;
}
