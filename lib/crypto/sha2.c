// SPDX-License-Identifier: MIT
/*
 * SHA-256, SHA-384 and SHA-512 as FIPS 180-4 defines them, in plain C that
 * the kernel (general registers only) and the host tools both compile.
 *
 * Speed: the compression functions take any number of whole blocks; full
 * blocks of a message are hashed straight from the caller's buffer, and
 * only the tail of an update (less than one block) is copied into the
 * context. Message words are read with one unaligned load plus a byte
 * swap each. The rounds are unrolled sixteen at a time over a sixteen-word
 * ring of message-schedule words: the eight working variables never move,
 * each round macro just names them in rotated order.
 *
 * The constants are those of FIPS 180-4 sections 4.2.2, 4.2.3, 5.3.2,
 * 5.3.4 and 5.3.5 (fractional parts of cube and square roots of primes).
 * No state is shared: every function works only on its arguments.
 */
#include "svsm/sha2.h"

#include "svsm/string.h"

static const uint32_t SHA256_K[64] = {
	0x428a2f98U, 0x71374491U, 0xb5c0fbcfU, 0xe9b5dba5U, 0x3956c25bU,
	0x59f111f1U, 0x923f82a4U, 0xab1c5ed5U, 0xd807aa98U, 0x12835b01U,
	0x243185beU, 0x550c7dc3U, 0x72be5d74U, 0x80deb1feU, 0x9bdc06a7U,
	0xc19bf174U, 0xe49b69c1U, 0xefbe4786U, 0x0fc19dc6U, 0x240ca1ccU,
	0x2de92c6fU, 0x4a7484aaU, 0x5cb0a9dcU, 0x76f988daU, 0x983e5152U,
	0xa831c66dU, 0xb00327c8U, 0xbf597fc7U, 0xc6e00bf3U, 0xd5a79147U,
	0x06ca6351U, 0x14292967U, 0x27b70a85U, 0x2e1b2138U, 0x4d2c6dfcU,
	0x53380d13U, 0x650a7354U, 0x766a0abbU, 0x81c2c92eU, 0x92722c85U,
	0xa2bfe8a1U, 0xa81a664bU, 0xc24b8b70U, 0xc76c51a3U, 0xd192e819U,
	0xd6990624U, 0xf40e3585U, 0x106aa070U, 0x19a4c116U, 0x1e376c08U,
	0x2748774cU, 0x34b0bcb5U, 0x391c0cb3U, 0x4ed8aa4aU, 0x5b9cca4fU,
	0x682e6ff3U, 0x748f82eeU, 0x78a5636fU, 0x84c87814U, 0x8cc70208U,
	0x90befffaU, 0xa4506cebU, 0xbef9a3f7U, 0xc67178f2U,
};

static const uint32_t SHA256_H0[8] = {
	0x6a09e667U, 0xbb67ae85U, 0x3c6ef372U, 0xa54ff53aU,
	0x510e527fU, 0x9b05688cU, 0x1f83d9abU, 0x5be0cd19U,
};

