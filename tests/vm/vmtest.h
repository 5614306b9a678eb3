/* SPDX-License-Identifier: MIT */
/* Test-only functions of the in-VM suites that the runner also calls. */
#pragma once

#include <stdint.h>

/** Writes to an unmapped page: an unhandled #PF with a report. */
__attribute__((noreturn)) void vmtest_crash_pagefault(void);
/** Executes UD2: an unhandled #UD with a report. */
__attribute__((noreturn)) void vmtest_crash_invalid_opcode(void);
/** Reads a non-canonical address with a reporting fixup; returns 1. */
int vmtest_fault_target(void);
