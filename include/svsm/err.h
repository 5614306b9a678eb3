/* SPDX-License-Identifier: MIT */
/*
 * The one project-wide error type. Every fallible function returns it,
 * writes its outputs only on success and is declared SVSM_MUST_CHECK.
 * Translation to SVSM protocol result codes and to Linux errno values
 * happens in exactly one place each, at those boundaries.
 */
#pragma once

#define SVSM_MUST_CHECK __attribute__((warn_unused_result))

/** Project-wide error codes; kept short and stable. */
enum svsm_err {
	SVSM_OK = 0,
	SVSM_ERR_NOMEM,	      /**< an allocation failed */
	SVSM_ERR_INVAL,	      /**< malformed input */
	SVSM_ERR_RANGE,	      /**< a value or address is out of range */
	SVSM_ERR_FAULT,	      /**< an access faulted */
	SVSM_ERR_NOTFOUND,    /**< no such object */
	SVSM_ERR_EXISTS,      /**< the object already exists */
	SVSM_ERR_BUSY,	      /**< the object is in use */
	SVSM_ERR_UNSUPPORTED, /**< valid, but not supported here */
	SVSM_ERR_IO,	      /**< an I/O operation failed */
	SVSM_ERR_PERM,	      /**< not permitted */
	SVSM_ERR_INTEGRITY, /**< integrity lost: the caller must fail closed */
	SVSM_ERR_COUNT
};

/** Returns a constant name for `err` ("SVSM_ERR_INVAL"), never NULL. */
const char *svsm_err_name(enum svsm_err err);
