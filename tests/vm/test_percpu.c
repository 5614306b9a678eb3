// SPDX-License-Identifier: MIT
/*
 * In-VM tests of the per-CPU regions: the boot CPU's is reached through
 * GS, the temporary window lives there, and its stack sits between guard
 * pages whose hit is reported as a stack overflow. Dynamic per-CPU
 * variables: allocation, freeing and reuse, every CPU writing its own
 * copy through the same pointer (the APs through smp_run_on_aps) and the
 * boot CPU reading each copy through its window, zeroing on allocation,
 * exhaustion, bad arguments and double frees. An AP region built and
 * freed for a spare CPU index that never starts, under the OOM sweep.
 */
#include "arch/insn.h"

#include "svsm/boot.h"
#include "svsm/log.h"
#include "svsm/mm.h"
#include "svsm/percpu.h"
#include "svsm/pgtable.h"
#include "svsm/smp.h"
#include "svsm/test.h"
#include "svsm/time.h"
#include "svsm/tlb.h"
#include "svsm/tmpmap.h"

#define DYN_MAGIC 0xD1A0C0DE00000000ULL
#define DYN_AP_DEADLINE_NS 30000000000ULL
#define DYN_MAX_VARS (PERCPU_DYN_SIZE / PERCPU_DYN_UNIT)

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

TEST(percpu, dyn_alloc_free_reuse)
{
	uint32_t used = percpu_dyn_used();
	struct percpu_var a;
	struct percpu_var b;
	struct percpu_var c;
	struct percpu_var d;

	ASSERT_OK(percpu_alloc(24, 8, &a));
	ASSERT_OK(percpu_alloc(8, 8, &b));
	ASSERT_OK(percpu_alloc(100, 16, &c));
	EXPECT_EQ(percpu_dyn_used(), used + 32 + 16 + 112);
	/* Disjoint, in the area, at the same address on every CPU. */
	EXPECT_GE(b.offset, a.offset + 32);
	EXPECT_GE(c.offset, b.offset + 16);
	EXPECT_EQ((uint64_t)percpu_ptr(b),
		  MM_PERCPU_BASE + PERCPU_DYN_OFFSET + b.offset);
	/* First fit: a freed hole is used again. */
	EXPECT_OK(percpu_free(b));
	ASSERT_OK(percpu_alloc(16, 16, &d));
	EXPECT_EQ(d.offset, b.offset);
	EXPECT_OK(percpu_free(a));
	EXPECT_OK(percpu_free(c));
	EXPECT_OK(percpu_free(d));
	EXPECT_EQ(percpu_dyn_used(), used);
}

TEST(percpu, dyn_alignment_and_page_bounds)
{
	struct percpu_var a;
	struct percpu_var b;
	struct percpu_var c;

	ASSERT_OK(percpu_alloc(16, 1, &a));
	ASSERT_OK(percpu_alloc(64, 256, &b));
	EXPECT_EQ(b.offset % 256U, 0);
	/* A whole page never straddles two pages of the area. */
	ASSERT_OK(percpu_alloc(PAGE_SIZE, 8, &c));
	EXPECT_EQ(c.offset % PAGE_SIZE, 0);
	EXPECT_OK(percpu_free(a));
	EXPECT_OK(percpu_free(b));
	EXPECT_OK(percpu_free(c));
}

TEST(percpu, dyn_bad_arguments_refused)
{
	struct percpu_var v = { 0, 0 };
	struct percpu_ap ap;

	EXPECT_ERR(percpu_alloc(0, 8, &v), SVSM_ERR_INVAL);
	EXPECT_ERR(percpu_alloc(PAGE_SIZE + 1, 8, &v), SVSM_ERR_INVAL);
	EXPECT_ERR(percpu_alloc(8, 0, &v), SVSM_ERR_INVAL);
	EXPECT_ERR(percpu_alloc(8, 24, &v), SVSM_ERR_INVAL);
	EXPECT_ERR(percpu_alloc(8, (size_t)2 * PAGE_SIZE, &v), SVSM_ERR_INVAL);
	EXPECT_EQ(v.size, 0); /* outputs only on success */
	EXPECT_TRUE(percpu_ptr(v) == NULL);
	EXPECT_TRUE(percpu_ptr((struct percpu_var){ PERCPU_DYN_SIZE - 8,
						    16 }) == NULL);
	EXPECT_ERR(percpu_init_ap(0, &ap), SVSM_ERR_INVAL);
	EXPECT_ERR(percpu_init_ap(SVSM_MAX_CPUS, &ap), SVSM_ERR_INVAL);
	if (smp_online_count() > 1) {
		EXPECT_ERR(percpu_init_ap(1, &ap), SVSM_ERR_EXISTS);
	}
}

