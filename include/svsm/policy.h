/* SPDX-License-Identifier: MIT */
/*
 * Per-process policy (struct svsm_policy, include/uapi/svsm/syscall.h):
 * the system calls a process may make and the RAM FS paths openat may
 * open. A process is given its policy at spawn (the kernel's own spawns
 * get policy_full; svsm_spawn gives the intersection of what the caller
 * asks and what the caller has) and can only narrow it afterwards
 * (svsm_policy_drop). syscall_dispatch checks it before every call;
 * exit and exit_group are always allowed, so a process can always end.
 *
 * Path prefixes match on a component boundary: prefix "/srv" allows
 * "/srv" and "/srv/x" but not "/srvx"; "/" allows every absolute path;
 * an empty prefix allows none. The intersection of two prefixes is the
 * longer one when one contains the other, else empty.
 *
 * Everything here but policy_may_open is pure and builds for the host
 * unit tests (tests/unit/test_policy.c).
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "svsm/err.h"

#include "uapi/svsm/syscall.h"

/**
 * Native calls that exist: bit n for SVSM_SYS_NATIVE_BASE + n, the
 * general calls and the request interface's.
 */
#define POLICY_NATIVE_MASK                                                 \
	(((1ULL << (SVSM_SYS_NATIVE_END - SVSM_SYS_NATIVE_BASE)) - 1ULL) | \
	 (((1ULL << (SVSM_SYS_REQ_END - SVSM_SYS_REQ_BASE)) - 1ULL)        \
	  << (SVSM_SYS_REQ_BASE - SVSM_SYS_NATIVE_BASE)))

struct process;

/** Every call allowed, every path ("/"), no refusals counted. */
void policy_full(struct svsm_policy *pol);
/** Whether `pol` allows system call `nr` (exit, exit_group: always). */
bool policy_allows(const struct svsm_policy *pol, uint64_t nr);
/**
 * Checks a policy copied in from a user: open_prefix must be
 * NUL-terminated and empty or absolute. SVSM_ERR_INVAL if not.
 */
enum svsm_err policy_check(const struct svsm_policy *pol) SVSM_MUST_CHECK;
/**
 * Narrows `dst` to its intersection with `req` (a checked policy): call
 * bits are ANDed, the prefix becomes the narrower one or empty.
 * `dst->denied` is kept.
 */
void policy_intersect(struct svsm_policy *dst, const struct svsm_policy *req);
/** Whether `path` lies under `prefix` (see the file comment). */
bool policy_prefix_allows(const char *prefix, const char *path);
/**
 * Whether process `p` may open the RAM FS path `path` (a kernel copy):
 * the open_prefix rule of its policy. openat calls it before looking the
 * path up and fails with EPERM (counted) when it says no.
 */
bool policy_may_open(const struct process *p, const char *path);
/**
 * Refuses system call `nr` for `p`: counts it in p->policy.denied, logs
 * it (the first four and then every power of two, so a looping process
 * cannot flood the log) and returns -EPERM. openat calls it when
 * policy_may_open says no.
 */
int64_t policy_refuse(struct process *p, uint64_t nr);
