# Core kernel. Files under kernel/boot and kernel/debug also build for the
# host unit tests against plat/host.
kernel-y += kernel/main.o kernel/log.o kernel/panic.o \
	kernel/boot/memmap.o kernel/boot/cmdline.o \
	kernel/debug/symbols.o kernel/debug/backtrace.o
kernel-prod-y += kernel/payload.o
unit-y += kernel/boot/memmap.o kernel/boot/cmdline.o kernel/debug/symbols.o
# Starting the application processors (native: INIT-SIPI-SIPI).
kernel-y += kernel/smp.o
