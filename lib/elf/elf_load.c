// SPDX-License-Identifier: MIT
/*
 * The ELF load plan (include/svsm/elf_load.h): checks an untrusted static
 * x86-64 executable and says what to map where. The ELF header and each
 * program header are copied out of the image once, decoded from
 * little-endian bytes (no layout or alignment of the image is assumed) and
 * every decision is taken on those copies. One pass over the program
 * headers collects the PT_LOAD segments (checking each against the one
 * before it) and the PT_TLS, PT_PHDR and PT_GNU_STACK entries; the checks
 * that need every segment (entry point, TLS template, where the program
 * headers are mapped) follow the pass. The plan is built in a local and
 * copied to the caller only when every check passed.
 *
 * Constants and layouts are from the System V gABI ("ELF Header",
 * "Program Header") and, for EM_X86_64 and the TLS template, the x86-64
 * psABI; the PT_GNU_* types are the GNU extensions (glibc <elf.h>).
 * Nothing here allocates or keeps state: it may run on several CPUs at
 * once. Placing a PIE and copying segments are in elf_place.c.
 */
#include "svsm/elf_load.h"

#include <stdarg.h>

#include "svsm/fmt.h"
#include "svsm/le.h"
#include "svsm/string.h"

/* e_ident (gABI, "ELF Identification"). */
#define EI_NIDENT 16U
#define EI_CLASS 4U
#define EI_DATA 5U
#define EI_VERSION 6U
#define EI_OSABI 7U
#define ELFCLASS64 2U
#define ELFDATA2LSB 1U
#define EV_CURRENT 1U
#define ELFOSABI_SYSV 0U
#define ELFOSABI_GNU 3U /* also called ELFOSABI_LINUX */

/* e_type and e_machine (gABI; EM_X86_64 from the psABI). */
#define ET_EXEC 2U
#define ET_DYN 3U
#define EM_X86_64 62U

/* The size of an Elf64_Ehdr and the offsets of its fields. */
#define EHDR_SIZE 64U
#define EH_TYPE 16U
#define EH_MACHINE 18U
#define EH_VERSION 20U
#define EH_ENTRY 24U
#define EH_PHOFF 32U
#define EH_EHSIZE 52U
#define EH_PHENTSIZE 54U
#define EH_PHNUM 56U

/* The offsets of the fields of an Elf64_Phdr (ELF_PHENT_SIZE bytes). */
#define PH_TYPE 0U
#define PH_FLAGS 4U
#define PH_OFFSET 8U
#define PH_VADDR 16U
#define PH_FILESZ 32U
#define PH_MEMSZ 40U
#define PH_ALIGN 48U

/* p_type (gABI; the GNU types are PT_LOOS + 0x474e550..3). */
#define PT_LOAD 1U
#define PT_DYNAMIC 2U
#define PT_INTERP 3U
#define PT_NOTE 4U
#define PT_PHDR 6U
#define PT_TLS 7U
#define PT_GNU_EH_FRAME 0x6474e550U
#define PT_GNU_STACK 0x6474e551U
#define PT_GNU_RELRO 0x6474e552U
#define PT_GNU_PROPERTY 0x6474e553U

/* p_flags (gABI). */
#define PF_X 0x1U
#define PF_W 0x2U
#define PF_R 0x4U

#define PAGE_MASK ((uint64_t)ELF_PAGE_SIZE - 1)

/** The ELF header fields the loader uses, decoded. */
struct ehdr {
	uint8_t ident[EI_NIDENT];
	uint16_t type;
	uint16_t machine;
	uint32_t version;
	uint64_t entry;
	uint64_t phoff;
	uint16_t ehsize;
	uint16_t phentsize;
	uint16_t phnum;
};

/** One program header, decoded (p_paddr is not used). */
struct phdr {
	uint32_t type;
	uint32_t flags;
	uint64_t offset;
	uint64_t vaddr;
	uint64_t filesz;
	uint64_t memsz;
	uint64_t align;
};

