// SPDX-License-Identifier: MIT
/*
 * Starting a process from a static ELF executable in the RAM FS. The
 * file's bytes are read in place (the archive is mapped read-only) and
 * turned into a checked load plan (lib/elf) whose limits keep every
 * segment below the stack region; a static PIE is placed at USER_PIE_BASE.
 * Each segment's pages are mapped fresh with the segment's protection
 * (never writable and executable) and filled one page at a time through
 * a bounce page and the window (elf_segment_copy_page, uspace_write).
 *
 * The initial stack is the System V x86-64 process entry layout (psABI
 * 3.4.1): at RSP argc, then argv[] and NULL, envp[] and NULL, the
 * auxiliary vector (AT_PHDR, AT_PHENT, AT_PHNUM, AT_PAGESZ, AT_ENTRY,
 * AT_RANDOM, AT_UID/EUID/GID/EGID 0, AT_SECURE 0, AT_CLKTCK, AT_NULL), then the
 * 16 random bytes and the strings, RSP 16-byte aligned. The random bytes come
 * from RDRAND; without it the process is refused rather than given predictable
 * bytes.
 */
#include "arch/insn.h"

#include "svsm/elf_load.h"
#include "svsm/fmt.h"
#include "svsm/heap.h"
#include "svsm/log.h"
#include "svsm/proc.h"
#include "svsm/ramfs.h"
#include "svsm/string.h"

#include "proc_internal.h"

#define AT_NULL 0U
#define AT_PHDR 3U
#define AT_PHENT 4U
#define AT_PHNUM 5U
#define AT_PAGESZ 6U
#define AT_ENTRY 9U
#define AT_UID 11U
#define AT_EUID 12U
#define AT_GID 13U
#define AT_EGID 14U
#define AT_CLKTCK 17U
#define AT_SECURE 23U
#define AT_RANDOM 25U
#define AUXV_PAIRS 13U
#define CLK_TCK 100U /* what times() would count in; Linux's USER_HZ */

/**
 * Maps and fills segment `i` of `plan` in `p`, records it in p's map and
 * moves the brk start above it.
 */
static enum svsm_err load_segment(struct process *p,
				  const struct elf_plan *plan, uint32_t i,
				  const void *image, size_t size, void *bounce)
{
	const struct elf_segment *seg = &plan->segments[i];
	struct uspace *us = &p->us;
	uint64_t va = elf_segment_map_va(seg);
	uint64_t pages = elf_segment_map_size(seg) / PAGE_SIZE;
	uint32_t prot = (seg->prot & ELF_PROT_WRITE) ? PT_PROT_WRITE : 0U;
	enum svsm_err err;

	prot |= (seg->prot & ELF_PROT_EXEC) ? PT_PROT_EXEC : 0U;
	err = uspace_map_new(us, va, pages, prot);
	if (err == SVSM_OK) {
		err = process_mem_note(p, va, pages);
	}
	if (va + pages * PAGE_SIZE > p->brk_start) {
		p->brk_start = va + pages * PAGE_SIZE;
		p->brk_end = p->brk_start;
	}
	for (uint64_t n = 0; n < pages && err == SVSM_OK; n++) {
		err = elf_segment_copy_page(plan, i, image, size, n, bounce);
		if (err == SVSM_OK) {
			err = uspace_write(us, va + n * PAGE_SIZE, bounce,
					   PAGE_SIZE);
		}
	}
	return err;
}

/** Reads 16 bytes from RDRAND; false if the CPU gives none. */
static bool random16(uint8_t out[16])
{
	for (uint32_t w = 0; w < 2; w++) {
		uint64_t v = 0;

		if (!rdrand64_retry(&v)) {
			return false;
		}
		memcpy(out + (size_t)w * 8U, &v, sizeof(v));
	}
	return true;
}

/** Counts a NULL-terminated string vector and its bytes. */
static bool vec_size(const char *const *v, uint64_t *count, uint64_t *bytes)
{
	*count = 0;
	*bytes = 0;
	for (; v && v[*count]; (*count)++) {
		*bytes += strnlen(v[*count], EXEC_ARG_MAX) + 1U;
		if (*count >= EXEC_ARGS_MAX || *bytes > EXEC_ARG_MAX) {
			return false;
		}
	}
	return true;
}

/** Writes the strings of `v` at `*at` (moving up), their addresses to
 * `ptrs`. */
static enum svsm_err put_strings(struct uspace *us, const char *const *v,
				 uint64_t count, uint64_t *at, uint64_t *ptrs)
{
	for (uint64_t i = 0; i < count; i++) {
		size_t n = strnlen(v[i], EXEC_ARG_MAX) + 1U;
		enum svsm_err err = uspace_write(us, *at, v[i], n);

		if (err != SVSM_OK) {
			return err;
		}
		ptrs[i] = *at;
		*at += n;
	}
	return SVSM_OK;
}

