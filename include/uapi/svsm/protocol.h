/* SPDX-License-Identifier: MIT */
/*
 * The SVSM protocol as the guest sees it (AMD SVSM specification 58019):
 * RAX = protocol << 32 | call on entry and the result code on return;
 * arguments and results in RCX, RDX, R8 and R9; the calling area (CAA),
 * one page per vCPU. Shared by the kernel, svsm-reqd, the host tools and
 * the tests. Layouts are little-endian and packed as the specification
 * gives them; code reads them byte by byte (svsm/le.h), never by casting.
 */
#pragma once

/* Result codes (RAX on return), named SVSM_RC_* here (the specification
 * and Linux say SVSM_ERR_*, which names csvsm's internal errors). */
#define SVSM_RC_SUCCESS 0x00000000U
#define SVSM_RC_INCOMPLETE 0x80000000U
#define SVSM_RC_UNSUPPORTED_PROTOCOL 0x80000001U
#define SVSM_RC_UNSUPPORTED_CALL 0x80000002U
#define SVSM_RC_INVALID_ADDRESS 0x80000003U
#define SVSM_RC_INVALID_FORMAT 0x80000004U
#define SVSM_RC_INVALID_PARAMETER 0x80000005U
#define SVSM_RC_INVALID_REQUEST 0x80000006U
#define SVSM_RC_BUSY 0x80000007U
#define SVSM_RC_PROTOCOL_BASE 0x80001000U
/* Core PVALIDATE failures: the base plus the instruction's return code,
 * and 0x10 for "no change" (CF set without ignore_cf). */
#define SVSM_RC_PVALIDATE_FAIL_INPUT 0x80001001U
#define SVSM_RC_PVALIDATE_FAIL_SIZEMISMATCH 0x80001006U
#define SVSM_RC_PVALIDATE_FAIL_NO_CHANGE 0x80001010U

/* Protocols. */
#define SVSM_PROTO_CORE 0U
#define SVSM_PROTO_ATTEST 1U
#define SVSM_PROTO_VTPM 2U

/* Core protocol calls. */
#define SVSM_CORE_REMAP_CA 0U
#define SVSM_CORE_PVALIDATE 1U
#define SVSM_CORE_CREATE_VCPU 2U
#define SVSM_CORE_DELETE_VCPU 3U
#define SVSM_CORE_DEPOSIT_MEM 4U
#define SVSM_CORE_WITHDRAW_MEM 5U
#define SVSM_CORE_QUERY_PROTOCOL 6U
#define SVSM_CORE_CONFIGURE_VTOM 7U

/* The calling area: an 8-byte header, then the buffer. */
#define SVSM_CAA_CALL_PENDING 0x000U
#define SVSM_CAA_MEM_AVAILABLE 0x001U
#define SVSM_CAA_HEADER_SIZE 8U
#define SVSM_CAA_BUFFER 0x008U

/*
 * A PVALIDATE request: u16 entries at 0, u16 next at 2, 4 reserved
 * bytes, then `entries` u64 entries from 8. It lies in one page.
 */
#define SVSM_PVAL_HDR_ENTRIES 0U
#define SVSM_PVAL_HDR_NEXT 2U
#define SVSM_PVAL_HDR_SIZE 8U
#define SVSM_PVAL_ENTRY_SIZE 8U
#define SVSM_PVAL_MAX_ENTRIES 511U /* (4096 - 8) / 8 from a page start */
#define SVSM_PVAL_SIZE_MASK 0x3ULL /* [1:0]: 0 = 4 KiB, 1 = 2 MiB */
#define SVSM_PVAL_SIZE_4K 0x0ULL
#define SVSM_PVAL_SIZE_2M 0x1ULL
#define SVSM_PVAL_VALIDATE 0x4ULL   /* [2]: 1 validate, 0 rescind */
#define SVSM_PVAL_IGNORE_CF 0x8ULL  /* [3] */
#define SVSM_PVAL_RESERVED 0xFF0ULL /* [11:4] must be zero */
#define SVSM_PVAL_GFN_SHIFT 12U	    /* [63:12] */

/* CONFIGURE_VTOM: RCX bit 0 asks for the supported configuration. */
#define SVSM_VTOM_QUERY 0x1ULL

/* vTPM protocol (2) calls (SVSM 58019 chapter 8). */
#define SVSM_VTPM_QUERY 0U
#define SVSM_VTPM_CMD 1U
/*
 * SVSM_VTPM_CMD: RCX = GPA of one 4 KiB buffer (not necessarily page
 * aligned), rewritten in place. Request (Tables 15-16, packed; Linux
 * struct svsm_vtpm_cmd_request): u32 platform command at 0, u8 locality
 * at 4 (must be 0), u32 TPM command size at 5, the command from 9.
 * Response (Table 17; struct svsm_vtpm_cmd_response): u32 size at 0, the
 * response from 4. Platform commands are the MS simulator's; only
 * TPM_SEND_COMMAND (8) is defined for this call, and SVSM_VTPM_QUERY
 * reports it as bit 8 of RCX.
 */
#define SVSM_VTPM_BUFFER_SIZE 4096U
#define SVSM_VTPM_PLATFORM_SEND_COMMAND 8U
#define SVSM_VTPM_REQ_COMMAND 0U
#define SVSM_VTPM_REQ_LOCALITY 4U
#define SVSM_VTPM_REQ_SIZE 5U
#define SVSM_VTPM_REQ_DATA 9U
#define SVSM_VTPM_RSP_SIZE 0U
#define SVSM_VTPM_RSP_DATA 4U
#define SVSM_VTPM_MAX_COMMAND (SVSM_VTPM_BUFFER_SIZE - SVSM_VTPM_REQ_DATA)
#define SVSM_VTPM_MAX_RESPONSE (SVSM_VTPM_BUFFER_SIZE - SVSM_VTPM_RSP_DATA)