/** What the parse knows so far; `plan` becomes the caller's on success. */
struct elf_parse {
	struct elf_plan plan;
	struct ehdr eh;
	struct phdr tls;  /**< the PT_TLS entry, when plan.has_tls */
	struct phdr phdr; /**< the PT_PHDR entry, when has_phdr */
	bool has_phdr;
	const uint8_t *image;
	size_t size;
	char *why;
	size_t why_size;
};

/** Writes a one-line reason to the caller's buffer and returns `err`. */
__attribute__((format(printf, 3, 4))) static enum svsm_err
refuse(struct elf_parse *p, enum svsm_err err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	(void)fmt_vsnprintf(p->why, p->why_size, fmt, ap);
	va_end(ap);
	return err;
}

/** Whether [off, off + len) lies inside a buffer of `size` bytes. */
static bool in_file(uint64_t off, uint64_t len, size_t size)
{
	return off <= size && len <= size - off;
}

static bool is_pow2(uint64_t x)
{
	return x != 0 && (x & (x - 1)) == 0;
}

static uint64_t map_end(const struct elf_segment *seg)
{
	return elf_segment_map_va(seg) + elf_segment_map_size(seg);
}

/** Checks the caller's limits (a programming error if they are bad). */
static enum svsm_err check_limits(struct elf_parse *p,
				  const struct elf_limits *lim)
{
	if (lim->min_va < ELF_MIN_VA || lim->max_va > ELF_USER_TOP ||
	    lim->min_va >= lim->max_va || (lim->min_va & PAGE_MASK) != 0 ||
	    (lim->max_va & PAGE_MASK) != 0) {
		return refuse(p, SVSM_ERR_INVAL, "bad limits [0x%llx, 0x%llx)",
			      (unsigned long long)lim->min_va,
			      (unsigned long long)lim->max_va);
	}
	p->plan.lim = *lim;
	return SVSM_OK;
}

/** Copies the ELF header out of the image and decodes it. */
static enum svsm_err read_ehdr(struct elf_parse *p)
{
	uint8_t raw[EHDR_SIZE];
	struct ehdr *eh = &p->eh;

	if (p->size < EHDR_SIZE) {
		return refuse(p, SVSM_ERR_INVAL,
			      "%zu bytes are too few for an ELF header",
			      p->size);
	}
	memcpy(raw, p->image, sizeof(raw));
	memcpy(eh->ident, raw, EI_NIDENT);
	eh->type = le16_get(raw + EH_TYPE);
	eh->machine = le16_get(raw + EH_MACHINE);
	eh->version = le32_get(raw + EH_VERSION);
	eh->entry = le64_get(raw + EH_ENTRY);
	eh->phoff = le64_get(raw + EH_PHOFF);
	eh->ehsize = le16_get(raw + EH_EHSIZE);
	eh->phentsize = le16_get(raw + EH_PHENTSIZE);
	eh->phnum = le16_get(raw + EH_PHNUM);
	return SVSM_OK;
}

/** Checks e_ident: magic, class, data encoding, version and OS ABI. */
static enum svsm_err check_ident(struct elf_parse *p)
{
	const uint8_t *id = p->eh.ident;

	if (id[0] != 0x7fU || id[1] != 'E' || id[2] != 'L' || id[3] != 'F') {
		return refuse(p, SVSM_ERR_INVAL, "not an ELF file");
	}
	if (id[EI_CLASS] != ELFCLASS64) {
		return refuse(p, SVSM_ERR_UNSUPPORTED,
			      "ELF class %u is not ELFCLASS64", id[EI_CLASS]);
	}
	if (id[EI_DATA] != ELFDATA2LSB) {
		return refuse(p, SVSM_ERR_UNSUPPORTED,
			      "data encoding %u is not ELFDATA2LSB",
			      id[EI_DATA]);
	}
	if (id[EI_VERSION] != EV_CURRENT) {
		return refuse(p, SVSM_ERR_INVAL,
			      "e_ident version %u is not EV_CURRENT",
			      id[EI_VERSION]);
	}
	if (id[EI_OSABI] != ELFOSABI_SYSV && id[EI_OSABI] != ELFOSABI_GNU) {
		return refuse(p, SVSM_ERR_UNSUPPORTED,
			      "OS ABI %u is neither System V nor GNU/Linux",
			      id[EI_OSABI]);
	}
	return SVSM_OK;
}

