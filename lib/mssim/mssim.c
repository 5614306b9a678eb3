// SPDX-License-Identifier: MIT
/*
 * The mssim codec (include/svsm/mssim.h): frames from a tpm2-tools
 * client, replies to it, and the SVSM_VTPM_CMD buffer in the layout of
 * Linux's tpm_svsm driver. Every length is checked before it is used;
 * nothing is read past `have`.
 */
#include "svsm/mssim.h"

#include "svsm/le.h"
#include "svsm/string.h"

static uint32_t be32_get(const uint8_t *b)
{
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
	       (uint32_t)b[2] << 8 | b[3];
}

static void be32_put(uint8_t *b, uint32_t v)
{
	b[0] = (uint8_t)(v >> 24);
	b[1] = (uint8_t)(v >> 16);
	b[2] = (uint8_t)(v >> 8);
	b[3] = (uint8_t)v;
}

static void le32_put(uint8_t *b, uint32_t v)
{
	b[0] = (uint8_t)v;
	b[1] = (uint8_t)(v >> 8);
	b[2] = (uint8_t)(v >> 16);
	b[3] = (uint8_t)(v >> 24);
}

static enum mssim_result bad(struct mssim_frame *f, const char *why,
			     uint32_t value)
{
	f->why = why;
	f->bad_value = value;
	return MSSIM_BAD;
}

static enum mssim_result parse_command(const uint8_t *in, size_t have,
				       struct mssim_frame *f)
{
	if (have < MSSIM_CMD_HDR_SIZE) {
		return MSSIM_MORE;
	}
	f->locality = in[4];
	f->cmd_size = be32_get(in + 5);
	if (f->cmd_size > MSSIM_CMD_MAX) {
		return bad(f, "command larger than a vTPM buffer holds",
			   f->cmd_size);
	}
	if (have < MSSIM_CMD_HDR_SIZE + f->cmd_size) {
		return MSSIM_MORE;
	}
	f->cmd = in + MSSIM_CMD_HDR_SIZE;
	f->size = MSSIM_CMD_HDR_SIZE + f->cmd_size;
	return MSSIM_FRAME;
}

static enum mssim_result parse_data(const uint8_t *in, size_t have,
				    struct mssim_frame *f)
{
	switch (f->code) {
	case MSSIM_SEND_COMMAND:
		return parse_command(in, have, f);
	case MSSIM_REMOTE_HANDSHAKE:
		if (have < 8) {
			return MSSIM_MORE;
		}
		f->size = 8;
		return MSSIM_FRAME;
	case MSSIM_SESSION_END:
		f->size = 4;
		return MSSIM_FRAME;
	default:
		return bad(f, "unknown code on the data port", f->code);
	}
}

static enum mssim_result parse_platform(struct mssim_frame *f)
{
	switch (f->code) {
	case MSSIM_POWER_ON:
	case MSSIM_POWER_OFF:
	case MSSIM_PP_ON:
	case MSSIM_PP_OFF:
	case MSSIM_CANCEL_ON:
	case MSSIM_CANCEL_OFF:
	case MSSIM_NV_ON:
	case MSSIM_NV_OFF:
	case MSSIM_RESET:
	case MSSIM_RESTART:
	case MSSIM_SESSION_END:
		f->size = 4;
		return MSSIM_FRAME;
	default:
		return bad(f, "unknown code on the platform port", f->code);
	}
}

enum mssim_result mssim_parse(enum mssim_port port, const uint8_t *in,
			      size_t have, struct mssim_frame *f)
{
	*f = (struct mssim_frame){ 0 };
	if (have < 4) {
		return MSSIM_MORE;
	}
	f->code = be32_get(in);
	return port == MSSIM_PORT_DATA ? parse_data(in, have, f)
				       : parse_platform(f);
}

size_t mssim_reply(uint8_t *out, size_t room, const uint8_t *rsp, uint32_t len)
{
	if (room < 8U || len > room - 8U) {
		return 0;
	}
	be32_put(out, len);
	memmove(out + 4, rsp, len);
	be32_put(out + 4 + len, 0);
	return 8U + len;
}

size_t mssim_control_reply(enum mssim_port port, const struct mssim_frame *f,
			   uint8_t out[MSSIM_CONTROL_REPLY_MAX])
{
	if (f->code == MSSIM_SESSION_END) {
		return 0;
	}
	if (port == MSSIM_PORT_PLATFORM) {
		be32_put(out, 0);
		return 4;
	}
	if (f->code != MSSIM_REMOTE_HANDSHAKE) {
		return 0;
	}
	be32_put(out, 1);
	be32_put(out + 4, 0);
	be32_put(out + 8, 0);
	return 12;
}

void mssim_tpm_error(uint8_t out[TPM_HDR_SIZE], uint32_t rc)
{
	out[0] = (uint8_t)(TPM_ST_NO_SESSIONS >> 8);
	out[1] = (uint8_t)TPM_ST_NO_SESSIONS;
	be32_put(out + 2, TPM_HDR_SIZE);
	be32_put(out + 6, rc);
}

size_t mssim_vtpm_request(uint8_t buf[SVSM_VTPM_BUFFER_SIZE], uint8_t locality,
			  const uint8_t *cmd, uint32_t size)
{
	if (size > SVSM_VTPM_MAX_COMMAND) {
		return 0;
	}
	le32_put(buf + SVSM_VTPM_REQ_COMMAND, SVSM_VTPM_PLATFORM_SEND_COMMAND);
	buf[SVSM_VTPM_REQ_LOCALITY] = locality;
	le32_put(buf + SVSM_VTPM_REQ_SIZE, size);
	memcpy(buf + SVSM_VTPM_REQ_DATA, cmd, size);
	return SVSM_VTPM_REQ_DATA + (size_t)size;
}

bool mssim_vtpm_response_size(const uint8_t head[4], uint32_t *size)
{
	uint32_t n = le32_get(head + SVSM_VTPM_RSP_SIZE);

	if (n < TPM_HDR_SIZE || n > SVSM_VTPM_MAX_RESPONSE) {
		return false;
	}
	*size = n;
	return true;
}

bool mssim_tpm_response_ok(const uint8_t *rsp, uint32_t len)
{
	return len >= TPM_HDR_SIZE && be32_get(rsp + 2) == len;
}
