// SPDX-License-Identifier: MIT
/*
 * The csvsm-native system calls (svsm/native.h, docs/ABI.md): handles,
 * channels, events, waiting on several objects, batches, spawning and
 * waiting for processes, and the policy calls.
 *
 * Every user structure is copied in once, then checked; counts are
 * limited before anything is allocated. A handle that names nothing (or
 * an object of the wrong kind) is -EBADF; one without the right the call
 * needs is -EPERM.
 *
 * Channels: two ends (each its own kobj, so each has its own handles and
 * references) share a `struct channel` with one queue per direction
 * (svsm/chanq.h). `lock` covers both queues and the closed flags. An end
 * is closed when its last reference goes: its own queue is freed and the
 * peer is notified (PEER_CLOSED); the channel is freed with its second
 * end. Messages are allocated one by one and charged to a kernel-wide
 * budget (NATIVE_CHAN_BUDGET), so queued messages cannot exhaust the
 * heap whatever processes do.
 *
 * Blocking (recv with SVSM_RECV_BLOCK, svsm_wait, proc_wait): the caller
 * adds a watcher to each object (kobj_watch_add), then loops: arm its
 * wake-up, check the objects, block until a watcher, the timeout or a
 * kill wakes it. A state change after the check sets the wake-up, so it
 * is never lost. A killed process leaves with -EINTR and ends on its way
 * out of the kernel.
 *
 * Lock order: channel or event lock, released before kobj_notify (which
 * takes the object's watch lock, then the waiter's process lock).
 */
#include "svsm/native.h"

#include <stddef.h>

#include "arch/user.h"

#include "svsm/heap.h"
#include "svsm/log.h"
#include "svsm/policy.h"
#include "svsm/smp.h"
#include "svsm/string.h"
#include "svsm/task.h"
#include "svsm/time.h"
#include "svsm/uspace.h"

#define SPAWN_PATH_MAX 256U
#define SPAWN_ARGS_MAX 64U    /* argv or envp entries, as exec allows */
#define SPAWN_STRS_SIZE 4096U /* bytes of argv or envp strings */
#define WAIT_EVENTS_ALL                                                 \
	(SVSM_WAIT_READABLE | SVSM_WAIT_WRITABLE | SVSM_WAIT_SIGNALED | \
	 SVSM_WAIT_EXITED | SVSM_WAIT_PEER_CLOSED)
#define CHAN_RIGHTS \
	(SVSM_RIGHT_READ | SVSM_RIGHT_WRITE | SVSM_RIGHT_WAIT | SVSM_RIGHT_DUP)
#define EVENT_RIGHTS CHAN_RIGHTS
#define PROC_RIGHTS (SVSM_RIGHT_WAIT | SVSM_RIGHT_KILL | SVSM_RIGHT_DUP)

struct channel;

/** One end of a channel: what a handle names. */
struct chan_end {
	struct kobj obj;
	struct channel *ch;
	uint32_t side; /**< 0 or 1: ch->q[side] holds what it receives */
	/** Serialises receivers (handles on one end may be in several
	 *  processes): the head message stays put while it is copied out. */
	struct mutex recv_lock;
};

/** A channel (see the file comment). */
struct channel {
	struct spinlock lock;
	struct chan_end ends[2];
	struct chanq q[2];
	bool is_closed[2];
	uint32_t live_ends; /**< atomic: ends not yet released */
};

/** An event: a counter. */
struct kevent {
	struct kobj obj; /**< first: see event_obj() */
	struct spinlock lock;
	uint64_t count; /**< atomic reads (poll); changed under `lock` */
};

static struct chan_budget chan_budget = { .limit = NATIVE_CHAN_BUDGET };
static uint32_t spawn_cpu_next; /* atomic: SVSM_SPAWN_ANY_CPU's rotation */

const struct chan_budget *native_chan_budget(void)
{
	return &chan_budget;
}

/** Copies `n` bytes to user address `uva`; -EFAULT if it cannot. */
static int64_t put_user(uint64_t uva, const void *src, size_t n)
{
	if (!uspace_range_ok(uva, n)) {
		return -SVSM_EFAULT;
	}
	/* NOLINTNEXTLINE(performance-no-int-to-ptr): a user address */
	void *dst = (void *)(uintptr_t)uva;

	return arch_copy_user(dst, src, n) == 0 ? 0 : -SVSM_EFAULT;
}

