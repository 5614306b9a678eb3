# Memory management: the physical page allocator, the per-page validation
# state and the allocation fault injector. All of it is core code that the
# host unit tests link unmodified.
kernel-y += kernel/mm/page_alloc.o kernel/mm/valid_state.o \
	kernel/mm/alloc_fail.o
unit-y += kernel/mm/page_alloc.o kernel/mm/valid_state.o \
	kernel/mm/alloc_fail.o
unit-y += tests/unit/test_page_alloc.o tests/unit/test_valid_state.o
# Kernel only: the boot-time set-up and the kernel's environment for the
# core allocators (temporary window, heap backend, validation).
kernel-y += kernel/mm/pgtable.o kernel/mm/heap.o kernel/mm/tmpmap.o \
	kernel/mm/mm.o kernel/mm/percpu.o kernel/mm/tlb.o
kernel-y += kernel/mm/uspace.o
# A process's used-range map (pure, also unit-tested).
kernel-y += kernel/mm/vmmap.o
unit-y += kernel/mm/vmmap.o tests/unit/test_vmmap.o
