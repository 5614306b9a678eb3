# ACPI tables from the host (RSDP, table headers, MADT) and the
# interpreter of QEMU's table-loader script: core code that the host unit
# tests and the fuzzers link unmodified.
kernel-y += kernel/acpi/acpi.o kernel/acpi/loader.o
unit-y += kernel/acpi/acpi.o tests/unit/test_acpi.o
unit-y += kernel/acpi/loader.o tests/unit/test_acpi_loader.o \
	tests/unit/acpi_sample.o
# Kernel only: reading the tables through fw_cfg (plat/native).
kernel-y += kernel/acpi/fw_cfg_tables.o
# The unit tests embed QEMU's MADT with .incbin: rebuild when it changes.
$(BUILD)/san/tests/unit/test_acpi.o: tests/unit/data/qemu-q35-4cpu-madt.bin
# End to end: CPUs from the MADT, non-sequential APIC IDs, fail closed.
tests-t += tests/prove/acpi.t
# In the VM: the fw_cfg driver and the tables read through it.
kernel-test-y += tests/vm/test_fw_cfg.o
