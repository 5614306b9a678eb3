// SPDX-License-Identifier: MIT
/*
 * Processes (svsm/proc.h). The spawner builds the address space (text
 * copied through the window, a zeroed stack) and creates the task; the
 * task's first C code builds the user frame at the top of its kernel
 * stack and leaves through arch_user_return(). The scheduler switches
 * the user half, TSS.RSP0 and the SYSCALL stack with the task
 * (sched_switch_user in kernel/task/sched.c).
 *
 * A fault in ring 3 is reported (vector, error code, RIP, RSP, CR2 for a
 * page fault; no backtrace: the user stack is not the kernel's to walk)
 * and ends the process with PROC_EXIT_KILLED | vector. The process's
 * memory is freed when its last reference goes (svsm/proc.h), once the
 * task is off every CPU: by the holder that drops it, or, for an orphan,
 * by the reaper that joins its task in CPU 0's event loop.
 *
 * Lock order: p->lock, then a wait queue's; kobj watch locks before
 * p->lock (kobj_notify calls process_wake).
 */
#include "arch/cpu.h"
#include "arch/fpu.h"
#include "arch/insn.h"
#include "arch/user.h"

#include "svsm/evloop.h"
#include "svsm/heap.h"
#include "svsm/log.h"
#include "svsm/panic.h"
#include "svsm/policy.h"
#include "svsm/proc.h"
#include "svsm/string.h"
#include "svsm/time.h"
#include "svsm/timer.h"

#include "proc_internal.h"

#define FLAT_MAX_BYTES 0x100000U
#define FPU_ALIGN 64U

static uint64_t next_pid = 1;

/* The orphan reaper: exited orphans wait on `reap_list` for CPU 0's
 * event loop to join their tasks and free them. */
static struct spinlock reap_lock;
static struct list_node reap_list = { &reap_list, &reap_list };
static struct event reap_event;
static bool is_reaper_ready; /* under reap_lock */

struct process *process_current(void)
{
	return task_current()->proc;
}

/**
 * The task's first code: drops to ring 3 at the process's entry with
 * every general register zero (the psABI's RDX = 0: no exit function
 * for the program to register). The frame is a local, below this
 * function's own stack: a frame at the very top of the kernel stack
 * would overlap this code's stack, and the call's return address would
 * land in it (it did, in RDX: a kernel address handed to the user, and
 * glibc registering it as an exit handler).
 */
static void process_main(void *arg)
{
	struct process *p = arg;
	struct trap_frame f = {
		.rip = p->entry,
		.cs = USER_CS,
		.rflags = RFLAGS_IF | RFLAGS_FIXED,
		.rsp = p->stack,
		.ss = USER_SS,
	};

	arch_user_return(&f);
}

/** Its own timer, so the process can be found from it. */
struct proc_wake_timer {
	struct timer timer;
	struct process *p;
};

/** Frees what a process holds (its task never ran or was joined). */
void process_free(struct process *p)
{
	if (p->task) {
		task_join(p->task);
	}
	handle_table_destroy(&p->handles);
	uspace_destroy(&p->us);
	kfree(p->wake_timer);
	kfree(p->fpu_alloc);
	kfree(p);
}

/**
 * The reaper (CPU 0's event loop): frees one orphan that ended and, if
 * more wait, signals itself again (a loop task round per orphan).
 */
static void reap_orphans(struct event *ev, uint64_t count)
{
	uint64_t flags = spin_lock_irqsave(&reap_lock);
	struct list_node *n = list_pop(&reap_list);
	bool has_more = !list_is_empty(&reap_list);

	(void)count;
	spin_unlock_irqrestore(&reap_lock, flags);
	if (n) {
		process_free(LIST_ENTRY(n, struct process, reap_link));
	}
	if (has_more) {
		event_signal(ev);
	}
}

/** Sets up the reaper once (the event loop of CPU 0 exists by now). */
static enum svsm_err reaper_init(void)
{
	uint64_t flags = spin_lock_irqsave(&reap_lock);
	enum svsm_err err = SVSM_OK;

	if (!is_reaper_ready) {
		err = event_init(&reap_event, 0, reap_orphans, NULL);
		is_reaper_ready = err == SVSM_OK;
	}
	spin_unlock_irqrestore(&reap_lock, flags);
	return err;
}

/** The last reference is gone: free now, or when the task ends. */
static void process_release(struct kobj *o)
{
	struct process *p = LIST_ENTRY(o, struct process, obj);
	uint64_t flags = spin_lock_irqsave(&p->lock);
	bool is_running = p->task && !p->has_exited;

	p->is_orphan = is_running;
	spin_unlock_irqrestore(&p->lock, flags);
	if (!is_running) {
		process_free(p);
	}
}

