// SPDX-License-Identifier: MIT
/*
 * Host tests of a process's used-range map (kernel/mm/vmmap.c,
 * unmodified): merging on insert, trimming and splitting on remove,
 * coverage queries, top-down placement, and refusals that leave the map
 * as it was (overlap, a full map).
 */
#include "svsm/test.h"
#include "svsm/vmmap.h"

#define K4 0x1000ULL

static struct vm_map map;

SET_UP(vmmap)
{
	(void)t;
	map = (struct vm_map){ .count = 0 };
}

TEST(vmmap, inserts_merge_with_touching_neighbours)
{
	ASSERT_OK(vm_map_insert(&map, 10 * K4, 12 * K4));
	ASSERT_OK(vm_map_insert(&map, 14 * K4, 16 * K4));
	EXPECT_EQ(map.count, 2);
	ASSERT_OK(vm_map_insert(&map, 12 * K4, 14 * K4)); /* bridges both */
	EXPECT_EQ(map.count, 1);
	EXPECT_EQ(map.areas[0].start, 10 * K4);
	EXPECT_EQ(map.areas[0].end, 16 * K4);
	ASSERT_OK(vm_map_insert(&map, 2 * K4, 3 * K4));
	EXPECT_EQ(map.areas[0].start, 2 * K4); /* kept sorted */
	EXPECT_ERR(vm_map_insert(&map, 15 * K4, 17 * K4), SVSM_ERR_EXISTS);
	EXPECT_ERR(vm_map_insert(&map, 5 * K4, 5 * K4), SVSM_ERR_INVAL);
	EXPECT_EQ(map.count, 2);
}

TEST(vmmap, remove_trims_drops_and_splits)
{
	ASSERT_OK(vm_map_insert(&map, 10 * K4, 20 * K4));
	ASSERT_OK(vm_map_remove(&map, 14 * K4, 16 * K4)); /* split */
	EXPECT_EQ(map.count, 2);
	EXPECT_TRUE(vm_map_is_free(&map, 14 * K4, 16 * K4));
	EXPECT_FALSE(vm_map_is_free(&map, 13 * K4, 15 * K4));
	ASSERT_OK(vm_map_remove(&map, 8 * K4, 11 * K4)); /* trims the front */
	EXPECT_EQ(map.areas[0].start, 11 * K4);
	ASSERT_OK(vm_map_remove(&map, 11 * K4, 30 * K4)); /* drops the rest */
	EXPECT_EQ(map.count, 0);
	ASSERT_OK(vm_map_remove(&map, 0, 40 * K4)); /* nothing there */
}

TEST(vmmap, covers_needs_every_byte)
{
	ASSERT_OK(vm_map_insert(&map, 10 * K4, 12 * K4));
	ASSERT_OK(vm_map_insert(&map, 13 * K4, 15 * K4));
	EXPECT_TRUE(vm_map_covers(&map, 10 * K4, 12 * K4));
	EXPECT_TRUE(vm_map_covers(&map, 13 * K4, 14 * K4));
	EXPECT_FALSE(vm_map_covers(&map, 11 * K4, 14 * K4)); /* the hole */
	EXPECT_FALSE(vm_map_covers(&map, 9 * K4, 11 * K4));
	EXPECT_FALSE(vm_map_covers(&map, 14 * K4, 16 * K4));
}

TEST(vmmap, find_top_takes_the_highest_gap_that_fits)
{
	uint64_t at = 0;

	ASSERT_TRUE(vm_map_find_top(&map, K4, 100 * K4, 4 * K4, &at));
	EXPECT_EQ(at, 96 * K4);
	ASSERT_OK(vm_map_insert(&map, 96 * K4, 100 * K4));
	ASSERT_OK(vm_map_insert(&map, 90 * K4, 94 * K4));
	ASSERT_TRUE(vm_map_find_top(&map, K4, 100 * K4, 2 * K4, &at));
	EXPECT_EQ(at, 94 * K4); /* the 2-page gap between them */
	ASSERT_TRUE(vm_map_find_top(&map, K4, 100 * K4, 3 * K4, &at));
	EXPECT_EQ(at, 87 * K4);
	EXPECT_FALSE(vm_map_find_top(&map, 89 * K4, 100 * K4, 3 * K4, &at));
	EXPECT_FALSE(vm_map_find_top(&map, K4, 100 * K4, 0, &at));
	EXPECT_FALSE(vm_map_find_top(&map, K4, 100 * K4, 200 * K4, &at));
}

TEST(vmmap, a_full_map_refuses_without_changing)
{
	for (uint32_t i = 0; i < VM_AREAS_MAX; i++) {
		ASSERT_OK(vm_map_insert(&map, (2ULL * i + 1U) * K4,
					(2ULL * i + 2U) * K4));
	}
	EXPECT_EQ(map.count, VM_AREAS_MAX);
	EXPECT_ERR(vm_map_insert(&map, 1000 * K4, 1001 * K4), SVSM_ERR_RANGE);
	/* Merging needs no new slot. */
	ASSERT_OK(vm_map_insert(&map, 2 * K4, 3 * K4));
	EXPECT_EQ(map.count, VM_AREAS_MAX - 1U);
	ASSERT_OK(vm_map_insert(&map, 1000 * K4, 1001 * K4));
	/* A split would need one more. */
	ASSERT_OK(vm_map_insert(&map, 1001 * K4, 1004 * K4));
	EXPECT_ERR(vm_map_remove(&map, 1001 * K4, 1002 * K4), SVSM_ERR_RANGE);
	EXPECT_TRUE(vm_map_covers(&map, 1000 * K4, 1004 * K4));
}
