# libFuzzer targets and the test-side IGVM sample writer.
fuzz-targets += igvm
fuzz-igvm-y := tests/fuzz/fuzz_igvm.o lib/igvm/igvm_file.o \
	lib/igvm/igvm_check.o lib/igvm/igvm_overlap.o lib/util/crc32.o \
	lib/util/err.o lib/util/fmt.o
tests-t += tests/prove/fuzz.t

# build/tools/mkigvm FILE writes the sample IGVM of tests/unit/igvm_sample.c
# (for tests/prove/dump.t and the fuzz seeds).
$(BUILD)/tools/mkigvm: $(BUILD)/host/tests/unit/mkigvm.o \
		$(BUILD)/host/tests/unit/igvm_sample.o \
		$(BUILD)/host/lib/util/crc32.o
	@mkdir -p $(dir $@)
	$(Q)$(HOSTCC) -o $@ $^

# The ACPI parsers (RSDP, table header, MADT).
fuzz-targets += acpi
fuzz-acpi-y := tests/fuzz/fuzz_acpi.o kernel/acpi/acpi.o lib/util/fmt.o
# The table-loader interpreter and the walk to the MADT.
fuzz-targets += acpi_loader
fuzz-acpi_loader-y := tests/fuzz/fuzz_acpi_loader.o kernel/acpi/loader.o \
	kernel/acpi/acpi.o lib/util/fmt.o

# build/tools/mkacpi DIR writes the seeds of tests/fuzz/corpus/acpi_loader
# from tests/unit/acpi_sample.c.
$(BUILD)/tools/mkacpi: $(BUILD)/host/tests/unit/mkacpi.o \
		$(BUILD)/host/tests/unit/acpi_sample.o
	@mkdir -p $(dir $@)
	$(Q)$(HOSTCC) -o $@ $^

# The RAM FS reader.
fuzz-targets += ramfs
fuzz-ramfs-y := tests/fuzz/fuzz_ramfs.o lib/ramfs/ramfs.o lib/util/crc32.o \
	lib/util/fmt.o lib/util/err.o

# The ELF load plan for user programs.
fuzz-targets += elf
fuzz-elf-y := tests/fuzz/fuzz_elf.o lib/elf/elf_load.o lib/elf/elf_place.o \
	lib/util/fmt.o
