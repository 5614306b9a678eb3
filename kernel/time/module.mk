# Time keeping: the monotonic clock (core code, also in the unit tests
# against plat/host's fake TSC) and timers run by the scheduler tick.
kernel-y += kernel/time/clock.o kernel/time/timer.o arch/x86/pit.o
unit-y += kernel/time/clock.o plat/host/clock_env.o
# The wall clock: RTC conversion (pure, also unit-tested) and the CMOS read.
kernel-y += kernel/time/rtc.o arch/x86/cmos.o
unit-y += kernel/time/rtc.o tests/unit/test_rtc.o
