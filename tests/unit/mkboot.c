// SPDX-License-Identifier: MIT
/*
 * mkboot: writes a tiny hand-made IGVM image (format version 2, NATIVE
 * platform only) that proves `csvsm run` and its reset shim end to end,
 * independently of igvmbld and the kernel. The image holds page tables
 * that follow launch.h (PML4[0] -> PDPT; PDPT[0] and PDPT[3] identity-map
 * [0, 1 GiB) and [3 GiB, 4 GiB) with 1 GiB pages), a parameter area laid
 * out as launch.h says (vCPU count, command line, memory map) and a
 * 64-bit payload. The payload checks that every register of the native
 * context arrived, prints "csvsm-shim-ok", the parameters the loader
 * filled in, and writes the exit value to isa-debug-exit (port 0xF4).
 *
 * The payload is assembled by the host assembler from the top-level asm
 * block below (position-independent 64-bit code, copied byte for byte
 * into the image); mkboot patches its data fields.
 *
 * usage: mkboot [--exit VALUE] [--loop] [--fault] [--overlap]
 *               [--bad-tlv-length] [--no-idmap] [--page GPA] OUT
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "svsm/crc32.h"

#include "uapi/svsm/igvm.h"
#include "uapi/svsm/launch.h"

#define PAGE ((size_t)4096)
#define CODE_GPA 0x200000ULL
#define PML4_GPA 0x201000ULL
#define PDPT_GPA 0x202000ULL
#define STACK_GPA 0x203000ULL
#define SAVE_GPA 0x204000ULL
#define PARAM_GPA 0x210000ULL
#define GS_BASE 0x12345000ULL
#define RFLAGS 0x46ULL /* reserved bit 1, PF, ZF */
#define PTE_P_RW 0x3ULL
#define PTE_P_RW_PS 0x83ULL

/* Data pages of the file, in order after the variable headers. */
enum mkboot_data {
	DATA_CODE,
	DATA_PML4,
	DATA_PDPT,
	DATA_CTX,
	DATA_COUNT
};

/* Payload modes, patched into the payload's mode byte. */
#define MODE_EXIT 0
#define MODE_LOOP 1
#define MODE_FAULT 2

