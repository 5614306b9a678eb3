# The IGVM writer (host side): used by igvmbld and its unit tests.
libhost-y += lib/igvmw/igvm_writer.o