/** Copies `n` bytes from user address `uva`; -EFAULT if it cannot. */
static int64_t get_user(void *dst, uint64_t uva, size_t n)
{
	if (!uspace_range_ok(uva, n)) {
		return -SVSM_EFAULT;
	}
	/* NOLINTNEXTLINE(performance-no-int-to-ptr): a user address */
	const void *src = (const void *)(uintptr_t)uva;

	return arch_copy_user(dst, src, n) == 0 ? 0 : -SVSM_EFAULT;
}

/**
 * Copies the NUL-terminated string at `uva` into `dst` (`cap` bytes with
 * the NUL); returns its length, -EFAULT, or `too_long` if it does not
 * fit. Reads page by page, never past the page holding the NUL.
 */
static int64_t get_user_str(char *dst, size_t cap, uint64_t uva,
			    int64_t too_long)
{
	size_t done = 0;

	while (done < cap) {
		uint64_t at = uva + done;
		size_t n = (size_t)(PAGE_SIZE - (at & (PAGE_SIZE - 1U)));
		int64_t err;

		if (n > cap - done) {
			n = cap - done;
		}
		err = get_user(dst + done, at, n);
		if (err != 0) {
			return err;
		}
		for (size_t i = 0; i < n; i++) {
			if (dst[done + i] == '\0') {
				return (int64_t)(done + i);
			}
		}
		done += n;
	}
	return too_long;
}

/**
 * Looks up `h` as an object of `type` with the rights `need`: a
 * reference the caller puts, or NULL and -errno in `*err`.
 */
static struct kobj *get_obj(struct process *p, uint64_t h, enum kobj_type type,
			    uint32_t need, int64_t *err)
{
	struct kobj *o = NULL;
	uint32_t rights = 0;
	enum svsm_err e = handle_get(&p->handles, (int64_t)h, 0, &o, &rights);

	if (e != SVSM_OK || !o) {
		*err = e != SVSM_OK ? handle_errno(e) : -SVSM_EBADF;
		return NULL;
	}
	/* The kind of object first: a console fd is EBADF, not EPERM. */
	if (o->type != type || (rights & need) != need) {
		*err = o->type != type ? -SVSM_EBADF : -SVSM_EPERM;
		kobj_put(o);
		return NULL;
	}
	return o;
}

/** Closes a handle this call has just installed (it exists). */
static void close_quiet(struct process *p, int32_t h)
{
	enum svsm_err err = handle_close(&p->handles, h);

	(void)err;
}

/** A watcher's function: wakes the process waiting. */
static void watch_wake(struct kobj_watch *w)
{
	process_wake(w->arg);
}

/** Sets up `w` for process `p` and adds it to `o`. */
static void watch_start(struct kobj *o, struct kobj_watch *w, struct process *p)
{
	w->fn = watch_wake;
	w->arg = p;
	list_init(&w->link);
	kobj_watch_add(o, w);
}

/* ---- channels ---------------------------------------------------- */

static struct chan_end *to_end(struct kobj *o)
{
	return LIST_ENTRY(o, struct chan_end, obj);
}

/** Frees a message and gives its charge back. */
static void msg_free(struct chan_msg *m)
{
	chan_budget_give(&chan_budget, m->charge);
	kfree(m);
}

static uint32_t chan_poll(struct kobj *o)
{
	struct chan_end *e = to_end(o);
	struct channel *ch = e->ch;
	uint32_t peer = 1U - e->side;
	uint64_t flags = spin_lock_irqsave(&ch->lock);
	uint32_t ev = 0;

	if (ch->q[e->side].count > 0 || ch->is_closed[peer]) {
		ev |= SVSM_WAIT_READABLE;
	}
	if (ch->is_closed[peer]) {
		ev |= SVSM_WAIT_PEER_CLOSED;
	} else if (!chanq_is_full(&ch->q[peer])) {
		ev |= SVSM_WAIT_WRITABLE;
	}
	spin_unlock_irqrestore(&ch->lock, flags);
	return ev;
}

/** The end's last reference is gone: close it (see the file comment). */
static void chan_release(struct kobj *o)
{
	struct chan_end *e = to_end(o);
	struct channel *ch = e->ch;
	struct chanq dead;
	uint64_t flags = spin_lock_irqsave(&ch->lock);
	struct chan_msg *m;

	ch->is_closed[e->side] = true;
	dead = ch->q[e->side];
	chanq_init(&ch->q[e->side]);
	spin_unlock_irqrestore(&ch->lock, flags);
	while ((m = chanq_pop(&dead)) != NULL) {
		msg_free(m);
	}
	kobj_notify(&ch->ends[1U - e->side].obj);
	if (__atomic_sub_fetch(&ch->live_ends, 1, __ATOMIC_ACQ_REL) == 0) {
		kfree(ch);
	}
}