/* The payload: SAVE_GPA and PARAM_GPA are absolute (identity map). */
__asm__(".pushsection .rodata.mkboot_payload, \"a\"\n"
	".globl mkboot_payload, mkboot_payload_end\n"
	".globl mkboot_expect, mkboot_exit, mkboot_mode\n"
	".set SAVE, 0x204000\n"
	".set PARAM, 0x210000\n"
	"mkboot_payload:\n"
	"	movq %rax, SAVE + 0x00\n"
	"	movq %rcx, SAVE + 0x08\n"
	"	movq %rdx, SAVE + 0x10\n"
	"	movq %rbx, SAVE + 0x18\n"
	"	movq %rsp, SAVE + 0x20\n"
	"	movq %rbp, SAVE + 0x28\n"
	"	movq %rsi, SAVE + 0x30\n"
	"	movq %rdi, SAVE + 0x38\n"
	"	movq %r8, SAVE + 0x40\n"
	"	movq %r9, SAVE + 0x48\n"
	"	movq %r10, SAVE + 0x50\n"
	"	movq %r11, SAVE + 0x58\n"
	"	movq %r12, SAVE + 0x60\n"
	"	movq %r13, SAVE + 0x68\n"
	"	movq %r14, SAVE + 0x70\n"
	"	movq %r15, SAVE + 0x78\n"
	"	pushfq\n"
	"	popq %rax\n"
	"	movq %rax, SAVE + 0x80\n"
	"	movl $0xC0000101, %ecx\n"
	"	rdmsr\n"
	"	shlq $32, %rdx\n"
	"	orq %rdx, %rax\n"
	"	movq %rax, SAVE + 0x88\n"
	"	cld\n"
	"	leaq mkboot_expect(%rip), %rsi\n"
	"	movl $SAVE, %edi\n"
	"	movl $18, %ecx\n"
	"	repe cmpsq\n"
	"	jne 20f\n"
	"	leaq 90f(%rip), %rsi\n"
	"	call 50f\n"
	"	leaq 91f(%rip), %rsi\n"
	"	call 50f\n"
	"	movl PARAM, %eax\n"
	"	call 60f\n"
	"	leaq 92f(%rip), %rsi\n"
	"	call 50f\n"
	"	movl $PARAM + 0x100, %esi\n"
	"	call 50f\n"
	"	leaq 95f(%rip), %rsi\n"
	"	call 50f\n"
	/* Memory map: at most 8 entries, up to the zero entry. */
	"	movl $PARAM + 0x1000, %ebp\n"
	"	movl $8, %r12d\n"
	"10:	cmpq $0, 8(%rbp)\n"
	"	je 11f\n"
	"	leaq 93f(%rip), %rsi\n"
	"	call 50f\n"
	"	movq 0(%rbp), %rax\n"
	"	call 60f\n"
	"	leaq 94f(%rip), %rsi\n"
	"	call 50f\n"
	"	movq 8(%rbp), %rax\n"
	"	call 60f\n"
	"	leaq 95f(%rip), %rsi\n"
	"	call 50f\n"
	"	addq $24, %rbp\n"
	"	decl %r12d\n"
	"	jnz 10b\n"
	"11:	movb mkboot_mode(%rip), %al\n"
	"	cmpb $1, %al\n"
	"	je 30f\n"
	"	cmpb $2, %al\n"
	"	je 40f\n"
	"	movb mkboot_exit(%rip), %al\n"
	"	outb %al, $0xF4\n"
	"	jmp 30f\n"
	"20:	leaq 96f(%rip), %rsi\n"
	"	call 50f\n"
	"	movb $0x11, %al\n"
	"	outb %al, $0xF4\n"
	"30:	cli\n"
	"	hlt\n"
	"	jmp 30b\n"
	"40:	ud2\n"
	/* puts: RSI = NUL-terminated string, to COM1. */
	"50:	movw $0x3F8, %dx\n"
	"51:	lodsb\n"
	"	testb %al, %al\n"
	"	jz 52f\n"
	"	outb %al, %dx\n"
	"	jmp 51b\n"
	"52:	ret\n"
	/* hex: RAX as 16 hex digits, to COM1. */
	"60:	movq %rax, %rbx\n"
	"	movl $16, %ecx\n"
	"	movw $0x3F8, %dx\n"
	"	leaq 97f(%rip), %rsi\n"
	"61:	rolq $4, %rbx\n"
	"	movl %ebx, %eax\n"
	"	andl $0xF, %eax\n"
	"	movb (%rsi, %rax), %al\n"
	"	outb %al, %dx\n"
	"	loop 61b\n"
	"	ret\n"
	"90:	.asciz \"csvsm-shim-ok\\n\"\n"
	"91:	.asciz \"vp_count=\"\n"
	"92:	.asciz \"\\ncmdline=\"\n"
	"93:	.asciz \"mem \"\n"
	"94:	.asciz \" \"\n"
	"95:	.asciz \"\\n\"\n"
	"96:	.asciz \"csvsm-shim-bad-regs\\n\"\n"
	"97:	.ascii \"0123456789abcdef\"\n"
	"	.balign 8\n"
	"mkboot_expect:	.fill 18, 8, 0\n"
	"mkboot_exit:	.byte 0x10\n"
	"mkboot_mode:	.byte 0\n"
	"mkboot_payload_end:\n"
	".popsection\n");

/* Symbols of the payload above. */
/* NOLINTNEXTLINE(readability-identifier-naming) */
extern const uint8_t mkboot_payload[], mkboot_payload_end[];
/* NOLINTNEXTLINE(readability-identifier-naming) */
extern const uint8_t mkboot_expect[], mkboot_exit[], mkboot_mode[];

/** What to put into the image. */
struct mkboot_opts {
	uint8_t exit_value;
	uint8_t mode;
	bool is_overlap;
	bool is_bad_tlv_length;
	bool is_no_idmap;
	bool has_extra_page;
	uint64_t extra_page;
	const char *out;
};

/** The file being built. */
struct mkboot {
	uint8_t *buf;
	size_t size;
	size_t cap;
	uint32_t data_start; /* file offset of the first data page */
	bool is_nomem;
};

static void put(struct mkboot *m, const void *p, size_t len)
{
	if (len == 0 || m->is_nomem) {
		return;
	}
	if (m->size + len > m->cap) {
		size_t cap = (m->size + len) * 2;
		uint8_t *b = realloc(m->buf, cap);

		if (b == NULL) {
			m->is_nomem = true;
			return;
		}
		m->buf = b;
		m->cap = cap;
	}
	memcpy(m->buf + m->size, p, len);
	m->size += len;
}

/** Appends one variable header, padded to 8 bytes. */
static void tlv(struct mkboot *m, uint32_t type, uint32_t length,
		const void *payload, size_t payload_size)
{
	static const uint8_t zeros[8];
	struct igvm_tlv h = { type, length };

	put(m, &h, sizeof(h));
	put(m, payload, payload_size);
	put(m, zeros,
	    (IGVM_TLV_ALIGN - payload_size % IGVM_TLV_ALIGN) % IGVM_TLV_ALIGN);
}

