// SPDX-License-Identifier: MIT
/*
 * The mssim bridge (tools/csvsm/mssim.h): tpm2-tools talk to the TPM
 * inside csvsm as they talk to the MS simulator. Every SEND_COMMAND
 * becomes one SVSM_VTPM_CMD, exactly as Linux's tpm_svsm driver makes
 * it: the request (lib/mssim, the driver's layout) written into a guest
 * page, the call with RCX = that page, the response read back, its size
 * checked against the page and the TPM header before it goes back.
 *
 * The page is the last of the guest memory span csvsm reports (SYNC);
 * the one below it holds the PVALIDATE list with which the bridge, like
 * a guest, validates its page once before the first command.
 *
 * One process, one thread, poll(). Each connection has its own input
 * buffer; frames are taken from it with the codec, so a client that
 * sends a frame in pieces is served when it is whole. A frame the codec
 * refuses (an unknown code, a command over 4087 bytes), a connection
 * that ends inside a frame, or a partial frame that makes no progress
 * for STALL_MS ends that connection only, with a message. Commands are
 * served one at a time, in arrival order.
 *
 * The request channel admits one client at a time (QEMU's socket
 * chardev), so the bridge holds a session only while a data connection
 * is open: between two tpm2-tools runs, `csvsm call` can get in. When
 * csvsm answers with an SVSM error, or the channel fails, the client
 * gets TPM_RC_FAILURE and stderr says why; the next command starts a
 * new session if the channel was lost.
 */
#include "mssim.h"

#include <errno.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "svsm/le.h"
#include "svsm/mssim.h"

#include "chan.h"
#include "uapi/svsm/protocol.h"

#define WHO "csvsm: mssim"
#define MAX_CONNS 16U
#define STALL_MS 5000
#define SEND_TIMEOUT_S 5
/* A command may generate an RSA key under TCG: be patient. */
#define REPLY_TIMEOUT_S 300U
/* Most responses fit the first read (GetRandom, PCR_Extend, ECDSA);
 * a longer one takes a second. Each byte costs about 3 us under TCG. */
#define FIRST_READ 128U
#define PAGE_SIZE 4096U
#define PVALIDATE_VALIDATE 4U

enum conn_kind {
	CONN_DATA,
	CONN_PLATFORM,
};

struct conn {
	enum conn_kind kind;
	int fd;
	size_t have;
	long long progress_ms;
	uint8_t in[MSSIM_FRAME_MAX];
};

static struct {
	struct mssim_ports *ports;
	const char *socket_path;
	struct chan ch;
	bool is_validated; /* the page has been validated once */
	uint64_t page_gpa;
	struct pollfd pfd[MAX_CONNS + 2];
	struct conn *conns[MAX_CONNS + 2]; /* NULL: a listening socket */
	size_t nfds;
	size_t data_conns;
	uint8_t buf[SVSM_VTPM_BUFFER_SIZE];
	uint8_t out[MSSIM_REPLY_MAX];
} br;

