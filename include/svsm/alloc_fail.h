/* SPDX-License-Identifier: MIT */
/*
 * Allocation fault injection. Every allocator entry point (pages, heap)
 * calls alloc_fail_check() first and fails with SVSM_ERR_NOMEM when it
 * returns true. The test harness arms it to fail the Nth allocation from
 * now, which is how "no allocation failure panics or leaks" is proved by
 * the OOM sweep rather than promised.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

/**
 * Arms the injector: the `n`th allocation attempt from now fails, once.
 * `n` = 0 disarms it. Also resets the attempt counter.
 */
void alloc_fail_nth(uint64_t n);
/**
 * Called by each allocator entry point: counts the attempt and returns
 * true when this attempt is the one to fail.
 */
bool alloc_fail_check(void);
/** Attempts counted since the last alloc_fail_nth(). */
uint64_t alloc_fail_attempts(void);
/** Whether the armed failure has fired since the last alloc_fail_nth(). */
bool alloc_fail_fired(void);
