// SPDX-License-Identifier: MIT
/*
 * vtpm-host: the vTPM service core on the host behind the MS simulator
 * ("mssim") protocol that tpm2-tools' mssim TCTI speaks, for fast tests
 * and the benchmark. Data port PORT and platform port PORT+1 on
 * 127.0.0.1; all integers big-endian u32.
 *
 *   data:      SEND_COMMAND (8), locality u8, size, command
 *                -> size, response, a zero u32 trailer
 *              REMOTE_HANDSHAKE (15), client version -> 1, flags, 0
 *              SESSION_END (20) -> the connection closes
 *   platform:  a code -> 0 (POWER_ON/OFF, NV_ON/OFF, CANCEL_ON/OFF,
 *              RESET, RESTART, PHYS_PRES_ON/OFF); SESSION_END closes
 *
 * The TPM's power cycle belongs to the service, as it will in csvsm: the
 * service started and manufactured it, and POWER_ON/RESET from a client
 * are acknowledged without resetting it (the TCTI sends POWER_ON at every
 * tool's start and never TPM2_Startup).
 *
 * One thread serves every connection through poll(). Each frame is read
 * whole with a receive timeout; a frame that is malformed, oversized,
 * unknown or too slow closes that connection only.
 */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "vtpm.h"

#define MS_POWER_ON 1U
#define MS_POWER_OFF 2U
#define MS_PP_ON 3U
#define MS_PP_OFF 4U
#define MS_SEND_COMMAND 8U
#define MS_CANCEL_ON 9U
#define MS_CANCEL_OFF 10U
#define MS_NV_ON 11U
#define MS_NV_OFF 12U
#define MS_REMOTE_HANDSHAKE 15U
#define MS_RESET 17U
#define MS_RESTART 18U
#define MS_SESSION_END 20U
#define MAX_CONNS 16U
#define RECV_TIMEOUT_MS 2000

enum conn_kind { CONN_LISTEN_DATA, CONN_LISTEN_PLAT, CONN_DATA, CONN_PLAT };

static struct pollfd pfd[MAX_CONNS + 2];
static enum conn_kind kind[MAX_CONNS + 2];
static size_t nfds;
static uint8_t cmd_buf[VTPM_MAX_BUFFER];
static uint8_t rsp_buf[VTPM_MAX_BUFFER];
static uint8_t out_buf[VTPM_MAX_BUFFER + 8]; /* size, response, trailer */

/** Reads exactly `n` bytes; false on EOF, error or timeout. */
static bool read_all(int fd, void *p, size_t n)
{
	uint8_t *b = p;

	while (n) {
		ssize_t r = read(fd, b, n);

		if (r < 0 && errno == EINTR) {
			continue;
		}
		if (r <= 0) {
			return false;
		}
		b += r;
		n -= (size_t)r;
	}
	return true;
}

static bool write_all(int fd, const void *p, size_t n)
{
	const uint8_t *b = p;

	while (n) {
		ssize_t r = send(fd, b, n, MSG_NOSIGNAL);

		if (r < 0 && errno == EINTR) {
			continue;
		}
		if (r <= 0) {
			return false;
		}
		b += r;
		n -= (size_t)r;
	}
	return true;
}

static bool read_u32(int fd, uint32_t *v)
{
	uint8_t b[4];

	if (!read_all(fd, b, sizeof(b))) {
		return false;
	}
	*v = (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
	     (uint32_t)b[2] << 8 | b[3];
	return true;
}

static void be32(uint8_t *b, uint32_t v)
{
	b[0] = (uint8_t)(v >> 24);
	b[1] = (uint8_t)(v >> 16);
	b[2] = (uint8_t)(v >> 8);
	b[3] = (uint8_t)v;
}

static bool write_u32(int fd, uint32_t v)
{
	uint8_t b[4];

	be32(b, v);
	return write_all(fd, b, sizeof(b));
}

/** One SEND_COMMAND frame after its code; false closes the connection. */
static bool serve_command(int fd)
{
	uint8_t locality;
	uint32_t len;
	size_t n;

	if (!read_all(fd, &locality, 1) || !read_u32(fd, &len) ||
	    len > sizeof(cmd_buf) || !read_all(fd, cmd_buf, len)) {
		return false;
	}
	n = vtpm_process_locality(locality, cmd_buf, len, rsp_buf,
				  sizeof(rsp_buf));
	if (n == 0) {
		return false;
	}
	/* Size, response and trailer in one send: one segment. */
	be32(out_buf, (uint32_t)n);
	memcpy(out_buf + 4, rsp_buf, n);
	memset(out_buf + 4 + n, 0, 4);
	return write_all(fd, out_buf, n + 8);
}

/** One frame on a data connection; false closes it. */
static bool serve_data(int fd)
{
	uint32_t code;
	uint32_t version;

	if (!read_u32(fd, &code)) {
		return false;
	}
	switch (code) {
	case MS_SEND_COMMAND:
		return serve_command(fd);
	case MS_REMOTE_HANDSHAKE:
		return read_u32(fd, &version) && write_u32(fd, 1) &&
		       write_u32(fd, 0) && write_u32(fd, 0);
	case MS_SESSION_END:
	default:
		return false;
	}
}

/** One frame on a platform connection; false closes it. */
static bool serve_platform(int fd)
{
	uint32_t code;

	if (!read_u32(fd, &code)) {
		return false;
	}
	switch (code) {
	case MS_POWER_ON:
	case MS_POWER_OFF:
	case MS_PP_ON:
	case MS_PP_OFF:
	case MS_CANCEL_ON:
	case MS_CANCEL_OFF:
	case MS_NV_ON:
	case MS_NV_OFF:
	case MS_RESET:
	case MS_RESTART:
		return write_u32(fd, 0);
	case MS_SESSION_END:
	default:
		return false;
	}
}

static int listen_on(uint16_t port)
{
	struct sockaddr_in a = { 0 };
	int one = 1;
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	if (fd < 0) {
		return -1;
	}
	a.sin_family = AF_INET;
	a.sin_port = htons(port);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) != 0 ||
	    bind(fd, (struct sockaddr *)&a, sizeof(a)) != 0 ||
	    listen(fd, 8) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static void accept_on(size_t i)
{
	struct timeval tv = { RECV_TIMEOUT_MS / 1000,
			      (RECV_TIMEOUT_MS % 1000) * 1000 };
	int one = 1;
	int fd = accept(pfd[i].fd, NULL, NULL);

	if (fd < 0) {
		return;
	}
	if (nfds == MAX_CONNS + 2 ||
	    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) != 0 ||
	    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one,
		       sizeof(one)) != 0) {
		close(fd);
		return;
	}
	pfd[nfds].fd = fd;
	pfd[nfds].events = POLLIN;
	kind[nfds] = kind[i] == CONN_LISTEN_DATA ? CONN_DATA : CONN_PLAT;
	nfds++;
}

