// SPDX-License-Identifier: MIT
/*
 * Reading the CMOS real-time clock (MC146818A data sheet; the PC/AT
 * ports 0x70 index, 0x71 data). The registers change once a second;
 * while status register A's UIP bit is set an update is under way. The
 * time is read after UIP clears, then read again: two equal readings
 * are one consistent instant. The values are the host's word
 * (svsm/rtc.h).
 */
#include "arch/insn.h"

#include "svsm/log.h"
#include "svsm/rtc.h"
#include "svsm/time.h"

#define CMOS_INDEX 0x70U
#define CMOS_DATA 0x71U
#define CMOS_NMI_OFF 0x80U /* keep NMIs masked while selecting */
#define RTC_SEC 0x00U
#define RTC_MIN 0x02U
#define RTC_HOUR 0x04U
#define RTC_DAY 0x07U
#define RTC_MON 0x08U
#define RTC_YEAR 0x09U
#define RTC_REGA 0x0AU
#define RTC_REGB 0x0BU
#define RTC_CENTURY 0x32U /* the ACPI FADT's usual century register */
#define RTC_REGA_UIP 0x80U
#define UIP_SPINS 100000U
#define READ_TRIES 5U

static uint8_t cmos_read(uint8_t reg)
{
	outb(CMOS_INDEX, (uint8_t)(CMOS_NMI_OFF | reg));
	return inb(CMOS_DATA);
}

/** One reading taken when no update was in progress. */
static bool read_once(struct rtc_raw *r)
{
	uint32_t spins = 0;

	while (cmos_read(RTC_REGA) & RTC_REGA_UIP) {
		if (++spins == UIP_SPINS) {
			return false;
		}
	}
	*r = (struct rtc_raw){
		.sec = cmos_read(RTC_SEC),
		.min = cmos_read(RTC_MIN),
		.hour = cmos_read(RTC_HOUR),
		.day = cmos_read(RTC_DAY),
		.mon = cmos_read(RTC_MON),
		.year = cmos_read(RTC_YEAR),
		.century = cmos_read(RTC_CENTURY),
		.regb = cmos_read(RTC_REGB),
	};
	return true;
}

bool arch_rtc_read(struct rtc_raw *out)
{
	struct rtc_raw a;
	struct rtc_raw b;

	if (!read_once(&a)) {
		return false;
	}
	for (uint32_t i = 0; i < READ_TRIES; i++) {
		if (!read_once(&b)) {
			return false;
		}
		if (a.sec == b.sec && a.min == b.min && a.hour == b.hour &&
		    a.day == b.day && a.mon == b.mon && a.year == b.year &&
		    a.century == b.century && a.regb == b.regb) {
			*out = b;
			return true;
		}
		a = b;
	}
	return false;
}

void rtc_init_boot(void)
{
	struct rtc_raw r;
	uint64_t sec;

	if (!arch_rtc_read(&r) || !rtc_to_unix(&r, &sec)) {
		log_printf("rtc: no usable reading; no realtime clock\n");
		return;
	}
	rtc_set_base(sec, clock_monotonic_ns());
}
