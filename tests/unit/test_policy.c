// SPDX-License-Identifier: MIT
/*
 * Host tests of the pure policy code (kernel/proc/policy.c): the full
 * policy, exit always allowed, unknown numbers refused, prefix matching
 * on component boundaries, and intersection that only narrows (a call
 * or path dropped never comes back, whatever is asked).
 */
#include "svsm/policy.h"
#include "svsm/string.h"
#include "svsm/test.h"

static void deny(struct svsm_policy *pol, uint64_t nr)
{
	if (nr >= SVSM_SYS_NATIVE_BASE) {
		pol->native_calls &= ~(1ULL << (nr - SVSM_SYS_NATIVE_BASE));
	} else if (nr < SVSM_SYS_LINUX_MAX) {
		pol->linux_calls[nr / 64U] &= ~(1ULL << (nr % 64U));
	}
}

TEST(policy, full_allows_every_call_and_exit_always)
{
	struct svsm_policy pol;

	policy_full(&pol);
	EXPECT_TRUE(policy_allows(&pol, SVSM_SYS_GETPID));
	EXPECT_TRUE(policy_allows(&pol, SVSM_SYS_LINUX_MAX - 1U));
	EXPECT_TRUE(policy_allows(&pol, SVSM_SYS_NATIVE_BASE));
	EXPECT_TRUE(policy_allows(&pol, SVSM_SYS_NATIVE_END - 1U));
	EXPECT_TRUE(!policy_allows(&pol, SVSM_SYS_NATIVE_END));
	EXPECT_TRUE(!policy_allows(&pol, SVSM_SYS_LINUX_MAX));
	EXPECT_TRUE(strncmp(pol.open_prefix, "/", 2) == 0);
	memset(&pol, 0, sizeof(pol));
	EXPECT_TRUE(!policy_allows(&pol, SVSM_SYS_GETPID));
	EXPECT_TRUE(policy_allows(&pol, SVSM_SYS_EXIT));
	EXPECT_TRUE(policy_allows(&pol, SVSM_SYS_EXIT_GROUP));
}

TEST(policy, prefixes_match_on_component_boundaries)
{
	EXPECT_TRUE(policy_prefix_allows("/srv", "/srv"));
	EXPECT_TRUE(policy_prefix_allows("/srv", "/srv/a/b"));
	EXPECT_TRUE(!policy_prefix_allows("/srv", "/srvx"));
	EXPECT_TRUE(!policy_prefix_allows("/srv", "/sr"));
	EXPECT_TRUE(policy_prefix_allows("/srv/", "/srv/x"));
	EXPECT_TRUE(policy_prefix_allows("/", "/anything"));
	EXPECT_TRUE(!policy_prefix_allows("", "/anything"));
	EXPECT_TRUE(!policy_prefix_allows("", ""));
}

TEST(policy, check_refuses_unterminated_or_relative_prefixes)
{
	struct svsm_policy pol;

	policy_full(&pol);
	EXPECT_OK(policy_check(&pol));
	pol.open_prefix[0] = '\0';
	EXPECT_OK(policy_check(&pol));
	memcpy(pol.open_prefix, "srv", 4);
	EXPECT_ERR(policy_check(&pol), SVSM_ERR_INVAL);
	memset(pol.open_prefix, '/', sizeof(pol.open_prefix));
	EXPECT_ERR(policy_check(&pol), SVSM_ERR_INVAL);
}

TEST(policy, intersection_only_narrows)
{
	struct svsm_policy have;
	struct svsm_policy req;

	policy_full(&have);
	have.denied = 5;
	deny(&have, SVSM_SYS_GETPID);
	deny(&have, SVSM_SYS_SPAWN);
	memcpy(have.open_prefix, "/srv", 5);
	/* Asking for everything back gives nothing back. */
	policy_full(&req);
	policy_intersect(&have, &req);
	EXPECT_TRUE(!policy_allows(&have, SVSM_SYS_GETPID));
	EXPECT_TRUE(!policy_allows(&have, SVSM_SYS_SPAWN));
	EXPECT_TRUE(policy_allows(&have, SVSM_SYS_WRITE));
	EXPECT_TRUE(strncmp(have.open_prefix, "/srv", 5) == 0);
	EXPECT_EQ(have.denied, 5);
	/* Bits past the native range never appear. */
	req.native_calls = UINT64_MAX;
	policy_intersect(&have, &req);
	EXPECT_EQ(have.native_calls & ~POLICY_NATIVE_MASK, 0);
	/* A narrower prefix is taken; a disjoint one leaves none. */
	memcpy(req.open_prefix, "/srv/a", 7);
	policy_intersect(&have, &req);
	EXPECT_TRUE(strncmp(have.open_prefix, "/srv/a", 7) == 0);
	memcpy(req.open_prefix, "/srv", 5);
	policy_intersect(&have, &req);
	EXPECT_TRUE(strncmp(have.open_prefix, "/srv/a", 7) == 0);
	memcpy(req.open_prefix, "/etc", 5);
	policy_intersect(&have, &req);
	EXPECT_EQ(have.open_prefix[0], '\0');
	policy_full(&req);
	policy_intersect(&have, &req);
	EXPECT_EQ(have.open_prefix[0], '\0');
	/* Dropping a call. */
	deny(&req, SVSM_SYS_WRITE);
	policy_intersect(&have, &req);
	EXPECT_TRUE(!policy_allows(&have, SVSM_SYS_WRITE));
	EXPECT_TRUE(policy_allows(&have, SVSM_SYS_EXIT));
}