static void drop(size_t i)
{
	close(pfd[i].fd);
	nfds--;
	pfd[i] = pfd[nfds];
	kind[i] = kind[nfds];
}

static void serve(void)
{
	for (;;) {
		if (poll(pfd, nfds, -1) < 0) {
			if (errno == EINTR) {
				continue;
			}
			perror("vtpm-host: poll");
			return;
		}
		for (size_t i = nfds; i-- > 0;) {
			bool ok = true;

			if (!pfd[i].revents) {
				continue;
			}
			switch (kind[i]) {
			case CONN_LISTEN_DATA:
			case CONN_LISTEN_PLAT:
				accept_on(i);
				continue;
			case CONN_DATA:
				ok = serve_data(pfd[i].fd);
				break;
			case CONN_PLAT:
				ok = serve_platform(pfd[i].fd);
				break;
			default:
				break;
			}
			if (!ok) {
				drop(i);
			}
		}
	}
}

static bool write_manifest(const char *path)
{
	size_t len = 0;
	const uint8_t *m = vtpm_ek_manifest(&len);
	FILE *f;
	bool ok;

	if (!m) {
		return false;
	}
	f = fopen(path, "wb");
	if (!f) {
		return false;
	}
	ok = fwrite(m, 1, len, f) == len;
	return fclose(f) == 0 && ok;
}

static void usage(void)
{
	fprintf(stderr, "usage: vtpm-host --port PORT [--manifest FILE]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	struct vtpm_nv_ops nv = vtpm_nv_mem_ops;
	struct vtpm_init_info info = { 0 };
	const char *manifest = NULL;
	long port = -1;
	int dfd;
	int pfd_plat;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--port") == 0 && i + 1 < argc) {
			port = strtol(argv[++i], NULL, 10);
		} else if (strcmp(argv[i], "--manifest") == 0 && i + 1 < argc) {
			manifest = argv[++i];
		} else {
			usage();
		}
	}
	if (port <= 0 || port >= 65535) {
		usage();
	}
	signal(SIGPIPE, SIG_IGN);
	dfd = listen_on((uint16_t)port);
	pfd_plat = listen_on((uint16_t)(port + 1));
	if (dfd < 0 || pfd_plat < 0) {
		fprintf(stderr, "vtpm-host: cannot listen on %ld/%ld: %s\n",
			port, port + 1, strerror(errno));
		return 3;
	}
	nv.ctx = vtpm_nv_mem_new();
	if (!nv.ctx) {
		fprintf(stderr, "vtpm-host: out of memory\n");
		return 1;
	}
	enum svsm_err err = vtpm_init(&nv, &info);

	if (err != SVSM_OK) {
		fprintf(stderr, "vtpm-host: TPM start failed (%d)\n", (int)err);
		return 1;
	}
	if (manifest && !write_manifest(manifest)) {
		fprintf(stderr, "vtpm-host: cannot write %s\n", manifest);
		return 1;
	}
	pfd[0] = (struct pollfd){ .fd = dfd, .events = POLLIN };
	kind[0] = CONN_LISTEN_DATA;
	pfd[1] = (struct pollfd){ .fd = pfd_plat, .events = POLLIN };
	kind[1] = CONN_LISTEN_PLAT;
	nfds = 2;
	printf("vtpm-host: ready on 127.0.0.1:%ld (platform %ld)%s\n", port,
	       port + 1, info.manufactured ? ", manufactured" : "");
	fflush(stdout);
	serve();
	return 1;
}
