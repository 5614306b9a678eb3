# csvsm's own freestanding test programs, built as real static ELF
# executables (and static PIEs) with the host gcc and packed into the
# test image's RAM FS (tests/vm/ramfs.manifest) for tests/vm/test_exec.c.
# -mgeneral-regs-only until processes get their own FPU/SSE state.
# Fixed, not under $(BUILD): the RAM FS manifest names these files.
USER_BUILD := build/user
USER_CFLAGS := -O2 $(WARN) -MMD -MP -ffreestanding -fno-stack-protector \
	-mgeneral-regs-only -fno-asynchronous-unwind-tables
USER_LDFLAGS := -nostdlib -Wl,-z,noexecstack -Wl,--build-id=none \
	-Wl,-z,max-page-size=4096

$(USER_BUILD)/%.o: tests/user/%.c
	@mkdir -p $(dir $@)
	$(Q)$(HOSTCC) $(USER_CFLAGS) -Iinclude -fpie -c -o $@ $<

$(USER_BUILD)/crt/start.o: user/crt/start.S
	@mkdir -p $(dir $@)
	$(Q)$(HOSTCC) -c -o $@ $<

$(USER_BUILD)/exec_check: $(USER_BUILD)/crt/start.o $(USER_BUILD)/exec_check.o
	$(Q)$(HOSTCC) -static $(USER_LDFLAGS) -o $@ $^

$(USER_BUILD)/exec_check_pie: $(USER_BUILD)/crt/start.o \
		$(USER_BUILD)/exec_check.o
	$(Q)$(HOSTCC) -static-pie $(USER_LDFLAGS) -o $@ $^

$(USER_BUILD)/calls_check: $(USER_BUILD)/crt/start.o \
		$(USER_BUILD)/calls_check.o
	$(Q)$(HOSTCC) -static $(USER_LDFLAGS) -o $@ $^

$(USER_BUILD)/reqd_check: $(USER_BUILD)/crt/start.o \
		$(USER_BUILD)/reqd_check.o
	$(Q)$(HOSTCC) -static $(USER_LDFLAGS) -o $@ $^

# The native calls' checks and benchmark (tests/vm/test_native.c).
$(USER_BUILD)/native_check: $(USER_BUILD)/crt/start.o \
		$(USER_BUILD)/native_check.o
	$(Q)$(HOSTCC) -static $(USER_LDFLAGS) -o $@ $^

$(USER_BUILD)/native_bench: $(USER_BUILD)/crt/start.o \
		$(USER_BUILD)/native_bench.o
	$(Q)$(HOSTCC) -static $(USER_LDFLAGS) -o $@ $^

$(USER_BUILD)/mem_check.o $(USER_BUILD)/file_check.o \
		$(USER_BUILD)/fault_check.o: tests/user/sys.h

$(USER_BUILD)/mem_check: $(USER_BUILD)/crt/start.o $(USER_BUILD)/mem_check.o
	$(Q)$(HOSTCC) -static $(USER_LDFLAGS) -o $@ $^

$(USER_BUILD)/file_check: $(USER_BUILD)/crt/start.o $(USER_BUILD)/file_check.o
	$(Q)$(HOSTCC) -static $(USER_LDFLAGS) -o $@ $^

$(USER_BUILD)/fault_check: $(USER_BUILD)/crt/start.o \
		$(USER_BUILD)/fault_check.o
	$(Q)$(HOSTCC) -static $(USER_LDFLAGS) -o $@ $^

# Ordinary C programs linked statically with Debian's glibc: plain
# `gcc -static -O2`, nothing else, so that they are what anyone would
# build (tests/vm/test_linux.c).
GLIBC_CFLAGS := -O2 -static

$(USER_BUILD)/hello_glibc: tests/user/hello_glibc.c
	@mkdir -p $(dir $@)
	$(Q)$(HOSTCC) $(GLIBC_CFLAGS) -o $@ $<

$(USER_BUILD)/glibc_check: tests/user/glibc_check.c
	@mkdir -p $(dir $@)
	$(Q)$(HOSTCC) $(GLIBC_CFLAGS) -o $@ $<
