/* SPDX-License-Identifier: MIT */
/*
 * The wall clock: the host's word, read once at boot and never trusted
 * for security (docs/TIME.md). On native the CMOS real-time clock (MC146818
 * registers) is read once (arch/x86/cmos.c); the realtime clock is that
 * reading plus the monotonic clock since. Without a reading there is no
 * realtime clock.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

/* MC146818 status register B bits. */
#define RTC_REGB_24H 0x02U    /* hours 0-23 (else 1-12 with bit 7 = PM) */
#define RTC_REGB_BINARY 0x04U /* binary values (else BCD) */

/** The time registers as read (BCD or binary per `regb`). */
struct rtc_raw {
	uint8_t sec;
	uint8_t min;
	uint8_t hour;
	uint8_t day;
	uint8_t mon;
	uint8_t year;	 /**< 0-99 */
	uint8_t century; /**< register 0x32 (BCD/binary as the rest); 0: 20 */
	uint8_t regb;
};

/**
 * Converts a reading to seconds since 1970-01-01 00:00:00 UTC. False
 * (and `*out` untouched) for a field out of range or a bad BCD digit.
 */
bool rtc_to_unix(const struct rtc_raw *r, uint64_t *out);
/**
 * Reads the CMOS clock twice until two readings agree outside an update
 * (at most a few tries). False if the clock never settles.
 */
bool arch_rtc_read(struct rtc_raw *out);
/** Boot (native): reads the RTC once and sets the realtime base. */
void rtc_init_boot(void);
/**
 * Records that the wall clock read `unix_sec` at monotonic time
 * `mono_ns` (tests call it directly).
 */
void rtc_set_base(uint64_t unix_sec, uint64_t mono_ns);
/** Nanoseconds since the epoch now; false without a base. */
bool clock_realtime_ns(uint64_t *out);
