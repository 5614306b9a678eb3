// SPDX-License-Identifier: MIT
/*
 * The vTPM protocol (2), version 1 (SVSM 58019 chapter 8; the layout
 * Linux's tpm_svsm driver builds, include/uapi/svsm/protocol.h).
 *
 * SVSM_VTPM_QUERY reports the platform commands served (bit 8,
 * TPM_SEND_COMMAND) and no features. SVSM_VTPM_CMD copies the guest's
 * 4 KiB buffer into the backend's private buffer once, checks the copy
 * (platform command 8, else UNSUPPORTED_CALL as COCONUT answers;
 * locality 0 and a size that fits the page, else INVALID_PARAMETER),
 * moves the command to the start of the private buffer, lets the backend
 * run it there in place, then writes size and response back to the
 * guest in one copy. The guest buffer need not be page aligned; the
 * memory operations refuse it when any of its bytes is not the guest's.
 * A guest that rewrites its buffer meanwhile changes nothing: only the
 * private copy is used.
 *
 * The private buffer belongs to the platform (proto_vtpm.buf), which
 * serves one vTPM call at a time on it; svsm-reqd serves calls one by
 * one, and the vTPM service itself is single-threaded.
 */
#include "svsm/le.h"
#include "svsm/proto.h"
#include "svsm/string.h"

#define VTPM_CMD_BITMAP (1ULL << SVSM_VTPM_PLATFORM_SEND_COMMAND)

uint32_t proto_vtpm_result(enum svsm_err err)
{
	switch (err) {
	case SVSM_OK:
		return SVSM_RC_SUCCESS;
	case SVSM_ERR_RANGE:
	case SVSM_ERR_FAULT:
	case SVSM_ERR_PERM:
		return SVSM_RC_INVALID_ADDRESS;
	case SVSM_ERR_INVAL:
		return SVSM_RC_INVALID_PARAMETER;
	case SVSM_ERR_BUSY:
		return SVSM_RC_BUSY;
	case SVSM_ERR_UNSUPPORTED:
		return SVSM_RC_UNSUPPORTED_CALL;
	case SVSM_ERR_NOMEM:
	case SVSM_ERR_NOTFOUND:
	case SVSM_ERR_EXISTS:
	case SVSM_ERR_IO:
	case SVSM_ERR_INTEGRITY:
	case SVSM_ERR_COUNT:
	default:
		return SVSM_RC_INVALID_REQUEST;
	}
}

/** SVSM_VTPM_CMD with RCX = the buffer's GPA. */
static uint32_t vtpm_cmd(const struct proto_vtpm *vt,
			 const struct proto_env *env, uint64_t gpa)
{
	uint8_t *buf = vt->buf;
	size_t rsp_len = 0;
	uint32_t size;
	enum svsm_err err;

	if (gpa > UINT64_MAX - SVSM_VTPM_BUFFER_SIZE) {
		return SVSM_RC_INVALID_ADDRESS;
	}
	err = env->mem->read(env->plat, gpa, buf, SVSM_VTPM_BUFFER_SIZE);
	if (err != SVSM_OK) {
		return proto_vtpm_result(err);
	}
	if (le32_get(buf + SVSM_VTPM_REQ_COMMAND) !=
	    SVSM_VTPM_PLATFORM_SEND_COMMAND) {
		return SVSM_RC_UNSUPPORTED_CALL;
	}
	size = le32_get(buf + SVSM_VTPM_REQ_SIZE);
	if (buf[SVSM_VTPM_REQ_LOCALITY] != 0 || size > SVSM_VTPM_MAX_COMMAND) {
		return SVSM_RC_INVALID_PARAMETER;
	}
	memmove(buf, buf + SVSM_VTPM_REQ_DATA, size);
	err = vt->send_command(vt->ctx, buf, size, SVSM_VTPM_MAX_RESPONSE,
			       &rsp_len);
	if (err != SVSM_OK) {
		return proto_vtpm_result(err);
	}
	if (rsp_len > SVSM_VTPM_MAX_RESPONSE) {
		return SVSM_RC_INVALID_REQUEST;
	}
	memmove(buf + SVSM_VTPM_RSP_DATA, buf, rsp_len);
	buf[SVSM_VTPM_RSP_SIZE] = (uint8_t)rsp_len;
	buf[SVSM_VTPM_RSP_SIZE + 1] = (uint8_t)(rsp_len >> 8);
	buf[SVSM_VTPM_RSP_SIZE + 2] = 0;
	buf[SVSM_VTPM_RSP_SIZE + 3] = 0;
	return proto_vtpm_result(env->mem->write(env->plat, gpa, buf,
						 SVSM_VTPM_RSP_DATA + rsp_len));
}

static uint32_t vtpm_handle(const struct proto_env *env, uint32_t call,
			    struct svsm_call_regs *regs)
{
	const struct proto_vtpm *vt = env->vtpm;

	/* Listed without a backend: the protocol is not there. */
	if (!vt || !vt->send_command || !vt->buf) {
		return SVSM_RC_UNSUPPORTED_PROTOCOL;
	}
	switch (call) {
	case SVSM_VTPM_QUERY:
		regs->rcx = VTPM_CMD_BITMAP;
		regs->rdx = 0;
		return SVSM_RC_SUCCESS;
	case SVSM_VTPM_CMD:
		return vtpm_cmd(vt, env, regs->rcx);
	default:
		return SVSM_RC_UNSUPPORTED_CALL;
	}
}

const struct proto_desc PROTO_VTPM_DESC = {
	.id = SVSM_PROTO_VTPM,
	.min_version = 1,
	.max_version = 1,
	.handle = vtpm_handle,
};
