/* SPDX-License-Identifier: MIT */
/*
 * The boundary with ring 3 (arch/x86/syscall.S, arch/x86/idt_stubs.S):
 * the SYSCALL entry, the return to user mode, and copying to and from
 * user memory with SMAP opened only for the copy and faults recovered
 * through the exception table.
 */
#pragma once

#include <stddef.h>

#include "arch/trap.h"

/* The `vector` the SYSCALL entry stores in its frame. */
#define VEC_SYSCALL 0x100U

/** Where SYSCALL enters (LSTAR); not C-callable. */
void syscall_entry(void);
/**
 * Loads `f` (anywhere on the running task's kernel stack: later entries
 * build their frames at its top) and returns to the user context it
 * describes with IRETQ.
 */
__attribute__((noreturn)) void arch_user_return(struct trap_frame *f);
/**
 * Copies `n` bytes between kernel and user memory with SMAP opened for
 * the copy; a fault ends it. Returns the bytes NOT copied (0: all). The
 * caller has checked that the user range lies in the user half.
 */
size_t arch_copy_user(void *dst, const void *src, size_t n);