TEST(percpu, dyn_double_and_foreign_free_detected)
{
	uint32_t used = percpu_dyn_used();
	struct percpu_var a;
	struct percpu_var b;
	uint64_t x;

	ASSERT_OK(percpu_alloc(48, 16, &a));
	ASSERT_OK(percpu_alloc(16, 16, &b));
	/* Not exactly a live variable: inside it, shorter, longer. */
	EXPECT_ERR(percpu_free((struct percpu_var){ a.offset + 16, 16 }),
		   SVSM_ERR_INVAL);
	EXPECT_ERR(percpu_free((struct percpu_var){ a.offset, 16 }),
		   SVSM_ERR_INVAL);
	EXPECT_ERR(percpu_free((struct percpu_var){ a.offset, 64 }),
		   SVSM_ERR_INVAL);
	EXPECT_ERR(percpu_free((struct percpu_var){ PERCPU_DYN_SIZE, 16 }),
		   SVSM_ERR_INVAL);
	EXPECT_OK(percpu_free(a));
	EXPECT_ERR(percpu_free(a), SVSM_ERR_INVAL);
	EXPECT_ERR(percpu_read_cpu(a, 0, &x), SVSM_ERR_INVAL);
	EXPECT_OK(percpu_free(b));
	EXPECT_ERR(percpu_free(b), SVSM_ERR_INVAL);
	EXPECT_EQ(percpu_dyn_used(), used);
}

/* File scope: the handles stay reachable while the test holds them. */
static struct percpu_var dyn_vars[DYN_MAX_VARS];

TEST(percpu, dyn_exhaustion_is_nomem_without_leak)
{
	uint32_t used = percpu_dyn_used();
	uint32_t count = 0;
	struct percpu_var extra;
	enum svsm_err err = SVSM_OK;
	uint64_t t0 = clock_monotonic_ns();

	while (count < DYN_MAX_VARS) {
		err = percpu_alloc(PERCPU_DYN_UNIT, 1, &dyn_vars[count]);
		if (err != SVSM_OK) {
			break;
		}
		count++;
	}
	test_diag(t, "%u variables of %u bytes, %llu ns each (%u CPUs)", count,
		  PERCPU_DYN_UNIT,
		  (unsigned long long)((clock_monotonic_ns() - t0) /
				       (count ? count : 1U)),
		  smp_online_count());
	EXPECT_EQ(count, (PERCPU_DYN_SIZE - used) / PERCPU_DYN_UNIT);
	EXPECT_EQ(percpu_dyn_used(), PERCPU_DYN_SIZE);
	EXPECT_ERR(percpu_alloc(PERCPU_DYN_UNIT, 1, &extra), SVSM_ERR_NOMEM);
	for (uint32_t i = 0; i < count; i++) {
		EXPECT_OK(percpu_free(dyn_vars[i]));
	}
	EXPECT_EQ(percpu_dyn_used(), used);
	ASSERT_OK(percpu_alloc(PAGE_SIZE, PAGE_SIZE, &extra));
	EXPECT_OK(percpu_free(extra));
}

/** Waits (bounded) until `aps` APs finished their work; see test_tlb. */
static bool dyn_aps_wait(uint32_t aps)
{
	uint64_t t0 = clock_monotonic_ns();

	while (smp_work_done_count() < aps) {
		if (clock_monotonic_ns() - t0 > DYN_AP_DEADLINE_NS) {
			return false;
		}
		pause();
		tlb_shootdown_poll();
	}
	return true;
}

/** Work for every CPU: writes its own copy of the var at `arg`. */
static void dyn_write_own(void *arg)
{
	const struct percpu_var *v = arg;
	uint64_t *p = percpu_ptr(*v);

	p[0] = DYN_MAGIC ^ this_cpu()->cpu_index;
	p[1] = (uint64_t)p;
	p[2] = this_cpu()->cpu_index + 1U;
}

/** Work for every CPU: adds its index + 1 to its copy of a counter. */
static void dyn_count_own(void *arg)
{
	const struct percpu_var *v = arg;
	uint64_t *p = percpu_ptr(*v);

	*p += this_cpu()->cpu_index + 1U;
}

/** Has every online CPU, this one too, run `fn(v)`; false on timeout. */
static bool dyn_run_everywhere(smp_work_fn fn, struct percpu_var *v)
{
	if (smp_run_on_aps(fn, v) != SVSM_OK) {
		return false;
	}
	fn(v);
	return dyn_aps_wait(smp_online_count() - 1U);
}

/* File scope: the APs read them through the work argument. */
static struct percpu_var each_var;
static struct percpu_var count_var;

