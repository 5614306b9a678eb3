// SPDX-License-Identifier: MIT
/*
 * The host's end of the native request channel (tools/csvsm/chan.h,
 * docs/REQCHAN.md): frames out, replies in, strictly one request at a
 * time. A session starts with SYNC at a number of its own, so replies
 * left over from an earlier session cannot match.
 */
#include "chan.h"

#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "svsm/le.h"

#include "uapi/svsm/protocol.h"

static void put_le64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++) {
		p[i] = (uint8_t)(v >> (8 * i));
	}
}

static void set_deadline(struct chan *ch)
{
	(void)clock_gettime(CLOCK_MONOTONIC, &ch->deadline);
	ch->deadline.tv_sec += (time_t)ch->timeout_s;
}

/** Milliseconds left until the deadline (0 when it has passed). */
static long ms_left(const struct chan *ch)
{
	struct timespec now;
	long ms;

	(void)clock_gettime(CLOCK_MONOTONIC, &now);
	ms = (ch->deadline.tv_sec - now.tv_sec) * 1000L +
	     (ch->deadline.tv_nsec - now.tv_nsec) / 1000000L;
	return ms > 0 ? ms : 0;
}

/** Connects, retrying until the deadline (QEMU may still be starting). */
static bool connect_socket(struct chan *ch, const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };

	if (strlen(path) >= sizeof(sa.sun_path)) {
		(void)fprintf(stderr, "%s: socket path too long\n", ch->who);
		return false;
	}
	memcpy(sa.sun_path, path, strlen(path) + 1);
	for (;;) {
		ch->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (ch->fd < 0) {
			(void)fprintf(stderr, "%s: socket: %s\n", ch->who,
				      strerror(errno));
			return false;
		}
		if (connect(ch->fd, (struct sockaddr *)&sa, sizeof(sa)) == 0) {
			return true;
		}
		int e = errno;

		(void)close(ch->fd);
		ch->fd = -1;
		if ((e != ENOENT && e != ECONNREFUSED) || ms_left(ch) == 0) {
			(void)fprintf(stderr, "%s: connect %s: %s\n", ch->who,
				      path, strerror(e));
			return false;
		}
		(void)usleep(100000);
	}
}

bool chan_send_all(int fd, const uint8_t *b, size_t len)
{
	while (len > 0) {
		ssize_t n = send(fd, b, len, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR) {
			continue;
		}
		if (n <= 0) {
			errno = n < 0 ? errno : 0;
			return false;
		}
		b += n;
		len -= (size_t)n;
	}
	return true;
}

static bool send_all(struct chan *ch, const uint8_t *b, size_t len)
{
	if (chan_send_all(ch->fd, b, len)) {
		return true;
	}
	(void)fprintf(stderr, "%s: send: %s\n", ch->who,
		      errno != 0 ? strerror(errno) : "closed");
	return false;
}

/** Is `f` the reply awaited, or an ERROR (reported)? */
static bool is_answer(struct chan *ch, const struct reqchan_frame *f,
		      uint8_t type, bool *is_error)
{
	if (f->type == REQCHAN_ERROR && f->len == REQCHAN_ERROR_SIZE) {
		ch->refused = le32_get(f->payload);
		(void)fprintf(stderr,
			      "%s: csvsm refused frame %" PRIu32
			      ": error %" PRIu32 "\n",
			      ch->who, le32_get(f->payload + 4), ch->refused);
		*is_error = true;
		return true;
	}
	return f->seq == ch->seq && f->type == (type | REQCHAN_REPLY);
}

/** Waits for the reply to `seq` of `type`; false on error or timeout. */
static bool await_reply(struct chan *ch, uint8_t type)
{
	uint8_t buf[512];

	for (;;) {
		struct pollfd pfd = { ch->fd, POLLIN, 0 };
		long ms = ms_left(ch);
		int r = ms > 0 ? poll(&pfd, 1, (int)ms) : 0;

		if (r < 0 && errno == EINTR) {
			continue;
		}
		if (r <= 0) {
			(void)fprintf(stderr,
				      "%s: no reply within %" PRIu32 " s\n",
				      ch->who, ch->timeout_s);
			return false;
		}
		ssize_t n = recv(ch->fd, buf, sizeof(buf), 0);

		if (n < 0 && errno == EINTR) {
			continue;
		}
		if (n <= 0) {
			(void)fprintf(stderr, "%s: the channel closed\n",
				      ch->who);
			return false;
		}
		for (ssize_t i = 0; i < n; i++) {
			bool is_error = false;

			if (reqchan_parser_feed(&ch->parser, buf[i]) ==
				    REQCHAN_FRAME &&
			    is_answer(ch, &ch->parser.frame, type, &is_error)) {
				return !is_error;
			}
		}
	}
}

