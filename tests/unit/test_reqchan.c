// SPDX-License-Identifier: MIT
/*
 * Host tests of the request channel's frame codec (lib/reqchan): frames
 * round-trip, the parser finds frames after garbage and after a partial
 * magic, and refuses a bad version, an oversized length and a bad CRC,
 * each with its error code, then finds the next good frame.
 */
#include <string.h>

#include "svsm/reqchan.h"
#include "svsm/test.h"

#define BUF (REQCHAN_HDR_SIZE + REQCHAN_PAYLOAD_MAX)

/** Feeds `len` bytes; counts frames and failures, keeps the last frame. */
static void feed(struct reqchan_parser *p, const uint8_t *b, size_t len,
		 int *frames, int *bads)
{
	for (size_t i = 0; i < len; i++) {
		enum reqchan_event ev = reqchan_parser_feed(p, b[i]);

		*frames += ev == REQCHAN_FRAME;
		*bads += ev == REQCHAN_BAD;
	}
}

TEST(reqchan, frames_round_trip)
{
	static struct reqchan_parser parser;
	static uint8_t buf[BUF];
	static uint8_t data[REQCHAN_PAYLOAD_MAX];
	struct reqchan_parser *p = &parser;
	int frames = 0;
	int bads = 0;

	reqchan_parser_init(p);
	for (size_t i = 0; i < REQCHAN_PAYLOAD_MAX; i++) {
		data[i] = (uint8_t)(i * 7U);
	}
	static const size_t lens[] = { 0, 1, 40, REQCHAN_PAYLOAD_MAX };

	for (size_t k = 0; k < 4; k++) {
		size_t n = reqchan_encode(buf, BUF, REQCHAN_MEM_WRITE,
					  0xA0000000U + (uint32_t)k, data,
					  lens[k]);

		EXPECT_EQ(n, REQCHAN_HDR_SIZE + lens[k]);
		feed(p, buf, n, &frames, &bads);
		EXPECT_EQ(frames, (int)k + 1);
		EXPECT_EQ(p->frame.type, REQCHAN_MEM_WRITE);
		EXPECT_EQ(p->frame.len, lens[k]);
		EXPECT_EQ(p->frame.seq, 0xA0000000U + k);
		EXPECT_MEMEQ(p->frame.payload, data, lens[k]);
	}
	EXPECT_EQ(bads, 0);
	EXPECT_EQ(
		reqchan_encode(buf, BUF, 1, 0, data, REQCHAN_PAYLOAD_MAX + 1U),
		0);
	EXPECT_EQ(reqchan_encode(buf, 20, 1, 0, data, 5), 0);
}

TEST(reqchan, the_parser_skips_garbage_and_partial_magics)
{
	static struct reqchan_parser p;
	uint8_t buf[64];
	static const uint8_t junk[] = "xxCSRxCCSRCSQ";
	int frames = 0;
	int bads = 0;

	reqchan_parser_init(&p);
	feed(&p, junk, sizeof(junk) - 1, &frames, &bads);
	size_t n = reqchan_encode(buf, sizeof(buf), REQCHAN_SYNC, 5, NULL, 0);

	/* "CCSRQ": the second C starts the real magic. */
	buf[0] = 'C';
	feed(&p, (const uint8_t *)"C", 1, &frames, &bads);
	feed(&p, buf, n, &frames, &bads);
	EXPECT_EQ(frames, 1);
	EXPECT_EQ(bads, 0);
	EXPECT_EQ(p.frame.type, REQCHAN_SYNC);
	EXPECT_EQ(p.frame.seq, 5);
	EXPECT_EQ(p.skipped, sizeof(junk) - 1 + 1);
}

/** Encodes a frame, applies `mutate` at `off`, feeds it and a good one. */
static void expect_refused(struct test_ctx *t, size_t off, uint8_t val,
			   uint32_t code)
{
	static struct reqchan_parser p;
	uint8_t bad_frame[64];
	uint8_t good[64];
	int frames = 0;
	int bads = 0;
	const uint8_t payload[4] = { 1, 2, 3, 4 };
	size_t n = reqchan_encode(bad_frame, sizeof(bad_frame), REQCHAN_CALL,
				  77, payload, sizeof(payload));
	size_t g =
		reqchan_encode(good, sizeof(good), REQCHAN_SYNC, 78, NULL, 0);

	reqchan_parser_init(&p);
	bad_frame[off] = val;
	feed(&p, bad_frame, n, &frames, &bads);
	EXPECT_EQ(bads, 1);
	EXPECT_EQ(p.error, code);
	EXPECT_EQ(p.bad_seq, 77);
	feed(&p, good, g, &frames, &bads);
	EXPECT_EQ(frames, 1);
	EXPECT_EQ(p.frame.seq, 78);
}

TEST(reqchan, bad_frames_are_reported_and_the_stream_recovers)
{
	expect_refused(t, 4, 2, REQCHAN_E_VERSION);
	expect_refused(t, 7, 0xFF, REQCHAN_E_LENGTH); /* 0xFF04 bytes */
	expect_refused(t, 17, 0x99, REQCHAN_E_CRC);   /* payload */
	expect_refused(t, 12, 0x00, REQCHAN_E_CRC);   /* the CRC */
	expect_refused(t, 5, 0x03, REQCHAN_E_CRC);    /* the type */
}

TEST(reqchan, error_payload_layout)
{
	uint8_t out[REQCHAN_ERROR_SIZE];

	reqchan_error_payload(out, REQCHAN_E_SEQUENCE, 0x01020304U);
	static const uint8_t want[8] = { 4, 0, 0, 0, 4, 3, 2, 1 };

	EXPECT_MEMEQ(out, want, sizeof(want));
}
