// SPDX-License-Identifier: MIT
/*
 * The wall clock (svsm/rtc.h): converting an RTC reading to Unix time
 * (pure: also in the host unit tests) and the realtime base. The base is
 * written once at boot, before any process runs, and read without a lock
 * afterwards (an atomic pair is not needed: it never changes again; the
 * `is_set` flag is published last with release order).
 */
#include "svsm/rtc.h"

#include "svsm/time.h"

#define SEC_PER_DAY 86400ULL

static uint64_t base_ns;  /* wall time at monotonic 0, in ns */
static uint32_t base_set; /* atomic: base_ns is valid */

/** A BCD or binary register as a number; false for a bad BCD digit. */
static bool reg_value(uint8_t v, uint8_t regb, uint32_t *out)
{
	if (regb & RTC_REGB_BINARY) {
		*out = v;
		return true;
	}
	if ((v & 0x0FU) > 9U || (v >> 4) > 9U) {
		return false;
	}
	*out = (uint32_t)(v >> 4) * 10U + (v & 0x0FU);
	return true;
}

/** The hour 0-23 from the hour register; false if out of range. */
static bool hour_value(uint8_t v, uint8_t regb, uint32_t *out)
{
	bool is_pm = !(regb & RTC_REGB_24H) && (v & 0x80U);
	uint32_t h;

	if (!reg_value((uint8_t)(regb & RTC_REGB_24H ? v : (v & 0x7FU)), regb,
		       &h)) {
		return false;
	}
	if (!(regb & RTC_REGB_24H)) {
		if (h < 1U || h > 12U) {
			return false;
		}
		h = (h % 12U) + (is_pm ? 12U : 0U);
	}
	*out = h;
	return h < 24U;
}

/** Days from 1970-01-01 to y-m-d (proleptic Gregorian; y >= 1970). */
static uint64_t days_from_civil(uint32_t y, uint32_t m, uint32_t d)
{
	/* Howard Hinnant's days_from_civil, for years >= 1970 only. */
	uint32_t yy = m <= 2U ? y - 1U : y;
	uint32_t era = yy / 400U;
	uint32_t yoe = yy - era * 400U;
	uint32_t mp = m > 2U ? m - 3U : m + 9U;
	uint32_t doy = (153U * mp + 2U) / 5U + d - 1U;
	uint32_t doe = yoe * 365U + yoe / 4U - yoe / 100U + doy;

	return (uint64_t)era * 146097U + doe - 719468U;
}

/** Days in month `m` of year `y`. */
static uint32_t month_days(uint32_t y, uint32_t m)
{
	static const uint8_t days[12] = { 31, 28, 31, 30, 31, 30,
					  31, 31, 30, 31, 30, 31 };
	bool is_leap = (y % 4U == 0U && y % 100U != 0U) || y % 400U == 0U;

	return days[m - 1U] + (m == 2U && is_leap ? 1U : 0U);
}

bool rtc_to_unix(const struct rtc_raw *r, uint64_t *out)
{
	uint32_t sec;
	uint32_t min;
	uint32_t hour;
	uint32_t day;
	uint32_t mon;
	uint32_t year;
	uint32_t cent = 20;

	if (!reg_value(r->sec, r->regb, &sec) ||
	    !reg_value(r->min, r->regb, &min) ||
	    !hour_value(r->hour, r->regb, &hour) ||
	    !reg_value(r->day, r->regb, &day) ||
	    !reg_value(r->mon, r->regb, &mon) ||
	    !reg_value(r->year, r->regb, &year) ||
	    (r->century != 0 && !reg_value(r->century, r->regb, &cent))) {
		return false;
	}
	year += cent * 100U;
	if (sec > 59U || min > 59U || year > 99U + cent * 100U || mon < 1U ||
	    mon > 12U || day < 1U || year < 1970U ||
	    day > month_days(year, mon)) {
		return false;
	}
	*out = days_from_civil(year, mon, day) * SEC_PER_DAY +
	       (uint64_t)hour * 3600U + (uint64_t)min * 60U + sec;
	return true;
}

void rtc_set_base(uint64_t unix_sec, uint64_t mono_ns)
{
	base_ns = unix_sec * NSEC_PER_SEC - mono_ns;
	__atomic_store_n(&base_set, 1U, __ATOMIC_RELEASE);
}

bool clock_realtime_ns(uint64_t *out)
{
	if (!__atomic_load_n(&base_set, __ATOMIC_ACQUIRE)) {
		return false;
	}
	*out = base_ns + clock_monotonic_ns();
	return true;
}
