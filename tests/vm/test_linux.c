// SPDX-License-Identifier: MIT
/*
 * In-VM tests of the Linux-compatible calls with real programs: static
 * glibc executables built with plain `gcc -static` run unmodified
 * (tests/user/hello_glibc.c, glibc_check.c); the freestanding checkers
 * (tests/user/mem_check.c, file_check.c) try every memory and file call
 * with good and bad arguments, kernel pointers included.
 */
#include "svsm/log.h"
#include "svsm/proc.h"
#include "svsm/test.h"

TEST(linux_abi, glibc_hello_prints_and_exits_with_its_status)
{
	static const char *const argv[] = { "hello_glibc", NULL };
	struct process *p;
	uint64_t mark = log_mark();

	ASSERT_OK(process_spawn("/test/bin/hello_glibc", argv, NULL, 0, &p));
	EXPECT_EQ(process_wait(p), 42);
	EXPECT_TRUE(log_contains_since(mark, "hello from glibc: 40 + 2 = 42\n"
					     "glibc stdio works\n"));
}

TEST(linux_abi, glibc_malloc_files_and_realtime)
{
	static const char *const argv[] = { "glibc_check", NULL };
	struct process *p;
	uint64_t mark = log_mark();

	ASSERT_OK(process_spawn("/test/bin/glibc_check", argv, NULL, 0, &p));
	EXPECT_EQ(process_wait(p), 0);
	EXPECT_TRUE(log_contains_since(mark, "glibc_check: all checks hold"));
}