static const struct kobj_ops CHAN_OPS = {
	.poll = chan_poll,
	.release = chan_release,
};

/** chan_create(int32_t out[2], flags). */
static int64_t sys_chan_create(struct process *p, uint64_t uout, uint64_t flags)
{
	struct channel *ch;
	int32_t h[2] = { -1, -1 };
	int64_t ret = 0;

	if (flags != 0) {
		return -SVSM_EINVAL;
	}
	if (!uspace_range_ok(uout, sizeof(h))) {
		return -SVSM_EFAULT;
	}
	ch = kzalloc(sizeof(*ch));
	if (!ch) {
		return -SVSM_ENOMEM;
	}
	spin_lock_init(&ch->lock);
	ch->live_ends = 2;
	for (uint32_t i = 0; i < 2; i++) {
		kobj_init(&ch->ends[i].obj, KOBJ_CHANNEL, &CHAN_OPS);
		ch->ends[i].ch = ch;
		ch->ends[i].side = i;
		mutex_init(&ch->ends[i].recv_lock);
		chanq_init(&ch->q[i]);
	}
	for (uint32_t i = 0; i < 2 && ret == 0; i++) {
		ret = handle_errno(handle_install(&p->handles, &ch->ends[i].obj,
						  CHAN_RIGHTS, &h[i]));
	}
	if (ret == 0) {
		ret = put_user(uout, h, sizeof(h));
	}
	for (uint32_t i = 0; i < 2; i++) {
		if (ret != 0 && h[i] >= 0) {
			close_quiet(p, h[i]);
		}
		kobj_put(&ch->ends[i].obj); /* the table holds its own */
	}
	return ret;
}

/** chan_send(h, buf, len, flags). */
static int64_t sys_chan_send(struct process *p, const struct trap_frame *f)
{
	uint64_t len = f->rdx;
	struct chan_msg *m;
	struct kobj *o = NULL;
	int64_t ret;

	if (f->r10 != 0) {
		return -SVSM_EINVAL;
	}
	o = get_obj(p, f->rdi, KOBJ_CHANNEL, SVSM_RIGHT_WRITE, &ret);
	if (!o) {
		return ret;
	}
	if (len > SVSM_MSG_MAX) {
		kobj_put(o);
		return -SVSM_EMSGSIZE;
	}
	uint64_t charge = chan_msg_charge((uint32_t)len);

	if (chan_budget_take(&chan_budget, charge) != SVSM_OK) {
		kobj_put(o);
		return -SVSM_ENOMEM;
	}
	m = kmalloc(sizeof(*m) + len);
	if (!m) {
		chan_budget_give(&chan_budget, charge);
		kobj_put(o);
		return -SVSM_ENOMEM;
	}
	m->len = (uint32_t)len;
	m->charge = (uint32_t)charge;
	ret = len > 0 ? get_user(m->data, f->rsi, len) : 0;
	if (ret == 0) {
		struct chan_end *e = to_end(o);
		struct channel *ch = e->ch;
		uint32_t peer = 1U - e->side;
		uint64_t flags = spin_lock_irqsave(&ch->lock);

		if (ch->is_closed[peer]) {
			ret = -SVSM_EPIPE;
		} else if (chanq_push(&ch->q[peer], m) != SVSM_OK) {
			ret = -SVSM_EAGAIN;
		} else {
			m = NULL;
		}
		spin_unlock_irqrestore(&ch->lock, flags);
		if (ret == 0) {
			kobj_notify(&ch->ends[peer].obj);
		}
	}
	if (m) {
		msg_free(m);
	}
	kobj_put(o);
	return ret;
}

/**
 * Takes the oldest message for end `e` if it fits `cap`: the message in
 * `*out` (0), -EMSGSIZE (kept), -EPIPE (none and the peer closed) or
 * -EAGAIN (none).
 */
/**
 * Copies the oldest message for `e` to user address `ubuf` (`cap` bytes)
 * and only then removes it, so a buffer that faults leaves the message
 * queued. Returns its length, or -EAGAIN / -EPIPE / -EMSGSIZE / -EFAULT.
 */
