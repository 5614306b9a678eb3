// SPDX-License-Identifier: MIT
/*
 * In-VM tests of the request path between the kernel and a ring-3
 * request server (kernel/req/serve.c, kernel/sys/reqcalls.c): with
 * /test/bin/reqd_check attached, calls given to request_serve() reach it
 * and its answers come back; it reads guest memory only through the
 * kernel, for the request it holds; when it dies holding a request that
 * request ends with BUSY, and later calls are served in the kernel.
 */
#include "arch/insn.h"

#include "svsm/proc.h"
#include "svsm/request.h"
#include "svsm/task.h"
#include "svsm/test.h"
#include "svsm/time.h"

#include "../../plat/native/guest.h"

#define GUEST_WORD 0x5500000ULL

static bool wait_attached(bool want)
{
	uint64_t start = clock_monotonic_ns();

	while (reqq_is_attached() != want) {
		if (clock_monotonic_ns() - start > 10ULL * NSEC_PER_SEC) {
			return false;
		}
		task_sleep_ms(2);
	}
	return true;
}

static struct svsm_call_regs serve(uint64_t rax, uint64_t rcx)
{
	struct svsm_call_regs r = { rax, rcx, 0, 0, 0 };

	request_serve(0, &r);
	return r;
}

TEST(request, a_ring3_server_answers_until_it_dies)
{
	static const char *const argv[] = { "reqd_check", NULL };
	static const uint8_t word[8] = { 0x88, 0x77, 0x66, 0x55,
					 0x44, 0x33, 0x22, 0x11 };
	struct process *p;
	uint64_t by_server0;
	uint64_t by_kernel0;
	uint64_t by_server;
	uint64_t by_kernel;

	ASSERT_OK(native_guest_init());
	ASSERT_OK(native_guest_host_write(GUEST_WORD, word, sizeof(word)));
	EXPECT_FALSE(reqq_is_attached());
	reqq_counts(&by_server0, &by_kernel0);
	ASSERT_OK(process_spawn("/test/bin/reqd_check", argv, NULL, 1, &p));
	if (!wait_attached(true)) {
		/* It ended before attaching: its status says why. */
		EXPECT_EQ(process_wait(p), 0);
		return;
	}

	struct svsm_call_regs r = serve(0x4200000001ULL, 41);

	EXPECT_EQ(r.rax, 0);
	EXPECT_EQ(r.rcx, 42);
	EXPECT_EQ(r.rdx, 0); /* vCPU 0 */
	r = serve(0x4200000002ULL, GUEST_WORD);
	EXPECT_EQ(r.rax, 0);
	EXPECT_EQ(r.rcx, 0x1122334455667788ULL);
	EXPECT_EQ(r.rdx, 0);
	r = serve(0x4200000002ULL, 0x400000); /* the SVSM's own */
	EXPECT_EQ(r.rax, 0);
	EXPECT_EQ(r.rdx, (uint64_t)-SVSM_ERANGE);
	reqq_counts(&by_server, &by_kernel);
	EXPECT_EQ(by_server - by_server0, 3);
	EXPECT_EQ(by_kernel - by_kernel0, 0);

	/* It dies holding this one. */
	r = serve(0x4200000003ULL, 0);
	EXPECT_EQ(r.rax, SVSM_RC_BUSY);
	EXPECT_EQ(process_wait(p), PROC_EXIT_KILLED | 6U);
	EXPECT_TRUE(wait_attached(false));
	r = serve(SVSM_CORE_QUERY_PROTOCOL, 1);
	EXPECT_EQ(r.rax, SVSM_RC_SUCCESS);
	EXPECT_EQ(r.rcx, 0x100000001ULL);
	reqq_counts(&by_server, &by_kernel);
	EXPECT_EQ(by_kernel - by_kernel0, 1);
}

/* ---- svsm-reqd: the real request loop in ring 3 ------------------------- */

#define LIST_GPA 0x5600000ULL
#define PAGE_GPA 0x5700000ULL
#define BENCH_ROUNDS 200U

/** Starts /sbin/svsm-reqd on `cpu` and waits until it serves. */
static struct process *start_reqd(uint32_t cpu)
{
	static const char *const argv[] = { "svsm-reqd", NULL };
	struct process *p;