static uint32_t data_offset(const struct mkboot *m, enum mkboot_data d)
{
	return m->data_start + (uint32_t)(d * PAGE);
}

static void page_data(struct mkboot *m, uint64_t gpa, uint32_t file_offset)
{
	struct igvm_page_data pd = { .gpa = gpa,
				     .compatibility_mask = CSVSM_MASK_NATIVE,
				     .file_offset = file_offset,
				     .data_type = IGVM_PAGE_DATA_TYPE_NORMAL };

	tlv(m, IGVM_VHT_PAGE_DATA, sizeof(pd), &pd, sizeof(pd));
}

static void parameter(struct mkboot *m, uint32_t type, uint32_t offset)
{
	struct igvm_parameter p = { SVSM_PARAM_AREA_INDEX, offset };

	tlv(m, type, sizeof(p), &p, sizeof(p));
}

/** Appends every variable header; `m->data_start` must be final. */
static void put_headers(struct mkboot *m, const struct mkboot_opts *o)
{
	struct igvm_supported_platform plat = { CSVSM_MASK_NATIVE, 0,
						IGVM_PLATFORM_NATIVE,
						IGVM_PLATFORM_VERSION, 0 };
	struct igvm_parameter_area area = { SVSM_PARAM_AREA_SIZE,
					    SVSM_PARAM_AREA_INDEX, 0 };
	struct igvm_parameter_insert ins = { PARAM_GPA, CSVSM_MASK_NATIVE,
					     SVSM_PARAM_AREA_INDEX };
	struct igvm_vp_context vp = { 0, CSVSM_MASK_NATIVE,
				      data_offset(m, DATA_CTX), 0, 0 };

	tlv(m, IGVM_VHT_SUPPORTED_PLATFORM,
	    o->is_bad_tlv_length ? 12 : sizeof(plat), &plat, sizeof(plat));
	tlv(m, IGVM_VHT_PARAMETER_AREA, sizeof(area), &area, sizeof(area));
	parameter(m, IGVM_VHT_VP_COUNT_PARAMETER, SVSM_PARAM_VP_COUNT_OFFSET);
	parameter(m, IGVM_VHT_COMMAND_LINE, SVSM_PARAM_CMDLINE_OFFSET);
	parameter(m, IGVM_VHT_MEMORY_MAP, SVSM_PARAM_MEMMAP_OFFSET);
	tlv(m, IGVM_VHT_PARAMETER_INSERT, sizeof(ins), &ins, sizeof(ins));
	page_data(m, CODE_GPA, data_offset(m, DATA_CODE));
	page_data(m, PML4_GPA, data_offset(m, DATA_PML4));
	page_data(m, PDPT_GPA, data_offset(m, DATA_PDPT));
	page_data(m, STACK_GPA, 0);
	page_data(m, SAVE_GPA, 0);
	if (o->is_overlap) {
		page_data(m, STACK_GPA, 0);
	}
	if (o->has_extra_page) {
		page_data(m, o->extra_page, 0);
	}
	tlv(m, IGVM_VHT_VP_CONTEXT, sizeof(vp), &vp, sizeof(vp));
}

/** The native context: every register a distinct, recognisable value. */
static void make_context(struct igvm_native_vp_context_x64 *ctx,
			 uint64_t *expect)
{
	memset(ctx, 0, sizeof(*ctx));
	/* rax..r15 are the first 16 fields, in the order the payload saves. */
	for (int i = 0; i < 16; i++) {
		expect[i] = 0x0101010101010101ULL * (uint64_t)(i + 1) + 0x10;
	}
	expect[4] = STACK_GPA + PAGE; /* rsp */
	memcpy(ctx, expect, 16 * sizeof(uint64_t));
	expect[16] = RFLAGS;
	expect[17] = GS_BASE;
	ctx->rip = CODE_GPA;
	ctx->rflags = RFLAGS;
	ctx->gs_base = GS_BASE;
	ctx->code_selector = SVSM_SEL_CODE64;
	ctx->data_selector = SVSM_SEL_DATA;
	ctx->cr0 = 0x80010033; /* PG WP NE ET MP PE */
	ctx->cr3 = PML4_GPA;
	ctx->cr4 = 0x20;   /* PAE */
	ctx->efer = 0xD00; /* NXE LMA LME */
}

static void put_pte(uint8_t *table, unsigned int index, uint64_t pte)
{
	memcpy(table + index * sizeof(pte), &pte, sizeof(pte));
}

