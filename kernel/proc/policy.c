// SPDX-License-Identifier: MIT
/*
 * Per-process policy: the pure part (svsm/policy.h). No locking: a
 * process's policy is changed only by the process itself (its own
 * svsm_policy_drop) and read by its own calls and spawns.
 */
#include "svsm/policy.h"

#include <stddef.h>

#include "svsm/string.h"

void policy_full(struct svsm_policy *pol)
{
	memset(pol, 0, sizeof(*pol));
	for (size_t i = 0; i < SVSM_SYS_LINUX_MAX / 64U; i++) {
		pol->linux_calls[i] = UINT64_MAX;
	}
	pol->native_calls = POLICY_NATIVE_MASK;
	pol->open_prefix[0] = '/';
}

bool policy_allows(const struct svsm_policy *pol, uint64_t nr)
{
	if (nr == SVSM_SYS_EXIT || nr == SVSM_SYS_EXIT_GROUP) {
		return true;
	}
	if (nr < SVSM_SYS_LINUX_MAX) {
		return (pol->linux_calls[nr / 64U] >> (nr % 64U)) & 1U;
	}
	if (nr >= SVSM_SYS_NATIVE_BASE && nr < SVSM_SYS_NATIVE_BASE + 64U) {
		return (pol->native_calls & POLICY_NATIVE_MASK) >>
			       (nr - SVSM_SYS_NATIVE_BASE) &
		       1U;
	}
	return false;
}

enum svsm_err policy_check(const struct svsm_policy *pol)
{
	size_t n = strnlen(pol->open_prefix, sizeof(pol->open_prefix));

	if (n == sizeof(pol->open_prefix)) {
		return SVSM_ERR_INVAL;
	}
	if (n > 0 && pol->open_prefix[0] != '/') {
		return SVSM_ERR_INVAL;
	}
	return SVSM_OK;
}

bool policy_prefix_allows(const char *prefix, const char *path)
{
	size_t n = strlen(prefix);

	if (n == 0 || strncmp(prefix, path, n) != 0) {
		return false;
	}
	/* On a component boundary: "/srv" is not a prefix of "/srvx". */
	return prefix[n - 1U] == '/' || path[n] == '\0' || path[n] == '/';
}

void policy_intersect(struct svsm_policy *dst, const struct svsm_policy *req)
{
	for (size_t i = 0; i < SVSM_SYS_LINUX_MAX / 64U; i++) {
		dst->linux_calls[i] &= req->linux_calls[i];
	}
	dst->native_calls &= req->native_calls & POLICY_NATIVE_MASK;
	if (policy_prefix_allows(dst->open_prefix, req->open_prefix)) {
		/* req is the narrower (or the same): it becomes the prefix. */
		memcpy(dst->open_prefix, req->open_prefix,
		       sizeof(dst->open_prefix));
	} else if (!policy_prefix_allows(req->open_prefix, dst->open_prefix)) {
		memset(dst->open_prefix, 0, sizeof(dst->open_prefix));
	}
}
