# Freestanding helpers shared by the kernel, host tools and unit tests.
kernel-y += lib/util/fmt.o lib/util/crc32.o lib/util/err.o lib/util/string.o
libhost-y += lib/util/fmt.o lib/util/crc32.o lib/util/err.o
