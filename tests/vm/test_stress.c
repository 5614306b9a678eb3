// SPDX-License-Identifier: MIT
/*
 * In-VM stress test of the shared allocator state: several tasks on CPU 0
 * (preempted by the tick) and, at the same time, every online AP (through
 * smp_run_on_aps) allocate and free heap objects of random sizes (large
 * blocks included) and pages of orders 0-2, for a fixed number of
 * iterations each. Every heap block is filled with a pattern of its
 * owner and checked before it is freed; every page is mapped through the
 * CPU's own temporary window to write and check its first and last
 * words. Afterwards the allocators' figures must be back at their
 * baseline. Iterations per second go to the KTAP diagnostics.
 */
#include "svsm/heap.h"
#include "svsm/mm.h"
#include "svsm/percpu.h"
#include "svsm/smp.h"
#include "svsm/string.h"
#include "svsm/task.h"
#include "svsm/test.h"
#include "svsm/tmpmap.h"

#define STRESS_TASKS 4U
#define STRESS_ITERS 20000U
#define STRESS_SLOTS 16U
#define STRESS_PAGES 6U
#define STRESS_MAX_SIZE 6000U /* above HEAP_SLAB_MAX: large blocks too */
#define STRESS_AP_DEADLINE_MS 90000U

/** One worker's state: its live blocks and pages, and what went wrong. */
struct stress_worker {
	uint64_t seed;
	uint8_t *blocks[STRESS_SLOTS];
	size_t sizes[STRESS_SLOTS];
	paddr_t pages[STRESS_PAGES];
	uint32_t orders[STRESS_PAGES];
	bool has_page[STRESS_PAGES];
	uint32_t tag;
	uint64_t ops;
	uint64_t nomem;
	uint64_t corrupt;
	uint64_t bad_free;
};

static struct stress_worker ap_workers[SVSM_MAX_CPUS];
static struct stress_worker task_workers[STRESS_TASKS];

static uint64_t rnd(struct stress_worker *w)
{
	uint64_t x = w->seed;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	w->seed = x;
	return x;
}

/** The byte at offset `i` of a block of worker tag `tag`. */
static uint8_t pattern(uint32_t tag, size_t i)
{
	return (uint8_t)((size_t)tag * 31U + i * 7U + (i >> 8));
}

static void block_fill(const struct stress_worker *w, uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		p[i] = pattern(w->tag, i);
	}
}

static bool block_ok(const struct stress_worker *w, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (p[i] != pattern(w->tag, i)) {
			return false;
		}
	}
	return true;
}

/** Writes (or, with `is_check`, checks) a page's first and last words. */
static bool page_touch(const struct stress_worker *w, paddr_t pa,
		       uint32_t order, bool is_check)
{
	uint64_t want = ((uint64_t)w->tag << 32) ^ pa_addr(pa);
	uint64_t last_pa =
		pa_addr(pa) + ((uint64_t)PAGE_SIZE << order) - PAGE_SIZE;
	paddr_t ends[2] = { pa, pa_init(last_pa) };
	bool is_ok = true;

	for (uint32_t i = 0; i < 2; i++) {
		uint64_t *p = tmpmap_map(ends[i]);

		if (!p) {
			return false;
		}
		if (is_check) {
			is_ok = is_ok && p[0] == want && p[511] == ~want;
		} else {
			p[0] = want;
			p[511] = ~want;
		}
		tmpmap_unmap(p);
	}
	return is_ok;
}

/** One step on heap slot `s`: frees (after a check) or allocates. */
static void step_block(struct stress_worker *w, uint32_t s)
{
	if (w->blocks[s]) {
		if (!block_ok(w, w->blocks[s], w->sizes[s])) {
			w->corrupt++;
		}
		kfree(w->blocks[s]);
		w->blocks[s] = NULL;
		return;
	}
	/* Mostly small objects, one in eight a large block. */
	size_t n = (rnd(w) & 7U) == 0 ? 1 + rnd(w) % STRESS_MAX_SIZE
				      : 1 + rnd(w) % HEAP_SLAB_MAX;
	uint8_t *p = kmalloc(n);

	if (!p) {
		w->nomem++;
		return;
	}
	block_fill(w, p, n);
	w->blocks[s] = p;
	w->sizes[s] = n;
}

