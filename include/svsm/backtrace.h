/* SPDX-License-Identifier: MIT */
/*
 * Frame-pointer backtraces. The walker only follows frame pointers that
 * lie inside a registered stack, so a corrupt RBP ends the trace instead
 * of faulting inside the fault handler.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#define BACKTRACE_MAX_STACKS 64U
#define BACKTRACE_MAX_DEPTH 32U

/** Registers the stack [lo, hi) as one the walker may read. */
void backtrace_add_stack(uint64_t lo, uint64_t hi);
/** Forgets the stack [lo, hi) (a task's, when it is freed). */
void backtrace_remove_stack(uint64_t lo, uint64_t hi);
/**
 * Logs "backtrace:" then one line per frame, starting with `rip` and
 * following the frame-pointer chain from `rbp`.
 */
void backtrace_log(uint64_t rip, uint64_t rbp);
/**
 * Logs the trace of an interrupted context (an exception frame): as
 * backtrace_log(), and when the function at `rip` has not set up a frame
 * (a leaf function), its caller from the return address at `rsp` too.
 */
void backtrace_log_context(uint64_t rip, uint64_t rbp, uint64_t rsp);
/**
 * Whether `addr` lies in the unmapped guard page below a registered
 * stack (a stack overflow); if so, that stack's bounds go to `lo`, `hi`.
 */
bool backtrace_guard_hit(uint64_t addr, uint64_t *lo, uint64_t *hi);
/** Logs `addr` as "func+0xoff/0xsize" or as a bare address. */
void backtrace_log_addr(const char *prefix, uint64_t addr);
