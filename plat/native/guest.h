/* SPDX-License-Identifier: MIT */
/*
 * The native platform's guest (plat/native/guest.c). With no guest OS
 * beside csvsm, the host plays the guest through the request channel:
 * the guest's memory is the VM's RAM above 1 MiB outside the SVSM
 * region, reached page by page through the temporary window, and the
 * core protocol's privileged steps act on a model of the SNP rules kept
 * here (a validation table, VMSA and calling-area pages) instead of on
 * hardware.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "svsm/err.h"
#include "svsm/proto.h"

#define NATIVE_GUEST_VMPL 2U
#define NATIVE_GUEST_MIN 0x100000ULL /* below: firmware and trampolines */
#define NATIVE_VCPUS_MAX 64U

/** Sets up the guest's tracking from the boot memory map. */
enum svsm_err native_guest_init(void) SVSM_MUST_CHECK;
/** The guest's memory span: [*base, *base + *size). */
void native_guest_span(uint64_t *base, uint64_t *size);
/**
 * The host's own access to guest memory (request channel MEM_READ and
 * MEM_WRITE): as the protocol's, and refused for pages the SNP rules
 * would hide from the guest (VMSA pages).
 */
enum svsm_err native_guest_host_read(uint64_t gpa, void *dst,
				     size_t len) SVSM_MUST_CHECK;
enum svsm_err native_guest_host_write(uint64_t gpa, const void *src,
				      size_t len) SVSM_MUST_CHECK;
/**
 * Checks, under the lock, the rule every change keeps: each vCPU's VMSA
 * page is valid and is nobody's calling area. False means the model's
 * state was corrupted (what the concurrency test looks for).
 */
bool native_guest_is_consistent(void);
/** The protocol environment of calls from vCPU `vcpu`. */
void native_proto_env(uint32_t vcpu, struct proto_env *env);
