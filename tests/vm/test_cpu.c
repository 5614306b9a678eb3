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

#include "svsm/boot.h"
#include "svsm/log.h"
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

TEST(cpu, rdmsr_safe_missing_msr_fails)
{
	uint64_t v = 0x5a5a;

	EXPECT_ERR(rdmsr_safe(0x12345678u, &v), SVSM_ERR_FAULT);
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
	/* Reserved EFER bit 63 set: #GP. */
	EXPECT_ERR(wrmsr_safe(MSR_EFER, rdmsr(MSR_EFER) | (1ull << 63)),
		   SVSM_ERR_FAULT);
}

/** Reads a non-canonical address: #GP, reported and fixed up. */
__attribute__((noinline)) int vmtest_fault_target(void)
{
	uint64_t v = 0;

	return load_u64_reported(
		(const volatile uint64_t *)0x8000000000000000ull, &v);
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
	/* The caller appears too: the frame chain was followed. */
	EXPECT_TRUE(log_contains_since(
		mark, "] test_fn_cpu_reported_fault_names_faulting_function+"));
}

TEST(cpu, boot_identity_map_removed)
{
	uint64_t v;

	/* 0xFFFFF000 was reachable through the loader's identity map. */
	EXPECT_EQ(
		load_u64_reported((const volatile uint64_t *)0xFFFFF000ull, &v),
		1);
}

TEST(cpu, exceptions_use_ist_for_double_fault)
{
	struct desc_ptr p;

	sidt(&p);
	EXPECT_EQ(p.limit, 256 * 16 - 1);
	const uint8_t *gate = (const uint8_t *)p.base + 8 * 16;

	EXPECT_EQ(gate[4] & 7u, 1u); /* #DF runs on IST1 */
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
