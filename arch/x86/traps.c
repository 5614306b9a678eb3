// SPDX-License-Identifier: MIT
/*
 * Exception handling: look the faulting instruction up in the exception
 * table (the `_safe` wrappers), otherwise report registers and a
 * symbolized backtrace and fail closed.
 */
#include "arch/insn.h"
#include "arch/irq.h"
#include "arch/trap.h"

#include "svsm/backtrace.h"
#include "svsm/log.h"
#include "svsm/panic.h"
#include "svsm/plat.h"
#include "svsm/proc.h"

/*
 * The bounds of section `__ex_table`, defined by the linker script
 * (kernel.lds), hence the reserved names.
 * NOLINTBEGIN(cert-dcl37-c, readability-identifier-naming)
 */
extern const struct extable_entry __start___ex_table[];
extern const struct extable_entry __stop___ex_table[];
/* NOLINTEND(cert-dcl37-c, readability-identifier-naming) */

static const char *const VECTOR_NAMES[VEC_COUNT] = {
	"#DE divide error",
	"#DB debug",
	"NMI",
	"#BP breakpoint",
	"#OF overflow",
	"#BR bound range",
	"#UD invalid opcode",
	"#NM device not available",
	"#DF double fault",
	"coprocessor segment overrun",
	"#TS invalid TSS",
	"#NP segment not present",
	"#SS stack fault",
	"#GP general protection",
	"#PF page fault",
	"reserved 15",
	"#MF x87 error",
	"#AC alignment check",
	"#MC machine check",
	"#XM SIMD error",
	"#VE virtualization exception",
	"#CP control protection",
	"reserved 22",
	"reserved 23",
	"reserved 24",
	"reserved 25",
	"reserved 26",
	"reserved 27",
	"#HV hypervisor injection",
	"#VC VMM communication",
	"#SX security exception",
	"reserved 31",
};

/** Returns the exception-table entry for `rip`, or NULL. */
const struct extable_entry *extable_find(uint64_t rip)
{
	for (const struct extable_entry *e = __start___ex_table;
	     e < __stop___ex_table; e++) {
		if (e->insn == rip) {
			return e;
		}
	}
	return NULL;
}

/** Logs the exception, every register and a backtrace. */
void trap_report(const struct trap_frame *f, const char *what)
{
	const char *name =
		f->vector < VEC_COUNT ? VECTOR_NAMES[f->vector] : "interrupt";

	uint64_t lo;
	uint64_t hi;

	log_printf("%s: %s (vector %llu) error code 0x%llx\n", what, name,
		   (unsigned long long)f->vector,
		   (unsigned long long)f->error_code);
	/* A #PF on a guard page, or the #DF it becomes when the CPU cannot
	 * push the #PF frame on the overflowed stack. */
	if ((f->vector == VEC_PF || f->vector == VEC_DF) &&
	    backtrace_guard_hit(read_cr2(), &lo, &hi)) {
		log_printf("kernel stack overflow: guard page hit at 0x%llx "
			   "below the stack [0x%llx, 0x%llx)\n",
			   (unsigned long long)read_cr2(),
			   (unsigned long long)lo, (unsigned long long)hi);
	}
	backtrace_log_addr("RIP: ", f->rip);
	log_printf("RSP: %016llx RFLAGS: %016llx CS: %04llx SS: %04llx\n",
		   (unsigned long long)f->rsp, (unsigned long long)f->rflags,
		   (unsigned long long)f->cs, (unsigned long long)f->ss);
	log_printf("RAX: %016llx RBX: %016llx RCX: %016llx\n",
		   (unsigned long long)f->rax, (unsigned long long)f->rbx,
		   (unsigned long long)f->rcx);
	log_printf("RDX: %016llx RSI: %016llx RDI: %016llx\n",
		   (unsigned long long)f->rdx, (unsigned long long)f->rsi,
		   (unsigned long long)f->rdi);
	log_printf("RBP: %016llx R8:  %016llx R9:  %016llx\n",
		   (unsigned long long)f->rbp, (unsigned long long)f->r8,
		   (unsigned long long)f->r9);
	log_printf("R10: %016llx R11: %016llx R12: %016llx\n",
		   (unsigned long long)f->r10, (unsigned long long)f->r11,
		   (unsigned long long)f->r12);
	log_printf("R13: %016llx R14: %016llx R15: %016llx\n",
		   (unsigned long long)f->r13, (unsigned long long)f->r14,
		   (unsigned long long)f->r15);
	log_printf(
		"CR0: %016llx CR2: %016llx CR3: %016llx CR4: %016llx\n",
		(unsigned long long)read_cr0(), (unsigned long long)read_cr2(),
		(unsigned long long)read_cr3(), (unsigned long long)read_cr4());
	backtrace_log_context(f->rip, f->rbp, f->rsp);
}

/** Vectors that an exception-table fixup may recover from. */
static bool is_recoverable(uint64_t vector)
{
	return vector == VEC_GP || vector == VEC_PF || vector == VEC_UD ||
	       vector == VEC_DE;
}

/** The C side of every exception and interrupt entry. */
void trap_dispatch(struct trap_frame *f)
{
	if (f->vector >= VEC_IRQ_FIRST) {
		irq_dispatch(f);
		/* Back to ring 3: a killed process ends here instead. */
		if ((f->cs & 3U) == 3U) {
			process_check_killed();
		}
		return;
	}
	/* SEV-SNP: an intercepted instruction (CPUID, IN/OUT, MSRs). */
	if (f->vector == VEC_VC && plat_handle_vc(f)) {
		return;
	}
	/* From ring 3 (NMI and #MC stay fatal: the machine is suspect). */
	if ((f->cs & 3U) == 3U && f->vector != VEC_NMI && f->vector != VEC_MC) {
		process_fault(f);
	}
	const struct extable_entry *e =
		is_recoverable(f->vector) ? extable_find(f->rip) : NULL;

	if (e) {
		if (e->type == EXTABLE_REPORT) {
			trap_report(f, "reported fault");
		}
		f->rip = e->fixup;
		return;
	}
	log_set_console(true);
	trap_report(f, "unhandled exception");
	log_printf("csvsm: fatal exception, stopping\n");
	plat_exit(false);
}
