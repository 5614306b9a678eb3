// SPDX-License-Identifier: MIT
/*
 * The request interface's system calls (include/uapi/svsm/syscall.h,
 * SVSM_SYS_REQ_BASE): how svsm-reqd takes guest requests, answers them,
 * and asks the kernel for what only it may do. Every call after
 * REQ_SERVE names the queue handle and, where it acts on the guest, the
 * in-flight request it serves: the kernel acts for that request's vCPU
 * only, through the platform's own checked operations (the same ones the
 * in-kernel path uses), so ring 3 gains no reach the protocol layer in
 * the kernel would not have. User buffers are bounced through the kernel
 * stack in small chunks.
 */
#include "arch/user.h"

#include "svsm/proc.h"
#include "svsm/request.h"

#define CHUNK 256U

static int64_t user_copy_out(uint64_t uva, const void *src, size_t n)
{
	if (!uspace_range_ok(uva, n)) {
		return -SVSM_EFAULT;
	}
	/* NOLINTNEXTLINE(performance-no-int-to-ptr): a user address */
	return arch_copy_user((void *)(uintptr_t)uva, src, n) == 0
		       ? 0
		       : -SVSM_EFAULT;
}

static int64_t user_copy_in(void *dst, uint64_t uva, size_t n)
{
	if (!uspace_range_ok(uva, n)) {
		return -SVSM_EFAULT;
	}
	/* NOLINTNEXTLINE(performance-no-int-to-ptr): a user address */
	return arch_copy_user(dst, (const void *)(uintptr_t)uva, n) == 0
		       ? 0
		       : -SVSM_EFAULT;
}

/** The queue behind handle `h` (needs `rights`), or NULL. */
static struct kobj *queue_of(struct process *p, uint64_t h, uint32_t rights)
{
	struct kobj *o;

	if (handle_get(&p->handles, (int64_t)h, rights, &o, NULL) != SVSM_OK) {
		return NULL;
	}
	if (o->type != KOBJ_REQQ) {
		kobj_put(o);
		return NULL;
	}
	return o;
}

static int64_t req_serve(struct process *p, uint64_t flags)
{
	struct kobj *o;
	int32_t h;
	enum svsm_err err;

	if (flags != 0) {
		return -SVSM_EINVAL;
	}
	err = reqq_attach(&o);
	if (err != SVSM_OK) {
		return err == SVSM_ERR_BUSY ? -SVSM_EBUSY : -SVSM_EINVAL;
	}
	err = handle_install(
		&p->handles, o,
		SVSM_RIGHT_READ | SVSM_RIGHT_WRITE | SVSM_RIGHT_WAIT, &h);
	kobj_put(o); /* the handle holds it now, or nobody: detached */
	return err == SVSM_OK ? h : handle_errno(err);
}

static void req_watch_wake(struct kobj_watch *w)
{
	process_wake(w->arg);
}

/** Takes a request, sleeping for one with SVSM_RECV_BLOCK (killable). */
static int64_t req_receive(struct process *p, struct kobj *o, uint64_t uout,
			   uint64_t flags)
{
	struct svsm_req r;
	struct kobj_watch w = { .fn = req_watch_wake, .arg = p };
	bool block = flags & SVSM_RECV_BLOCK;
	enum svsm_err err;

	if (flags & ~(uint64_t)SVSM_RECV_BLOCK) {
		return -SVSM_EINVAL;
	}
	if (!uspace_range_ok(uout, sizeof(r))) {
		return -SVSM_EFAULT;
	}
	if (block) {
		list_init(&w.link);
		kobj_watch_add(o, &w);
	}
	for (;;) {
		process_block_arm(p);
		err = reqq_receive(o, &r);
		if (err != SVSM_ERR_BUSY || !block || process_is_killed(p)) {
			break;
		}
		process_block(p, UINT64_MAX);
	}
	if (block) {
		kobj_watch_del(o, &w);
	}
	if (err != SVSM_OK) {
		return err == SVSM_ERR_BUSY
			       ? (block ? -SVSM_EINTR : -SVSM_EAGAIN)
			       : -SVSM_EINVAL;
	}
	if (user_copy_out(uout, &r, sizeof(r)) != 0) {
		reqq_unreceive(o, r.id);
		return -SVSM_EFAULT;
	}
	return 0;
}

static int64_t req_reply(struct kobj *o, uint64_t uin)
{
	struct svsm_req r;

	if (user_copy_in(&r, uin, sizeof(r)) != 0) {
		return -SVSM_EFAULT;
	}
	return reqq_reply(o, &r) == SVSM_OK ? 0 : -SVSM_ENOENT;
}

