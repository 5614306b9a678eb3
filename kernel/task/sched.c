// SPDX-License-Identifier: MIT
/*
 * The scheduler: per-CPU run queues (one FIFO per priority; the highest
 * non-empty level runs, round-robin inside it), a sleep list woken by the
 * tick, and the switch between tasks.
 *
 * Preemption: the local APIC timer interrupts every SCHED_TICK_MS:
 * periodic on the PIT-calibrated bus clock, or, where the CPU has it, a
 * one-shot TSC deadline that the handler re-arms one period after the
 * previous deadline (skipping the ones the vCPU missed; tick_arm and
 * tick_rearm). The tick handler acknowledges the interrupt, wakes the
 * sleepers that are due, and switches tasks when a task of higher
 * priority is runnable or when the current task's slice
 * (SCHED_SLICE_TICKS) is used up and another task of its priority is
 * waiting. The switch happens inside the
 * handler, on the interrupted task's own stack: the trap frame with its
 * full register state stays there until the task is switched back in and
 * the handler returns through IRETQ.
 *
 * Locking: a run queue is manipulated only with interrupts off and its
 * `lock` held. The lock is held across arch_switch() and released by the
 * task that is switched to (sched_finish_switch), so no other CPU can
 * see a half-switched queue. Lock order: task_lock (task.c), a wait
 * queue's lock, then a run queue's lock; two run queues' locks are never
 * held at once.
 *
 * Every online CPU runs tasks: the boot CPU from sched_init(), each AP
 * from sched_init_ap(), whose boot context becomes that CPU's idle task.
 * A task belongs to one CPU (`cpu`) and only ever runs there; it changes
 * CPU only through task_migrate(). Waking a task of another CPU queues it
 * there and, when it should run before that CPU's current task, sends
 * that CPU a reschedule IPI (VEC_RESCHED), whose handler preempts like
 * the tick does.
 *
 * Migration: the migrating task marks itself TASK_MIGRATING and switches
 * away on its old CPU. The task switched to there finishes the switch
 * (sched_finish_switch): only then, with the old CPU off the migrating
 * task's stack and its registers saved, does it release its own run
 * queue, take the target's and queue the task there.
 */
#include "arch/apic.h"
#include "arch/cpu.h"
#include "arch/fpu.h"
#include "arch/insn.h"
#include "arch/irq.h"
#include "arch/msr.h"

#include "svsm/boot.h"
#include "svsm/heap.h"
#include "svsm/log.h"
#include "svsm/panic.h"
#include "svsm/percpu.h"
#include "svsm/proc.h"
#include "svsm/smp.h"
#include "svsm/string.h"
#include "svsm/task.h"
#include "svsm/time.h"

#include "sched_internal.h"

/** One CPU's scheduling state. */
struct runqueue {
	struct task *current;
	struct task *idle;
	struct task *switched_from; /**< for sched_finish_switch */
	struct list_node queues[TASK_PRIO_COUNT];
	struct list_node sleepers;
	uint64_t ticks;
	uint64_t switch_count;
	/** TSC ticks per SCHED_TICK_MS for a TSC-deadline tick; 0: periodic. */
	uint64_t tick_tsc;
	/** The armed TSC deadline; 0: none (periodic, or paused). */
	uint64_t tick_deadline;
	uint32_t slice_left;
	uint32_t preempt_count;
	uint32_t timer_ticks; /**< APIC timer count per SCHED_TICK_MS */
	uint32_t cpu;
	struct spinlock lock;
	bool need_resched; /**< a switch is due at the next chance */
	bool is_started;   /**< set last, once the CPU schedules */
	struct sched_cpu_stats stats;
};

static struct runqueue rqs[SVSM_MAX_CPUS];
static struct task boot_task;
static bool resched_registered;

static struct runqueue *this_rq(void)
{
	return &rqs[this_cpu()->cpu_index];
}

/** The highest priority with a runnable task, or -1. */
static int top_prio(const struct runqueue *rq)
{
	for (int p = (int)TASK_PRIO_COUNT - 1; p > (int)TASK_PRIO_IDLE; p--) {
		if (!list_is_empty(&rq->queues[p])) {
			return p;
		}
	}
	return -1;
}

