// SPDX-License-Identifier: MIT
/*
 * libFuzzer target for the request channel's frame parser
 * (lib/reqchan). The input is a byte stream. Every frame the parser
 * accepts must re-encode to bytes that it accepts again identically;
 * a refusal must carry a known code; the parser never reads or writes
 * past its buffers (ASan).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "svsm/reqchan.h"

/* The entry point libFuzzer calls; its name is fixed by libFuzzer. */
/* NOLINTNEXTLINE(readability-identifier-naming) */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct reqchan_parser p;
static struct reqchan_parser again;
static uint8_t buf[REQCHAN_HDR_SIZE + REQCHAN_PAYLOAD_MAX];

static void recheck(const struct reqchan_frame *f)
{
	size_t n = reqchan_encode(buf, sizeof(buf), f->type, f->seq, f->payload,
				  f->len);
	enum reqchan_event ev = REQCHAN_NONE;

	if (n != REQCHAN_HDR_SIZE + (size_t)f->len) {
		abort();
	}
	reqchan_parser_init(&again);
	for (size_t i = 0; i < n; i++) {
		ev = reqchan_parser_feed(&again, buf[i]);
		if (ev != REQCHAN_NONE && i != n - 1) {
			abort();
		}
	}
	if (ev != REQCHAN_FRAME || again.frame.type != f->type ||
	    again.frame.seq != f->seq || again.frame.len != f->len ||
	    memcmp(again.frame.payload, f->payload, f->len) != 0) {
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	reqchan_parser_init(&p);
	for (size_t i = 0; i < size; i++) {
		enum reqchan_event ev = reqchan_parser_feed(&p, data[i]);

		if (ev == REQCHAN_FRAME) {
			recheck(&p.frame);
		} else if (ev == REQCHAN_BAD && (p.error < REQCHAN_E_CRC ||
						 p.error > REQCHAN_E_VERSION)) {
			abort();
		}
	}
	return 0;
}
