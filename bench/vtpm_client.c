// SPDX-License-Identifier: MIT
/*
 * vTPM latency client for bench/vtpm.sh: sends raw TPM 2.0 commands in
 * mssim SEND_COMMAND frames over one TCP connection to a data port
 * (vtpm-host or swtpm, whose data port takes the same framing) and
 * prints the median and 90th percentile round trip of each operation in
 * microseconds. No tpm2-tools process start-up is measured: one
 * connection, one command at a time, the clock around send and receive.
 *
 * Set-up (not measured): two primary signing keys in the owner
 * hierarchy, RSA-2048 RSASSA-SHA256 and ECC P-256 ECDSA-SHA256.
 * Measured: GetRandom(32), PCR_Extend(16, SHA-256), Sign with each key
 * over a SHA-256 digest.
 *
 * Usage: vtpm_client PORT ITERATIONS
 * Output: one line per operation: "NAME median_us p90_us retries", the
 * last the TPM_RC_RETRY answers that were repeated (inside the time).
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_ITER 100000
static uint8_t rsp[8192];
static double samples[MAX_ITER];
static unsigned retries; /* TPM_RC_RETRY answers, counted per operation */

static void die(const char *what)
{
	(void)fprintf(stderr, "vtpm_client: %s\n", what);
	exit(1);
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static void read_all(int fd, uint8_t *p, size_t n)
{
	while (n) {
		ssize_t r = read(fd, p, n);

		if (r <= 0) {
			die("connection lost");
		}
		p += r;
		n -= (size_t)r;
	}
}

/** One command; returns the TPM response code. */
static uint32_t tpm_once(int fd, const uint8_t *cmd, size_t len)
{
	static uint8_t frame[4096 + 9];
	uint8_t hdr[4];
	uint32_t n;

	put32(frame, 8);
	frame[4] = 0;
	put32(frame + 5, (uint32_t)len);
	memcpy(frame + 9, cmd, len);
	if (write(fd, frame, len + 9) != (ssize_t)(len + 9)) {
		die("write");
	}
	read_all(fd, hdr, 4);
	n = get32(hdr);
	if (n < 10 || n > sizeof(rsp)) {
		die("bad response size");
	}
	read_all(fd, rsp, n);
	read_all(fd, hdr, 4); /* trailer */
	return get32(rsp + 6);
}

/** One command, repeated while the TPM says TPM_RC_RETRY. */
static uint32_t tpm(int fd, const uint8_t *cmd, size_t len)
{
	uint32_t rc;
	int tries = 0;

	for (;;) {
		rc = tpm_once(fd, cmd, len);
		if (rc != 0x922 || ++tries == 100) {
			break;
		}
		retries++;
	}
	return rc;
}

/** CreatePrimary of a signing key (owner); returns its handle. */
static uint32_t create_signer(int fd, int is_rsa)
{
	static const uint8_t rsa_pub[] = {
		0x00, 0x01, 0x00, 0x0b, 0x00, 0x04, 0x00, 0x72,
		0x00, 0x00, 0x00, 0x10, 0x00, 0x14, 0x00, 0x0b,
		0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	};
	static const uint8_t ecc_pub[] = {
		0x00, 0x23, 0x00, 0x0b, 0x00, 0x04, 0x00, 0x72,
		0x00, 0x00, 0x00, 0x10, 0x00, 0x18, 0x00, 0x0b,
		0x00, 0x03, 0x00, 0x10, 0x00, 0x00, 0x00, 0x00,
	};
	const uint8_t *pub = is_rsa ? rsa_pub : ecc_pub;
	size_t pub_len = is_rsa ? sizeof(rsa_pub) : sizeof(ecc_pub);
	uint8_t c[256];
	size_t n = 0;
	static const uint8_t head[] = {
		0x80, 0x02, 0,	  0,	0,    0, 0x00, 0x00, 0x01, 0x31,
		0x40, 0x00, 0x00, 0x01, /* owner */
		0,    0,    0,	  9,	0x40, 0, 0,    9,    0,	   0,
		0,    0,    0,	  0,	4,    0, 0,    0,    0, /* inSensitive
								 */
	};

	memcpy(c, head, sizeof(head));
	n = sizeof(head);
	c[n++] = (uint8_t)(pub_len >> 8);
	c[n++] = (uint8_t)pub_len;
	memcpy(c + n, pub, pub_len);
	n += pub_len;
	memset(c + n, 0, 6); /* outsideInfo, creationPCR */
	n += 6;
	put32(c + 2, (uint32_t)n);
	if (tpm(fd, c, n) != 0) {
		(void)fprintf(stderr, "CreatePrimary: rc %#x\n",
			      get32(rsp + 6));
		die("CreatePrimary failed");
	}
	return get32(rsp + 10);
}

/** A decimal number in 1..max, or exit. */
static long number(const char *s, long max)
{
	char *end = NULL;
	long v = strtol(s, &end, 10);

	if (end == s || *end || v < 1 || v > max) {
		die("bad number");
	}
	return v;
}

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a;
	double y = *(const double *)b;

	return (x > y) - (x < y);
}

