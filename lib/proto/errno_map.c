// SPDX-License-Identifier: MIT
/*
 * The request interface's error values (include/uapi/svsm/syscall.h):
 * internal errors travel between the kernel and svsm-reqd as negative
 * errno values, one for each, so the protocol layer in ring 3 maps them
 * to the same SVSM result codes it would in the kernel.
 */
#include "svsm/proto.h"

#include "uapi/svsm/syscall.h"

static const struct {
	enum svsm_err err;
	int64_t neg_errno;
} ERRNO_MAP[] = {
	{ SVSM_OK, 0 },
	{ SVSM_ERR_NOMEM, -SVSM_ENOMEM },
	{ SVSM_ERR_INVAL, -SVSM_EINVAL },
	{ SVSM_ERR_RANGE, -SVSM_ERANGE },
	{ SVSM_ERR_FAULT, -SVSM_EFAULT },
	{ SVSM_ERR_NOTFOUND, -SVSM_ENOENT },
	{ SVSM_ERR_EXISTS, -SVSM_EEXIST },
	{ SVSM_ERR_BUSY, -SVSM_EBUSY },
	{ SVSM_ERR_UNSUPPORTED, -SVSM_ENOSYS },
	{ SVSM_ERR_IO, -SVSM_EIO },
	{ SVSM_ERR_PERM, -SVSM_EPERM },
	{ SVSM_ERR_INTEGRITY, -SVSM_EIO },
};

int64_t proto_err_to_errno(enum svsm_err err)
{
	for (size_t i = 0; i < sizeof(ERRNO_MAP) / sizeof(ERRNO_MAP[0]); i++) {
		if (ERRNO_MAP[i].err == err) {
			return ERRNO_MAP[i].neg_errno;
		}
	}
	return -SVSM_EIO;
}

enum svsm_err proto_errno_to_err(int64_t neg_errno)
{
	for (size_t i = 0; i < sizeof(ERRNO_MAP) / sizeof(ERRNO_MAP[0]); i++) {
		if (ERRNO_MAP[i].neg_errno == neg_errno) {
			return ERRNO_MAP[i].err;
		}
	}
	return SVSM_ERR_IO;
}
