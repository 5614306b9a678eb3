// SPDX-License-Identifier: MIT
/*
 * Unit tests of libsvsm's string functions (user/lib/string.c) and
 * its environment lookup (user/lib/env.c). Signed
 * results are compared with EXPECT_TRUE: the EXPECT_LT/GT family compares
 * as uint64_t.
 */
#include <libsvsm/env.h>
#include <libsvsm/string.h>
#include <stddef.h>
#include <stdint.h>

#include "svsm/test.h"

TEST(libsvsm_string, mem_functions)
{
	uint8_t a[64];
	uint8_t b[64];

	EXPECT_TRUE(svsm_memset(a, 0x11, sizeof(a)) == a);
	EXPECT_EQ(a[0], 0x11);
	EXPECT_EQ(a[63], 0x11);
	for (int i = 0; i < 64; i++) {
		b[i] = (uint8_t)i;
	}
	EXPECT_TRUE(svsm_memcpy(a, b, 10) == a);
	EXPECT_EQ(a[9], 9);
	EXPECT_EQ(a[10], 0x11);
	EXPECT_EQ(svsm_memcmp(a, b, 10), 0);
	EXPECT_TRUE(svsm_memcmp(b, a, 11) < 0); /* 10 < 0x11 */
	EXPECT_TRUE(svsm_memcmp(a, b, 11) > 0);
	EXPECT_EQ(svsm_memcmp(a, b, 0), 0);
	/* memmove both ways over an overlap. */
	(void)svsm_memmove(b + 1, b, 10);
	EXPECT_EQ(b[1], 0);
	EXPECT_EQ(b[10], 9);
	EXPECT_EQ(b[11], 11);
	(void)svsm_memmove(b, b + 1, 10);
	EXPECT_EQ(b[0], 0);
	EXPECT_EQ(b[9], 9);
	EXPECT_EQ(b[10], 9);
}

TEST(libsvsm_string, str_functions)
{
	EXPECT_EQ(svsm_strlen(""), 0);
	EXPECT_EQ(svsm_strlen("hello"), 5);
	EXPECT_EQ(svsm_strnlen("hello", 3), 3);
	EXPECT_EQ(svsm_strnlen("hi", 3), 2);
	EXPECT_EQ(svsm_strcmp("abc", "abc"), 0);
	EXPECT_TRUE(svsm_strcmp("abc", "abd") < 0);
	EXPECT_TRUE(svsm_strcmp("abc", "ab") > 0);
	EXPECT_TRUE(svsm_strcmp("ab", "abc") < 0);
	EXPECT_TRUE(svsm_strcmp("\xff", "a") > 0); /* unsigned comparison */
	EXPECT_EQ(svsm_strncmp("abcx", "abcy", 3), 0);
	EXPECT_TRUE(svsm_strncmp("abcx", "abcy", 4) != 0);
	EXPECT_EQ(svsm_strncmp("a", "b", 0), 0);
	const char *s = "a=b=c";

	EXPECT_TRUE(svsm_strchr(s, '=') == s + 1);
	EXPECT_TRUE(svsm_strchr(s, 'x') == NULL);
	EXPECT_TRUE(svsm_strchr(s, '\0') == s + 5);
}

TEST(libsvsm_string, strlcpy_and_strlcat_truncate)
{
	char b[6];

	EXPECT_EQ(svsm_strlcpy(b, "abc", sizeof(b)), 3);
	EXPECT_STREQ(b, "abc");
	EXPECT_EQ(svsm_strlcpy(b, "abcdefgh", sizeof(b)), 8);
	EXPECT_STREQ(b, "abcde");
	EXPECT_EQ(svsm_strlcpy(b, "xyz", 0), 3);
	EXPECT_STREQ(b, "abcde");
	(void)svsm_strlcpy(b, "ab", sizeof(b));
	EXPECT_EQ(svsm_strlcat(b, "cd", sizeof(b)), 4);
	EXPECT_STREQ(b, "abcd");
	EXPECT_EQ(svsm_strlcat(b, "efgh", sizeof(b)), 8);
	EXPECT_STREQ(b, "abcde");
}

TEST(libsvsm_env, getenv_and_handles)
{
	static const char *const strings[] = { "prog",
					       "arg",
					       "A=1",
					       "INIT_CHANNEL_vtpm=3",
					       "INIT_CHANNEL_v=7",
					       "EMPTY=" };
	uint64_t sp[] = {
		2,
		(uint64_t)(uintptr_t)strings[0],
		(uint64_t)(uintptr_t)strings[1],
		0,
		(uint64_t)(uintptr_t)strings[2],
		(uint64_t)(uintptr_t)strings[3],
		(uint64_t)(uintptr_t)strings[4],
		(uint64_t)(uintptr_t)strings[5],
		0,
	};

	EXPECT_STREQ(svsm_getenv(sp, "A"), "1");
	EXPECT_STREQ(svsm_getenv(sp, "INIT_CHANNEL_vtpm"), "3");
	EXPECT_STREQ(svsm_getenv(sp, "INIT_CHANNEL_v"), "7");
	EXPECT_STREQ(svsm_getenv(sp, "EMPTY"), "");
	EXPECT_TRUE(svsm_getenv(sp, "INIT_CHANNEL") == NULL);
	EXPECT_TRUE(svsm_getenv(sp, "arg") == NULL);
	EXPECT_TRUE(svsm_getenv(sp, "B") == NULL);
	EXPECT_EQ(svsm_parse_handle("3"), 3);
	EXPECT_EQ(svsm_parse_handle("63"), 63);
	EXPECT_EQ(svsm_parse_handle("64"), -1);
	EXPECT_EQ(svsm_parse_handle(""), -1);
	EXPECT_EQ(svsm_parse_handle("3x"), -1);
	EXPECT_EQ(svsm_parse_handle("99999999999999999999"), -1);
	EXPECT_EQ(svsm_parse_handle(NULL), -1);
}
