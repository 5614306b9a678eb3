// SPDX-License-Identifier: MIT
/*
 * In-VM tests of the Linux-compatible calls with real programs: static
 * glibc executables built with plain `gcc -static` run unmodified
 * (tests/user/hello_glibc.c, glibc_check.c); the freestanding checkers
 * (tests/user/mem_check.c, file_check.c) try every memory and file call
 * with good and bad arguments, kernel pointers included; forbidden
 * accesses kill the process; and the kernel itself cannot touch a user
 * page except through arch_copy_user() (SMAP).
 */
#include "arch/insn.h"
#include "arch/irqflags.h"
#include "arch/user.h"

#include "svsm/fmt.h"
#include "svsm/log.h"
#include "svsm/proc.h"
#include "svsm/test.h"
#include "svsm/time.h"

TEST(linux_abi, glibc_hello_prints_and_exits_with_its_status)
{
	static const char *const argv[] = { "hello_glibc", NULL };
	struct process *p;
	uint64_t mark = log_mark();

	uint64_t t0 = clock_monotonic_ns();

	ASSERT_OK(process_spawn("/test/bin/hello_glibc", argv, NULL, 0, &p));
	uint32_t status = process_wait(p);

	test_diag(t, "glibc hello: %llu us from spawn to exit",
		  (unsigned long long)((clock_monotonic_ns() - t0) / 1000U));
	EXPECT_EQ(status, 42);
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

/** Runs /test/bin/`name` with `arg` (or none) and returns its status. */
static uint32_t run_prog(const char *name, const char *arg)
{
	char path[64];
	const char *argv[] = { name, arg, NULL };
	struct process *p;

	(void)fmt_snprintf(path, sizeof(path), "/test/bin/%s", name);
	if (process_spawn(path, argv, NULL, 0, &p) != SVSM_OK) {
		return UINT32_MAX;
	}
	return process_wait(p);
}

TEST(linux_abi, memory_calls_with_good_and_bad_arguments)
{
	uint64_t mark = log_mark();

	EXPECT_EQ(run_prog("mem_check", NULL), 0);
	EXPECT_TRUE(log_contains_since(mark, "mem_check: writev in order\n"));
	EXPECT_TRUE(log_contains_since(mark, "every call as expected"));
}

TEST(linux_abi, file_calls_and_kernel_pointers_refused)
{
	uint64_t mark = log_mark();

	EXPECT_EQ(run_prog("file_check", NULL), 0);
	EXPECT_TRUE(log_contains_since(mark, "every call as expected"));
}

TEST(linux_abi, forbidden_accesses_kill_the_process)
{
	const struct {
		const char *mode;
		const char *report;
	} cases[] = {
		/* error code bits: P 1, W 2, U 4, I 16 (SDM 4.7) */
		{ "kread", "(vector 14, error 0x5)" },
		{ "kjump", "(vector 14, error 0x15)" },
		{ "unmapped", "(vector 14, error 0x6)" },
		{ "readonly", "(vector 14, error 0x7)" },
		{ "none", "(vector 14, error 0x4)" },
		{ "noexec", "(vector 14, error 0x15)" },
		{ "brk", "(vector 14, error 0x6)" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint64_t mark = log_mark();

		EXPECT_EQ(run_prog("fault_check", cases[i].mode),
			  PROC_EXIT_KILLED | 14U);
		EXPECT_TRUE(log_contains_since(mark, cases[i].report));
	}
}

TEST(linux_abi, kernel_access_to_user_page_faults_outside_copy)
{
	static const uint64_t magic = 0x5A5A1234ABCD0001ULL;
	const uint64_t va = 0x10000000ULL;
	struct uspace us;
	uint64_t got = 0;
	uint64_t copied = 0;
	int read_faulted;
	int write_faulted;

	ASSERT_OK_OR_OOM(uspace_create(&us));
	if (uspace_map_new(&us, va, 1, PT_PROT_WRITE) != SVSM_OK ||
	    uspace_write(&us, va, &magic, sizeof(magic)) != SVSM_OK) {
		uspace_destroy(&us);
		ASSERT_TRUE(false);
	}
	/* NOLINTNEXTLINE(performance-no-int-to-ptr): a user address */
	volatile uint64_t *up = (volatile uint64_t *)(uintptr_t)va;
	uint64_t flags = irq_save(); /* keep this CPU's user half ours */

	uspace_activate(&us);
	read_faulted = load_u64_reported(up, &got);
	write_faulted = store_u64_reported(up, 1);
	size_t left = arch_copy_user(&copied, (const void *)up, sizeof(copied));

	uspace_activate(NULL);
	irq_restore(flags);
	uspace_destroy(&us);
	EXPECT_EQ(read_faulted, 1); /* SMAP: AC is clear outside the copy */
	EXPECT_EQ(write_faulted, 1);
	EXPECT_EQ(got, 0);
	EXPECT_EQ(left, 0);
	EXPECT_EQ(copied, magic);
}