static uint32_t process_poll(struct kobj *o)
{
	struct process *p = LIST_ENTRY(o, struct process, obj);
	uint32_t status;

	return process_status(p, &status) ? SVSM_WAIT_EXITED : 0U;
}

static const struct kobj_ops PROCESS_OPS = {
	.poll = process_poll,
	.release = process_release,
};

/** The timeout of process_block. */
static void wake_timer_fn(struct timer *t)
{
	process_wake(LIST_ENTRY(t, struct proc_wake_timer, timer)->p);
}

enum svsm_err process_new(struct process **out)
{
	struct process *p = kzalloc(sizeof(*p));
	enum svsm_err err;

	if (!p) {
		return SVSM_ERR_NOMEM;
	}
	/* XSAVE wants 64-byte alignment: allocate room to align. */
	p->fpu_alloc = kmalloc(fpu_area_size() + FPU_ALIGN - 1U);
	if (!p->fpu_alloc) {
		kfree(p);
		return SVSM_ERR_NOMEM;
	}
	p->fpu = (uint8_t *)p->fpu_alloc +
		 ((FPU_ALIGN - ((uintptr_t)p->fpu_alloc & (FPU_ALIGN - 1U))) &
		  (FPU_ALIGN - 1U));
	fpu_area_init(p->fpu);
	struct proc_wake_timer *wt = kzalloc(sizeof(*wt));

	if (!wt) {
		kfree(p->fpu_alloc);
		kfree(p);
		return SVSM_ERR_NOMEM;
	}
	wt->p = p;
	p->wake_timer = wt;
	kobj_init(&p->obj, KOBJ_PROCESS, &PROCESS_OPS);
	spin_lock_init(&p->lock);
	waitq_init(&p->exit_wq);
	waitq_init(&p->wake_wq);
	list_init(&p->reap_link);
	policy_full(&p->policy);
	handle_table_init(&p->handles);
	p->mem_pages_max = PROC_MEM_PAGES_DEFAULT;
	err = reaper_init();
	if (err == SVSM_OK) {
		err = handle_install_console(&p->handles);
	}
	if (err == SVSM_OK) {
		err = uspace_create(&p->us);
	}
	if (err != SVSM_OK) {
		handle_table_destroy(&p->handles);
		kfree(wt);
		kfree(p->fpu_alloc);
		kfree(p);
		return err;
	}
	*out = p;
	return SVSM_OK;
}

enum svsm_err process_start(struct process *p, uint32_t cpu, const char *name)
{
	p->id = __atomic_fetch_add(&next_pid, 1, __ATOMIC_RELAXED);
	return task_create_user(cpu, process_main, p, name, p, &p->task);
}

enum svsm_err process_map_stack(struct process *p)
{
	uint64_t va = USER_STACK_TOP - (uint64_t)USER_STACK_PAGES * PAGE_SIZE;
	enum svsm_err err =
		uspace_map_new(&p->us, va, USER_STACK_PAGES, PT_PROT_WRITE);

	return err == SVSM_OK ? process_mem_note(p, va, USER_STACK_PAGES) : err;
}

enum svsm_err process_spawn_flat(const void *code, size_t len, uint32_t cpu,
				 const char *name, struct process **out)
{
	uint64_t text_pages = (len + PAGE_SIZE - 1U) / PAGE_SIZE;
	struct process *p;
	enum svsm_err err;

	if (!code || len == 0 || len > FLAT_MAX_BYTES) {
		return SVSM_ERR_INVAL;
	}
	err = process_new(&p);
	if (err != SVSM_OK) {
		return err;
	}
	/* Text is read-execute from the start: the copy goes through the
	 * window to the physical pages. */
	err = uspace_map_new(&p->us, USER_TEXT_VA, text_pages, PT_PROT_EXEC);
	if (err == SVSM_OK) {
		err = process_mem_note(p, USER_TEXT_VA, text_pages);
	}
	if (err == SVSM_OK) {
		err = uspace_write(&p->us, USER_TEXT_VA, code, len);
	}
	if (err == SVSM_OK) {
		err = process_map_stack(p);
	}
	p->entry = USER_TEXT_VA;
	p->stack = USER_STACK_TOP;
	if (err == SVSM_OK) {
		err = process_start(p, cpu, name);
	}
	if (err != SVSM_OK) {
		process_free(p);
		return err;
	}
	*out = p;
	return SVSM_OK;
}