/** Checks the rest of the ELF header and where the program headers are. */
static enum svsm_err check_ehdr(struct elf_parse *p)
{
	const struct ehdr *eh = &p->eh;

	if (eh->type != ET_EXEC && eh->type != ET_DYN) {
		return refuse(p, SVSM_ERR_UNSUPPORTED,
			      "ELF type %u is neither ET_EXEC nor ET_DYN",
			      eh->type);
	}
	if (eh->machine != EM_X86_64) {
		return refuse(p, SVSM_ERR_UNSUPPORTED,
			      "machine %u is not EM_X86_64", eh->machine);
	}
	if (eh->version != EV_CURRENT) {
		return refuse(p, SVSM_ERR_INVAL,
			      "ELF version %u is not EV_CURRENT", eh->version);
	}
	if (eh->ehsize != EHDR_SIZE) {
		return refuse(p, SVSM_ERR_INVAL, "ELF header size %u is not %u",
			      eh->ehsize, EHDR_SIZE);
	}
	if (eh->phentsize != ELF_PHENT_SIZE) {
		return refuse(p, SVSM_ERR_INVAL,
			      "program header size %u is not %u", eh->phentsize,
			      ELF_PHENT_SIZE);
	}
	if (eh->phnum == 0 || eh->phnum > ELF_MAX_PHNUM) {
		return refuse(p, SVSM_ERR_INVAL,
			      "%u program headers: 1 to %u are accepted",
			      eh->phnum, ELF_MAX_PHNUM);
	}
	/* AT_PHDR hands the table to the program as an Elf64_Phdr array. */
	if (eh->phoff % 8 != 0) {
		return refuse(p, SVSM_ERR_INVAL,
			      "program headers at offset 0x%llx are not "
			      "8-byte aligned",
			      (unsigned long long)eh->phoff);
	}
	if (!in_file(eh->phoff, (uint64_t)eh->phnum * ELF_PHENT_SIZE,
		     p->size)) {
		return refuse(p, SVSM_ERR_INVAL,
			      "program headers at offset 0x%llx (%u of them) "
			      "are outside the file (0x%zx bytes)",
			      (unsigned long long)eh->phoff, eh->phnum,
			      p->size);
	}
	return SVSM_OK;
}

/** Copies program header `i` (checked to be in the file) and decodes it. */
static void read_phdr(const struct elf_parse *p, uint32_t i, struct phdr *ph)
{
	uint8_t raw[ELF_PHENT_SIZE];

	memcpy(raw, p->image + p->eh.phoff + (uint64_t)i * ELF_PHENT_SIZE,
	       sizeof(raw));
	ph->type = le32_get(raw + PH_TYPE);
	ph->flags = le32_get(raw + PH_FLAGS);
	ph->offset = le64_get(raw + PH_OFFSET);
	ph->vaddr = le64_get(raw + PH_VADDR);
	ph->filesz = le64_get(raw + PH_FILESZ);
	ph->memsz = le64_get(raw + PH_MEMSZ);
	ph->align = le64_get(raw + PH_ALIGN);
}

