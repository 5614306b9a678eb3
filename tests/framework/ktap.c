// SPDX-License-Identifier: MIT
/*
 * The test runner shared by the host and VM runners: collects the
 * descriptors registered by TEST(), sorts them by suite and name, runs
 * them with their suite's SET_UP/TEAR_DOWN and prints KTAP version 1
 * through the runner's `test_output()`. It allocates nothing.
 */
#include <stdarg.h>

#include "svsm/alloc_fail.h"
#include "svsm/fmt.h"
#include "svsm/test.h"

/*
 * Section bounds, provided by the linker (host) or the linker script.
 * Weak, so that an image without tests or fixtures links and runs none.
 */
/* NOLINTBEGIN(cert-dcl37-c, readability-identifier-naming): the names
 * are the ones the linker defines for the sections. */
extern const struct test_desc *const __start_svsm_tests[] __attribute__((weak));
extern const struct test_desc *const __stop_svsm_tests[] __attribute__((weak));
extern const struct test_fixture *const __start_svsm_test_fixtures[]
	__attribute__((weak));
extern const struct test_fixture *const __stop_svsm_test_fixtures[]
	__attribute__((weak));
/* NOLINTEND(cert-dcl37-c, readability-identifier-naming) */

#define TEST_MAX 4096u

/* Sorted view of the registered tests. */
static const struct test_desc *sorted[TEST_MAX];

static int str_cmp(const char *a, const char *b)
{
	while (*a != '\0' && *a == *b) {
		a++;
		b++;
	}
	return (unsigned char)*a - (unsigned char)*b;
}

static int desc_cmp(const struct test_desc *a, const struct test_desc *b)
{
	int c = str_cmp(a->suite, b->suite);

	return c != 0 ? c : str_cmp(a->name, b->name);
}

/** Prints `fmt` through `test_output()`, in pieces of at most 512 bytes. */
void test_printf(const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	size_t n = fmt_vsnprintf(buf, sizeof(buf), fmt, ap);

	va_end(ap);
	test_output(buf, n < sizeof(buf) ? n : sizeof(buf) - 1);
}

static void fail_line(struct test_ctx *t, const char *file, int line)
{
	(void)file;
	(void)line;
	t->failure_count++;
}

static const char *base_name(const char *path)
{
	const char *b = path;

	for (const char *p = path; *p != '\0'; p++) {
		if (*p == '/') {
			b = p + 1;
		}
	}
	return b;
}

static const char *const OP_TEXT[] = {
	[TEST_OP_EQ] = "==", [TEST_OP_NE] = "!=", [TEST_OP_LT] = "<",
	[TEST_OP_LE] = "<=", [TEST_OP_GT] = ">",  [TEST_OP_GE] = ">=",
};

/** Compares `a op b`; on failure prints both values and the site. */
bool test_check_int(struct test_ctx *t, enum test_op op, uint64_t a, uint64_t b,
		    const struct test_site *site)
{
	bool ok = false;

	switch (op) {
	case TEST_OP_EQ:
		ok = a == b;
		break;
	case TEST_OP_NE:
		ok = a != b;
		break;
	case TEST_OP_LT:
		ok = a < b;
		break;
	case TEST_OP_LE:
		ok = a <= b;
		break;
	case TEST_OP_GT:
		ok = a > b;
		break;
	case TEST_OP_GE:
		ok = a >= b;
		break;
	}
	if (!ok) {
		test_printf("    # %s:%d: expected %s %s %s, got %llu (0x%llx) "
			    "vs %llu (0x%llx)\n",
			    base_name(site->file), site->line, site->expr_a,
			    OP_TEXT[op], site->expr_b, (unsigned long long)a,
			    (unsigned long long)a, (unsigned long long)b,
			    (unsigned long long)b);
		fail_line(t, site->file, site->line);
	}
	return ok;
}

/** Checks `cond`; on failure prints the expression and file:line. */
bool test_check_true(struct test_ctx *t, bool cond, const char *expr,
		     const char *file, int line)
{
	if (!cond) {
		test_printf("    # %s:%d: expected %s\n", base_name(file), line,
			    expr);
		fail_line(t, file, line);
	}
	return cond;
}

