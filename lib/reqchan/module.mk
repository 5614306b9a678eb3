# The native request channel's frame codec: in the kernel (the native
# platform's end), the host tools (`csvsm call`), unit tests and a fuzz
# target.
kernel-y += lib/reqchan/reqchan.o
libhost-y += lib/reqchan/reqchan.o
unit-y += tests/unit/test_reqchan.o
fuzz-targets += reqchan
fuzz-reqchan-y := tests/fuzz/fuzz_reqchan.o lib/reqchan/reqchan.o \
	lib/util/crc32.o