/** One step on page slot `s`: frees (after a check) or allocates. */
static void step_page(struct stress_worker *w, uint32_t s)
{
	uint32_t cpu = this_cpu()->cpu_index;

	if (w->has_page[s]) {
		if (!page_touch(w, w->pages[s], w->orders[s], true)) {
			w->corrupt++;
		}
		if (page_free(cpu, w->pages[s], w->orders[s]) != SVSM_OK) {
			w->bad_free++;
		}
		w->has_page[s] = false;
		return;
	}
	w->orders[s] = (uint32_t)(rnd(w) % 3U);
	if (page_alloc(cpu, w->orders[s], &w->pages[s]) != SVSM_OK) {
		w->nomem++;
		return;
	}
	w->has_page[s] = true;
	if (!page_touch(w, w->pages[s], w->orders[s], false)) {
		w->corrupt++;
	}
}

/** Runs STRESS_ITERS steps, then frees everything it still holds. */
static void stress_run(struct stress_worker *w)
{
	for (uint32_t i = 0; i < STRESS_ITERS; i++) {
		uint64_t r = rnd(w);

		if ((r & 3U) == 0) {
			step_page(w, (uint32_t)((r >> 2) % STRESS_PAGES));
		} else {
			step_block(w, (uint32_t)((r >> 2) % STRESS_SLOTS));
		}
		w->ops++;
	}
	for (uint32_t s = 0; s < STRESS_SLOTS; s++) {
		if (w->blocks[s]) {
			step_block(w, s);
		}
	}
	for (uint32_t s = 0; s < STRESS_PAGES; s++) {
		if (w->has_page[s]) {
			step_page(w, s);
		}
	}
}

static void stress_task(void *arg)
{
	stress_run(arg);
}

/** The AP work: each AP runs its own worker. */
static void stress_ap(void *arg)
{
	(void)arg;
	stress_run(&ap_workers[this_cpu()->cpu_index]);
}

/** The figures that must be back at their baseline. */
struct stress_figures {
	uint64_t outstanding;
	uint64_t free_pages;
	uint64_t backend_pages;
	uint64_t invalid_frees;
	uint32_t tmp_slots;
};

static void figures_get(struct stress_figures *f)
{
	struct mm_stats st;

	heap_trim();
	mm_get_stats(&st);
	f->outstanding = mm_outstanding();
	f->free_pages = st.pages.free_pages;
	f->backend_pages = st.heap.backend_pages;
	f->invalid_frees = st.heap.invalid_frees;
	f->tmp_slots = st.tmp_slots_used;
}

static void figures_expect_equal(struct test_ctx *t,
				 const struct stress_figures *a,
				 const struct stress_figures *b)
{
	EXPECT_EQ(a->outstanding, b->outstanding);
	EXPECT_EQ(a->free_pages, b->free_pages);
	EXPECT_EQ(a->backend_pages, b->backend_pages);
	EXPECT_EQ(a->invalid_frees, b->invalid_frees);
	EXPECT_EQ(a->tmp_slots, b->tmp_slots);
}

static void worker_init(struct stress_worker *w, uint32_t tag)
{
	memset(w, 0, sizeof(*w));
	w->tag = tag;
	w->seed = 0x9E3779B97F4A7C15ULL ^ ((uint64_t)tag << 20);
}

static void worker_expect_clean(struct test_ctx *t,
				const struct stress_worker *w)
{
	EXPECT_EQ(w->corrupt, 0);
	EXPECT_EQ(w->bad_free, 0);
	EXPECT_EQ(w->ops, STRESS_ITERS);
}