static const uint64_t SHA512_K[80] = {
	0x428a2f98d728ae22ULL, 0x7137449123ef65cdULL, 0xb5c0fbcfec4d3b2fULL,
	0xe9b5dba58189dbbcULL, 0x3956c25bf348b538ULL, 0x59f111f1b605d019ULL,
	0x923f82a4af194f9bULL, 0xab1c5ed5da6d8118ULL, 0xd807aa98a3030242ULL,
	0x12835b0145706fbeULL, 0x243185be4ee4b28cULL, 0x550c7dc3d5ffb4e2ULL,
	0x72be5d74f27b896fULL, 0x80deb1fe3b1696b1ULL, 0x9bdc06a725c71235ULL,
	0xc19bf174cf692694ULL, 0xe49b69c19ef14ad2ULL, 0xefbe4786384f25e3ULL,
	0x0fc19dc68b8cd5b5ULL, 0x240ca1cc77ac9c65ULL, 0x2de92c6f592b0275ULL,
	0x4a7484aa6ea6e483ULL, 0x5cb0a9dcbd41fbd4ULL, 0x76f988da831153b5ULL,
	0x983e5152ee66dfabULL, 0xa831c66d2db43210ULL, 0xb00327c898fb213fULL,
	0xbf597fc7beef0ee4ULL, 0xc6e00bf33da88fc2ULL, 0xd5a79147930aa725ULL,
	0x06ca6351e003826fULL, 0x142929670a0e6e70ULL, 0x27b70a8546d22ffcULL,
	0x2e1b21385c26c926ULL, 0x4d2c6dfc5ac42aedULL, 0x53380d139d95b3dfULL,
	0x650a73548baf63deULL, 0x766a0abb3c77b2a8ULL, 0x81c2c92e47edaee6ULL,
	0x92722c851482353bULL, 0xa2bfe8a14cf10364ULL, 0xa81a664bbc423001ULL,
	0xc24b8b70d0f89791ULL, 0xc76c51a30654be30ULL, 0xd192e819d6ef5218ULL,
	0xd69906245565a910ULL, 0xf40e35855771202aULL, 0x106aa07032bbd1b8ULL,
	0x19a4c116b8d2d0c8ULL, 0x1e376c085141ab53ULL, 0x2748774cdf8eeb99ULL,
	0x34b0bcb5e19b48a8ULL, 0x391c0cb3c5c95a63ULL, 0x4ed8aa4ae3418acbULL,
	0x5b9cca4f7763e373ULL, 0x682e6ff3d6b2b8a3ULL, 0x748f82ee5defb2fcULL,
	0x78a5636f43172f60ULL, 0x84c87814a1f0ab72ULL, 0x8cc702081a6439ecULL,
	0x90befffa23631e28ULL, 0xa4506cebde82bde9ULL, 0xbef9a3f7b2c67915ULL,
	0xc67178f2e372532bULL, 0xca273eceea26619cULL, 0xd186b8c721c0c207ULL,
	0xeada7dd6cde0eb1eULL, 0xf57d4f7fee6ed178ULL, 0x06f067aa72176fbaULL,
	0x0a637dc5a2c898a6ULL, 0x113f9804bef90daeULL, 0x1b710b35131c471bULL,
	0x28db77f523047d84ULL, 0x32caab7b40c72493ULL, 0x3c9ebe0a15c9bebcULL,
	0x431d67c49c100d4cULL, 0x4cc5d4becb3e42b6ULL, 0x597f299cfc657e2aULL,
	0x5fcb6fab3ad6faecULL, 0x6c44198c4a475817ULL,
};

static const uint64_t SHA512_H0[8] = {
	0x6a09e667f3bcc908ULL, 0xbb67ae8584caa73bULL, 0x3c6ef372fe94f82bULL,
	0xa54ff53a5f1d36f1ULL, 0x510e527fade682d1ULL, 0x9b05688c2b3e6c1fULL,
	0x1f83d9abfb41bd6bULL, 0x5be0cd19137e2179ULL,
};

static const uint64_t SHA384_H0[8] = {
	0xcbbb9d5dc1059ed8ULL, 0x629a292a367cd507ULL, 0x9159015a3070dd17ULL,
	0x152fecd8f70e5939ULL, 0x67332667ffc00b31ULL, 0x8eb44a8768581511ULL,
	0xdb0c2e0d64f98fa7ULL, 0x47b5481dbefa4fa4ULL,
};

/* ---- big-endian loads and stores ----------------------------------- */

/** Big-endian u32 at `p` (any alignment): one load and one byte swap. */
static inline uint32_t be32_get(const uint8_t *p)
{
	uint32_t v;

	__builtin_memcpy(&v, p, sizeof(v));
	return __builtin_bswap32(v);
}

/** Big-endian u64 at `p` (any alignment). */
static inline uint64_t be64_get(const uint8_t *p)
{
	uint64_t v;

	__builtin_memcpy(&v, p, sizeof(v));
	return __builtin_bswap64(v);
}

static inline void be32_put(uint8_t *p, uint32_t v)
{
	v = __builtin_bswap32(v);
	__builtin_memcpy(p, &v, sizeof(v));
}

static inline void be64_put(uint8_t *p, uint64_t v)
{
	v = __builtin_bswap64(v);
	__builtin_memcpy(p, &v, sizeof(v));
}

static inline uint32_t ror32(uint32_t x, unsigned int n)
{
	return (x >> n) | (x << (32U - n));
}

static inline uint64_t ror64(uint64_t x, unsigned int n)
{
	return (x >> n) | (x << (64U - n));
}

/* ---- SHA-256 compression (FIPS 180-4 6.2.2) ------------------------ */

/*
 * Ch with one operation fewer than the textbook form. Maj(a, b, c) is
 * computed in the round as b ^ ((a ^ b) & (b ^ c)): a ^ b of one round is
 * b ^ c of the next (the variables shift by one), so the round macros
 * carry it in `ab`/`bc` and Maj costs two operations plus one XOR.
 */
