# The native platform (a plain VM under QEMU).
kernel-y += plat/native/plat.o plat/native/serial.o plat/native/fw_cfg.o
