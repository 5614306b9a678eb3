// SPDX-License-Identifier: MIT
/*
 * A fixture for the ELF loader's unit tests, built with Debian's gcc and
 * glibc as a static executable (ET_EXEC) and as a static PIE (ET_DYN),
 * and once dynamically linked (refused). It has initialised and zeroed
 * thread-local variables (PT_TLS with .tdata and .tbss), data and bss.
 * It is parsed, never run.
 */
#include <stdio.h>

static __thread int counter = 5;
static __thread char scratch[64];
static int table[1024];
static int seed = 7;

int main(void)
{
	scratch[0] = (char)seed;
	table[seed] = counter + scratch[0];
	return printf("hello %d\n", table[seed]) < 0;
}