#define SHA_CH(x, y, z) ((z) ^ ((x) & ((y) ^ (z))))

#define S256_BIG0(x) ror32(ror32(ror32((x), 9) ^ (x), 11) ^ (x), 2)
#define S256_BIG1(x) ror32(ror32(ror32((x), 14) ^ (x), 5) ^ (x), 6)
#define S256_SMALL0(x) (ror32((x), 7) ^ ror32((x), 18) ^ ((x) >> 3))
#define S256_SMALL1(x) (ror32((x), 17) ^ ror32((x), 19) ^ ((x) >> 10))

/* Word j of the schedule for rounds 16..63, in place in the 16-word ring. */
#define W256_NEXT(j)                                                        \
	(w[(j)&15] += S256_SMALL1(w[((j) + 14) & 15]) + w[((j) + 9) & 15] + \
		      S256_SMALL0(w[((j) + 1) & 15]))

/*
 * One round. `d` and `h` are updated in place; the next round passes the
 * variables rotated by one, so nothing is copied.
 */
#define R256(a, b, c, d, e, f, g, h, wj, kj)                                \
	do {                                                                \
		uint32_t t1_ =                                              \
			(h) + S256_BIG1(e) + SHA_CH(e, f, g) + (kj) + (wj); \
		ab = (a) ^ (b);                                             \
		(d) += t1_;                                                 \
		(h) = t1_ + S256_BIG0(a) + ((b) ^ (ab & bc));               \
		bc = ab;                                                    \
	} while (0)

#define R256_8(i, W)                                                  \
	do {                                                          \
		R256(a, b, c, d, e, f, g, h, W((i) + 0), k[(i) + 0]); \
		R256(h, a, b, c, d, e, f, g, W((i) + 1), k[(i) + 1]); \
		R256(g, h, a, b, c, d, e, f, W((i) + 2), k[(i) + 2]); \
		R256(f, g, h, a, b, c, d, e, W((i) + 3), k[(i) + 3]); \
		R256(e, f, g, h, a, b, c, d, W((i) + 4), k[(i) + 4]); \
		R256(d, e, f, g, h, a, b, c, W((i) + 5), k[(i) + 5]); \
		R256(c, d, e, f, g, h, a, b, W((i) + 6), k[(i) + 6]); \
		R256(b, c, d, e, f, g, h, a, W((i) + 7), k[(i) + 7]); \
	} while (0)

#define W256_LOAD(j) (w[j] = be32_get(p + (size_t)4 * (j)))

/*
 * Hashes `count` 64-byte blocks at `p` into `state`. The rounds are
 * unrolled on purpose (speed), which is what makes the function long.
 */
// NOLINTNEXTLINE(readability-function-size)
static void sha256_blocks(uint32_t state[8], const uint8_t *p, size_t count)
{
	uint32_t w[16];

	while (count-- > 0) {
		uint32_t a = state[0];
		uint32_t b = state[1];
		uint32_t c = state[2];
		uint32_t d = state[3];
		uint32_t e = state[4];
		uint32_t f = state[5];
		uint32_t g = state[6];
		uint32_t h = state[7];
		uint32_t bc = b ^ c;
		uint32_t ab;
		const uint32_t *k = SHA256_K;

		R256_8(0, W256_LOAD);
		R256_8(8, W256_LOAD);
		for (unsigned int i = 16; i < 64; i += 16) {
			k = SHA256_K + i;
			R256_8(0, W256_NEXT);
			R256_8(8, W256_NEXT);
		}
		state[0] += a;
		state[1] += b;
		state[2] += c;
		state[3] += d;
		state[4] += e;
		state[5] += f;
		state[6] += g;
		state[7] += h;
		p += SHA256_BLOCK_SIZE;
	}
}

/* ---- SHA-512 compression (FIPS 180-4 6.4.2) ------------------------ */

#define S512_BIG0(x) ror64(ror64(ror64((x), 5) ^ (x), 6) ^ (x), 28)
#define S512_BIG1(x) ror64(ror64(ror64((x), 23) ^ (x), 4) ^ (x), 14)
#define S512_SMALL0(x) (ror64((x), 1) ^ ror64((x), 8) ^ ((x) >> 7))
#define S512_SMALL1(x) (ror64((x), 19) ^ ror64((x), 61) ^ ((x) >> 6))

#define W512_NEXT(j)                                                        \
	(w[(j)&15] += S512_SMALL1(w[((j) + 14) & 15]) + w[((j) + 9) & 15] + \
		      S512_SMALL0(w[((j) + 1) & 15]))

