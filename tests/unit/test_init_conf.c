// SPDX-License-Identifier: MIT
/*
 * Unit tests of init's configuration parser (user/init/conf.c): a full
 * service block, defaults, comments and blank lines, policies from call
 * names and groups, and one refusal per rule, each with its line number.
 */
#include <stdio.h>
#include <string.h>

#include "svsm/test.h"

#include "conf.h"

static struct init_conf conf;
static struct init_conf_error err;

static bool parse(const char *text)
{
	return init_conf_parse(text, strlen(text), &conf, &err);
}

TEST(init_conf, full_service_block)
{
	const char *text = "# services\n"
			   "\n"
			   "service hello\n"
			   "\texec /bin/hello arg1 arg2   # trailing comment\n"
			   "  restart always\n"
			   "  backoff 250 8000\n"
			   "  allow write exit_group clock_gettime\n"
			   "  allow memory spawn\n"
			   "  open /etc/hello/\n"
			   "  cpu 1\n"
			   "service second\n"
			   "  exec /sbin/two\n";

	ASSERT_TRUE(parse(text));
	ASSERT_EQ(conf.service_count, 2);
	const struct init_service *s = &conf.services[0];

	EXPECT_STREQ(s->name, "hello");
	EXPECT_STREQ(s->path, "/bin/hello");
	ASSERT_EQ(s->argc, 3);
	EXPECT_STREQ(s->args + s->arg_off[0], "/bin/hello");
	EXPECT_STREQ(s->args + s->arg_off[1], "arg1");
	EXPECT_STREQ(s->args + s->arg_off[2], "arg2");
	EXPECT_EQ(s->restart, INIT_RESTART_ALWAYS);
	EXPECT_EQ(s->backoff_first_ms, 250);
	EXPECT_EQ(s->backoff_cap_ms, 8000);
	EXPECT_EQ(s->cpu, 1);
	EXPECT_EQ(s->line, 3);
	EXPECT_STREQ(s->policy.open_prefix, "/etc/hello/");
	EXPECT_TRUE(init_policy_allows(&s->policy, SVSM_SYS_WRITE));
	EXPECT_TRUE(init_policy_allows(&s->policy, SVSM_SYS_EXIT_GROUP));
	EXPECT_TRUE(init_policy_allows(&s->policy, SVSM_SYS_CLOCK_GETTIME));
	EXPECT_TRUE(init_policy_allows(&s->policy, SVSM_SYS_MMAP));
	EXPECT_TRUE(init_policy_allows(&s->policy, SVSM_SYS_BRK));
	EXPECT_TRUE(init_policy_allows(&s->policy, SVSM_SYS_SPAWN));
	EXPECT_FALSE(init_policy_allows(&s->policy, SVSM_SYS_OPENAT));
	EXPECT_FALSE(init_policy_allows(&s->policy, SVSM_SYS_PROC_KILL));
	EXPECT_FALSE(init_policy_allows(&s->policy, SVSM_SYS_NANOSLEEP));
	EXPECT_EQ(s->policy.native_calls,
		  1ULL << (SVSM_SYS_SPAWN - SVSM_SYS_NATIVE_BASE));
	/* Calls 192..255: clock_gettime and exit_group only. */
	EXPECT_EQ(s->policy.linux_calls[3],
		  (1ULL << (SVSM_SYS_EXIT_GROUP - 192)) |
			  (1ULL << (SVSM_SYS_CLOCK_GETTIME - 192)));
}

TEST(init_conf, defaults_and_basic_policy)
{
	ASSERT_TRUE(parse("service a\nexec /a"));
	const struct init_service *s = &conf.services[0];

	EXPECT_EQ(s->argc, 1);
	EXPECT_EQ(s->restart, INIT_RESTART_ON_FAILURE);
	EXPECT_EQ(s->backoff_first_ms, INIT_BACKOFF_FIRST_MS);
	EXPECT_EQ(s->backoff_cap_ms, INIT_BACKOFF_CAP_MS);
	EXPECT_EQ(s->cpu, SVSM_SPAWN_ANY_CPU);
	EXPECT_STREQ(s->policy.open_prefix, "");
	/* No allow line: the basic group, nothing more. */
	EXPECT_TRUE(init_policy_allows(&s->policy, SVSM_SYS_WRITE));
	EXPECT_TRUE(init_policy_allows(&s->policy, SVSM_SYS_NANOSLEEP));
	EXPECT_FALSE(init_policy_allows(&s->policy, SVSM_SYS_MMAP));
	EXPECT_FALSE(init_policy_allows(&s->policy, SVSM_SYS_READ));
	EXPECT_EQ(s->policy.native_calls, 0);
	EXPECT_FALSE(init_policy_allows(&s->policy, 5000));
	/* Empty files and comments only: no services, not an error. */
	EXPECT_TRUE(parse(""));
	EXPECT_EQ(conf.service_count, 0);
	EXPECT_TRUE(parse("# nothing\n\n   \n"));
	EXPECT_EQ(conf.service_count, 0);
}