TEST(percpu, dyn_each_cpu_writes_its_own_copy)
{
	uint32_t n = smp_cpu_count();

	SKIP_IF(smp_online_count() < 2, "one CPU online");
	ASSERT_EQ(smp_online_count(), n);
	ASSERT_OK(percpu_alloc(3 * sizeof(uint64_t), 8, &each_var));
	ASSERT_TRUE(dyn_run_everywhere(dyn_write_own, &each_var));
	for (uint32_t cpu = 0; cpu < n; cpu++) {
		uint64_t copy[3] = { 0 };

		EXPECT_OK(percpu_read_cpu(each_var, cpu, copy));
		/* Its own value (no two copies alias), through one pointer. */
		EXPECT_EQ(copy[0], DYN_MAGIC ^ cpu);
		EXPECT_EQ(copy[1], (uint64_t)percpu_ptr(each_var));
		EXPECT_EQ(copy[2], cpu + 1U);
	}
	EXPECT_ERR(percpu_read_cpu(each_var, n, (uint64_t[3]){ 0 }),
		   SVSM_ERR_NOTFOUND);
	EXPECT_OK(percpu_free(each_var));
}

TEST(percpu, dyn_counter_sums_over_cpus)
{
	uint32_t n = smp_online_count();
	uint64_t sum = 0;

	ASSERT_EQ(n, smp_cpu_count());
	ASSERT_OK(percpu_alloc(sizeof(uint64_t), 8, &count_var));
	for (uint32_t i = 0; i < 2; i++) {
		ASSERT_TRUE(dyn_run_everywhere(dyn_count_own, &count_var));
	}
	EXPECT_OK(percpu_sum_u64(count_var, &sum));
	EXPECT_EQ(sum, (uint64_t)n * (n + 1U)); /* 2 x (1 + ... + n) */
	EXPECT_ERR(percpu_sum_u64((struct percpu_var){ count_var.offset, 16 },
				  &sum),
		   SVSM_ERR_INVAL);
	EXPECT_OK(percpu_free(count_var));
}

TEST(percpu, dyn_alloc_zeroes_every_copy)
{
	uint32_t n = smp_online_count();

	ASSERT_EQ(n, smp_cpu_count());
	ASSERT_OK(percpu_alloc(3 * sizeof(uint64_t), 8, &each_var));
	ASSERT_TRUE(dyn_run_everywhere(dyn_write_own, &each_var));
	EXPECT_OK(percpu_free(each_var));
	/* First fit hands the same units out again: zeroed everywhere. */
	struct percpu_var again;

	ASSERT_OK(percpu_alloc(3 * sizeof(uint64_t), 8, &again));
	EXPECT_EQ(again.offset, each_var.offset);
	for (uint32_t cpu = 0; cpu < n; cpu++) {
		uint64_t copy[3] = { 1, 1, 1 };

		EXPECT_OK(percpu_read_cpu(again, cpu, copy));
		EXPECT_EQ(copy[0] | copy[1] | copy[2], 0);
	}
	EXPECT_OK(percpu_free(again));
}

/** Whether CPU `cpu`'s copy of `v` (8 bytes) reads `want`. */
static bool dyn_copy_is(struct percpu_var v, uint32_t cpu, uint64_t want)
{
	uint64_t x = ~want;

	return percpu_read_cpu(v, cpu, &x) == SVSM_OK && x == want;
}

TEST_ALLOC(percpu, ap_region_built_and_freed_without_leak)
{
	uint32_t spare = smp_cpu_count();
	struct percpu_ap ap;
	struct percpu_var v;
	uint64_t before;
	uint64_t x;

	SKIP_IF(spare >= SVSM_MAX_CPUS, "no spare CPU index");
	test_alloc_quiesce();
	before = mm_outstanding();
	ASSERT_OK_OR_OOM(percpu_init_ap(spare, &ap));
	EXPECT_GT(mm_outstanding(), before);
	EXPECT_ERR(percpu_init_ap(spare, &ap), SVSM_ERR_EXISTS);
	/* Its dynamic area is recorded: a new variable reads zero there. */
	ASSERT_OK(percpu_alloc(sizeof(uint64_t), 8, &v));
	*(uint64_t *)percpu_ptr(v) = 7;
	EXPECT_TRUE(dyn_copy_is(v, spare, 0));
	EXPECT_TRUE(dyn_copy_is(v, 0, 7));
	percpu_destroy_ap(spare, &ap);
	EXPECT_EQ(pa_addr(ap.pml4), 0);
	percpu_destroy_ap(spare, &ap); /* cleared: does nothing */
	EXPECT_ERR(percpu_read_cpu(v, spare, &x), SVSM_ERR_NOTFOUND);
	EXPECT_OK(percpu_free(v));
	test_alloc_quiesce();
	EXPECT_EQ(mm_outstanding(), before);
}
