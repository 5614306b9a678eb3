// SPDX-License-Identifier: MIT
/*
 * The initial vCPU state of each platform, built at build time. NATIVE
 * starts directly in the kernel: 64-bit mode on the build-time page
 * tables, with the launch contract in RSP/RDI/RSI. SEV-SNP starts the SNP
 * entry stub in 32-bit protected mode with paging off (the C-bit position
 * is only known at launch); the stub's data block is patched here with
 * everything it needs to enter the kernel with the same contract.
 */
#include <string.h>

#include "arch/snp_stub.h"

#include "igvmbld.h"

/* Control-register and EFER bits (AMD64 APM vol. 2, 3.1). */
#define CR0_PE 0x1ULL
#define CR0_MP 0x2ULL
#define CR0_ET 0x10ULL
#define CR0_NE 0x20ULL
#define CR0_WP 0x10000ULL
#define CR0_PG 0x80000000ULL
#define CR4_PAE 0x20ULL
#define CR4_MCE 0x40ULL
#define EFER_LME 0x100ULL
#define EFER_LMA 0x400ULL
#define EFER_NXE 0x800ULL
#define RFLAGS_FIXED 0x2ULL

/* Segment attributes in the VMSA's packed form (APM vol. 2, 15.5.1). */
#define ATTR_CODE32 0xC09BU /* G, D, P, S, execute/read, accessed */
#define ATTR_CODE64 0xA09BU /* G, L, P, S, execute/read, accessed */
#define ATTR_DATA 0xC093U   /* G, D/B, P, S, read/write, accessed */
#define ATTR_LDT 0x0082U    /* P, LDT */
#define ATTR_TSS16_BUSY 0x0083U
#define FLAT_LIMIT 0xFFFFFFFFU
#define SYS_LIMIT 0xFFFFU

/* Architectural reset values (APM vol. 2, 14.1.3 "Processor state after
 * RESET or INIT"; FNINIT/FXSAVE defaults for x87 and SSE). */
#define DR6_RESET 0xFFFF0FF0ULL
#define DR7_RESET 0x400ULL
#define PAT_RESET 0x0007040600070406ULL
#define XCR0_X87 0x1ULL
#define MXCSR_RESET 0x1F80U
#define FCW_RESET 0x037FU

/** Returns a flat segment with the given selector and attributes. */
static struct vmsa_segment flat(uint16_t selector, uint16_t attrib)
{
	struct vmsa_segment s = {
		.selector = selector,
		.attrib = attrib,
		.limit = FLAT_LIMIT,
		.base = 0,
	};

	return s;
}

/** Returns the top of the boot stack. */
static uint64_t boot_stack_top(const struct bld_layout *l)
{
	return l->boot_stack.va + l->boot_stack.size;
}

/**
 * Builds the SNP boot VMSA: 32-bit protected mode, paging off, at the
 * entry of the stub page, EBX = the stub page (arch/snp_stub.h). RDI, RSI
 * and RSP carry the launch contract's values for reference; the stub
 * loads its own from its data block once in 64-bit mode.
 */
void vmsa_build_snp(struct vmsa *v, const struct bld_layout *l)
{
	memset(v, 0, sizeof(*v));
	v->cs = flat(SVSM_SEL_CODE64, ATTR_CODE32);
	v->ds = flat(SVSM_SEL_DATA, ATTR_DATA);
	v->es = v->ds;
	v->ss = v->ds;
	v->fs = v->ds;
	v->gs = v->ds;
	v->ldtr.attrib = ATTR_LDT;
	v->ldtr.limit = SYS_LIMIT;
	v->tr.attrib = ATTR_TSS16_BUSY;
	v->tr.limit = SYS_LIMIT;
	v->efer = VMSA_EFER_SVME;
	v->cr0 = CR0_PE | CR0_ET | CR0_NE;
	v->cr3 = l->pt_pbase;
	v->cr4 = CR4_PAE | CR4_MCE;
	v->dr6 = DR6_RESET;
	v->dr7 = DR7_RESET;
	v->rflags = RFLAGS_FIXED;
	v->rip = l->snp_stub_pa + SNP_STUB_ENTRY_OFFSET;
	v->rbx = l->snp_stub_pa;
	v->rsp = boot_stack_top(l);
	v->rdi = l->launch_info.va;
	v->rsi = SVSM_LAUNCH_PLATFORM_SNP;
	v->g_pat = PAT_RESET;
	v->xcr0 = XCR0_X87;
	v->mxcsr = MXCSR_RESET;
	v->x87_fcw = FCW_RESET;
	v->sev_features = VMSA_SEV_FEATURE_SNP_ACTIVE;
}

/**
 * Builds the NATIVE vCPU context: long mode on the build-time tables at
 * the kernel entry, with the launch contract in RSP, RDI and RSI.
 */
void vmsa_build_native(struct igvm_native_vp_context_x64 *c,
		       const struct bld_layout *l, uint64_t entry)
{
	memset(c, 0, sizeof(*c));
	c->rip = entry;
	c->rsp = boot_stack_top(l);
	c->rdi = l->launch_info.va;
	c->rsi = SVSM_LAUNCH_PLATFORM_NATIVE;
	c->rflags = RFLAGS_FIXED;
	c->cr0 = CR0_PG | CR0_WP | CR0_NE | CR0_ET | CR0_MP | CR0_PE;
	c->cr3 = l->pt_pbase;
	c->cr4 = CR4_PAE;
	c->efer = EFER_NXE | EFER_LMA | EFER_LME;
	c->code_selector = SVSM_SEL_CODE64;
	c->code_attributes = ATTR_CODE64;
	c->code_base = 0;
	c->code_limit = FLAT_LIMIT;
	c->data_selector = SVSM_SEL_DATA;
	c->data_attributes = ATTR_DATA;
	c->data_base = 0;
	c->data_limit = FLAT_LIMIT;
}

/**
 * Copies the SNP entry stub into `page` (4 KiB, zeroed by the caller) and
 * patches its data block for layout `l` and kernel entry `entry`.
 * Refuses a stub binary that does not carry the expected block.
 */
enum svsm_err snp_stub_patch(uint8_t *page, const struct bld_options *o,
			     const struct bld_layout *l, uint64_t entry,
			     char *why, size_t why_size)
{
	struct snp_stub_data d;

	if (o->snp_stub == NULL ||
	    o->snp_stub_size < SNP_STUB_DATA_OFFSET + sizeof(d) ||
	    o->snp_stub_size > BLD_PAGE_SIZE) {
		return bld_why(
			why, why_size, SVSM_ERR_INVAL,
			"SNP stub is %zu bytes, not a page with its data "
			"block",
			o->snp_stub_size);
	}
	memcpy(&d, o->snp_stub + SNP_STUB_DATA_OFFSET, sizeof(d));
	if (d.magic != SNP_STUB_MAGIC) {
		return bld_why(why, why_size, SVSM_ERR_INVAL,
			       "SNP stub data block has no magic");
	}
	memcpy(page, o->snp_stub, o->snp_stub_size);
	d.pt_pbase = l->pt_pbase;
	d.pt_pend = l->pt_pend;
	d.cr3 = l->pt_pbase;
	d.cpuid_pa = l->snp_cpuid_pa;
	d.kernel_entry = entry;
	d.launch_info_va = l->launch_info.va;
	d.stack_top = boot_stack_top(l);
	memcpy(page + SNP_STUB_DATA_OFFSET, &d, sizeof(d));
	return SVSM_OK;
}
