// SPDX-License-Identifier: MIT
/*
 * A freestanding test program for tests/vm/test_linux.c, run from the
 * RAM FS as /test/bin/fault_check MODE: does one forbidden thing and
 * must be killed by the page fault it causes (the test checks the
 * status and the report). If it survives, it exits 1.
 *   kread     reads the kernel's text (SMAP/U-S: a user access to a
 *             supervisor page)
 *   kjump     jumps into the kernel's text (an instruction fetch from
 *             a supervisor page)
 *   unmapped  writes to a page after munmap
 *   readonly  writes to a page after mprotect(PROT_READ)
 *   none      reads a page after mprotect(PROT_NONE)
 *   noexec    jumps into a read-write mmap page (NX)
 *   brk       writes above the break after brk shrank
 */
#include "sys.h"

int csvsm_main(const uint64_t *sp);

static int is(const char *a, const char *b)
{
	while (*a && *a == *b) {
		a++;
		b++;
	}
	return *a == *b;
}

static volatile char *fresh_page(long prot_after)
{
	long a = mmap6(0, PAGE, PROT_READ | PROT_WRITE, MAP_ANON_PRIV);

	if (a <= 0) {
		return 0;
	}
	at(a)[0] = (char)0xC3; /* ret, for noexec */
	if (prot_after >= 0 && sys3(SYS_MPROTECT, a, PAGE, prot_after) != 0) {
		return 0;
	}
	return at(a);
}

int csvsm_main(const uint64_t *sp)
{
	const char *const *argv = (const char *const *)(sp + 1);
	const char *mode = sp[0] >= 2 ? argv[1] : "";
	volatile char *p;

	if (is(mode, "kread")) {
		return *at(KERNEL_TEXT);
	}
	if (is(mode, "kjump")) {
		call_at(KERNEL_TEXT);
	} else if (is(mode, "unmapped")) {
		p = fresh_page(-1);
		if (p && sys3(SYS_MUNMAP, (long)p, PAGE, 0) == 0) {
			p[0] = 1;
		}
	} else if (is(mode, "readonly")) {
		p = fresh_page(PROT_READ);
		if (p && p[0] == (char)0xC3) {
			p[0] = 1;
		}
	} else if (is(mode, "none")) {
		p = fresh_page(PROT_NONE);
		if (p) {
			return p[0];
		}
	} else if (is(mode, "noexec")) {
		p = fresh_page(-1);
		if (p) {
			call_at((long)(uintptr_t)p);
		}
	} else if (is(mode, "brk")) {
		long start = sys3(SYS_BRK, 0, 0, 0);

		sys3(SYS_BRK, start + 2 * PAGE, 0, 0);
		(at(start))[PAGE] = 1;
		sys3(SYS_BRK, start, 0, 0);
		(at(start))[PAGE] = 1;
	}
	return 1;
}
