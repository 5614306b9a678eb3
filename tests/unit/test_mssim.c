// SPDX-License-Identifier: MIT
/*
 * Host tests of the mssim codec (lib/mssim): frames as tpm2-tools' mssim
 * TCTI sends them, split anywhere; what the bridge refuses (commands over
 * 4087 bytes, unknown codes); replies; and the SVSM_VTPM_CMD buffer
 * against a packed struct laid out as Linux's tpm_svsm driver declares
 * its request (include/linux/tpm_svsm.h: u32 platform_cmd, u8 locality,
 * u32 buf_size, u8 buf[], __packed; the response u32 buf_size, u8 buf[]).
 */
#include <string.h>

#include "svsm/mssim.h"
#include "svsm/test.h"

/* The driver's request, declared as the driver declares it. */
struct linux_svsm_request {
	uint32_t platform_cmd;
	uint8_t locality;
	uint32_t buf_size;
	uint8_t buf[];
} __attribute__((packed));

static const uint8_t GETRANDOM16[] = {
	0x80, 0x01, 0x00, 0x00, 0x00, 0x0c, 0x00, 0x00, 0x01, 0x7b, 0x00, 0x10,
};

/** An mssim SEND_COMMAND frame of `cmd` at `locality` into `out`. */
static size_t send_frame(uint8_t *out, uint8_t locality, const uint8_t *cmd,
			 uint32_t len)
{
	const uint8_t hdr[9] = { 0,
				 0,
				 0,
				 8,
				 locality,
				 (uint8_t)(len >> 24),
				 (uint8_t)(len >> 16),
				 (uint8_t)(len >> 8),
				 (uint8_t)len };

	memcpy(out, hdr, sizeof(hdr));
	memcpy(out + 9, cmd, len);
	return 9U + len;
}

TEST(mssim, send_command_whole_and_split_anywhere)
{
	static uint8_t in[64];
	size_t n = send_frame(in, 0, GETRANDOM16, sizeof(GETRANDOM16));
	struct mssim_frame f;

	/* Every prefix is MORE; the whole is one frame. */
	for (size_t have = 0; have < n; have++) {
		EXPECT_EQ(mssim_parse(MSSIM_PORT_DATA, in, have, &f),
			  MSSIM_MORE);
	}
	ASSERT_EQ(mssim_parse(MSSIM_PORT_DATA, in, n, &f), MSSIM_FRAME);
	EXPECT_EQ(f.code, MSSIM_SEND_COMMAND);
	EXPECT_EQ(f.size, n);
	EXPECT_EQ(f.locality, 0);
	EXPECT_EQ(f.cmd_size, sizeof(GETRANDOM16));
	EXPECT_TRUE(f.cmd == in + 9);
	/* Followed by a second frame: the first still ends where it did. */
	size_t m = send_frame(in + n, 3, GETRANDOM16, 10);

	ASSERT_EQ(mssim_parse(MSSIM_PORT_DATA, in, n + m, &f), MSSIM_FRAME);
	EXPECT_EQ(f.size, n);
	ASSERT_EQ(mssim_parse(MSSIM_PORT_DATA, in + n, m, &f), MSSIM_FRAME);
	EXPECT_EQ(f.locality, 3);
	EXPECT_EQ(f.cmd_size, 10);
}

TEST(mssim, oversized_command_is_refused_from_its_header)
{
	static uint8_t in[MSSIM_FRAME_MAX + 1];
	static uint8_t cmd[MSSIM_CMD_MAX + 1];
	struct mssim_frame f;

	/* 4087 bytes is the largest a vTPM buffer carries. */
	(void)send_frame(in, 0, cmd, MSSIM_CMD_MAX);
	EXPECT_EQ(mssim_parse(MSSIM_PORT_DATA, in, MSSIM_FRAME_MAX, &f),
		  MSSIM_FRAME);
	EXPECT_EQ(MSSIM_CMD_MAX, 4087);
	/* 4088 is refused from the 9-byte header alone. */
	(void)send_frame(in, 0, cmd, MSSIM_CMD_MAX + 1U);
	EXPECT_EQ(mssim_parse(MSSIM_PORT_DATA, in, 8, &f), MSSIM_MORE);
	EXPECT_EQ(mssim_parse(MSSIM_PORT_DATA, in, 9, &f), MSSIM_BAD);
	EXPECT_EQ(f.bad_value, MSSIM_CMD_MAX + 1U);
	EXPECT_TRUE(f.why != NULL);
	in[5] = 0xff; /* 0xff000ff8 */
	EXPECT_EQ(mssim_parse(MSSIM_PORT_DATA, in, 9, &f), MSSIM_BAD);
}

