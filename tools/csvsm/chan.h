/* SPDX-License-Identifier: MIT */
/*
 * The host's end of the native request channel (docs/REQCHAN.md): one
 * session over the Unix socket that `csvsm run --request-socket` gives
 * QEMU's COM2. Used by `csvsm call` and the mssim bridge.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "svsm/reqchan.h"

/** One session: a connection, synced, numbering its requests. */
struct chan {
	int fd; /* -1: closed */
	uint32_t seq;
	uint32_t timeout_s; /* per reply, and for connecting */
	const char *who;    /* the prefix of every message, "csvsm: call" */
	struct timespec deadline;
	struct reqchan_parser parser;
	/* From the SYNC reply: the guest memory span and the vCPU count. */
	uint64_t guest_base;
	uint64_t guest_size;
	uint64_t vcpu_count;
	/* The ERROR code of the last refused request, 0 if none. */
	uint32_t refused;
};

/**
 * Connects to `path` (retrying while QEMU has not created or is not yet
 * listening on it, up to `timeout_s`) and starts a session with SYNC.
 * False after a message on stderr; the channel is then closed.
 */
bool chan_open(struct chan *ch, const char *path, uint32_t timeout_s,
	       const char *who);

/**
 * Sends all `len` bytes on socket `fd` (EINTR retried, no SIGPIPE).
 * False on failure, with errno set, or 0 when the peer took nothing.
 */
bool chan_send_all(int fd, const uint8_t *b, size_t len);

/** One SVSM call; `regs` (RAX RCX RDX R8 R9) in, the result out. */
bool chan_call(struct chan *ch, uint64_t regs[5]);

/** Writes `len` (1..4096) bytes of guest memory at `gpa`. */
bool chan_mem_write(struct chan *ch, uint64_t gpa, const void *data,
		    uint32_t len);

/** Reads `len` (1..4096) bytes of guest memory at `gpa` into `buf`. */
bool chan_mem_read(struct chan *ch, uint64_t gpa, void *buf, uint32_t len);

/** The name of an SVSM result code (RAX after a call). */
const char *chan_result_name(uint64_t rax);

/** Ends the session; idempotent. */
void chan_close(struct chan *ch);
