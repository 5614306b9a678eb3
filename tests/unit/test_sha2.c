// SPDX-License-Identifier: MIT
/*
 * Host tests of lib/crypto/sha2.c: the FIPS 180-4 example messages (NIST's
 * published digests), incremental updates split at every point around the
 * block boundaries against the one-shot digest, and random messages fed
 * in random pieces against OpenSSL's libcrypto (EVP), an independent
 * implementation.
 */
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

#include "svsm/sha2.h"
#include "svsm/test.h"

#define MSG_448 "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"
#define MSG_896                                                            \
	"abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmno" \
	"ijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu"

/** One hash behind a common interface, so every test covers all three. */
struct hash_alg {
	const char *name;
	size_t digest_size;
	void (*oneshot)(const void *data, size_t len, uint8_t *out);
	void (*init)(void *ctx);
	void (*update)(void *ctx, const void *data, size_t len);
	void (*final)(void *ctx, uint8_t *out);
	const EVP_MD *(*evp)(void);
};

static void w256(const void *d, size_t n, uint8_t *o)
{
	sha256(d, n, o);
}
static void w384(const void *d, size_t n, uint8_t *o)
{
	sha384(d, n, o);
}
static void w512(const void *d, size_t n, uint8_t *o)
{
	sha512(d, n, o);
}
static void i256(void *c)
{
	sha256_init(c);
}
static void i384(void *c)
{
	sha384_init(c);
}
static void i512(void *c)
{
	sha512_init(c);
}
static void u256(void *c, const void *d, size_t n)
{
	sha256_update(c, d, n);
}
static void u384(void *c, const void *d, size_t n)
{
	sha384_update(c, d, n);
}
static void u512(void *c, const void *d, size_t n)
{
	sha512_update(c, d, n);
}
static void f256(void *c, uint8_t *o)
{
	sha256_final(c, o);
}
static void f384(void *c, uint8_t *o)
{
	sha384_final(c, o);
}
static void f512(void *c, uint8_t *o)
{
	sha512_final(c, o);
}

static const struct hash_alg ALGS[3] = {
	{ "sha256", SHA256_DIGEST_SIZE, w256, i256, u256, f256, EVP_sha256 },
	{ "sha384", SHA384_DIGEST_SIZE, w384, i384, u384, f384, EVP_sha384 },
	{ "sha512", SHA512_DIGEST_SIZE, w512, i512, u512, f512, EVP_sha512 },
};

/** Big enough for either context. */
union hash_ctx {
	struct sha256_ctx s256;
	struct sha512_ctx s512;
};

/** Lower-case hex of `n` bytes into `out` (2n + 1 bytes). */
static void to_hex(const uint8_t *b, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[b[i] >> 4];
		out[2 * i + 1] = digits[b[i] & 15];
	}
	out[2 * n] = '\0';
}

/** Hex of alg(data) computed in one shot. */
static void hex_of(const struct hash_alg *a, const void *data, size_t len,
		   char *hex)
{
	uint8_t d[SHA512_DIGEST_SIZE];

	a->oneshot(data, len, d);
	to_hex(d, a->digest_size, hex);
}

TEST(sha2, fips_180_4_examples)
{
	/* Digests as published by NIST for these messages. */
	static const char *const want[4][3] = {
		{ "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b"
		  "7852b855",
		  "38b060a751ac96384cd9327eb1b1e36a21fdb71114be07434c0cc7bf"
		  "63f6e1da274edebfe76f65fbd51ad2f14898b95b",
		  "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921"
		  "d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81"
		  "a538327af927da3e" },
		{ "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61"
		  "f20015ad",
		  "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a"
		  "43ff5bed8086072ba1e7cc2358baeca134c825a7",
		  "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee6"
		  "4b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e"
		  "2a9ac94fa54ca49f" },
		{ "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd4"
		  "19db06c1",
		  "3391fdddfc8dc7393707a65b1b4709397cf8b1d162af05abfe8f450d"
		  "e5f36bc6b0455a8520bc4e6f5fe95b1fe3c8452b",
		  "204a8fc6dda82f0a0ced7beb8e08a41657c16ef468b228a8279be331"
		  "a703c33596fd15c13b1b07f9aa1d3bea57789ca031ad85c7a71dd703"
		  "54ec631238ca3445" },
		{ "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac4503"
		  "7afee9d1",
		  "09330c33f71147e83d192fc782cd1b4753111b173b3b05d22fa08086"
		  "e3b0f712fcc7c71a557e2db966c3e9fa91746039",
		  "8e959b75dae313da8cf4f72814fc143f8f7779c6eb9f7fa17299aead"
		  "b6889018501d289e4900f7e4331b99dec4b5433ac7d329eeb6dd2654"
		  "5e96e55b874be909" },
	};
	static const char *const msgs[4] = { "", "abc", MSG_448, MSG_896 };
	char hex[2 * SHA512_DIGEST_SIZE + 1];

	for (size_t m = 0; m < 4; m++) {
		for (size_t a = 0; a < 3; a++) {
			hex_of(&ALGS[a], msgs[m], strlen(msgs[m]), hex);
			EXPECT_STREQ(hex, want[m][a]);
		}
	}
}

