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
 * The vTPM protocol (2) is offered when init gave svsm-reqd a channel
 * to the vTPM service (INIT_CHANNEL_vtpm): each SVSM_VTPM_CMD becomes one
 * request message on it and waits for the matching response
 * (uapi/svsm/svcmsg.h). A vTPM that ended, or gave no answer within
 * VTPM_TIMEOUT_NS, fails the call with BUSY; init starts it again.
 *
 * It is a libsvsm program: the request interface's stubs and the log
 * writer. It logs once when it starts serving and on anything
 * unexpected; a failed receive or reply ends it with a status init
 * reports (and init restarts it).
 */
#include <stddef.h>
#include <stdint.h>

#include "svsm/proto.h"

#include "libsvsm/env.h"
#include "libsvsm/log.h"
#include "libsvsm/string.h"
#include "libsvsm/sys.h"
#include "uapi/svsm/svcmsg.h"

/* Long enough for an RSA-2048 key generation under emulation. */
#define VTPM_TIMEOUT_NS (120ULL * 1000000000ULL)

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

/** A channel to a service process, and the last request's number. */
struct svc_link {
	int h;
	uint32_t seq;
	const char *name;
};

static uint8_t svc_msg[SVSM_MSG_MAX];
static uint8_t vtpm_buf[SVSM_VTPM_BUFFER_SIZE];

/**
 * Drops whatever waits on `l`: with one request in flight at a time,
 * anything queued before a new request is sent answers an older one
 * (or tells of a peer that has been replaced since).
 */
static void svc_drop_stale(const struct svc_link *l)
{
	while (svsm_chan_recv(l->h, svc_msg, sizeof(svc_msg), 0) >= 0) {
	}
}

/**
 * Waits for the response to request `l->seq`; its payload is left in
 * svc_msg after the header. Returns its length or an error.
 */
static enum svsm_err svc_await(const struct svc_link *l, size_t *len)
{
	uint64_t deadline = svsm_now_ns() + VTPM_TIMEOUT_NS;

	for (;;) {
		struct svsm_svcmsg hdr;
		uint64_t now = svsm_now_ns();

		if (now >= deadline) {
			svsm_logf("%s: no answer within %llu s", l->name,
				  (unsigned long long)(VTPM_TIMEOUT_NS /
						       1000000000ULL));
			return SVSM_ERR_BUSY;
		}
		struct svsm_wait_item w = { .handle = l->h,
					    .events = SVSM_WAIT_READABLE };
		long n = svsm_wait(&w, 1, deadline - now); /* 0: timed out */

		if (n < 0) {
			return proto_errno_to_err(n);
		}
		n = svsm_chan_recv(l->h, svc_msg, sizeof(svc_msg), 0);
		if (n == -SVSM_EAGAIN) {
			continue;
		}
		if (n < 0) {
			return proto_errno_to_err(n);
		}
		if ((size_t)n < sizeof(hdr)) {
			svsm_logf("%s: dropped a %ld-byte message", l->name, n);
			continue;
		}
		svsm_memcpy(&hdr, svc_msg, sizeof(hdr));
		if (hdr.type == SVSM_SVCMSG_PEER_ENDED) {
			svsm_logf("%s ended before answering request %u",
				  l->name, l->seq);
			return SVSM_ERR_BUSY;
		}
		if (hdr.type != SVSM_SVCMSG_RESPONSE || hdr.seq != l->seq) {
			continue; /* an answer to a request given up on */
		}
		if (hdr.len != (size_t)n - sizeof(hdr)) {
			svsm_logf("%s: response %u says %u bytes, carries %zu",
				  l->name, hdr.seq, hdr.len,
				  (size_t)n - sizeof(hdr));
			return SVSM_ERR_IO;
		}
		if (hdr.status < 0) {
			return proto_errno_to_err(hdr.status);
		}
		*len = hdr.len;
		return SVSM_OK;
	}
}

/** proto_vtpm.send_command: one request to the vTPM service. */
static enum svsm_err vtpm_send(void *ctx, uint8_t *buf, size_t len, size_t cap,
			       size_t *rsp_len)
{
	struct svc_link *l = ctx;
	struct svsm_svcmsg hdr = { .type = SVSM_SVCMSG_REQUEST,
				   .seq = ++l->seq,
				   .len = (uint32_t)len };
	size_t got = 0;

	if (len > SVSM_SVCMSG_PAYLOAD_MAX) {
		return SVSM_ERR_INVAL;
	}
	svc_drop_stale(l);
	svsm_memcpy(svc_msg, &hdr, sizeof(hdr));
	svsm_memcpy(svc_msg + sizeof(hdr), buf, len);
	long r = svsm_chan_send(l->h, svc_msg, sizeof(hdr) + len, 0);

	if (r == -SVSM_EAGAIN) {
		return SVSM_ERR_BUSY; /* the service takes no requests */
	}
	if (r < 0) {
		return proto_errno_to_err(r);
	}
	enum svsm_err err = svc_await(l, &got);

	if (err != SVSM_OK) {
		return err;
	}
	if (got > cap) {
		svsm_logf("%s: a %zu-byte response (at most %zu)", l->name, got,
			  cap);
		return SVSM_ERR_IO;
	}
	svsm_memcpy(buf, svc_msg + sizeof(hdr), got);
	*rsp_len = got;
	return SVSM_OK;
}

static const struct proto_mem_ops MEM_OPS = { guest_read, guest_write };
static const struct proto_core_ops CORE_OPS = {
	vmm_pvalidate,
	vmm_remap_ca,
	vmm_create_vcpu,
	vmm_delete_vcpu,
};
static const struct proto_desc *const PROTOS[] = { &PROTO_CORE_DESC,
						   &PROTO_VTPM_DESC };

int csvsm_main(const uint64_t *sp)
{
	struct serving s;
	static struct svc_link vtpm_link = { .name = "vtpm" };
	static struct proto_vtpm vtpm = { vtpm_send, &vtpm_link, vtpm_buf };
	const char *vtpm_env =
		svsm_getenv(sp, "INIT_CHANNEL_" SVSM_SVC_VTPM_CHANNEL);
	size_t proto_count = 1; /* the core protocol; the vTPM's if linked */
	long h = svsm_req_serve();

	svsm_log_init("svsm-reqd", 2);
	if (h < 0) {
		svsm_logf("cannot attach to the request queue (error %ld)", -h);
		return 1;
	}
	s.h = (int)h;
	vtpm_link.h = svsm_parse_handle(vtpm_env);
	if (vtpm_link.h >= 0) {
		proto_count = 2;
	} else if (vtpm_env != NULL) {
		svsm_logf("INIT_CHANNEL_vtpm=%s is not a handle: no vTPM",
			  vtpm_env);
	}
	svsm_logf("serving SVSM requests (protocols: core%s)",
		  proto_count == 2 ? ", vtpm" : "");
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
			.proto_count = proto_count,
			.vtpm = proto_count == 2 ? &vtpm : NULL,
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
