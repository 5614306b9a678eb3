// SPDX-License-Identifier: MIT
/*
 * In-VM tests of starting processes from ELF files in the RAM FS: a
 * static executable and a static PIE (tests/user/exec_check.c) find the
 * argv, envp and auxiliary vector they were given and exit 0; a missing
 * path, a file that is not ELF and too many arguments are refused with
 * nothing left behind (allocators back at their baseline, OOM sweep).
 */
#include "svsm/log.h"
#include "svsm/proc.h"
#include "svsm/task.h"
#include "svsm/test.h"
#include "svsm/time.h"

static const char *const CHECK_ARGV[] = { "exec_check", "one", "two", NULL };
static const char *const CHECK_ENVP[] = { "CSVSM_TEST=1", NULL };

TEST(exec, static_executable_sees_its_entry_stack)
{
	struct process *p;
	uint64_t mark = log_mark();

	ASSERT_OK(process_spawn("/test/bin/exec_check", CHECK_ARGV, CHECK_ENVP,
				0, &p));
	EXPECT_EQ(process_wait(p), 0);
	EXPECT_TRUE(log_contains_since(mark, "entry stack as expected"));
}

TEST(exec, linux_calls_with_good_and_bad_arguments)
{
	static const char *const argv[] = { "calls_check", NULL };
	struct process *p;

	ASSERT_OK(process_spawn("/test/bin/calls_check", argv, NULL, 0, &p));
	EXPECT_EQ(process_wait(p), 0);
}

TEST(exec, static_pie_is_placed_and_runs)
{
	struct process *p;

	ASSERT_OK(process_spawn("/test/bin/exec_check_pie", CHECK_ARGV,
				CHECK_ENVP, 0, &p));
	EXPECT_EQ(process_wait(p), 0);
}

TEST(exec, wrong_arguments_are_seen_by_the_program)
{
	static const char *const argv[] = { "exec_check", "one", NULL };
	struct process *p;

	ASSERT_OK(
		process_spawn("/test/bin/exec_check", argv, CHECK_ENVP, 0, &p));
	EXPECT_EQ(process_wait(p), 1); /* its argc check */
	ASSERT_OK(
		process_spawn("/test/bin/exec_check", CHECK_ARGV, NULL, 0, &p));
	EXPECT_EQ(process_wait(p), 2); /* its envp check */
}

TEST(exec, bad_programs_are_refused)
{
	static const char *many[80];
	struct process *p;
	uint64_t mark = log_mark();

	EXPECT_ERR(process_spawn("/test/bin/missing", CHECK_ARGV, NULL, 0, &p),
		   SVSM_ERR_NOTFOUND);
	EXPECT_ERR(
		process_spawn("/test/ramfs/hello.txt", CHECK_ARGV, NULL, 0, &p),
		SVSM_ERR_INVAL);
	EXPECT_TRUE(log_contains_since(mark, "exec /test/ramfs/hello.txt "
					     "refused: "));
	for (size_t i = 0; i + 1 < sizeof(many) / sizeof(many[0]); i++) {
		many[i] = "x";
	}
	EXPECT_ERR(process_spawn("/test/bin/exec_check", many, NULL, 0, &p),
		   SVSM_ERR_RANGE);
}

TEST_ALLOC(exec, spawn_under_allocation_failure_leaks_nothing)
{
	struct process *p;

	ASSERT_OK_OR_OOM(process_spawn("/test/bin/exec_check", CHECK_ARGV,
				       CHECK_ENVP, 0, &p));
	EXPECT_EQ(process_wait(p), 0);
}

/*
 * process_kill ends a process asleep in nanosleep at once, not when its
 * sleep (an hour here) would have ended.
 */
TEST(exec, kill_ends_a_sleeping_process)
{
	static const char *const argv[] = { "/bin/hello", "3600", NULL };
	uint64_t mark = log_mark();
	struct process *p;
	uint64_t start;
	uint32_t status;

	ASSERT_OK(process_spawn("/bin/hello", argv, NULL, 0, &p));
	start = clock_monotonic_ns();
	while (!log_contains_since(mark, "a line every 3600 s") &&
	       clock_monotonic_ns() - start < 10ULL * NSEC_PER_SEC) {
		task_sleep_ms(5);
	}
	EXPECT_TRUE(log_contains_since(mark, "a line every 3600 s"));
	task_sleep_ms(20); /* into its sleep */
	start = clock_monotonic_ns();
	process_kill(p);
	status = process_wait(p);
	EXPECT_TRUE(clock_monotonic_ns() - start < 2ULL * NSEC_PER_SEC);
	EXPECT_TRUE((status & SVSM_EXIT_KILLED) != 0);
	EXPECT_FALSE(log_contains_since(mark, "still here"));
}
