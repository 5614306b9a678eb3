# igvmbld: the host tool that turns the kernel ELF into the IGVM image,
# with the SNP entry stub it embeds.
igvmbld-y += tools/igvmbld/main.o tools/igvmbld/image.o tools/igvmbld/elf.o \
	tools/igvmbld/symtab.o tools/igvmbld/layout.o \
	tools/igvmbld/pagetable.o tools/igvmbld/vmsa.o \
	tools/igvmbld/snp_stub_blob.o

# The SNP entry stub: 32-bit code, no libc, linked at 0 (it is
# position-independent) and cut down to a flat binary.
SNP_STUB_BIN := $(BUILD)/boot/snp_stub.bin

$(BUILD)/boot/snp_stub.o: arch/x86/boot/snp_stub.S
	@mkdir -p $(dir $@)
	$(Q)$(KCC) -m32 -nostdlib -ffreestanding $(KASFLAGS) -c $< -o $@

$(BUILD)/boot/snp_stub.elf: $(BUILD)/boot/snp_stub.o
	$(Q)$(KLD) -m elf_i386 -nostdlib --build-id=none -Ttext=0 \
		-e snp_stub_start -o $@ $<

$(SNP_STUB_BIN): $(BUILD)/boot/snp_stub.elf
	$(Q)objcopy -O binary -j .text $< $@

# The blob object, for igvmbld (host) and the unit tests (san).
$(BUILD)/host/tools/igvmbld/snp_stub_blob.o \
$(BUILD)/san/tools/igvmbld/snp_stub_blob.o: tools/igvmbld/snp_stub_blob.S \
		$(SNP_STUB_BIN)
	@mkdir -p $(dir $@)
	$(Q)$(HOSTCC) $(INCS) -DSNP_STUB_BIN='"$(SNP_STUB_BIN)"' -c $< -o $@

# A small test kernel (tests/unit/igvmbld_fixture.S), for trying igvmbld
# without the real kernel: make build/igvmbld-fixture.igvm
$(BUILD)/igvmbld-fixture.o: tests/unit/igvmbld_fixture.S
	@mkdir -p $(dir $@)
	$(Q)$(KCC) $(KASFLAGS) -c $< -o $@

$(BUILD)/igvmbld-fixture.elf: $(BUILD)/igvmbld-fixture.o \
		tests/unit/igvmbld_fixture.lds
	$(Q)$(KLD) $(KLDFLAGS) -T tests/unit/igvmbld_fixture.lds -o $@ $<

# --id-key: the SEV-SNP ID block, signed with libcrypto over the launch
# digest computed by the code of `csvsm measure`.
igvmbld-y += tools/igvmbld/idblock.o tools/csvsm/snp_digest.o
IGVMBLD_LDLIBS += -lcrypto
$(BUILD)/host/tools/igvmbld/idblock.o \
$(BUILD)/san/tools/igvmbld/idblock.o: HOSTCFLAGS += -Itools/csvsm
$(BUILD)/san/tools/igvmbld/idblock.o: SANCFLAGS += -Itools/csvsm
tests-t += tests/prove/idblock.t
