/* SPDX-License-Identifier: MIT */
/*
 * What kernel/task/task.c (task life cycle) and kernel/task/sched.c (run
 * queues, switching, the tick) share, and the context switch in
 * arch/x86/switch.S.
 */
#pragma once

#include <stdint.h>

#include "svsm/task.h"

/**
 * Saves the callee-saved registers and RSP of the running task into
 * `*prev_rsp`, loads `next_rsp` and resumes the task saved there
 * (arch/x86/switch.S). Returns when the calling task is resumed.
 */
void arch_switch(uint64_t *prev_rsp, uint64_t next_rsp);
/** Where a new task's first switch returns to (switch.S); not C-callable. */
void task_trampoline(void);
/** First C code of a new task (called by task_trampoline); never returns. */
__attribute__((noreturn)) void task_start(struct task *t);

/** Makes the new task `t` runnable on CPU `cpu` (a started one). */
void sched_enqueue_new(struct task *t, uint32_t cpu);
/**
 * Queues the runnable task `t`, which no CPU runs or holds, on CPU
 * `cpu`, and asks that CPU to reschedule if `t` should run there first.
 */
void sched_queue_on(struct task *t, uint32_t cpu);
/**
 * Yields if a wake-up on this CPU asked for a switch and the caller may
 * switch (interrupts on, preemption enabled). Wake-up paths call it after
 * releasing their locks.
 */
void sched_resched_point(void);
/** Registers `t` as this CPU's idle task. */
void sched_set_idle(struct task *t);
/** Marks the current task dead and switches away for good. */
__attribute__((noreturn)) void sched_exit_current(void);
/** Finishes a switch in the resumed (or new) task: releases the rq. */
void sched_finish_switch(void);
/** Wakes a blocked or sleeping task. */
void sched_wake(struct task *t);
/**
 * Blocks the current task (state BLOCKED) and switches away; returns when
 * woken. Interrupts must be off.
 */
void sched_block_current(void);
/** Whether some task other than idle is runnable on this CPU. */
bool sched_has_runnable(void);
/** Frees one detached task that has exited, if any (idle task). */
void task_reap_detached(void);
/** Creates this CPU's idle task running `fn` and registers it. */
enum svsm_err task_create_idle(task_fn fn, struct task **out) SVSM_MUST_CHECK;
/** Reserves the task-stack region's page tables. */
enum svsm_err task_stacks_init(void) SVSM_MUST_CHECK;
