/* SPDX-License-Identifier: MIT */
/*
 * The native request channel's wire format (docs/REQCHAN.md): frames on a
 * byte stream (a serial port in the VM, a Unix socket on the host) that
 * carry SVSM calls and guest-memory reads and writes from `csvsm call`
 * to csvsm's native platform. Little-endian throughout.
 *
 *   0  4  magic "CSRQ"
 *   4  1  version (1)
 *   5  1  type
 *   6  2  payload length (at most REQCHAN_PAYLOAD_MAX)
 *   8  4  sequence number
 *   12 4  CRC-32 (IEEE) of bytes 0..11 and the payload
 *   16 .. payload
 *
 * The host starts with SYNC, whose sequence number the platform adopts;
 * every later request carries the previous one plus one, and each reply
 * carries its request's number. A frame that fails a check is answered
 * with ERROR (its code and the number it carried) and dropped; the
 * channel stays up and resynchronises on the next magic.
 */
#pragma once

#define REQCHAN_MAGIC0 0x43U /* 'C' */
#define REQCHAN_MAGIC1 0x53U /* 'S' */
#define REQCHAN_MAGIC2 0x52U /* 'R' */
#define REQCHAN_MAGIC3 0x51U /* 'Q' */
#define REQCHAN_VERSION 1U
#define REQCHAN_HDR_SIZE 16U
#define REQCHAN_DATA_MAX 4096U /* bytes of guest memory in one frame */
#define REQCHAN_PAYLOAD_MAX (REQCHAN_DATA_MAX + 8U)

/* Requests (host to csvsm). */
#define REQCHAN_SYNC 0x01U	/* empty; starts a session */
#define REQCHAN_CALL 0x02U	/* RAX RCX RDX R8 R9, 8 bytes each */
#define REQCHAN_MEM_WRITE 0x03U /* u64 GPA, then the bytes */
#define REQCHAN_MEM_READ 0x04U	/* u64 GPA, u32 length */
/* Replies: the request's type | 0x80. */
#define REQCHAN_REPLY 0x80U
/* SYNC's reply: u64 guest base, u64 guest size, u32 vCPUs, u32 0. */
#define REQCHAN_SYNC_REPLY_SIZE 24U
#define REQCHAN_CALL_SIZE 40U
#define REQCHAN_READ_REQ_SIZE 12U
#define REQCHAN_ERROR 0xFFU /* u32 code, u32 sequence number seen */
#define REQCHAN_ERROR_SIZE 8U

/* ERROR codes. */
#define REQCHAN_E_CRC 1U	/* the CRC does not match */
#define REQCHAN_E_LENGTH 2U	/* payload too long for any frame */
#define REQCHAN_E_TYPE 3U	/* unknown type */
#define REQCHAN_E_SEQUENCE 4U	/* not the previous number plus one */
#define REQCHAN_E_VERSION 5U	/* unknown version */
#define REQCHAN_E_NOT_SYNCED 6U /* a request before SYNC */
#define REQCHAN_E_ADDRESS 7U	/* memory outside the guest's */
#define REQCHAN_E_PAYLOAD 8U	/* wrong payload size for the type */
