/* SPDX-License-Identifier: MIT */
/*
 * Where a guest's SVSM call goes once the platform has taken it (DESIGN.md,
 * The path of a request). The platform copies the registers in and calls
 * request_serve(); the result registers come back in the same structure
 * for the platform to hand to the guest.
 */
#pragma once

#include <stdint.h>

#include "svsm/proto.h"

/** Serves one call from guest vCPU `vcpu`: registers in and out. */
void request_serve(uint32_t vcpu, struct svsm_call_regs *regs);
/** The platform's protocol environment for calls from `vcpu`. */
void plat_proto_env(uint32_t vcpu, struct proto_env *env);
