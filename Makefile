# SPDX-License-Identifier: MIT
#
# csvsm build. Non-recursive GNU make: every directory with sources has a
# module.mk that appends objects to the lists below (Kbuild style). All
# outputs go to build/. Profiles:
#   kernel  freestanding, for the IGVM image      build/kernel/...
#   host    host tools (igvmbld, csvsm)            build/host/...
#   san     host unit tests under ASan and UBSan   build/san/...
#   fuzz    libFuzzer targets, clang               build/fuzz/...
#
# Main targets: all (default), run, test, check, vmtest, fuzz, clean.

BUILD := build
Q ?= @
CPUS ?= 4
MEM ?= 256M
MSSIM_PORT ?= 2321
FUZZ_SECONDS ?= 20

KCC := gcc
KLD := ld
HOSTCC := gcc
FUZZCC := clang

WARN := -Wall -Wextra -Werror -Wshadow -Wvla -Wstrict-prototypes \
	-Wmissing-prototypes -Wimplicit-fallthrough -Wswitch-enum -Wformat=2 \
	-Wundef -Wframe-larger-than=1024
INCS := -Iinclude -Iarch/x86/include -Ilib

KCFLAGS := -std=gnu11 -ffreestanding -nostdlib -fno-common \
	-fno-strict-aliasing -fno-delete-null-pointer-checks \
	-fstack-protector-strong -mstack-protector-guard=global \
	-mgeneral-regs-only -mno-red-zone -mcmodel=kernel -fno-pic -fno-pie \
	-fno-omit-frame-pointer -fno-optimize-sibling-calls \
	-fno-asynchronous-unwind-tables -fcf-protection=none \
	-O2 -g $(WARN) $(INCS) -MMD -MP
KASFLAGS := $(INCS) -D__ASSEMBLY__ -MMD -MP -g
KLDFLAGS := -nostdlib -z max-page-size=4096 -z noexecstack --no-warn-rwx-segments \
	--build-id=none

HOSTCFLAGS := -std=gnu11 -O2 -g $(WARN) $(INCS) -D_GNU_SOURCE -MMD -MP
SANFLAGS := -fsanitize=address,undefined -fno-sanitize-recover=undefined \
	-fno-omit-frame-pointer
# ASan puts a redzone around every stack object, so frames that are well
# under the limit in the kernel profile exceed it here: the sanitized
# profile checks frames against 4 KiB instead of 1 KiB.
# The host profiles find plat/host/include first: its arch/irqflags.h
# stands in for the kernel's (a user process cannot mask interrupts).
HOSTINCS := -Iplat/host/include $(INCS)
SANCFLAGS := -std=gnu11 -O1 -g $(WARN) -Wframe-larger-than=4096 $(HOSTINCS) \
	-D_GNU_SOURCE $(SANFLAGS) -MMD -MP
FUZZCFLAGS := -std=gnu11 -O1 -g $(WARN) $(HOSTINCS) -D_GNU_SOURCE \
	-fsanitize=fuzzer-no-link,address,undefined -MMD -MP

# Lists filled by the module.mk files.
kernel-y :=       # in both kernel images
kernel-prod-y :=  # only in build/csvsm.igvm
kernel-test-y :=  # only in build/csvsm-test.igvm (in-VM suites, runner)
libhost-y :=      # host library code shared by tools, unit tests, fuzzers
igvmbld-y :=
IGVMBLD_LDLIBS := # extra libraries for igvmbld (-lcrypto)
csvsm-y :=
unit-y :=         # unit tests and the core code they test (plat/host)
fuzz-targets :=   # each NAME has fuzz-NAME-y objects
UNIT_LDLIBS :=    # extra libraries for the unit tests (-lcrypto)
tests-t :=        # prove scripts run by `make test`

MODULES := $(shell find . -name module.mk -not -path './build/*' | sort)
include $(MODULES)

KOBJ := $(addprefix $(BUILD)/kernel/,$(sort $(kernel-y)))
KPROD := $(addprefix $(BUILD)/kernel/,$(kernel-prod-y))
KTEST := $(addprefix $(BUILD)/kernel/,$(sort $(kernel-test-y)))
LIBHOST := $(addprefix $(BUILD)/host/,$(libhost-y))
IGVMBLD := $(BUILD)/tools/igvmbld
CSVSM := $(BUILD)/tools/csvsm
UNIT := $(BUILD)/unit-tests
LDS := arch/x86/kernel.lds

.PHONY: all deps run test check vmtest unit fuzz fuzz-smoke clean format \
	check-format check-headers tidy analyze cppcheck compile_commands.json
.DEFAULT_GOAL := all

all: $(BUILD)/csvsm.igvm $(BUILD)/csvsm-test.igvm $(CSVSM) $(UNIT)

deps:
	$(Q)bash scripts/deps.sh

# ---- kernel ----------------------------------------------------------
$(BUILD)/kernel/%.o: %.c
	@mkdir -p $(dir $@)
	$(Q)$(KCC) $(KCFLAGS) -c $< -o $@

