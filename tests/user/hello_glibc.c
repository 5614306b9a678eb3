// SPDX-License-Identifier: MIT
/*
 * An ordinary C program linked statically with Debian's glibc (plain
 * `gcc -static -O2`, no special flags): prints through stdio and exits
 * with status 42. tests/vm/test_linux.c runs it unmodified from the RAM
 * FS and checks the line in the log and the status.
 */
#include <stdio.h>
#include <stdlib.h>

int main(void)
{
	printf("hello from glibc: %d + %d = %d\n", 40, 2, 40 + 2);
	puts("glibc stdio works");
	exit(42);
}