static long long now_ms(void)
{
	struct timespec ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int listen_on(uint16_t port)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_port = htons(port),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int one = 1;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0) {
		return -1;
	}
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) != 0 ||
	    bind(fd, (struct sockaddr *)&a, sizeof(a)) != 0 ||
	    listen(fd, 8) != 0) {
		int e = errno;

		(void)close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

bool mssim_listen(struct mssim_ports *p, uint16_t port)
{
	*p = (struct mssim_ports){ .port = port,
				   .data_fd = -1,
				   .platform_fd = -1 };
	if (port == 0 || port == UINT16_MAX) {
		(void)fprintf(stderr,
			      "%s: port %u: PORT and PORT+1 must be "
			      "in 1..65535\n",
			      WHO, port);
		return false;
	}
	p->data_fd = listen_on(port);
	if (p->data_fd >= 0) {
		p->platform_fd = listen_on((uint16_t)(port + 1U));
	}
	if (p->platform_fd < 0) {
		(void)fprintf(stderr,
			      "%s: cannot listen on 127.0.0.1:%u (%s port): "
			      "%s\n",
			      WHO, p->data_fd < 0 ? port : port + 1U,
			      p->data_fd < 0 ? "data" : "platform",
			      strerror(errno));
		mssim_close(p);
		return false;
	}
	return true;
}

void mssim_close(struct mssim_ports *p)
{
	if (p->data_fd >= 0) {
		(void)close(p->data_fd);
		p->data_fd = -1;
	}
	if (p->platform_fd >= 0) {
		(void)close(p->platform_fd);
		p->platform_fd = -1;
	}
}

/** A session on the channel, opened if there is none; false if none. */
static bool chan_ready(void)
{
	if (br.ch.fd >= 0) {
		return true;
	}
	if (!chan_open(&br.ch, br.socket_path, REPLY_TIMEOUT_S, WHO)) {
		return false;
	}
	if (br.ch.guest_size < 2ULL * PAGE_SIZE ||
	    br.ch.guest_base % PAGE_SIZE != 0 ||
	    br.ch.guest_size % PAGE_SIZE != 0) {
		(void)fprintf(stderr,
			      "%s: csvsm reports guest memory 0x%" PRIx64
			      " size 0x%" PRIx64 ": no page for the bridge\n",
			      WHO, br.ch.guest_base, br.ch.guest_size);
		chan_close(&br.ch);
		return false;
	}
	br.page_gpa = br.ch.guest_base + br.ch.guest_size - PAGE_SIZE;
	return true;
}

/** Validates the bridge's page once, as a guest validates its memory. */
static bool page_ready(void)
{
	uint8_t list[16] = { 1, 0, 0, 0, 0, 0, 0, 0 }; /* 1 entry, next 0 */
	uint64_t list_gpa = br.page_gpa - PAGE_SIZE;
	uint64_t regs[5] = { (uint64_t)SVSM_PROTO_CORE << 32 |
				     SVSM_CORE_PVALIDATE,
			     list_gpa, 0, 0, 0 };
	uint64_t entry = br.page_gpa | PVALIDATE_VALIDATE;

	if (br.is_validated) {
		return true;
	}
	for (int i = 0; i < 8; i++) {
		list[8 + i] = (uint8_t)(entry >> (8 * i));
	}
	if (!chan_mem_write(&br.ch, list_gpa, list, sizeof(list)) ||
	    !chan_call(&br.ch, regs)) {
		chan_close(&br.ch);
		return false;
	}
	if (regs[0] != SVSM_RC_SUCCESS &&
	    regs[0] != SVSM_RC_PVALIDATE_FAIL_NO_CHANGE) {
		(void)fprintf(stderr,
			      "%s: PVALIDATE of the page at 0x%" PRIx64
			      ": %s (0x%" PRIx64 ")\n",
			      WHO, br.page_gpa, chan_result_name(regs[0]),
			      regs[0]);
		return false;
	}
	br.is_validated = true;
	return true;
}

/**
 * Runs one command through SVSM_VTPM_CMD; the response is left in
 * br.buf + 4 and its size returned, 0 on failure (after a message).
 */
static uint32_t vtpm_command(uint8_t locality, const uint8_t *cmd,
			     uint32_t cmd_size)
{
	uint64_t regs[5] = { (uint64_t)SVSM_PROTO_VTPM << 32 | SVSM_VTPM_CMD, 0,
			     0, 0, 0 };
	size_t n = mssim_vtpm_request(br.buf, locality, cmd, cmd_size);
	uint32_t size;

	if (n == 0 || !chan_ready() || !page_ready()) {
		return 0;
	}
	regs[1] = br.page_gpa;
	if (!chan_mem_write(&br.ch, br.page_gpa, br.buf, (uint32_t)n) ||
	    !chan_call(&br.ch, regs) ||
	    (regs[0] == SVSM_RC_SUCCESS &&
	     !chan_mem_read(&br.ch, br.page_gpa, br.buf, FIRST_READ))) {
		chan_close(&br.ch); /* a new session for the next command */
		return 0;
	}
	if (regs[0] != SVSM_RC_SUCCESS) {
		(void)fprintf(stderr, "%s: SVSM_VTPM_CMD: %s (0x%" PRIx64 ")\n",
			      WHO, chan_result_name(regs[0]), regs[0]);
		return 0;
	}
	if (!mssim_vtpm_response_size(br.buf, &size)) {
		(void)fprintf(stderr,
			      "%s: SVSM_VTPM_CMD: response size %" PRIu32
			      " is not in %u..%u (a TPM header, the "
			      "buffer)\n",
			      WHO, le32_get(br.buf), TPM_HDR_SIZE,
			      SVSM_VTPM_MAX_RESPONSE);
		return 0;
	}
	if (4U + size > FIRST_READ &&
	    !chan_mem_read(&br.ch, br.page_gpa + FIRST_READ,
			   br.buf + FIRST_READ, 4U + size - FIRST_READ)) {
		chan_close(&br.ch);
		return 0;
	}
	if (!mssim_tpm_response_ok(br.buf + SVSM_VTPM_RSP_DATA, size)) {
		(void)fprintf(stderr,
			      "%s: SVSM_VTPM_CMD: the TPM response's header "
			      "does not give its size %" PRIu32 "\n",
			      WHO, size);
		return 0;
	}
	return size;
}

/** SEND_COMMAND: the response, or TPM_RC_FAILURE; false: drop. */
static bool serve_command(struct conn *c, const struct mssim_frame *f)
{
	uint32_t size = vtpm_command(f->locality, f->cmd, f->cmd_size);
	const uint8_t *rsp = br.buf + SVSM_VTPM_RSP_DATA;
	uint8_t err[TPM_HDR_SIZE];
	size_t n;

	if (size == 0) {
		mssim_tpm_error(err, TPM_RC_FAILURE);
		rsp = err;
		size = sizeof(err);
	}
	n = mssim_reply(br.out, sizeof(br.out), rsp, size);
	return n > 0 && chan_send_all(c->fd, br.out, n);
}

/** Serves one whole frame; false: end the connection. */
static bool serve_frame(struct conn *c, const struct mssim_frame *f)
{
	uint8_t r[MSSIM_CONTROL_REPLY_MAX];
	size_t n;

	if (f->code == MSSIM_SESSION_END) {
		return false;
	}
	if (c->kind == CONN_DATA && f->code == MSSIM_SEND_COMMAND) {
		return serve_command(c, f);
	}
	n = mssim_control_reply(c->kind == CONN_DATA ? MSSIM_PORT_DATA
						     : MSSIM_PORT_PLATFORM,
				f, r);
	return n > 0 && chan_send_all(c->fd, r, n);
}

static const char *kind_name(const struct conn *c)
{
	return c->kind == CONN_DATA ? "data" : "platform";
}

/** Takes what has arrived and serves every whole frame; false: drop. */
static bool serve_input(struct conn *c)
{
	struct mssim_frame f;
	enum mssim_result r = MSSIM_FRAME;
	ssize_t got;

	do {
		got = recv(c->fd, c->in + c->have, sizeof(c->in) - c->have,
			   MSG_DONTWAIT);
	} while (got < 0 && errno == EINTR);
	if (got < 0 && errno == EAGAIN) {
		return true;
	}
	if (got <= 0) {
		if (c->have > 0) {
			(void)fprintf(stderr,
				      "%s: %s connection ended inside a "
				      "frame (%zu bytes)\n",
				      WHO, kind_name(c), c->have);
		}
		return false;
	}
	c->have += (size_t)got;
	c->progress_ms = now_ms();
	while (c->have > 0) {
		r = mssim_parse(c->kind == CONN_DATA ? MSSIM_PORT_DATA
						     : MSSIM_PORT_PLATFORM,
				c->in, c->have, &f);
		if (r != MSSIM_FRAME) {
			break;
		}
		if (!serve_frame(c, &f)) {
			return false;
		}
		memmove(c->in, c->in + f.size, c->have - f.size);
		c->have -= f.size;
	}
	if (r == MSSIM_BAD) {
		(void)fprintf(stderr,
			      "%s: closing a %s connection: %s (%" PRIu32 ")\n",
			      WHO, kind_name(c), f.why, f.bad_value);
		return false;
	}
	return true;
}

static void accept_on(int lfd, enum conn_kind kind)
{
	struct timeval tv = { SEND_TIMEOUT_S, 0 };
	int one = 1;
	int fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
	struct conn *c;

	if (fd < 0) {
		return;
	}
	c = br.nfds < MAX_CONNS + 2 ? malloc(sizeof(*c)) : NULL;
	if (!c ||
	    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) != 0 ||
	    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) != 0) {
		(void)fprintf(stderr, "%s: refusing a connection: %s\n", WHO,
			      c ? strerror(errno) : "too many");
		free(c);
		(void)close(fd);
		return;
	}
	*c = (struct conn){ .kind = kind, .fd = fd, .progress_ms = now_ms() };
	br.pfd[br.nfds] = (struct pollfd){ .fd = fd, .events = POLLIN };
	br.conns[br.nfds] = c;
	br.nfds++;
	br.data_conns += kind == CONN_DATA;
}

