# x86 entry, descriptor tables, exceptions.
kernel-y += arch/x86/entry.o arch/x86/idt_stubs.o arch/x86/cpu.o \
	arch/x86/traps.o arch/x86/irq.o arch/x86/apic.o
# The local APIC's two modes (xAPIC, x2APIC): pure, so also in the unit
# tests, against the APIC model in plat/host.
kernel-y += arch/x86/apic_ops.o arch/x86/fpu.o
unit-y += arch/x86/apic_ops.o
# The real-mode AP trampoline (copied to low memory by kernel/smp.c).
kernel-y += arch/x86/ap_trampoline.o
# The SEV-SNP instructions behind arch/x86/snp_ops.h; not reachable until
# csvsm boots on SNP, built so that it keeps compiling freestanding. The
# host tests put tests/models/snp behind the same declarations.
kernel-y += arch/x86/snp_ops.o
