// SPDX-License-Identifier: MIT
/*
 * The Linux memory calls: brk, anonymous private mmap, munmap, mprotect.
 *
 * A process's map of used ranges (svsm/vmmap.h, in struct process) says
 * what is in use: program segments, the stack, the brk heap and mmap
 * ranges; the page tables say how each page is protected. Pages are
 * allocated zeroed when mapped (no demand paging), counted against the
 * process's page limit (`mem_pages_max`; ENOMEM beyond); PROT_NONE
 * ranges reserve address space without pages. mmap without MAP_FIXED
 * takes the hint if that range is free, else the highest free range
 * below USER_MMAP_TOP (1 GiB is left for the stack) and above the brk
 * zone. brk starts on the first page above the highest program segment
 * and moves within USER_BRK_MAX.
 *
 * W^X: a protection that is both writable and executable is refused
 * with EACCES, the errno Linux gives when a security policy (SELinux
 * execmem) denies it; EINVAL stays for malformed arguments. Linux
 * without such a policy would allow it.
 *
 * Locking: none. Only the process's own task changes its map and page
 * tables, and it runs on one CPU at a time (TLB flushes are local).
 */
#include "svsm/proc.h"

#include "sys_internal.h"

#define PAGE_MASK ((uint64_t)PAGE_SIZE - 1U)
#define MAP_FLAGS_KNOWN                                                \
	(SVSM_MAP_SHARED | SVSM_MAP_PRIVATE | SVSM_MAP_FIXED |         \
	 SVSM_MAP_ANONYMOUS | SVSM_MAP_NORESERVE | SVSM_MAP_POPULATE | \
	 SVSM_MAP_STACK | SVSM_MAP_FIXED_NOREPLACE)
#define PROT_KNOWN (SVSM_PROT_READ | SVSM_PROT_WRITE | SVSM_PROT_EXEC)

enum svsm_err process_mem_note(struct process *p, uint64_t va, uint64_t pages)
{
	return vm_map_insert(&p->vm, va, va + pages * PAGE_SIZE);
}

/** `len` rounded up to whole pages; false if that overflows the range. */
static bool page_len(uint64_t len, uint64_t *out)
{
	if (len > USER_VA_MAX) {
		return false;
	}
	*out = (len + PAGE_MASK) & ~PAGE_MASK;
	return true;
}

/**
 * Checks a Linux protection and turns it into uspace terms: EINVAL for
 * unknown bits, EACCES for writable and executable (see the file
 * comment).
 */
static int64_t prot_to_uspace(uint64_t prot, uint32_t *out)
{
	if (prot & ~(uint64_t)PROT_KNOWN) {
		return -SVSM_EINVAL;
	}
	if ((prot & SVSM_PROT_WRITE) && (prot & SVSM_PROT_EXEC)) {
		return -SVSM_EACCES;
	}
	if (prot == SVSM_PROT_NONE) {
		*out = USPACE_PROT_NONE;
	} else {
		*out = (prot & SVSM_PROT_WRITE) ? PT_PROT_WRITE : 0U;
		*out |= (prot & SVSM_PROT_EXEC) ? PT_PROT_EXEC : 0U;
	}
	return 0;
}

/** Whether `p` may own `pages` more pages. */
static bool within_limit(const struct process *p, uint64_t pages)
{
	return p->us.pages <= p->mem_pages_max &&
	       pages <= p->mem_pages_max - p->us.pages;
}

/**
 * Maps `size` bytes at `va` (free in the map) with `uprot` and records
 * them. Nothing is left behind on failure.
 */
static int64_t map_and_note(struct process *p, uint64_t va, uint64_t size,
			    uint32_t uprot)
{
	uint64_t pages = size / PAGE_SIZE;

	if (!(uprot & USPACE_PROT_NONE)) {
		if (!within_limit(p, pages)) {
			return -SVSM_ENOMEM;
		}
		if (uspace_map_new(&p->us, va, pages, uprot) != SVSM_OK) {
			return -SVSM_ENOMEM;
		}
	}
	if (vm_map_insert(&p->vm, va, va + size) != SVSM_OK) {
		uspace_unmap_range(&p->us, va, pages);
		return -SVSM_ENOMEM;
	}
	return 0;
}

int64_t sys_brk(struct process *p, uint64_t addr)
{
	uint64_t old_top = (p->brk_end + PAGE_MASK) & ~PAGE_MASK;
	uint64_t new_top = (addr + PAGE_MASK) & ~PAGE_MASK;

	if (p->brk_start == 0 || addr < p->brk_start ||
	    addr - p->brk_start > USER_BRK_MAX) {
		return (int64_t)p->brk_end;
	}
	if (new_top > old_top) {
		if (!vm_map_is_free(&p->vm, old_top, new_top) ||
		    map_and_note(p, old_top, new_top - old_top,
				 PT_PROT_WRITE) != 0) {
			return (int64_t)p->brk_end;
		}
	} else if (new_top < old_top) {
		if (vm_map_remove(&p->vm, new_top, old_top) != SVSM_OK) {
			return (int64_t)p->brk_end;
		}
		uspace_unmap_range(&p->us, new_top,
				   (old_top - new_top) / PAGE_SIZE);
	}
	p->brk_end = addr;
	return (int64_t)addr;
}

