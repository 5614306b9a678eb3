// SPDX-License-Identifier: MIT
/*
 * Request decoding and the calling-area handshake (svsm/proto.h). RAX
 * carries the protocol in its upper 32 bits and the call in its lower
 * 32; a protocol the environment does not offer is UNSUPPORTED_PROTOCOL,
 * whatever the call. The result code is a 32-bit value returned in RAX
 * zero-extended, as Linux and OVMF compare it.
 */
#include "svsm/proto.h"

uint32_t proto_dispatch(const struct proto_env *env,
			struct svsm_call_regs *regs)
{
	uint32_t proto = (uint32_t)(regs->rax >> 32);
	uint32_t call = (uint32_t)regs->rax;
	uint32_t rc = SVSM_RC_UNSUPPORTED_PROTOCOL;

	for (size_t i = 0; i < env->proto_count; i++) {
		if (env->protos[i]->id == proto) {
			rc = env->protos[i]->handle(env, call, regs);
			break;
		}
	}
	regs->rax = rc;
	return rc;
}

enum svsm_err proto_caa_take_pending(const struct proto_env *env, uint64_t caa,
				     bool *was_pending)
{
	uint8_t pending = 0;
	static const uint8_t clear;
	enum svsm_err err;

	if (caa & 0xFFFU) {
		return SVSM_ERR_INVAL;
	}
	err = env->mem->read(env->plat, caa + SVSM_CAA_CALL_PENDING, &pending,
			     sizeof(pending));
	if (err == SVSM_OK) {
		err = env->mem->write(env->plat, caa + SVSM_CAA_CALL_PENDING,
				      &clear, sizeof(clear));
	}
	if (err == SVSM_OK) {
		*was_pending = pending != 0;
	}
	return err;
}
