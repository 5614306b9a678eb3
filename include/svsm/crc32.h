/* SPDX-License-Identifier: MIT */
/* CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320), as IGVM uses. */
#pragma once

#include <stddef.h>
#include <stdint.h>

/**
 * Continues a CRC-32 over `len` bytes. Start with `crc = 0`; feeding the
 * data in pieces gives the same result as one call over the whole.
 */
uint32_t crc32_update(uint32_t crc, const void *buf, size_t len);