/** Checks a PT_LOAD on its own: sizes, file range, alignment, W^X. */
static enum svsm_err check_load_fields(struct elf_parse *p, uint32_t i,
				       const struct phdr *ph)
{
	if (ph->filesz > ph->memsz) {
		return refuse(p, SVSM_ERR_INVAL,
			      "PT_LOAD %u: file size 0x%llx is larger than "
			      "its memory size 0x%llx",
			      i, (unsigned long long)ph->filesz,
			      (unsigned long long)ph->memsz);
	}
	if (!in_file(ph->offset, ph->filesz, p->size)) {
		return refuse(p, SVSM_ERR_INVAL,
			      "PT_LOAD %u: file bytes [0x%llx, +0x%llx) are "
			      "outside the file (0x%zx bytes)",
			      i, (unsigned long long)ph->offset,
			      (unsigned long long)ph->filesz, p->size);
	}
	if (ph->align < ELF_PAGE_SIZE || !is_pow2(ph->align)) {
		return refuse(p, SVSM_ERR_INVAL,
			      "PT_LOAD %u: alignment 0x%llx is not a power of "
			      "two of at least 0x%x",
			      i, (unsigned long long)ph->align, ELF_PAGE_SIZE);
	}
	/* gABI: p_vaddr should equal p_offset, modulo p_align. */
	if (((ph->vaddr ^ ph->offset) & (ph->align - 1)) != 0) {
		return refuse(p, SVSM_ERR_INVAL,
			      "PT_LOAD %u: address 0x%llx and offset 0x%llx "
			      "differ modulo the alignment 0x%llx",
			      i, (unsigned long long)ph->vaddr,
			      (unsigned long long)ph->offset,
			      (unsigned long long)ph->align);
	}
	if ((ph->flags & (PF_W | PF_X)) == (PF_W | PF_X)) {
		return refuse(p, SVSM_ERR_PERM,
			      "PT_LOAD %u at 0x%llx is writable and executable",
			      i, (unsigned long long)ph->vaddr);
	}
	return SVSM_OK;
}

/** Checks where a PT_LOAD lies: user half, limits, after the last one. */
static enum svsm_err check_load_place(struct elf_parse *p, uint32_t i,
				      const struct elf_segment *seg)
{
	const struct elf_limits *lim = &p->plan.lim;
	const struct elf_segment *prev;

	if (seg->vaddr >= ELF_USER_TOP ||
	    seg->memsz > ELF_USER_TOP - seg->vaddr) {
		return refuse(p, SVSM_ERR_RANGE,
			      "PT_LOAD %u: [0x%llx, +0x%llx) is not below "
			      "0x%llx",
			      i, (unsigned long long)seg->vaddr,
			      (unsigned long long)seg->memsz, ELF_USER_TOP);
	}
	/* A PIE's addresses are checked once it is placed. */
	if (!p->plan.is_pie && (elf_segment_map_va(seg) < lim->min_va ||
				map_end(seg) > lim->max_va)) {
		return refuse(p, SVSM_ERR_RANGE,
			      "PT_LOAD %u: [0x%llx, +0x%llx) is outside the "
			      "user range [0x%llx, 0x%llx)",
			      i, (unsigned long long)seg->vaddr,
			      (unsigned long long)seg->memsz,
			      (unsigned long long)lim->min_va,
			      (unsigned long long)lim->max_va);
	}
	if (p->plan.segment_count == 0) {
		return SVSM_OK;
	}
	prev = &p->plan.segments[p->plan.segment_count - 1];
	/* gABI: PT_LOAD entries are sorted on p_vaddr. */
	if (seg->vaddr <= prev->vaddr) {
		return refuse(p, SVSM_ERR_INVAL,
			      "PT_LOAD %u at 0x%llx is not above the one "
			      "before it (0x%llx)",
			      i, (unsigned long long)seg->vaddr,
			      (unsigned long long)prev->vaddr);
	}
	if (elf_segment_map_va(seg) < map_end(prev)) {
		uint64_t prev_end = prev->vaddr + prev->memsz;

		return refuse(p, SVSM_ERR_INVAL,
			      "PT_LOAD %u at 0x%llx shares a page with the "
			      "one before it (ending at 0x%llx)",
			      i, (unsigned long long)seg->vaddr,
			      (unsigned long long)prev_end);
	}
	return SVSM_OK;
}

