// SPDX-License-Identifier: MIT
/*
 * Serving guest requests (svsm/request.h): the request queue between the
 * platforms, which take calls from guests, and svsm-reqd, which serves
 * them in ring 3.
 *
 * A request lives on its caller's stack: the caller queues it, wakes the
 * server and sleeps until the request is done. States: PENDING (queued,
 * not taken), FLIGHT (the server has it), DONE (registers final), KERNEL
 * (the server went away before taking it: the caller serves it itself).
 * One spinlock guards the queue and every request's state; callers sleep
 * on one wait queue and re-check their own request when woken. The
 * server waits through the queue object's watchers (kobj_notify when a
 * request is queued), like any other object it could wait on.
 *
 * The queue object is a singleton kernel object: attaching initialises it
 * with one reference, the server's handle holds another, and the last
 * reference going (the handle closed, or the server's process freed)
 * detaches the server.
 */
#include "svsm/list.h"
#include "svsm/request.h"
#include "svsm/spinlock.h"
#include "svsm/task.h"

enum req_state {
	REQ_PENDING,
	REQ_FLIGHT,
	REQ_DONE,
	REQ_KERNEL
};

struct request {
	struct list_node link;
	uint64_t id;
	uint32_t vcpu;
	enum req_state state;
	struct svsm_call_regs regs;
};

static struct {
	struct kobj obj;
	struct spinlock lock;
	bool is_attached;
	struct list_node pending;
	struct list_node flight;
	struct waitq done_wq; /* callers waiting for theirs */
	uint64_t next_id;
	uint64_t by_server;
	uint64_t by_kernel;
	bool is_init;
} q;

/** The list heads need initialising once (the object is static). */
static void queue_init_once(void)
{
	if (!q.is_init) {
		list_init(&q.pending);
		list_init(&q.flight);
		waitq_init(&q.done_wq);
		q.next_id = 1;
		q.is_init = true;
	}
}

/** The last reference went: requests go back to the kernel. */
static void reqq_release(struct kobj *o)
{
	uint64_t flags = spin_lock_irqsave(&q.lock);

	(void)o;
	q.is_attached = false;
	for (struct list_node *n; (n = list_pop(&q.pending)) != NULL;) {
		LIST_ENTRY(n, struct request, link)->state = REQ_KERNEL;
	}
	for (struct list_node *n; (n = list_pop(&q.flight)) != NULL;) {
		struct request *r = LIST_ENTRY(n, struct request, link);

		r->regs.rax = SVSM_RC_BUSY;
		r->state = REQ_DONE;
	}
	(void)waitq_wake_all(&q.done_wq);
	spin_unlock_irqrestore(&q.lock, flags);
}

static uint32_t reqq_poll(struct kobj *o)
{
	uint64_t flags = spin_lock_irqsave(&q.lock);
	bool has = !list_is_empty(&q.pending);

	(void)o;
	spin_unlock_irqrestore(&q.lock, flags);
	return has ? SVSM_WAIT_READABLE : 0;
}

static const struct kobj_ops REQQ_OPS = {
	.poll = reqq_poll,
	.release = reqq_release,
};

static void serve_in_kernel(uint32_t vcpu, struct svsm_call_regs *regs)
{
	struct proto_env env;

	plat_proto_env(vcpu, &env);
	(void)proto_dispatch(&env, regs);
	__atomic_fetch_add(&q.by_kernel, 1, __ATOMIC_RELAXED);
}

void request_serve(uint32_t vcpu, struct svsm_call_regs *regs)
{
	struct request r = { .vcpu = vcpu, .regs = *regs };
	uint64_t flags = spin_lock_irqsave(&q.lock);

	queue_init_once();
	if (!q.is_attached) {
		spin_unlock_irqrestore(&q.lock, flags);
		serve_in_kernel(vcpu, regs);
		return;
	}
	r.id = q.next_id++;
	r.state = REQ_PENDING;
	list_add_tail(&q.pending, &r.link);
	/* The server's watcher, outside the queue lock (lock order). */
	spin_unlock_irqrestore(&q.lock, flags);
	kobj_notify(&q.obj);
	flags = spin_lock_irqsave(&q.lock);
	while (r.state == REQ_PENDING || r.state == REQ_FLIGHT) {
		waitq_wait(&q.done_wq, &q.lock);
	}
	spin_unlock_irqrestore(&q.lock, flags);
	if (r.state == REQ_KERNEL) {
		serve_in_kernel(vcpu, regs);
		return;
	}
	*regs = r.regs;
}

