// SPDX-License-Identifier: MIT
/*
 * The life of a kernel task: creation (task struct from the heap, a
 * 16 KiB stack from the page allocator mapped into its own slot of the
 * task-stack region with an unmapped guard page below), the first entry
 * through task_trampoline, exit, join and reaping (unmap, free the
 * pages, free the struct).
 *
 * Lock order: task_lock, then a wait queue's lock, then a run queue's.
 * task_lock protects the stack-slot bitmap, the zombie list and each
 * task's `has_exited` and `is_detached`.
 *
 * Calls into the heap and the page allocator are made with preemption
 * disabled: the page allocator's per-CPU cache belongs to the CPU.
 */
#include "svsm/task.h"

#include "arch/insn.h"

#include "svsm/backtrace.h"
#include "svsm/heap.h"
#include "svsm/mm.h"
#include "svsm/page_alloc.h"
#include "svsm/panic.h"
#include "svsm/pgtable.h"
#include "svsm/string.h"

#include "sched_internal.h"

#define STACK_ORDER 2U	       /* 2^2 pages: TASK_STACK_PAGES */
#define INITIAL_FRAME_WORDS 7U /* r15 r14 r13 r12 rbx rbp ret */

_Static_assert((1U << STACK_ORDER) == TASK_STACK_PAGES, "stack order");
_Static_assert(TASK_STACK_SLOT_SIZE >= TASK_STACK_SIZE + PAGE_SIZE,
	       "a stack slot leaves a guard page");

static struct spinlock task_lock;
static uint64_t slot_bitmap[TASK_STACK_SLOTS / 64U];
static struct list_node zombies = { &zombies, &zombies };
static uint64_t next_id = 1;

/** Reserves the tables of the whole task-stack region, once. */
enum svsm_err task_stacks_init(void)
{
	struct pt_batch b;
	enum svsm_err err = pgtable_map_prepare(
		&b, mm_kernel_pgtable(), va_init(MM_STACK_BASE), pa_init(0),
		TASK_STACK_SLOTS * (TASK_STACK_SLOT_SIZE / PAGE_SIZE),
		PT_PROT_RESERVE);

	if (err != SVSM_OK) {
		return err;
	}
	pgtable_map_commit(&b);
	return SVSM_OK;
}

/** Takes a free stack slot; false when all are in use. */
static bool slot_take(uint32_t *slot)
{
	uint64_t flags = spin_lock_irqsave(&task_lock);
	bool found = false;

	for (uint32_t i = 0; i < TASK_STACK_SLOTS && !found; i++) {
		if (!(slot_bitmap[i / 64U] & (1ULL << (i % 64U)))) {
			slot_bitmap[i / 64U] |= 1ULL << (i % 64U);
			*slot = i;
			found = true;
		}
	}
	spin_unlock_irqrestore(&task_lock, flags);
	return found;
}

static void slot_release(uint32_t slot)
{
	uint64_t flags = spin_lock_irqsave(&task_lock);

	slot_bitmap[slot / 64U] &= ~(1ULL << (slot % 64U));
	spin_unlock_irqrestore(&task_lock, flags);
}

/**
 * Allocates and maps `t`'s stack in its slot (prepare may fail with
 * nothing visible; the tables are reserved, so it does not allocate).
 */
static enum svsm_err stack_create(struct task *t)
{
	uint64_t lo = MM_STACK_BASE + t->stack_slot * TASK_STACK_SLOT_SIZE +
		      TASK_STACK_SLOT_SIZE - TASK_STACK_SIZE;
	struct pgtable *kpt = mm_kernel_pgtable();
	struct pt_batch b;
	paddr_t pa;
	enum svsm_err err = page_alloc(kpt->cpu, STACK_ORDER, &pa);

