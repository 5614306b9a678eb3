/* SPDX-License-Identifier: MIT */
/*
 * The csvsm-native system calls (SVSM_SYS_NATIVE_BASE..,
 * include/uapi/svsm/syscall.h, docs/ABI.md), implemented in
 * kernel/sys/native.c, and what they share with the dispatcher in
 * kernel/sys/syscall.c.
 */
#pragma once

#include <stdint.h>

#include "arch/trap.h"

#include "svsm/chanq.h"
#include "svsm/proc.h"

/** Kernel heap all queued channel messages may take together. */
#define NATIVE_CHAN_BUDGET (4ULL << 20)

/**
 * Runs the native call in f->rax for `p` (the policy already checked)
 * and returns its result (>= 0, or -errno).
 */
int64_t syscall_native(struct process *p, struct trap_frame *f);
/**
 * Runs the system call in f->rax (arguments in f's registers) for `p`:
 * the policy check, then the call. The result is returned, not stored.
 * syscall_dispatch and svsm_batch's entries both come here.
 */
int64_t syscall_call(struct process *p, struct trap_frame *f);
/** The channel message budget (its counters are read atomically). */
const struct chan_budget *native_chan_budget(void);
