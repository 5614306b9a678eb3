// SPDX-License-Identifier: MIT
/*
 * Unit tests of init's supervision rules (user/init/supervise.c): the
 * restart rules, back-off doubling to its cap and its reset after a long
 * run, failed starts, the wait until the next start, and the names of
 * the faults that killed a service.
 */
#include <string.h>

#include "svsm/test.h"

#include "supervise.h"

#define MS 1000000ULL
#define KILLED_PF (SVSM_EXIT_KILLED | 14U)

static struct init_service svc(enum init_restart r, uint32_t first,
			       uint32_t cap)
{
	struct init_service s;

	memset(&s, 0, sizeof(s));
	s.restart = r;
	s.backoff_first_ms = first;
	s.backoff_cap_ms = cap;
	return s;
}

TEST(init_supervise, restart_rules)
{
	struct init_svc_state st;
	struct init_service never = svc(INIT_RESTART_NEVER, 100, 5000);
	struct init_service onfail = svc(INIT_RESTART_ON_FAILURE, 100, 5000);
	struct init_service always = svc(INIT_RESTART_ALWAYS, 100, 5000);
	const uint32_t statuses[] = { 0, 1, KILLED_PF };
	/* [rule][status]: restart? */
	const bool want[3][3] = {
		{ false, false, false },
		{ false, true, true },
		{ true, true, true },
	};
	const struct init_service *rules[3] = { &never, &onfail, &always };

	for (int r = 0; r < 3; r++) {
		for (int s = 0; s < 3; s++) {
			init_supervise_init(rules[r], &st, 0);
			init_supervise_started(&st, 5, 0);
			struct init_decision d = init_supervise_ended(
				rules[r], &st, statuses[s], 1 * MS);

			EXPECT_EQ(d.action == INIT_ACTION_RESTART, want[r][s]);
			EXPECT_EQ(st.is_pending, want[r][s]);
			EXPECT_EQ(st.handle, -1);
			if (want[r][s]) {
				EXPECT_EQ(d.delay_ms, 100);
				EXPECT_EQ(st.next_start_ns, 101 * MS);
			}
		}
	}
}

TEST(init_supervise, backoff_doubles_to_cap_and_resets)
{
	struct init_service s = svc(INIT_RESTART_ON_FAILURE, 100, 1000);
	struct init_svc_state st;
	const uint32_t want[] = { 100, 200, 400, 800, 1000, 1000 };
	uint64_t now = 0;

	init_supervise_init(&s, &st, now);
	for (unsigned i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		init_supervise_started(&st, 3, now);
		now += 50 * MS; /* crashes quickly */
		struct init_decision d =
			init_supervise_ended(&s, &st, KILLED_PF, now);

		EXPECT_EQ(d.action, INIT_ACTION_RESTART);
		EXPECT_EQ(d.delay_ms, want[i]);
		EXPECT_EQ(st.restarts, i + 1U);
		now = st.next_start_ns;
	}
	/* A run of 10 s or more starts the back-off again. */
	init_supervise_started(&st, 3, now);
	now += INIT_BACKOFF_RESET_NS;
	EXPECT_EQ(init_supervise_ended(&s, &st, 1, now).delay_ms, 100);
	/* A run just short of it does not. */
	init_supervise_started(&st, 3, st.next_start_ns);
	now = st.started_ns + INIT_BACKOFF_RESET_NS - 1U;
	EXPECT_EQ(init_supervise_ended(&s, &st, 1, now).delay_ms, 200);
}

TEST(init_supervise, failed_start_is_always_retried)
{
	struct init_service s = svc(INIT_RESTART_NEVER, 50, 120);
	struct init_svc_state st;

	init_supervise_init(&s, &st, 0);
	EXPECT_EQ(init_supervise_start_failed(&s, &st, 0).delay_ms, 50);
	EXPECT_TRUE(st.is_pending);
	EXPECT_EQ(init_supervise_start_failed(&s, &st, 0).delay_ms, 100);
	EXPECT_EQ(init_supervise_start_failed(&s, &st, 0).delay_ms, 120);
	EXPECT_EQ(init_supervise_start_failed(&s, &st, 0).action,
		  INIT_ACTION_RESTART);
	EXPECT_EQ(st.next_start_ns, 120 * MS);
}

TEST(init_supervise, timeout_until_next_start)
{
	struct init_service s = svc(INIT_RESTART_ALWAYS, 100, 100);
	struct init_svc_state st[3];

	for (int i = 0; i < 3; i++) {
		init_supervise_init(&s, &st[i], 0);
		init_supervise_started(&st[i], i, 0);
	}
	EXPECT_EQ(init_supervise_timeout(st, 3, 0), SVSM_WAIT_FOREVER);
	(void)init_supervise_ended(&s, &st[1], 1, 10 * MS); /* at 110 ms */
	(void)init_supervise_ended(&s, &st[2], 1, 5 * MS);  /* at 105 ms */
	EXPECT_EQ(init_supervise_timeout(st, 3, 20 * MS), 85 * MS);
	EXPECT_EQ(init_supervise_timeout(st, 3, 200 * MS), 0);
	EXPECT_EQ(init_supervise_timeout(st, 0, 0), SVSM_WAIT_FOREVER);
}

TEST(init_supervise, fault_names)
{
	EXPECT_TRUE(init_status_fault(0) == NULL);
	EXPECT_TRUE(init_status_fault(255) == NULL);
	EXPECT_STREQ(init_status_fault(KILLED_PF), "page fault");
	EXPECT_STREQ(init_status_fault(SVSM_EXIT_KILLED | 13U),
		     "general protection");
	EXPECT_STREQ(init_status_fault(SVSM_EXIT_KILLED | 6U),
		     "invalid opcode");
	EXPECT_STREQ(init_status_fault(SVSM_EXIT_KILLED | 0U), "divide error");
	EXPECT_STREQ(init_status_fault(SVSM_EXIT_KILLED | 0xFFU), "killed");
	EXPECT_STREQ(init_status_fault(SVSM_EXIT_KILLED | 40U), "an exception");
	EXPECT_FALSE(init_status_failed(0));
	EXPECT_TRUE(init_status_failed(1));
	EXPECT_TRUE(init_status_failed(KILLED_PF));
}
