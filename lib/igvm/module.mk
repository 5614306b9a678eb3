# The IGVM reader and validator (host only: csvsm dump/run, tests, fuzzing).
libhost-y += lib/igvm/igvm_file.o lib/igvm/igvm_check.o lib/igvm/igvm_overlap.o
