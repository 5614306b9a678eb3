// SPDX-License-Identifier: MIT
/*
 * In-VM tests of memory management on the live kernel: permissions of
 * the image (W^X, a write to text faults), the temporary window, the
 * page allocator and heap through the real backend, the validation
 * table refusing double validation, and OOM sweeps of kernel paths.
 */
#include "arch/insn.h"

#include "svsm/boot.h"
#include "svsm/heap.h"
#include "svsm/log.h"
#include "svsm/mm.h"
#include "svsm/pgtable.h"
#include "svsm/string.h"
#include "svsm/test.h"
#include "svsm/tmpmap.h"

/* NOLINTBEGIN(cert-dcl37-c, readability-identifier-naming): linker names */
extern char __text_start[];
extern char __rodata_start[];
/* NOLINTEND(cert-dcl37-c, readability-identifier-naming) */

/** Writes to `p` with a reporting fixup, keeping the report off-console. */
static int try_write(volatile uint64_t *p, uint64_t *mark)
{
	bool was_on = log_console_enabled();

	*mark = log_mark();
	log_set_console(false);
	int faulted = store_u64_reported(p, 0x1234);

	log_set_console(was_on);
	return faulted;
}

TEST(mm, write_to_text_faults)
{
	uint64_t mark;

	/* Skip the entry's first bytes; any text byte will do. */
	EXPECT_EQ(try_write((volatile uint64_t *)(void *)(__text_start + 64),
			    &mark),
		  1);
	/* Error code 3: a write (bit 1) to a present page (bit 0). */
	EXPECT_TRUE(log_contains_since(mark, "#PF page fault (vector 14) "
					     "error code 0x3"));
}

TEST(mm, write_to_rodata_and_launch_info_faults)
{
	uint64_t mark;
	const struct boot_info *b = boot_info_get();

	EXPECT_EQ(try_write((volatile uint64_t *)(void *)__rodata_start, &mark),
		  1);
	EXPECT_EQ(try_write((volatile uint64_t *)va_to_ptr(
				    va_init(b->launch.symtab_va)),
			    &mark),
		  1);
}

TEST(mm, no_kernel_page_is_writable_and_executable)
{
	const struct boot_info *b = boot_info_get();
	uint64_t checked = 0;

	for (uint64_t va = b->launch.kernel_vbase;
	     va < b->launch.image_vend + 0x100000; va += PAGE_SIZE) {
		paddr_t pa;
		uint64_t fl;

		if (!pgtable_lookup(mm_kernel_pgtable(), va_init(va), &pa,
				    &fl)) {
			continue;
		}
		checked++;
		EXPECT_FALSE((fl & PTE_RW) && !(fl & PTE_NX));
	}
	EXPECT_GT(checked, 8);
}

TEST(mm, tmpmap_reaches_a_physical_page)
{
	paddr_t pa;
	uint32_t before = tmpmap_slots_used();

	ASSERT_OK(page_alloc(0, 0, &pa));
	uint64_t *p = tmpmap_map(pa);

	ASSERT_TRUE(p != NULL);
	p[0] = 0xC5C5C5C5ULL;
	p[511] = pa_addr(pa);
	tmpmap_unmap(p);
	EXPECT_EQ(tmpmap_slots_used(), before);
	/* Unmapped: the slot no longer reaches the page. */
	uint64_t v;
	bool was_on = log_console_enabled();

	log_set_console(false);
	EXPECT_EQ(load_u64_reported((volatile uint64_t *)p, &v), 1);
	log_set_console(was_on);
	p = tmpmap_map(pa);
	ASSERT_TRUE(p != NULL);
	EXPECT_EQ(p[0], 0xC5C5C5C5ULL);
	EXPECT_EQ(p[511], pa_addr(pa));
	tmpmap_unmap(p);
	EXPECT_OK(page_free(0, pa, 0));
}

