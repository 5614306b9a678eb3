/* SPDX-License-Identifier: MIT */
/*
 * Kernel objects and per-process handle tables.
 *
 * A kernel object (struct kobj) is anything a process can hold: the
 * console, an open RAM FS file, a channel end, an event, a process. It
 * has a type, a table of operations and a reference count; the last
 * kobj_put() calls its release operation.
 *
 * A handle is an index into the process's table (SVSM_HANDLE_MAX slots)
 * naming an object and the rights the process has on it
 * (SVSM_RIGHT_*). Linux file descriptors are the same handles: the
 * lowest free slot is taken, and 0, 1 and 2 are the console. A lookup
 * takes a reference, so an object stays alive across a blocking
 * operation even if another path closes the handle meanwhile.
 *
 * Watchers: a task that waits for an object's state to change (svsm_wait,
 * a blocking recv or proc_wait) adds a struct kobj_watch to the object;
 * whoever changes the state calls kobj_notify(), which calls every
 * watcher's function under the object's `watch_lock` (interrupts off:
 * the function may only wake, never block). The watcher re-checks the
 * object's poll() after it is woken.
 */
#pragma once

#include <stdint.h>

#include "svsm/err.h"
#include "svsm/list.h"
#include "svsm/spinlock.h"

#include "uapi/svsm/syscall.h"

enum kobj_type {
	KOBJ_CONSOLE,
	KOBJ_FILE,
	KOBJ_CHANNEL,
	KOBJ_EVENT,
	KOBJ_PROCESS,
	KOBJ_REQQ, /**< the guest request queue (svsm/request.h) */
};

struct kobj;

/**
 * What an object can do; a NULL operation is refused with the errno the
 * caller names (EBADF for read/write, ESPIPE for seek, ...). `ubuf` is a
 * user address: operations copy with arch_copy_user after checking it.
 */
struct kobj_ops {
	int64_t (*read)(struct kobj *o, uint64_t ubuf, uint64_t len);
	int64_t (*write)(struct kobj *o, uint64_t ubuf, uint64_t len);
	/** SVSM_WAIT_* conditions that hold now. */
	uint32_t (*poll)(struct kobj *o);
	/** Frees the object: its last reference is gone. */
	void (*release)(struct kobj *o);
};

/** The part every kernel object starts with. */
struct kobj {
	const struct kobj_ops *ops;
	enum kobj_type type;
	uint32_t refs; /**< atomic; a static object starts with 1 and never
			*  reaches 0 */
	struct spinlock watch_lock; /**< covers `watchers` */
	struct list_node watchers;  /**< struct kobj_watch.link */
};

struct kobj_watch;
/** Called by kobj_notify, interrupts off: may wake, never block. */
typedef void (*kobj_watch_fn)(struct kobj_watch *w);

/** One waiter's interest in an object's state (see the file comment). */
struct kobj_watch {
	struct list_node link;
	kobj_watch_fn fn;
	void *arg; /**< the watcher's */
};

/** A handle table slot: the object and the holder's rights on it. */
struct handle_slot {
	struct kobj *obj;
	uint32_t rights;
};

/** A process's handles. */
struct handle_table {
	struct spinlock lock;
	struct handle_slot slots[SVSM_HANDLE_MAX];
};

/** Initialises `o` with one reference. */
void kobj_init(struct kobj *o, enum kobj_type type, const struct kobj_ops *ops);
/** Takes a reference. */
void kobj_get(struct kobj *o);
/** Drops a reference; the last one releases the object. */
void kobj_put(struct kobj *o);
/** Adds `w` (fn and arg set) to `o`'s watchers; the caller holds `o`. */
void kobj_watch_add(struct kobj *o, struct kobj_watch *w);
/** Removes `w` from `o`'s watchers; after it, `w->fn` is not running. */
void kobj_watch_del(struct kobj *o, struct kobj_watch *w);
/** Calls every watcher of `o`: its state may have changed. */
void kobj_notify(struct kobj *o);

/** An empty table. */
void handle_table_init(struct handle_table *ht);
/**
 * Puts `o` with `rights` in the lowest free slot and returns its index
 * in `*out`. The table takes its own reference. SVSM_ERR_RANGE when
 * every slot is taken (EMFILE).
 */
enum svsm_err handle_install(struct handle_table *ht, struct kobj *o,
			     uint32_t rights, int32_t *out) SVSM_MUST_CHECK;
/**
 * Looks up handle `h`: SVSM_ERR_NOTFOUND if it names nothing (EBADF),
 * SVSM_ERR_PERM if it lacks any right in `need` (EBADF for Linux calls,
 * EPERM for native ones); else `*out` holds a new reference the caller
 * must put, and `*rights` (if not NULL) the handle's rights.
 */
enum svsm_err handle_get(struct handle_table *ht, int64_t h, uint32_t need,
			 struct kobj **out, uint32_t *rights) SVSM_MUST_CHECK;
/** Closes `h`. SVSM_ERR_NOTFOUND if it names nothing. */
enum svsm_err handle_close(struct handle_table *ht, int64_t h) SVSM_MUST_CHECK;
/**
 * A new handle to `h`'s object with `rights`, which must be a subset of
 * h's, and h must have SVSM_RIGHT_DUP (else SVSM_ERR_PERM).
 */
enum svsm_err handle_dup(struct handle_table *ht, int64_t h, uint32_t rights,
			 int32_t *out) SVSM_MUST_CHECK;
/** Closes every handle (the process has ended; no other user). */
void handle_table_destroy(struct handle_table *ht);
/**
 * Installs the console as 0 (read: end of file), 1 and 2 (write: the
 * log) in an empty table.
 */
enum svsm_err handle_install_console(struct handle_table *ht) SVSM_MUST_CHECK;
/** Maps an error from the calls above to a negative Linux errno. */
int64_t handle_errno(enum svsm_err err);
