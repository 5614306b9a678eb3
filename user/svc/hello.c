// SPDX-License-Identifier: MIT
/*
 * hello: the smallest service, for `make run`. Logs that it is up (with
 * its arguments), then a line every PERIOD seconds (the first argument,
 * default 5), forever.
 *
 * Usage: hello [PERIOD_S]
 */
#include <libsvsm/log.h>
#include <libsvsm/sys.h>

int csvsm_main(const uint64_t *sp);

int csvsm_main(const uint64_t *sp)
{
	uint64_t argc = sp[0];
	const char *const *argv = (const char *const *)(sp + 1);
	uint64_t period = 5;

	svsm_log_init("hello", 2);
	if (argc > 1) {
		period = 0;
		for (const char *s = argv[1]; *s >= '0' && *s <= '9'; s++) {
			period = period * 10U + (uint64_t)(*s - '0');
		}
		if (period == 0 || period > 3600) {
			period = 5;
		}
	}
	svsm_logf("up (pid %ld), a line every %llu s", svsm_getpid(),
		  (unsigned long long)period);
	for (uint64_t n = 1;; n++) {
		(void)svsm_sleep_ms(period * 1000U);
		svsm_logf("still here (%llu)", (unsigned long long)n);
	}
}
