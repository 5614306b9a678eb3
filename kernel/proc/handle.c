// SPDX-License-Identifier: MIT
/*
 * Kernel objects and handle tables (svsm/handle.h). Builds for the host
 * unit tests too (tests/unit/test_handle.c): nothing here touches user
 * memory. The table lock is held only to read or change a slot; an
 * object's operations run on a reference taken under it, outside it, so
 * they may block.
 */
#include "svsm/handle.h"

#include <stddef.h>

#include "svsm/panic.h"

void kobj_init(struct kobj *o, enum kobj_type type, const struct kobj_ops *ops)
{
	o->ops = ops;
	o->type = type;
	o->refs = 1;
	spin_lock_init(&o->watch_lock);
	list_init(&o->watchers);
}

void kobj_watch_add(struct kobj *o, struct kobj_watch *w)
{
	uint64_t flags = spin_lock_irqsave(&o->watch_lock);

	list_add_tail(&o->watchers, &w->link);
	spin_unlock_irqrestore(&o->watch_lock, flags);
}

void kobj_watch_del(struct kobj *o, struct kobj_watch *w)
{
	uint64_t flags = spin_lock_irqsave(&o->watch_lock);

	list_del(&w->link);
	spin_unlock_irqrestore(&o->watch_lock, flags);
}

void kobj_notify(struct kobj *o)
{
	uint64_t flags = spin_lock_irqsave(&o->watch_lock);

	for (struct list_node *n = o->watchers.next; n != &o->watchers;
	     n = n->next) {
		struct kobj_watch *w = LIST_ENTRY(n, struct kobj_watch, link);

		w->fn(w);
	}
	spin_unlock_irqrestore(&o->watch_lock, flags);
}

void kobj_get(struct kobj *o)
{
	uint32_t old = __atomic_fetch_add(&o->refs, 1, __ATOMIC_RELAXED);

	CHECK(old != 0 && old != UINT32_MAX);
}

void kobj_put(struct kobj *o)
{
	uint32_t old = __atomic_fetch_sub(&o->refs, 1, __ATOMIC_ACQ_REL);

	CHECK(old != 0);
	if (old == 1 && o->ops->release) {
		o->ops->release(o);
	}
}

void handle_table_init(struct handle_table *ht)
{
	spin_lock_init(&ht->lock);
	for (uint32_t i = 0; i < SVSM_HANDLE_MAX; i++) {
		ht->slots[i] = (struct handle_slot){ NULL, 0 };
	}
}

enum svsm_err handle_install(struct handle_table *ht, struct kobj *o,
			     uint32_t rights, int32_t *out)
{
	uint64_t flags = spin_lock_irqsave(&ht->lock);

	for (uint32_t i = 0; i < SVSM_HANDLE_MAX; i++) {
		if (!ht->slots[i].obj) {
			kobj_get(o);
			ht->slots[i] = (struct handle_slot){
				o, rights & SVSM_RIGHTS_ALL
			};
			spin_unlock_irqrestore(&ht->lock, flags);
			*out = (int32_t)i;
			return SVSM_OK;
		}
	}
	spin_unlock_irqrestore(&ht->lock, flags);
	return SVSM_ERR_RANGE;
}

enum svsm_err handle_get(struct handle_table *ht, int64_t h, uint32_t need,
			 struct kobj **out, uint32_t *rights)
{
	enum svsm_err err = SVSM_OK;
	uint64_t flags;
	struct handle_slot s;

	if (h < 0 || h >= (int64_t)SVSM_HANDLE_MAX) {
		return SVSM_ERR_NOTFOUND;
	}
	flags = spin_lock_irqsave(&ht->lock);
	s = ht->slots[h];
	if (!s.obj) {
		err = SVSM_ERR_NOTFOUND;
	} else if ((s.rights & need) != need) {
		err = SVSM_ERR_PERM;
	} else {
		kobj_get(s.obj);
	}
	spin_unlock_irqrestore(&ht->lock, flags);
	if (err == SVSM_OK) {
		*out = s.obj;
		if (rights) {
			*rights = s.rights;
		}
	}
	return err;
}

enum svsm_err handle_close(struct handle_table *ht, int64_t h)
{
	struct kobj *o;
	uint64_t flags;

	if (h < 0 || h >= (int64_t)SVSM_HANDLE_MAX) {
		return SVSM_ERR_NOTFOUND;
	}
	flags = spin_lock_irqsave(&ht->lock);
	o = ht->slots[h].obj;
	ht->slots[h] = (struct handle_slot){ NULL, 0 };
	spin_unlock_irqrestore(&ht->lock, flags);
	if (!o) {
		return SVSM_ERR_NOTFOUND;
	}
	kobj_put(o);
	return SVSM_OK;
}

enum svsm_err handle_dup(struct handle_table *ht, int64_t h, uint32_t rights,
			 int32_t *out)
{
	struct kobj *o;
	uint32_t have;
	enum svsm_err err = handle_get(ht, h, SVSM_RIGHT_DUP, &o, &have);

	if (err != SVSM_OK) {
		return err;
	}
	if ((rights & ~have) != 0) {
		err = SVSM_ERR_PERM;
	} else {
		err = handle_install(ht, o, rights, out);
	}
	kobj_put(o);
	return err;
}

void handle_table_destroy(struct handle_table *ht)
{
	for (uint32_t i = 0; i < SVSM_HANDLE_MAX; i++) {
		struct kobj *o = ht->slots[i].obj;

		ht->slots[i] = (struct handle_slot){ NULL, 0 };
		if (o) {
			kobj_put(o);
		}
	}
}

int64_t handle_errno(enum svsm_err err)
{
	switch (err) {
	case SVSM_OK:
		return 0;
	case SVSM_ERR_NOTFOUND:
		return -SVSM_EBADF;
	case SVSM_ERR_PERM:
		return -SVSM_EPERM;
	case SVSM_ERR_RANGE:
		return -SVSM_EMFILE;
	case SVSM_ERR_NOMEM:
		return -SVSM_ENOMEM;
	case SVSM_ERR_INVAL:
	case SVSM_ERR_FAULT:
	case SVSM_ERR_EXISTS:
	case SVSM_ERR_BUSY:
	case SVSM_ERR_UNSUPPORTED:
	case SVSM_ERR_IO:
	case SVSM_ERR_INTEGRITY:
	case SVSM_ERR_COUNT:
	default:
		return -SVSM_EINVAL;
	}
}
