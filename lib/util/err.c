// SPDX-License-Identifier: MIT
/* Names for `enum svsm_err`, for logs and test failure messages. */
#include "svsm/err.h"

static const char *const ERR_NAMES[SVSM_ERR_COUNT] = {
	[SVSM_OK] = "SVSM_OK",
	[SVSM_ERR_NOMEM] = "SVSM_ERR_NOMEM",
	[SVSM_ERR_INVAL] = "SVSM_ERR_INVAL",
	[SVSM_ERR_RANGE] = "SVSM_ERR_RANGE",
	[SVSM_ERR_FAULT] = "SVSM_ERR_FAULT",
	[SVSM_ERR_NOTFOUND] = "SVSM_ERR_NOTFOUND",
	[SVSM_ERR_EXISTS] = "SVSM_ERR_EXISTS",
	[SVSM_ERR_BUSY] = "SVSM_ERR_BUSY",
	[SVSM_ERR_UNSUPPORTED] = "SVSM_ERR_UNSUPPORTED",
	[SVSM_ERR_IO] = "SVSM_ERR_IO",
	[SVSM_ERR_PERM] = "SVSM_ERR_PERM",
	[SVSM_ERR_INTEGRITY] = "SVSM_ERR_INTEGRITY",
};

/** Returns the constant name of `err`, or "SVSM_ERR_?" if out of range. */
const char *svsm_err_name(enum svsm_err err)
{
	if ((unsigned int)err >= SVSM_ERR_COUNT) {
		return "SVSM_ERR_?";
	}
	return ERR_NAMES[err];
}