static void measure(int fd, const char *name, const uint8_t *cmd, size_t len,
		    int iters)
{
	for (int i = 0; i < 5; i++) { /* warm up */
		if (tpm(fd, cmd, len) != 0) {
			(void)fprintf(stderr, "%s: rc %#x\n", name,
				      get32(rsp + 6));
			die("command failed");
		}
	}
	retries = 0;
	for (int i = 0; i < iters; i++) {
		double t0 = now_us();

		if (tpm(fd, cmd, len) != 0) {
			die("command failed");
		}
		samples[i] = now_us() - t0;
	}
	qsort(samples, (size_t)iters, sizeof(double), cmp_double);
	(void)printf("%s %.1f %.1f %u\n", name, samples[iters / 2],
		     samples[iters * 9 / 10], retries);
}

int main(int argc, char **argv)
{
	struct sockaddr_in a = { 0 };
	int one = 1;
	int fd;
	int iters;
	uint16_t port;
	uint8_t sign[128];
	static const uint8_t getrandom[] = { 0x80, 0x01, 0,    0,    0, 12,
					     0,	   0,	 0x01, 0x7b, 0, 32 };
	uint8_t extend[65] = {
		0x80, 0x02, 0,	0, 0, 65, 0, 0,	   0x01, 0x82, 0,
		0,    0,    16, 0, 0, 0,  9, 0x40, 0,	 0,    9,
		0,    0,    0,	0, 0, 0,  0, 0,	   1,	 0,    0x0b,
	};
	static const uint8_t sign_tail[] = {
		0x00, 0x10,		/* inScheme: the key's */
		0x80, 0x24, 0x40, 0x00, /* validation: HASHCHECK, RH_NULL */
		0x00, 0x07, 0x00, 0x00,
	};

	if (argc != 3) {
		die("usage: vtpm_client PORT ITERATIONS");
	}
	iters = (int)number(argv[2], MAX_ITER);
	port = (uint16_t)number(argv[1], 65535);
	memset(extend + 33, 0x5A, 32);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	a.sin_family = AF_INET;
	a.sin_port = htons(port);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof(a)) != 0) {
		die("cannot connect");
	}
	if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) != 0) {
		die("TCP_NODELAY");
	}

	uint32_t rsa = create_signer(fd, 1);
	uint32_t ecc = create_signer(fd, 0);

	measure(fd, "GetRandom(32)", getrandom, sizeof(getrandom), iters);
	measure(fd, "PCR_Extend(sha256)", extend, sizeof(extend), iters);
	for (int k = 0; k < 2; k++) {
		static const uint8_t head[] = {
			0x80, 0x02, 0, 0, 0, 0, 0, 0, 0x01, 0x5d,
		};
		size_t n = 0;

		memcpy(sign, head, sizeof(head));
		n = sizeof(head);
		put32(sign + n, k == 0 ? rsa : ecc);
		n += 4;
		static const uint8_t pw[] = { 0, 0, 0, 9, 0x40, 0, 0,
					      9, 0, 0, 0, 0,	0 };
		memcpy(sign + n, pw, sizeof(pw));
		n += sizeof(pw);
		sign[n++] = 0;
		sign[n++] = 32;
		memset(sign + n, 0x3C, 32);
		n += 32;
		memcpy(sign + n, sign_tail, sizeof(sign_tail));
		n += sizeof(sign_tail);
		put32(sign + 2, (uint32_t)n);
		measure(fd, k == 0 ? "Sign(RSA-2048)" : "Sign(ECC-P256)", sign,
			n, iters);
	}
	/* Leave the TPM as found: the next run creates its own keys. */
	for (int k = 0; k < 2; k++) {
		uint8_t flush[14] = {
			0x80, 0x01, 0, 0, 0, 14, 0, 0, 0x01, 0x65
		};

		put32(flush + 10, k == 0 ? rsa : ecc);
		if (tpm(fd, flush, sizeof(flush)) != 0) {
			die("FlushContext failed");
		}
	}
	close(fd);
	return 0;
}
