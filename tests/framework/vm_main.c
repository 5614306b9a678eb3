// SPDX-License-Identifier: MIT
/*
 * The VM test runner: the test image's payload. Runs every in-VM suite,
 * prints KTAP on the console and leaves QEMU through isa-debug-exit
 * (0x10 when every test passed, 0x11 otherwise). The boot option
 * `vmtest.crash=pf|ud` instead triggers a deliberate fault in a test-only
 * function, so the host can check the report and backtrace.
 */
#include "svsm/boot.h"
#include "svsm/cmdline.h"
#include "svsm/log.h"
#include "svsm/plat.h"
#include "svsm/string.h"
#include "svsm/test.h"

#include "../vm/vmtest.h"

/** KTAP text goes to the kernel log, which the console mirrors. */
void test_output(const char *s, size_t len)
{
	log_write(s, len);
}

/** Runs the crash named by `vmtest.crash`, if any; returns if none. */
__attribute__((noinline)) static void maybe_crash(void)
{
	char what[8];

	if (!cmdline_value("vmtest.crash", what, sizeof(what))) {
		return;
	}
	log_set_console(true);
	if (strcmp(what, "pf") == 0) {
		vmtest_crash_pagefault();
	} else if (strcmp(what, "ud") == 0) {
		vmtest_crash_invalid_opcode();
	} else if (strcmp(what, "stack") == 0) {
		vmtest_crash_stack_overflow(0);
	} else if (strcmp(what, "nx") == 0) {
		vmtest_crash_execute_data();
	}
	log_printf("vmtest: unknown crash '%s'\n", what);
	plat_exit(false);
}

/** Runs the suites (or the selected one) and exits with the verdict. */
void kernel_payload(void)
{
	char suite[32];
	bool has_filter = cmdline_value("vmtest.suite", suite, sizeof(suite));

	maybe_crash();
	log_set_console(true);
	struct test_totals tot = test_run_all(has_filter ? suite : NULL);

	log_printf("# vmtest: %u passed, %u failed, %u skipped; %u OOM-sweep "
		   "reruns\n",
		   tot.passed, tot.failed, tot.skipped, tot.oom_runs);
	plat_exit(tot.failed == 0);
}
