// SPDX-License-Identifier: MIT
/*
 * Environment lookup on the entry stack (libsvsm/env.h).
 */
#include <libsvsm/env.h>
#include <libsvsm/string.h>

#include "uapi/svsm/syscall.h"

const char *svsm_getenv(const uint64_t *sp, const char *name)
{
	uint64_t argc = sp[0];
	const char *const *envp = (const char *const *)(sp + 1 + argc + 1);
	size_t len = svsm_strlen(name);

	for (; *envp != NULL; envp++) {
		if (svsm_strncmp(*envp, name, len) == 0 &&
		    (*envp)[len] == '=') {
			return *envp + len + 1;
		}
	}
	return NULL;
}

int svsm_parse_handle(const char *s)
{
	uint32_t v = 0;

	if (s == NULL || *s == '\0') {
		return -1;
	}
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9') {
			return -1;
		}
		v = v * 10U + (uint32_t)(*s - '0');
		if (v >= SVSM_HANDLE_MAX) {
			return -1;
		}
	}
	return (int)v;
}
