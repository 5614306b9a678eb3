// SPDX-License-Identifier: MIT
/*
 * SVSM APs on SEV-SNP (ap_start.h). The AP's VMSA is a page csvsm owns:
 * it is zeroed and filled while it is still an ordinary page, then made
 * a VMSA. RMPADJUST can set the VMSA bit only for a target VMPL
 * numerically above the caller's (APM vol. 3, RMPADJUST), so csvsm names
 * VMPL1 with no permissions: the bit is the page's, the VMPL the vCPU
 * runs at is the VMSA's own field (0). The AP creation request then
 * names the APIC ID, VMPL 0, the VMSA's GPA and its SEV features (GHCB
 * 56421, AP creation: SW_EXITINFO1 = APIC ID << 32 | VMPL << 16 |
 * request, request 1 = create now; SW_EXITINFO2 = the VMSA's GPA; RAX =
 * SEV_FEATURES). A host that refuses gets the page back as a plain page;
 * a host whose answer breaks the protocol ends the VM (ghcb.c).
 */
#include "ap_start.h"

#include <stdbool.h>

#include "arch/cpu.h"
#include "arch/msr.h"

#include "svsm/string.h"

#include "../../arch/x86/snp_ops.h"
#include "ghcb_msr.h"

#define PAGE 0x1000ULL
#define HUGE 0x200000ULL
#define AP_CREATE 1ULL
#define SVSM_VMPL 0ULL
#define KERNEL_HALF 0xFFFF800000000000ULL
/* Segment attributes, packed (descriptor bits 8-15 and 20-23). */
#define ATTR_CODE64 0x0A9BU /* G, L, P, S, execute/read, accessed */
#define ATTR_DATA 0x0C93U   /* G, D/B, P, S, read/write, accessed */
#define ATTR_LDT 0x0082U
#define ATTR_TSS64_BUSY 0x008BU
/* Architectural reset values (APM vol. 2, "Initial processor state"). */
#define RFLAGS_RESERVED 0x2ULL
#define DR6_INIT 0xFFFF0FF0ULL
#define DR7_INIT 0x400ULL
#define XCR0_X87 0x1ULL
#define MXCSR_INIT 0x1F80U
#define FCW_INIT 0x037FU

enum svsm_err snp_ap_context_check(const struct snp_ap_context *ctx)
{
	uint64_t efer = EFER_LME | EFER_LMA | VMSA_EFER_SVME;

	if ((ctx->efer & efer) != efer ||
	    (ctx->cr0 & (CR0_PE | CR0_PG)) != (CR0_PE | CR0_PG) ||
	    (ctx->cr4 & CR4_PAE) == 0 || ctx->rip < KERNEL_HALF ||
	    ctx->rsp < KERNEL_HALF || (ctx->rsp & 0xFU) != 0 ||
	    (ctx->sev_features & VMSA_SEV_FEATURE_SNP_ACTIVE) == 0 ||
	    ctx->cs == 0 || ctx->ds == 0 || (ctx->cr3 & (PAGE - 1U)) != 0) {
		return SVSM_ERR_INVAL;
	}
	return SVSM_OK;
}

static struct vmsa_segment seg(uint16_t sel, uint16_t attrib, uint32_t limit,
			       uint64_t base)
{
	return (struct vmsa_segment){ sel, attrib, limit, base };
}

