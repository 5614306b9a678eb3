// SPDX-License-Identifier: MIT
/*
 * In-VM tests of the request path between the kernel and a ring-3
 * request server (kernel/req/serve.c, kernel/sys/reqcalls.c): with
 * /test/bin/reqd_check attached, calls given to request_serve() reach it
 * and its answers come back; it reads guest memory only through the
 * kernel, for the request it holds; when it dies holding a request that
 * request ends with BUSY, and later calls are served in the kernel.
 */
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
