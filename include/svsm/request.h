/* SPDX-License-Identifier: MIT */
/*
 * Where a guest's SVSM call goes once the platform has taken it (DESIGN.md,
 * The path of a request). The platform copies the registers in and calls
 * request_serve(); the result registers come back in the same structure
 * for the platform to hand to the guest.
 */
#pragma once

#include <stdint.h>

#include "svsm/handle.h"
#include "svsm/proto.h"

#include "uapi/svsm/syscall.h"

/**
 * Serves one call from guest vCPU `vcpu`: registers in and out. With a
 * request server attached (svsm-reqd, through SVSM_SYS_REQ_SERVE) the
 * call becomes a request on the queue and the caller sleeps until the
 * server replies; without one, or once the server has gone before taking
 * it, the kernel serves it itself. A request the server took but never
 * answered (it died) ends with BUSY, which guests retry.
 */
void request_serve(uint32_t vcpu, struct svsm_call_regs *regs);
/**
 * Makes the caller's process the request server: `*out` is a new
 * reference to the queue object (KOBJ_REQQ); the last reference going
 * (its handle closed, its process gone) detaches it. SVSM_ERR_BUSY while
 * another server is attached.
 */
enum svsm_err reqq_attach(struct kobj **out) SVSM_MUST_CHECK;
/** Whether a server is attached now. */
bool reqq_is_attached(void);
/**
 * Takes the oldest request into `*out` (it is then in flight);
 * SVSM_ERR_BUSY (EAGAIN) when none waits. The queue object's watchers
 * hear of each new request.
 */
enum svsm_err reqq_receive(struct kobj *o,
			   struct svsm_req *out) SVSM_MUST_CHECK;
/** Puts a request back at the head (its copy to the server failed). */
void reqq_unreceive(struct kobj *o, uint64_t id);
/** Completes request `in->id` with its registers. NOTFOUND if not in flight. */
enum svsm_err reqq_reply(struct kobj *o,
			 const struct svsm_req *in) SVSM_MUST_CHECK;
/** The vCPU of in-flight request `id`. NOTFOUND if not in flight. */
enum svsm_err reqq_vcpu_of(struct kobj *o, uint64_t id,
			   uint32_t *vcpu) SVSM_MUST_CHECK;
/** Requests served by the server and by the kernel so far. */
void reqq_counts(uint64_t *by_server, uint64_t *by_kernel);
/** The platform's protocol environment for calls from `vcpu`. */
void plat_proto_env(uint32_t vcpu, struct proto_env *env);