/** Dequeues the next task to run: the head of the top level, or idle. */
static struct task *pick_next(struct runqueue *rq)
{
	int p = top_prio(rq);

	if (p < 0) {
		return rq->idle;
	}
	return LIST_ENTRY(list_pop(&rq->queues[p]), struct task, link);
}

static void enqueue(struct runqueue *rq, struct task *t)
{
	t->state = TASK_RUNNABLE;
	if (t != rq->idle) {
		list_add_tail(&rq->queues[t->prio], &t->link);
	}
}

/** Releases the run queue in the task just switched to; see header. */
void sched_finish_switch(void)
{
	struct runqueue *rq = this_rq();
	struct task *prev = rq->switched_from;
	bool is_migrating = prev && prev->state == TASK_MIGRATING;

	rq->switched_from = NULL;
	if (prev) {
		__atomic_store_n(&prev->is_on_cpu, false, __ATOMIC_RELEASE);
	}
	spin_unlock(&rq->lock);
	if (is_migrating) {
		/* Off its stack, registers saved: it may run elsewhere now. */
		sched_queue_on(prev, prev->migrate_to);
	}
}

/**
 * Gives this CPU `next`'s kernel stack for entries from ring 3 (TSS.RSP0
 * and the SYSCALL stack) and its user half, and swaps the extended
 * (FPU/SSE/AVX) state of processes eagerly: the kernel never uses those
 * registers, so kernel tasks need no area. A switch between two kernel
 * tasks leaves the user half alone (and so never touches PML4[0] while
 * the APs' start-up trampoline lives there); leaving a process for a
 * kernel task removes it, so no CPU keeps a freed process's tables.
 */
static void switch_user(const struct task *prev, const struct task *next)
{
	struct percpu *pc = this_cpu();

	if (next->owns_stack) {
		pc->kernel_rsp = next->stack_hi;
		pc->tss->rsp[0] = next->stack_hi;
	}
	if (prev->proc) {
		fpu_save(prev->proc->fpu);
	}
	if (next->proc) {
		fpu_restore(next->proc->fpu);
		wrmsr(MSR_FS_BASE, next->proc->fs_base);
		uspace_activate(&next->proc->us);
	} else if (prev->proc) {
		uspace_activate(NULL);
	}
}

/**
 * Switches to the next task. Called with interrupts off and `rq->lock`
 * held, the current task already requeued or parked (its state says
 * where); returns, with the lock released, when the current task runs
 * again.
 */
static void switch_locked(struct runqueue *rq)
{
	struct task *prev = rq->current;
	struct task *next = pick_next(rq);

	rq->need_resched = false;
	rq->slice_left = SCHED_SLICE_TICKS;
	next->state = TASK_RUNNING;
	if (next == prev) {
		spin_unlock(&rq->lock);
		return;
	}
	next->is_on_cpu = true;
	switch_user(prev, next);
	rq->current = next;
	rq->switched_from = prev;
	rq->switch_count++;
	rq->stats.switches++;
	arch_switch(&prev->rsp, next->rsp);
	sched_finish_switch();
}

/** Whether the tick should switch away from `cur`. */
static bool should_preempt(const struct runqueue *rq, const struct task *cur)
{
	int top = top_prio(rq);

	if (top < 0) {
		return false;
	}
	return top > (int)cur->prio ||
	       (top == (int)cur->prio && rq->slice_left == 0);
}

/** Moves the sleepers that are due to the run queue. */
static void wake_sleepers(struct runqueue *rq)
{
	struct list_node *n = rq->sleepers.next;

	while (n != &rq->sleepers) {
		struct list_node *next = n->next;
		struct task *t = LIST_ENTRY(n, struct task, link);

		if (t->wake_tick <= rq->ticks) {
			list_del(n);
			enqueue(rq, t);
		}
		n = next;
	}
}

