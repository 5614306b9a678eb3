// SPDX-License-Identifier: MIT
/*
 * In-VM tests of init (user/init) and libsvsm in a real process: init
 * runs /test/etc/init-restart.conf in its test mode (-x: exit once
 * nothing is left to supervise), where crashy faults on its first two
 * runs. init must log its start, see each fault, restart crashy with
 * back-off 50 then 100 ms, see it exit 0 and not restart it; and report
 * the exit status (42) of an unmodified static glibc program it runs.
 * In -x mode init exits with 38 (ENOSYS) if a kernel call it needs is
 * missing, which fails these tests.
 */
#include "svsm/log.h"
#include "svsm/proc.h"
#include "svsm/test.h"

static const char *const INIT_ARGV[] = { "/sbin/init", "-x",
					 "/test/etc/init-restart.conf", NULL };

/** Runs init in test mode; returns its status. */
static uint32_t run_init(struct test_ctx *t, bool *ok)
{
	struct process *p;

	*ok = false;
	if (process_spawn("/sbin/init", INIT_ARGV, NULL, 0, &p) != SVSM_OK) {
		EXPECT_TRUE(false);
		return 0;
	}
	*ok = true;
	return process_wait(p);
}

TEST(init, runs_as_a_process_and_logs)
{
	uint64_t mark = log_mark();
	bool ok;
	uint32_t status = run_init(t, &ok);

	ASSERT_TRUE(ok);
	/* libsvsm's crt0, stubs and log writer work in ring 3. */
	EXPECT_TRUE(log_contains_since(mark, "init: starting (pid "));
	EXPECT_TRUE(log_contains_since(
		mark, "configuration /test/etc/init-restart.conf\n"));
	EXPECT_EQ(status, 0);
}

TEST(init, restarts_a_faulting_service_with_backoff)
{
	uint64_t mark = log_mark();
	bool ok;
	uint32_t status = run_init(t, &ok);

	ASSERT_TRUE(ok);
	EXPECT_EQ(status, 0);
	EXPECT_TRUE(log_contains_since(mark, "init: 2 services in "));
	EXPECT_TRUE(log_contains_since(mark, "init: started crashy (handle "));
	EXPECT_TRUE(log_contains_since(
		mark,
		"init: crashy killed by page fault, restarting in 50 ms"));
	EXPECT_TRUE(log_contains_since(
		mark,
		"init: crashy killed by page fault, restarting in 100 ms"));
	EXPECT_FALSE(log_contains_since(mark, "restarting in 200 ms"));
	EXPECT_TRUE(log_contains_since(mark, "crashy: up after 2 restarts"));
	EXPECT_TRUE(log_contains_since(
		mark, "init: crashy exited with status 0, not restarted"));
	EXPECT_TRUE(log_contains_since(mark, "init: no service left"));
}

TEST(init, reports_a_static_glibc_program_s_exit_status)
{
	uint64_t mark = log_mark();
	bool ok;
	uint32_t status = run_init(t, &ok);

	ASSERT_TRUE(ok);
	EXPECT_EQ(status, 0);
	EXPECT_TRUE(log_contains_since(mark, "hello from glibc: 40 + 2 = 42"));
	EXPECT_TRUE(log_contains_since(mark, "glibc stdio works"));
	EXPECT_TRUE(log_contains_since(
		mark,
		"init: glibc-hello exited with status 42, not restarted"));
}
