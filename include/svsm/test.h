/* SPDX-License-Identifier: MIT */
/*
 * The csvsm test framework: one set of macros for host unit tests and for
 * the suites that run inside the VM. `TEST(suite, name)` puts a pointer to
 * a descriptor in the `svsm_tests` section; a runner collects them between
 * `__start_svsm_tests` and `__stop_svsm_tests`, sorts them by suite and
 * name and prints KTAP version 1. The test context is the implicit
 * parameter `t`, so helpers can take `struct test_ctx *t`.
 *
 * EXPECT_* records a failure and continues; ASSERT_* records it and
 * returns from the test. Integer comparisons are done on the values
 * converted to `uint64_t` (and printed both in decimal and hex).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "svsm/err.h"

struct test_ctx;

#define TEST_FLAG_ALLOCATES 0x1U /* rerun by the OOM sweep */

/** A test: its suite, its name and the function that runs it. */
struct test_desc {
	const char *suite;
	const char *name;
	void (*fn)(struct test_ctx *t);
	uint32_t flags;
};

/** A suite's SET_UP or TEAR_DOWN function. */
struct test_fixture {
	const char *suite;
	bool is_set_up;
	void (*fn)(struct test_ctx *t);
};

/** What a running test knows about itself. */
struct test_ctx {
	const struct test_desc *desc;
	uint32_t failure_count;
	const char *skip_reason; /**< non-NULL once the test skipped */
	void *data;	 /**< for a suite's SET_UP to hand state to its tests */
	bool is_oom_run; /**< an OOM-sweep rerun with a failure armed */
	bool saw_oom;	 /**< the test saw the injected failure come back */
};

enum test_op {
	TEST_OP_EQ,
	TEST_OP_NE,
	TEST_OP_LT,
	TEST_OP_LE,
	TEST_OP_GT,
	TEST_OP_GE,
};

/* Pointers, not descriptors, go in the sections: sanitizers may pad
 * globals, but an array of pointers stays an array. */
#define TEST_SECTION_ENTRY(sec, var)            \
	static const void *const test_ptr_##var \
		__attribute__((used, section(sec), aligned(8))) = &var

