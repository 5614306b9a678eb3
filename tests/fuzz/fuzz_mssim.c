// SPDX-License-Identifier: MIT
/*
 * libFuzzer target for the mssim codec (lib/mssim). The first byte picks
 * the port (even: data, odd: platform); the rest is what a client sends.
 * Frames are taken one after another as the bridge takes them, until
 * the input runs short or a frame is refused. Checked: a frame lies
 * within the input, a command within its frame and at most 4087 bytes,
 * a refusal carries a reason; a command laid out as Linux's tpm_svsm
 * driver lays it out reads back the same; a response size accepted
 * fits the buffer; a reply holds the response between its size and the
 * zero trailer; a TPM response accepted has its own length. ASan catches reads
 * past the input.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "svsm/le.h"
#include "svsm/mssim.h"

/* The entry point libFuzzer calls; its name is fixed by libFuzzer. */
/* NOLINTNEXTLINE(readability-identifier-naming) */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint8_t page[SVSM_VTPM_BUFFER_SIZE];
static uint8_t reply[MSSIM_REPLY_MAX];

static uint32_t be32(const uint8_t *b)
{
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
	       (uint32_t)b[2] << 8 | b[3];
}

static void check_command(const struct mssim_frame *f, const uint8_t *in,
			  size_t have)
{
	size_t n;

	if (f->cmd < in || f->cmd + f->cmd_size > in + have ||
	    f->cmd_size > MSSIM_CMD_MAX ||
	    f->size != MSSIM_CMD_HDR_SIZE + f->cmd_size) {
		abort();
	}
	n = mssim_vtpm_request(page, f->locality, f->cmd, f->cmd_size);
	if (n != SVSM_VTPM_REQ_DATA + (size_t)f->cmd_size ||
	    le32_get(page) != SVSM_VTPM_PLATFORM_SEND_COMMAND ||
	    page[SVSM_VTPM_REQ_LOCALITY] != f->locality ||
	    le32_get(page + SVSM_VTPM_REQ_SIZE) != f->cmd_size ||
	    memcmp(page + SVSM_VTPM_REQ_DATA, f->cmd, f->cmd_size) != 0) {
		abort();
	}
	/* A command is never longer than a response may be. */
	n = mssim_reply(reply, sizeof(reply), f->cmd, f->cmd_size);
	if (n != 8U + f->cmd_size || be32(reply) != f->cmd_size ||
	    memcmp(reply + 4, f->cmd, f->cmd_size) != 0 ||
	    le32_get(reply + n - 4) != 0) {
		abort();
	}
	if (mssim_tpm_response_ok(f->cmd, f->cmd_size) &&
	    (f->cmd_size < TPM_HDR_SIZE || be32(f->cmd + 2) != f->cmd_size)) {
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mssim_frame f;
	enum mssim_port port;
	uint32_t rsp_size;

	if (size < 1) {
		return 0;
	}
	port = data[0] % 2 ? MSSIM_PORT_PLATFORM : MSSIM_PORT_DATA;
	data++;
	size--;
	if (size >= 4 && mssim_vtpm_response_size(data, &rsp_size) &&
	    (rsp_size < TPM_HDR_SIZE || rsp_size > SVSM_VTPM_MAX_RESPONSE)) {
		abort();
	}
	for (;;) {
		enum mssim_result r = mssim_parse(port, data, size, &f);

		if (r == MSSIM_BAD && f.why == NULL) {
			abort();
		}
		if (r != MSSIM_FRAME) {
			return 0;
		}
		if (f.size == 0 || f.size > size) {
			abort();
		}
		if (port == MSSIM_PORT_DATA && f.code == MSSIM_SEND_COMMAND) {
			check_command(&f, data, size);
		}
		data += f.size;
		size -= f.size;
	}
}
