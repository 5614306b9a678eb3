/* SPDX-License-Identifier: MIT */
/*
 * Messages between svsm-reqd and the service processes it forwards guest
 * calls to (the vTPM today), over the channels init creates for them
 * (`channel` in /etc/init.conf, docs/INIT.md; docs/VTPM.md).
 *
 * Every message is one channel message: this header, then `len` payload
 * bytes. The client (svsm-reqd) sends a REQUEST with a sequence number
 * of its choosing; the server answers with a RESPONSE carrying the same
 * `seq`, `status` 0 and the payload, or a negative errno and no payload.
 * A client serves one request at a time per channel and drops any
 * RESPONSE whose `seq` is not the one it waits for (a reply to a request
 * it already gave up on).
 *
 * init holds both ends of every channel for as long as it runs, so a
 * channel outlives the processes on it. When a process on one end ends,
 * init discards the messages that were waiting for it and sends its peer
 * a PEER_ENDED through the ended process's end: a request in flight will
 * not be answered, and the service will be started again (or not) as
 * its restart rule says. The next request goes to the new process.
 */
#pragma once

#include <stdint.h>

#include "uapi/svsm/syscall.h"

#define SVSM_SVCMSG_REQUEST 1U	  /* client -> server */
#define SVSM_SVCMSG_RESPONSE 2U	  /* server -> client, same seq */
#define SVSM_SVCMSG_PEER_ENDED 3U /* init -> the survivor; seq, len 0 */

/** The header of every service message. */
struct svsm_svcmsg {
	uint32_t type;	/**< SVSM_SVCMSG_* */
	uint32_t seq;	/**< the request's number, echoed in its response */
	int32_t status; /**< RESPONSE: 0 or -errno; REQUEST: 0 */
	uint32_t len;	/**< payload bytes after the header */
};
_Static_assert(sizeof(struct svsm_svcmsg) == 16, "fixed layout");

/** The largest payload that fits one channel message. */
#define SVSM_SVCMSG_PAYLOAD_MAX (SVSM_MSG_MAX - sizeof(struct svsm_svcmsg))

/*
 * The vTPM service: a REQUEST's payload is one TPM command (at most
 * 4096 bytes, locality 0), a RESPONSE's the TPM's response.
 */
#define SVSM_SVC_VTPM_CHANNEL "vtpm"
