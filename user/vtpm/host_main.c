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
 * One thread serves every connection through poll(). Each connection
 * has its own input buffer: whatever has arrived is taken with one
 * non-blocking read and complete frames are served from it, so a slow
 * or stalled client never holds up the others, and a command costs one
 * read and one write. A frame that is malformed, oversized or unknown
 * closes its connection only; so does a partial frame that makes no
 * progress for STALL_MS, and a client that does not take its response
 * within the send timeout.
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
#include <time.h>
#include <unistd.h>

#include "svsm/mssim.h"

#include "vtpm.h"

#define FRAME_MAX MSSIM_FRAME_MAX
#define MAX_CONNS 16U
#define STALL_MS 2000
#define SEND_TIMEOUT_MS 2000

enum conn_kind {
	CONN_LISTEN_DATA,
	CONN_LISTEN_PLAT,
	CONN_DATA,
	CONN_PLAT
};

/** What serving the buffered input found. */
enum frame_result {
	FRAME_DONE, /* one frame served and consumed */
	FRAME_MORE, /* incomplete: wait for more input */
	FRAME_BAD,  /* close the connection */
};

struct conn {
	enum conn_kind kind;
	size_t have;	       /* bytes in `in` */
	long long progress_ms; /* last time input arrived */
	uint8_t in[FRAME_MAX];
};

static struct pollfd pfd[MAX_CONNS + 2];
static struct conn *conns[MAX_CONNS + 2];
static size_t nfds;
static uint8_t out_buf[VTPM_MAX_BUFFER + 8]; /* size, response, trailer */

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
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

/** Drops `n` served bytes from the front of the input. */
static void consume(struct conn *c, size_t n)
{
	memmove(c->in, c->in + n, c->have - n);
	c->have -= n;
}

/**
 * Serves the frame at the front of the input (lib/mssim parses it):
 * SEND_COMMAND runs the command and answers size, response and trailer;
 * REMOTE_HANDSHAKE answers version 1; platform codes are acknowledged
 * with 0; SESSION_END and anything refused close the connection.
 */
static enum frame_result serve_frame(int fd, struct conn *c)
{
	static const uint8_t handshake[12] = { 0, 0, 0, 1 };
	static const uint8_t ack[4] = { 0 };
	struct mssim_frame f;
	enum mssim_result r = mssim_parse(
		c->kind == CONN_DATA ? MSSIM_PORT_DATA : MSSIM_PORT_PLATFORM,
		c->in, c->have, &f);
	size_t n;

	if (r == MSSIM_MORE) {
		return FRAME_MORE;
	}
	if (r == MSSIM_BAD || f.code == MSSIM_SESSION_END) {
		return FRAME_BAD;
	}
	if (c->kind == CONN_PLAT) {
		consume(c, f.size);
		return write_all(fd, ack, sizeof(ack)) ? FRAME_DONE : FRAME_BAD;
	}
	if (f.code == MSSIM_REMOTE_HANDSHAKE) {
		consume(c, f.size);
		return write_all(fd, handshake, sizeof(handshake)) ? FRAME_DONE
								   : FRAME_BAD;
	}
	n = vtpm_process_locality(f.locality, f.cmd, f.cmd_size, out_buf + 4,
				  VTPM_MAX_BUFFER);
	n = n == 0 ? 0
		   : mssim_reply(out_buf, sizeof(out_buf), out_buf + 4,
				 (uint32_t)n);
	if (n == 0) {
		return FRAME_BAD;
	}
	consume(c, f.size);
	return write_all(fd, out_buf, n) ? FRAME_DONE : FRAME_BAD;
}

