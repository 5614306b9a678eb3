/* SPDX-License-Identifier: MIT */
/*
 * The MS TPM simulator ("mssim") protocol that tpm2-tools' mssim TCTI
 * speaks, and the SVSM_VTPM_CMD buffer (include/uapi/svsm/protocol.h)
 * a bridge fills from it: the codec of `csvsm run --mssim-port`
 * (lib/mssim/mssim.c). All mssim integers are big-endian u32.
 *
 *   data port:      SEND_COMMAND (8), locality u8, size, command
 *                     -> size, response, a zero u32
 *                   REMOTE_HANDSHAKE (15), client version -> 1, 0, 0
 *                   SESSION_END (20) -> the connection ends
 *   platform port:  a code -> 0 (POWER_ON/OFF, PP_ON/OFF, CANCEL_ON/OFF,
 *                   NV_ON/OFF, RESET, RESTART); SESSION_END ends it
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "uapi/svsm/protocol.h"

#define MSSIM_POWER_ON 1U
#define MSSIM_POWER_OFF 2U
#define MSSIM_PP_ON 3U
#define MSSIM_PP_OFF 4U
#define MSSIM_SEND_COMMAND 8U
#define MSSIM_CANCEL_ON 9U
#define MSSIM_CANCEL_OFF 10U
#define MSSIM_NV_ON 11U
#define MSSIM_NV_OFF 12U
#define MSSIM_REMOTE_HANDSHAKE 15U
#define MSSIM_RESET 17U
#define MSSIM_RESTART 18U
#define MSSIM_SESSION_END 20U

#define MSSIM_CMD_HDR_SIZE 9U /* code, locality, size */
/** The largest command: what one SVSM_VTPM_CMD buffer carries (4087). */
#define MSSIM_CMD_MAX SVSM_VTPM_MAX_COMMAND
#define MSSIM_FRAME_MAX (MSSIM_CMD_HDR_SIZE + MSSIM_CMD_MAX)
/** The largest reply: size, a response of at most 4092 bytes, zero. */
#define MSSIM_REPLY_MAX (4U + SVSM_VTPM_MAX_RESPONSE + 4U)

#define TPM_HDR_SIZE 10U
#define TPM_ST_NO_SESSIONS 0x8001U
#define TPM_RC_FAILURE 0x101U

enum mssim_port {
	MSSIM_PORT_DATA,
	MSSIM_PORT_PLATFORM,
};

enum mssim_result {
	MSSIM_MORE,  /* not a whole frame yet */
	MSSIM_FRAME, /* one frame, `size` bytes of the input */
	MSSIM_BAD,   /* the connection must end; `why` says why */
};

/** One frame, parsed out of a connection's input. */
struct mssim_frame {
	uint32_t code;
	uint32_t size;	    /* bytes of the input it takes */
	uint8_t locality;   /* SEND_COMMAND */
	uint32_t cmd_size;  /* SEND_COMMAND */
	const uint8_t *cmd; /* SEND_COMMAND: inside the input */
	uint32_t bad_value; /* MSSIM_BAD: the code or size refused */
	const char *why;    /* MSSIM_BAD: a static reason */
};

/**
 * Parses the frame at the start of `in` (`have` bytes) received on
 * `port`: MSSIM_MORE until it is whole, MSSIM_BAD as soon as it cannot
 * be served (an unknown code, a command over MSSIM_CMD_MAX).
 */
enum mssim_result mssim_parse(enum mssim_port port, const uint8_t *in,
			      size_t have, struct mssim_frame *f);

/**
 * Writes the data port's reply to a command: size, the `len` response
 * bytes, a zero u32. Returns its length, 0 if `room` is too small.
 */
size_t mssim_reply(uint8_t *out, size_t room, const uint8_t *rsp, uint32_t len);

/** The longest answer mssim_control_reply writes. */
#define MSSIM_CONTROL_REPLY_MAX 12U

/**
 * The answer to a whole frame that is not a command (SEND_COMMAND and
 * SESSION_END have none): 0 for every platform code; server version 1,
 * flags 0, 0 for REMOTE_HANDSHAKE. Writes it to `out`, returns its
 * length (0 for a frame that has no such answer).
 */
size_t mssim_control_reply(enum mssim_port port, const struct mssim_frame *f,
			   uint8_t out[MSSIM_CONTROL_REPLY_MAX]);

/** A 10-byte TPM response carrying only `rc`. */
void mssim_tpm_error(uint8_t out[TPM_HDR_SIZE], uint32_t rc);

/**
 * Lays out an SVSM_VTPM_CMD request in `buf` exactly as Linux's tpm_svsm
 * driver does (struct tpm_svsm_cmd_request, packed, little-endian):
 * u32 platform command 8, u8 locality, u32 size, the command. Returns
 * the bytes used (9 + size), 0 if the command does not fit a buffer.
 */
size_t mssim_vtpm_request(uint8_t buf[SVSM_VTPM_BUFFER_SIZE], uint8_t locality,
			  const uint8_t *cmd, uint32_t size);

/**
 * Checks an SVSM_VTPM_CMD response's size field (the u32 at 0 of the
 * buffer): a response of at least a TPM header that fits the buffer.
 */
bool mssim_vtpm_response_size(const uint8_t head[4], uint32_t *size);

/**
 * Checks the TPM response itself (`len` bytes, as the size field gave):
 * its header's size must be `len`.
 */
bool mssim_tpm_response_ok(const uint8_t *rsp, uint32_t len);
