// SPDX-License-Identifier: MIT
/*
 * panic() for core code running in the host unit tests: a broken
 * invariant there is a failed run, so it prints the reason and aborts
 * (ASan then shows where).
 */
#include "svsm/panic.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

void panic(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	(void)fputs("panic: ", stderr);
	(void)vfprintf(stderr, fmt, ap);
	(void)fputc('\n', stderr);
	va_end(ap);
	abort();
}
