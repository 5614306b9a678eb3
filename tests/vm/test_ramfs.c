// SPDX-License-Identifier: MIT
/*
 * In-VM tests of the RAM FS that igvmbld packed into the test image
 * (ramfs/base.manifest plus tests/vm/ramfs.manifest): the boot-time mount
 * found every file, their contents and modes are the ones in
 * tests/vm/data, reads at offsets stay within bounds, the archive's pages
 * are mapped read-only and NX (a write faults), and a second mount
 * handles allocation failure and refuses a corrupted copy.
 */
#include "arch/insn.h"

#include "svsm/boot.h"
#include "svsm/fmt.h"
#include "svsm/heap.h"
#include "svsm/log.h"
#include "svsm/mm.h"
#include "svsm/pgtable.h"
#include "svsm/ramfs.h"
#include "svsm/string.h"
#include "svsm/test.h"

/* The content of tests/vm/data/ramfs-hello.txt. */
static const char HELLO[] = "Hello from the csvsm RAM FS.\n";
/* tests/vm/data/ramfs-lines.txt: "ramfs line NNN\n" for NNN = 000..399. */
#define LINE_SIZE 15U
#define LINE_COUNT 400U

/** The archive as the launch info gives it. */
static const void *archive(uint64_t *size)
{
	const struct svsm_launch_info *li = &boot_info_get()->launch;

	*size = li->ramfs_size;
	return va_to_ptr(va_init(li->ramfs_va));
}

TEST(ramfs, test_files_found_with_their_modes)
{
	const struct ramfs *fs = ramfs_root();
	const char *want[] = { "/bin/crashy",
			       "/bin/hello",
			       "/etc/init.conf",
			       "/sbin/init",
			       "/sbin/svsm-reqd",
			       "/test/bin/calls_check",
			       "/test/bin/exec_check",
			       "/test/bin/exec_check_pie",
			       "/test/bin/fault_check",
			       "/test/bin/file_check",
			       "/test/bin/glibc_check",
			       "/test/bin/hello_glibc",
			       "/test/bin/mem_check",
			       "/test/bin/native_bench",
			       "/test/bin/native_check",
			       "/test/bin/reqd_check",
			       "/test/etc/init-restart.conf",
			       "/test/ramfs/empty",
			       "/test/ramfs/exec.sh",
			       "/test/ramfs/hello.txt",
			       "/test/ramfs/lines.txt" };
	struct ramfs_stat st;

	ASSERT_TRUE(fs != NULL);
	/* Iteration gives every file once, in path order; the test files
	 * are among them (the base image's list grows on its own). */
	const struct ramfs_entry *prev = NULL;
	uint32_t count = 0;

	for (const struct ramfs_entry *e = ramfs_entry_at(fs, 0); e;
	     e = ramfs_entry_at(fs, ++count)) {
		if (prev) {
			EXPECT_TRUE(strcmp(prev->path, e->path) < 0);
		}
		prev = e;
	}
	EXPECT_GE(count, sizeof(want) / sizeof(want[0]));
	for (uint32_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		const struct ramfs_entry *e = ramfs_lookup(fs, want[i]);

		ASSERT_TRUE(e != NULL);
		EXPECT_STREQ(e->path, want[i]);
	}
	ASSERT_OK(ramfs_stat(fs, "/test/ramfs/exec.sh", &st));
	EXPECT_EQ(st.mode, RAMFS_MODE_EXEC);
	ASSERT_OK(ramfs_stat(fs, "/test/ramfs/hello.txt", &st));
	EXPECT_EQ(st.mode, RAMFS_MODE_REG);
	EXPECT_EQ(st.size, sizeof(HELLO) - 1);
	ASSERT_OK(ramfs_stat(fs, "/test/ramfs/empty", &st));
	EXPECT_EQ(st.size, 0);
	EXPECT_ERR(ramfs_stat(fs, "/test/ramfs", &st), SVSM_ERR_NOTFOUND);
	EXPECT_ERR(ramfs_stat(fs, "/test/ramfs/missing", &st),
		   SVSM_ERR_NOTFOUND);
}

TEST(ramfs, file_content_read_back)
{
	const struct ramfs *fs = ramfs_root();
	char buf[64];
	size_t n = 0;

	ASSERT_TRUE(fs != NULL);
	const struct ramfs_entry *e = ramfs_lookup(fs, "/test/ramfs/hello.txt");

	ASSERT_TRUE(e != NULL);
	ASSERT_OK(ramfs_read(fs, e, 0, buf, sizeof(buf), &n));
	EXPECT_EQ(n, sizeof(HELLO) - 1);
	EXPECT_MEMEQ(buf, HELLO, sizeof(HELLO) - 1);
	/* The placeholder configuration starts with a comment. */
	e = ramfs_lookup(fs, "/etc/init.conf");
	ASSERT_TRUE(e != NULL);
	ASSERT_OK(ramfs_read(fs, e, 0, buf, 16, &n));
	EXPECT_EQ(n, 16);
	EXPECT_MEMEQ(buf, "# /etc/init.conf", 16);
}