/**
 * Switches away from the interrupted task if another should run now;
 * from an interrupt handler, `rq->lock` held (released on return).
 */
static void preempt_locked(struct runqueue *rq)
{
	struct task *cur = rq->current;

	if (!should_preempt(rq, cur)) {
		spin_unlock(&rq->lock);
		return;
	}
	if (rq->preempt_count > 0) {
		rq->need_resched = true;
		spin_unlock(&rq->lock);
		return;
	}
	rq->stats.preemptions++;
	enqueue(rq, cur);
	switch_locked(rq);
}

/**
 * Arms this CPU's tick: the periodic timer, or the first TSC deadline
 * one period from now. Interrupts off, so the handler cannot interleave.
 */
static void tick_arm(struct runqueue *rq)
{
	uint64_t flags = irq_save();

	if (rq->tick_tsc != 0) {
		rq->tick_deadline = arch_tsc_read() + rq->tick_tsc;
		if (lapic_timer_arm_deadline(VEC_LAPIC_TIMER,
					     rq->tick_deadline) == SVSM_OK) {
			irq_restore(flags);
			return;
		}
		rq->tick_tsc = 0; /* no TSC-deadline after all: periodic */
		rq->tick_deadline = 0;
	}
	lapic_timer_start(VEC_LAPIC_TIMER, rq->timer_ticks, true);
	irq_restore(flags);
}

/** From the handler: the next TSC deadline; nothing when periodic. */
static void tick_rearm(struct runqueue *rq)
{
	if (rq->tick_deadline == 0) {
		return; /* periodic, or stopped by sched_timer_pause() */
	}
	rq->tick_deadline = clock_tick_deadline_next(
		rq->tick_deadline, rq->tick_tsc, arch_tsc_read());
	lapic_timer_set_deadline(rq->tick_deadline);
}

/** Stops this CPU's tick, whichever way it runs. */
static void tick_stop(struct runqueue *rq)
{
	uint64_t flags = irq_save();

	if (rq->tick_deadline != 0) {
		rq->tick_deadline = 0;
		lapic_timer_stop_deadline();
	} else {
		lapic_timer_stop();
	}
	irq_restore(flags);
}

/** The timer interrupt: time keeping, wake-ups and preemption. */
static void sched_tick(struct trap_frame *f)
{
	struct runqueue *rq = this_rq();

	(void)f;
	lapic_eoi();
	tick_rearm(rq);
	timer_tick(clock_monotonic_ns());
	spin_lock(&rq->lock);
	rq->ticks++;
	wake_sleepers(rq);
	if (rq->slice_left > 0) {
		rq->slice_left--;
	}
	preempt_locked(rq);
}

/** VEC_RESCHED: another CPU queued a task that should run here now. */
static void sched_resched_irq(struct trap_frame *f)
{
	struct runqueue *rq = this_rq();

	(void)f;
	lapic_eoi();
	spin_lock(&rq->lock);
	rq->stats.resched_irqs++;
	preempt_locked(rq);
}

/** Starts this CPU's tick. */
static enum svsm_err timer_start(struct runqueue *rq)
{
	enum svsm_err err = irq_register(VEC_LAPIC_TIMER, sched_tick);

	/* The vector table is shared: the first CPU registers the tick. */
	if (err != SVSM_OK && err != SVSM_ERR_BUSY) {
		return err;
	}
	tick_arm(rq);
	return SVSM_OK;
}

/** Idles: reaps detached tasks, halts with interrupts on. */
static __attribute__((noreturn)) void idle_main(void *arg)
{
	(void)arg;
	for (;;) {
		task_reap_detached();
		cli();
		if (sched_has_runnable()) {
			sti();
			task_yield();
		} else {
			sti_hlt();
		}
	}
}

/** Sets up `rq` for the calling CPU with `cur` running. */
static void rq_init(struct runqueue *rq, struct task *cur)
{
	for (uint32_t p = 0; p < TASK_PRIO_COUNT; p++) {
		list_init(&rq->queues[p]);
	}
	list_init(&rq->sleepers);
	rq->cpu = this_cpu()->cpu_index;
	rq->current = cur;
	rq->slice_left = SCHED_SLICE_TICKS;
}

