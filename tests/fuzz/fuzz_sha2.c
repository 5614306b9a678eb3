// SPDX-License-Identifier: MIT
/*
 * libFuzzer target for lib/crypto/sha2.c. The first byte picks the hash,
 * the next two a split pattern; the rest is the message. The message is
 * hashed in one shot and again in pieces whose sizes come from the split
 * bytes (0 to 255, empty pieces included): the digests must be equal,
 * and a mismatch aborts. ASan sees any read past the message.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "svsm/sha2.h"

/* The entry point libFuzzer calls; its name is fixed by libFuzzer. */
/* NOLINTNEXTLINE(readability-identifier-naming) */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/** Piece sizes cycling through the two split bytes, scaled up. */
static size_t piece_size(const uint8_t split[2], size_t i)
{
	return (size_t)split[i % 2] * (1U + (i % 3));
}

static void check_sha256(const uint8_t *m, size_t len, const uint8_t *sp)
{
	uint8_t want[SHA256_DIGEST_SIZE];
	uint8_t got[SHA256_DIGEST_SIZE];
	struct sha256_ctx ctx;

	sha256(m, len, want);
	sha256_init(&ctx);
	for (size_t done = 0, i = 0; done < len; i++) {
		size_t n = piece_size(sp, i);

		n = n > len - done ? len - done : n;
		if (i > len + 2) { /* all split bytes zero: finish */
			n = len - done;
		}
		sha256_update(&ctx, m + done, n);
		done += n;
	}
	sha256_final(&ctx, got);
	if (memcmp(want, got, sizeof(got)) != 0) {
		abort();
	}
}

static void check_sha512(const uint8_t *m, size_t len, const uint8_t *sp,
			 int is_384)
{
	uint8_t want[SHA512_DIGEST_SIZE];
	uint8_t got[SHA512_DIGEST_SIZE];
	size_t out = is_384 ? SHA384_DIGEST_SIZE : SHA512_DIGEST_SIZE;
	struct sha512_ctx ctx;

	if (is_384) {
		sha384(m, len, want);
		sha384_init(&ctx);
	} else {
		sha512(m, len, want);
		sha512_init(&ctx);
	}
	for (size_t done = 0, i = 0; done < len; i++) {
		size_t n = piece_size(sp, i);

		n = n > len - done ? len - done : n;
		if (i > len + 2) {
			n = len - done;
		}
		sha512_update(&ctx, m + done, n);
		done += n;
	}
	if (is_384) {
		sha384_final(&ctx, got);
	} else {
		sha512_final(&ctx, got);
	}
	if (memcmp(want, got, out) != 0) {
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 3) {
		return 0;
	}
	switch (data[0] % 3) {
	case 0:
		check_sha256(data + 3, size - 3, data + 1);
		break;
	case 1:
		check_sha512(data + 3, size - 3, data + 1, 1);
		break;
	default:
		check_sha512(data + 3, size - 3, data + 1, 0);
		break;
	}
	return 0;
}