/** Where a mapping without MAP_FIXED goes: the hint if free, else top-down. */
static int64_t mmap_place(const struct process *p, uint64_t hint, uint64_t size,
			  uint64_t *va)
{
	uint64_t lo = p->brk_start ? p->brk_start + USER_BRK_MAX : USER_VA_MIN;

	hint &= ~PAGE_MASK;
	if (hint >= USER_VA_MIN && hint < USER_MMAP_TOP &&
	    size <= USER_MMAP_TOP - hint &&
	    vm_map_is_free(&p->vm, hint, hint + size)) {
		*va = hint;
		return 0;
	}
	if (lo >= USER_MMAP_TOP) {
		lo = USER_VA_MIN;
	}
	return vm_map_find_top(&p->vm, lo, USER_MMAP_TOP, size, va)
		       ? 0
		       : -SVSM_ENOMEM;
}

/**
 * A MAP_FIXED range: it must be aligned (EINVAL) and in the user range
 * (ENOMEM); used space is EEXIST with MAP_FIXED_NOREPLACE, else it is
 * unmapped first, as Linux does.
 */
static int64_t mmap_fixed(struct process *p, uint64_t addr, uint64_t size,
			  uint64_t flags)
{
	if (addr & PAGE_MASK) {
		return -SVSM_EINVAL;
	}
	if (!uspace_range_ok(addr, size)) {
		return -SVSM_ENOMEM;
	}
	if (vm_map_is_free(&p->vm, addr, addr + size)) {
		return 0;
	}
	if (flags & SVSM_MAP_FIXED_NOREPLACE) {
		return -SVSM_EEXIST;
	}
	if (vm_map_remove(&p->vm, addr, addr + size) != SVSM_OK) {
		return -SVSM_ENOMEM;
	}
	uspace_unmap_range(&p->us, addr, size / PAGE_SIZE);
	return 0;
}

int64_t sys_mmap(struct process *p, const struct trap_frame *f)
{
	uint64_t addr = f->rdi;
	uint64_t flags = f->r10;
	uint64_t size;
	uint64_t va = addr;
	uint32_t uprot = 0;
	int64_t err;

	if (f->rsi == 0 || (flags & ~(uint64_t)MAP_FLAGS_KNOWN) ||
	    (flags & (SVSM_MAP_SHARED | SVSM_MAP_PRIVATE)) == 0) {
		return -SVSM_EINVAL;
	}
	err = prot_to_uspace(f->rdx, &uprot);
	if (err != 0) {
		return err;
	}
	/* No files behind mappings, no memory shared between processes. */
	if (!(flags & SVSM_MAP_ANONYMOUS) || (flags & SVSM_MAP_SHARED)) {
		return -SVSM_ENODEV;
	}
	if (!page_len(f->rsi, &size)) {
		return -SVSM_ENOMEM;
	}
	if (flags & (SVSM_MAP_FIXED | SVSM_MAP_FIXED_NOREPLACE)) {
		err = mmap_fixed(p, addr, size, flags);
	} else {
		err = mmap_place(p, addr, size, &va);
	}
	if (err == 0) {
		err = map_and_note(p, va, size, uprot);
	}
	return err == 0 ? (int64_t)va : err;
}

int64_t sys_munmap(struct process *p, uint64_t addr, uint64_t len)
{
	uint64_t size;

	if ((addr & PAGE_MASK) || len == 0 || !page_len(len, &size) ||
	    !uspace_range_ok(addr, size)) {
		return -SVSM_EINVAL;
	}
	if (vm_map_remove(&p->vm, addr, addr + size) != SVSM_OK) {
		return -SVSM_ENOMEM;
	}
	uspace_unmap_range(&p->us, addr, size / PAGE_SIZE);
	return 0;
}

int64_t sys_mprotect(struct process *p, uint64_t addr, uint64_t len,
		     uint64_t prot)
{
	uint64_t size;
	uint32_t uprot = 0;
	int64_t err;

	if (addr & PAGE_MASK) {
		return -SVSM_EINVAL;
	}
	err = prot_to_uspace(prot, &uprot);
	if (err != 0) {
		return err;
	}
	if (len == 0) {
		return 0;
	}
	if (!page_len(len, &size) || !uspace_range_ok(addr, size) ||
	    !vm_map_covers(&p->vm, addr, addr + size)) {
		return -SVSM_ENOMEM;
	}
	uint64_t room = within_limit(p, 0) ? p->mem_pages_max - p->us.pages : 0;

	enum svsm_err e =
		uspace_protect(&p->us, addr, size / PAGE_SIZE, uprot, room);

	if (e == SVSM_OK) {
		return 0;
	}
	return e == SVSM_ERR_INVAL ? -SVSM_EINVAL : -SVSM_ENOMEM;
}
