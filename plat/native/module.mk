# The native platform (a plain VM under QEMU).
kernel-y += plat/native/plat.o plat/native/serial.o plat/native/ap_start.o \
	plat/native/fw_cfg.o plat/native/guest.o plat/native/reqchan.o
# INIT-SIPI-SIPI uses only the APIC calls: also checked on the host.
unit-y += plat/native/ap_start.o
kernel-test-y += tests/vm/test_native_guest.o
