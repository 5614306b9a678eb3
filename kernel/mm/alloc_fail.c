// SPDX-License-Identifier: MIT
/*
 * Allocation fault injection: a counter of allocation attempts and the
 * number of the one to fail. Every allocator entry point asks
 * alloc_fail_check() before doing anything; the test harness arms the
 * injector with alloc_fail_nth() to prove that each allocation failure is
 * handled without a panic or a leak. Disarmed (the default), it only
 * counts.
 *
 * The state is global and unlocked: the harness arms it from the CPU that
 * runs the test, and the counter is a diagnostic, not an invariant.
 */
#include "svsm/alloc_fail.h"

/** The injector: which attempt fails, how many were made, whether it did. */
static struct {
	uint64_t fail_at; /* 0: disarmed */
	uint64_t attempts;
	bool has_fired;
} inj;

/** Arms the injector to fail the `n`th attempt from now (0 disarms). */
void alloc_fail_nth(uint64_t n)
{
	inj.fail_at = n;
	inj.attempts = 0;
	inj.has_fired = false;
}

/** Counts one attempt; true when it is the armed one. */
bool alloc_fail_check(void)
{
	inj.attempts++;
	if (inj.fail_at != 0 && !inj.has_fired && inj.attempts == inj.fail_at) {
		inj.has_fired = true;
		return true;
	}
	return false;
}

/** Attempts since the last alloc_fail_nth(). */
uint64_t alloc_fail_attempts(void)
{
	return inj.attempts;
}

/** Whether the armed failure has happened since the last alloc_fail_nth(). */
bool alloc_fail_fired(void)
{
	return inj.has_fired;
}
