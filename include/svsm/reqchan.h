/* SPDX-License-Identifier: MIT */
/*
 * Frames of the native request channel (include/uapi/svsm/reqchan.h):
 * an encoder, and a parser fed one byte at a time that finds frames in
 * a stream that may hold garbage. Shared by csvsm's native platform and
 * the `csvsm call` host tool; platform-neutral and allocation-free.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "uapi/svsm/reqchan.h"

/** A frame, decoded. */
struct reqchan_frame {
	uint8_t type;
	uint16_t len;
	uint32_t seq;
	uint8_t payload[REQCHAN_PAYLOAD_MAX];
};

/** What feeding one byte produced. */
enum reqchan_event {
	REQCHAN_NONE,  /**< nothing yet */
	REQCHAN_FRAME, /**< a whole, checked frame is in the parser */
	REQCHAN_BAD,   /**< a frame failed a check: error code in `error` */
};

/** The parser. Zero-initialised (or reqchan_parser_init) is hunting. */
struct reqchan_parser {
	uint32_t state; /**< internal */
	uint32_t have;	/**< bytes of the current frame so far */
	uint8_t hdr[REQCHAN_HDR_SIZE];
	uint32_t error;	  /**< REQCHAN_E_* of the last REQCHAN_BAD */
	uint32_t bad_seq; /**< the sequence number the bad frame carried */
	uint64_t skipped; /**< bytes dropped while hunting for a magic */
	struct reqchan_frame frame;
};

void reqchan_parser_init(struct reqchan_parser *p);
/**
 * Feeds one byte. After REQCHAN_FRAME, `p->frame` holds the frame until
 * the next call; after REQCHAN_BAD the frame was dropped and the parser
 * hunts for the next magic.
 */
enum reqchan_event reqchan_parser_feed(struct reqchan_parser *p, uint8_t b);
/**
 * Encodes a frame into `out` (room for REQCHAN_HDR_SIZE + len bytes);
 * returns its size, or 0 if `len` exceeds REQCHAN_PAYLOAD_MAX.
 */
size_t reqchan_encode(uint8_t *out, size_t room, uint8_t type, uint32_t seq,
		      const void *payload, size_t len);
/** An ERROR frame's payload for `code` and sequence number `seq`. */
void reqchan_error_payload(uint8_t out[REQCHAN_ERROR_SIZE], uint32_t code,
			   uint32_t seq);
