/* SPDX-License-Identifier: MIT */
/*
 * Test hooks of the host heap backend (plat/host/heap_backend.c), which
 * gives the kernel heap aligned host memory in place of mapped pages.
 */
#pragma once

#include <stdint.h>

/**
 * Makes the `n`th heap_backend_map() call from now fail with
 * SVSM_ERR_NOMEM, once; `n` = 0 disarms.
 */
void heap_backend_fail_nth(uint64_t n);
/** Pages currently handed to the heap and not yet given back. */
uint64_t heap_backend_pages_held(void);