TEST(mm, page_allocator_double_free_detected)
{
	paddr_t pa;

	ASSERT_OK(page_alloc(0, 2, &pa));
	EXPECT_ERR(page_free(0, pa, 1), SVSM_ERR_INVAL); /* wrong order */
	ASSERT_OK(page_free(0, pa, 2));
	EXPECT_ERR(page_free(0, pa, 2), SVSM_ERR_INVAL); /* double free */
}

TEST(mm, validation_table_refuses_double_validation)
{
	static struct mm_stats before;
	static struct mm_stats after;
	paddr_t pa;

	mm_get_stats(&before);
	ASSERT_OK(page_alloc(0, 0, &pa));
	/* Every page the allocator hands out is already valid. */
	EXPECT_ERR(mm_validate(pa, 1, true), SVSM_ERR_EXISTS);
	ASSERT_OK(mm_validate(pa, 1, false));
	EXPECT_ERR(mm_validate(pa, 1, false), SVSM_ERR_EXISTS);
	ASSERT_OK(mm_validate(pa, 1, true));
	EXPECT_OK(page_free(0, pa, 0));
	mm_get_stats(&after);
	EXPECT_EQ(after.valid_pages[VALID_STATE_VALID],
		  before.valid_pages[VALID_STATE_VALID]);
	/* Outside the kernel region: not tracked here, refused. */
	EXPECT_ERR(mm_validate(pa_init(0x100000000ULL), 1, true),
		   SVSM_ERR_RANGE);
}

static const size_t HEAP_SIZES[] = { 16, 100, 512, 2048, 5000, 20000 };
#define HEAP_SIZE_COUNT (sizeof(HEAP_SIZES) / sizeof(HEAP_SIZES[0]))

/* File scope: the blocks stay reachable between the helper and the test. */
static void *heap_blocks[HEAP_SIZE_COUNT];

/** Allocates one block of each size; returns how many it got. */
static size_t alloc_each(void)
{
	for (size_t i = 0; i < HEAP_SIZE_COUNT; i++) {
		heap_blocks[i] = kmalloc(HEAP_SIZES[i]);
		if (!heap_blocks[i]) {
			return i;
		}
		memset(heap_blocks[i], (int)i, HEAP_SIZES[i]);
	}
	return HEAP_SIZE_COUNT;
}

TEST_ALLOC(mm, heap_objects_and_large_blocks)
{
	void **p = heap_blocks;
	size_t got = alloc_each();

	if (got < HEAP_SIZE_COUNT) {
		for (size_t i = 0; i < got; i++) {
			kfree(p[i]);
		}
		ASSERT_ALLOC_OR_OOM(p[got]);
		return;
	}
	for (size_t i = 0; i < HEAP_SIZE_COUNT; i++) {
		EXPECT_EQ(((uint8_t *)p[i])[HEAP_SIZES[i] - 1], i);
		kfree(p[i]);
	}
	heap_trim();
}

TEST_ALLOC(mm, kernel_mapping_prepare_commit)
{
	struct pt_batch b;
	paddr_t pa;
	paddr_t got;
	uint64_t fl;
	/* The guest-memory window's range has no tables yet. */
	vaddr_t va = va_init(MM_GUEST_WINDOW_BASE + 0x200000);

	ASSERT_OK_OR_OOM(page_alloc(0, 0, &pa));
	enum svsm_err err = pgtable_map_prepare(&b, mm_kernel_pgtable(), va, pa,
						1, PT_PROT_WRITE);

	if (err != SVSM_OK) {
		EXPECT_OK(page_free(0, pa, 0));
	}
	ASSERT_OK_OR_OOM(err);
	EXPECT_GT(b.table_count, 0);
	pgtable_map_abort(&b); /* nothing became visible */
	EXPECT_FALSE(pgtable_lookup(mm_kernel_pgtable(), va, &got, &fl));
	EXPECT_OK(page_free(0, pa, 0));
}