TEST(mssim, data_port_codes)
{
	static const uint8_t hs[8] = { 0, 0, 0, 15, 0, 0, 0, 1 };
	static const uint8_t end[4] = { 0, 0, 0, 20 };
	static const uint8_t power_on[4] = { 0, 0, 0, 1 };
	static const uint8_t hash_start[4] = { 0, 0, 0, 5 };
	struct mssim_frame f;

	EXPECT_EQ(mssim_parse(MSSIM_PORT_DATA, hs, 7, &f), MSSIM_MORE);
	ASSERT_EQ(mssim_parse(MSSIM_PORT_DATA, hs, 8, &f), MSSIM_FRAME);
	EXPECT_EQ(f.code, MSSIM_REMOTE_HANDSHAKE);
	EXPECT_EQ(f.size, 8);
	ASSERT_EQ(mssim_parse(MSSIM_PORT_DATA, end, 4, &f), MSSIM_FRAME);
	EXPECT_EQ(f.code, MSSIM_SESSION_END);
	/* A platform code on the data port, an unserved signal. */
	EXPECT_EQ(mssim_parse(MSSIM_PORT_DATA, power_on, 4, &f), MSSIM_BAD);
	EXPECT_EQ(f.bad_value, 1);
	EXPECT_EQ(mssim_parse(MSSIM_PORT_DATA, hash_start, 4, &f), MSSIM_BAD);
	EXPECT_EQ(f.bad_value, 5);
}

TEST(mssim, platform_port_codes)
{
	static const uint32_t ok[] = { 1, 2, 3, 4, 9, 10, 11, 12, 17, 18, 20 };
	static const uint32_t refused[] = { 0, 5, 8, 15, 21, 0x01000001 };
	uint8_t in[4] = { 0 };
	struct mssim_frame f;

	EXPECT_EQ(mssim_parse(MSSIM_PORT_PLATFORM, in, 3, &f), MSSIM_MORE);
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		in[0] = (uint8_t)(ok[i] >> 24);
		in[1] = (uint8_t)(ok[i] >> 16);
		in[2] = (uint8_t)(ok[i] >> 8);
		in[3] = (uint8_t)ok[i];
		EXPECT_EQ(mssim_parse(MSSIM_PORT_PLATFORM, in, 4, &f),
			  MSSIM_FRAME);
		EXPECT_EQ(f.code, ok[i]);
		EXPECT_EQ(f.size, 4);
	}
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		in[0] = (uint8_t)(refused[i] >> 24);
		in[1] = (uint8_t)(refused[i] >> 16);
		in[2] = (uint8_t)(refused[i] >> 8);
		in[3] = (uint8_t)refused[i];
		EXPECT_EQ(mssim_parse(MSSIM_PORT_PLATFORM, in, 4, &f),
			  MSSIM_BAD);
		EXPECT_EQ(f.bad_value, refused[i]);
	}
}

TEST(mssim, control_replies)
{
	static const uint8_t handshake[12] = { 0, 0, 0, 1 };
	uint8_t out[MSSIM_CONTROL_REPLY_MAX];
	struct mssim_frame f = { .code = MSSIM_POWER_ON, .size = 4 };

	memset(out, 0xAA, sizeof(out));
	EXPECT_EQ(mssim_control_reply(MSSIM_PORT_PLATFORM, &f, out), 4);
	EXPECT_MEMEQ(out, handshake + 4, 4);
	f.code = MSSIM_NV_ON;
	EXPECT_EQ(mssim_control_reply(MSSIM_PORT_PLATFORM, &f, out), 4);
	f.code = MSSIM_REMOTE_HANDSHAKE;
	memset(out, 0xAA, sizeof(out));
	EXPECT_EQ(mssim_control_reply(MSSIM_PORT_DATA, &f, out), 12);
	EXPECT_MEMEQ(out, handshake, sizeof(handshake));
	f.code = MSSIM_SEND_COMMAND;
	EXPECT_EQ(mssim_control_reply(MSSIM_PORT_DATA, &f, out), 0);
	f.code = MSSIM_SESSION_END;
	EXPECT_EQ(mssim_control_reply(MSSIM_PORT_DATA, &f, out), 0);
	EXPECT_EQ(mssim_control_reply(MSSIM_PORT_PLATFORM, &f, out), 0);
}