/** Adds a PT_LOAD to the plan; empty ones (p_memsz 0) are skipped. */
static enum svsm_err add_load(struct elf_parse *p, uint32_t i,
			      const struct phdr *ph)
{
	struct elf_plan *plan = &p->plan;
	struct elf_segment seg;
	enum svsm_err err;

	err = check_load_fields(p, i, ph);
	if (err != SVSM_OK || ph->memsz == 0) {
		return err;
	}
	seg.vaddr = ph->vaddr;
	seg.memsz = ph->memsz;
	seg.offset = ph->offset;
	seg.filesz = ph->filesz;
	seg.prot = ((ph->flags & PF_R) != 0 ? ELF_PROT_READ : 0) |
		   ((ph->flags & PF_W) != 0 ? ELF_PROT_WRITE : 0) |
		   ((ph->flags & PF_X) != 0 ? ELF_PROT_EXEC : 0);
	err = check_load_place(p, i, &seg);
	if (err != SVSM_OK) {
		return err;
	}
	if (plan->segment_count == ELF_MAX_SEGMENTS) {
		return refuse(p, SVSM_ERR_UNSUPPORTED,
			      "more than %u PT_LOAD segments",
			      ELF_MAX_SEGMENTS);
	}
	plan->mem_size += elf_segment_map_size(&seg);
	if (plan->mem_size > plan->lim.max_bytes) {
		return refuse(p, SVSM_ERR_RANGE,
			      "segments need 0x%llx bytes, more than the "
			      "limit 0x%llx",
			      (unsigned long long)plan->mem_size,
			      (unsigned long long)plan->lim.max_bytes);
	}
	if (ph->align > plan->align) {
		plan->align = ph->align;
	}
	plan->segments[plan->segment_count++] = seg;
	return SVSM_OK;
}

/** Records PT_TLS; where it lies is checked once every PT_LOAD is known. */
static enum svsm_err add_tls(struct elf_parse *p, const struct phdr *ph)
{
	struct elf_plan *plan = &p->plan;

	if (plan->has_tls) {
		return refuse(p, SVSM_ERR_INVAL, "two PT_TLS headers");
	}
	if (ph->filesz > ph->memsz) {
		return refuse(p, SVSM_ERR_INVAL,
			      "PT_TLS: file size 0x%llx is larger than its "
			      "memory size 0x%llx",
			      (unsigned long long)ph->filesz,
			      (unsigned long long)ph->memsz);
	}
	/* gABI: 0 and 1 mean no alignment; otherwise a power of two. */
	if (ph->align > 1 && !is_pow2(ph->align)) {
		return refuse(p, SVSM_ERR_INVAL,
			      "PT_TLS: alignment 0x%llx is not a power of two",
			      (unsigned long long)ph->align);
	}
	if (ph->memsz > plan->lim.max_bytes) {
		return refuse(p, SVSM_ERR_RANGE,
			      "PT_TLS: 0x%llx bytes, more than the limit "
			      "0x%llx",
			      (unsigned long long)ph->memsz,
			      (unsigned long long)plan->lim.max_bytes);
	}
	p->tls = *ph;
	plan->has_tls = true;
	plan->tls.vaddr = ph->vaddr;
	plan->tls.filesz = ph->filesz;
	plan->tls.memsz = ph->memsz;
	plan->tls.align = ph->align > 1 ? ph->align : 1;
	return SVSM_OK;
}

/** Records PT_GNU_STACK: the stack's flags; an executable one is refused. */
static enum svsm_err add_gnu_stack(struct elf_parse *p, const struct phdr *ph)
{
	if (p->plan.has_gnu_stack) {
		return refuse(p, SVSM_ERR_INVAL, "two PT_GNU_STACK headers");
	}
	if ((ph->flags & PF_X) != 0) {
		return refuse(p, SVSM_ERR_PERM,
			      "PT_GNU_STACK asks for an executable stack");
	}
	p->plan.has_gnu_stack = true;
	p->plan.stack_size = ph->memsz;
	return SVSM_OK;
}