/** Calibrates and starts this CPU's tick; marks the CPU started. */
static enum svsm_err rq_start(struct runqueue *rq)
{
	uint32_t per_ms = 0;
	enum svsm_err err = lapic_timer_calibrate(&per_ms);

	if (err != SVSM_OK) {
		return err;
	}
	if (!__atomic_exchange_n(&resched_registered, true, __ATOMIC_ACQ_REL)) {
		err = irq_register(VEC_RESCHED, sched_resched_irq);
		if (err != SVSM_OK) {
			__atomic_store_n(&resched_registered, false,
					 __ATOMIC_RELEASE);
			return err;
		}
	}
	rq->timer_ticks = per_ms * SCHED_TICK_MS;
	if (lapic_timer_mode() == LAPIC_TIMER_TSC_DEADLINE) {
		rq->tick_tsc = clock_tsc_hz() * SCHED_TICK_MS / 1000U;
	}
	err = timer_start(rq);
	if (err != SVSM_OK) {
		return err;
	}
	__atomic_store_n(&rq->is_started, true, __ATOMIC_RELEASE);
	return SVSM_OK;
}

/**
 * Makes `t` (zeroed) the task of the context running now on this CPU: it
 * owns no stack, is RUNNING and on the CPU.
 */
static void adopt_context(struct task *t, enum task_prio prio, const char *name)
{
	list_init(&t->link);
	waitq_init(&t->exit_wq);
	t->state = TASK_RUNNING;
	t->prio = prio;
	t->cpu = this_cpu()->cpu_index;
	t->is_on_cpu = true;
	memcpy(t->name, name, strnlen(name, TASK_NAME_SIZE - 1U));
}

/** Makes the boot context the first task and starts the tick. */
enum svsm_err sched_init(void)
{
	struct runqueue *rq = this_rq();
	struct task *idle;
	enum svsm_err err;

	if (rq->is_started) {
		return SVSM_ERR_EXISTS;
	}
	adopt_context(&boot_task, TASK_PRIO_NORMAL, "boot");
	rq_init(rq, &boot_task);
	err = task_stacks_init();
	if (err == SVSM_OK) {
		err = task_create_idle(idle_main, &idle);
	}
	if (err == SVSM_OK) {
		err = lapic_init();
	}
	if (err == SVSM_OK) {
		err = rq_start(rq);
	}
	if (err != SVSM_OK) {
		return err;
	}
	log_printf("sched: %u ms tick, local APIC timer in %s mode\n",
		   (unsigned int)SCHED_TICK_MS,
		   lapic_timer_mode_name(rq->tick_tsc != 0
						 ? LAPIC_TIMER_TSC_DEADLINE
						 : LAPIC_TIMER_PERIODIC));
	sti();
	return SVSM_OK;
}

/**
 * Makes this AP's boot context its idle task and starts its tick; the
 * caller then runs sched_idle_loop(). Interrupts stay off on failure.
 */
enum svsm_err sched_init_ap(void)
{
	struct runqueue *rq = this_rq();
	struct task *idle;
	enum svsm_err err;

	if (rq->is_started) {
		return SVSM_ERR_EXISTS;
	}
	idle = kzalloc(sizeof(*idle));
	if (!idle) {
		return SVSM_ERR_NOMEM;
	}
	adopt_context(idle, TASK_PRIO_IDLE, "idle");
	rq_init(rq, idle);
	sched_set_idle(idle);
	err = rq_start(rq);
	if (err != SVSM_OK) {
		rq->current = NULL;
		rq->idle = NULL;
		kfree(idle);
		return err;
	}
	sti();
	return SVSM_OK;
}

void sched_idle_loop(void)
{
	idle_main(NULL);
	__builtin_unreachable();
}

void sched_set_idle(struct task *t)
{
	struct runqueue *rq = this_rq();

	t->cpu = this_cpu()->cpu_index;
	rq->idle = t;
}

