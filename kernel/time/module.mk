# Time keeping: the monotonic clock (core code, also in the unit tests
# against plat/host's fake TSC) and timers run by the scheduler tick.
kernel-y += kernel/time/clock.o kernel/time/timer.o arch/x86/pit.o
unit-y += kernel/time/clock.o plat/host/clock_env.o
