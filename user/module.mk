# csvsm's own user programs and their library, libsvsm (docs/INIT.md).
#
# libsvsm is built twice: freestanding into build/user/libsvsm.a for csvsm
# processes (with lib/util/fmt.c, the kernel's formatter), and into the
# sanitized host unit tests (unit-y below), where its system calls are
# Linux's. Programs are static ELF executables linked with
# user/crt/start.S. Outputs have fixed paths under build/user (the RAM FS
# manifests name them), like tests/user/module.mk.
USER_BUILD := build/user
USER_OBJ := $(USER_BUILD)/o
USER_PROG_CFLAGS := -std=gnu11 -O2 $(WARN) -ffreestanding \
	-fno-stack-protector -fno-asynchronous-unwind-tables \
	-fpie -fcf-protection=none \
	-Iinclude -Ilib -Iuser/lib/include -Iuser/init -MMD -MP
USER_PROG_LDFLAGS := -static -nostdlib -Wl,-z,noexecstack \
	-Wl,--build-id=none -Wl,-z,max-page-size=4096

LIBSVSM_SRC := user/lib/sys.c user/lib/string.c user/lib/heap.c user/lib/env.c \
	user/lib/log.c user/lib/libc_names.c lib/util/fmt.c
LIBSVSM_OBJ := $(patsubst %.c,$(USER_OBJ)/%.o,$(LIBSVSM_SRC))
LIBSVSM := $(USER_BUILD)/libsvsm.a
USER_CRT := $(USER_OBJ)/crt/start.o
USER_PROGS := $(USER_BUILD)/init $(USER_BUILD)/hello $(USER_BUILD)/crashy

$(USER_OBJ)/%.o: %.c
	@mkdir -p $(dir $@)
	$(Q)$(HOSTCC) $(USER_PROG_CFLAGS) -c -o $@ $<

$(USER_CRT): user/crt/start.S
	@mkdir -p $(dir $@)
	$(Q)$(HOSTCC) -c -o $@ $<

$(LIBSVSM): $(LIBSVSM_OBJ)
	$(Q)rm -f $@ && ar rcs $@ $^

$(USER_BUILD)/init: $(USER_CRT) $(USER_OBJ)/user/init/main.o \
		$(USER_OBJ)/user/init/conf.o $(USER_OBJ)/user/init/supervise.o \
		$(LIBSVSM)
	$(Q)$(HOSTCC) $(USER_PROG_LDFLAGS) -o $@ $^

$(USER_BUILD)/hello $(USER_BUILD)/crashy: $(USER_BUILD)/%: $(USER_CRT) \
		$(USER_OBJ)/user/svc/%.o $(LIBSVSM)
	$(Q)$(HOSTCC) $(USER_PROG_LDFLAGS) -o $@ $^

all: $(USER_PROGS)

# Host unit tests of libsvsm and of init's parser and supervision rules.
LIBSVSM_INCS := -Iuser/lib/include -Iuser/init
$(BUILD)/san/user/%.o $(BUILD)/san/tests/unit/test_libsvsm_%.o \
	$(BUILD)/san/tests/unit/test_init_%.o: SANCFLAGS += $(LIBSVSM_INCS)
$(BUILD)/fuzz/user/%.o $(BUILD)/fuzz/tests/fuzz/fuzz_init_%.o: \
	FUZZCFLAGS += $(LIBSVSM_INCS)
unit-y += user/lib/sys.o user/lib/string.o user/lib/heap.o user/lib/log.o user/lib/env.o \
	user/init/conf.o user/init/supervise.o
unit-y += tests/unit/test_libsvsm_heap.o tests/unit/test_libsvsm_string.o \
	tests/unit/test_libsvsm_log.o tests/unit/test_init_conf.o \
	tests/unit/test_init_supervise.o

# The init.conf parser.
fuzz-targets += init_conf
fuzz-init_conf-y := tests/fuzz/fuzz_init_conf.o user/init/conf.o \
	user/lib/string.o lib/util/fmt.o

# init and libsvsm in the VM (test image).
kernel-test-y += tests/vm/test_init.o