/** Expects `text` refused at `line` with a message containing `what`. */
static void refused(struct test_ctx *t, const char *text, uint32_t line,
		    const char *what)
{
	EXPECT_FALSE(parse(text));
	EXPECT_EQ(err.line, line);
	if (strstr(err.msg, what) == NULL) {
		EXPECT_STREQ(err.msg, what);
	}
}

TEST(init_conf, refusals_name_their_line)
{
	refused(t, "exec /a\n", 1, "outside a service");
	refused(t, "service a\nexec /a\nfrobnicate\n", 3, "unknown keyword");
	refused(t, "service a\n", 1, "no exec line");
	refused(t, "service a\nrestart always\nservice b\nexec /b\n", 1,
		"no exec line");
	refused(t, "service a b\n", 1, "usage: service");
	refused(t, "service a/b\nexec /x\n", 1, "bad service name");
	refused(t, "service a\nexec /a\nservice a\nexec /b\n", 3,
		"defined twice");
	refused(t, "service a\nexec a\n", 2, "absolute");
	refused(t, "service a\nexec /a\nexec /b\n", 3, "second exec");
	refused(t, "service a\nexec /a\nrestart sometimes\n", 3, "restart");
	refused(t, "service a\nexec /a\nbackoff 0 10\n", 3, "0 < FIRST_MS");
	refused(t, "service a\nexec /a\nbackoff 100 50\n", 3, "0 < FIRST_MS");
	refused(t, "service a\nexec /a\nbackoff 100\n", 3, "usage: backoff");
	refused(t, "service a\nexec /a\nbackoff 1 99999999999\n", 3,
		"usage: backoff");
	refused(t, "service a\nexec /a\nbackoff 1x 10\n", 3, "usage: backoff");
	refused(t, "service a\nexec /a\nallow write fly\n", 3, "'fly'");
	refused(t, "service a\nexec /a\nopen etc\n", 3, "usage: open");
	refused(t, "service a\nexec /a\nopen /a\nopen /b\n", 4, "second open");
	refused(t, "service a\nexec /a\ncpu -1\n", 3, "usage: cpu");
	refused(t, "service a\nexec /a\ncpu 4096\n", 3, "usage: cpu");
	refused(t, "service a\r\nexec /a\n", 1, "0x0d");
	refused(t, "service a\nexec /a\x01\n", 2, "0x01");
}

TEST(init_conf, limits)
{
	static char text[INIT_CONF_MAX + 2U];
	char line[512];

	/* A line of INIT_LINE_MAX bytes is fine, one more is not. */
	memset(line, 'x', sizeof(line));
	(void)snprintf(line, sizeof(line), "service a\nexec /a ");
	line[18] = 'x'; /* snprintf's NUL */
	line[18 + INIT_LINE_MAX - 8U] = '\0';
	EXPECT_TRUE(parse(line));
	line[18 + INIT_LINE_MAX - 8U] = 'x';
	line[18 + INIT_LINE_MAX - 7U] = '\0';
	refused(t, line, 2, "longer than");

	/* 16 services, not 17. */
	size_t n = 0;

	for (unsigned i = 0; i < INIT_SERVICES_MAX + 1U; i++) {
		n += (size_t)snprintf(text + n, sizeof(text) - n,
				      "service s%u\nexec /s\n", i);
	}
	refused(t, text, 2U * INIT_SERVICES_MAX + 1U, "more than 16 services");
	text[n - strlen("service s16\nexec /s\n")] = '\0';
	EXPECT_TRUE(parse(text));
	EXPECT_EQ(conf.service_count, INIT_SERVICES_MAX);

	/* argv: 16 entries with the path, not 17. */
	EXPECT_TRUE(parse("service a\nexec /a 1 2 3 4 5 6 7 8 9 10 11 12 13 14 "
			  "15\n"));
	EXPECT_EQ(conf.services[0].argc, 16);
	refused(t,
		"service a\nexec /a 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16\n",
		2, "more than 16 arguments");

	/* INIT_LINES_MAX lines, not one more. */
	memset(text, '\n', INIT_LINES_MAX);
	text[INIT_LINES_MAX] = '\0';
	EXPECT_TRUE(parse(text));
	text[INIT_LINES_MAX] = '\n';
	text[INIT_LINES_MAX + 1U] = '\0';
	refused(t, text, INIT_LINES_MAX + 1U, "more than 1024 lines");

	/* The file size. */
	memset(text, '\n', sizeof(text));
	EXPECT_FALSE(init_conf_parse(text, INIT_CONF_MAX + 1U, &conf, &err));
	EXPECT_EQ(err.line, 0);
}