/** Builds the entry stack; sets `*rsp`. See the file comment. */
static enum svsm_err build_stack(struct uspace *us, const struct elf_plan *plan,
				 const char *const *argv,
				 const char *const *envp, uint64_t *rsp)
{
	uint64_t argc;
	uint64_t envc;
	uint64_t abytes;
	uint64_t ebytes;
	uint8_t rnd[16];

	if (!vec_size(argv, &argc, &abytes) ||
	    !vec_size(envp, &envc, &ebytes)) {
		return SVSM_ERR_RANGE;
	}
	if (!random16(rnd)) {
		return SVSM_ERR_UNSUPPORTED;
	}
	/* words: argc, argv + NULL, envp + NULL, auxv pairs */
	uint64_t words = 1U + argc + 1U + envc + 1U + 2ULL * AUXV_PAIRS;
	uint64_t data = 16U + abytes + ebytes;
	uint64_t top = USER_STACK_TOP;
	uint64_t sp = (top - data - words * 8U) & ~15ULL;
	uint64_t at = sp + words * 8U;
	uint64_t *frame = kzalloc(words * 8U);
	enum svsm_err err;

	if (!frame) {
		return SVSM_ERR_NOMEM;
	}
	uint64_t rnd_va = at;

	err = uspace_write(us, at, rnd, sizeof(rnd));
	at += sizeof(rnd);
	frame[0] = argc;
	if (err == SVSM_OK) {
		err = put_strings(us, argv, argc, &at, &frame[1]);
	}
	if (err == SVSM_OK) {
		err = put_strings(us, envp, envc, &at, &frame[2U + argc]);
	}
	uint64_t *aux = &frame[3U + argc + envc];
	const uint64_t pairs[AUXV_PAIRS][2] = {
		{ AT_PHDR, plan->phdr_va },
		{ AT_PHENT, plan->phent },
		{ AT_PHNUM, plan->phnum },
		{ AT_PAGESZ, PAGE_SIZE },
		{ AT_ENTRY, plan->entry },
		{ AT_RANDOM, rnd_va },
		/* One identity, no set-id programs: glibc's static start-up
		 * reads these rather than calling getuid() and friends. */
		{ AT_UID, 0 },
		{ AT_EUID, 0 },
		{ AT_GID, 0 },
		{ AT_EGID, 0 },
		{ AT_SECURE, 0 },
		{ AT_CLKTCK, CLK_TCK },
		{ AT_NULL, 0 },
	};

	memcpy(aux, pairs, sizeof(pairs));
	if (err == SVSM_OK) {
		err = uspace_write(us, sp, frame, words * 8U);
	}
	kfree(frame);
	*rsp = sp;
	return err;
}

/** Loads `path`'s program into `us`; the entry and stack to `*p`. */
static enum svsm_err load_program(struct process *p, const char *path,
				  const char *const *argv,
				  const char *const *envp, char *why,
				  size_t why_size)
{
	const struct ramfs *fs = ramfs_root();
	const struct ramfs_entry *e = fs ? ramfs_lookup(fs, path) : NULL;
	const struct elf_limits lim = {
		.min_va = USER_VA_MIN,
		.max_va = USER_STACK_TOP - EXEC_STACK_RESERVE,
		.max_bytes = EXEC_MAX_BYTES,
	};
	struct elf_plan plan;
	enum svsm_err err;

	if (!e) {
		(void)fmt_snprintf(why, why_size, "%s: no such file", path);
		return SVSM_ERR_NOTFOUND;
	}
	const uint8_t *image = ramfs_data(fs, e);
	size_t size = (size_t)e->size;

	err = elf_load_plan(image, size, &lim, &plan, why, why_size);
	if (err == SVSM_OK && plan.is_pie) {
		err = elf_plan_rebase(&plan, USER_PIE_BASE);
		if (err != SVSM_OK) {
			(void)fmt_snprintf(why, why_size,
					   "%s: cannot be placed", path);
		}
	}
	void *bounce = err == SVSM_OK ? kmalloc(PAGE_SIZE) : NULL;

	if (err == SVSM_OK && !bounce) {
		err = SVSM_ERR_NOMEM;
	}
	for (uint32_t i = 0; err == SVSM_OK && i < plan.segment_count; i++) {
		err = load_segment(p, &plan, i, image, size, bounce);
	}
	kfree(bounce);
	if (err == SVSM_OK) {
		err = process_map_stack(p);
	}
	if (err == SVSM_OK) {
		err = build_stack(&p->us, &plan, argv, envp, &p->stack);
	}
	p->entry = plan.entry;
	return err;
}

enum svsm_err process_spawn_prepare(const char *path, const char *const *argv,
				    const char *const *envp,
				    struct process **out)
{
	char why[128] = "";
	struct process *p;
	enum svsm_err err = process_new(&p);

	if (err != SVSM_OK) {
		return err;
	}
	err = load_program(p, path, argv, envp, why, sizeof(why));
	if (err != SVSM_OK) {
		if (why[0]) {
			log_printf("exec %s refused: %s\n", path, why);
		}
		process_free(p);
		return err;
	}
	*out = p;
	return SVSM_OK;
}

enum svsm_err process_spawn_start(struct process *p, uint32_t cpu,
				  const char *name)
{
	return process_start(p, cpu, name);
}

enum svsm_err process_spawn(const char *path, const char *const *argv,
			    const char *const *envp, uint32_t cpu,
			    struct process **out)
{
	struct process *p;
	enum svsm_err err = process_spawn_prepare(path, argv, envp, &p);

	if (err != SVSM_OK) {
		return err;
	}
	err = process_start(p, cpu, argv && argv[0] ? argv[0] : path);
	if (err != SVSM_OK) {
		process_free(p);
		return err;
	}
	*out = p;
	return SVSM_OK;
}