void snp_ap_vmsa_build(struct vmsa *v, const struct snp_ap_context *ctx)
{
	struct vmsa_segment data = seg(ctx->ds, ATTR_DATA, 0xFFFFFFFFU, 0);

	memset(v, 0, sizeof(*v));
	v->cs = seg(ctx->cs, ATTR_CODE64, 0xFFFFFFFFU, 0);
	v->ds = data;
	v->es = data;
	v->ss = data;
	v->fs = data;
	v->gs = data;
	v->gdtr = seg(0, 0, ctx->gdt_limit, ctx->gdt_base);
	v->idtr = seg(0, 0, ctx->idt_limit, ctx->idt_base);
	v->ldtr = seg(0, ATTR_LDT, 0xFFFFU, 0);
	v->tr = seg(0, ATTR_TSS64_BUSY, 0xFFFFU, 0); /* the AP loads its own */
	v->vmpl = (uint8_t)SVSM_VMPL;
	v->cpl = 0;
	v->efer = ctx->efer;
	v->cr0 = ctx->cr0;
	v->cr3 = ctx->cr3;
	v->cr4 = ctx->cr4;
	v->dr6 = DR6_INIT;
	v->dr7 = DR7_INIT;
	v->rflags = RFLAGS_RESERVED; /* interrupts off */
	v->rip = ctx->rip;
	v->rsp = ctx->rsp;
	v->rdi = ctx->rdi;
	v->g_pat = ctx->g_pat;
	v->sev_features = ctx->sev_features;
	v->xcr0 = XCR0_X87;
	v->mxcsr = MXCSR_INIT;
	v->x87_fcw = FCW_INIT;
}

/** RMPADJUST of csvsm's page at `gpa`: VMSA bit on or off, VMPL1 none. */
static uint32_t mark_vmsa(uint64_t gpa, bool is_vmsa)
{
	void *va = snp_hw_map(gpa, false);
	uint32_t rc;

	if (!va) {
		return SNP_RC_FAIL_INPUT;
	}
	rc = snp_hw_rmpadjust(va, false, 1U | (is_vmsa ? RMPADJUST_VMSA : 0U));
	snp_hw_unmap(va, false);
	return rc;
}

/** Zeroes and fills the page at `gpa`, then makes it a VMSA. */
static enum svsm_err vmsa_prepare(uint64_t gpa,
				  const struct snp_ap_context *ctx)
{
	struct vmsa *v = snp_hw_map(gpa, false);
	uint32_t rc;

	if (!v) {
		return SVSM_ERR_BUSY;
	}
	snp_ap_vmsa_build(v, ctx);
	snp_hw_unmap(v, false);
	rc = mark_vmsa(gpa, true);
	if (rc == SNP_RC_FAIL_SIZEMISMATCH) {
		return SVSM_ERR_INVAL; /* inside a 2 MiB page */
	}
	return rc == SNP_RC_SUCCESS ? SVSM_OK
				    : ghcb_fail_closed(SVSM_ERR_INTEGRITY,
						       GHCB_TERM_INTEGRITY);
}

enum svsm_err snp_ap_start(struct ghcb *page, uint64_t ghcb_gpa,
			   uint64_t vmsa_gpa, uint32_t apic_id,
			   const struct snp_ap_context *ctx)
{
	enum svsm_err err = snp_ap_context_check(ctx);

	if (err != SVSM_OK) {
		return err;
	}
	if ((vmsa_gpa & (PAGE - 1U)) != 0 || (vmsa_gpa & (HUGE - 1U)) == 0) {
		return SVSM_ERR_INVAL;
	}
	err = vmsa_prepare(vmsa_gpa, ctx);
	if (err != SVSM_OK) {
		return err;
	}
	struct ghcb_call c = {
		.exit_code = GHCB_EXIT_SNP_AP_CREATION,
		.info_1 = (uint64_t)apic_id << 32 | SVSM_VMPL << 16 | AP_CREATE,
		.info_2 = vmsa_gpa,
		.rax = ctx->sev_features,
	};

	err = ghcb_page_call(page, ghcb_gpa, &c);
	if (err == SVSM_ERR_IO &&
	    mark_vmsa(vmsa_gpa, false) != SNP_RC_SUCCESS) {
		/* Refused, and the page cannot be taken back: lost. */
		return ghcb_fail_closed(SVSM_ERR_INTEGRITY,
					GHCB_TERM_INTEGRITY);
	}
	return err;
}
