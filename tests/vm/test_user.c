// SPDX-License-Identifier: MIT
/*
 * In-VM tests of processes: a ring-3 program makes system calls with good
 * and bad arguments and exits with a status that says which check it
 * failed; faulting programs (a NULL read, a privileged instruction, a
 * write to their own text, a read of kernel memory) are each killed with
 * a report while the kernel goes on; a busy process is preempted; and
 * processes on every CPU run at once. The allocators are back at their
 * baseline afterwards (every page of every address space freed).
 */
#include "arch/fpu.h"

#include "svsm/log.h"
#include "svsm/mm.h"
#include "svsm/proc.h"
#include "svsm/smp.h"
#include "svsm/task.h"
#include "svsm/test.h"

/* The programs (tests/vm/user_progs.S). */
#define PROG(name)                   \
	extern const uint8_t name[]; \
	extern const uint8_t name##_end[];
PROG(up_hello)
PROG(up_null)
PROG(up_cli)
PROG(up_text_write)
PROG(up_kernel_read)
PROG(up_spin)
PROG(up_fpu)

/* Symbols of one blob, compared as addresses. */
#define PROG_LEN(name) ((size_t)((uintptr_t)name##_end - (uintptr_t)(name)))

/** Runs a program on `cpu` to its end; its status, or ~0 on failure. */
static uint32_t run(const uint8_t *code, size_t len, uint32_t cpu)
{
	struct process *p;

	if (process_spawn_flat(code, len, cpu, "user", &p) != SVSM_OK) {
		return UINT32_MAX;
	}
	return process_wait(p);
}

TEST(user, system_calls_with_good_and_bad_arguments)
{
	uint64_t mark = log_mark();

	EXPECT_EQ(run(up_hello, PROG_LEN(up_hello), 0), 42);
	EXPECT_TRUE(log_contains_since(mark, "hello from ring 3"));
}

TEST(user, faults_kill_only_the_process)
{
	const struct {
		const uint8_t *code;
		size_t len;
		uint32_t status;
		const char *report;
	} cases[] = {
		{ up_null, PROG_LEN(up_null), PROC_EXIT_KILLED | 14U,
		  "page fault (vector 14, error 0x4)" },
		{ up_cli, PROG_LEN(up_cli), PROC_EXIT_KILLED | 13U,
		  "general protection (vector 13" },
		{ up_text_write, PROG_LEN(up_text_write),
		  PROC_EXIT_KILLED | 14U, "page fault (vector 14, error 0x7)" },
		{ up_kernel_read, PROG_LEN(up_kernel_read),
		  PROC_EXIT_KILLED | 14U, "page fault (vector 14, error 0x5)" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint64_t mark = log_mark();

		EXPECT_EQ(run(cases[i].code, cases[i].len, 0), cases[i].status);
		EXPECT_TRUE(log_contains_since(mark, cases[i].report));
	}
	/* The kernel still runs processes after all that. */
	EXPECT_EQ(run(up_hello, PROG_LEN(up_hello), 0), 42);
}

TEST(user, busy_process_is_preempted)
{
	struct process *p;
	uint64_t stop = 1;

	ASSERT_OK(process_spawn_flat(up_spin, PROG_LEN(up_spin), task_cpu(),
				     "spin", &p));
	/* Same CPU, same priority, it never yields: only the tick gets this
	 * task back before the process is told to stop. */
	task_sleep_ms(20);
	EXPECT_FALSE(__atomic_load_n(&p->task->has_exited, __ATOMIC_ACQUIRE));
	EXPECT_OK(
		uspace_write(&p->us, USER_STACK_TOP - 8U, &stop, sizeof(stop)));
	EXPECT_EQ(process_wait(p), 7);
}

TEST(user, processes_on_every_cpu)
{
	static struct process *procs[SVSM_MAX_CPUS];
	uint32_t n = smp_cpu_count();

	for (uint32_t i = 0; i < n; i++) {
		ASSERT_OK(process_spawn_flat(up_hello, PROG_LEN(up_hello), i,
					     "hello", &procs[i]));
	}
	for (uint32_t i = 0; i < n; i++) {
		EXPECT_EQ(process_wait(procs[i]), 42);
	}
}

TEST(user, bad_spawn_arguments_refused)
{
	struct process *p;

	EXPECT_ERR(process_spawn_flat(NULL, 10, 0, "x", &p), SVSM_ERR_INVAL);
	EXPECT_ERR(process_spawn_flat(up_hello, 0, 0, "x", &p), SVSM_ERR_INVAL);
	EXPECT_ERR(process_spawn_flat(up_hello, 0x100001, 0, "x", &p),
		   SVSM_ERR_INVAL);
	EXPECT_ERR(process_spawn_flat(up_hello, PROG_LEN(up_hello),
				      SVSM_MAX_CPUS, "x", &p),
		   SVSM_ERR_INVAL);
}

TEST_ALLOC(user, spawn_under_allocation_failure_leaks_nothing)
{
	struct process *p;

	ASSERT_OK_OR_OOM(
		process_spawn_flat(up_hello, PROG_LEN(up_hello), 0, "oom", &p));
	EXPECT_EQ(process_wait(p), 42);
}

TEST(user, each_process_keeps_its_own_fpu_and_sse_state)
{
	struct process *procs[3];

	/* Same CPU: they yield to each other between their checks. */
	for (uint32_t i = 0; i < 3; i++) {
		ASSERT_OK(process_spawn_flat(up_fpu, PROG_LEN(up_fpu), 0, "fpu",
					     &procs[i]));
	}
	for (uint32_t i = 0; i < 3; i++) {
		EXPECT_EQ(process_wait(procs[i]), 0);
	}
	test_diag(t, "extended state saved with %s, %zu bytes",
		  fpu_has_xsave() ? "XSAVE" : "FXSAVE", fpu_area_size());
}