#define R512(a, b, c, d, e, f, g, h, wj, kj)                                \
	do {                                                                \
		uint64_t t1_ =                                              \
			(h) + S512_BIG1(e) + SHA_CH(e, f, g) + (kj) + (wj); \
		ab = (a) ^ (b);                                             \
		(d) += t1_;                                                 \
		(h) = t1_ + S512_BIG0(a) + ((b) ^ (ab & bc));               \
		bc = ab;                                                    \
	} while (0)

#define R512_8(i, W)                                                  \
	do {                                                          \
		R512(a, b, c, d, e, f, g, h, W((i) + 0), k[(i) + 0]); \
		R512(h, a, b, c, d, e, f, g, W((i) + 1), k[(i) + 1]); \
		R512(g, h, a, b, c, d, e, f, W((i) + 2), k[(i) + 2]); \
		R512(f, g, h, a, b, c, d, e, W((i) + 3), k[(i) + 3]); \
		R512(e, f, g, h, a, b, c, d, W((i) + 4), k[(i) + 4]); \
		R512(d, e, f, g, h, a, b, c, W((i) + 5), k[(i) + 5]); \
		R512(c, d, e, f, g, h, a, b, W((i) + 6), k[(i) + 6]); \
		R512(b, c, d, e, f, g, h, a, W((i) + 7), k[(i) + 7]); \
	} while (0)

#define W512_LOAD(j) (w[j] = be64_get(p + (size_t)8 * (j)))

/** Hashes `count` 128-byte blocks at `p` into `state` (unrolled too). */
// NOLINTNEXTLINE(readability-function-size)
static void sha512_blocks(uint64_t state[8], const uint8_t *p, size_t count)
{
	uint64_t w[16];

	while (count-- > 0) {
		uint64_t a = state[0];
		uint64_t b = state[1];
		uint64_t c = state[2];
		uint64_t d = state[3];
		uint64_t e = state[4];
		uint64_t f = state[5];
		uint64_t g = state[6];
		uint64_t h = state[7];
		uint64_t bc = b ^ c;
		uint64_t ab;
		const uint64_t *k = SHA512_K;

		R512_8(0, W512_LOAD);
		R512_8(8, W512_LOAD);
		for (unsigned int i = 16; i < 80; i += 16) {
			k = SHA512_K + i;
			R512_8(0, W512_NEXT);
			R512_8(8, W512_NEXT);
		}
		state[0] += a;
		state[1] += b;
		state[2] += c;
		state[3] += d;
		state[4] += e;
		state[5] += f;
		state[6] += g;
		state[7] += h;
		p += SHA512_BLOCK_SIZE;
	}
}

/* ---- SHA-256 ---------------------------------------------------------- */

void sha256_init(struct sha256_ctx *ctx)
{
	memcpy(ctx->state, SHA256_H0, sizeof(ctx->state));
	ctx->byte_count = 0;
}

void sha256_update(struct sha256_ctx *ctx, const void *data, size_t len)
{
	const uint8_t *p = data;
	size_t used = (size_t)(ctx->byte_count % SHA256_BLOCK_SIZE);

	ctx->byte_count += len;
	if (used != 0) {
		size_t take = SHA256_BLOCK_SIZE - used;

		if (len < take) {
			memcpy(ctx->buf + used, p, len);
			return;
		}
		memcpy(ctx->buf + used, p, take);
		sha256_blocks(ctx->state, ctx->buf, 1);
		p += take;
		len -= take;
	}
	if (len >= SHA256_BLOCK_SIZE) {
		size_t count = len / SHA256_BLOCK_SIZE;

		sha256_blocks(ctx->state, p, count);
		p += count * SHA256_BLOCK_SIZE;
		len -= count * SHA256_BLOCK_SIZE;
	}
	if (len != 0) {
		memcpy(ctx->buf, p, len);
	}
}

void sha256_final(struct sha256_ctx *ctx, uint8_t out[SHA256_DIGEST_SIZE])
{
	size_t used = (size_t)(ctx->byte_count % SHA256_BLOCK_SIZE);
	uint64_t bit_count = ctx->byte_count << 3;

	/* 0x80, zeros, then the bit length in the block's last 8 bytes. */
	ctx->buf[used++] = 0x80;
	if (used > SHA256_BLOCK_SIZE - 8) {
		memset(ctx->buf + used, 0, SHA256_BLOCK_SIZE - used);
		sha256_blocks(ctx->state, ctx->buf, 1);
		used = 0;
	}
	memset(ctx->buf + used, 0, SHA256_BLOCK_SIZE - 8 - used);
	be64_put(ctx->buf + SHA256_BLOCK_SIZE - 8, bit_count);
	sha256_blocks(ctx->state, ctx->buf, 1);
	for (unsigned int i = 0; i < 8; i++) {
		be32_put(out + (size_t)4 * i, ctx->state[i]);
	}
	memset(ctx, 0, sizeof(*ctx));
}

