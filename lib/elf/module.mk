# The ELF load plan for user programs: in the kernel (which will load
# them), the host tools and unit tests, and a fuzz target.
kernel-y += lib/elf/elf_load.o lib/elf/elf_place.o
libhost-y += lib/elf/elf_load.o lib/elf/elf_place.o
