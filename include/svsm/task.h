/* SPDX-License-Identifier: MIT */
/*
 * Kernel tasks and the preemptive scheduler. A task is a kernel thread
 * with its own 16 KiB stack (an unmapped guard page below it, in the
 * task-stack region at MM_STACK_BASE), a priority and a state. Each CPU
 * has a run queue: one FIFO per priority, strict priority between levels
 * and round-robin inside one, with time slices driven by the local APIC
 * timer. Every online CPU runs tasks; a task stays on the CPU it was
 * created on (task_create: the caller's; task_create_on: a chosen one)
 * until it moves itself with task_migrate(). Wake-ups cross CPUs: the
 * waker queues the task on its CPU and interrupts that CPU (a reschedule
 * IPI) when the task should run before what runs there.
 *
 * Blocking primitives: wait queues (a condition variable with an
 * explicit spinlock), a sleeping mutex, and task_sleep_ms(). None may be
 * used in interrupt context; waitq_wake_* may.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "svsm/addr.h"
#include "svsm/err.h"
#include "svsm/list.h"
#include "svsm/spinlock.h"

#define TASK_STACK_PAGES 4U /* 16 KiB */
#define TASK_STACK_SIZE ((uint64_t)TASK_STACK_PAGES * PAGE_SIZE)
/* Each stack owns a 32 KiB slot of VA: 16 KiB unmapped (guard), then
 * the stack; the next slot's guard lies above it. */
#define TASK_STACK_SLOT_SIZE 0x8000ULL
#define TASK_STACK_SLOTS 256U /* 8 MiB of VA, tables reserved at boot */
#define TASK_NAME_SIZE 16U

#define SCHED_TICK_MS 1U     /* timer period */
#define SCHED_SLICE_TICKS 4U /* a task's time slice */

/** Priorities, lowest first; IDLE is the idle task's alone. */
enum task_prio {
	TASK_PRIO_IDLE = 0,
	TASK_PRIO_LOW,
	TASK_PRIO_NORMAL,
	TASK_PRIO_HIGH,
	TASK_PRIO_COUNT
};

/** Where a task is. */
enum task_state {
	TASK_RUNNABLE,	/**< on its CPU's run queue */
	TASK_RUNNING,	/**< its CPU's current task */
	TASK_BLOCKED,	/**< on a wait queue */
	TASK_SLEEPING,	/**< on its CPU's sleep list until `wake_tick` */
	TASK_MIGRATING, /**< switched out, to be queued on `migrate_to` */
	TASK_DEAD,	/**< exited; waiting to be reaped */
};

/** A task's entry point. */
typedef void (*task_fn)(void *arg);

/** A wait queue: tasks blocked until someone wakes them. */
struct waitq {
	struct spinlock lock;
	struct list_node waiters;
};

/** A kernel task. */
struct task {
	/** Saved stack pointer while switched out (arch/x86/switch.S). */
	uint64_t rsp;
	/** On the run queue, a wait queue, the sleep list or the zombies. */
	struct list_node link;
	enum task_state state;
	enum task_prio prio;
	uint32_t cpu;	     /**< the CPU whose queues hold it */
	uint32_t migrate_to; /**< target of task_migrate() */
	/** Set while a CPU runs on the task's stack (cleared after the
	 * switch away is complete), so a reaper never frees a live stack. */
	bool is_on_cpu;
	bool has_exited;  /**< task_exit() ran; under the task lock */
	bool is_detached; /**< reaped by the idle task, not a joiner */
	bool owns_stack;  /**< false for the boot task */
	uint32_t stack_slot;
	uint64_t stack_lo; /**< mapped stack [stack_lo, stack_hi) */
	uint64_t stack_hi;
	paddr_t stack_pa; /**< TASK_STACK_PAGES contiguous pages */
	uint64_t wake_tick;
	task_fn fn;
	void *arg;
	struct waitq exit_wq; /**< joiners */
	/**
	 * Extended (FPU/SSE/AVX) state. Kernel code is built with
	 * -mgeneral-regs-only, so kernel tasks have none and this is NULL;
	 * the user-mode work points it at an XSAVE area saved and restored
	 * on every switch of a task that has one.
	 */
	void *xsave_area;
	/** The process this task runs in ring 3 for, or NULL (svsm/proc.h). */
	struct process *proc;
	uint64_t id;
	char name[TASK_NAME_SIZE];
};

/** A sleeping mutex; zero-initialised (or mutex_init) means unlocked. */
struct mutex {
	struct spinlock lock;
	struct task *owner;
	struct waitq waiters;
	uint64_t contended; /**< lock calls that had to wait */
};

/** What one CPU's scheduler has done (sched_get_cpu_stats). */
struct sched_cpu_stats {
	uint64_t ticks;
	uint64_t switches;
	uint64_t preemptions;	 /**< by the tick or a reschedule IPI */
	uint64_t wakeups;	 /**< tasks of this CPU made runnable */
	uint64_t resched_irqs;	 /**< reschedule IPIs received */
	uint64_t resched_sent;	 /**< reschedule IPIs sent to others */
	uint64_t migrations_out; /**< tasks that left this CPU */
};