	if (err != SVSM_OK) {
		return err;
	}
	err = pgtable_map_prepare(&b, kpt, va_init(lo), pa, TASK_STACK_PAGES,
				  PT_PROT_WRITE);
	if (err != SVSM_OK) {
		CHECK(page_free(kpt->cpu, pa, STACK_ORDER) == SVSM_OK);
		return err;
	}
	pgtable_map_commit(&b);
	t->stack_pa = pa;
	t->stack_lo = lo;
	t->stack_hi = lo + TASK_STACK_SIZE;
	t->owns_stack = true;
	backtrace_add_stack(t->stack_lo, t->stack_hi);
	return SVSM_OK;
}

/** Unmaps and frees `t`'s stack. */
static void stack_destroy(struct task *t)
{
	struct pgtable *kpt = mm_kernel_pgtable();

	backtrace_remove_stack(t->stack_lo, t->stack_hi);
	CHECK(pgtable_unmap(kpt, va_init(t->stack_lo), TASK_STACK_PAGES) ==
	      SVSM_OK);
	CHECK(page_free(kpt->cpu, t->stack_pa, STACK_ORDER) == SVSM_OK);
}

/**
 * Builds the frame arch_switch pops on the first switch to `t`: zero
 * callee-saved registers except r12 = `t`, returning to task_trampoline.
 */
static void stack_prepare_first_switch(struct task *t)
{
	uint64_t *top = va_to_ptr(va_init(t->stack_hi));
	/* One spare word above the frame keeps the trampoline's stack in
	 * the mapped range after it aligns it down. */
	uint64_t *frame = top - INITIAL_FRAME_WORDS - 1U;

	memset(frame, 0, (INITIAL_FRAME_WORDS + 1U) * sizeof(uint64_t));
	frame[3] = (uint64_t)(uintptr_t)t;		 /* r12 */
	frame[6] = (uint64_t)(uintptr_t)task_trampoline; /* ret */
	t->rsp = (uint64_t)(uintptr_t)frame;
}

/** Copies `name` into `t->name`, truncated and NUL-terminated. */
static void copy_name(struct task *t, const char *name)
{
	size_t n = strnlen(name, sizeof(t->name) - 1U);

	memcpy(t->name, name, n);
	t->name[n] = '\0';
}

/** Allocates a task with its stack; no effect on failure. */
static enum svsm_err task_alloc(task_fn fn, void *arg, enum task_prio prio,
				const char *name, struct task **out)
{
	struct task *t;
	enum svsm_err err;

	sched_preempt_disable();
	t = kzalloc(sizeof(*t));
	if (!t) {
		sched_preempt_enable();
		return SVSM_ERR_NOMEM;
	}
	if (!slot_take(&t->stack_slot)) {
		kfree(t);
		sched_preempt_enable();
		return SVSM_ERR_BUSY;
	}
	err = stack_create(t);
	if (err != SVSM_OK) {
		slot_release(t->stack_slot);
		kfree(t);
		sched_preempt_enable();
		return err;
	}
	sched_preempt_enable();
	list_init(&t->link);
	waitq_init(&t->exit_wq);
	t->fn = fn;
	t->arg = arg;
	t->prio = prio;
	t->state = TASK_RUNNABLE;
	t->id = __atomic_fetch_add(&next_id, 1, __ATOMIC_RELAXED);
	copy_name(t, name ? name : "task");
	stack_prepare_first_switch(t);
	*out = t;
	return SVSM_OK;
}

static bool create_args_ok(uint32_t cpu, task_fn fn, enum task_prio prio)
{
	return fn && prio > TASK_PRIO_IDLE && prio < TASK_PRIO_COUNT &&
	       sched_cpu_is_started(cpu);
}

/** Starts the new task `t` on `cpu`. */
static void start_on(uint32_t cpu, struct task *t)
{
	sched_enqueue_new(t, cpu);
	sched_resched_point(); /* a more urgent task runs at once */
}

enum svsm_err task_create_on(uint32_t cpu, task_fn fn, void *arg,
			     enum task_prio prio, const char *name,
			     struct task **out)
{
	struct task *t;
	enum svsm_err err;

