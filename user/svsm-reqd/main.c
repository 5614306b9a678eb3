// SPDX-License-Identifier: MIT
/*
 * svsm-reqd: serves guests' SVSM calls in ring 3 (DESIGN.md, The path of
 * a request). It attaches to the kernel's request queue, takes one
 * request at a time and runs it through the same platform-neutral
 * protocol layer (lib/proto) the kernel would, with an environment whose
 * operations are the request interface's system calls: guest memory
 * reads and writes, and the core protocol's privileged steps, each
 * naming the request being served so the kernel acts only for that
 * request's vCPU and checks every address again.
 *
 * It logs once when it starts serving and on anything unexpected; a
 * failed receive or reply ends it with a status init reports.
 */
#include <stddef.h>
#include <stdint.h>

#include "svsm/proto.h"

#include "uapi/svsm/syscall.h"

int csvsm_main(const uint64_t *sp);

/** The request being served: the queue handle and its id. */
struct serving {
	long h;
	uint64_t id;
};

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

static void say(const char *s)
{
	size_t n = 0;

	while (s[n]) {
		n++;
	}
	(void)sys5(SVSM_SYS_WRITE, 2, (long)s, (long)n, 0, 0);
}

static enum svsm_err guest_read(void *plat, uint64_t gpa, void *dst, size_t len)
{
	const struct serving *s = plat;

	return proto_errno_to_err(sys5(SVSM_SYS_GUEST_READ, s->h, (long)s->id,
				       (long)gpa, (long)dst, (long)len));
}

static enum svsm_err guest_write(void *plat, uint64_t gpa, const void *src,
				 size_t len)
{
	const struct serving *s = plat;

	return proto_errno_to_err(sys5(SVSM_SYS_GUEST_WRITE, s->h, (long)s->id,
				       (long)gpa, (long)src, (long)len));
}

static enum svsm_err vmm_pvalidate(void *plat, uint64_t gpa, bool huge,
				   bool validate, struct proto_pval_out *out)
{
	const struct serving *s = plat;
	long flags = (huge ? SVSM_VMM_PVAL_HUGE : 0) |
		     (validate ? SVSM_VMM_PVAL_VALIDATE : 0);
	long rc = sys5(SVSM_SYS_VMM_PVALIDATE, s->h, (long)s->id, (long)gpa,
		       flags, 0);

	if (rc < 0) {
		return proto_errno_to_err(rc);
	}
	out->rc = (uint32_t)rc & 0xFFU;
	out->no_change = (rc & SVSM_VMM_PVAL_NO_CHANGE) != 0;
	return SVSM_OK;
}

static enum svsm_err vmm_remap_ca(void *plat, uint32_t vcpu, uint64_t gpa)
{
	const struct serving *s = plat;

	(void)vcpu; /* the kernel knows the request's vCPU */
	return proto_errno_to_err(sys5(SVSM_SYS_VMM_REMAP_CA, s->h, (long)s->id,
				       (long)gpa, 0, 0));
}

static enum svsm_err vmm_create_vcpu(void *plat, uint32_t vcpu, uint64_t vmsa,
				     uint64_t caa, uint32_t apic_id)
{
	const struct serving *s = plat;

	(void)vcpu;
	return proto_errno_to_err(sys5(SVSM_SYS_VMM_CREATE_VCPU, s->h,
				       (long)s->id, (long)vmsa, (long)caa,
				       (long)apic_id));
}

static enum svsm_err vmm_delete_vcpu(void *plat, uint32_t vcpu, uint64_t vmsa)
{
	const struct serving *s = plat;

	(void)vcpu;
	return proto_errno_to_err(sys5(SVSM_SYS_VMM_DELETE_VCPU, s->h,
				       (long)s->id, (long)vmsa, 0, 0));
}

static const struct proto_mem_ops MEM_OPS = { guest_read, guest_write };
static const struct proto_core_ops CORE_OPS = {
	vmm_pvalidate,
	vmm_remap_ca,
	vmm_create_vcpu,
	vmm_delete_vcpu,
};
static const struct proto_desc *const PROTOS[] = { &PROTO_CORE_DESC };

int csvsm_main(const uint64_t *sp)
{
	struct serving s;
	long h = sys5(SVSM_SYS_REQ_SERVE, 0, 0, 0, 0, 0);

	(void)sp;
	if (h < 0) {
		say("svsm-reqd: cannot attach to the request queue\n");
		return 1;
	}
	s.h = h;
	say("svsm-reqd: serving SVSM requests\n");
	for (;;) {
		struct svsm_req r = { 0 };

		if (sys5(SVSM_SYS_REQ_RECEIVE, h, (long)&r, SVSM_RECV_BLOCK, 0,
			 0) != 0) {
			say("svsm-reqd: receive failed\n");
			return 2;
		}
		s.id = r.id;
		struct proto_env env = {
			.mem = &MEM_OPS,
			.core = &CORE_OPS,
			.plat = &s,
			.vcpu = r.vcpu,
			.protos = PROTOS,
			.proto_count = sizeof(PROTOS) / sizeof(PROTOS[0]),
		};
		struct svsm_call_regs regs = { r.rax, r.rcx, r.rdx, r.r8,
					       r.r9 };

		(void)proto_dispatch(&env, &regs);
		r.rax = regs.rax;
		r.rcx = regs.rcx;
		r.rdx = regs.rdx;
		r.r8 = regs.r8;
		r.r9 = regs.r9;
		if (sys5(SVSM_SYS_REQ_REPLY, h, (long)&r, 0, 0, 0) != 0) {
			say("svsm-reqd: reply failed\n");
			return 3;
		}
	}
}