void sha256(const void *data, size_t len, uint8_t out[SHA256_DIGEST_SIZE])
{
	struct sha256_ctx ctx;

	sha256_init(&ctx);
	sha256_update(&ctx, data, len);
	sha256_final(&ctx, out);
}

/* ---- SHA-384 and SHA-512 ---------------------------------------------- */

void sha512_init(struct sha512_ctx *ctx)
{
	memcpy(ctx->state, SHA512_H0, sizeof(ctx->state));
	ctx->byte_count = 0;
}

void sha384_init(struct sha512_ctx *ctx)
{
	memcpy(ctx->state, SHA384_H0, sizeof(ctx->state));
	ctx->byte_count = 0;
}

void sha512_update(struct sha512_ctx *ctx, const void *data, size_t len)
{
	const uint8_t *p = data;
	size_t used = (size_t)(ctx->byte_count % SHA512_BLOCK_SIZE);

	ctx->byte_count += len;
	if (used != 0) {
		size_t take = SHA512_BLOCK_SIZE - used;

		if (len < take) {
			memcpy(ctx->buf + used, p, len);
			return;
		}
		memcpy(ctx->buf + used, p, take);
		sha512_blocks(ctx->state, ctx->buf, 1);
		p += take;
		len -= take;
	}
	if (len >= SHA512_BLOCK_SIZE) {
		size_t count = len / SHA512_BLOCK_SIZE;

		sha512_blocks(ctx->state, p, count);
		p += count * SHA512_BLOCK_SIZE;
		len -= count * SHA512_BLOCK_SIZE;
	}
	if (len != 0) {
		memcpy(ctx->buf, p, len);
	}
}

void sha384_update(struct sha512_ctx *ctx, const void *data, size_t len)
{
	sha512_update(ctx, data, len);
}

/**
 * Pads and hashes the last block(s), writes the first `words` state words
 * (6 for SHA-384, 8 for SHA-512) and wipes the context. The length field
 * is 128 bits; its upper 64 stay zero (at most 2^64 - 1 bytes).
 */
static void sha512_finish(struct sha512_ctx *ctx, uint8_t *out,
			  unsigned int words)
{
	size_t used = (size_t)(ctx->byte_count % SHA512_BLOCK_SIZE);

	ctx->buf[used++] = 0x80;
	if (used > SHA512_BLOCK_SIZE - 16) {
		memset(ctx->buf + used, 0, SHA512_BLOCK_SIZE - used);
		sha512_blocks(ctx->state, ctx->buf, 1);
		used = 0;
	}
	memset(ctx->buf + used, 0, SHA512_BLOCK_SIZE - 16 - used);
	be64_put(ctx->buf + SHA512_BLOCK_SIZE - 16, ctx->byte_count >> 61);
	be64_put(ctx->buf + SHA512_BLOCK_SIZE - 8, ctx->byte_count << 3);
	sha512_blocks(ctx->state, ctx->buf, 1);
	for (unsigned int i = 0; i < words; i++) {
		be64_put(out + (size_t)8 * i, ctx->state[i]);
	}
	memset(ctx, 0, sizeof(*ctx));
}

void sha384_final(struct sha512_ctx *ctx, uint8_t out[SHA384_DIGEST_SIZE])
{
	sha512_finish(ctx, out, SHA384_DIGEST_SIZE / 8);
}

void sha512_final(struct sha512_ctx *ctx, uint8_t out[SHA512_DIGEST_SIZE])
{
	sha512_finish(ctx, out, SHA512_DIGEST_SIZE / 8);
}

void sha384(const void *data, size_t len, uint8_t out[SHA384_DIGEST_SIZE])
{
	struct sha512_ctx ctx;

	sha384_init(&ctx);
	sha384_update(&ctx, data, len);
	sha384_final(&ctx, out);
}

void sha512(const void *data, size_t len, uint8_t out[SHA512_DIGEST_SIZE])
{
	struct sha512_ctx ctx;

	sha512_init(&ctx);
	sha512_update(&ctx, data, len);
	sha512_final(&ctx, out);
}