$(BUILD)/kernel/%.o: %.S
	@mkdir -p $(dir $@)
	$(Q)$(KCC) $(KASFLAGS) -c $< -o $@

$(BUILD)/csvsm.elf: $(KOBJ) $(KPROD) $(LDS)
	$(Q)$(KLD) $(KLDFLAGS) -T $(LDS) -o $@ $(KOBJ) $(KPROD)

$(BUILD)/csvsm-test.elf: $(KOBJ) $(KTEST) $(LDS)
	$(Q)$(KLD) $(KLDFLAGS) -T $(LDS) -o $@ $(KOBJ) $(KTEST)

# The two images carry their RAM FS (ramfs/module.mk); any other ELF (the
# igvmbld fixture) gets an image without one.
IMAGES := $(BUILD)/csvsm.igvm $(BUILD)/csvsm-test.igvm
$(IMAGES): $(BUILD)/%.igvm: $(BUILD)/%.elf $(BUILD)/%.ramfs $(IGVMBLD)
	$(Q)$(IGVMBLD) --kernel $< --ramfs $(BUILD)/$*.ramfs --output $@

$(BUILD)/%.igvm: $(BUILD)/%.elf $(IGVMBLD)
	$(Q)$(IGVMBLD) --kernel $< --output $@

# ---- host tools --------------------------------------------------------
$(BUILD)/host/%.o: %.c
	@mkdir -p $(dir $@)
	$(Q)$(HOSTCC) $(HOSTCFLAGS) -c $< -o $@

$(BUILD)/host/%.o: %.S
	@mkdir -p $(dir $@)
	$(Q)$(HOSTCC) $(INCS) -MMD -MP -c $< -o $@

$(IGVMBLD): $(addprefix $(BUILD)/host/,$(sort $(igvmbld-y))) $(LIBHOST)
	@mkdir -p $(dir $@)
	$(Q)$(HOSTCC) -o $@ $^ $(IGVMBLD_LDLIBS)

$(CSVSM): $(addprefix $(BUILD)/host/,$(csvsm-y)) $(LIBHOST)
	@mkdir -p $(dir $@)
	$(Q)$(HOSTCC) -o $@ $^

# ---- unit tests (ASan + UBSan) -----------------------------------------
$(BUILD)/san/%.o: %.c
	@mkdir -p $(dir $@)
	$(Q)$(HOSTCC) $(SANCFLAGS) -c $< -o $@

$(UNIT): $(addprefix $(BUILD)/san/,$(sort $(unit-y) $(libhost-y)))
	$(Q)$(HOSTCC) $(SANFLAGS) -o $@ $^ $(UNIT_LDLIBS)

unit: $(UNIT)
	$(Q)$(UNIT)

# ---- fuzzing -----------------------------------------------------------
$(BUILD)/fuzz/%.o: %.c
	@mkdir -p $(dir $@)
	$(Q)$(FUZZCC) $(FUZZCFLAGS) -c $< -o $@

define fuzz_rule
$(BUILD)/fuzz-$(1): $$(addprefix $(BUILD)/fuzz/,$$(fuzz-$(1)-y))
	$$(Q)$$(FUZZCC) -fsanitize=fuzzer,address,undefined -o $$@ $$^
endef
$(foreach f,$(fuzz-targets),$(eval $(call fuzz_rule,$(f))))
FUZZ_BINS := $(addprefix $(BUILD)/fuzz-,$(fuzz-targets))

# Every target for FUZZ_SECONDS (default 20); `make fuzz FUZZ_SECONDS=600`.
fuzz: $(FUZZ_BINS)
	$(Q)for f in $(fuzz-targets); do \
		bash scripts/fuzz.sh $$f $(FUZZ_SECONDS) || exit 1; done

# ---- run and test ------------------------------------------------------
# tpm2-tools reach the vTPM through the mssim bridge on MSSIM_PORT (and
# MSSIM_PORT+1); `make run MSSIM_PORT=` leaves it out.
run: deps $(BUILD)/csvsm.igvm $(CSVSM)
	$(Q)rm -f $(BUILD)/req.sock
	$(Q)$(CSVSM) run --igvm $(BUILD)/csvsm.igvm --cpus $(CPUS) --mem $(MEM) \
		--request-socket $(BUILD)/req.sock \
		$(if $(MSSIM_PORT),--mssim-port $(MSSIM_PORT))

vmtest: $(BUILD)/csvsm-test.igvm $(CSVSM)
	$(Q)perl scripts/runtests.pl tests/prove/vm.t tests/prove/crash.t

test: deps
	$(Q)$(MAKE) --no-print-directory all $(FUZZ_BINS)
	$(Q)perl scripts/runtests.pl $(tests-t)

check: check-format check-headers unit tidy analyze cppcheck

# ---- static checks -----------------------------------------------------
SRC_C := $(shell git ls-files '*.c' '*.h' 2>/dev/null)
HDRS := $(shell git ls-files 'include/*.h' 'lib/*.h' 'tools/*.h' 2>/dev/null)
KHDRS := $(shell git ls-files 'arch/*.h' 'plat/native/*.h' 'kernel/*.h' 2>/dev/null)