	if (!create_args_ok(cpu, fn, prio)) {
		return SVSM_ERR_INVAL;
	}
	err = task_alloc(fn, arg, prio, name, &t);
	if (err != SVSM_OK) {
		return err;
	}
	*out = t;
	start_on(cpu, t);
	return SVSM_OK;
}

enum svsm_err task_create_user(uint32_t cpu, task_fn fn, void *arg,
			       const char *name, struct process *proc,
			       struct task **out)
{
	struct task *t;
	enum svsm_err err;

	if (!create_args_ok(cpu, fn, TASK_PRIO_NORMAL) || !proc) {
		return SVSM_ERR_INVAL;
	}
	err = task_alloc(fn, arg, TASK_PRIO_NORMAL, name, &t);
	if (err != SVSM_OK) {
		return err;
	}
	t->proc = proc; /* before it can run: the switch installs its space */
	*out = t;
	start_on(cpu, t);
	return SVSM_OK;
}

/** Creates and starts a task on the calling CPU; see task.h. */
enum svsm_err task_create(task_fn fn, void *arg, enum task_prio prio,
			  const char *name, struct task **out)
{
	return task_create_on(task_cpu(), fn, arg, prio, name, out);
}

/** Creates this CPU's idle task (not enqueued: picked when idle). */
enum svsm_err task_create_idle(task_fn fn, struct task **out)
{
	struct task *t;
	enum svsm_err err = task_alloc(fn, NULL, TASK_PRIO_IDLE, "idle", &t);

	if (err != SVSM_OK) {
		return err;
	}
	sched_set_idle(t);
	*out = t;
	return SVSM_OK;
}

/** Frees an exited task once no CPU runs on its stack any more. */
static void task_free(struct task *t)
{
	while (__atomic_load_n(&t->is_on_cpu, __ATOMIC_ACQUIRE)) {
		pause();
	}
	sched_preempt_disable();
	if (t->owns_stack) {
		stack_destroy(t);
		slot_release(t->stack_slot);
	}
	kfree(t);
	sched_preempt_enable();
}

/** The new task's first C code (from task_trampoline). */
void task_start(struct task *t)
{
	sched_finish_switch();
	sti();
	t->fn(t->arg);
	task_exit();
}

/** Ends the calling task; see task.h. */
void task_exit(void)
{
	struct task *self = task_current();
	uint64_t flags = spin_lock_irqsave(&task_lock);

	(void)flags; /* never restored: the task does not come back */
	self->has_exited = true;
	if (self->is_detached) {
		list_add_tail(&zombies, &self->link);
	} else {
		(void)waitq_wake_all(&self->exit_wq);
	}
	spin_unlock(&task_lock);
	sched_exit_current();
}

/** Waits for `t` to exit, then frees it; see task.h. */
void task_join(struct task *t)
{
	uint64_t flags = spin_lock_irqsave(&task_lock);

	while (!t->has_exited) {
		waitq_wait(&t->exit_wq, &task_lock);
	}
	spin_unlock_irqrestore(&task_lock, flags);
	task_free(t);
}

/** Hands `t` to the idle task's reaper; see task.h. */
void task_detach(struct task *t)
{
	uint64_t flags = spin_lock_irqsave(&task_lock);
	bool has_exited = t->has_exited;

	t->is_detached = true;
	spin_unlock_irqrestore(&task_lock, flags);
	if (has_exited) {
		task_free(t);
	}
}

/**
 * Frees one detached task that has exited, if there is one. One per call:
 * the idle task calls it on every round of its loop.
 */
void task_reap_detached(void)
{
	uint64_t flags = spin_lock_irqsave(&task_lock);
	struct list_node *n = list_pop(&zombies);

	spin_unlock_irqrestore(&task_lock, flags);
	if (n) {
		task_free(LIST_ENTRY(n, struct task, link));
	}
}
