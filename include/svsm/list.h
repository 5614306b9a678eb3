/* SPDX-License-Identifier: MIT */
/*
 * Intrusive circular doubly-linked lists. A `struct list_node` is both a
 * list head and the link embedded in each element; an element is on at
 * most one list through a given node. No locking: the owner of the list
 * says which lock protects it.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

/** A list head, or the link of an element. */
struct list_node {
	struct list_node *next;
	struct list_node *prev;
};

/** Makes `n` an empty list (or an unlinked element). */
static inline void list_init(struct list_node *n)
{
	n->next = n;
	n->prev = n;
}

static inline bool list_is_empty(const struct list_node *head)
{
	return head->next == head;
}

/** Appends `n` at the tail of `head`. */
static inline void list_add_tail(struct list_node *head, struct list_node *n)
{
	n->prev = head->prev;
	n->next = head;
	head->prev->next = n;
	head->prev = n;
}

/** Unlinks `n` and leaves it an empty list. */
static inline void list_del(struct list_node *n)
{
	n->prev->next = n->next;
	n->next->prev = n->prev;
	list_init(n);
}

/** Unlinks and returns the first element of `head`, or NULL if empty. */
static inline struct list_node *list_pop(struct list_node *head)
{
	struct list_node *n = head->next;

	if (n == head) {
		return NULL;
	}
	list_del(n);
	return n;
}

/** The structure of type `type` whose member `member` is at `ptr`. */
#define LIST_ENTRY(ptr, type, member) \
	((type *)((char *)(ptr)-offsetof(type, member)))