enum svsm_err reqq_attach(struct kobj **out)
{
	uint64_t flags = spin_lock_irqsave(&q.lock);

	queue_init_once();
	if (q.is_attached) {
		spin_unlock_irqrestore(&q.lock, flags);
		return SVSM_ERR_BUSY;
	}
	q.is_attached = true;
	kobj_init(&q.obj, KOBJ_REQQ, &REQQ_OPS);
	spin_unlock_irqrestore(&q.lock, flags);
	*out = &q.obj;
	return SVSM_OK;
}

bool reqq_is_attached(void)
{
	return __atomic_load_n(&q.is_attached, __ATOMIC_ACQUIRE);
}

enum svsm_err reqq_receive(struct kobj *o, struct svsm_req *out)
{
	uint64_t flags;
	struct list_node *n;
	struct request *r;

	if (o != &q.obj) {
		return SVSM_ERR_INVAL;
	}
	flags = spin_lock_irqsave(&q.lock);
	n = list_pop(&q.pending);
	if (!n) {
		spin_unlock_irqrestore(&q.lock, flags);
		return SVSM_ERR_BUSY;
	}
	r = LIST_ENTRY(n, struct request, link);
	r->state = REQ_FLIGHT;
	list_add_tail(&q.flight, &r->link);
	*out = (struct svsm_req){
		.id = r->id,
		.vcpu = r->vcpu,
		.rax = r->regs.rax,
		.rcx = r->regs.rcx,
		.rdx = r->regs.rdx,
		.r8 = r->regs.r8,
		.r9 = r->regs.r9,
	};
	spin_unlock_irqrestore(&q.lock, flags);
	return SVSM_OK;
}

/** The in-flight request `id`, under the lock; NULL if there is none. */
static struct request *find_flight(uint64_t id)
{
	for (struct list_node *n = q.flight.next; n != &q.flight; n = n->next) {
		struct request *r = LIST_ENTRY(n, struct request, link);

		if (r->id == id) {
			return r;
		}
	}
	return NULL;
}

void reqq_unreceive(struct kobj *o, uint64_t id)
{
	uint64_t flags;
	struct request *r;

	if (o != &q.obj) {
		return;
	}
	flags = spin_lock_irqsave(&q.lock);
	r = find_flight(id);
	if (r) {
		list_del(&r->link);
		r->state = REQ_PENDING;
		/* Back at the head: list_add_tail on the head's prev. */
		list_add_tail(q.pending.next, &r->link);
	}
	spin_unlock_irqrestore(&q.lock, flags);
}

enum svsm_err reqq_reply(struct kobj *o, const struct svsm_req *in)
{
	uint64_t flags;
	struct request *r;

	if (o != &q.obj) {
		return SVSM_ERR_INVAL;
	}
	flags = spin_lock_irqsave(&q.lock);
	r = find_flight(in->id);
	if (r) {
		list_del(&r->link);
		r->regs = (struct svsm_call_regs){ in->rax, in->rcx, in->rdx,
						   in->r8, in->r9 };
		r->state = REQ_DONE;
		q.by_server++;
		(void)waitq_wake_all(&q.done_wq);
	}
	spin_unlock_irqrestore(&q.lock, flags);
	return r ? SVSM_OK : SVSM_ERR_NOTFOUND;
}

enum svsm_err reqq_vcpu_of(struct kobj *o, uint64_t id, uint32_t *vcpu)
{
	uint64_t flags;
	struct request *r;

	if (o != &q.obj) {
		return SVSM_ERR_INVAL;
	}
	flags = spin_lock_irqsave(&q.lock);
	r = find_flight(id);
	if (r) {
		*vcpu = r->vcpu;
	}
	spin_unlock_irqrestore(&q.lock, flags);
	return r ? SVSM_OK : SVSM_ERR_NOTFOUND;
}

void reqq_counts(uint64_t *by_server, uint64_t *by_kernel)
{
	*by_server = __atomic_load_n(&q.by_server, __ATOMIC_RELAXED);
	*by_kernel = __atomic_load_n(&q.by_kernel, __ATOMIC_RELAXED);
}