/** GUEST_READ / GUEST_WRITE for the request's vCPU. */
static int64_t guest_copy(const struct proto_env *env, uint64_t gpa,
			  uint64_t ubuf, uint64_t len, bool is_write)
{
	uint8_t chunk[CHUNK];

	if (len == 0 || len > SVSM_REQ_DATA_MAX) {
		return -SVSM_EINVAL;
	}
	if (!uspace_range_ok(ubuf, len)) {
		return -SVSM_EFAULT;
	}
	for (uint64_t done = 0; done < len;) {
		size_t n = len - done < CHUNK ? (size_t)(len - done) : CHUNK;
		enum svsm_err err;

		if (is_write) {
			if (user_copy_in(chunk, ubuf + done, n) != 0) {
				return -SVSM_EFAULT;
			}
			err = env->mem->write(env->plat, gpa + done, chunk, n);
		} else {
			err = env->mem->read(env->plat, gpa + done, chunk, n);
			if (err == SVSM_OK &&
			    user_copy_out(ubuf + done, chunk, n) != 0) {
				return -SVSM_EFAULT;
			}
		}
		if (err != SVSM_OK) {
			return proto_err_to_errno(err);
		}
		done += n;
	}
	return 0;
}

static int64_t vmm_pvalidate(const struct proto_env *env, uint64_t gpa,
			     uint64_t flags)
{
	struct proto_pval_out out = { 0, false };
	enum svsm_err err;

	if ((flags &
	     ~(uint64_t)(SVSM_VMM_PVAL_HUGE | SVSM_VMM_PVAL_VALIDATE)) ||
	    (gpa & 0xFFFU)) {
		return -SVSM_EINVAL;
	}
	err = env->core->pvalidate(env->plat, gpa, flags & SVSM_VMM_PVAL_HUGE,
				   flags & SVSM_VMM_PVAL_VALIDATE, &out);
	if (err != SVSM_OK) {
		return proto_err_to_errno(err);
	}
	return (int64_t)((out.rc & 0xFFU) |
			 (out.no_change ? SVSM_VMM_PVAL_NO_CHANGE : 0U));
}

/** The calls that act for an in-flight request: (h, id, ...). */
static int64_t for_request(struct kobj *o, const struct trap_frame *f)
{
	struct proto_env env;
	uint32_t vcpu;

	if (reqq_vcpu_of(o, f->rsi, &vcpu) != SVSM_OK) {
		return -SVSM_ENOENT;
	}
	plat_proto_env(vcpu, &env);
	switch (f->rax) {
	case SVSM_SYS_GUEST_READ:
	case SVSM_SYS_GUEST_WRITE:
		return guest_copy(&env, f->rdx, f->r10, f->r8,
				  f->rax == SVSM_SYS_GUEST_WRITE);
	case SVSM_SYS_VMM_PVALIDATE:
		return vmm_pvalidate(&env, f->rdx, f->r10);
	case SVSM_SYS_VMM_REMAP_CA:
		return proto_err_to_errno(
			env.core->remap_ca(env.plat, vcpu, f->rdx));
	case SVSM_SYS_VMM_CREATE_VCPU:
		if (f->r8 > UINT32_MAX) {
			return -SVSM_EINVAL;
		}
		return proto_err_to_errno(env.core->create_vcpu(
			env.plat, vcpu, f->rdx, f->r10, (uint32_t)f->r8));
	case SVSM_SYS_VMM_DELETE_VCPU:
		return proto_err_to_errno(
			env.core->delete_vcpu(env.plat, vcpu, f->rdx));
	default:
		return -SVSM_ENOSYS;
	}
}

int64_t syscall_req(struct process *p, const struct trap_frame *f)
{
	struct kobj *o;
	int64_t ret;

	if (f->rax == SVSM_SYS_REQ_SERVE) {
		return req_serve(p, f->rdi);
	}
	o = queue_of(p, f->rdi,
		     f->rax == SVSM_SYS_REQ_RECEIVE ? SVSM_RIGHT_READ
						    : SVSM_RIGHT_WRITE);
	if (!o) {
		return -SVSM_EBADF;
	}
	switch (f->rax) {
	case SVSM_SYS_REQ_RECEIVE:
		ret = req_receive(p, o, f->rsi, f->rdx);
		break;
	case SVSM_SYS_REQ_REPLY:
		ret = req_reply(o, f->rsi);
		break;
	default:
		ret = for_request(o, f);
		break;
	}
	kobj_put(o);
	return ret;
}
