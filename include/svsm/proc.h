/* SPDX-License-Identifier: MIT */
/*
 * Processes: a kernel task that runs in ring 3 in an address space of
 * its own (svsm/uspace.h). The task enters user mode through
 * arch_user_return() and comes back on every system call, interrupt and
 * exception. A process ends by exit/exit_group or by a fault, which is
 * reported and kills that process alone; its spawner joins it and gets
 * the exit status.
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
	struct vm_map vm;	     /**< its used address ranges */
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
/** Waits for `p` to end, frees it and returns its status. */
uint32_t process_wait(struct process *p);
/** The calling task's process, or NULL for a kernel task. */
struct process *process_current(void);
/** Ends the calling process with `status`; from its system calls. */
__attribute__((noreturn)) void process_exit(uint32_t status);
/**
 * An exception from ring 3 (trap_dispatch): reports it and kills the
 * process. Never returns to the faulting code.
 */
__attribute__((noreturn)) void process_fault(struct trap_frame *f);
/**
 * Records [va, va + pages * 4 KiB), just mapped, in `p`'s map of used
 * ranges (kernel/sys/mem.c). SVSM_ERR_RANGE when the map is full.
 */
enum svsm_err process_mem_note(struct process *p, uint64_t va,
			       uint64_t pages) SVSM_MUST_CHECK;
/** The C side of SYSCALL (kernel/sys/syscall.c). */
void syscall_dispatch(struct trap_frame *f);