bool sched_cpu_is_started(uint32_t cpu)
{
	return cpu < SVSM_MAX_CPUS &&
	       __atomic_load_n(&rqs[cpu].is_started, __ATOMIC_ACQUIRE);
}

/**
 * Asks CPU `cpu` to reschedule: an IPI for another CPU, a flag for this
 * one (acted on by sched_resched_point() or the next tick).
 */
static void kick(uint32_t cpu)
{
	const struct smp_cpu *c;

	if (cpu == this_cpu()->cpu_index) {
		rqs[cpu].need_resched = true;
		return;
	}
	c = smp_cpu_get(cpu);
	/* A failed send leaves the task queued: the tick runs it. */
	if (c && lapic_send_ipi(c->apic_id, VEC_RESCHED) == SVSM_OK) {
		__atomic_fetch_add(
			&rqs[this_cpu()->cpu_index].stats.resched_sent, 1,
			__ATOMIC_RELAXED);
	}
}

/** Queues the runnable task `t` (on no CPU) on CPU `cpu`; see header. */
void sched_queue_on(struct task *t, uint32_t cpu)
{
	struct runqueue *rq = &rqs[cpu];
	uint64_t flags = spin_lock_irqsave(&rq->lock);
	bool should_kick;

	t->cpu = cpu;
	enqueue(rq, t);
	should_kick = t->prio > rq->current->prio || rq->current == rq->idle;
	spin_unlock(&rq->lock);
	if (should_kick) {
		kick(cpu);
	}
	irq_restore(flags);
}

/** Enqueues a new task on `cpu`, a started CPU. */
void sched_enqueue_new(struct task *t, uint32_t cpu)
{
	sched_queue_on(t, cpu);
}

bool sched_has_runnable(void)
{
	struct runqueue *rq = this_rq();
	uint64_t flags = spin_lock_irqsave(&rq->lock);
	bool has = top_prio(rq) >= 0;

	spin_unlock_irqrestore(&rq->lock, flags);
	return has;
}

struct task *task_current(void)
{
	return this_rq()->current;
}

uint64_t sched_ticks(void)
{
	return __atomic_load_n(&this_rq()->ticks, __ATOMIC_RELAXED);
}

uint64_t sched_switch_count(void)
{
	return __atomic_load_n(&this_rq()->switch_count, __ATOMIC_RELAXED);
}

void sched_timer_pause(void)
{
	struct runqueue *rq = this_rq();

	/* Only this CPU's timer: the vector's handler serves every CPU. */
	if (rq->is_started) {
		tick_stop(rq);
	}
}

enum svsm_err sched_timer_resume(void)
{
	struct runqueue *rq = this_rq();

	return rq->is_started ? timer_start(rq) : SVSM_OK;
}

void sched_preempt_disable(void)
{
	uint64_t flags = irq_save();

	this_rq()->preempt_count++;
	irq_restore(flags);
}

void sched_preempt_enable(void)
{
	uint64_t flags = irq_save();
	struct runqueue *rq = this_rq();
	bool is_due;

	CHECK(rq->preempt_count > 0);
	rq->preempt_count--;
	is_due = rq->preempt_count == 0 && rq->need_resched;
	irq_restore(flags);
	if (is_due) {
		task_yield();
	}
}

/** Requeues the current task at the tail of its level and switches. */
void task_yield(void)
{
	uint64_t flags = irq_save();
	struct runqueue *rq = this_rq();

	spin_lock(&rq->lock);
	enqueue(rq, rq->current);
	switch_locked(rq);
	irq_restore(flags);
}

/** Sleeps until the tick count passes now + `ms`; see task.h. */
void task_sleep_ms(uint64_t ms)
{
	uint64_t flags;
	struct runqueue *rq;
	struct task *self;

	if (ms == 0) {
		task_yield();
		return;
	}
	flags = irq_save();
	rq = this_rq();
	self = rq->current;
	CHECK(rq->preempt_count == 0 && self != rq->idle);
	spin_lock(&rq->lock);
	/* +1: the current tick is already partly over. */
	self->wake_tick =
		rq->ticks + (ms + SCHED_TICK_MS - 1U) / SCHED_TICK_MS + 1U;
	self->state = TASK_SLEEPING;
	list_add_tail(&rq->sleepers, &self->link);
	switch_locked(rq);
	irq_restore(flags);
}

