/* SPDX-License-Identifier: MIT */
/* What kernel/proc/process.c and kernel/proc/exec.c share. */
#pragma once

#include <stdint.h>

#include "svsm/err.h"
#include "svsm/proc.h"

#define USER_PIE_BASE 0x400000ULL /* where a static PIE is placed */
/* Kept free below the stack for its growth and a guard. */
#define EXEC_STACK_RESERVE 0x40000000ULL /* 1 GiB */
#define EXEC_MAX_BYTES 0x8000000ULL	 /* 128 MiB of segments */
#define EXEC_ARGS_MAX 64U		 /* argv or envp entries */
#define EXEC_ARG_MAX 4096U		 /* bytes of argv or envp strings */

/** Allocates a process with an empty address space. */
enum svsm_err process_new(struct process **out) SVSM_MUST_CHECK;
/** Creates its task on `cpu`; `p->entry` and `p->stack` are set. */
enum svsm_err process_start(struct process *p, uint32_t cpu,
			    const char *name) SVSM_MUST_CHECK;
/** Maps the process's stack: USER_STACK_PAGES below USER_STACK_TOP. */
enum svsm_err process_map_stack(struct process *p) SVSM_MUST_CHECK;
/** Frees a process whose task never started or has been joined. */
void process_free(struct process *p);
