// SPDX-License-Identifier: MIT
/*
 * The GHCB page protocol (ghcb.h). The page is cleared before each
 * request, so nothing of a previous one is sent again; the host's answer
 * is read once (SW_EXITINFO1 and 2) into locals and checked there. The
 * GHCB MSR must still hold the page's GPA afterwards: a host that
 * rewrote it is not following the protocol. Callers make one request at
 * a time per CPU (the page is per CPU), with interrupts off.
 */
#include "ghcb.h"

#include <stdbool.h>

#include "svsm/string.h"

#include "../../arch/x86/snp_ops.h"
#include "ghcb_msr.h"

#define GHCB_USAGE_STANDARD 0U
#define INFO1_OK 0U
#define INFO1_ERROR 1U

/** Marks the field at `offset` valid (bit offset / 8 of the bitmap). */
static void mark(struct ghcb *page, size_t offset)
{
	size_t bit = offset / 8U;

	page->valid_bitmap[bit / 64U] |= 1ULL << (bit % 64U);
}

/** Whether the host marked the field at `offset` valid in `bitmap`. */
static bool is_marked(const uint64_t bitmap[2], size_t offset)
{
	size_t bit = offset / 8U;

	return (bitmap[bit / 64U] >> (bit % 64U)) & 1U;
}

/** Fills the request: the exit, its two infos and the registers of `r`. */
static void fill(struct ghcb *page, const struct ghcb_call *c,
		 const struct ghcb_regs *r)
{
	memset(page, 0, sizeof(*page));
	page->protocol_version = GHCB_PROTOCOL_VERSION;
	page->ghcb_usage = GHCB_USAGE_STANDARD;
	page->sw_exit_code = c->exit_code;
	page->sw_exit_info_1 = c->info_1;
	page->sw_exit_info_2 = c->info_2;
	mark(page, offsetof(struct ghcb, sw_exit_code));
	mark(page, offsetof(struct ghcb, sw_exit_info_1));
	mark(page, offsetof(struct ghcb, sw_exit_info_2));
	if (r->in_mask & GHCB_REG_RAX) {
		page->rax = r->rax;
		mark(page, offsetof(struct ghcb, rax));
	}
	if (r->in_mask & GHCB_REG_RCX) {
		page->rcx = r->rcx;
		mark(page, offsetof(struct ghcb, rcx));
	}
	if (r->in_mask & GHCB_REG_RDX) {
		page->rdx = r->rdx;
		mark(page, offsetof(struct ghcb, rdx));
	}
}

enum svsm_err ghcb_page_call_regs(struct ghcb *page, uint64_t gpa,
				  struct ghcb_call *c, struct ghcb_regs *r)
{
	uint64_t info_1;
	uint64_t info_2;
	uint64_t bitmap[2];
	uint64_t rax;
	uint64_t rdx;

	fill(page, c, r);
	snp_hw_ghcb_msr_write(gpa);
	snp_hw_vmgexit();
	/* One read of each answer field; the host may change them later. */
	info_1 = __atomic_load_n(&page->sw_exit_info_1, __ATOMIC_RELAXED);
	info_2 = __atomic_load_n(&page->sw_exit_info_2, __ATOMIC_RELAXED);
	bitmap[0] = __atomic_load_n(&page->valid_bitmap[0], __ATOMIC_RELAXED);
	bitmap[1] = __atomic_load_n(&page->valid_bitmap[1], __ATOMIC_RELAXED);
	rax = __atomic_load_n(&page->rax, __ATOMIC_RELAXED);
	rdx = __atomic_load_n(&page->rdx, __ATOMIC_RELAXED);
	if (snp_hw_ghcb_msr_read() != gpa ||
	    (info_1 & 0xFFFFFFFFU) > INFO1_ERROR) {
		return ghcb_fail_closed(SVSM_ERR_INTEGRITY,
					GHCB_TERM_BAD_ANSWER);
	}
	c->info_2 = info_2;
	if ((info_1 & 0xFFFFFFFFU) != INFO1_OK) {
		return SVSM_ERR_IO;
	}
	if (((r->out_mask & GHCB_REG_RAX) &&
	     !is_marked(bitmap, offsetof(struct ghcb, rax))) ||
	    ((r->out_mask & GHCB_REG_RDX) &&
	     !is_marked(bitmap, offsetof(struct ghcb, rdx)))) {
		return ghcb_fail_closed(SVSM_ERR_INTEGRITY,
					GHCB_TERM_BAD_ANSWER);
	}
	r->rax_out = rax;
	r->rdx_out = rdx;
	return SVSM_OK;
}

enum svsm_err ghcb_page_call(struct ghcb *page, uint64_t gpa,
			     struct ghcb_call *c)
{
	struct ghcb_regs r = {
		c->rax != 0 ? GHCB_REG_RAX : 0U, 0, c->rax, 0, 0, 0, 0
	};

	return ghcb_page_call_regs(page, gpa, c, &r);
}

enum svsm_err ghcb_page_run_vmpl(struct ghcb *page, uint64_t gpa, uint8_t vmpl)
{
	struct ghcb_call c = { GHCB_EXIT_SNP_RUN_VMPL, vmpl, 0, 0 };
	enum svsm_err err;

	if (vmpl == 0 || vmpl > 3) {
		return SVSM_ERR_INVAL;
	}
	err = ghcb_page_call(page, gpa, &c);
	/* A refused switch leaves csvsm with no guest to run: fail closed. */
	return err == SVSM_ERR_IO ? ghcb_fail_closed(SVSM_ERR_INTEGRITY,
						     GHCB_TERM_BAD_ANSWER)
				  : err;
}
