// SPDX-License-Identifier: MIT
/*
 * Host test runner: `main()` for the unit tests, which link core code
 * against plat/host and run under ASan and UBSan. Output is KTAP v1 on
 * stdout for `prove`; the exit status is 1 if any test failed.
 *
 * Usage: unit-tests [SUITE]
 */
#include <stdio.h>
#include <unistd.h>

#include "svsm/test.h"

/** Writes KTAP text to stdout, unbuffered so it interleaves with ASan. */
void test_output(const char *s, size_t len)
{
	(void)fflush(stdout);
	while (len > 0) {
		ssize_t n = write(STDOUT_FILENO, s, len);

		if (n <= 0) {
			return;
		}
		s += n;
		len -= (size_t)n;
	}
}

int main(int argc, char **argv)
{
	struct test_totals tot = test_run_all(argc > 1 ? argv[1] : NULL);

	test_printf("# totals: %u passed, %u failed, %u skipped; %u OOM-sweep "
		    "reruns\n",
		    tot.passed, tot.failed, tot.skipped, tot.oom_runs);
	return tot.failed > 0 ? 1 : 0;
}
