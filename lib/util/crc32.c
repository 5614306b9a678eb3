// SPDX-License-Identifier: MIT
/*
 * CRC-32 as in IEEE 802.3 / zlib: reflected polynomial 0xEDB88320, initial
 * value and final XOR 0xFFFFFFFF. Bitwise per byte with a nibble table: no
 * large table, fast enough for image checksums.
 */
#include "svsm/crc32.h"

static const uint32_t CRC_NIBBLE[16] = {
	0x00000000U, 0x1DB71064U, 0x3B6E20C8U, 0x26D930ACU,
	0x76DC4190U, 0x6B6B51F4U, 0x4DB26158U, 0x5005713CU,
	0xEDB88320U, 0xF00F9344U, 0xD6D6A3E8U, 0xCB61B38CU,
	0x9B64C2B0U, 0x86D3D2D4U, 0xA00AE278U, 0xBDBDF21CU,
};

/** Continues a CRC-32 over `len` bytes of `buf`; start with `crc` = 0. */
uint32_t crc32_update(uint32_t crc, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	crc = ~crc;
	for (size_t i = 0; i < len; i++) {
		crc ^= p[i];
		crc = (crc >> 4) ^ CRC_NIBBLE[crc & 0xFU];
		crc = (crc >> 4) ^ CRC_NIBBLE[crc & 0xFU];
	}
	return ~crc;
}
