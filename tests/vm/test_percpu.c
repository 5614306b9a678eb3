// SPDX-License-Identifier: MIT
/*
 * In-VM tests of the boot CPU's per-CPU region: reached through GS, the
 * temporary window lives there, and its stack sits between guard pages
 * whose hit is reported as a stack overflow.
 */
#include "arch/insn.h"

#include "svsm/log.h"
#include "svsm/percpu.h"
#include "svsm/pgtable.h"
#include "svsm/test.h"
#include "svsm/tmpmap.h"

TEST(percpu, gs_reaches_this_cpu)
{
	struct percpu *pc = this_cpu();

	EXPECT_EQ((uint64_t)pc, MM_PERCPU_BASE + PERCPU_DATA_OFFSET);
	EXPECT_EQ((uint64_t)pc->self, (uint64_t)pc);
	EXPECT_EQ(pc->cpu_index, 0);
}

TEST(percpu, window_lives_in_the_region)
{
	paddr_t pa;

	EXPECT_EQ(tmpmap_window_va(), MM_PERCPU_BASE + PERCPU_WINDOW_OFFSET);
	ASSERT_OK(page_alloc(0, 0, &pa));
	void *p = tmpmap_map(pa);

	ASSERT_TRUE(p != NULL);
	EXPECT_GE((uint64_t)p, MM_PERCPU_BASE + PERCPU_WINDOW_OFFSET);
	EXPECT_LT((uint64_t)p,
		  MM_PERCPU_BASE + PERCPU_WINDOW_OFFSET +
			  (uint64_t)SVSM_TMP_WINDOW_PAGES * PAGE_SIZE);
	tmpmap_unmap(p);
	EXPECT_OK(page_free(0, pa, 0));
}

TEST(percpu, stack_between_guard_pages)
{
	struct percpu *pc = this_cpu();
	paddr_t pa;
	uint64_t fl;

	for (uint64_t va = pc->stack_bottom; va < pc->stack_top;
	     va += PAGE_SIZE) {
		ASSERT_TRUE(pgtable_lookup(mm_kernel_pgtable(), va_init(va),
					   &pa, &fl));
		EXPECT_TRUE((fl & PTE_RW) && (fl & PTE_NX));
	}
	EXPECT_FALSE(pgtable_lookup(mm_kernel_pgtable(),
				    va_init(pc->stack_bottom - PAGE_SIZE), &pa,
				    &fl));
	EXPECT_FALSE(pgtable_lookup(mm_kernel_pgtable(), va_init(pc->stack_top),
				    &pa, &fl));
}

TEST(percpu, guard_page_hit_reported_as_stack_overflow)
{
	struct percpu *pc = this_cpu();
	uint64_t mark = log_mark();
	bool was_on = log_console_enabled();

	log_set_console(false);
	int faulted = store_u64_reported(
		(volatile uint64_t *)va_to_ptr(va_init(pc->stack_bottom - 8)),
		1);
	log_set_console(was_on);
	EXPECT_EQ(faulted, 1);
	EXPECT_TRUE(log_contains_since(mark, "kernel stack overflow: guard "
					     "page hit"));
}