/** Fills the four data pages. */
static void make_data(uint8_t *pages, const struct mkboot_opts *o)
{
	uint8_t *code = pages + DATA_CODE * PAGE;
	uint8_t *pml4 = pages + DATA_PML4 * PAGE;
	uint8_t *pdpt = pages + DATA_PDPT * PAGE;
	struct igvm_native_vp_context_x64 ctx;
	uint64_t expect[18];
	size_t size = (size_t)(mkboot_payload_end - mkboot_payload);

	memcpy(code, mkboot_payload, size);
	make_context(&ctx, expect);
	memcpy(code + (mkboot_expect - mkboot_payload), expect, sizeof(expect));
	code[mkboot_exit - mkboot_payload] = o->exit_value;
	code[mkboot_mode - mkboot_payload] = o->mode;
	put_pte(pml4, 0, PDPT_GPA | PTE_P_RW);
	put_pte(pdpt, 0, 0x0ULL | PTE_P_RW_PS); /* [0, 1 GiB) */
	if (!o->is_no_idmap) {
		/* launch.h: [3 GiB, 4 GiB), where the reset shim runs. */
		put_pte(pdpt, 3,
			0xC0000000ULL | PTE_P_RW_PS); /* 1 GiB at 3 GiB */
	}
	memcpy(pages + DATA_CTX * PAGE, &ctx, sizeof(ctx));
}

/** Builds the whole file in `m`. */
static void build(struct mkboot *m, const struct mkboot_opts *o)
{
	struct igvm_fixed_header_v2 h;
	struct mkboot probe = { 0 };
	uint8_t *pages = calloc(DATA_COUNT, PAGE);
	uint32_t vh_size;

	/* First pass: the size of the variable headers. */
	put_headers(&probe, o);
	vh_size = (uint32_t)probe.size;
	free(probe.buf);
	if (pages == NULL || probe.is_nomem) {
		m->is_nomem = true;
		free(pages);
		return;
	}
	m->data_start = (uint32_t)sizeof(h) + vh_size;
	memset(&h, 0, sizeof(h));
	h.v1.magic = IGVM_MAGIC;
	h.v1.format_version = IGVM_FORMAT_VERSION_2;
	h.v1.variable_header_offset = sizeof(h);
	h.v1.variable_header_size = vh_size;
	h.v1.total_file_size = m->data_start + (uint32_t)(DATA_COUNT * PAGE);
	h.architecture = IGVM_ARCH_X64;
	h.page_size = (uint32_t)PAGE;
	put(m, &h, sizeof(h));
	put_headers(m, o);
	make_data(pages, o);
	put(m, pages, DATA_COUNT * PAGE);
	free(pages);
	if (!m->is_nomem) {
		h.v1.checksum = crc32_update(0, m->buf, m->data_start);
		memcpy(m->buf, &h, sizeof(h));
	}
}

static bool parse_args(int argc, char **argv, struct mkboot_opts *o)
{
	*o = (struct mkboot_opts){ .exit_value = 0x10, .mode = MODE_EXIT };
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		bool has_value = i + 1 < argc;

		if (strcmp(a, "--exit") == 0 && has_value) {
			o->exit_value = (uint8_t)strtoul(argv[++i], NULL, 0);
		} else if (strcmp(a, "--page") == 0 && has_value) {
			o->has_extra_page = true;
			o->extra_page = strtoull(argv[++i], NULL, 0);
		} else if (strcmp(a, "--loop") == 0) {
			o->mode = MODE_LOOP;
		} else if (strcmp(a, "--fault") == 0) {
			o->mode = MODE_FAULT;
		} else if (strcmp(a, "--overlap") == 0) {
			o->is_overlap = true;
		} else if (strcmp(a, "--bad-tlv-length") == 0) {
			o->is_bad_tlv_length = true;
		} else if (strcmp(a, "--no-idmap") == 0) {
			o->is_no_idmap = true;
		} else if (a[0] != '-' && o->out == NULL) {
			o->out = a;
		} else {
			return false;
		}
	}
	return o->out != NULL;
}

int main(int argc, char **argv)
{
	struct mkboot_opts o;
	struct mkboot m = { 0 };
	FILE *f;
	bool is_ok;

	if (!parse_args(argc, argv, &o)) {
		(void)fprintf(stderr,
			      "usage: mkboot [--exit VALUE] [--loop] [--fault] "
			      "[--overlap] [--bad-tlv-length] [--no-idmap] "
			      "[--page GPA] OUT\n");
		return 2;
	}
	build(&m, &o);
	if (m.is_nomem) {
		(void)fprintf(stderr, "mkboot: out of memory\n");
		free(m.buf);
		return 1;
	}
	f = fopen(o.out, "wb");
	is_ok = f != NULL && fwrite(m.buf, 1, m.size, f) == m.size;
	is_ok = f != NULL && fclose(f) == 0 && is_ok;
	free(m.buf);
	if (!is_ok) {
		perror(o.out);
		return 1;
	}
	return 0;
}
