/* SPDX-License-Identifier: MIT */
/* Test-only functions of the in-VM suites that the runner also calls. */
#pragma once

#include <stdint.h>

/** Writes to an unmapped page: an unhandled #PF with a report. */
__attribute__((noreturn)) void vmtest_crash_pagefault(void);
/** Executes UD2: an unhandled #UD with a report. */
__attribute__((noreturn)) void vmtest_crash_invalid_opcode(void);
/** Recurses until the boot stack's guard page is hit. */
__attribute__((noreturn)) void vmtest_crash_stack_overflow(uint32_t depth);
/** Jumps into a data page: an instruction fetch from an NX page. */
__attribute__((noreturn)) void vmtest_crash_execute_data(void);
/** Reads a non-canonical address with a reporting fixup; returns 1. */
int vmtest_fault_target(void);