TEST(sha2, one_million_a)
{
	static const char *const want[3] = {
		"cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc711"
		"2cd0",
		"9d0e1809716474cb086e834e310a4a1ced149e9c00f248527972cec5704c"
		"2a5b07b8b3dc38ecc4ebae97ddd87f3d8985",
		"e718483d0ce769644e2e42c7bc15b4638e1f98b13b2044285632a803afa9"
		"73ebde0ff244877ea60a4cb0432ce577c31beb009c5c2c49aa2e4eadb217"
		"ad8cc09b",
	};
	uint8_t chunk[1000];
	char hex[2 * SHA512_DIGEST_SIZE + 1];
	uint8_t d[SHA512_DIGEST_SIZE];
	union hash_ctx ctx;

	memset(chunk, 'a', sizeof(chunk));
	for (size_t a = 0; a < 3; a++) {
		/* 1000 updates of 1000 bytes: not a multiple of the block. */
		ALGS[a].init(&ctx);
		for (int i = 0; i < 1000; i++) {
			ALGS[a].update(&ctx, chunk, sizeof(chunk));
		}
		ALGS[a].final(&ctx, d);
		to_hex(d, ALGS[a].digest_size, hex);
		EXPECT_STREQ(hex, want[a]);
	}
}

/*
 * Every length from 0 to 300 (past two SHA-512 blocks, the padding's
 * one- and two-block cases for both block sizes), split into two updates
 * at every point, and fed byte by byte: always the one-shot digest.
 */
TEST(sha2, every_split_matches_oneshot)
{
	enum {
		MAX_LEN = 300
	};
	uint8_t msg[MAX_LEN];
	uint8_t want[SHA512_DIGEST_SIZE];
	uint8_t got[SHA512_DIGEST_SIZE];
	union hash_ctx ctx;
	unsigned int bad = 0;

	for (size_t i = 0; i < MAX_LEN; i++) {
		msg[i] = (uint8_t)(i * 131U + 7U);
	}
	for (size_t a = 0; a < 3; a++) {
		const struct hash_alg *h = &ALGS[a];

		for (size_t len = 0; len <= MAX_LEN; len++) {
			h->oneshot(msg, len, want);
			for (size_t cut = 0; cut <= len; cut++) {
				h->init(&ctx);
				h->update(&ctx, msg, cut);
				h->update(&ctx, msg + cut, len - cut);
				h->final(&ctx, got);
				bad += memcmp(got, want, h->digest_size) != 0;
			}
			h->init(&ctx);
			for (size_t i = 0; i < len; i++) {
				h->update(&ctx, msg + i, 1);
			}
			h->final(&ctx, got);
			bad += memcmp(got, want, h->digest_size) != 0;
		}
	}
	EXPECT_EQ(bad, 0U);
}

/** alg(data) by OpenSSL's EVP interface. */
static int evp_digest(const struct hash_alg *a, const uint8_t *data, size_t len,
		      uint8_t *out)
{
	unsigned int out_len = 0;

	if (EVP_Digest(data, len, out, &out_len, a->evp(), NULL) != 1) {
		return -1;
	}
	return out_len == a->digest_size ? 0 : -1;
}

TEST(sha2, random_messages_match_openssl)
{
	enum {
		MAX_LEN = 5000,
		ROUNDS = 600
	};
	static uint8_t msg[MAX_LEN];
	uint8_t want[SHA512_DIGEST_SIZE];
	uint8_t got[SHA512_DIGEST_SIZE];
	union hash_ctx ctx;
	unsigned int seed = 0x5EA2U;
	unsigned int bad = 0;

	for (int r = 0; r < ROUNDS; r++) {
		size_t len = (size_t)rand_r(&seed) % MAX_LEN;
		const struct hash_alg *h = &ALGS[r % 3];

		for (size_t i = 0; i < len; i++) {
			msg[i] = (uint8_t)rand_r(&seed);
		}
		if (evp_digest(h, msg, len, want) != 0) {
			bad++;
			continue;
		}
		h->oneshot(msg, len, got);
		bad += memcmp(got, want, h->digest_size) != 0;
		/* The same message in random pieces, some empty. */
		h->init(&ctx);
		for (size_t done = 0; done < len;) {
			size_t piece = (size_t)rand_r(&seed) % 300;

			if (piece > len - done) {
				piece = len - done;
			}
			h->update(&ctx, msg + done, piece);
			done += piece;
		}
		h->final(&ctx, got);
		bad += memcmp(got, want, h->digest_size) != 0;
	}
	EXPECT_EQ(bad, 0U);
}

TEST(sha2, context_can_be_forked)
{
	/* A copied context continues independently (no pointers inside). */
	struct sha512_ctx a;
	struct sha512_ctx b;
	uint8_t da[SHA384_DIGEST_SIZE];
	uint8_t db[SHA384_DIGEST_SIZE];
	uint8_t want[SHA384_DIGEST_SIZE];

	sha384_init(&a);
	sha384_update(&a, "ab", 2);
	memcpy(&b, &a, sizeof(a));
	sha384_update(&a, "c", 1);
	sha384_update(&b, "d", 1);
	sha384_final(&a, da);
	sha384_final(&b, db);
	sha384("abc", 3, want);
	EXPECT_MEMEQ(da, want, sizeof(want));
	sha384("abd", 3, want);
	EXPECT_MEMEQ(db, want, sizeof(want));
}
