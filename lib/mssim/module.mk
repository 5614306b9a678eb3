# The mssim codec of `csvsm run --mssim-port`: host tools, unit tests and
# a fuzz target.
libhost-y += lib/mssim/mssim.o
unit-y += tests/unit/test_mssim.o
fuzz-targets += mssim
fuzz-mssim-y := tests/fuzz/fuzz_mssim.o lib/mssim/mssim.o