/**
 * Turns the running boot context into the first task (priority NORMAL),
 * creates this CPU's idle task, reserves the task-stack region's page
 * tables, calibrates and starts the periodic scheduler tick and enables
 * interrupts.
 */
enum svsm_err sched_init(void) SVSM_MUST_CHECK;
/**
 * Starts scheduling on the calling AP: its boot context becomes its idle
 * task and its tick starts. The caller then calls sched_idle_loop().
 */
enum svsm_err sched_init_ap(void) SVSM_MUST_CHECK;
/** Runs the calling CPU's idle loop (the idle task's body) for good. */
__attribute__((noreturn)) void sched_idle_loop(void);
/** Whether CPU `cpu` schedules tasks (sched_init or sched_init_ap ran). */
bool sched_cpu_is_started(uint32_t cpu);
/** CPU `cpu`'s scheduler figures (zero for a CPU not started). */
void sched_get_cpu_stats(uint32_t cpu, struct sched_cpu_stats *out);
/** Timer ticks (SCHED_TICK_MS each) since sched_init on this CPU. */
uint64_t sched_ticks(void);
/** Context switches on this CPU so far. */
uint64_t sched_switch_count(void);
/** Stops the scheduler tick (for tests that own the APIC timer). */
void sched_timer_pause(void);
/** Starts it again after sched_timer_pause(). */
enum svsm_err sched_timer_resume(void) SVSM_MUST_CHECK;
/** Disables preemption on this CPU (nests); the task may not block. */
void sched_preempt_disable(void);
/** Re-enables it; yields if a reschedule was asked for meanwhile. */
void sched_preempt_enable(void);

/**
 * Creates a runnable task that calls `fn(arg)` (returning from `fn` is
 * task_exit()), with priority `prio` (LOW..HIGH) and `name` (truncated).
 * SVSM_ERR_INVAL for a bad priority, SVSM_ERR_BUSY when every stack slot
 * is taken, SVSM_ERR_NOMEM. The task must be task_join()ed or
 * task_detach()ed.
 */
enum svsm_err task_create(task_fn fn, void *arg, enum task_prio prio,
			  const char *name, struct task **out) SVSM_MUST_CHECK;
/**
 * As task_create(), on CPU `cpu`; SVSM_ERR_INVAL for a CPU that does
 * not schedule tasks.
 */
enum svsm_err task_create_on(uint32_t cpu, task_fn fn, void *arg,
			     enum task_prio prio, const char *name,
			     struct task **out) SVSM_MUST_CHECK;
struct process;
/**
 * As task_create_on() at priority NORMAL, for the task of process `proc`
 * (it switches the user half in and out with the task).
 */
enum svsm_err task_create_user(uint32_t cpu, task_fn fn, void *arg,
			       const char *name, struct process *proc,
			       struct task **out) SVSM_MUST_CHECK;
/**
 * Moves the calling task to CPU `cpu` and returns running there.
 * SVSM_ERR_INVAL for a CPU that does not schedule tasks, with preemption
 * disabled, or for a task whose stack belongs to its CPU (the boot and
 * idle tasks).
 */
enum svsm_err task_migrate(uint32_t cpu) SVSM_MUST_CHECK;
/** The CPU the caller runs on (it may move right after, if it migrates). */
uint32_t task_cpu(void);
/** Ends the calling task. */
__attribute__((noreturn)) void task_exit(void);
/** Waits until `t` has exited, then frees it (one joiner per task). */
void task_join(struct task *t);
/** Lets `t` be freed by the idle task once it exits. */
void task_detach(struct task *t);
/** The calling task. */
struct task *task_current(void);
/** Gives the CPU to the next runnable task of the same or higher priority. */
void task_yield(void);
/** Sleeps for at least `ms` milliseconds (0: yields). */
void task_sleep_ms(uint64_t ms);

static inline void waitq_init(struct waitq *wq)
{
	spin_lock_init(&wq->lock);
	list_init(&wq->waiters);
}

/**
 * Blocks the calling task on `wq`. Called with `lock` held through
 * spin_lock_irqsave() (it protects the condition the caller waits for);
 * the lock is released while the task sleeps and held again on return,
 * so a wake-up between the caller's check and the sleep is never lost.
 * Callers re-check their condition in a loop.
 */
void waitq_wait(struct waitq *wq, struct spinlock *lock);
/** Wakes the longest waiter; returns it, or NULL if none waited. */
struct task *waitq_wake_one(struct waitq *wq);
/** Wakes every waiter; returns how many. */
uint32_t waitq_wake_all(struct waitq *wq);

void mutex_init(struct mutex *m);
/** Takes `m`, sleeping while another task holds it. */
void mutex_lock(struct mutex *m);
/** Releases `m`, handing it to the longest waiter if there is one. */
void mutex_unlock(struct mutex *m);
