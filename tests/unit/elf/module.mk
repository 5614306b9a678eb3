# The ELF loader's unit tests and their fixtures: tests/unit/elf/*.c built
# with the host gcc into real static executables (ET_EXEC), static PIEs
# (ET_DYN) and one dynamically linked program, plus what readelf says
# about them (elf_expect.h, by scripts/elf-expect.sh). Nothing built here
# is committed; test_elf_load.c embeds the files with .incbin.
unit-y += tests/unit/test_elf_load.o tests/unit/test_elf_rules.o \
	tests/unit/elf_check.o tests/unit/elf_sample.o

ELF_FIX := $(BUILD)/elf-fixtures
ELF_FIX_EXPECT := hello_exec hello_pie tiny_exec tiny_pie
ELF_FIX_ALL := $(addprefix $(ELF_FIX)/,$(ELF_FIX_EXPECT) hello_dyn)
ELF_FIX_CFLAGS := -O2 $(WARN)

# Compiled once (Debian's gcc makes position-independent code by
# default), linked each way.
$(ELF_FIX)/%.o: tests/unit/elf/%.c
	@mkdir -p $(dir $@)
	$(Q)$(HOSTCC) $(ELF_FIX_CFLAGS) -c -o $@ $<

$(ELF_FIX)/hello_exec: $(ELF_FIX)/hello.o
	$(Q)$(HOSTCC) -static -o $@ $<

$(ELF_FIX)/hello_pie: $(ELF_FIX)/hello.o
	$(Q)$(HOSTCC) -static-pie -o $@ $<

$(ELF_FIX)/hello_dyn: $(ELF_FIX)/hello.o
	$(Q)$(HOSTCC) -o $@ $<

$(ELF_FIX)/tiny_exec: $(ELF_FIX)/tiny.o
	$(Q)$(HOSTCC) -static -nostdlib -Wl,-e,tiny_entry -o $@ $<

$(ELF_FIX)/tiny_pie: $(ELF_FIX)/tiny.o
	$(Q)$(HOSTCC) -static-pie -nostdlib -Wl,-e,tiny_entry -o $@ $<

$(ELF_FIX)/elf_expect.h: $(ELF_FIX_ALL) scripts/elf-expect.sh
	$(Q)for n in $(ELF_FIX_EXPECT); do \
		bash scripts/elf-expect.sh $$n $(ELF_FIX)/$$n || exit 1; \
	done >$@.tmp && mv $@.tmp $@

$(BUILD)/san/tests/unit/test_elf_load.o: $(ELF_FIX)/elf_expect.h $(ELF_FIX_ALL)
$(BUILD)/san/tests/unit/test_elf_load.o: SANCFLAGS += -I$(ELF_FIX) \
	-DELF_FIXTURE_DIR='"$(ELF_FIX)"'

# build/tools/mkelf writes the hand-made samples (the fuzz seeds).
$(BUILD)/tools/mkelf: $(BUILD)/host/tests/unit/mkelf.o \
		$(BUILD)/host/tests/unit/elf_sample.o
	@mkdir -p $(dir $@)
	$(Q)$(HOSTCC) -o $@ $^
