// SPDX-License-Identifier: MIT
/*
 * Host tests of the RTC reading's conversion to Unix time
 * (kernel/time/rtc.c, unmodified): BCD and binary registers, 12- and
 * 24-hour modes, the century register, and refusal of impossible values
 * (a bad BCD digit, 31 February, hour 0 in 12-hour mode).
 */
#include "svsm/rtc.h"
#include "svsm/test.h"

#define BCD24 RTC_REGB_24H
#define BIN24 (RTC_REGB_24H | RTC_REGB_BINARY)

TEST(rtc, bcd_24h_reading_converts)
{
	/* 2026-11-22 04:05:06 UTC is 1795320306. */
	struct rtc_raw r = { 0x06, 0x05, 0x04, 0x22, 0x11, 0x26, 0x20, BCD24 };
	uint64_t sec = 0;

	ASSERT_TRUE(rtc_to_unix(&r, &sec));
	EXPECT_EQ(sec, 1795320306ULL);
	r.century = 0; /* no century register: the 2000s */
	ASSERT_TRUE(rtc_to_unix(&r, &sec));
	EXPECT_EQ(sec, 1795320306ULL);
}

TEST(rtc, binary_and_12h_readings_convert)
{
	/* 2000-02-29 23:59:59 is 951868799; 11 PM in 12-hour mode. */
	struct rtc_raw r = { 59, 59, 23, 29, 2, 0, 20, BIN24 };
	uint64_t sec = 0;

	ASSERT_TRUE(rtc_to_unix(&r, &sec));
	EXPECT_EQ(sec, 951868799ULL);
	r.regb = RTC_REGB_BINARY;
	r.hour = 0x80U | 11U;
	ASSERT_TRUE(rtc_to_unix(&r, &sec));
	EXPECT_EQ(sec, 951868799ULL);
	r.hour = 12U; /* 12 AM is midnight */
	ASSERT_TRUE(rtc_to_unix(&r, &sec));
	EXPECT_EQ(sec, 951868799ULL - 23ULL * 3600U);
}

TEST(rtc, impossible_readings_are_refused)
{
	struct rtc_raw good = {
		0x00, 0x00, 0x00, 0x01, 0x01, 0x70, 0x19, BCD24
	};
	struct rtc_raw r;
	uint64_t sec = 7;

	ASSERT_TRUE(rtc_to_unix(&good, &sec));
	EXPECT_EQ(sec, 0); /* the epoch itself */
	r = good;
	r.sec = 0x1A; /* not BCD */
	EXPECT_FALSE(rtc_to_unix(&r, &sec));
	r = good;
	r.mon = 0x02;
	r.day = 0x31;
	EXPECT_FALSE(rtc_to_unix(&r, &sec));
	r = good;
	r.regb = 0; /* 12-hour mode: hour 0 does not exist */
	EXPECT_FALSE(rtc_to_unix(&r, &sec));
	r = good;
	r.year = 0x69; /* 1969 */
	EXPECT_FALSE(rtc_to_unix(&r, &sec));
	r = good;
	r.min = 0x60;
	EXPECT_FALSE(rtc_to_unix(&r, &sec));
}

TEST(rtc, realtime_is_base_plus_monotonic)
{
	uint64_t ns = 0;

	rtc_set_base(1795320306ULL, 0);
	ASSERT_TRUE(clock_realtime_ns(&ns));
	EXPECT_GE(ns, 1795320306ULL * 1000000000ULL);
}
