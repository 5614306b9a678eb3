/* SPDX-License-Identifier: MIT */
/*
 * SHA-256, SHA-384 and SHA-512 (FIPS 180-4), freestanding: the kernel and
 * the host tools use the same code. Each hash has an incremental form
 * (init, any number of updates, final) and a one-shot form; feeding the
 * message in pieces of any size gives the same digest as one call. A
 * context holds no pointers and may be copied to fork a running hash.
 * SHA-384 is SHA-512 with other initial values and a shorter output, so
 * both use `struct sha512_ctx`. Messages up to 2^64 - 1 bytes.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#define SHA256_DIGEST_SIZE 32U
#define SHA256_BLOCK_SIZE 64U
#define SHA384_DIGEST_SIZE 48U
#define SHA512_DIGEST_SIZE 64U
#define SHA512_BLOCK_SIZE 128U

/** A running SHA-256. */
struct sha256_ctx {
	uint32_t state[8];
	uint64_t byte_count;		/**< message bytes so far */
	uint8_t buf[SHA256_BLOCK_SIZE]; /**< byte_count % 64 bytes pending */
};

/** A running SHA-384 or SHA-512. */
struct sha512_ctx {
	uint64_t state[8];
	uint64_t byte_count;		/**< message bytes so far */
	uint8_t buf[SHA512_BLOCK_SIZE]; /**< byte_count % 128 bytes pending */
};

/** Starts a SHA-256. */
void sha256_init(struct sha256_ctx *ctx);
/** Adds `len` bytes of message to a SHA-256. */
void sha256_update(struct sha256_ctx *ctx, const void *data, size_t len);
/** Finishes a SHA-256 into `out`; `ctx` must be initialised again to reuse. */
void sha256_final(struct sha256_ctx *ctx, uint8_t out[SHA256_DIGEST_SIZE]);
/** SHA-256 of `len` bytes at `data`. */
void sha256(const void *data, size_t len, uint8_t out[SHA256_DIGEST_SIZE]);

/** Starts a SHA-384. */
void sha384_init(struct sha512_ctx *ctx);
/** Adds `len` bytes of message to a SHA-384. */
void sha384_update(struct sha512_ctx *ctx, const void *data, size_t len);
/** Finishes a SHA-384 into `out`; `ctx` must be initialised again to reuse. */
void sha384_final(struct sha512_ctx *ctx, uint8_t out[SHA384_DIGEST_SIZE]);
/** SHA-384 of `len` bytes at `data`. */
void sha384(const void *data, size_t len, uint8_t out[SHA384_DIGEST_SIZE]);

/** Starts a SHA-512. */
void sha512_init(struct sha512_ctx *ctx);
/** Adds `len` bytes of message to a SHA-512. */
void sha512_update(struct sha512_ctx *ctx, const void *data, size_t len);
/** Finishes a SHA-512 into `out`; `ctx` must be initialised again to reuse. */
void sha512_final(struct sha512_ctx *ctx, uint8_t out[SHA512_DIGEST_SIZE]);
/** SHA-512 of `len` bytes at `data`. */
void sha512(const void *data, size_t len, uint8_t out[SHA512_DIGEST_SIZE]);