uint32_t process_wait(struct process *p)
{
	uint64_t flags = spin_lock_irqsave(&p->lock);
	uint32_t status;

	while (!p->has_exited) {
		waitq_wait(&p->exit_wq, &p->lock);
	}
	status = p->status;
	spin_unlock_irqrestore(&p->lock, flags);
	process_put(p);
	return status;
}

void process_put(struct process *p)
{
	kobj_put(&p->obj);
}

bool process_status(struct process *p, uint32_t *status)
{
	uint64_t flags = spin_lock_irqsave(&p->lock);
	bool has_exited = p->has_exited;

	*status = p->status;
	spin_unlock_irqrestore(&p->lock, flags);
	return has_exited;
}

void process_exit(uint32_t status)
{
	struct process *p = process_current();
	uint64_t flags;
	bool is_orphan;

	CHECK(p != NULL);
	/* Its handles close now, not when the last holder lets go: a peer
	 * sees EPIPE as soon as the process has ended. */
	handle_table_destroy(&p->handles);
	flags = spin_lock_irqsave(&p->lock);
	p->status = status;
	p->has_exited = true;
	is_orphan = p->is_orphan;
	spin_unlock_irqrestore(&p->lock, flags);
	(void)waitq_wake_all(&p->exit_wq);
	kobj_notify(&p->obj);
	if (is_orphan) {
		/* No holder left to free it: the reaper joins the task. */
		flags = spin_lock_irqsave(&reap_lock);
		list_add_tail(&reap_list, &p->reap_link);
		spin_unlock_irqrestore(&reap_lock, flags);
		event_signal(&reap_event);
	}
	task_exit();
}

void process_kill(struct process *p)
{
	__atomic_store_n(&p->is_killed, true, __ATOMIC_RELEASE);
	process_wake(p);
}

bool process_is_killed(const struct process *p)
{
	return __atomic_load_n(&p->is_killed, __ATOMIC_ACQUIRE);
}

void process_check_killed(void)
{
	struct process *p = process_current();

	if (p && process_is_killed(p)) {
		sti();
		log_printf("process %llu (%s) killed\n",
			   (unsigned long long)p->id, task_current()->name);
		process_exit(PROC_KILL_STATUS);
	}
}

void process_block_arm(struct process *p)
{
	uint64_t flags = spin_lock_irqsave(&p->lock);

	p->wake_pending = false;
	spin_unlock_irqrestore(&p->lock, flags);
}

void process_block(struct process *p, uint64_t deadline_ns)
{
	uint64_t now = clock_monotonic_ns();
	bool has_timer = false;
	uint64_t flags;

	if (deadline_ns <= now) {
		return;
	}
	if (deadline_ns != UINT64_MAX) {
		has_timer =
			timer_start(&p->wake_timer->timer, deadline_ns - now,
				    false, wake_timer_fn) == SVSM_OK;
	}
	flags = spin_lock_irqsave(&p->lock);
	while (!p->wake_pending && !process_is_killed(p)) {
		waitq_wait(&p->wake_wq, &p->lock);
	}
	spin_unlock_irqrestore(&p->lock, flags);
	if (has_timer) {
		(void)timer_cancel(&p->wake_timer->timer);
	}
}

void process_wake(struct process *p)
{
	uint64_t flags = spin_lock_irqsave(&p->lock);

	p->wake_pending = true;
	spin_unlock_irqrestore(&p->lock, flags);
	(void)waitq_wake_all(&p->wake_wq);
}

/** Names the exceptions a user program can cause. */
static const char *fault_name(uint64_t vector)
{
	switch (vector) {
	case VEC_DE:
		return "divide error";
	case VEC_UD:
		return "invalid opcode";
	case VEC_GP:
		return "general protection";
	case VEC_PF:
		return "page fault";
	default:
		return "exception";
	}
}

void process_fault(struct trap_frame *f)
{
	struct process *p = process_current();
	struct task *self = task_current();

	CHECK(p != NULL);
	sti();
	log_printf("process %llu (%s) killed: %s (vector %llu, error 0x%llx) "
		   "at rip 0x%llx rsp 0x%llx",
		   (unsigned long long)p->id, self->name, fault_name(f->vector),
		   (unsigned long long)f->vector,
		   (unsigned long long)f->error_code,
		   (unsigned long long)f->rip, (unsigned long long)f->rsp);
	if (f->vector == VEC_PF) {
		log_printf(" address 0x%llx", (unsigned long long)read_cr2());
	}
	log_printf("\n");
	process_exit(PROC_EXIT_KILLED | (uint32_t)(f->vector & 0xFFU));
}