	if (process_spawn("/sbin/svsm-reqd", argv, NULL, cpu, &p) != SVSM_OK) {
		return NULL;
	}
	if (!wait_attached(true)) {
		process_kill(p);
		(void)process_wait(p);
		return NULL;
	}
	return p;
}

static void stop_reqd(struct process *p)
{
	process_kill(p);
	(void)process_wait(p);
}

TEST(request, svsm_reqd_serves_the_core_protocol_in_ring3)
{
	uint8_t req[16] = { 1, 0, 0, 0, 0, 0, 0, 0 };
	uint8_t hdr[4];
	uint64_t s0;
	uint64_t k0;
	uint64_t s1;
	uint64_t k1;
	struct process *p;

	ASSERT_OK(native_guest_init());
	reqq_counts(&s0, &k0);
	p = start_reqd(1);
	ASSERT_TRUE(p != NULL);
	struct svsm_call_regs r = serve(SVSM_CORE_QUERY_PROTOCOL, 1);

	EXPECT_EQ(r.rax, SVSM_RC_SUCCESS);
	EXPECT_EQ(r.rcx, 0x100000001ULL);
	r = serve(0x900000000ULL, 0);
	EXPECT_EQ(r.rax, SVSM_RC_UNSUPPORTED_PROTOCOL);
	/* A PVALIDATE list read and advanced through the kernel's calls. */
	for (int i = 0; i < 8; i++) {
		req[8 + i] =
			(uint8_t)((PAGE_GPA | SVSM_PVAL_VALIDATE) >> (8 * i));
	}
	ASSERT_OK(native_guest_host_write(LIST_GPA, req, sizeof(req)));
	r = serve(SVSM_CORE_PVALIDATE, LIST_GPA);
	EXPECT_EQ(r.rax, SVSM_RC_SUCCESS);
	ASSERT_OK(native_guest_host_read(LIST_GPA, hdr, sizeof(hdr)));
	EXPECT_EQ(hdr[2], 1); /* next == entries */
	r = serve(SVSM_CORE_PVALIDATE, LIST_GPA & ~0xFFFULL); /* next 1 of 1 */
	EXPECT_EQ(r.rax, SVSM_RC_INVALID_PARAMETER);
	r = serve(SVSM_CORE_REMAP_CA, 0x400000); /* the SVSM's own */
	EXPECT_EQ(r.rax, SVSM_RC_INVALID_ADDRESS);
	reqq_counts(&s1, &k1);
	EXPECT_EQ(s1 - s0, 5);
	EXPECT_EQ(k1 - k0, 0);
	stop_reqd(p);
	EXPECT_TRUE(wait_attached(false));
}

/** Cycles per QUERY_PROTOCOL over BENCH_ROUNDS calls. */
static uint64_t query_cost(void)
{
	uint64_t t0 = rdtsc();

	for (uint32_t i = 0; i < BENCH_ROUNDS; i++) {
		struct svsm_call_regs r = serve(SVSM_CORE_QUERY_PROTOCOL, 1);

		if (r.rax != SVSM_RC_SUCCESS) {
			return 0;
		}
	}
	return (rdtsc() - t0) / BENCH_ROUNDS;
}

/*
 * For bench/requests.md: a QUERY_PROTOCOL from request_serve() to its
 * reply, served in the kernel and through svsm-reqd (on the caller's CPU
 * and on another). In TSC cycles; under `csvsm run --icount` one cycle is
 * one guest instruction. Nothing is asserted about the figures.
 */
TEST(request, query_protocol_round_trip_figures)
{
	struct process *p;
	uint64_t kernel_only = query_cost();

	p = start_reqd(0);
	ASSERT_TRUE(p != NULL);
	uint64_t same_cpu = query_cost();

	stop_reqd(p);
	ASSERT_TRUE(wait_attached(false));
	p = start_reqd(1);
	ASSERT_TRUE(p != NULL);
	uint64_t other_cpu = query_cost();

	stop_reqd(p);
	test_diag(t,
		  "QUERY_PROTOCOL round trip: kernel %llu, svsm-reqd same CPU "
		  "%llu, svsm-reqd other CPU %llu TSC cycles",
		  (unsigned long long)kernel_only, (unsigned long long)same_cpu,
		  (unsigned long long)other_cpu);
	EXPECT_GT(kernel_only, 0);
	EXPECT_GT(same_cpu, 0);
	EXPECT_GT(other_cpu, 0);
}
