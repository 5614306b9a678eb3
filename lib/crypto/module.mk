# Own cryptography, freestanding: the kernel, the host tools and the tests.
kernel-y += lib/crypto/sha2.o
libhost-y += lib/crypto/sha2.o
# Host tests; they compare against OpenSSL's libcrypto (libssl-dev).
unit-y += tests/unit/test_sha2.o
UNIT_LDLIBS += -lcrypto
# Incremental against one-shot under libFuzzer.
fuzz-targets += sha2
fuzz-sha2-y := tests/fuzz/fuzz_sha2.o lib/crypto/sha2.o
