// SPDX-License-Identifier: MIT
/*
 * Channel message queues and the message budget (svsm/chanq.h).
 */
#include "svsm/chanq.h"

#include <stddef.h>

#include "svsm/heap.h"
#include "svsm/panic.h"

#define CHARGE_PAGE 4096U

uint64_t chan_msg_charge(uint32_t len)
{
	uint64_t need = sizeof(struct chan_msg) + (uint64_t)len;
	uint64_t cls = HEAP_MIN_SIZE;

	if (need > HEAP_SLAB_MAX) {
		/* Whole pages, the block's pointer HEAP_LARGE_OFFSET in. */
		need += HEAP_LARGE_OFFSET;
		return (need + CHARGE_PAGE - 1U) / CHARGE_PAGE * CHARGE_PAGE;
	}
	while (cls < need) {
		cls *= 2U;
	}
	return cls;
}

enum svsm_err chan_budget_take(struct chan_budget *b, uint64_t bytes)
{
	uint64_t old = __atomic_load_n(&b->used, __ATOMIC_RELAXED);
	uint64_t peak;

	do {
		if (bytes > b->limit || old > b->limit - bytes) {
			__atomic_fetch_add(&b->refused, 1, __ATOMIC_RELAXED);
			return SVSM_ERR_NOMEM;
		}
	} while (!__atomic_compare_exchange_n(&b->used, &old, old + bytes,
					      false, __ATOMIC_RELAXED,
					      __ATOMIC_RELAXED));
	peak = __atomic_load_n(&b->peak, __ATOMIC_RELAXED);
	while (old + bytes > peak &&
	       !__atomic_compare_exchange_n(&b->peak, &peak, old + bytes, false,
					    __ATOMIC_RELAXED,
					    __ATOMIC_RELAXED)) {
	}
	return SVSM_OK;
}

void chan_budget_give(struct chan_budget *b, uint64_t bytes)
{
	uint64_t old = __atomic_fetch_sub(&b->used, bytes, __ATOMIC_RELAXED);

	CHECK(old >= bytes);
}

void chanq_init(struct chanq *q)
{
	for (uint32_t i = 0; i < SVSM_CHAN_DEPTH; i++) {
		q->slots[i] = NULL;
	}
	q->head = 0;
	q->count = 0;
}

bool chanq_is_full(const struct chanq *q)
{
	return q->count >= SVSM_CHAN_DEPTH;
}

enum svsm_err chanq_push(struct chanq *q, struct chan_msg *m)
{
	if (chanq_is_full(q)) {
		return SVSM_ERR_BUSY;
	}
	q->slots[(q->head + q->count) % SVSM_CHAN_DEPTH] = m;
	q->count++;
	return SVSM_OK;
}

struct chan_msg *chanq_peek(const struct chanq *q)
{
	return q->count > 0 ? q->slots[q->head] : NULL;
}

struct chan_msg *chanq_pop(struct chanq *q)
{
	struct chan_msg *m = chanq_peek(q);

	if (m) {
		q->slots[q->head] = NULL;
		q->head = (q->head + 1U) % SVSM_CHAN_DEPTH;
		q->count--;
	}
	return m;
}