static int64_t chan_take(struct chan_end *e, uint64_t ubuf, uint64_t cap)
{
	struct channel *ch = e->ch;
	struct chan_msg *m;
	int64_t ret = 0;
	uint64_t flags;

	mutex_lock(&e->recv_lock);
	flags = spin_lock_irqsave(&ch->lock);
	m = chanq_peek(&ch->q[e->side]);
	if (!m) {
		ret = ch->is_closed[1U - e->side] ? -SVSM_EPIPE : -SVSM_EAGAIN;
	} else if (m->len > cap) {
		ret = -SVSM_EMSGSIZE;
	}
	spin_unlock_irqrestore(&ch->lock, flags);
	/*
	 * Senders only add behind the head and receivers hold recv_lock, so
	 * `m` stays the head, and allocated, while it is copied.
	 */
	if (ret == 0 && m->len > 0) {
		ret = put_user(ubuf, m->data, m->len);
	}
	if (ret == 0) {
		flags = spin_lock_irqsave(&ch->lock);
		(void)chanq_pop(&ch->q[e->side]);
		spin_unlock_irqrestore(&ch->lock, flags);
		ret = (int64_t)m->len;
		msg_free(m);
	}
	mutex_unlock(&e->recv_lock);
	if (ret >= 0) {
		kobj_notify(&ch->ends[1U - e->side].obj); /* room to send */
	}
	return ret;
}

/** chan_recv(h, buf, cap, flags). */
static int64_t sys_chan_recv(struct process *p, const struct trap_frame *f)
{
	uint64_t ubuf = f->rsi;
	uint64_t cap = f->rdx;
	struct kobj_watch w;
	struct kobj *o = NULL;
	int64_t ret;

	if (f->r10 & ~(uint64_t)SVSM_RECV_BLOCK) {
		return -SVSM_EINVAL;
	}
	o = get_obj(p, f->rdi, KOBJ_CHANNEL, SVSM_RIGHT_READ, &ret);
	if (!o) {
		return ret;
	}
	if (cap > SVSM_MSG_MAX) {
		cap = SVSM_MSG_MAX;
	}
	if (cap > 0 && !uspace_range_ok(ubuf, cap)) {
		kobj_put(o);
		return -SVSM_EFAULT;
	}
	if (f->r10 & SVSM_RECV_BLOCK) {
		watch_start(o, &w, p);
	}
	for (;;) {
		process_block_arm(p);
		ret = chan_take(to_end(o), ubuf, cap);
		if (ret != -SVSM_EAGAIN || !(f->r10 & SVSM_RECV_BLOCK)) {
			break;
		}
		if (process_is_killed(p)) {
			ret = -SVSM_EINTR;
			break;
		}
		process_block(p, UINT64_MAX);
	}
	if (f->r10 & SVSM_RECV_BLOCK) {
		kobj_watch_del(o, &w);
	}
	kobj_put(o);
	return ret;
}

/* ---- events ------------------------------------------------------ */

static struct kevent *to_event(struct kobj *o)
{
	return LIST_ENTRY(o, struct kevent, obj);
}

static uint32_t event_poll(struct kobj *o)
{
	struct kevent *ev = to_event(o);

	return __atomic_load_n(&ev->count, __ATOMIC_ACQUIRE) != 0
		       ? SVSM_WAIT_SIGNALED
		       : 0U;
}

static void event_release(struct kobj *o)
{
	kfree(to_event(o));
}

static const struct kobj_ops EVENT_OPS = {
	.poll = event_poll,
	.release = event_release,
};

/**
 * The event as an object, from its base address (gcc 12's analyzer sees
 * a pointer to the whole allocation escape into the handle table, where
 * `&ev->obj` looks like a leak of `ev`).
 */
static struct kobj *event_obj(struct kevent *ev)
{
	_Static_assert(offsetof(struct kevent, obj) == 0, "obj first");
	return (struct kobj *)(void *)ev;
}

/** event_create(flags). */
static int64_t sys_event_create(struct process *p, uint64_t flags)
{
	struct kevent *ev;
	int32_t h = -1;
	enum svsm_err err;

	if (flags != 0) {
		return -SVSM_EINVAL;
	}
	ev = kzalloc(sizeof(*ev));
	if (!ev) {
		return -SVSM_ENOMEM;
	}
	spin_lock_init(&ev->lock);
	kobj_init(event_obj(ev), KOBJ_EVENT, &EVENT_OPS);
	err = handle_install(&p->handles, event_obj(ev), EVENT_RIGHTS, &h);
	/* The table holds its own reference; on failure this is the last
	 * and frees the event. */
	kobj_put(event_obj(ev));
	return err == SVSM_OK ? h : handle_errno(err);
}