/** Blocks the current task; see sched_internal.h. */
void sched_block_current(void)
{
	struct runqueue *rq = this_rq();
	struct task *self = rq->current;

	CHECK(rq->preempt_count == 0 && self != rq->idle);
	spin_lock(&rq->lock);
	if (self->state == TASK_RUNNABLE) {
		/* Woken (by another CPU) before it could switch away. */
		list_del(&self->link);
		self->state = TASK_RUNNING;
		spin_unlock(&rq->lock);
		return;
	}
	switch_locked(rq);
}

/** Makes a blocked or sleeping task runnable on its CPU. */
void sched_wake(struct task *t)
{
	uint32_t cpu = __atomic_load_n(&t->cpu, __ATOMIC_RELAXED);
	struct runqueue *rq = &rqs[cpu];
	uint64_t flags = spin_lock_irqsave(&rq->lock);
	bool should_kick = false;

	if (t->state == TASK_SLEEPING) {
		list_del(&t->link);
	}
	if (t->state == TASK_SLEEPING || t->state == TASK_BLOCKED) {
		enqueue(rq, t);
		rq->stats.wakeups++;
		should_kick =
			t->prio > rq->current->prio || rq->current == rq->idle;
	}
	spin_unlock(&rq->lock);
	if (should_kick) {
		kick(cpu);
	}
	irq_restore(flags);
}

/** Yields if a wake-up asked for it and this context may switch. */
void sched_resched_point(void)
{
	uint64_t flags = irq_save();
	struct runqueue *rq = this_rq();
	bool is_due = (flags & RFLAGS_IF) && rq->is_started &&
		      rq->need_resched && rq->preempt_count == 0;

	irq_restore(flags);
	if (is_due) {
		task_yield();
	}
}

/** Moves the calling task to CPU `cpu`; see task.h. */
enum svsm_err task_migrate(uint32_t cpu)
{
	uint64_t flags;
	struct runqueue *rq;
	struct task *self;

	if (!sched_cpu_is_started(cpu)) {
		return SVSM_ERR_INVAL;
	}
	flags = irq_save();
	rq = this_rq();
	self = rq->current;
	if (!self->owns_stack || self == rq->idle || rq->preempt_count > 0) {
		irq_restore(flags);
		return SVSM_ERR_INVAL; /* its stack or state is this CPU's */
	}
	if (cpu == rq->cpu) {
		irq_restore(flags);
		return SVSM_OK;
	}
	spin_lock(&rq->lock);
	self->state = TASK_MIGRATING;
	self->migrate_to = cpu;
	rq->stats.migrations_out++;
	switch_locked(rq);
	/* Now on `cpu`: the task switched to on the old CPU queued us. */
	irq_restore(flags);
	return SVSM_OK;
}

uint32_t task_cpu(void)
{
	uint64_t flags = irq_save();
	uint32_t cpu = this_cpu()->cpu_index;

	irq_restore(flags);
	return cpu;
}

void sched_get_cpu_stats(uint32_t cpu, struct sched_cpu_stats *out)
{
	struct runqueue *rq;
	uint64_t flags;

	*out = (struct sched_cpu_stats){ 0 };
	if (!sched_cpu_is_started(cpu)) {
		return;
	}
	rq = &rqs[cpu];
	flags = spin_lock_irqsave(&rq->lock);
	*out = rq->stats;
	out->ticks = rq->ticks;
	spin_unlock_irqrestore(&rq->lock, flags);
}

/** Switches away from the exiting current task for good. */
void sched_exit_current(void)
{
	struct runqueue *rq = this_rq();

	cli();
	spin_lock(&rq->lock);
	rq->current->state = TASK_DEAD;
	switch_locked(rq);
	panic("dead task %s scheduled again", rq->current->name);
}