format:
	$(Q)clang-format -i $(SRC_C)

check-format:
	$(Q)clang-format --dry-run -Werror $(SRC_C)

# Each header must compile on its own.
check-headers:
	$(Q)set -e; for h in $(HDRS); do \
		echo "#include \"$$h\"" | $(HOSTCC) $(filter-out -MMD -MP,$(HOSTCFLAGS)) -I. -x c \
			-fsyntax-only - || { echo "header: $$h"; exit 1; }; \
	done; for h in $(KHDRS); do \
		echo "#include \"$$h\"" | $(KCC) $(filter-out -MMD -MP,$(KCFLAGS)) -I. -x c \
			-fsyntax-only - || { echo "header: $$h"; exit 1; }; \
	done

# The C files that tidy and cppcheck look at: every tracked one. Work in
# progress that does not compile yet can be left out with
# `make tidy CHECK_EXCLUDE=path/to/file.c`.
CHECK_EXCLUDE ?=
CHECK_SRC = $(filter-out $(CHECK_EXCLUDE),$(shell git ls-files '*.c' 2>/dev/null))

# compile_commands.json for clang-tidy (and editors): `bear` records a full
# rebuild into $(TIDY_BUILD), so the objects in $(BUILD) are left alone.
# The database keeps one entry per source file, the first profile that
# compiled it; -j1 makes that choice the same every time (kernel before
# host before san before fuzz).
TIDY_BUILD := $(BUILD)/tidy
TIDY_DB := $(BUILD)/compile_commands.json
TIDY_JOBS ?= $(shell nproc 2>/dev/null || echo 1)
BEAR_CONFIG := {"compilation": {"compilers_to_recognize": [], \
	"compilers_to_exclude": []}, "output": {"content": \
	{"include_only_existing_source": true, "paths_to_include": [], \
	"paths_to_exclude": [], "duplicate_filter_fields": "file"}, \
	"format": {"command_as_array": true, "drop_output_field": false}}}

compile_commands.json:
	@mkdir -p $(TIDY_BUILD)
	$(Q)printf '%s\n' '$(BEAR_CONFIG)' >$(TIDY_BUILD)/bear.json
	$(Q)MAKEFLAGS= bear --config $(TIDY_BUILD)/bear.json --output $(TIDY_DB) \
		-- $(MAKE) --no-print-directory -B -j1 BUILD=$(TIDY_BUILD) \
		Q=$(Q) all $(TIDY_BUILD)/tools/mkigvm $(TIDY_BUILD)/tools/mkacpi \
		$(addprefix $(TIDY_BUILD)/fuzz-,$(fuzz-targets)) >/dev/null

# One clang-tidy process per file: clang-tidy 14 carries analyzer state
# from one translation unit to the next, after which va_start() is no
# longer recognised and correct va_list code is reported as
# clang-analyzer-valist.Uninitialized (LLVM bug 41311). The "N warnings
# generated" lines (system headers) are dropped from the output.
tidy: compile_commands.json
	$(Q)printf '%s\n' $(CHECK_SRC) | xargs -r -n 1 -P $(TIDY_JOBS) \
		clang-tidy --quiet -p $(dir $(TIDY_DB)) \
		2>$(TIDY_BUILD)/clang-tidy.stderr || { \
		grep -v 'warnings\? generated\.$$\|treated as errors\.$$' \
			$(TIDY_BUILD)/clang-tidy.stderr >&2; exit 1; }

# gcc -fanalyzer over the kernel (both images) and the host tools, built
# from scratch into their own directory.
ANALYZE_BUILD := $(BUILD)/analyze
ifeq ($(ANALYZE),1)
KCFLAGS += -fanalyzer
HOSTCFLAGS += -fanalyzer
endif

analyze:
	$(Q)$(MAKE) --no-print-directory -B BUILD=$(ANALYZE_BUILD) ANALYZE=1 \
		$(ANALYZE_BUILD)/csvsm.elf $(ANALYZE_BUILD)/csvsm-test.elf \
		$(ANALYZE_BUILD)/tools/igvmbld $(ANALYZE_BUILD)/tools/csvsm

# cppcheck over the same files as tidy. comparePointers is suppressed in
# the files that measure or walk a region between two symbols defined by
# the linker script (__start_x/__stop_x) or by an assembler blob
# (start/end labels around an .incbin): to C these are distinct objects,
# but they bound one region by construction.
CPPCHECK_BOUNDS := arch/x86/traps.c tests/framework/ktap.c \
	tests/unit/mkboot.c tests/unit/test_igvmbld.c tools/csvsm/run.c \
	tools/igvmbld/main.c kernel/smp.c
CPPCHECK_FLAGS := --quiet --std=c11 --platform=unix64 \
	--enable=warning,portability,performance --error-exitcode=1 \
	--inline-suppr $(INCS) -Itools/csvsm -Itools/igvmbld \
	$(addprefix --suppress=comparePointers:,$(CPPCHECK_BOUNDS))

cppcheck:
	$(Q)cppcheck $(CPPCHECK_FLAGS) $(CHECK_SRC)

clean:
	rm -rf $(BUILD)

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
