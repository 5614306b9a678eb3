/* SPDX-License-Identifier: MIT */
/*
 * The message queue of one direction of a channel and the kernel-wide
 * budget that bounds the memory all queued messages may take.
 *
 * A queue holds up to SVSM_CHAN_DEPTH messages in arrival order, each a
 * separate allocation of its length plus a header. Every message is
 * charged to the budget for what its allocation really costs
 * (chan_msg_charge: the heap's slab class, or whole pages plus the large
 * block's header) before it is allocated, and given back when it is
 * freed: however many channels processes create, queued messages never
 * hold more than the budget's limit of kernel heap. A send that would
 * pass the limit is refused (ENOMEM) and counted.
 *
 * No locking here: the channel's lock covers its two queues; the budget
 * is updated with atomics. Pure code, built for the host unit tests
 * (tests/unit/test_chanq.c).
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "svsm/err.h"

#include "uapi/svsm/syscall.h"

/** One queued message. */
struct chan_msg {
	uint32_t len;	 /**< bytes in `data` */
	uint32_t charge; /**< what it costs the budget */
	uint8_t data[];
};

/** The messages waiting for one end. */
struct chanq {
	struct chan_msg *slots[SVSM_CHAN_DEPTH];
	uint32_t head;	/**< index of the oldest */
	uint32_t count; /**< messages queued */
};

/** A limit on the bytes all queued messages may cost. */
struct chan_budget {
	uint64_t limit;
	uint64_t used;	  /**< atomic */
	uint64_t peak;	  /**< atomic: the most `used` has been */
	uint64_t refused; /**< atomic: charges refused */
};

/** What a message of `len` bytes costs the kernel heap. */
uint64_t chan_msg_charge(uint32_t len);
/** Charges `bytes`; SVSM_ERR_NOMEM (and counted) past the limit. */
enum svsm_err chan_budget_take(struct chan_budget *b,
			       uint64_t bytes) SVSM_MUST_CHECK;
/** Gives back `bytes` charged earlier. */
void chan_budget_give(struct chan_budget *b, uint64_t bytes);

/** An empty queue. */
void chanq_init(struct chanq *q);
/** Whether SVSM_CHAN_DEPTH messages wait. */
bool chanq_is_full(const struct chanq *q);
/** Appends `m`; SVSM_ERR_BUSY when full. */
enum svsm_err chanq_push(struct chanq *q, struct chan_msg *m) SVSM_MUST_CHECK;
/** The oldest message, or NULL. */
struct chan_msg *chanq_peek(const struct chanq *q);
/** Removes and returns the oldest message, or NULL. */
struct chan_msg *chanq_pop(struct chanq *q);