/** Sends one request and waits for its reply (in ch->parser.frame). */
static bool exchange(struct chan *ch, uint8_t type, const void *payload,
		     size_t len)
{
	static uint8_t frame[REQCHAN_HDR_SIZE + REQCHAN_PAYLOAD_MAX];
	size_t n;

	if (ch->fd < 0) {
		(void)fprintf(stderr, "%s: the channel is closed\n", ch->who);
		return false;
	}
	ch->seq++;
	n = reqchan_encode(frame, sizeof(frame), type, ch->seq, payload, len);
	set_deadline(ch);
	return n > 0 && send_all(ch, frame, n) && await_reply(ch, type);
}

bool chan_open(struct chan *ch, const char *path, uint32_t timeout_s,
	       const char *who)
{
	struct timespec now;
	const uint8_t *p;

	*ch = (struct chan){ .fd = -1, .timeout_s = timeout_s, .who = who };
	reqchan_parser_init(&ch->parser);
	set_deadline(ch);
	/* A fresh session number each time: left-over replies of an
	 * earlier session cannot match. */
	(void)clock_gettime(CLOCK_REALTIME, &now);
	ch->seq = (uint32_t)now.tv_nsec ^ (uint32_t)getpid() << 12;
	if (!connect_socket(ch, path)) {
		return false;
	}
	ch->seq--; /* exchange() numbers SYNC as seq */
	if (!exchange(ch, REQCHAN_SYNC, NULL, 0) ||
	    ch->parser.frame.len != REQCHAN_SYNC_REPLY_SIZE) {
		chan_close(ch);
		return false;
	}
	p = ch->parser.frame.payload;
	ch->guest_base = le64_get(p);
	ch->guest_size = le64_get(p + 8);
	ch->vcpu_count = le64_get(p + 16);
	return true;
}

bool chan_call(struct chan *ch, uint64_t regs[5])
{
	uint8_t p[REQCHAN_CALL_SIZE];

	for (size_t r = 0; r < 5; r++) {
		put_le64(p + 8 * r, regs[r]);
	}
	if (!exchange(ch, REQCHAN_CALL, p, sizeof(p)) ||
	    ch->parser.frame.len != REQCHAN_CALL_SIZE) {
		return false;
	}
	for (size_t r = 0; r < 5; r++) {
		regs[r] = le64_get(ch->parser.frame.payload + 8 * r);
	}
	return true;
}

bool chan_mem_write(struct chan *ch, uint64_t gpa, const void *data,
		    uint32_t len)
{
	static uint8_t p[REQCHAN_PAYLOAD_MAX];

	if (len == 0 || len > REQCHAN_DATA_MAX) {
		return false;
	}
	put_le64(p, gpa);
	memcpy(p + 8, data, len);
	return exchange(ch, REQCHAN_MEM_WRITE, p, 8U + len);
}

bool chan_mem_read(struct chan *ch, uint64_t gpa, void *buf, uint32_t len)
{
	uint8_t p[REQCHAN_READ_REQ_SIZE];

	if (len == 0 || len > REQCHAN_DATA_MAX) {
		return false;
	}
	put_le64(p, gpa);
	p[8] = (uint8_t)len;
	p[9] = (uint8_t)(len >> 8);
	p[10] = 0;
	p[11] = 0;
	if (!exchange(ch, REQCHAN_MEM_READ, p, sizeof(p))) {
		return false;
	}
	if (ch->parser.frame.len != len) {
		(void)fprintf(stderr,
			      "%s: read of %" PRIu32 " bytes answered with "
			      "%" PRIu32 "\n",
			      ch->who, len, (uint32_t)ch->parser.frame.len);
		return false;
	}
	memcpy(buf, ch->parser.frame.payload, len);
	return true;
}

const char *chan_result_name(uint64_t rax)
{
	switch (rax) {
	case SVSM_RC_SUCCESS:
		return "SUCCESS";
	case SVSM_RC_INCOMPLETE:
		return "INCOMPLETE";
	case SVSM_RC_UNSUPPORTED_PROTOCOL:
		return "UNSUPPORTED_PROTOCOL";
	case SVSM_RC_UNSUPPORTED_CALL:
		return "UNSUPPORTED_CALL";
	case SVSM_RC_INVALID_ADDRESS:
		return "INVALID_ADDRESS";
	case SVSM_RC_INVALID_FORMAT:
		return "INVALID_FORMAT";
	case SVSM_RC_INVALID_PARAMETER:
		return "INVALID_PARAMETER";
	case SVSM_RC_INVALID_REQUEST:
		return "INVALID_REQUEST";
	case SVSM_RC_BUSY:
		return "BUSY";
	case SVSM_RC_PVALIDATE_FAIL_INPUT:
		return "PVALIDATE_FAIL_INPUT";
	case SVSM_RC_PVALIDATE_FAIL_SIZEMISMATCH:
		return "PVALIDATE_FAIL_SIZEMISMATCH";
	case SVSM_RC_PVALIDATE_FAIL_NO_CHANGE:
		return "PVALIDATE_FAIL_NO_CHANGE";
	default:
		return rax >= SVSM_RC_PROTOCOL_BASE ? "PROTOCOL_ERROR"
						    : "UNKNOWN";
	}
}

void chan_close(struct chan *ch)
{
	if (ch->fd >= 0) {
		(void)close(ch->fd);
		ch->fd = -1;
	}
}