TEST(init_conf, policy_names)
{
	struct svsm_policy p;

	memset(&p, 0, sizeof(p));
	EXPECT_TRUE(init_policy_allow(&p, "file"));
	EXPECT_TRUE(init_policy_allows(&p, SVSM_SYS_OPENAT));
	EXPECT_TRUE(init_policy_allows(&p, SVSM_SYS_NEWFSTATAT));
	EXPECT_TRUE(init_policy_allows(&p, SVSM_SYS_CLOSE));
	EXPECT_FALSE(init_policy_allows(&p, SVSM_SYS_WRITE));
	EXPECT_TRUE(init_policy_allow(&p, "policy_get"));
	EXPECT_TRUE(init_policy_allows(&p, SVSM_SYS_POLICY_GET));
	EXPECT_TRUE(init_policy_allow(&p, "rseq"));
	EXPECT_TRUE(init_policy_allows(&p, SVSM_SYS_RSEQ));
	EXPECT_FALSE(init_policy_allow(&p, "writ"));
	EXPECT_FALSE(init_policy_allow(&p, "writes"));
	EXPECT_FALSE(init_policy_allow(&p, ""));
}

TEST(init_conf, channels_join_two_services)
{
	const char *text = "service reqd\n"
			   "\texec /sbin/reqd\n"
			   "\tchannel vtpm client\n"
			   "\tchannel uefi client\n"
			   "service vtpm\n"
			   "\texec /sbin/vtpm\n"
			   "\tchannel vtpm server\n"
			   "service uefi\n"
			   "\texec /sbin/uefi\n"
			   "\tchannel uefi server\n";

	ASSERT_TRUE(parse(text));
	ASSERT_EQ(conf.channel_count, 2U);
	EXPECT_STREQ(conf.channels[0].name, "vtpm");
	EXPECT_EQ(conf.channels[0].end[INIT_CHAN_SERVER], 1);
	EXPECT_EQ(conf.channels[0].end[INIT_CHAN_CLIENT], 0);
	EXPECT_EQ(conf.channels[1].end[INIT_CHAN_SERVER], 2);
	EXPECT_EQ(conf.channels[1].end[INIT_CHAN_CLIENT], 0);
	ASSERT_EQ(conf.services[0].chan_count, 2U);
	EXPECT_EQ(conf.services[0].chan[0], 0U);
	EXPECT_EQ(conf.services[0].chan_role[0], (uint8_t)INIT_CHAN_CLIENT);
	EXPECT_EQ(conf.services[0].chan[1], 1U);
	ASSERT_EQ(conf.services[1].chan_count, 1U);
	EXPECT_EQ(conf.services[1].chan_role[0], (uint8_t)INIT_CHAN_SERVER);
	EXPECT_EQ(conf.services[2].chan[0], 1U);
}

TEST(init_conf, channel_refusals)
{
	char text[2048];
	int off = 0;

	refused(t, "service a\nexec /a\nchannel x\n", 3, "usage: channel");
	refused(t, "service a\nexec /a\nchannel x peer\n", 3, "'peer'");
	refused(t, "service a\nexec /a\nchannel x/y server\n", 3,
		"bad channel name");
	refused(t, "channel x server\n", 1, "outside a service");
	refused(t, "service a\nexec /a\nchannel x server\n", 3,
		"channel x has no client");
	refused(t,
		"service a\nexec /a\nchannel x client\n"
		"service b\nexec /b\n",
		3, "channel x has no server");
	refused(t,
		"service a\nexec /a\nchannel x server\n"
		"service b\nexec /b\nchannel x server\n",
		6, "has a server already (a)");
	refused(t, "service a\nexec /a\nchannel x server\nchannel x client\n",
		4, "both ends");
	/* Nine channels for one service: one more than spawn passes. */
	off += snprintf(text + off, sizeof(text) - (size_t)off,
			"service a\nexec /a\n");
	for (int i = 0; i < 9; i++) {
		off += snprintf(text + off, sizeof(text) - (size_t)off,
				"channel c%d server\n", i);
	}
	refused(t, text, 11, "more than 8 channels for a");
	/* Seventeen channels in the file: the fifth of the third service
	 * (six each) is one too many. */
	off = 0;
	for (int i = 0; i < 18; i++) {
		if (i % 6 == 0) {
			off += snprintf(text + off, sizeof(text) - (size_t)off,
					"service s%d\nexec /s\n", i);
		}
		off += snprintf(text + off, sizeof(text) - (size_t)off,
				"channel c%d server\n", i);
	}
	refused(t, text, 23, "more than 16 channels");
}