static void drop(size_t i)
{
	struct conn *c = br.conns[i];

	br.data_conns -= c->kind == CONN_DATA;
	(void)close(c->fd);
	free(c);
	br.nfds--;
	br.pfd[i] = br.pfd[br.nfds];
	br.conns[i] = br.conns[br.nfds];
	if (br.data_conns == 0) {
		chan_close(&br.ch); /* let `csvsm call` in between clients */
	}
}

/** Entry `i` after a poll: accept, serve, or end a stalled frame. */
static void serve_entry(size_t i, long long now)
{
	struct conn *c = br.conns[i];
	bool is_ready = br.pfd[i].revents != 0;

	if (!c) {
		if (is_ready) {
			accept_on(br.pfd[i].fd,
				  br.pfd[i].fd == br.ports->data_fd
					  ? CONN_DATA
					  : CONN_PLATFORM);
		}
		return;
	}
	if (is_ready) {
		if (!serve_input(c)) {
			drop(i);
		}
		return;
	}
	if (c->have > 0 && now - c->progress_ms > STALL_MS) {
		(void)fprintf(stderr,
			      "%s: closing a %s connection: a partial frame "
			      "(%zu bytes) for %d ms\n",
			      WHO, kind_name(c), c->have, STALL_MS);
		drop(i);
	}
}

int mssim_serve(struct mssim_ports *p, const char *socket_path)
{
	br.ports = p;
	br.socket_path = socket_path;
	br.ch.fd = -1;
	br.pfd[0] = (struct pollfd){ .fd = p->data_fd, .events = POLLIN };
	br.pfd[1] = (struct pollfd){ .fd = p->platform_fd, .events = POLLIN };
	br.nfds = 2;
	(void)fprintf(stderr,
		      "%s: serving tpm2-tools on 127.0.0.1:%u (platform %u)\n",
		      WHO, p->port, p->port + 1U);
	for (;;) {
		int ready = poll(br.pfd, br.nfds, STALL_MS / 4);
		long long now = now_ms();

		if (ready < 0 && errno != EINTR) {
			(void)fprintf(stderr, "%s: poll: %s\n", WHO,
				      strerror(errno));
			return 1;
		}
		/* Backwards: drop() moves the last entry into slot i. */
		for (size_t i = br.nfds; i-- > 0;) {
			if (ready < 0) {
				break;
			}
			serve_entry(i, now);
		}
	}
}
