// SPDX-License-Identifier: MIT
/*
 * CRC-32 as in IEEE 802.3 / zlib: reflected polynomial 0xEDB88320, initial
 * value and final XOR 0xFFFFFFFF. Bitwise per byte with a nibble table: no
 * large table, fast enough for image checksums.
 */
#include "svsm/crc32.h"

static const uint32_t CRC_NIBBLE[16] = {
	0x00000000u, 0x1DB71064u, 0x3B6E20C8u, 0x26D930ACu,
	0x76DC4190u, 0x6B6B51F4u, 0x4DB26158u, 0x5005713Cu,
	0xEDB88320u, 0xF00F9344u, 0xD6D6A3E8u, 0xCB61B38Cu,
	0x9B64C2B0u, 0x86D3D2D4u, 0xA00AE278u, 0xBDBDF21Cu,
};

/** Continues a CRC-32 over `len` bytes of `buf`; start with `crc` = 0. */
uint32_t crc32_update(uint32_t crc, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	crc = ~crc;
	for (size_t i = 0; i < len; i++) {
		crc ^= p[i];
		crc = (crc >> 4) ^ CRC_NIBBLE[crc & 0xFu];
		crc = (crc >> 4) ^ CRC_NIBBLE[crc & 0xFu];
	}
	return ~crc;
}
