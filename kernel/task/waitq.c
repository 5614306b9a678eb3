// SPDX-License-Identifier: MIT
/*
 * Wait queues and the sleeping mutex, built on the scheduler's block and
 * wake. A wait queue is a condition variable: the waiter holds the lock
 * that protects its condition, and waitq_wait() queues the task before
 * that lock is dropped, with interrupts off until the switch, so a wake
 * between the check and the sleep finds it queued and is never lost.
 *
 * Lock order: the caller's lock (a mutex's `lock`, task_lock), then the
 * wait queue's, then the run queue's.
 */
#include "arch/cpu.h"
#include "arch/insn.h"

#include "svsm/panic.h"
#include "svsm/task.h"

#include "sched_internal.h"

/** Blocks on `wq`, dropping `lock` meanwhile; see task.h. */
void waitq_wait(struct waitq *wq, struct spinlock *lock)
{
	struct task *self = task_current();

	CHECK(!(read_rflags() & RFLAGS_IF) && spin_is_locked(lock));
	spin_lock(&wq->lock);
	self->state = TASK_BLOCKED;
	list_add_tail(&wq->waiters, &self->link);
	spin_unlock(&wq->lock);
	spin_unlock(lock);
	sched_block_current();
	spin_lock(lock);
}

/** Wakes the longest waiter; see task.h. */
struct task *waitq_wake_one(struct waitq *wq)
{
	uint64_t flags = spin_lock_irqsave(&wq->lock);
	struct list_node *n = list_pop(&wq->waiters);
	struct task *t = n ? LIST_ENTRY(n, struct task, link) : NULL;

	if (t) {
		sched_wake(t);
	}
	spin_unlock_irqrestore(&wq->lock, flags);
	sched_resched_point();
	return t;
}

/** Wakes every waiter; see task.h. */
uint32_t waitq_wake_all(struct waitq *wq)
{
	uint64_t flags = spin_lock_irqsave(&wq->lock);
	uint32_t count = 0;
	struct list_node *n;

	while ((n = list_pop(&wq->waiters)) != NULL) {
		sched_wake(LIST_ENTRY(n, struct task, link));
		count++;
	}
	spin_unlock_irqrestore(&wq->lock, flags);
	sched_resched_point();
	return count;
}

void mutex_init(struct mutex *m)
{
	spin_lock_init(&m->lock);
	m->owner = NULL;
	waitq_init(&m->waiters);
	m->contended = 0;
}

/** Takes `m`; waits while it is held. See task.h. */
void mutex_lock(struct mutex *m)
{
	struct task *self = task_current();
	uint64_t flags = spin_lock_irqsave(&m->lock);

	CHECK(m->owner != self);
	if (m->owner) {
		m->contended++;
	}
	/* mutex_unlock hands the mutex over: owner becomes the waiter. */
	while (m->owner != NULL && m->owner != self) {
		waitq_wait(&m->waiters, &m->lock);
	}
	m->owner = self;
	spin_unlock_irqrestore(&m->lock, flags);
}

/** Releases `m` to the longest waiter, if any. See task.h. */
void mutex_unlock(struct mutex *m)
{
	uint64_t flags = spin_lock_irqsave(&m->lock);

	CHECK(m->owner == task_current());
	m->owner = waitq_wake_one(&m->waiters);
	spin_unlock_irqrestore(&m->lock, flags);
	sched_resched_point();
}
