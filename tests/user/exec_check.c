// SPDX-License-Identifier: MIT
/*
 * A freestanding test program for tests/vm/test_exec.c, run from the RAM
 * FS as /test/bin/exec_check (static executable) and
 * /test/bin/exec_check_pie (static PIE). It reads its entry stack: argc
 * and argv must match what the test passes ("exec_check", "one",
 * "two"), envp must hold "CSVSM_TEST=1", and the auxiliary vector must
 * give AT_PAGESZ 4096, AT_ENTRY equal to _start's address, AT_PHDR/
 * AT_PHNUM pointing at program headers whose first entry is readable,
 * and 16 AT_RANDOM bytes that are not all zero. It writes a line and
 * exits 0 when all hold, else the number of the first failed check.
 */
#include <stddef.h>
#include <stdint.h>

#define AT_NULL 0U
#define AT_PHDR 3U
#define AT_PHNUM 5U
#define AT_PAGESZ 6U
#define AT_ENTRY 9U
#define AT_RANDOM 25U

/* NOLINTNEXTLINE(cert-dcl37-c, readability-identifier-naming): the ELF entry */
void _start(void);
int csvsm_main(const uint64_t *sp);

static long sys_write(int fd, const void *buf, size_t len)
{
	long ret;

	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"(1L), "D"((long)fd), "S"(buf), "d"(len)
			 : "rcx", "r11", "memory");
	return ret;
}

static int str_eq(const char *a, const char *b)
{
	while (*a && *a == *b) {
		a++;
		b++;
	}
	return *a == *b;
}

static size_t str_len(const char *s)
{
	size_t n = 0;

	while (s[n]) {
		n++;
	}
	return n;
}

/** The value of auxiliary vector entry `type`, or 0. */
static uint64_t aux(const uint64_t *auxv, uint64_t type)
{
	for (; auxv[0] != AT_NULL; auxv += 2) {
		if (auxv[0] == type) {
			return auxv[1];
		}
	}
	return 0;
}

int csvsm_main(const uint64_t *sp)
{
	uint64_t argc = sp[0];
	const char *const *argv = (const char *const *)&sp[1];
	const char *const *envp = argv + argc + 1;
	const uint64_t *auxv;
	const uint8_t *rnd;
	uint8_t any = 0;
	size_t envc = 0;
	static const char msg[] = "exec_check: entry stack as expected\n";

	if (argc != 3 || !str_eq(argv[1], "one") || !str_eq(argv[2], "two") ||
	    argv[3] != NULL || str_len(argv[0]) == 0) {
		return 1;
	}
	while (envp[envc]) {
		envc++;
	}
	if (envc != 1 || !str_eq(envp[0], "CSVSM_TEST=1")) {
		return 2;
	}
	auxv = (const uint64_t *)(envp + envc + 1);
	if (aux(auxv, AT_PAGESZ) != 4096U) {
		return 3;
	}
	if (aux(auxv, AT_ENTRY) != (uint64_t)(uintptr_t)_start) {
		return 4;
	}
	/* NOLINTBEGIN(performance-no-int-to-ptr): the vector holds addresses */
	if (aux(auxv, AT_PHNUM) == 0 || aux(auxv, AT_PHDR) == 0 ||
	    *(const volatile uint32_t *)(uintptr_t)aux(auxv, AT_PHDR) == 0) {
		return 5;
	}
	rnd = (const uint8_t *)(uintptr_t)aux(auxv, AT_RANDOM);
	/* NOLINTEND(performance-no-int-to-ptr) */
	if (!rnd) {
		return 6;
	}
	for (int i = 0; i < 16; i++) {
		any |= rnd[i];
	}
	if (!any) {
		return 6;
	}
	if (sys_write(1, msg, sizeof(msg) - 1U) != (long)(sizeof(msg) - 1U)) {
		return 7;
	}
	return 0;
}
