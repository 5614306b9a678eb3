// SPDX-License-Identifier: MIT
/*
 * Serving guest requests (svsm/request.h). For now every call is served
 * here, in the kernel, by the platform-neutral protocol layer with the
 * platform's environment; the ring-3 request loop (svsm-reqd) will take
 * over behind this same entry point.
 */
#include "svsm/request.h"

void request_serve(uint32_t vcpu, struct svsm_call_regs *regs)
{
	struct proto_env env;

	plat_proto_env(vcpu, &env);
	(void)proto_dispatch(&env, regs);
}
