// SPDX-License-Identifier: MIT
/*
 * The request channel's frame codec (svsm/reqchan.h). The parser is a
 * small state machine: HUNT slides over the stream until the four magic
 * bytes line up, HEADER collects the rest of the header and checks the
 * version and the length before any payload is accepted (so a corrupt
 * length cannot make it swallow the next frames whole beyond the
 * maximum), PAYLOAD collects the payload, and the CRC over header and
 * payload decides. Every failure drops the frame and hunts again; no
 * state outlives a frame except the counters.
 */
#include "svsm/reqchan.h"

#include "svsm/crc32.h"
#include "svsm/le.h"
#include "svsm/string.h"

enum {
	HUNT,
	HEADER,
	PAYLOAD
};

static const uint8_t MAGIC[4] = { REQCHAN_MAGIC0, REQCHAN_MAGIC1,
				  REQCHAN_MAGIC2, REQCHAN_MAGIC3 };

void reqchan_parser_init(struct reqchan_parser *p)
{
	p->state = HUNT;
	p->have = 0;
	p->error = 0;
	p->bad_seq = 0;
	p->skipped = 0;
}

static void put_le16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void put_le32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++) {
		p[i] = (uint8_t)(v >> (8 * i));
	}
}

/** Ends the frame with a failure. */
static enum reqchan_event bad(struct reqchan_parser *p, uint32_t code)
{
	p->error = code;
	p->bad_seq = le32_get(p->hdr + 8);
	p->state = HUNT;
	p->have = 0;
	return REQCHAN_BAD;
}

/** HUNT: matches the magic one byte at a time. */
static void hunt(struct reqchan_parser *p, uint8_t b)
{
	if (b == MAGIC[p->have]) {
		p->hdr[p->have++] = b;
		if (p->have == sizeof(MAGIC)) {
			p->state = HEADER;
		}
		return;
	}
	/* "CCSRQ": a mismatch may still start a MAGIC (only 'C' can). */
	p->skipped += p->have;
	p->have = 0;
	if (b == MAGIC[0]) {
		p->hdr[p->have++] = b;
	} else {
		p->skipped++;
	}
}

/** The payload is complete: the CRC decides. */
static enum reqchan_event frame_done(struct reqchan_parser *p)
{
	uint32_t crc = crc32_update(0, p->hdr, 12);

	crc = crc32_update(crc, p->frame.payload, p->frame.len);
	if (crc != le32_get(p->hdr + 12)) {
		return bad(p, REQCHAN_E_CRC);
	}
	p->state = HUNT;
	p->have = 0;
	return REQCHAN_FRAME;
}

/** The header is complete: checks it before taking any payload. */
static enum reqchan_event header_done(struct reqchan_parser *p)
{
	p->frame.type = p->hdr[5];
	p->frame.len = le16_get(p->hdr + 6);
	p->frame.seq = le32_get(p->hdr + 8);
	if (p->hdr[4] != REQCHAN_VERSION) {
		return bad(p, REQCHAN_E_VERSION);
	}
	if (p->frame.len > REQCHAN_PAYLOAD_MAX) {
		return bad(p, REQCHAN_E_LENGTH);
	}
	p->state = PAYLOAD;
	p->have = 0;
	return p->frame.len == 0 ? frame_done(p) : REQCHAN_NONE;
}

enum reqchan_event reqchan_parser_feed(struct reqchan_parser *p, uint8_t b)
{
	switch (p->state) {
	case HEADER:
		p->hdr[p->have++] = b;
		return p->have == REQCHAN_HDR_SIZE ? header_done(p)
						   : REQCHAN_NONE;
	case PAYLOAD:
		p->frame.payload[p->have++] = b;
		return p->have == p->frame.len ? frame_done(p) : REQCHAN_NONE;
	case HUNT:
	default:
		hunt(p, b);
		return REQCHAN_NONE;
	}
}

size_t reqchan_encode(uint8_t *out, size_t room, uint8_t type, uint32_t seq,
		      const void *payload, size_t len)
{
	if (len > REQCHAN_PAYLOAD_MAX || room < REQCHAN_HDR_SIZE + len) {
		return 0;
	}
	memcpy(out, MAGIC, sizeof(MAGIC));
	out[4] = REQCHAN_VERSION;
	out[5] = type;
	put_le16(out + 6, (uint16_t)len);
	put_le32(out + 8, seq);
	if (len > 0) {
		memcpy(out + REQCHAN_HDR_SIZE, payload, len);
	}
	uint32_t crc = crc32_update(0, out, 12);

	crc = crc32_update(crc, out + REQCHAN_HDR_SIZE, len);
	put_le32(out + 12, crc);
	return REQCHAN_HDR_SIZE + len;
}

void reqchan_error_payload(uint8_t out[REQCHAN_ERROR_SIZE], uint32_t code,
			   uint32_t seq)
{
	put_le32(out, code);
	put_le32(out + 4, seq);
}
