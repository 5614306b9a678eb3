# The csvsm host tool: dump, run (and later call, measure).
csvsm-y += tools/csvsm/main.o
# `csvsm call`: one SVSM call over the native request channel.
csvsm-y += tools/csvsm/call.o tools/csvsm/chan.o
# `csvsm run --mssim-port`: tpm2-tools to the vTPM over the channel.
csvsm-y += tools/csvsm/mssim.o
tests-t += tests/prove/call.t tests/prove/mssim.t tests/prove/vtpm_csvsm.t

# `csvsm run`: the IGVM loader for QEMU 7.2 and its reset shim.
csvsm-y += tools/csvsm/run.o tools/csvsm/loadplan.o tools/csvsm/shim_blob.o
tests-t += tests/prove/run.t

# The reset shim (shim.S): assembled once, linked at SHIM_BASE (loadplan.h)
# and cut to exactly 64 KiB, then embedded into csvsm by shim_blob.S.
SHIM_BIN := $(BUILD)/shim/csvsm-shim.bin

$(BUILD)/shim/shim.o: tools/csvsm/shim.S
	@mkdir -p $(dir $@)
	$(Q)$(HOSTCC) -Itools/csvsm $(INCS) -MMD -MP -c $< -o $@

$(BUILD)/shim/shim.elf: $(BUILD)/shim/shim.o
	$(Q)$(KLD) -nostdlib -Ttext=0xFFFF0000 -e shim_start --build-id=none \
		-z noexecstack -o $@ $<

$(SHIM_BIN): $(BUILD)/shim/shim.elf
	$(Q)objcopy -O binary -j .text $< $@.tmp
	$(Q)size=$$(stat -c %s $@.tmp); if [ "$$size" -ne 65536 ]; then \
		echo "shim: $@ is $$size bytes, not 65536" >&2; \
		rm -f $@.tmp; exit 1; fi
	$(Q)mv $@.tmp $@

$(BUILD)/host/tools/csvsm/shim_blob.o: tools/csvsm/shim_blob.S $(SHIM_BIN)
	@mkdir -p $(dir $@)
	$(Q)$(HOSTCC) -DSHIM_BIN='"$(SHIM_BIN)"' -c $< -o $@

# mkboot: hand-made IGVM images for tests/prove/run.t.
$(BUILD)/tools/mkboot: $(BUILD)/host/tests/unit/mkboot.o \
		$(BUILD)/host/lib/util/crc32.o
	@mkdir -p $(dir $@)
	$(Q)$(HOSTCC) -o $@ $^

all: $(BUILD)/tools/mkboot
csvsm-y += tools/csvsm/dump.o
tests-t += tests/prove/dump.t

# tests/unit/test_loadplan.c includes loadplan.h.
$(BUILD)/san/tests/unit/test_loadplan.o: SANCFLAGS += -Itools/csvsm
# `csvsm measure`: the SEV-SNP launch digest of an IGVM file.
csvsm-y += tools/csvsm/measure.o tools/csvsm/snp_digest.o
unit-y += tools/csvsm/snp_digest.o
tests-t += tests/prove/measure.t
unit-y += tests/unit/test_snp_digest.o
$(BUILD)/san/tests/unit/test_snp_digest.o: SANCFLAGS += -Itools/csvsm -Itests/unit
