/* SPDX-License-Identifier: MIT */
/*
 * The GHCB page protocol (GHCB specification 56421, 2.3.2 and table 3):
 * a 4 KiB page shared with the host, one per CPU, made shared and
 * registered by ghcb_page_share(). A request fills the save-area fields
 * it needs, marks them in the valid bitmap, writes the page's GPA to the
 * GHCB MSR and exits; the host answers in SW_EXITINFO1/2 and the fields
 * it marks valid. The page is the host's to write at any time, so the
 * answer is copied into private memory once and only the copy is
 * checked and used.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "svsm/err.h"

/* Exit codes csvsm uses (56421, table "SW_EXITCODE"). */
#define GHCB_EXIT_IOIO 0x7BULL /* APM vol. 2, table C-1: IOIO */
#define GHCB_EXIT_MSR 0x7CULL  /* MSR; SW_EXITINFO1 0 read, 1 write */
#define GHCB_EXIT_SNP_AP_CREATION 0x80000013ULL
#define GHCB_EXIT_SNP_RUN_VMPL 0x80000018ULL
#define GHCB_EXIT_TERMINATE 0x8000FFFEULL

/** The GHCB layout csvsm uses (56421, table 3; 4 KiB). */
struct ghcb {
	uint8_t reserved_000[0x1F8];
	uint64_t rax; /* 0x1F8 */
	uint8_t reserved_200[0x108];
	uint64_t rcx; /* 0x308 */
	uint64_t rdx; /* 0x310 */
	uint64_t rbx; /* 0x318 */
	uint8_t reserved_320[0x70];
	uint64_t sw_exit_code;	 /* 0x390 */
	uint64_t sw_exit_info_1; /* 0x398 */
	uint64_t sw_exit_info_2; /* 0x3A0 */
	uint64_t sw_scratch;	 /* 0x3A8 */
	uint8_t reserved_3b0[0x40];
	uint64_t valid_bitmap[2]; /* 0x3F0: bit n = the field at n * 8 */
	uint8_t reserved_400[0x400];
	uint8_t shared_buffer[0x7F0]; /* 0x800 */
	uint8_t reserved_ff0[0xA];
	uint16_t protocol_version; /* 0xFFA */
	uint32_t ghcb_usage;	   /* 0xFFC: 0 = the standard layout */
};

_Static_assert(sizeof(struct ghcb) == 4096, "56421: one page");
_Static_assert(offsetof(struct ghcb, rax) == 0x1F8, "56421 RAX");
_Static_assert(offsetof(struct ghcb, rcx) == 0x308, "56421 RCX");
_Static_assert(offsetof(struct ghcb, sw_exit_code) == 0x390, "56421");
_Static_assert(offsetof(struct ghcb, sw_exit_info_2) == 0x3A0, "56421");
_Static_assert(offsetof(struct ghcb, valid_bitmap) == 0x3F0, "56421");
_Static_assert(offsetof(struct ghcb, shared_buffer) == 0x800, "56421");
_Static_assert(offsetof(struct ghcb, protocol_version) == 0xFFA, "56421");

/** One GHCB page request: the exit and what the host answered. */
struct ghcb_call {
	uint64_t exit_code;
	uint64_t info_1; /**< in: SW_EXITINFO1 */
	uint64_t info_2; /**< in: SW_EXITINFO2; out: the host's */
	uint64_t rax;	 /**< in: RAX (sent when non-zero) */
};

/* Which save-area registers a request carries or an answer must carry. */
#define GHCB_REG_RAX 0x1U
#define GHCB_REG_RCX 0x2U
#define GHCB_REG_RDX 0x4U

/**
 * Registers that go with a request (`in`, the ones `in_mask` names,
 * sent even when zero) and the ones the host's answer must mark valid
 * (`out_mask`), copied once into `rax_out` and `rdx_out`.
 */
struct ghcb_regs {
	uint32_t in_mask;
	uint32_t out_mask;
	uint64_t rax;
	uint64_t rcx;
	uint64_t rdx;
	uint64_t rax_out;
	uint64_t rdx_out;
};

/**
 * ghcb_page_call() with the registers `r`: those of `r->in_mask` are
 * written and marked valid; after a successful answer, every register
 * of `r->out_mask` must be marked valid by the host (else integrity
 * loss: terminate, SVSM_ERR_INTEGRITY) and is read once.
 */
enum svsm_err ghcb_page_call_regs(struct ghcb *page, uint64_t gpa,
				  struct ghcb_call *c,
				  struct ghcb_regs *r) SVSM_MUST_CHECK;
/**
 * Makes the request `c` through the GHCB page `page` (shared, registered
 * at `gpa`). SVSM_OK when the host reports success (SW_EXITINFO1[31:0]
 * = 0); SVSM_ERR_IO when it reports an error (1, with its code in
 * `c->info_2`); any other answer is integrity loss: terminate,
 * SVSM_ERR_INTEGRITY.
 */
enum svsm_err ghcb_page_call(struct ghcb *page, uint64_t gpa,
			     struct ghcb_call *c) SVSM_MUST_CHECK;
/** Asks the host to run this vCPU at `vmpl` through the GHCB page. */
enum svsm_err ghcb_page_run_vmpl(struct ghcb *page, uint64_t gpa,
				 uint8_t vmpl) SVSM_MUST_CHECK;
