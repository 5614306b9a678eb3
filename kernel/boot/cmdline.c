// SPDX-License-Identifier: MIT
/*
 * The boot command line. The loader's bytes are copied once into a
 * private buffer and checked there; lookups only read the copy.
 */
#include "svsm/cmdline.h"

#include <stdint.h>

#include "svsm/string.h"

static char line[CMDLINE_MAX];

/** Copies and checks the raw line; see cmdline.h. */
enum svsm_err cmdline_init(const char *raw, size_t size)
{
	static char tmp[CMDLINE_MAX];
	size_t n = size < CMDLINE_MAX ? size : CMDLINE_MAX;

	line[0] = '\0';
	memcpy(tmp, raw, n);
	size_t len = strnlen(tmp, n);

	if (len == n) {
		return SVSM_ERR_INVAL;
	}
	for (size_t i = 0; i < len; i++) {
		if ((uint8_t)tmp[i] < 0x20U || (uint8_t)tmp[i] > 0x7EU) {
			return SVSM_ERR_INVAL;
		}
	}
	memcpy(line, tmp, len + 1);
	return SVSM_OK;
}

const char *cmdline_get(void)
{
	return line;
}

/** Copies the value of `key` into `val`; see cmdline.h. */
bool cmdline_value(const char *key, char *val, size_t val_size)
{
	size_t klen = strlen(key);
	const char *p = line;

	while (*p != '\0') {
		while (*p == ' ') {
			p++;
		}
		const char *word = p;

		while (*p != '\0' && *p != ' ') {
			p++;
		}
		size_t wlen = (size_t)(p - word);

		if (wlen < klen || strncmp(word, key, klen) != 0 ||
		    (wlen > klen && word[klen] != '=')) {
			continue;
		}
		size_t vlen = wlen > klen ? wlen - klen - 1 : 0;

		if (vlen + 1 > val_size) {
			return false;
		}
		memcpy(val, word + wlen - vlen, vlen);
		val[vlen] = '\0';
		return true;
	}
	return false;
}
