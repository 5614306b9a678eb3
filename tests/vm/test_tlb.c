// SPDX-License-Identifier: MIT
/*
 * In-VM tests of the TLB shootdown (kernel/mm/tlb.c). A page is mapped at
 * a shared kernel address (just past the heap, in PML4 entry 510 which
 * every CPU's PML4 shares), every AP reads it so that its TLB caches the
 * translation, then the boot CPU unmaps it and maps another physical page
 * at the same address: each AP must now read the new page, which without
 * the shootdown it would not (its TLB would still point at the old one).
 * Each AP must also have acknowledged at least one shootdown. A second
 * test has every CPU unmap heap pages at once, so that several senders
 * shoot down concurrently, some of them while others spin on the heap's
 * locks with interrupts off.
 */
#include "arch/insn.h"

#include "svsm/heap.h"
#include "svsm/mm.h"
#include "svsm/page_alloc.h"
#include "svsm/percpu.h"
#include "svsm/pgtable.h"
#include "svsm/smp.h"
#include "svsm/test.h"
#include "svsm/time.h"
#include "svsm/tlb.h"
#include "svsm/tmpmap.h"

#define TLB_TEST_VA (MM_HEAP_BASE + MM_HEAP_SIZE) /* past the heap */
#define TLB_OLD 0x01D0D01D01D0D01DULL
#define TLB_NEW 0x0E0E0E0E5EED5EEDULL
#define TLB_AP_DEADLINE_NS 30000000000ULL
#define TLB_CHURN_ITERS 300U
#define TLB_CHURN_SIZE 5000U /* a large block: backend map and unmap */

static uint64_t seen[SVSM_MAX_CPUS];
static uint64_t churn_bad[SVSM_MAX_CPUS];
static uint64_t acked_before[SVSM_MAX_CPUS];

/** AP work: reads the test page through its own translation. */
static void read_test_va(void *arg)
{
	const volatile uint64_t *p = va_to_ptr(va_init(TLB_TEST_VA));

	(void)arg;
	__atomic_store_n(&seen[this_cpu()->cpu_index], *p, __ATOMIC_RELEASE);
}

/**
 * Waits (bounded) until `aps` APs finished their work. The test may run
 * with interrupts off (as a suite left them), so the loop serves this
 * CPU's shootdowns itself, as tlb.h asks of any such wait.
 */
static bool aps_wait(uint32_t aps, uint64_t t0)
{
	while (smp_work_done_count() < aps) {
		if (clock_monotonic_ns() - t0 > TLB_AP_DEADLINE_NS) {
			return false;
		}
		pause();
		tlb_shootdown_poll();
	}
	return true;
}

/** Runs `fn` on every online AP and waits (bounded) for all of them. */
static bool run_on_aps(smp_work_fn fn)
{
	uint64_t t0 = clock_monotonic_ns();

	if (smp_run_on_aps(fn, NULL) != SVSM_OK) {
		return false;
	}
	return aps_wait(smp_online_count() - 1U, t0);
}

/** Allocates a page and fills it with `value` through the window. */
static bool page_filled(paddr_t *pa, uint64_t value)
{
	uint64_t *p;

	if (page_alloc(this_cpu()->cpu_index, 0, pa) != SVSM_OK) {
		return false;
	}
	p = tmpmap_map(*pa);
	if (!p) {
		return false;
	}
	for (uint32_t i = 0; i < PAGE_SIZE / 8U; i++) {
		p[i] = value;
	}
	tmpmap_unmap(p);
	return true;
}

static enum svsm_err map_test_page(paddr_t pa)
{
	struct pt_batch b;
	enum svsm_err err =
		pgtable_map_prepare(&b, mm_kernel_pgtable(),
				    va_init(TLB_TEST_VA), pa, 1, PT_PROT_READ);

	if (err == SVSM_OK) {
		pgtable_map_commit(&b);
	}
	return err;
}

TEST(tlb, remap_is_seen_by_every_ap)
{
	uint32_t cpus = smp_cpu_count();
	uint64_t sent = tlb_sent_count();
	uint32_t me = this_cpu()->cpu_index;
	paddr_t old_pa;
	paddr_t new_pa;

	SKIP_IF(smp_online_count() < 2, "no AP online");
	ASSERT_TRUE(clock_is_ready());
	ASSERT_TRUE(page_filled(&old_pa, TLB_OLD));
	ASSERT_TRUE(page_filled(&new_pa, TLB_NEW));
	ASSERT_OK(map_test_page(old_pa));
	ASSERT_TRUE(run_on_aps(read_test_va));
	for (uint32_t i = 1; i < cpus; i++) {
		if (smp_cpu_get(i)->is_online) {
			EXPECT_EQ(__atomic_load_n(&seen[i], __ATOMIC_ACQUIRE),
				  TLB_OLD);
		}
		acked_before[i] = tlb_acked_count(i);
	}
	/* The APs' TLBs now hold the old translation. */
	ASSERT_OK(pgtable_unmap(mm_kernel_pgtable(), va_init(TLB_TEST_VA), 1));
	ASSERT_OK(map_test_page(new_pa));
	ASSERT_TRUE(run_on_aps(read_test_va));
	for (uint32_t i = 1; i < cpus; i++) {
		if (!smp_cpu_get(i)->is_online) {
			continue;
		}
		EXPECT_EQ(__atomic_load_n(&seen[i], __ATOMIC_ACQUIRE), TLB_NEW);
		EXPECT_GT(tlb_acked_count(i), acked_before[i]);
		test_diag(t, "cpu %u: %llu shootdowns acknowledged", i,
			  (unsigned long long)tlb_acked_count(i));
	}
	EXPECT_GT(tlb_sent_count(), sent);
	ASSERT_OK(pgtable_unmap(mm_kernel_pgtable(), va_init(TLB_TEST_VA), 1));
	EXPECT_OK(page_free(me, old_pa, 0));
	EXPECT_OK(page_free(me, new_pa, 0));
}

/** Allocates and frees large blocks, so the heap unmaps pages. */
static void churn(void *arg)
{
	uint32_t cpu = this_cpu()->cpu_index;

	(void)arg;
	for (uint32_t i = 0; i < TLB_CHURN_ITERS; i++) {
		uint8_t *p = kmalloc(TLB_CHURN_SIZE);

		if (!p) {
			continue;
		}
		p[0] = (uint8_t)cpu;
		p[TLB_CHURN_SIZE - 1U] = (uint8_t)i;
		if (p[0] != (uint8_t)cpu ||
		    p[TLB_CHURN_SIZE - 1U] != (uint8_t)i) {
			churn_bad[cpu]++;
		}
		kfree(p);
	}
}

TEST(tlb, concurrent_senders_do_not_deadlock)
{
	uint64_t sent = tlb_sent_count();
	uint32_t aps = smp_online_count() - 1U;
	uint64_t t0;

	SKIP_IF(aps == 0, "no AP online");
	ASSERT_TRUE(clock_is_ready());
	t0 = clock_monotonic_ns();
	ASSERT_OK(smp_run_on_aps(churn, NULL));
	churn(NULL);
	ASSERT_TRUE(aps_wait(aps, t0));
	for (uint32_t i = 0; i < smp_cpu_count(); i++) {
		EXPECT_EQ(churn_bad[i], 0);
	}
	test_diag(t, "%llu shootdowns sent",
		  (unsigned long long)(tlb_sent_count() - sent));
	EXPECT_GT(tlb_sent_count(), sent);
}