TEST(ramfs, reads_at_offsets_across_pages)
{
	const struct ramfs *fs = ramfs_root();
	char buf[LINE_SIZE + 1];
	char want[LINE_SIZE + 1];
	size_t n = 0;

	ASSERT_TRUE(fs != NULL);
	const struct ramfs_entry *e = ramfs_lookup(fs, "/test/ramfs/lines.txt");

	ASSERT_TRUE(e != NULL);
	ASSERT_EQ(e->size, LINE_SIZE * LINE_COUNT);
	/* Line 273 straddles the page boundary at 4096. */
	const uint32_t lines[] = { 0, 1, 272, 273, 274, 399 };

	for (uint32_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		uint32_t k = lines[i];

		ASSERT_OK(ramfs_read(fs, e, (uint64_t)k * LINE_SIZE, buf,
				     LINE_SIZE, &n));
		EXPECT_EQ(n, LINE_SIZE);
		(void)fmt_snprintf(want, sizeof(want), "ramfs line %03u\n", k);
		EXPECT_MEMEQ(buf, want, LINE_SIZE);
	}
	/* A read running off the end is cut short, past it reads nothing. */
	ASSERT_OK(ramfs_read(fs, e, e->size - 4, buf, sizeof(buf), &n));
	EXPECT_EQ(n, 4);
	EXPECT_MEMEQ(buf, "399\n", 4);
	ASSERT_OK(ramfs_read(fs, e, e->size, buf, sizeof(buf), &n));
	EXPECT_EQ(n, 0);
}

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

TEST(ramfs, archive_pages_read_only_and_nx)
{
	uint64_t size = 0;
	const uint8_t *a = archive(&size);
	const struct ramfs *fs = ramfs_root();
	uint64_t mark;

	ASSERT_TRUE(fs != NULL);
	ASSERT_TRUE(size >= 2ULL * PAGE_SIZE);
	for (uint64_t off = 0; off < size; off += PAGE_SIZE) {
		paddr_t pa;
		uint64_t fl = 0;

		ASSERT_TRUE(pgtable_lookup(
			mm_kernel_pgtable(),
			va_init((uint64_t)(uintptr_t)a + off), &pa, &fl));
		EXPECT_EQ(fl & PTE_RW, 0);
		EXPECT_NE(fl & PTE_NX, 0);
	}
	/* The header page and a file's data page: each write faults. */
	EXPECT_EQ(try_write((volatile uint64_t *)(void *)a, &mark), 1);
	EXPECT_TRUE(log_contains_since(mark, "#PF page fault (vector 14) "
					     "error code 0x3"));
	const uint8_t *data =
		ramfs_data(fs, ramfs_lookup(fs, "/test/ramfs/lines.txt"));

	ASSERT_TRUE(data != NULL);
	EXPECT_EQ(try_write((volatile uint64_t *)(void *)data, &mark), 1);
	/* Nothing changed: the files still read back. */
	EXPECT_MEMEQ(data, "ramfs line 000\n", LINE_SIZE);
}

TEST_ALLOC(ramfs, second_mount_handles_allocation_failure)
{
	uint64_t size = 0;
	const void *a = archive(&size);
	struct ramfs_mounted m = { 0 };
	char why[128];

	ASSERT_OK_OR_OOM(ramfs_mount(&m, a, size, why, sizeof(why)));
	EXPECT_EQ(m.fs.entry_count, ramfs_root()->entry_count);
	EXPECT_TRUE(ramfs_lookup(&m.fs, "/test/ramfs/hello.txt") != NULL);
	/* The mount reads its own copy of the table, not the root's. */
	EXPECT_TRUE(m.fs.entries != ramfs_root()->entries);
	ramfs_unmount(&m);
	ramfs_unmount(&m);
	EXPECT_TRUE(m.meta == NULL);
}

TEST_ALLOC(ramfs, corrupted_copy_refused)
{
	uint64_t size = 0;
	const uint8_t *a = archive(&size);
	struct ramfs_mounted m = { 0 };
	char why[128] = "";
	uint8_t *copy = kmalloc(size);

	if (copy == NULL) {
		/* Only an injected failure may get here. */
		EXPECT_TRUE(test_oom_seen(t, true));
		return;
	}
	memcpy(copy, a, size);
	copy[size - 1] ^= 0x40; /* zero padding at the end */
	enum svsm_err err = ramfs_mount(&m, copy, size, why, sizeof(why));

	kfree(copy);
	if (test_oom_seen(t, err == SVSM_ERR_NOMEM)) {
		return;
	}
	EXPECT_ERR(err, SVSM_ERR_INVAL);
	EXPECT_TRUE(strstr(why, "bad CRC-32") != NULL);
	EXPECT_TRUE(m.meta == NULL);
}
