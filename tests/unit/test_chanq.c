// SPDX-License-Identifier: MIT
/*
 * Host tests of channel queues and the message budget
 * (kernel/proc/chanq.c): FIFO order across the ring's wrap, full at
 * SVSM_CHAN_DEPTH, charges that match the heap's real cost, and a
 * budget that refuses past its limit, counts refusals and keeps a peak.
 */
#include "svsm/chanq.h"
#include "svsm/heap.h"
#include "svsm/test.h"

TEST(chanq, fifo_order_across_the_wrap)
{
	static struct chan_msg msgs[SVSM_CHAN_DEPTH * 2U];
	struct chanq q;
	uint32_t next_in = 0;
	uint32_t next_out = 0;

	chanq_init(&q);
	EXPECT_TRUE(chanq_peek(&q) == NULL && chanq_pop(&q) == NULL);
	for (uint32_t round = 0; round < 3; round++) {
		while (!chanq_is_full(&q)) {
			msgs[next_in % (SVSM_CHAN_DEPTH * 2U)].len = next_in;
			EXPECT_OK(chanq_push(
				&q, &msgs[next_in % (SVSM_CHAN_DEPTH * 2U)]));
			next_in++;
		}
		EXPECT_EQ(q.count, SVSM_CHAN_DEPTH);
		EXPECT_ERR(chanq_push(&q, &msgs[0]), SVSM_ERR_BUSY);
		for (uint32_t i = 0; i < 5; i++) {
			struct chan_msg *m = chanq_pop(&q);

			EXPECT_TRUE(m != NULL && m->len == next_out);
			next_out++;
		}
	}
	while (chanq_pop(&q) != NULL) {
		next_out++;
	}
	EXPECT_EQ(next_out, next_in);
	EXPECT_EQ(q.count, 0);
}

TEST(chanq, charge_is_what_the_heap_takes)
{
	uint64_t hdr = sizeof(struct chan_msg);

	EXPECT_EQ(chan_msg_charge(0), HEAP_MIN_SIZE);
	EXPECT_EQ(chan_msg_charge(8), 16);
	EXPECT_EQ(chan_msg_charge(9), 32);
	EXPECT_EQ(chan_msg_charge((uint32_t)(HEAP_SLAB_MAX - hdr)),
		  HEAP_SLAB_MAX);
	EXPECT_EQ(chan_msg_charge((uint32_t)(HEAP_SLAB_MAX - hdr + 1U)), 4096);
	/* 8 KiB + header + the large block's 64 bytes: three pages. */
	EXPECT_EQ(chan_msg_charge(SVSM_MSG_MAX), 3U * 4096U);
}

TEST(chanq, budget_refuses_past_its_limit)
{
	struct chan_budget b = { .limit = 100 };

	EXPECT_OK(chan_budget_take(&b, 60));
	EXPECT_OK(chan_budget_take(&b, 40));
	EXPECT_ERR(chan_budget_take(&b, 1), SVSM_ERR_NOMEM);
	EXPECT_ERR(chan_budget_take(&b, UINT64_MAX), SVSM_ERR_NOMEM);
	EXPECT_EQ(b.refused, 2);
	EXPECT_EQ(b.used, 100);
	chan_budget_give(&b, 60);
	EXPECT_OK(chan_budget_take(&b, 10));
	EXPECT_EQ(b.used, 50);
	EXPECT_EQ(b.peak, 100);
	chan_budget_give(&b, 50);
	EXPECT_EQ(b.used, 0);
}