/** event_signal(h) and event_consume(h). */
static int64_t sys_event(struct process *p, uint64_t h, bool is_signal)
{
	int64_t ret = 0;
	struct kobj *o =
		get_obj(p, h, KOBJ_EVENT,
			is_signal ? SVSM_RIGHT_WRITE : SVSM_RIGHT_READ, &ret);
	struct kevent *ev;
	uint64_t flags;

	if (!o) {
		return ret;
	}
	ev = to_event(o);
	flags = spin_lock_irqsave(&ev->lock);
	if (is_signal) {
		if (ev->count < (uint64_t)INT64_MAX) {
			__atomic_store_n(&ev->count, ev->count + 1U,
					 __ATOMIC_RELEASE);
		}
	} else {
		ret = (int64_t)ev->count;
		__atomic_store_n(&ev->count, 0, __ATOMIC_RELEASE);
	}
	spin_unlock_irqrestore(&ev->lock, flags);
	if (is_signal) {
		kobj_notify(o);
	}
	kobj_put(o);
	return ret;
}

/* ---- wait -------------------------------------------------------- */

/** svsm_wait's working state (too big for the kernel stack). */
struct wait_state {
	struct svsm_wait_item items[SVSM_WAIT_MAX];
	struct kobj *objs[SVSM_WAIT_MAX];
	struct kobj_watch watches[SVSM_WAIT_MAX];
};

/** Fills every item's revents; returns how many are ready. */
static uint32_t wait_poll(struct wait_state *ws, uint32_t n)
{
	uint32_t ready = 0;

	for (uint32_t i = 0; i < n; i++) {
		struct svsm_wait_item *it = &ws->items[i];
		struct kobj *o = ws->objs[i];

		if (!o) {
			ready++; /* a bad handle is reported at once */
			continue;
		}
		it->revents = o->ops->poll ? o->ops->poll(o) & it->events : 0U;
		ready += it->revents != 0 ? 1U : 0U;
	}
	return ready;
}

/** The deadline `timeout_ns` from now (UINT64_MAX: none). */
static uint64_t deadline_after(uint64_t timeout_ns)
{
	uint64_t now = clock_monotonic_ns();

	if (timeout_ns == SVSM_WAIT_FOREVER || timeout_ns > UINT64_MAX - now) {
		return UINT64_MAX;
	}
	return now + timeout_ns;
}

/** Looks up every item's handle and watches its object. */
static int64_t wait_setup(struct process *p, struct wait_state *ws, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++) {
		struct svsm_wait_item *it = &ws->items[i];
		enum svsm_err err;

		if (it->events & ~WAIT_EVENTS_ALL) {
			return -SVSM_EINVAL;
		}
		it->revents = 0;
		err = handle_get(&p->handles, it->handle, SVSM_RIGHT_WAIT,
				 &ws->objs[i], NULL);
		it->error = (int32_t)handle_errno(err);
		if (err == SVSM_OK) {
			watch_start(ws->objs[i], &ws->watches[i], p);
		} else {
			ws->objs[i] = NULL;
		}
	}
	return 0;
}

/** wait(items, n, timeout_ns). */
static int64_t sys_wait(struct process *p, uint64_t uitems, uint64_t n,
			uint64_t timeout_ns)
{
	struct wait_state *ws;
	uint64_t deadline;
	int64_t ret;

	if (n > SVSM_WAIT_MAX) {
		return -SVSM_EINVAL;
	}
	ws = kzalloc(sizeof(*ws));
	if (!ws) {
		return -SVSM_ENOMEM;
	}
	ret = n > 0 ? get_user(ws->items, uitems, n * sizeof(ws->items[0])) : 0;
	if (ret == 0) {
		ret = wait_setup(p, ws, (uint32_t)n);
	}
	deadline = deadline_after(timeout_ns);
	while (ret == 0) {
		uint32_t ready;

		process_block_arm(p);
		ready = wait_poll(ws, (uint32_t)n);
		if (ready > 0 || clock_monotonic_ns() >= deadline) {
			ret = ready;
			break;
		}
		if (process_is_killed(p)) {
			ret = -SVSM_EINTR;
			break;
		}
		process_block(p, deadline);
	}
	for (uint32_t i = 0; i < n; i++) {
		if (ws->objs[i]) {
			kobj_watch_del(ws->objs[i], &ws->watches[i]);
			kobj_put(ws->objs[i]);
		}
	}
	if (ret >= 0 && n > 0) {
		int64_t err =
			put_user(uitems, ws->items, n * sizeof(ws->items[0]));

		ret = err != 0 ? err : ret;
	}
	kfree(ws);
	return ret;
}

