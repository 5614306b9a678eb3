// SPDX-License-Identifier: MIT
/*
 * panic(): report and fail closed. Also the stack-protector hooks, since
 * a smashed canary is a panic, and the canary's set-up at entry.
 */
#include "svsm/panic.h"

#include <stdarg.h>
#include <stdint.h>

#include "arch/cpuid.h"
#include "arch/insn.h"

#include "svsm/backtrace.h"
#include "svsm/fmt.h"
#include "svsm/log.h"
#include "svsm/plat.h"

/** Logs "PANIC: <message>" and a backtrace, then exits with failure. */
void panic(const char *fmt, ...)
{
	char buf[200];
	va_list ap;

	cli();
	va_start(ap, fmt);
	(void)fmt_vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	log_set_console(true);
	log_printf("PANIC: %s\n", buf);
	backtrace_log((uint64_t)__builtin_return_address(0), read_rbp());
	plat_exit(false);
}

/*
 * The stack-protector ABI: the compiler emits references to exactly these
 * two reserved names, so they cannot follow our naming rules.
 * NOLINTBEGIN(cert-dcl37-c, readability-identifier-naming)
 */

/* The canary compared by -fstack-protector (with
 * -mstack-protector-guard=global). */
uintptr_t __stack_chk_guard = 0x595e9fbd94fda766ULL;

void __stack_chk_fail(void);

/** Called by instrumented functions when their canary was overwritten. */
void __stack_chk_fail(void)
{
	panic("stack protector: canary overwritten");
}

/* NOLINTEND(cert-dcl37-c, readability-identifier-naming) */

void stack_guard_init(void);

/**
 * Picks a random canary before any instrumented function runs (called
 * from kernel_entry). Falls back to the TSC if RDRAND is missing or fails.
 */
__attribute__((no_stack_protector)) void stack_guard_init(void)
{
	uint64_t v = 0;

	if ((cpuid(1, 0).ecx & CPUID_1_ECX_RDRAND) && !rdrand64_retry(&v)) {
		v = 0;
	}
	v ^= rdtsc() * 0x9E3779B97F4A7C15ULL;
	/* A zero low byte stops string overflows from copying the canary. */
	__stack_chk_guard = v & ~0xFFULL;
}