/** Takes what has arrived and serves every complete frame in it. */
static bool serve_input(int fd, struct conn *c)
{
	enum frame_result r = FRAME_DONE;
	ssize_t got;

	do {
		got = recv(fd, c->in + c->have, sizeof(c->in) - c->have,
			   MSG_DONTWAIT);
	} while (got < 0 && errno == EINTR);
	if (got == 0 || (got < 0 && errno != EAGAIN)) {
		return false;
	}
	if (got > 0) {
		c->have += (size_t)got;
		c->progress_ms = now_ms();
	}
	while (r == FRAME_DONE && c->have > 0) {
		r = serve_frame(fd, c);
	}
	return r != FRAME_BAD;
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
	struct timeval tv = { SEND_TIMEOUT_MS / 1000,
			      (SEND_TIMEOUT_MS % 1000) * 1000L };
	int one = 1;
	int fd = accept(pfd[i].fd, NULL, NULL);
	struct conn *c;

	if (fd < 0) {
		return;
	}
	c = nfds < MAX_CONNS + 2 ? malloc(sizeof(*c)) : NULL;
	if (!c ||
	    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) != 0 ||
	    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) != 0) {
		free(c);
		close(fd);
		return;
	}
	c->kind = conns[i]->kind == CONN_LISTEN_DATA ? CONN_DATA : CONN_PLAT;
	c->have = 0;
	c->progress_ms = now_ms();
	pfd[nfds] = (struct pollfd){ .fd = fd, .events = POLLIN };
	conns[nfds] = c;
	nfds++;
}

static void drop(size_t i)
{
	close(pfd[i].fd);
	free(conns[i]);
	nfds--;
	pfd[i] = pfd[nfds];
	conns[i] = conns[nfds];
}

/** Entry `i` after a poll: accept, serve, or close a stalled frame. */
static void serve_entry(size_t i, bool is_ready, long long now)
{
	struct conn *c = conns[i];
	bool ok = true;

	if (c->kind == CONN_LISTEN_DATA || c->kind == CONN_LISTEN_PLAT) {
		if (is_ready) {
			accept_on(i);
		}
		return;
	}
	if (is_ready) {
		ok = serve_input(pfd[i].fd, c);
	} else if (c->have > 0 && now - c->progress_ms > STALL_MS) {
		ok = false; /* a partial frame, stalled */
	}
	if (!ok) {
		drop(i);
	}
}

static void serve(void)
{
	for (;;) {
		int ready = poll(pfd, nfds, STALL_MS / 4);
		long long now = now_ms();

		if (ready < 0 && errno != EINTR) {
			perror("vtpm-host: poll");
			return;
		}
		/* Backwards: drop() moves the last entry into slot i. */
		for (size_t i = nfds; i-- > 0;) {
			serve_entry(i, ready > 0 && pfd[i].revents != 0, now);
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
	(void)fprintf(stderr,
		      "usage: vtpm-host --port PORT [--manifest FILE]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	struct vtpm_nv_ops nv = VTPM_NV_MEM_OPS;
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
	if (signal(SIGPIPE, SIG_IGN) == SIG_ERR) {
		return 1;
	}
	dfd = listen_on((uint16_t)port);
	pfd_plat = listen_on((uint16_t)(port + 1));
	if (dfd < 0 || pfd_plat < 0) {
		(void)fprintf(stderr,
			      "vtpm-host: cannot listen on %ld/%ld: %s\n", port,
			      port + 1, strerror(errno));
		return 3;
	}
	nv.ctx = vtpm_nv_mem_new();
	if (!nv.ctx) {
		(void)fprintf(stderr, "vtpm-host: out of memory\n");
		return 1;
	}
	enum svsm_err err = vtpm_init(&nv, &info);

	if (err != SVSM_OK) {
		(void)fprintf(stderr, "vtpm-host: TPM start failed (%d)\n",
			      (int)err);
		return 1;
	}
	if (manifest && !write_manifest(manifest)) {
		(void)fprintf(stderr, "vtpm-host: cannot write %s\n", manifest);
		return 1;
	}
	static struct conn listen_data = { .kind = CONN_LISTEN_DATA };
	static struct conn listen_plat = { .kind = CONN_LISTEN_PLAT };

	pfd[0] = (struct pollfd){ .fd = dfd, .events = POLLIN };
	conns[0] = &listen_data;
	pfd[1] = (struct pollfd){ .fd = pfd_plat, .events = POLLIN };
	conns[1] = &listen_plat;
	nfds = 2;
	(void)printf("vtpm-host: ready on 127.0.0.1:%ld (platform %ld)%s\n",
		     port, port + 1, info.manufactured ? ", manufactured" : "");
	(void)fflush(stdout);
	serve();
	return 1;
}
