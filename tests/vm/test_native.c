// SPDX-License-Identifier: MIT
/*
 * In-VM tests of the csvsm-native system calls and the per-process
 * policy (kernel/sys/native.c), through tests/user/native_check.c: each
 * test runs one area of checks in a process of its own, which spawns the
 * helper children it needs, and expects exit status 0 (else the number
 * of the check that failed). The kernel side checks what a program
 * cannot see: the channel budget refuses and is given back, and every
 * process (an orphan too) is freed.
 *
 * native_bench.figures prints the figures of bench/user.md.
 */
#include "svsm/log.h"
#include "svsm/native.h"
#include "svsm/proc.h"
#include "svsm/smp.h"
#include "svsm/task.h"
#include "svsm/test.h"

#define CHECK_PATH "/test/bin/native_check"

/** Runs area `area` of native_check on CPU `cpu`; its exit status. */
static uint32_t run_area(const char *area, uint32_t cpu, bool *is_started)
{
	const char *const argv[] = { "native_check", area, NULL };
	struct process *p;

	*is_started = process_spawn(CHECK_PATH, argv, NULL, cpu, &p) == SVSM_OK;
	return *is_started ? process_wait(p) : 0xFFFFU;
}

#define AREA_TEST(area)                                                     \
	TEST(native, area)                                                  \
	{                                                                   \
		bool is_started;                                            \
		uint64_t mark = log_mark();                                 \
                                                                            \
		EXPECT_EQ(run_area(#area, 0, &is_started), 0);              \
		EXPECT_TRUE(is_started);                                    \
		EXPECT_TRUE(log_contains_since(mark, "native_check: " #area \
						     " as expected"));      \
	}

AREA_TEST(handles)
AREA_TEST(channels)
AREA_TEST(events)
AREA_TEST(wait)
AREA_TEST(batch)
AREA_TEST(spawn)
AREA_TEST(ipc)
AREA_TEST(kill)
AREA_TEST(policy)

TEST(native, policy_refusals_are_logged)
{
	bool is_started;
	uint64_t mark = log_mark();

	EXPECT_EQ(run_area("policy", 0, &is_started), 0);
	EXPECT_TRUE(log_contains_since(mark, "refused by its policy (1 "
					     "refused)"));
}

TEST(native, channel_budget_refuses_and_is_given_back)
{
	const struct chan_budget *b = native_chan_budget();
	uint64_t used = __atomic_load_n(&b->used, __ATOMIC_RELAXED);
	uint64_t refused = __atomic_load_n(&b->refused, __ATOMIC_RELAXED);
	bool is_started;

	EXPECT_EQ(run_area("budget", 0, &is_started), 0);
	EXPECT_TRUE(__atomic_load_n(&b->refused, __ATOMIC_RELAXED) > refused);
	EXPECT_TRUE(__atomic_load_n(&b->peak, __ATOMIC_RELAXED) >
		    b->limit - 2ULL * SVSM_MSG_MAX);
	EXPECT_TRUE(__atomic_load_n(&b->peak, __ATOMIC_RELAXED) <= b->limit);
	EXPECT_EQ(__atomic_load_n(&b->used, __ATOMIC_RELAXED), used);
}

TEST(native, ipc_between_cpus)
{
	bool is_started;

	SKIP_IF(smp_cpu_count() < 2, "needs a second CPU");
	/* The checker on CPU 1; its children go round every CPU. */
	EXPECT_EQ(run_area("ipc", 1, &is_started), 0);
	EXPECT_EQ(run_area("kill", 1, &is_started), 0);
}

/** Heap and pages in use, once the allocators are quiet. */
static uint64_t outstanding(void)
{
	if (test_alloc_quiesce) {
		test_alloc_quiesce();
	}
	return test_alloc_outstanding ? test_alloc_outstanding() : 0;
}

TEST(native, processes_and_orphans_are_freed)
{
	bool is_started;
	uint64_t before;

	SKIP_IF(!test_alloc_outstanding, "no allocator figures");
	/* Once first: lazily created state (the reaper) is not a leak. */
	EXPECT_EQ(run_area("orphan-parent", 0, &is_started), 0);
	task_sleep_ms(60);
	before = outstanding();
	EXPECT_EQ(run_area("ipc", 0, &is_started), 0);
	EXPECT_EQ(run_area("kill", 0, &is_started), 0);
	EXPECT_EQ(outstanding(), before);
	/* The orphan's parent is gone before it: the reaper frees it. */
	EXPECT_EQ(run_area("orphan-parent", 0, &is_started), 0);
	EXPECT_TRUE(outstanding() != before); /* the orphan still naps */
	task_sleep_ms(60);
	EXPECT_EQ(outstanding(), before);
}

TEST(native_bench, figures)
{
	const char *const argv1[] = { "native_bench", NULL };
	const char *const argv2[] = { "native_bench", "", "2cpus", NULL };
	struct process *p;

	ASSERT_OK(process_spawn("/test/bin/native_bench",
				smp_cpu_count() > 1 ? argv2 : argv1, NULL, 0,
				&p));
	EXPECT_EQ(process_wait(p), 0);
}