/** Compares two strings for equality (or inequality). */
bool test_check_str(struct test_ctx *t, bool want_equal, const char *a,
		    const char *b, const struct test_site *site)
{
	bool equal = (a == NULL || b == NULL) ? a == b : str_cmp(a, b) == 0;

	if (equal != want_equal) {
		test_printf("    # %s:%d: expected %s %s %s, got \"%s\" vs "
			    "\"%s\"\n",
			    base_name(site->file), site->line, site->expr_a,
			    want_equal ? "==" : "!=", site->expr_b, a, b);
		fail_line(t, site->file, site->line);
	}
	return equal == want_equal;
}

/** Compares two `enum svsm_err` values, printing their names. */
bool test_check_err(struct test_ctx *t, enum svsm_err got, enum svsm_err want,
		    const char *expr, const char *file, int line)
{
	if (got != want) {
		test_printf("    # %s:%d: expected %s == %s, got %d (%s)\n",
			    base_name(file), line, expr, svsm_err_name(want),
			    (int)got, svsm_err_name(got));
		fail_line(t, file, line);
	}
	return got == want;
}

/** Compares `len` bytes; prints the first differing offset. */
bool test_check_mem(struct test_ctx *t, const void *a, const void *b,
		    size_t len, const struct test_site *site)
{
	const uint8_t *pa = a;
	const uint8_t *pb = b;

	for (size_t i = 0; i < len; i++) {
		if (pa[i] != pb[i]) {
			test_printf(
				"    # %s:%d: %s and %s differ at byte %zu: "
				"0x%02x vs 0x%02x\n",
				base_name(site->file), site->line, site->expr_a,
				site->expr_b, i, pa[i], pb[i]);
			fail_line(t, site->file, site->line);
			return false;
		}
	}
	return true;
}

/** Prints a KTAP diagnostic line for the running test. */
void test_diag(struct test_ctx *t, const char *fmt, ...)
{
	char buf[400];
	va_list ap;

	(void)t;
	va_start(ap, fmt);
	(void)fmt_vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	test_printf("    # %s\n", buf);
}

/** Collects and insertion-sorts the registered tests; returns the count. */
static size_t collect(const char *filter)
{
	size_t n = 0;

	for (const struct test_desc *const *p = __start_svsm_tests;
	     p < __stop_svsm_tests && n < TEST_MAX; p++) {
		if (filter && str_cmp((*p)->suite, filter) != 0) {
			continue;
		}
		size_t i = n++;

		while (i > 0 && desc_cmp(sorted[i - 1], *p) > 0) {
			sorted[i] = sorted[i - 1];
			i--;
		}
		sorted[i] = *p;
	}
	return n;
}

static void run_fixture(const char *suite, bool set_up, struct test_ctx *t)
{
	for (const struct test_fixture *const *p = __start_svsm_test_fixtures;
	     p < __stop_svsm_test_fixtures; p++) {
		if ((*p)->is_set_up == set_up &&
		    str_cmp((*p)->suite, suite) == 0) {
			(*p)->fn(t);
		}
	}
}

/** Runs one test with its suite's fixtures; returns its context. */
/** In an OOM rerun, records and reports whether `failed` is the injection. */
bool test_oom_seen(struct test_ctx *t, bool failed)
{
	if (failed && t->is_oom_run && alloc_fail_fired()) {
		t->saw_oom = true;
		return true;
	}
	return false;
}

static uint64_t outstanding(void)
{
	return test_alloc_outstanding ? test_alloc_outstanding() : 0;
}

/**
 * Runs one test with its suite's fixtures. With `fail_nth` > 0 it is an
 * OOM rerun: allocation `fail_nth` fails. Reports in `*attempts` how many
 * allocations the test body made and in `*leaked` whether the allocators'
 * outstanding count differs after the body.
 */
static struct test_ctx run_one(const struct test_desc *d, uint64_t fail_nth,
			       uint64_t *attempts, bool *leaked)
{
	struct test_ctx t = { .desc = d, .is_oom_run = fail_nth > 0 };

	*attempts = 0;
	*leaked = false;
	run_fixture(d->suite, true, &t);
	if (t.failure_count == 0 && !t.skip_reason) {
		if (test_alloc_quiesce) {
			test_alloc_quiesce();
		}
		uint64_t before = outstanding();

		alloc_fail_nth(fail_nth);
		d->fn(&t);
		*attempts = alloc_fail_attempts();
		alloc_fail_nth(0);
		if (test_alloc_quiesce) {
			test_alloc_quiesce();
		}
		*leaked = outstanding() != before;
	}
	run_fixture(d->suite, false, &t);
	return t;
}

