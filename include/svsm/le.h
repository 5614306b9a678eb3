/* SPDX-License-Identifier: MIT */
/*
 * Little-endian loads from byte buffers that may be unaligned: how the
 * parsers of untrusted tables and files (ACPI, ELF, the IGVM loader plan)
 * read fields out of their private copies.
 */
#pragma once

#include <stdint.h>

static inline uint16_t le16_get(const uint8_t *p)
{
	return (uint16_t)(p[0] | (p[1] << 8));
}

static inline uint32_t le32_get(const uint8_t *p)
{
	return (uint32_t)le16_get(p) | ((uint32_t)le16_get(p + 2) << 16);
}

static inline uint64_t le64_get(const uint8_t *p)
{
	return (uint64_t)le32_get(p) | ((uint64_t)le32_get(p + 4) << 32);
}
