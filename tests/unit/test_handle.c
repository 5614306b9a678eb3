// SPDX-License-Identifier: MIT
/*
 * Host tests of kernel objects and handle tables (kernel/proc/handle.c):
 * lowest-free allocation, the table's own references, rights checks,
 * drop-only dup, a full table, bad handle numbers, and release on the
 * last reference wherever it is dropped.
 */
#include "svsm/handle.h"
#include "svsm/test.h"

struct counted {
	struct kobj obj;
	int released;
};

static void counted_release(struct kobj *o)
{
	((struct counted *)(void *)o)->released++;
}

static const struct kobj_ops COUNTED_OPS = { .release = counted_release };

TEST(handle, lowest_free_slot_is_taken)
{
	struct handle_table ht;
	struct counted c = { 0 };
	int32_t h[3];

	kobj_init(&c.obj, KOBJ_EVENT, &COUNTED_OPS);
	handle_table_init(&ht);
	for (int i = 0; i < 3; i++) {
		EXPECT_OK(handle_install(&ht, &c.obj, SVSM_RIGHTS_ALL, &h[i]));
		EXPECT_EQ(h[i], i);
	}
	EXPECT_EQ(c.obj.refs, 4);
	EXPECT_OK(handle_close(&ht, 1));
	EXPECT_OK(handle_install(&ht, &c.obj, SVSM_RIGHTS_ALL, &h[1]));
	EXPECT_EQ(h[1], 1);
	handle_table_destroy(&ht);
	EXPECT_EQ(c.obj.refs, 1);
	EXPECT_EQ(c.released, 0);
	kobj_put(&c.obj);
	EXPECT_EQ(c.released, 1);
}

TEST(handle, lookup_checks_number_and_rights)
{
	struct handle_table ht;
	struct counted c = { 0 };
	struct kobj *o = NULL;
	uint32_t rights = 0;
	int32_t h;

	kobj_init(&c.obj, KOBJ_EVENT, &COUNTED_OPS);
	handle_table_init(&ht);
	EXPECT_OK(handle_install(&ht, &c.obj, SVSM_RIGHT_READ, &h));
	EXPECT_ERR(handle_get(&ht, -1, 0, &o, NULL), SVSM_ERR_NOTFOUND);
	EXPECT_ERR(handle_get(&ht, SVSM_HANDLE_MAX, 0, &o, NULL),
		   SVSM_ERR_NOTFOUND);
	EXPECT_ERR(handle_get(&ht, INT64_MAX, 0, &o, NULL), SVSM_ERR_NOTFOUND);
	EXPECT_ERR(handle_get(&ht, h + 1, 0, &o, NULL), SVSM_ERR_NOTFOUND);
	EXPECT_ERR(handle_get(&ht, h, SVSM_RIGHT_WRITE, &o, NULL),
		   SVSM_ERR_PERM);
	EXPECT_EQ(c.obj.refs, 2);
	EXPECT_OK(handle_get(&ht, h, SVSM_RIGHT_READ, &o, &rights));
	EXPECT_TRUE(o == &c.obj);
	EXPECT_EQ(rights, SVSM_RIGHT_READ);
	EXPECT_EQ(c.obj.refs, 3);
	kobj_put(o);
	EXPECT_ERR(handle_close(&ht, h + 1), SVSM_ERR_NOTFOUND);
	EXPECT_ERR(handle_close(&ht, -5), SVSM_ERR_NOTFOUND);
	EXPECT_OK(handle_close(&ht, h));
	EXPECT_ERR(handle_close(&ht, h), SVSM_ERR_NOTFOUND);
	kobj_put(&c.obj);
	EXPECT_EQ(c.released, 1);
}

TEST(handle, dup_only_drops_rights)
{
	struct handle_table ht;
	struct counted c = { 0 };
	int32_t h;
	int32_t d;
	int32_t d2;
	struct kobj *o;
	uint32_t rights;

	kobj_init(&c.obj, KOBJ_CHANNEL, &COUNTED_OPS);
	handle_table_init(&ht);
	EXPECT_OK(handle_install(
		&ht, &c.obj,
		SVSM_RIGHT_READ | SVSM_RIGHT_WRITE | SVSM_RIGHT_DUP, &h));
	EXPECT_OK(handle_dup(&ht, h, SVSM_RIGHT_READ, &d));
	EXPECT_OK(handle_get(&ht, d, 0, &o, &rights));
	EXPECT_EQ(rights, SVSM_RIGHT_READ);
	kobj_put(o);
	/* No DUP right on the copy; no widening from the original. */
	EXPECT_ERR(handle_dup(&ht, d, SVSM_RIGHT_READ, &d2), SVSM_ERR_PERM);
	EXPECT_ERR(handle_dup(&ht, h, SVSM_RIGHT_KILL, &d2), SVSM_ERR_PERM);
	EXPECT_ERR(handle_dup(&ht, 40, 0, &d2), SVSM_ERR_NOTFOUND);
	handle_table_destroy(&ht);
	kobj_put(&c.obj);
	EXPECT_EQ(c.released, 1);
}

TEST(handle, a_full_table_refuses_and_leaks_nothing)
{
	struct handle_table ht;
	struct counted c = { 0 };
	int32_t h;

	kobj_init(&c.obj, KOBJ_EVENT, &COUNTED_OPS);
	handle_table_init(&ht);
	for (uint32_t i = 0; i < SVSM_HANDLE_MAX; i++) {
		ASSERT_EQ(handle_install(&ht, &c.obj, SVSM_RIGHTS_ALL, &h),
			  SVSM_OK);
	}
	EXPECT_ERR(handle_install(&ht, &c.obj, SVSM_RIGHTS_ALL, &h),
		   SVSM_ERR_RANGE);
	EXPECT_ERR(handle_dup(&ht, 0, SVSM_RIGHT_READ, &h), SVSM_ERR_RANGE);
	EXPECT_EQ(c.obj.refs, SVSM_HANDLE_MAX + 1);
	EXPECT_EQ(handle_errno(SVSM_ERR_RANGE), -SVSM_EMFILE);
	EXPECT_EQ(handle_errno(SVSM_ERR_NOTFOUND), -SVSM_EBADF);
	handle_table_destroy(&ht);
	EXPECT_EQ(c.obj.refs, 1);
}

TEST(handle, the_last_reference_releases_even_after_close)
{
	struct handle_table ht;
	struct counted c = { 0 };
	struct kobj *o;
	int32_t h;

	kobj_init(&c.obj, KOBJ_EVENT, &COUNTED_OPS);
	handle_table_init(&ht);
	EXPECT_OK(handle_install(&ht, &c.obj, SVSM_RIGHTS_ALL, &h));
	kobj_put(&c.obj); /* the creator's reference */
	EXPECT_OK(handle_get(&ht, h, 0, &o, NULL));
	EXPECT_OK(handle_close(&ht, h)); /* closed while "in use" */
	EXPECT_EQ(c.released, 0);
	kobj_put(o);
	EXPECT_EQ(c.released, 1);
}
