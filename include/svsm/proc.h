/* SPDX-License-Identifier: MIT */
/*
 * Processes: a kernel task that runs in ring 3 in an address space of
 * its own (svsm/uspace.h). The task enters user mode through
 * arch_user_return() and comes back on every system call, interrupt and
 * exception. A process ends by exit/exit_group or by a fault, which is
 * reported and kills that process alone; its spawner joins it and gets
 * the exit status.
 *
 * Lifetime: a process is also a kernel object (KOBJ_PROCESS, `obj`)
 * whose references are its holders': the kernel caller of process_spawn
 * (dropped by process_wait) and every handle to it. Its task holds none.
 * The last put frees the process once its task has ended (joining the
 * task first); a process whose holders are all gone while it still runs
 * is an orphan, freed by a reaper in CPU 0's event loop after its task
 * ends. `lock` covers has_exited, is_orphan and the wake-up below.
 *
 * Killing (process_kill, svsm_proc_kill) sets `is_killed` and wakes the
 * process if it is blocked in a native wait; the process ends with
 * PROC_EXIT_KILLED | 0xFF at its next system call entry or return, or
 * at the next interrupt taken in ring 3 (the tick, at the latest).
 *
 * Native blocking calls wait on the process's own wake-up
 * (process_block_arm / process_block): watchers of the objects waited
 * on, a timeout and a kill all end it through process_wake.
 *
 * A process starts from a static ELF executable in the RAM FS
 * (process_spawn, kernel/proc/exec.c) or, for tests, from a flat image
 * of position-independent code copied to USER_TEXT_VA.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "arch/trap.h"

#include "svsm/err.h"
#include "svsm/handle.h"
#include "svsm/task.h"
#include "svsm/uspace.h"
#include "svsm/vmmap.h"

#define USER_TEXT_VA 0x400000ULL
#define USER_STACK_TOP 0x7FFFFFF000ULL /* below the end of the user range */
#define USER_STACK_PAGES 4U
/* mmap places mappings top-down from here: 1 GiB is kept for the stack. */
#define USER_MMAP_TOP (USER_STACK_TOP - 0x40000000ULL)
#define USER_BRK_MAX 0x40000000ULL /* brk grows at most 1 GiB */
/* Pages a process may own unless told otherwise (8 MiB). */
#define PROC_MEM_PAGES_DEFAULT 2048U

/* How a process ended (process_wait). */
#define PROC_EXIT_KILLED 0x100U /* killed by a fault: low byte = vector */
#define PROC_KILL_STATUS (PROC_EXIT_KILLED | 0xFFU) /* by process_kill */

struct proc_wake_timer;

/** A process. */
struct process {
	struct task *task;
	struct uspace us;
	uint64_t id;
	uint32_t status;   /**< exit code (0..255) or PROC_EXIT_KILLED | vec */
	uint64_t entry;	   /**< first user RIP */
	uint64_t stack;	   /**< first user RSP */
	uint64_t syscalls; /**< system calls made */
	void *fpu;	   /**< its extended state (arch/fpu.h), 64-aligned */
	uint64_t fs_base;  /**< arch_prctl(ARCH_SET_FS): loaded on switch */
	void *fpu_alloc;   /**< the allocation `fpu` lies in */
	struct handle_table handles; /**< its handles and fds */
	struct kobj obj;	     /**< KOBJ_PROCESS: see the file comment */
	struct spinlock lock;
	struct waitq exit_wq; /**< process_wait callers */
	bool has_exited;      /**< status is final */
	bool is_orphan;	      /**< no holder left; reaped when it ends */
	bool is_killed;	      /**< atomic: process_kill ran */
	bool wake_pending;    /**< process_wake since process_block_arm */
	struct waitq wake_wq; /**< the process's own task, blocked */
	struct proc_wake_timer *wake_timer; /**< process_block's timeout */
	struct list_node reap_link;	    /**< on the orphan reaper's list */
	struct svsm_policy policy;	    /**< svsm/policy.h */
	struct vm_map vm;		    /**< its used address ranges */
	uint64_t brk_start;	/**< first byte of the brk heap (0: none) */
	uint64_t brk_end;	/**< the current break */
	uint64_t mem_pages_max; /**< pages it may own (ENOMEM beyond) */
};

