// SPDX-License-Identifier: MIT
/*
 * In-VM tests of the CPU bring-up: protections on, exception-table
 * fixups, reported faults with symbolized backtraces, the boot identity
 * map gone, descriptor tables in place.
 */
#include "arch/cpu.h"
#include "arch/cpuid.h"
#include "arch/insn.h"
#include "arch/msr.h"
#include "arch/trap.h"

#include "svsm/addr.h"
#include "svsm/boot.h"
#include "svsm/log.h"
#include "svsm/plat.h"
#include "svsm/symbols.h"
#include "svsm/test.h"

#include "vmtest.h"

TEST(cpu, wp_smep_smap_nxe_on)
{
	EXPECT_TRUE(read_cr0() & CR0_WP);
	EXPECT_TRUE(read_cr4() & CR4_SMEP);
	EXPECT_TRUE(read_cr4() & CR4_SMAP);
	EXPECT_TRUE(rdmsr(MSR_EFER) & EFER_NXE);
	if (cpuid(7, 0).ecx & CPUID_7_ECX_UMIP) {
		EXPECT_TRUE(read_cr4() & CR4_UMIP);
	}
}

/*
 * Non-existent MSRs. On hardware and KVM, RDMSR of an unimplemented MSR
 * raises #GP. QEMU 7.2's TCG never does: it answers every unknown MSR
 * with 0, so under TCG the read check is skipped and the fixup path is
 * proven by WRMSR instead, which TCG does refuse for reserved PKRS bits.
 */
#define MSR_NONEXISTENT 0x4D53C5E0U /* no vendor defines this MSR */
#define MSR_IA32_PKRS 0x6E1U

/** Whether the hypervisor is QEMU's TCG (CPUID 0x40000000 signature). */
static bool running_on_tcg(void)
{
	if (!(cpuid(1, 0).ecx & (1U << 31))) {
		return false;
	}
	struct cpuid_regs r = cpuid(0x40000000U, 0);

	return r.ebx == 0x54474354U && r.ecx == 0x43544743U &&
	       r.edx == 0x47435447U; /* "TCGTCGTCGTCG" */
}

TEST(cpu, rdmsr_safe_missing_msr_fails)
{
	uint64_t v = 0x5a5a;

	SKIP_IF(running_on_tcg(), "QEMU TCG returns 0 for unknown MSRs");
	EXPECT_ERR(rdmsr_safe(MSR_NONEXISTENT, &v), SVSM_ERR_FAULT);
	EXPECT_EQ(v, 0x5a5a); /* untouched on failure */
}

TEST(cpu, rdmsr_safe_existing_msr_works)
{
	uint64_t v = 0;

	ASSERT_OK(rdmsr_safe(MSR_EFER, &v));
	EXPECT_EQ(v, rdmsr(MSR_EFER));
}

TEST(cpu, wrmsr_safe_refused_value_fails)
{
	/* Bits 63:32 of PKRS are reserved: #GP with or without PKS. */
	EXPECT_ERR(wrmsr_safe(MSR_IA32_PKRS, 1ULL << 40), SVSM_ERR_FAULT);
}

/** Reads a non-canonical address: #GP, reported and fixed up. */
__attribute__((noinline)) int vmtest_fault_target(void)
{
	uint64_t v = 0;

	return load_u64_reported(
		(const volatile uint64_t *)0x8000000000000000ULL, &v);
}

TEST(cpu, reported_fault_names_faulting_function)
{
	uint64_t mark = log_mark();
	bool was_on = log_console_enabled();

	log_set_console(false); /* keep the report out of the KTAP stream */
	int faulted = vmtest_fault_target();

	log_set_console(was_on);
	EXPECT_EQ(faulted, 1);
	EXPECT_TRUE(log_contains_since(mark, "#GP general protection"));
	EXPECT_TRUE(log_contains_since(mark, "backtrace:"));
	EXPECT_TRUE(log_contains_since(mark, "] vmtest_fault_target+0x"));
	/* The caller of the (frameless, leaf) target, then the chain. */
	EXPECT_TRUE(log_contains_since(
		mark, "] test_fn_cpu_reported_fault_names_faulting_function+"));
	EXPECT_TRUE(log_contains_since(mark, "] test_run_all+0x"));
	EXPECT_TRUE(log_contains_since(mark, "] kernel_main+0x"));
}

TEST(cpu, boot_identity_map_removed)
{
	uint64_t v;

	uint64_t mark = log_mark();
	bool was_on = log_console_enabled();

	/* 0xFFFFF000 was reachable through the loader's identity map. */
	log_set_console(false);
	int faulted =
		load_u64_reported((const volatile uint64_t *)0xFFFFF000ULL, &v);

	log_set_console(was_on);
	EXPECT_EQ(faulted, 1);
	EXPECT_TRUE(log_contains_since(mark, "#PF page fault"));
}

TEST(cpu, exceptions_use_ist_for_double_fault)
{
	struct desc_ptr p;

	sidt(&p);
	EXPECT_EQ(p.limit, 256 * 16 - 1);
	const uint8_t *idt = va_to_ptr(va_init(p.base));
	const uint8_t *gate = idt + (size_t)VEC_DF * 16; /* 16-byte gates */

	EXPECT_EQ(gate[4] & 7U, 1U); /* #DF runs on IST1 */
}

TEST(cpu, symbols_resolve_kernel_functions)
{
	struct symbol_hit hit;

	ASSERT_TRUE(symbols_lookup((uint64_t)&kernel_main + 4, &hit));
	EXPECT_STREQ(hit.name, "kernel_main");
	EXPECT_EQ(hit.offset, 4);
}

TEST(boot, params_checked)
{
	const struct boot_info *b = boot_info_get();

	EXPECT_GE(b->cpu_count, 1);
	EXPECT_GT(b->memmap.count, 0);
	EXPECT_TRUE(memmap_covers_ram(&b->memmap, b->launch.kernel_pbase,
				      b->launch.kernel_pend));
}

/** Writes to an unmapped address: an unhandled #PF. */
__attribute__((noinline)) void vmtest_crash_pagefault(void)
{
	*(volatile uint64_t *)0x1000 = 1;
	__builtin_unreachable();
}

/** Executes UD2. */
__attribute__((noinline)) void vmtest_crash_invalid_opcode(void)
{
	ud2();
	__builtin_unreachable();
}

/* NOLINTBEGIN(misc-no-recursion): unbounded recursion is the point. */
/** Uses 256 bytes of stack per level until the guard page stops it. */
__attribute__((noinline)) void vmtest_crash_stack_overflow(uint32_t depth)
{
	volatile uint8_t pad[256];

	pad[0] = (uint8_t)depth;
	if (depth < UINT32_MAX) {
		vmtest_crash_stack_overflow(depth + pad[0] + 1U);
	}
	plat_exit(false); /* unreachable: the guard page stops the descent */
}
/* NOLINTEND(misc-no-recursion) */

/* Code-like bytes (RET) in a writable data page, which is NX. */
static uint8_t data_code[16] = { 0xC3 };

/** Calls into `data_code`: the fetch faults on the NX page. */
__attribute__((noinline)) void vmtest_crash_execute_data(void)
{
	void (*fn)(void) = (void (*)(void))va_to_ptr(
		va_init((uint64_t)(uintptr_t)data_code));

	fn();
	__builtin_unreachable();
}