/** Handles one program header by its type. */
static enum svsm_err add_phdr(struct elf_parse *p, uint32_t i,
			      const struct phdr *ph)
{
	switch (ph->type) {
	case PT_LOAD:
		return add_load(p, i, ph);
	case PT_INTERP:
		return refuse(p, SVSM_ERR_UNSUPPORTED,
			      "dynamically linked programs are not supported "
			      "(PT_INTERP)");
	case PT_TLS:
		return add_tls(p, ph);
	case PT_GNU_STACK:
		return add_gnu_stack(p, ph);
	case PT_PHDR:
		if (p->has_phdr) {
			return refuse(p, SVSM_ERR_INVAL, "two PT_PHDR headers");
		}
		p->phdr = *ph;
		p->has_phdr = true;
		return SVSM_OK;
	case PT_DYNAMIC:      /* a static PIE relocates itself */
	case PT_NOTE:	      /* notes are not read */
	case PT_GNU_EH_FRAME: /* for the program's unwinder */
	case PT_GNU_RELRO:    /* the program's own mprotect after relocation */
	case PT_GNU_PROPERTY: /* IBT/SHSTK markers, not enforced (yet) */
	default:	      /* gABI: unknown types are ignored */
		return SVSM_OK;
	}
}

/**
 * Returns the segment whose file-backed bytes hold [va, va + len) taken
 * from file offset `off`, or NULL.
 */
static const struct elf_segment *find_file_bytes(const struct elf_plan *plan,
						 uint64_t va, uint64_t off,
						 uint64_t len)
{
	for (uint32_t i = 0; i < plan->segment_count; i++) {
		const struct elf_segment *seg = &plan->segments[i];
		uint64_t delta = va - seg->vaddr;

		if (va >= seg->vaddr && delta <= seg->filesz &&
		    len <= seg->filesz - delta && off - seg->offset == delta &&
		    off >= seg->offset) {
			return seg;
		}
	}
	return NULL;
}

/** Checks that the entry point is in the file bytes of an X segment. */
static enum svsm_err check_entry(struct elf_parse *p)
{
	const struct elf_plan *plan = &p->plan;
	uint64_t entry = p->eh.entry;

	for (uint32_t i = 0; i < plan->segment_count; i++) {
		const struct elf_segment *seg = &plan->segments[i];

		if ((seg->prot & ELF_PROT_EXEC) != 0 && entry >= seg->vaddr &&
		    entry - seg->vaddr < seg->filesz) {
			return SVSM_OK;
		}
	}
	return refuse(p, SVSM_ERR_INVAL,
		      "entry point 0x%llx is not in an executable segment",
		      (unsigned long long)entry);
}

/**
 * Checks that the TLS initial image is file bytes of a PT_LOAD, so that
 * the program finds it in memory; a template without initial image must
 * still start inside a PT_LOAD.
 */
static enum svsm_err check_tls(struct elf_parse *p)
{
	const struct elf_plan *plan = &p->plan;
	const struct phdr *tls = &p->tls;

	if (!plan->has_tls) {
		return SVSM_OK;
	}
	if (tls->filesz > 0 &&
	    find_file_bytes(plan, tls->vaddr, tls->offset, tls->filesz)) {
		return SVSM_OK;
	}
	for (uint32_t i = 0; tls->filesz == 0 && i < plan->segment_count; i++) {
		const struct elf_segment *seg = &plan->segments[i];

		if (tls->vaddr >= seg->vaddr &&
		    tls->vaddr - seg->vaddr <= seg->memsz) {
			return SVSM_OK;
		}
	}
	return refuse(p, SVSM_ERR_INVAL,
		      "PT_TLS: initial image [0x%llx, +0x%llx) from offset "
		      "0x%llx is not loaded by a PT_LOAD",
		      (unsigned long long)tls->vaddr,
		      (unsigned long long)tls->filesz,
		      (unsigned long long)tls->offset);
}

/**
 * Finds the program headers in memory (AT_PHDR): at PT_PHDR's address,
 * which must map file offset e_phoff, or else where the PT_LOAD that maps
 * e_phoff puts them. The table must be file bytes of a segment, so that
 * the program reads exactly the headers checked here.
 */
