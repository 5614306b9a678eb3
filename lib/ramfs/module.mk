# The RAM FS reader (freestanding: kernel, host tools, unit tests, fuzzer)
# and the packer (host only: mkramfs and the tests).
kernel-y += lib/ramfs/ramfs.o
libhost-y += lib/ramfs/ramfs.o lib/ramfs/ramfs_pack.o
