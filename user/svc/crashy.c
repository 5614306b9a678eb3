// SPDX-License-Identifier: MIT
/*
 * crashy: a service that faults on its first runs, to show init's
 * restart with back-off. init tells each run how many times the service
 * was restarted before (INIT_RESTARTS=N in the environment, docs/INIT.md);
 * while N is below FAULTS (the first argument, default 2) crashy
 * dereferences NULL, a page fault: the kernel kills it and init restarts
 * it. Then it logs that it is up and exits with status 0, after which
 * `restart on-failure` leaves it stopped.
 *
 * Usage: crashy [FAULTS]
 */
#include <libsvsm/log.h>
#include <libsvsm/string.h>
#include <libsvsm/sys.h>

#define RESTARTS_VAR "INIT_RESTARTS="

int csvsm_main(const uint64_t *sp);

/** A decimal number at the start of `s` (0 when none). */
static uint64_t number(const char *s)
{
	uint64_t v = 0;

	for (; *s >= '0' && *s <= '9' && v < 1000000U; s++) {
		v = v * 10U + (uint64_t)(*s - '0');
	}
	return v;
}

int csvsm_main(const uint64_t *sp)
{
	uint64_t argc = sp[0];
	const char *const *argv = (const char *const *)(sp + 1);
	const char *const *envp = argv + argc + 1;
	uint64_t faults = argc > 1 ? number(argv[1]) : 2;
	uint64_t restarts = 0;

	svsm_log_init("crashy", 2);
	for (; *envp != NULL; envp++) {
		size_t n = svsm_strlen(RESTARTS_VAR);

		if (svsm_strncmp(*envp, RESTARTS_VAR, n) == 0) {
			restarts = number(*envp + n);
		}
	}
	if (restarts < faults) {
		svsm_logf("run %llu of %llu that fault: dereferencing NULL",
			  (unsigned long long)restarts + 1U,
			  (unsigned long long)faults);
		volatile int *volatile p = NULL;

		/* NOLINTNEXTLINE(clang-analyzer-core.NullDereference): meant */
		*p = 1; // cppcheck-suppress nullPointer
	}
	svsm_logf("up after %llu restarts, exiting with status 0",
		  (unsigned long long)restarts);
	return 0;
}
