# The host platform: what core code needs from its environment when it
# runs in the unit tests (and the benchmarks) instead of in the VM.
# The kernel heap is listed here for now; it belongs in kernel/mm.
unit-y += kernel/mm/heap.o plat/host/heap_backend.o tests/unit/test_heap.o
# Not in the kernel yet: it links only once the kernel provides
# heap_backend_map/unmap (mapping pages into the heap region). Then:
# kernel-y += kernel/mm/heap.o
# The local APIC model behind arch/x86/apic_ops.c (tests/unit/test_apic.c).
unit-y += plat/host/apic_env.o
# panic() for core code under test: print and abort.
unit-y += plat/host/panic.o