/**
 * The OOM sweep of one passing allocating test that made `attempts`
 * allocations: reruns it failing each in turn. Returns false (after a
 * diagnostic) at the first rerun that failed an expectation, did not see
 * the failure come back, or leaked.
 */
static bool oom_sweep(const struct test_desc *d, uint64_t attempts,
		      struct test_totals *tot)
{
	for (uint64_t n = 1; n <= attempts; n++) {
		uint64_t got;
		bool leaked;
		struct test_ctx t = run_one(d, n, &got, &leaked);
		const char *why = NULL;

		tot->oom_runs++;
		if (t.failure_count > 0) {
			why = "an expectation failed";
		} else if (!t.saw_oom) {
			why = "the failure did not come back to the test";
		} else if (leaked) {
			why = "allocations leaked";
		}
		if (why) {
			test_printf(
				"    # oom sweep: failing allocation %llu of "
				"%llu: %s\n",
				(unsigned long long)n,
				(unsigned long long)attempts, why);
			return false;
		}
	}
	test_printf("    # oom sweep: %llu allocation points, no panic, "
		    "no leak\n",
		    (unsigned long long)attempts);
	return true;
}

/** Runs a test and, for an allocating one that passed, its OOM sweep. */
static struct test_ctx run_test(const struct test_desc *d,
				struct test_totals *tot)
{
	uint64_t attempts;
	bool leaked;
	struct test_ctx t = run_one(d, 0, &attempts, &leaked);

	if ((d->flags & TEST_FLAG_ALLOCATES) && leaked &&
	    t.failure_count == 0 && !t.skip_reason) {
		test_printf("    # allocations leaked by the test\n");
		t.failure_count++;
	}
	if ((d->flags & TEST_FLAG_ALLOCATES) && t.failure_count == 0 &&
	    !t.skip_reason && !oom_sweep(d, attempts, tot)) {
		t.failure_count++;
	}
	return t;
}

/** Runs the tests of one suite, [first, end); returns true if all pass. */
static bool run_suite(size_t first, size_t end, size_t suite_no,
		      struct test_totals *tot)
{
	bool suite_ok = true;

	test_printf("  KTAP version 1\n  # Subtest: %s\n  1..%zu\n",
		    sorted[first]->suite, end - first);
	for (size_t i = first; i < end; i++) {
		struct test_ctx t = run_test(sorted[i], tot);
		size_t no = i - first + 1;

		if (t.failure_count > 0) {
			test_printf("  not ok %zu %s\n", no, sorted[i]->name);
			tot->failed++;
			suite_ok = false;
		} else if (t.skip_reason) {
			test_printf("  ok %zu %s # SKIP %s\n", no,
				    sorted[i]->name, t.skip_reason);
			tot->skipped++;
		} else {
			test_printf("  ok %zu %s\n", no, sorted[i]->name);
			tot->passed++;
		}
	}
	test_printf("%s %zu %s\n", suite_ok ? "ok" : "not ok", suite_no,
		    sorted[first]->suite);
	return suite_ok;
}

/** Runs every registered test (of one suite when `suite_filter` is set). */
struct test_totals test_run_all(const char *suite_filter)
{
	struct test_totals tot = { 0 };
	size_t n = collect(suite_filter);
	size_t suites = 0;

	for (size_t i = 0; i < n; i++) {
		if (i == 0 || str_cmp(sorted[i]->suite, sorted[i - 1]->suite)) {
			suites++;
		}
	}
	test_printf("KTAP version 1\n1..%zu\n", suites);
	size_t first = 0;
	size_t suite_no = 0;

	for (size_t i = 1; i <= n; i++) {
		if (i == n || str_cmp(sorted[i]->suite, sorted[first]->suite)) {
			(void)run_suite(first, i, ++suite_no, &tot);
			first = i;
		}
	}
	return tot;
}
