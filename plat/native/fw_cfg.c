// SPDX-License-Identifier: MIT
/*
 * QEMU's fw_cfg device through its I/O ports (QEMU docs/specs/fw_cfg.rst):
 * a 16-bit selector at 0x510 and an 8-bit data port at 0x511 that streams
 * the selected item from its start. Key 0x0000 holds the signature
 * "QEMU"; key 0x0019 the file directory: a big-endian 32-bit count, then
 * one 64-byte entry per file {be32 size, be16 select, be16 reserved,
 * char name[56]}. The directory is host-controlled, so its count is
 * bounded, every name must hold a NUL and a name found twice is refused
 * (two answers for one name would let the host choose per reader).
 *
 * Boot CPU only (see fw_cfg.h): no lock.
 */
#include "svsm/fw_cfg.h"

#include "arch/insn.h"

#include "svsm/string.h"

#define FW_CFG_PORT_SEL 0x510U
#define FW_CFG_PORT_DATA 0x511U
#define FW_CFG_KEY_SIGNATURE 0x0000U
#define FW_CFG_KEY_FILE_DIR 0x0019U
#define FW_CFG_SIGNATURE "QEMU"

/** One directory entry as the device streams it (64 bytes). */
struct fw_cfg_file {
	uint8_t size_be[4];
	uint8_t select_be[2];
	uint8_t reserved[2];
	char name[FW_CFG_NAME_SIZE];
};

_Static_assert(sizeof(struct fw_cfg_file) == 64, "fw_cfg.rst: FWCfgFile");

static void fw_cfg_select(uint16_t key)
{
	outw(FW_CFG_PORT_SEL, key);
}

/** Reads the next `len` bytes of the selected item. */
static void fw_cfg_stream(void *buf, size_t len)
{
	uint8_t *p = buf;

	for (size_t i = 0; i < len; i++) {
		p[i] = inb(FW_CFG_PORT_DATA);
	}
}

static uint32_t get_be32(const uint8_t *p)
{
	return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) |
	       ((uint32_t)p[2] << 8) | p[3];
}

/** Whether the `n` bytes at `s` hold a NUL. */
static bool has_nul(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\0') {
			return true;
		}
	}
	return false;
}

/** Checks the signature; see fw_cfg.h. */
bool fw_cfg_present(void)
{
	uint8_t sig[4];

	fw_cfg_read(FW_CFG_KEY_SIGNATURE, sig, sizeof(sig));
	return memcmp(sig, FW_CFG_SIGNATURE, sizeof(sig)) == 0;
}

/** Selects `key` and copies `len` bytes; see fw_cfg.h. */
void fw_cfg_read(uint16_t key, void *buf, size_t len)
{
	fw_cfg_select(key);
	fw_cfg_stream(buf, len);
}

/** Looks `name` up in the directory, read once, here; see fw_cfg.h. */
enum svsm_err fw_cfg_find(const char *name, uint16_t *key, uint32_t *size)
{
	uint8_t count_be[4];
	uint32_t count;
	uint32_t found_size = 0;
	uint16_t found_key = 0;
	bool found = false;

	if (!fw_cfg_present()) {
		return SVSM_ERR_NOTFOUND;
	}
	fw_cfg_read(FW_CFG_KEY_FILE_DIR, count_be, sizeof(count_be));
	count = get_be32(count_be);
	if (count > FW_CFG_MAX_FILES) {
		return SVSM_ERR_INVAL;
	}
	for (uint32_t i = 0; i < count; i++) {
		struct fw_cfg_file f;

		fw_cfg_stream(&f, sizeof(f));
		if (!has_nul(f.name, sizeof(f.name))) {
			return SVSM_ERR_INVAL;
		}
		if (strcmp(f.name, name) != 0) {
			continue;
		}
		if (found) {
			return SVSM_ERR_INVAL;
		}
		found = true;
		found_key = (uint16_t)((f.select_be[0] << 8) | f.select_be[1]);
		found_size = get_be32(f.size_be);
	}
	if (!found) {
		return SVSM_ERR_NOTFOUND;
	}
	*key = found_key;
	*size = found_size;
	return SVSM_OK;
}
