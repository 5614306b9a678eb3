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
 * It is a libsvsm program: the request interface's stubs and the log
 * writer. It logs once when it starts serving and on anything
 * unexpected; a failed receive or reply ends it with a status init
 * reports (and init restarts it).
 */
#include <stddef.h>
#include <stdint.h>

#include "svsm/proto.h"

#include "libsvsm/log.h"
#include "libsvsm/sys.h"

int csvsm_main(const uint64_t *sp);

/** The request being served: the queue handle and its id. */
struct serving {
	int h;
	uint64_t id;
};

static enum svsm_err guest_read(void *plat, uint64_t gpa, void *dst, size_t len)
{
	const struct serving *s = plat;

	return proto_errno_to_err(svsm_guest_read(s->h, s->id, gpa, dst, len));
}

static enum svsm_err guest_write(void *plat, uint64_t gpa, const void *src,
				 size_t len)
{
	const struct serving *s = plat;

	return proto_errno_to_err(svsm_guest_write(s->h, s->id, gpa, src, len));
}

static enum svsm_err vmm_pvalidate(void *plat, uint64_t gpa, bool huge,
				   bool validate, struct proto_pval_out *out)
{
	const struct serving *s = plat;
	uint32_t flags = (huge ? SVSM_VMM_PVAL_HUGE : 0U) |
			 (validate ? SVSM_VMM_PVAL_VALIDATE : 0U);
	long rc = svsm_vmm_pvalidate(s->h, s->id, gpa, flags);

	if (rc < 0) {
		return proto_errno_to_err(rc);
	}
	out->rc = (uint32_t)rc & 0xFFU;
	out->no_change = (rc & SVSM_VMM_PVAL_NO_CHANGE) != 0;
	return SVSM_OK;
}

/* The kernel knows the request's vCPU: `vcpu` is not passed on. */
static enum svsm_err vmm_remap_ca(void *plat, uint32_t vcpu, uint64_t gpa)
{
	const struct serving *s = plat;

	(void)vcpu;
	return proto_errno_to_err(svsm_vmm_remap_ca(s->h, s->id, gpa));
}

static enum svsm_err vmm_create_vcpu(void *plat, uint32_t vcpu, uint64_t vmsa,
				     uint64_t caa, uint32_t apic_id)
{
	const struct serving *s = plat;

	(void)vcpu;
	return proto_errno_to_err(
		svsm_vmm_create_vcpu(s->h, s->id, vmsa, caa, apic_id));
}

static enum svsm_err vmm_delete_vcpu(void *plat, uint32_t vcpu, uint64_t vmsa)
{
	const struct serving *s = plat;

	(void)vcpu;
	return proto_errno_to_err(svsm_vmm_delete_vcpu(s->h, s->id, vmsa));
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
	long h = svsm_req_serve();

	(void)sp;
	svsm_log_init("svsm-reqd", 2);
	if (h < 0) {
		svsm_logf("cannot attach to the request queue (error %ld)", -h);
		return 1;
	}
	s.h = (int)h;
	svsm_logf("serving SVSM requests");
	for (;;) {
		struct svsm_req r = { 0 };
		long rc = svsm_req_receive(s.h, &r, SVSM_RECV_BLOCK);

		if (rc != 0) {
			svsm_logf("receive failed (error %ld)", -rc);
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
		rc = svsm_req_reply(s.h, &r);
		if (rc != 0) {
			svsm_logf("reply failed (error %ld)", -rc);
			return 3;
		}
	}
}
