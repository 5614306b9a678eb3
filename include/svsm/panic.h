/* SPDX-License-Identifier: MIT */
/*
 * Fatal errors: internal invariants only (never input from the guest or
 * host). Logs the message and a backtrace, then leaves the VM reporting
 * failure: fail closed.
 */
#pragma once

__attribute__((noreturn, format(printf, 1, 2))) void panic(const char *fmt,
							   ...);

/** Checks an internal invariant; panics with file:line when it fails. */
#define CHECK(cond)                                                         \
	do {                                                                \
		if (!(cond)) {                                              \
			panic("CHECK failed: %s at %s:%d", #cond, __FILE__, \
			      __LINE__);                                    \
		}                                                           \
	} while (0)
