// SPDX-License-Identifier: MIT
/*
 * A freestanding request server for tests/vm/test_request.c, run from
 * the RAM FS as /test/bin/reqd_check: it attaches to the request queue
 * and answers the test's requests by their RAX:
 *   0x42_00000001  echo: RCX + 1 back in RCX, the vCPU in RDX
 *   0x42_00000002  read 8 bytes of guest memory at RCX: the value in
 *                  RCX, the call's result in RDX
 *   0x42_00000003  crash (UD2) while the request is in flight
 * Checks on the way (a second attach is -EBUSY; a receive into a bad
 * pointer is -EFAULT and loses nothing; calls naming an id not in flight
 * are -ENOENT; a bad handle is -EBADF): a failed check is reported by
 * answering the next request with RAX = 0xBAD00000 + its number. If it
 * cannot attach at all it exits with 100 + the errno.
 */
#include <stddef.h>
#include <stdint.h>

#include "uapi/svsm/syscall.h"

#define BAD_PTR 0xFFFFFFFF80000000UL

int csvsm_main(const uint64_t *sp);

static long sys5(long nr, long a, long b, long c, long d, long e)
{
	register long r10 __asm__("r10") = d;
	register long r8 __asm__("r8") = e;
	long ret;

	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"(nr), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8)
			 : "rcx", "r11", "memory");
	return ret;
}

static uint32_t failed;

static void check(int cond, uint32_t number)
{
	if (!cond && failed == 0) {
		failed = number;
	}
}

static void reply(long h, struct svsm_req *r, uint64_t rax, uint64_t rcx,
		  uint64_t rdx)
{
	r->rax = failed ? 0xBAD00000U + failed : rax;
	r->rcx = rcx;
	r->rdx = rdx;
	check(sys5(SVSM_SYS_REQ_REPLY, h, (long)r, 0, 0, 0) == 0, 20);
}

int csvsm_main(const uint64_t *sp)
{
	struct svsm_req r = { 0 };
	long h = sys5(SVSM_SYS_REQ_SERVE, 0, 0, 0, 0, 0);

	(void)sp;
	if (h < 0) {
		return (int)(100 - h); /* 100 + errno */
	}
	check(sys5(SVSM_SYS_REQ_SERVE, 0, 0, 0, 0, 0) == -SVSM_EBUSY, 2);
	check(sys5(SVSM_SYS_REQ_SERVE, 1, 0, 0, 0, 0) == -SVSM_EINVAL, 3);
	check(sys5(SVSM_SYS_REQ_RECEIVE, 1, (long)&r, 0, 0, 0) == -SVSM_EBADF,
	      4);
	check(sys5(SVSM_SYS_REQ_RECEIVE, h, (long)&r, 0, 0, 0) == -SVSM_EAGAIN,
	      5);
	/* Blocks until the first request, which must survive the fault. */
	check(sys5(SVSM_SYS_REQ_RECEIVE, h, (long)BAD_PTR, SVSM_RECV_BLOCK, 0,
		   0) == -SVSM_EFAULT,
	      6);
	for (;;) {
		uint64_t v = 0;

		if (sys5(SVSM_SYS_REQ_RECEIVE, h, (long)&r, SVSM_RECV_BLOCK, 0,
			 0) != 0) {
			return 7;
		}
		check(sys5(SVSM_SYS_GUEST_READ, h, (long)(r.id + 1000),
			   0x5500000, (long)&v, 8) == -SVSM_ENOENT,
		      8);
		switch (r.rax) {
		case 0x4200000001ULL:
			reply(h, &r, 0, r.rcx + 1, r.vcpu);
			break;
		case 0x4200000002ULL: {
			long rc = sys5(SVSM_SYS_GUEST_READ, h, (long)r.id,
				       (long)r.rcx, (long)&v, 8);

			check(sys5(SVSM_SYS_GUEST_READ, h, (long)r.id,
				   (long)r.rcx, (long)BAD_PTR,
				   8) == -SVSM_EFAULT,
			      9);
			check(sys5(SVSM_SYS_GUEST_READ, h, (long)r.id,
				   (long)r.rcx, (long)&v, 5000) == -SVSM_EINVAL,
			      10);
			reply(h, &r, 0, v, (uint64_t)rc);
			break;
		}
		case 0x4200000003ULL:
			__asm__ volatile("ud2");
			break;
		default:
			reply(h, &r, 0xBAD0FFFFU, 0, 0);
			break;
		}
		check(sys5(SVSM_SYS_REQ_REPLY, h, (long)&r, 0, 0, 0) ==
			      -SVSM_ENOENT,
		      11);
	}
}