/* ---- batch ------------------------------------------------------- */

/** batch(entries, n, flags). */
static int64_t sys_batch(struct process *p, uint64_t uents, uint64_t n,
			 uint64_t flags)
{
	uint64_t ran = 0;

	if (flags & ~(uint64_t)SVSM_BATCH_STOP_ON_ERROR || n > SVSM_BATCH_MAX) {
		return -SVSM_EINVAL;
	}
	if (!uspace_range_ok(uents, n * sizeof(struct svsm_batch_entry))) {
		return -SVSM_EFAULT;
	}
	for (uint64_t i = 0; i < n; i++) {
		uint64_t at = uents + i * sizeof(struct svsm_batch_entry);
		struct svsm_batch_entry e;
		struct trap_frame tf;

		if (get_user(&e, at, sizeof(e)) != 0) {
			return ran > 0 ? (int64_t)ran : -SVSM_EFAULT;
		}
		if (e.nr == SVSM_SYS_BATCH || e.nr == SVSM_SYS_EXIT ||
		    e.nr == SVSM_SYS_EXIT_GROUP) {
			e.result = -SVSM_EINVAL;
		} else {
			/* A compound literal: the compiler clears the rest of
			 * the frame inline, where memset() is a byte loop
			 * that would cost more than the call. */
			tf = (struct trap_frame){
				.rax = e.nr,
				.rdi = e.args[0],
				.rsi = e.args[1],
				.rdx = e.args[2],
				.r10 = e.args[3],
				.r8 = e.args[4],
				.r9 = e.args[5],
			};
			e.result = syscall_call(p, &tf);
		}
		ran++;
		if (put_user(at + offsetof(struct svsm_batch_entry, result),
			     &e.result, sizeof(e.result)) != 0 ||
		    process_is_killed(p) ||
		    ((flags & SVSM_BATCH_STOP_ON_ERROR) && e.result < 0)) {
			break;
		}
	}
	return (int64_t)ran;
}

/* ---- processes --------------------------------------------------- */

/** svsm_spawn's copies of the caller's arguments. */
struct spawn_buf {
	char path[SPAWN_PATH_MAX];
	char strs[2][SPAWN_STRS_SIZE];
	const char *vec[2][SPAWN_ARGS_MAX + 1U];
	struct svsm_policy policy;
	int32_t handles[SVSM_SPAWN_HANDLES];
	struct kobj *objs[SVSM_SPAWN_HANDLES];
	uint32_t rights[SVSM_SPAWN_HANDLES];
};

/** Copies the NULL-terminated string vector at `uv` (0: none). */
static int64_t get_user_vec(const char **vec, char *strs, uint64_t uv)
{
	size_t used = 0;

	vec[0] = NULL;
	if (uv == 0) {
		return 0;
	}
	for (uint32_t i = 0; i <= SPAWN_ARGS_MAX; i++) {
		uint64_t us;
		int64_t len = get_user(&us, uv + (uint64_t)i * 8U, sizeof(us));

		if (len != 0) {
			return len;
		}
		if (us == 0) {
			vec[i] = NULL;
			return 0;
		}
		if (i == SPAWN_ARGS_MAX) {
			return -SVSM_E2BIG;
		}
		len = get_user_str(strs + used, SPAWN_STRS_SIZE - used, us,
				   -SVSM_E2BIG);
		if (len < 0) {
			return len;
		}
		vec[i] = strs + used;
		used += (size_t)len + 1U;
	}
	return -SVSM_E2BIG;
}

/** Copies in and checks everything svsm_spawn's `a` points to. */
static int64_t spawn_copy_in(struct process *p, const struct svsm_spawn_args *a,
			     struct spawn_buf *b)
{
	int64_t ret = get_user_str(b->path, sizeof(b->path), a->path,
				   -SVSM_ENAMETOOLONG);

	if (ret >= 0) {
		ret = get_user_vec(b->vec[0], b->strs[0], a->argv);
	}
	if (ret == 0) {
		ret = get_user_vec(b->vec[1], b->strs[1], a->envp);
	}
	if (ret == 0 && a->nhandles > 0) {
		ret = get_user(b->handles, a->handles,
			       a->nhandles * sizeof(b->handles[0]));
	}
	b->policy = p->policy;
	if (ret == 0 && a->policy != 0) {
		struct svsm_policy req;

		ret = get_user(&req, a->policy, sizeof(req));
		if (ret == 0 && policy_check(&req) != SVSM_OK) {
			ret = -SVSM_EINVAL;
		}
		if (ret == 0) {
			policy_intersect(&b->policy, &req);
		}
	}
	b->policy.denied = 0;
	for (uint32_t i = 0; i < a->nhandles && ret == 0; i++) {
		ret = handle_errno(handle_get(&p->handles, b->handles[i],
					      SVSM_RIGHT_DUP, &b->objs[i],
					      &b->rights[i]));
	}
	return ret;
}

