// SPDX-License-Identifier: MIT
/*
 * Throughput of lib/crypto/sha2.c next to OpenSSL's libcrypto on the same
 * machine in the same run. For each hash and message size (16 KiB and
 * 64 bytes) it hashes the same buffer for about 0.2 s, seven times, the
 * runs interleaved with OpenSSL's, and keeps the best run of each (the
 * least disturbed by other processes), in MB/s (10^6 bytes). Both sides
 * hash one message per init/update/final on a context on the stack:
 * sha256() etc. here, SHA256_Init/Update/Final etc. from <openssl/sha.h>
 * (OpenSSL's low-level interface: the same block functions as EVP, but
 * without the algorithm fetch that OpenSSL 3's one-shot SHA256() and
 * EVP_Digest() do on every call, which would dominate 64-byte messages).
 * One line per case:
 *   ALG SIZE OWN_MBPS OPENSSL_MBPS RATIO
 * Built and run by bench/crypto.sh; not part of the test suite.
 */
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/sha.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "svsm/sha2.h"

#define RUNS 7
#define RUN_NS 200000000ULL

typedef void hash_fn(const uint8_t *data, size_t len, uint8_t *out);

static void own256(const uint8_t *d, size_t n, uint8_t *o)
{
	sha256(d, n, o);
}
static void own384(const uint8_t *d, size_t n, uint8_t *o)
{
	sha384(d, n, o);
}
static void own512(const uint8_t *d, size_t n, uint8_t *o)
{
	sha512(d, n, o);
}
static void ossl256(const uint8_t *d, size_t n, uint8_t *o)
{
	SHA256_CTX c;

	SHA256_Init(&c);
	SHA256_Update(&c, d, n);
	SHA256_Final(o, &c);
}
static void ossl384(const uint8_t *d, size_t n, uint8_t *o)
{
	SHA512_CTX c;

	SHA384_Init(&c);
	SHA384_Update(&c, d, n);
	SHA384_Final(o, &c);
}
static void ossl512(const uint8_t *d, size_t n, uint8_t *o)
{
	SHA512_CTX c;

	SHA512_Init(&c);
	SHA512_Update(&c, d, n);
	SHA512_Final(o, &c);
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/** Throughput of one 0.2 s run of `fn` over `len`-byte messages, MB/s. */
static double run_once(hash_fn *fn, const uint8_t *buf, size_t len)
{
	uint8_t out[64];
	uint64_t start = now_ns();
	uint64_t bytes = 0;
	uint64_t t;

	do {
		for (int i = 0; i < 64; i++) {
			fn(buf, len, out);
			/* Keep the call from being optimised away. */
			__asm__ volatile("" : : "r"(out) : "memory");
		}
		bytes += 64 * (uint64_t)len;
		t = now_ns() - start;
	} while (t < RUN_NS);
	return (double)bytes * 1e3 / (double)t;
}

/*
 * Best of RUNS for both sides, the runs interleaved (own, OpenSSL, own,
 * ...) so that both see the same load from other processes.
 */
static void measure(hash_fn *own, hash_fn *ossl, const uint8_t *buf, size_t len,
		    double *own_best, double *ossl_best)
{
	*own_best = 0;
	*ossl_best = 0;
	for (int r = 0; r < RUNS; r++) {
		double a = run_once(own, buf, len);
		double b = run_once(ossl, buf, len);

		*own_best = a > *own_best ? a : *own_best;
		*ossl_best = b > *ossl_best ? b : *ossl_best;
	}
}

/*
 * `crypto_bench count own|openssl ALG SIZE N`: only N hashes of SIZE
 * bytes, inside count_loop(), for callgrind --toggle-collect=count_loop
 * (instruction counts do not depend on the machine's load).
 */
__attribute__((noinline)) static void
count_loop(hash_fn *fn, const uint8_t *buf, size_t len, long n)
{
	uint8_t out[64];

	for (long i = 0; i < n; i++) {
		fn(buf, len, out);
		__asm__ volatile("" : : "r"(out) : "memory");
	}
}

static int count_main(char **argv)
{
	static uint8_t buf[16384];
	size_t len = strtoul(argv[4], NULL, 10);
	long n = strtol(argv[5], NULL, 10);
	int is_own = strcmp(argv[2], "own") == 0;
	hash_fn *fn;

	if (len > sizeof(buf) || n <= 0) {
		return 2;
	}
	if (strcmp(argv[3], "SHA-256") == 0) {
		fn = is_own ? own256 : ossl256;
	} else if (strcmp(argv[3], "SHA-384") == 0) {
		fn = is_own ? own384 : ossl384;
	} else {
		fn = is_own ? own512 : ossl512;
	}
	fn(buf, len, buf); /* warm up outside the counted function */
	count_loop(fn, buf, len, n);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		hash_fn *own;
		hash_fn *ossl;
	} algs[] = {
		{ "SHA-256", own256, ossl256 },
		{ "SHA-384", own384, ossl384 },
		{ "SHA-512", own512, ossl512 },
	};
	static const size_t sizes[] = { 16384, 64 };
	uint8_t *buf;

	if (argc == 6 && strcmp(argv[1], "count") == 0) {
		return count_main(argv);
	}
	buf = malloc(16384);
	if (buf == NULL) {
		return 1;
	}
	for (size_t i = 0; i < 16384; i++) {
		buf[i] = (uint8_t)(i * 7 + 1);
	}
	for (size_t a = 0; a < 3; a++) {
		for (size_t s = 0; s < 2; s++) {
			uint8_t d1[64];
			uint8_t d2[64];
			double own;
			double ossl;

			/* Same digest first: the comparison is of equals. */
			algs[a].own(buf, sizes[s], d1);
			algs[a].ossl(buf, sizes[s], d2);
			if (memcmp(d1, d2, 32) != 0) {
				(void)fprintf(stderr, "%s: digests differ\n",
					      algs[a].name);
				return 1;
			}
			measure(algs[a].own, algs[a].ossl, buf, sizes[s], &own,
				&ossl);
			(void)printf("%s %zu %.1f %.1f %.2f\n", algs[a].name,
				     sizes[s], own, ossl, own / ossl);
		}
	}
	free(buf);
	return 0;
}