#define TEST_WITH_FLAGS_IMPL(suite, name, flags)                      \
	static void test_fn_##suite##_##name(struct test_ctx *t);     \
	static const struct test_desc test_desc_##suite##_##name = {  \
		#suite, #name, test_fn_##suite##_##name, flags        \
	};                                                            \
	TEST_SECTION_ENTRY("svsm_tests", test_desc_##suite##_##name); \
	static void test_fn_##suite##_##name(struct test_ctx *t)

#define TEST(suite, name) TEST_WITH_FLAGS_IMPL(suite, name, 0)

/*
 * A test that allocates. After it passes, the OOM sweep reruns it once
 * per allocation it made, failing allocation 1, 2, ... in turn. In each
 * rerun the test must see the failure come back (through
 * ASSERT_OK_OR_OOM / ASSERT_ALLOC_OR_OOM, which end the test there), no
 * other expectation may fail, and the allocators' outstanding count
 * (test_alloc_outstanding) must be back at its value before the test.
 */
#define TEST_ALLOC(suite, name) \
	TEST_WITH_FLAGS_IMPL(suite, name, TEST_FLAG_ALLOCATES)

#define TEST_FIXTURE_IMPL(suite, kind, is_set_up)                           \
	static void test_##kind##_##suite(struct test_ctx *t);              \
	static const struct test_fixture test_fx_##kind##_##suite = {       \
		#suite, is_set_up, test_##kind##_##suite                    \
	};                                                                  \
	TEST_SECTION_ENTRY("svsm_test_fixtures", test_fx_##kind##_##suite); \
	static void test_##kind##_##suite(struct test_ctx *t)

#define SET_UP(suite) TEST_FIXTURE_IMPL(suite, set_up, true)
#define TEAR_DOWN(suite) TEST_FIXTURE_IMPL(suite, tear_down, false)

/** Where a two-operand check stands: its operands' text and file:line. */
struct test_site {
	const char *expr_a;
	const char *expr_b;
	const char *file;
	int line;
};

#define TEST_SITE(a, b) \
	(&(const struct test_site){ #a, #b, __FILE__, __LINE__ })

/** Compares `a op b`; on failure prints both values and the site. */
bool test_check_int(struct test_ctx *t, enum test_op op, uint64_t a, uint64_t b,
		    const struct test_site *site);
/** Checks `cond`; on failure prints the expression and file:line. */
bool test_check_true(struct test_ctx *t, bool cond, const char *expr,
		     const char *file, int line);
/** Compares two NUL-terminated strings (NULL only equals NULL). */
bool test_check_str(struct test_ctx *t, bool want_equal, const char *a,
		    const char *b, const struct test_site *site);
/** Compares two `enum svsm_err` values and prints their names. */
bool test_check_err(struct test_ctx *t, enum svsm_err got, enum svsm_err want,
		    const char *expr, const char *file, int line);
/** Compares `len` bytes. */
bool test_check_mem(struct test_ctx *t, const void *a, const void *b,
		    size_t len, const struct test_site *site);
/** Prints a diagnostic line ("# ...") into the test's output. */
void test_diag(struct test_ctx *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#define TEST_INT_IMPL(op, a, b) \
	test_check_int(t, op, (uint64_t)(a), (uint64_t)(b), TEST_SITE(a, b))

#define EXPECT_EQ(a, b) ((void)TEST_INT_IMPL(TEST_OP_EQ, a, b))
#define EXPECT_NE(a, b) ((void)TEST_INT_IMPL(TEST_OP_NE, a, b))
#define EXPECT_LT(a, b) ((void)TEST_INT_IMPL(TEST_OP_LT, a, b))
#define EXPECT_LE(a, b) ((void)TEST_INT_IMPL(TEST_OP_LE, a, b))
#define EXPECT_GT(a, b) ((void)TEST_INT_IMPL(TEST_OP_GT, a, b))
#define EXPECT_GE(a, b) ((void)TEST_INT_IMPL(TEST_OP_GE, a, b))
#define EXPECT_TRUE(c) ((void)test_check_true(t, (c), #c, __FILE__, __LINE__))
#define EXPECT_FALSE(c) \
	((void)test_check_true(t, !(c), "!(" #c ")", __FILE__, __LINE__))
#define EXPECT_STREQ(a, b) \
	((void)test_check_str(t, true, a, b, TEST_SITE(a, b)))
#define EXPECT_STRNE(a, b) \
	((void)test_check_str(t, false, a, b, TEST_SITE(a, b)))
#define EXPECT_MEMEQ(a, b, n) \
	((void)test_check_mem(t, a, b, n, TEST_SITE(a, b)))
#define EXPECT_ERR(expr, want) \
	((void)test_check_err(t, (expr), (want), #expr, __FILE__, __LINE__))
#define EXPECT_OK(expr) EXPECT_ERR(expr, SVSM_OK)

#define ASSERT_EQ(a, b)                                 \
	do {                                            \
		if (!TEST_INT_IMPL(TEST_OP_EQ, a, b)) { \
			return;                         \
		}                                       \
	} while (0)
#define ASSERT_NE(a, b)                                 \
	do {                                            \
		if (!TEST_INT_IMPL(TEST_OP_NE, a, b)) { \
			return;                         \
		}                                       \
	} while (0)
#define ASSERT_LE(a, b)                                 \
	do {                                            \
		if (!TEST_INT_IMPL(TEST_OP_LE, a, b)) { \
			return;                         \
		}                                       \
	} while (0)
#define ASSERT_TRUE(c)                                                  \
	do {                                                            \
		if (!test_check_true(t, (c), #c, __FILE__, __LINE__)) { \
			return;                                         \
		}                                                       \
	} while (0)
#define ASSERT_FALSE(c)                                              \
	do {                                                         \
		if (!test_check_true(t, !(c), "!(" #c ")", __FILE__, \
				     __LINE__)) {                    \
			return;                                      \
		}                                                    \
	} while (0)
#define ASSERT_ERR(expr, want)                                          \
	do {                                                            \
		if (!test_check_err(t, (expr), (want), #expr, __FILE__, \
				    __LINE__)) {                        \
			return;                                         \
		}                                                       \
	} while (0)
#define ASSERT_OK(expr) ASSERT_ERR(expr, SVSM_OK)

/**
 * In an OOM-sweep rerun, whether `failed` is the injected allocation
 * failure coming back; records it so the sweep knows it was seen.
 */
bool test_oom_seen(struct test_ctx *t, bool failed);

/** As ASSERT_OK, but an injected NOMEM ends an OOM-sweep rerun cleanly. */
#define ASSERT_OK_OR_OOM(expr)                                              \
	do {                                                                \
		enum svsm_err test_err_ = (expr);                           \
		if (test_oom_seen(t, test_err_ == SVSM_ERR_NOMEM)) {        \
			return;                                             \
		}                                                           \
		if (!test_check_err(t, test_err_, SVSM_OK, #expr, __FILE__, \
				    __LINE__)) {                            \
			return;                                             \
		}                                                           \
	} while (0)

/** As ASSERT_TRUE(ptr), but an injected failure ends an OOM rerun. */
#define ASSERT_ALLOC_OR_OOM(ptr)                                        \
	do {                                                            \
		if (test_oom_seen(t, (ptr) == NULL)) {                  \
			return;                                         \
		}                                                       \
		if (!test_check_true(t, (ptr) != NULL, #ptr " != NULL", \
				     __FILE__, __LINE__)) {             \
			return;                                         \
		}                                                       \
	} while (0)

/**
 * What the allocators hold for their callers (pages handed out, heap
 * objects live): provided where allocators are linked, for the OOM
 * sweep's leak check. Weak: without it the sweep checks no leaks.
 */
uint64_t test_alloc_outstanding(void) __attribute__((weak));
/**
 * Brings the allocators to a steady state before a test is measured
 * (returns cached empty slabs and per-CPU pages), so that every OOM-sweep
 * rerun starts from the same state. Weak, like the above.
 */
void test_alloc_quiesce(void) __attribute__((weak));

/** Marks the test skipped with `why` and returns if `cond` holds. */
#define SKIP_IF(cond, why)                      \
	do {                                    \
		if (cond) {                     \
			t->skip_reason = (why); \
			return;                 \
		}                               \
	} while (0)

/** Totals of one run, for the runner's exit status. */
struct test_totals {
	uint32_t passed;
	uint32_t failed;
	uint32_t skipped;
	uint32_t oom_runs; /* OOM-sweep reruns, all tests together */
};

/**
 * Runs every registered test whose suite matches `suite_filter` (all when
 * NULL), sorted by suite and name, printing KTAP v1 through
 * `test_output()`. Returns the totals.
 */
struct test_totals test_run_all(const char *suite_filter);

/** Prints `fmt` through `test_output()`. */
void test_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Provided by each runner: where KTAP text goes. */
void test_output(const char *s, size_t len);
