# ACPI tables from the host (RSDP, table headers, MADT): core code that
# the host unit tests and the fuzzer link unmodified.
kernel-y += kernel/acpi/acpi.o
unit-y += kernel/acpi/acpi.o tests/unit/test_acpi.o
# The unit tests embed QEMU's MADT with .incbin: rebuild when it changes.
$(BUILD)/san/tests/unit/test_acpi.o: tests/unit/data/qemu-q35-4cpu-madt.bin
