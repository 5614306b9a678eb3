// SPDX-License-Identifier: MIT
/*
 * Unit tests of libsvsm's log writer (user/lib/log.c): the conversions
 * of the formatter, the "name: " prefix, one write() per line (checked
 * on a SOCK_SEQPACKET socket pair, where each write is one message), and
 * cutting of overlong lines. The writes go through libsvsm's own write stub.
 */
#include <libsvsm/log.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "svsm/test.h"

/** Reads what is in the pipe (the writes are all short and done). */
static size_t drain(int fd, char *buf, size_t cap)
{
	ssize_t n = read(fd, buf, cap - 1U);

	buf[n > 0 ? n : 0] = '\0';
	return n > 0 ? (size_t)n : 0;
}

TEST(libsvsm_log, conversions_and_prefix)
{
	int fds[2];
	char buf[1024];

	ASSERT_EQ(pipe(fds), 0);
	svsm_log_init("init", fds[1]);
	EXPECT_EQ(svsm_logf("%d %u %x %lx %llx %s %c %% %05d|%-4u|%8x", -7, 42U,
			    0xbeefU, 0x123456789abUL, 0xffffffffffULL, "str",
			    'q', 42, 7U, 0xabcU),
		  0);
	drain(fds[0], buf, sizeof(buf));
	EXPECT_STREQ(buf, "init: -7 42 beef 123456789ab ffffffffff str q % "
			  "00042|7   |     abc\n");
	EXPECT_EQ(svsm_logf("%p", (void *)0x1000), 0);
	drain(fds[0], buf, sizeof(buf));
	EXPECT_STREQ(buf, "init: 0x1000\n");
	close(fds[0]);
	close(fds[1]);
}

TEST(libsvsm_log, one_write_per_line)
{
	int fds[2];
	char buf[256];

	ASSERT_EQ(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, fds), 0);
	svsm_log_init("svc", fds[1]);
	/* Two lines: two writes, each with the prefix and its newline. */
	EXPECT_EQ(svsm_logf("first %d\nsecond", 1), 0);
	close(fds[1]);
	(void)drain(fds[0], buf, sizeof(buf));
	EXPECT_STREQ(buf, "svc: first 1\n");
	(void)drain(fds[0], buf, sizeof(buf));
	EXPECT_STREQ(buf, "svc: second\n");
	EXPECT_EQ(drain(fds[0], buf, sizeof(buf)), 0);
	close(fds[0]);
}

TEST(libsvsm_log, long_lines_cut_and_bad_fd_reported)
{
	int fds[2];
	char buf[1024];
	char longs[400];

	memset(longs, 'x', sizeof(longs) - 1U);
	longs[sizeof(longs) - 1U] = '\0';
	ASSERT_EQ(pipe(fds), 0);
	svsm_log_init("a-very-long-program-name-that-is-cut-here", fds[1]);
	EXPECT_EQ(svsm_logf("%s", longs), 0);
	size_t n = drain(fds[0], buf, sizeof(buf));

	/* 31 bytes of name, ": ", 256 bytes, "...", newline. */
	EXPECT_EQ(n, 31U + 2U + SVSM_LOG_LINE_MAX + 3U + 1U);
	EXPECT_EQ(strncmp(buf, "a-very-long-program-name-that-i: xxx", 36), 0);
	EXPECT_EQ(strcmp(buf + n - 5U, "x...\n"), 0);
	close(fds[0]);
	close(fds[1]);
	svsm_log_init("x", -1);
	EXPECT_EQ(svsm_logf("a\nb"), 2);
	svsm_log_init("?", 2);
}
