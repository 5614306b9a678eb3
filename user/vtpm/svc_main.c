// SPDX-License-Identifier: MIT
/*
 * The vTPM service as a csvsm process (/sbin/vtpm: static glibc with
 * Debian's libtpms and libcrypto). init starts it with one end of the
 * "vtpm" channel (INIT_CHANNEL_vtpm, docs/INIT.md); svsm-reqd holds the
 * other and sends each guest's SVSM_VTPM_CMD as a request message
 * (uapi/svsm/svcmsg.h). The service starts the TPM on the in-memory NV
 * store (manufacture, Startup), then answers one request at a time with
 * the TPM's response under the request's number.
 *
 * OpenSSL is initialised without its configuration file first, so the
 * program opens no file (shared/reference/tpm-service.md). Native calls
 * go through syscall(2) with their numbers from uapi/svsm/syscall.h.
 *
 * Usage: vtpm [--test-fault N]
 * --test-fault N makes the first run (INIT_RESTARTS=0) dereference NULL
 * when request N arrives: the fault test image uses it to show a crashed
 * vTPM reported and restarted (tests/prove/vtpm_reqd.t).
 */
#include <errno.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "uapi/svsm/svcmsg.h"
#include "vtpm.h"

static uint8_t req[SVSM_MSG_MAX];
static uint8_t rsp[sizeof(struct svsm_svcmsg) + VTPM_MAX_BUFFER];

/** A decimal number of at most `max`; -1 when `s` is not one. */
static long parse_num(const char *s, long max)
{
	long v = 0;

	if (s == NULL || *s == '\0') {
		return -1;
	}
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9') {
			return -1;
		}
		v = v * 10 + (*s - '0');
		if (v > max) {
			return -1;
		}
	}
	return v;
}

/** Answers request `seq` with `len` bytes at rsp + header, or `status`. */
static int reply(long h, uint32_t seq, int32_t status, size_t len)
{
	struct svsm_svcmsg hdr = { .type = SVSM_SVCMSG_RESPONSE,
				   .seq = seq,
				   .status = status,
				   .len = (uint32_t)len };

	memcpy(rsp, &hdr, sizeof(hdr));
	long r = syscall(SVSM_SYS_CHAN_SEND, h, rsp, sizeof(hdr) + len, 0);

	if (r < 0) {
		(void)printf("vtpm: cannot answer request %u (errno %d)\n", seq,
			     errno);
		return -1;
	}
	return 0;
}

static int serve(long h, long fault_at)
{
	long served = 0;

	for (;;) {
		struct svsm_svcmsg hdr;
		long n = syscall(SVSM_SYS_CHAN_RECV, h, req, sizeof(req),
				 SVSM_RECV_BLOCK);

		if (n < 0) {
			(void)printf("vtpm: receive failed (errno %d)\n",
				     errno);
			return 3;
		}
		if ((size_t)n < sizeof(hdr)) {
			(void)printf("vtpm: dropped a %ld-byte message\n", n);
			continue;
		}
		memcpy(&hdr, req, sizeof(hdr));
		if (hdr.type == SVSM_SVCMSG_PEER_ENDED) {
			continue; /* svsm-reqd is restarted; nothing to undo */
		}
		if (hdr.type != SVSM_SVCMSG_REQUEST ||
		    hdr.len != (size_t)n - sizeof(hdr)) {
			(void)printf("vtpm: dropped a malformed message "
				     "(type %u, %u of %ld bytes)\n",
				     hdr.type, hdr.len, n);
			continue;
		}
		if (++served == fault_at) {
			(void)printf("vtpm: --test-fault %ld: faulting\n",
				     fault_at);
			(void)fflush(stdout);
			volatile int *volatile p = NULL;

			// NOLINTNEXTLINE(clang-analyzer-core.NullDereference)
			*p = 1; // cppcheck-suppress nullPointer
		}
		if (hdr.len > VTPM_MAX_BUFFER) {
			if (reply(h, hdr.seq, -EMSGSIZE, 0) != 0) {
				return 4;
			}
			continue;
		}
		size_t len = vtpm_process(req + sizeof(hdr), hdr.len,
					  rsp + sizeof(hdr), VTPM_MAX_BUFFER);

		if (reply(h, hdr.seq, len == 0 ? -EIO : 0, len) != 0) {
			return 4;
		}
	}
}

int main(int argc, char **argv)
{
	struct vtpm_nv_ops nv = VTPM_NV_MEM_OPS;
	struct vtpm_init_info info = { 0 };
	long fault_at = 0;
	size_t len = 0;

	(void)setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 3 && strcmp(argv[1], "--test-fault") == 0) {
		fault_at = parse_num(argv[2], 1000000);
		if (fault_at < 1) {
			(void)printf("vtpm: --test-fault needs 1..1000000\n");
			return 2;
		}
		if (parse_num(getenv("INIT_RESTARTS"), 1000000) != 0) {
			fault_at = 0; /* only the first run faults */
		}
	} else if (argc != 1) {
		(void)printf("usage: vtpm [--test-fault N]\n");
		return 2;
	}
	long h = parse_num(getenv("INIT_CHANNEL_" SVSM_SVC_VTPM_CHANNEL),
			   SVSM_HANDLE_MAX - 1);

	if (h < 0) {
		(void)printf("vtpm: no channel (INIT_CHANNEL_vtpm): nothing "
			     "to serve\n");
		return 2;
	}
	if (!OPENSSL_init_crypto(OPENSSL_INIT_NO_LOAD_CONFIG, NULL)) {
		return 1;
	}
	nv.ctx = vtpm_nv_mem_new();
	if (!nv.ctx || vtpm_init(&nv, &info) != SVSM_OK ||
	    !vtpm_ek_manifest(&len)) {
		(void)printf("vtpm: TPM start failed\n");
		return 1;
	}
	(void)printf("vtpm: TPM up%s, EK manifest %zu bytes; serving\n",
		     info.manufactured ? " (manufactured)" : "", len);
	int r = serve(h, fault_at);

	vtpm_shutdown();
	vtpm_nv_mem_free(nv.ctx);
	return r;
}