/** Starts the CPU 0 tasks; false (and a failure) if one was not made. */
static bool tasks_start(struct test_ctx *t, struct stress_worker *w,
			struct task **tasks)
{
	for (uint32_t i = 0; i < STRESS_TASKS; i++) {
		worker_init(&w[i], 0x100U + i);
		enum svsm_err err =
			task_create(stress_task, &w[i], TASK_PRIO_NORMAL,
				    "stress", &tasks[i]);

		EXPECT_OK(err);
		if (err != SVSM_OK) {
			for (uint32_t j = 0; j < i; j++) {
				task_join(tasks[j]);
			}
			return false;
		}
	}
	return true;
}

TEST(stress, tasks_on_cpu0_allocate_with_preemption)
{
	struct stress_worker *w = task_workers;
	struct task *tasks[STRESS_TASKS];
	struct stress_figures before;
	struct stress_figures after;
	uint64_t t0;
	uint64_t ms;

	figures_get(&before);
	t0 = sched_ticks();
	if (!tasks_start(t, w, tasks)) {
		return;
	}
	for (uint32_t i = 0; i < STRESS_TASKS; i++) {
		task_join(tasks[i]);
	}
	ms = (sched_ticks() - t0) * SCHED_TICK_MS + 1U;
	for (uint32_t i = 0; i < STRESS_TASKS; i++) {
		worker_expect_clean(t, &w[i]);
	}
	test_diag(t, "%u tasks x %u iterations in %llu ms: %llu iterations/s",
		  STRESS_TASKS, STRESS_ITERS, (unsigned long long)ms,
		  (unsigned long long)((uint64_t)STRESS_TASKS * STRESS_ITERS *
				       1000ULL / ms));
	figures_get(&after);
	figures_expect_equal(t, &before, &after);
}

/** Waits (bounded) for the APs; false if they missed the deadline. */
static bool aps_wait(uint32_t count, uint64_t t0)
{
	while (smp_work_done_count() < count) {
		if (sched_ticks() - t0 >
		    STRESS_AP_DEADLINE_MS / SCHED_TICK_MS) {
			return false;
		}
		task_sleep_ms(1);
	}
	return true;
}

TEST(stress, every_cpu_allocates_at_once)
{
	struct stress_worker *w = task_workers;
	struct task *tasks[STRESS_TASKS];
	struct stress_figures before;
	struct stress_figures after;
	uint32_t cpus = smp_cpu_count();
	uint32_t aps = smp_online_count() - 1U;
	uint64_t t0;
	uint64_t ms;

	SKIP_IF(aps == 0, "no AP online");
	for (uint32_t i = 1; i < cpus; i++) {
		worker_init(&ap_workers[i], 0x200U + i);
	}
	figures_get(&before);
	t0 = sched_ticks();
	ASSERT_OK(smp_run_on_aps(stress_ap, NULL));
	if (!tasks_start(t, w, tasks)) {
		ASSERT_TRUE(aps_wait(aps, t0));
		return;
	}
	for (uint32_t i = 0; i < STRESS_TASKS; i++) {
		task_join(tasks[i]);
	}
	ASSERT_TRUE(aps_wait(aps, t0));
	ms = (sched_ticks() - t0) * SCHED_TICK_MS + 1U;
	for (uint32_t i = 0; i < STRESS_TASKS; i++) {
		worker_expect_clean(t, &w[i]);
	}
	for (uint32_t i = 1; i < cpus; i++) {
		if (smp_cpu_get(i)->is_online) {
			worker_expect_clean(t, &ap_workers[i]);
		}
	}
	test_diag(t,
		  "%u tasks + %u APs x %u iterations in %llu ms: %llu "
		  "iterations/s",
		  STRESS_TASKS, aps, STRESS_ITERS, (unsigned long long)ms,
		  (unsigned long long)((uint64_t)(STRESS_TASKS + aps) *
				       STRESS_ITERS * 1000ULL / ms));
	/* The APs' page caches keep pages; they count as free. */
	figures_get(&after);
	figures_expect_equal(t, &before, &after);
}