static enum svsm_err find_phdr_va(struct elf_parse *p)
{
	struct elf_plan *plan = &p->plan;
	uint64_t table_size = (uint64_t)p->eh.phnum * ELF_PHENT_SIZE;

	if (p->has_phdr) {
		if (!find_file_bytes(plan, p->phdr.vaddr, p->eh.phoff,
				     table_size)) {
			return refuse(p, SVSM_ERR_INVAL,
				      "PT_PHDR at 0x%llx does not map the "
				      "program headers (offset 0x%llx)",
				      (unsigned long long)p->phdr.vaddr,
				      (unsigned long long)p->eh.phoff);
		}
		plan->phdr_va = p->phdr.vaddr;
		return SVSM_OK;
	}
	for (uint32_t i = 0; i < plan->segment_count; i++) {
		const struct elf_segment *seg = &plan->segments[i];

		if (p->eh.phoff >= seg->offset &&
		    in_file(p->eh.phoff - seg->offset, table_size,
			    seg->filesz)) {
			plan->phdr_va =
				seg->vaddr + (p->eh.phoff - seg->offset);
			return SVSM_OK;
		}
	}
	return refuse(p, SVSM_ERR_INVAL,
		      "no PT_LOAD maps the program headers (offset 0x%llx)",
		      (unsigned long long)p->eh.phoff);
}

/** For a PIE: checks that the segments fit the limits at some base. */
static enum svsm_err check_pie_span(struct elf_parse *p)
{
	const struct elf_plan *plan = &p->plan;
	uint64_t first = elf_segment_map_va(&plan->segments[0]);
	uint64_t last = map_end(&plan->segments[plan->segment_count - 1]);
	uint64_t room = plan->lim.max_va - plan->lim.min_va;

	if (!plan->is_pie || last - first <= room) {
		return SVSM_OK;
	}
	return refuse(p, SVSM_ERR_RANGE,
		      "segments span 0x%llx bytes, more than the user range "
		      "(0x%llx)",
		      (unsigned long long)(last - first),
		      (unsigned long long)room);
}

/** Walks the program headers, then checks what needs all of them. */
static enum svsm_err check_phdrs(struct elf_parse *p)
{
	enum svsm_err err = SVSM_OK;
	struct phdr ph;

	for (uint32_t i = 0; i < p->eh.phnum && err == SVSM_OK; i++) {
		read_phdr(p, i, &ph);
		err = add_phdr(p, i, &ph);
	}
	if (err != SVSM_OK) {
		return err;
	}
	if (p->plan.segment_count == 0) {
		return refuse(p, SVSM_ERR_INVAL, "no PT_LOAD segment");
	}
	err = check_pie_span(p);
	if (err == SVSM_OK) {
		err = check_entry(p);
	}
	if (err == SVSM_OK) {
		err = check_tls(p);
	}
	if (err == SVSM_OK) {
		err = find_phdr_va(p);
	}
	return err;
}

/** Checks an ELF executable and makes its load plan; see elf_load.h. */
enum svsm_err elf_load_plan(const void *image, size_t size,
			    const struct elf_limits *lim, struct elf_plan *out,
			    char *why, size_t why_size)
{
	struct elf_parse p;
	enum svsm_err err;

	memset(&p, 0, sizeof(p));
	p.image = image;
	p.size = size;
	p.why = why;
	p.why_size = why_size;
	err = check_limits(&p, lim);
	if (err == SVSM_OK) {
		err = read_ehdr(&p);
	}
	if (err == SVSM_OK) {
		err = check_ident(&p);
	}
	if (err == SVSM_OK) {
		err = check_ehdr(&p);
	}
	if (err != SVSM_OK) {
		return err;
	}
	p.plan.is_pie = p.eh.type == ET_DYN;
	p.plan.is_placed = !p.plan.is_pie;
	p.plan.entry = p.eh.entry;
	p.plan.phnum = p.eh.phnum;
	p.plan.phent = ELF_PHENT_SIZE;
	err = check_phdrs(&p);
	if (err != SVSM_OK) {
		return err;
	}
	*out = p.plan;
	return SVSM_OK;
}
