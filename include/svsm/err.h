/* SPDX-License-Identifier: MIT */
/*
 * The one project-wide error type. Every fallible function returns it,
 * writes its outputs only on success and is declared SVSM_MUST_CHECK.
 * Translation to SVSM protocol result codes and to Linux errno values
 * happens in exactly one place each, at those boundaries.
 */
#pragma once

#define SVSM_MUST_CHECK __attribute__((warn_unused_result))

/*
 * Declares an allocator whose result is freed by `dealloc` (argument 1):
 * gcc's -fanalyzer then tracks leaks and NULL dereferences for it. clang
 * 14 lacks the two-argument form of `malloc`, so it gets the rest.
 */
#if defined(__clang__)
#define SVSM_ALLOCATOR(dealloc) __attribute__((malloc, warn_unused_result))
#else
#define SVSM_ALLOCATOR(dealloc) \
	__attribute__((malloc, malloc(dealloc, 1), warn_unused_result))
#endif

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
