// SPDX-License-Identifier: MIT
/* Unit tests for the freestanding formatter and CRC-32. */
#include "svsm/crc32.h"
#include "svsm/fmt.h"
#include "svsm/test.h"

TEST(fmt, integers)
{
	char b[64];

	EXPECT_EQ(fmt_snprintf(b, sizeof(b), "%d %u %x", -42, 42U, 0xbeefU),
		  11);
	EXPECT_STREQ(b, "-42 42 beef");
	(void)fmt_snprintf(b, sizeof(b), "%016llx|%5d|%-4u|", 0x1234ULL, 7, 3U);
	EXPECT_STREQ(b, "0000000000001234|    7|3   |");
	(void)fmt_snprintf(b, sizeof(b), "%lld %zu", -9223372036854775807LL - 1,
			   (size_t)18446744073709551615ULL);
	EXPECT_STREQ(b, "-9223372036854775808 18446744073709551615");
}

TEST(fmt, strings_and_truncation)
{
	char b[8];

	EXPECT_EQ(fmt_snprintf(b, sizeof(b), "%s-%c", "abcdef", 'z'), 8);
	EXPECT_STREQ(b, "abcdef-");
	(void)fmt_snprintf(b, sizeof(b), "%.3s", "abcdef");
	EXPECT_STREQ(b, "abc");
	const char *volatile none = NULL;

	(void)fmt_snprintf(b, sizeof(b), "%s", none);
	EXPECT_STREQ(b, "(null)");
	EXPECT_EQ(fmt_snprintf(b, 0, "%d", 12345), 5);
}

TEST(crc32, known_vectors)
{
	EXPECT_EQ(crc32_update(0, "123456789", 9), 0xCBF43926U);
	EXPECT_EQ(crc32_update(0, "", 0), 0U);
	/* Feeding in pieces gives the same CRC. */
	uint32_t c = crc32_update(0, "1234", 4);

	EXPECT_EQ(crc32_update(c, "56789", 5), 0xCBF43926U);
}