TEST(mssim, reply_and_tpm_error)
{
	static const uint8_t want[] = {
		0,  0, 0, 10,	0x80, 0x01, 0, 0, 0,
		10, 0, 0, 0x01, 0x01, 0,    0, 0, 0,
	};
	uint8_t err[TPM_HDR_SIZE];
	uint8_t out[32];

	mssim_tpm_error(err, TPM_RC_FAILURE);
	EXPECT_TRUE(mssim_tpm_response_ok(err, sizeof(err)));
	EXPECT_EQ(mssim_reply(out, sizeof(out), err, sizeof(err)),
		  sizeof(want));
	EXPECT_MEMEQ(out, want, sizeof(want));
	EXPECT_EQ(mssim_reply(out, 17, err, sizeof(err)), 0);
	EXPECT_EQ(mssim_reply(out, 7, err, 0), 0);
	/* A TPM response whose header disagrees with its length. */
	EXPECT_FALSE(mssim_tpm_response_ok(err, 11));
	EXPECT_FALSE(mssim_tpm_response_ok(err, 9));
}

TEST(mssim, vtpm_request_is_the_linux_drivers_layout)
{
	static uint8_t buf[SVSM_VTPM_BUFFER_SIZE];
	static uint8_t want_buf[SVSM_VTPM_BUFFER_SIZE];
	struct linux_svsm_request *req = (struct linux_svsm_request *)want_buf;
	size_t n;

	/* As svsm_vtpm_cmd_request_fill() fills it (x86: little-endian). */
	req->platform_cmd = 8;
	req->locality = 0;
	req->buf_size = sizeof(GETRANDOM16);
	memcpy(req->buf, GETRANDOM16, sizeof(GETRANDOM16));
	n = mssim_vtpm_request(buf, 0, GETRANDOM16, sizeof(GETRANDOM16));
	EXPECT_EQ(n, 9 + sizeof(GETRANDOM16));
	EXPECT_EQ(offsetof(struct linux_svsm_request, buf), 9);
	EXPECT_MEMEQ(buf, want_buf, n);
	/* Locality and the size's high bytes land where the driver's do. */
	req->locality = 2;
	req->buf_size = MSSIM_CMD_MAX;
	EXPECT_EQ(mssim_vtpm_request(buf, 2, want_buf + 9, MSSIM_CMD_MAX),
		  SVSM_VTPM_BUFFER_SIZE);
	EXPECT_MEMEQ(buf, want_buf, 9);
	EXPECT_EQ(mssim_vtpm_request(buf, 0, want_buf, MSSIM_CMD_MAX + 1U), 0);
}

TEST(mssim, vtpm_response_size_is_checked_against_the_buffer)
{
	uint8_t head[4] = { 10, 0, 0, 0 };
	uint32_t size = 0;

	EXPECT_TRUE(mssim_vtpm_response_size(head, &size));
	EXPECT_EQ(size, 10);
	head[0] = 0xfc; /* 4092: the whole buffer after the size */
	head[1] = 0x0f;
	EXPECT_TRUE(mssim_vtpm_response_size(head, &size));
	EXPECT_EQ(size, 4092);
	head[0] = 0xfd; /* 4093 */
	size = 0;
	EXPECT_FALSE(mssim_vtpm_response_size(head, &size));
	EXPECT_EQ(size, 0);
	head[0] = 9; /* shorter than a TPM header */
	head[1] = 0;
	EXPECT_FALSE(mssim_vtpm_response_size(head, &size));
	head[0] = 10;
	head[3] = 1; /* 16 MiB + 10 */
	EXPECT_FALSE(mssim_vtpm_response_size(head, &size));
}