/**
 * Creates a process running the flat image `code` (`len` bytes, at most
 * 1 MiB) mapped read-execute at USER_TEXT_VA, entered there with a
 * USER_STACK_PAGES stack below USER_STACK_TOP, on CPU `cpu`.
 */
enum svsm_err process_spawn_flat(const void *code, size_t len, uint32_t cpu,
				 const char *name,
				 struct process **out) SVSM_MUST_CHECK;
/**
 * Creates a process running the static ELF executable at `path` in the
 * RAM FS (checked by lib/elf; a static PIE is placed at 4 MiB) with the
 * NULL-terminated `argv` and `envp` (either may be NULL) on its initial
 * stack, on CPU `cpu`. SVSM_ERR_NOTFOUND for a missing file; the ELF
 * checker's errors for a file it refuses (the reason goes to the log);
 * SVSM_ERR_RANGE for too many or too long arguments; SVSM_ERR_UNSUPPORTED
 * without RDRAND (AT_RANDOM would be predictable).
 */
enum svsm_err process_spawn(const char *path, const char *const *argv,
			    const char *const *envp, uint32_t cpu,
			    struct process **out) SVSM_MUST_CHECK;
/**
 * Loads `path` as process_spawn does into a new process that has not
 * started: the caller may add handles and narrow its policy, then
 * process_spawn_start() it, or drop it with process_put().
 */
enum svsm_err process_spawn_prepare(const char *path, const char *const *argv,
				    const char *const *envp,
				    struct process **out) SVSM_MUST_CHECK;
/** Starts a prepared process on `cpu`, named `name`. */
enum svsm_err process_spawn_start(struct process *p, uint32_t cpu,
				  const char *name) SVSM_MUST_CHECK;
/**
 * Waits for `p` to end and returns its status; drops the caller's
 * reference (the process is freed here unless handles remain).
 */
uint32_t process_wait(struct process *p);
/** Drops a reference to `p` (see the file comment). */
void process_put(struct process *p);
/** Asks `p` to end with PROC_KILL_STATUS (see the file comment). */
void process_kill(struct process *p);
/** Whether `p` has been killed (it is ending). */
bool process_is_killed(const struct process *p);
/**
 * Ends the calling process if it has been killed. From the system call
 * entry and return and from interrupts taken in ring 3.
 */
void process_check_killed(void);
/** Its status once it has ended: true and `*status`; else false. */
bool process_status(struct process *p, uint32_t *status);
/** Starts a native wait: clears the pending wake-up. */
void process_block_arm(struct process *p);
/**
 * Blocks the calling process `p` until process_wake() has been called
 * since process_block_arm(), it is killed, or the monotonic clock
 * reaches `deadline_ns` (UINT64_MAX: no timeout).
 */
void process_block(struct process *p, uint64_t deadline_ns);
/** Ends `p`'s process_block (any context, interrupts off or on). */
void process_wake(struct process *p);
/** The calling task's process, or NULL for a kernel task. */
struct process *process_current(void);
/** Ends the calling process with `status`; from its system calls. */
__attribute__((noreturn)) void process_exit(uint32_t status);
/**
 * An exception from ring 3 (trap_dispatch): reports it and kills the
 * process. Never returns to the faulting code.
 */
__attribute__((noreturn)) void process_fault(struct trap_frame *f);
/** The request interface's calls (kernel/sys/reqcalls.c). */
int64_t syscall_req(struct process *p, const struct trap_frame *f);
/**
 * Records [va, va + pages * 4 KiB), just mapped, in `p`'s map of used
 * ranges (kernel/sys/mem.c). SVSM_ERR_RANGE when the map is full.
 */
enum svsm_err process_mem_note(struct process *p, uint64_t va,
			       uint64_t pages) SVSM_MUST_CHECK;
/** The C side of SYSCALL (kernel/sys/syscall.c). */
void syscall_dispatch(struct trap_frame *f);