/** The CPU for a new process: `cpu`, or the next that schedules. */
static int64_t spawn_pick_cpu(uint32_t cpu)
{
	uint32_t count = smp_cpu_count();

	if (cpu != SVSM_SPAWN_ANY_CPU) {
		return cpu < count && sched_cpu_is_started(cpu) ? (int64_t)cpu
								: -SVSM_EINVAL;
	}
	for (uint32_t i = 0; i < count; i++) {
		uint32_t c = __atomic_fetch_add(&spawn_cpu_next, 1,
						__ATOMIC_RELAXED) %
			     count;

		if (sched_cpu_is_started(c)) {
			return c;
		}
	}
	return 0;
}

/** process_spawn_prepare's errors as errno values. */
static int64_t spawn_errno(enum svsm_err err)
{
	static const struct {
		enum svsm_err err;
		int64_t errno_val;
	} map[] = {
		{ SVSM_ERR_NOTFOUND, SVSM_ENOENT },
		{ SVSM_ERR_RANGE, SVSM_E2BIG },
		{ SVSM_ERR_NOMEM, SVSM_ENOMEM },
		{ SVSM_ERR_BUSY, SVSM_EAGAIN },
		{ SVSM_ERR_UNSUPPORTED, SVSM_ENOSYS },
	};

	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		if (map[i].err == err) {
			return -map[i].errno_val;
		}
	}
	return -SVSM_ENOEXEC; /* the ELF checker refused it */
}

/** Loads, equips and starts the child; its handle in the caller. */
static int64_t spawn_start(struct process *p, const struct svsm_spawn_args *a,
			   struct spawn_buf *b, uint32_t cpu)
{
	const char *name = b->vec[0][0] ? b->vec[0][0] : b->path;
	struct process *child;
	enum svsm_err err =
		process_spawn_prepare(b->path, b->vec[0], b->vec[1], &child);
	int32_t h = -1;

	if (err != SVSM_OK) {
		return spawn_errno(err);
	}
	for (uint32_t i = 0; i < a->nhandles && err == SVSM_OK; i++) {
		int32_t ch;

		err = handle_install(&child->handles, b->objs[i], b->rights[i],
				     &ch);
	}
	child->policy = b->policy;
	if (err == SVSM_OK) {
		err = handle_install(&p->handles, &child->obj, PROC_RIGHTS, &h);
	}
	if (err == SVSM_OK) {
		err = process_spawn_start(child, cpu, name);
		if (err != SVSM_OK) {
			close_quiet(p, h);
		}
	}
	process_put(child); /* the handle, if any, holds it */
	return err == SVSM_OK ? h : handle_errno(err);
}

/** spawn(args). */
static int64_t sys_spawn(struct process *p, uint64_t uargs)
{
	struct svsm_spawn_args a;
	struct spawn_buf *b;
	int64_t ret = get_user(&a, uargs, sizeof(a));
	int64_t cpu;

	if (ret != 0) {
		return ret;
	}
	if (a.nhandles > SVSM_SPAWN_HANDLES) {
		return -SVSM_EINVAL;
	}
	cpu = spawn_pick_cpu(a.cpu);
	if (cpu < 0) {
		return cpu;
	}
	b = kzalloc(sizeof(*b));
	if (!b) {
		return -SVSM_ENOMEM;
	}
	ret = spawn_copy_in(p, &a, b);
	if (ret == 0) {
		ret = spawn_start(p, &a, b, (uint32_t)cpu);
	}
	for (uint32_t i = 0; i < a.nhandles; i++) {
		if (b->objs[i]) {
			kobj_put(b->objs[i]);
		}
	}
	kfree(b);
	return ret;
}

/** proc_wait(h, flags). */
static int64_t sys_proc_wait(struct process *p, uint64_t h, uint64_t flags)
{
	struct kobj_watch w;
	struct process *child;
	struct kobj *o = NULL;
	uint32_t status;
	int64_t ret;

	if (flags & ~(uint64_t)SVSM_PROC_NOHANG) {
		return -SVSM_EINVAL;
	}
	o = get_obj(p, h, KOBJ_PROCESS, SVSM_RIGHT_WAIT, &ret);
	if (!o) {
		return ret;
	}
	child = LIST_ENTRY(o, struct process, obj);
	watch_start(o, &w, p);
	for (;;) {
		process_block_arm(p);
		if (process_status(child, &status)) {
			ret = status;
			break;
		}
		if (flags & SVSM_PROC_NOHANG) {
			ret = -SVSM_EAGAIN;
			break;
		}
		if (process_is_killed(p)) {
			ret = -SVSM_EINTR;
			break;
		}
		process_block(p, UINT64_MAX);
	}
	kobj_watch_del(o, &w);
	kobj_put(o);
	return ret;
}

/** proc_kill(h). */
static int64_t sys_proc_kill(struct process *p, uint64_t h)
{
	int64_t ret = 0;
	struct kobj *o = get_obj(p, h, KOBJ_PROCESS, SVSM_RIGHT_KILL, &ret);

	if (!o) {
		return ret;
	}
	process_kill(LIST_ENTRY(o, struct process, obj));
	kobj_put(o);
	return 0;
}

/* ---- policy ------------------------------------------------------ */

int64_t policy_refuse(struct process *p, uint64_t nr)
{
	uint64_t n = ++p->policy.denied;

	if (n <= 4U || (n & (n - 1U)) == 0) {
		log_printf("process %llu: system call 0x%llx refused by its "
			   "policy (%llu refused)\n",
			   (unsigned long long)p->id, (unsigned long long)nr,
			   (unsigned long long)n);
	}
	return -SVSM_EPERM;
}

bool policy_may_open(const struct process *p, const char *path)
{
	return policy_prefix_allows(p->policy.open_prefix, path);
}

/** policy_drop(policy). */
static int64_t sys_policy_drop(struct process *p, uint64_t upol)
{
	struct svsm_policy req;
	int64_t ret = get_user(&req, upol, sizeof(req));

	if (ret != 0) {
		return ret;
	}
	if (policy_check(&req) != SVSM_OK) {
		return -SVSM_EINVAL;
	}
	policy_intersect(&p->policy, &req);
	return 0;
}

/* ---- dispatch ---------------------------------------------------- */

/** dup(h, rights). */
static int64_t sys_dup(struct process *p, uint64_t h, uint64_t rights)
{
	int32_t out = -1;
	enum svsm_err err;

	if (rights & ~(uint64_t)SVSM_RIGHTS_ALL) {
		return -SVSM_EINVAL;
	}
	err = handle_dup(&p->handles, (int64_t)h, (uint32_t)rights, &out);
	return err == SVSM_OK ? out : handle_errno(err);
}

int64_t syscall_native(struct process *p, struct trap_frame *f)
{
	switch (f->rax) {
	case SVSM_SYS_HANDLE_CLOSE:
		return handle_errno(handle_close(&p->handles, (int64_t)f->rdi));
	case SVSM_SYS_HANDLE_DUP:
		return sys_dup(p, f->rdi, f->rsi);
	case SVSM_SYS_CHAN_CREATE:
		return sys_chan_create(p, f->rdi, f->rsi);
	case SVSM_SYS_CHAN_SEND:
		return sys_chan_send(p, f);
	case SVSM_SYS_CHAN_RECV:
		return sys_chan_recv(p, f);
	case SVSM_SYS_EVENT_CREATE:
		return sys_event_create(p, f->rdi);
	case SVSM_SYS_EVENT_SIGNAL:
	case SVSM_SYS_EVENT_CONSUME:
		return sys_event(p, f->rdi, f->rax == SVSM_SYS_EVENT_SIGNAL);
	case SVSM_SYS_WAIT:
		return sys_wait(p, f->rdi, f->rsi, f->rdx);
	case SVSM_SYS_BATCH:
		return sys_batch(p, f->rdi, f->rsi, f->rdx);
	case SVSM_SYS_SPAWN:
		return sys_spawn(p, f->rdi);
	case SVSM_SYS_PROC_WAIT:
		return sys_proc_wait(p, f->rdi, f->rsi);
	case SVSM_SYS_PROC_KILL:
		return sys_proc_kill(p, f->rdi);
	case SVSM_SYS_POLICY_DROP:
		return sys_policy_drop(p, f->rdi);
	case SVSM_SYS_POLICY_GET:
		return put_user(f->rdi, &p->policy, sizeof(p->policy));
	default:
		return -SVSM_ENOSYS;
	}
}
