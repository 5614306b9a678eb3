// SPDX-License-Identifier: MIT
/*
 * The #VC handler's logic (vc.h). Three rules:
 *
 * - The instruction is decoded from bytes the caller copied once; only
 *   the exact forms csvsm's kernel emits are accepted (no string I/O, no
 *   REP, no REX or segment prefixes), and they must be the instruction
 *   the exit code names, so that a byte changed between the intercept
 *   and the decode cannot turn one exit into another.
 * - CPUID never goes to the hypervisor: the CPUID page was checked once
 *   at boot (boot.c) and the firmware vouched for its values.
 * - A host answer is read once from the GHCB page (ghcb.c) and checked
 *   before it reaches a register: an IN must come back with RAX marked
 *   valid and no bit above the port's width; an RDMSR with RAX and RDX
 *   marked valid and zero upper halves (the instruction writes EDX:EAX).
 *   A host that breaks this is not trusted to have done the access at
 *   all: termination (ghcb_fail_closed), nothing written back.
 */
#include "vc.h"

#include "ghcb_msr.h"

#define OP_TWO_BYTE 0x0FU
#define OP_CPUID 0xA2U
#define OP_RDMSR 0x32U
#define OP_WRMSR 0x30U
#define PREFIX_OPSIZE 0x66U
#define LEAF_XSAVE 0xDU
#define XSAVE_LEGACY_SIZE 0x240U /* legacy area + header (SDM 13.4) */
#define XSAVE_ALIGN 64U
#define XSAVE_COMP_ALIGNED 0x2U /* leaf 0xD, i >= 2: ECX bit 1 */
#define XSAVE_FIRST_COMP 2U
#define XSAVE_LAST_COMP 63U
#define LEAF1_ECX_OSXSAVE (1U << 27)
#define LEAF7_ECX_OSPKE (1U << 4)
#define MSR_READ 0U
#define MSR_WRITE 1U
#define LOW32 0xFFFFFFFFULL

/** IN/OUT: E4-E7 (imm8 port), EC-EF (DX port); bit 1 OUT, bit 0 wide. */
static bool decode_io(const uint8_t *b, size_t len, struct vc_insn *out)
{
	size_t i = 0;
	bool is_16 = false;

	if (len > 0 && b[0] == PREFIX_OPSIZE) {
		is_16 = true;
		i = 1;
	}
	if (i >= len) {
		return false;
	}
	uint8_t op = b[i];
	bool is_imm = (op & 0xFCU) == 0xE4U;

	if (!is_imm && (op & 0xFCU) != 0xECU) {
		return false;
	}
	if ((op & 1U) == 0 && is_16) {
		return false; /* 0x66 on a byte access: not emitted */
	}
	if (is_imm && i + 1 >= len) {
		return false; /* the port byte is cut off */
	}
	out->op = (op & 2U) ? VC_OP_OUT : VC_OP_IN;
	out->size = (op & 1U) == 0 ? 1U : is_16 ? 2U : 4U;
	out->is_port_dx = !is_imm;
	out->port = is_imm ? b[i + 1] : 0;
	out->len = (uint8_t)(i + (is_imm ? 2U : 1U));
	return true;
}

enum svsm_err vc_decode(uint64_t exit_code, const uint8_t *bytes, size_t len,
			struct vc_insn *out)
{
	struct vc_insn d = { VC_OP_CPUID, 2, 0, false, 0 };

	if (len > VC_INSN_MAX) {
		len = VC_INSN_MAX;
	}
	switch (exit_code) {
	case VC_EXIT_CPUID:
		if (len < 2 || bytes[0] != OP_TWO_BYTE ||
		    bytes[1] != OP_CPUID) {
			return SVSM_ERR_INVAL;
		}
		break;
	case VC_EXIT_MSR:
		if (len < 2 || bytes[0] != OP_TWO_BYTE ||
		    (bytes[1] != OP_RDMSR && bytes[1] != OP_WRMSR)) {
			return SVSM_ERR_INVAL;
		}
		d.op = bytes[1] == OP_RDMSR ? VC_OP_RDMSR : VC_OP_WRMSR;
		break;
	case VC_EXIT_IOIO:
		if (!decode_io(bytes, len, &d)) {
			return SVSM_ERR_INVAL;
		}
		break;
	default:
		return SVSM_ERR_UNSUPPORTED;
	}
	*out = d;
	return SVSM_OK;
}

uint64_t vc_ioio_info(const struct vc_insn *insn, uint16_t port)
{
	uint64_t info = (uint64_t)port << VC_IOIO_PORT_SHIFT | VC_IOIO_A64;

	if (insn->op == VC_OP_IN) {
		info |= VC_IOIO_IN;
	}
	switch (insn->size) {
	case 1:
		return info | VC_IOIO_SZ8;
	case 2:
		return info | VC_IOIO_SZ16;
	default:
		return info | VC_IOIO_SZ32;
	}
}

/** Whether CPUID `leaf` takes a subleaf in ECX (SDM vol. 2A; APM vol. 3). */
static bool has_subleaf(uint32_t leaf)
{
	switch (leaf) {
	case 0x4U:
	case 0x7U:
	case 0xBU:
	case 0xDU:
	case 0xFU:
	case 0x10U:
	case 0x12U:
	case 0x14U:
	case 0x17U:
	case 0x18U:
	case 0x1DU:
	case 0x1FU:
	case 0x8000001DU:
	case 0x80000020U:
	case 0x80000026U:
		return true;
	default:
		return false;
	}
}

/**
 * The page's entry for (`leaf`, `subleaf`); with `is_exact`, only the
 * one listed for XCR0 `xcr0` and XSS `xss`.
 */
static const struct snp_cpuid_fn *find(const struct snp_cpuid *c, uint32_t leaf,
				       uint32_t subleaf, bool is_exact,
				       uint64_t xcr0, uint64_t xss)
{
	for (uint32_t i = 0; i < c->page.count && i < SNP_CPUID_COUNT_MAX;
	     i++) {
		const struct snp_cpuid_fn *e = &c->page.fn[i];

		if (e->eax_in == leaf && e->ecx_in == subleaf &&
		    (!is_exact || (e->xcr0_in == xcr0 && e->xss_in == xss))) {
			return e;
		}
	}
	return NULL;
}

/**
 * The XSAVE area size for the components in `mask` from the page's
 * component subleaves (SDM vol. 1, 13.4 and 13.4.3): standard format
 * (the end of the highest component) or compacted (the legacy area and
 * header, then each component in order, 64-byte aligned where its ECX
 * bit 1 says so). False when a component is not listed.
 */
static bool xsave_size(const struct snp_cpuid *c, uint64_t mask,
		       bool is_compacted, uint32_t *size)
{
	uint64_t total = XSAVE_LEGACY_SIZE;

	for (uint32_t i = XSAVE_FIRST_COMP; i <= XSAVE_LAST_COMP; i++) {
		if (((mask >> i) & 1U) == 0) {
			continue;
		}
		const struct snp_cpuid_fn *e =
			find(c, LEAF_XSAVE, i, false, 0, 0);

		if (!e || e->eax == 0) {
			return false;
		}
		if (!is_compacted) {
			uint64_t end = (uint64_t)e->ebx + e->eax;

			total = end > total ? end : total;
			continue;
		}
		if (e->ecx & XSAVE_COMP_ALIGNED) {
			total = (total + XSAVE_ALIGN - 1U) &
				~(XSAVE_ALIGN - 1ULL);
		}
		total += e->eax;
	}
	if (total > UINT32_MAX) {
		return false;
	}
	*size = (uint32_t)total;
	return true;
}

/** Leaf 0xD subleaves 0 and 1: the entry for this input, or computed. */
static bool xsave_leaf(const struct snp_cpuid *c, uint32_t subleaf,
		       uint64_t xcr0, uint64_t xss, uint32_t out[4])
{
	uint64_t xss_in = subleaf == 1U ? xss : 0;
	const struct snp_cpuid_fn *e =
		find(c, LEAF_XSAVE, subleaf, true, xcr0, xss_in);
	uint32_t size;

	if (!e) {
		e = find(c, LEAF_XSAVE, subleaf, false, 0, 0);
		if (!e || !xsave_size(c, subleaf == 1U ? xcr0 | xss : xcr0,
				      subleaf == 1U, &size)) {
			return false;
		}
	} else {
		size = e->ebx;
	}
	out[0] = e->eax;
	out[1] = size;
	out[2] = e->ecx;
	out[3] = e->edx;
	return true;
}

bool vc_cpuid_answer(const struct snp_cpuid *c, uint32_t leaf, uint32_t subleaf,
		     const struct vc_xstate *x, uint32_t out[4])
{
	uint64_t cr4 = x->cr4;
	const struct snp_cpuid_fn *e;
	uint32_t r[4] = { 0, 0, 0, 0 };

	if (!has_subleaf(leaf)) {
		subleaf = 0;
	}
	if (leaf == LEAF_XSAVE && subleaf <= 1U) {
		if (!xsave_leaf(c, subleaf, x->xcr0, x->xss, r)) {
			return false;
		}
	} else {
		e = find(c, leaf, subleaf, false, 0, 0);
		if (e) {
			r[0] = e->eax;
			r[1] = e->ebx;
			r[2] = e->ecx;
			r[3] = e->edx;
		}
	}
	if (leaf == 1U) {
		r[2] = (r[2] & ~LEAF1_ECX_OSXSAVE) |
		       ((cr4 & VC_CR4_OSXSAVE) ? LEAF1_ECX_OSXSAVE : 0U);
	}
	if (leaf == 7U && subleaf == 0) {
		r[2] = (r[2] & ~LEAF7_ECX_OSPKE) |
		       ((cr4 & VC_CR4_PKE) ? LEAF7_ECX_OSPKE : 0U);
	}
	for (uint32_t i = 0; i < 4; i++) {
		out[i] = r[i];
	}
	return true;
}

/** A host answer that breaks the rules: terminate. */
static enum svsm_err bad_answer(void)
{
	return ghcb_fail_closed(SVSM_ERR_INTEGRITY, GHCB_TERM_BAD_ANSWER);
}

/** IN or OUT through the GHCB; `regs->rax` takes an IN's value. */
static enum svsm_err do_io(const struct vc_env *env, const struct vc_insn *d,
			   struct vc_regs *regs)
{
	uint64_t width = d->size == 4U ? LOW32 : (1ULL << (d->size * 8U)) - 1U;
	uint16_t port = d->is_port_dx ? (uint16_t)regs->rdx : d->port;
	struct ghcb_call c = { GHCB_EXIT_IOIO, vc_ioio_info(d, port), 0, 0 };
	struct ghcb_regs r = { 0, 0, 0, 0, 0, 0, 0 };
	enum svsm_err err;

	if (d->op == VC_OP_OUT) {
		r.in_mask = GHCB_REG_RAX;
		r.rax = regs->rax & width;
	} else {
		r.out_mask = GHCB_REG_RAX;
	}
	err = ghcb_page_call_regs(env->ghcb, env->ghcb_gpa, &c, &r);
	if (err == SVSM_ERR_IO) {
		return bad_answer(); /* port I/O cannot fail */
	}
	if (err != SVSM_OK) {
		return err;
	}
	if (d->op == VC_OP_IN) {
		if ((r.rax_out & ~width) != 0) {
			return bad_answer();
		}
		/* A 32-bit IN zero-extends into RAX; 8 and 16 merge. */
		regs->rax = d->size == 4U ? r.rax_out
					  : (regs->rax & ~width) | r.rax_out;
	}
	return SVSM_OK;
}

/** RDMSR or WRMSR through the GHCB. */
static enum svsm_err do_msr(const struct vc_env *env, const struct vc_insn *d,
			    struct vc_regs *regs)
{
	bool is_write = d->op == VC_OP_WRMSR;
	struct ghcb_call c = { GHCB_EXIT_MSR, is_write ? MSR_WRITE : MSR_READ,
			       0, 0 };
	struct ghcb_regs r = { GHCB_REG_RCX, 0, 0, regs->rcx & LOW32, 0, 0, 0 };
	enum svsm_err err;

	if (is_write) {
		r.in_mask |= GHCB_REG_RAX | GHCB_REG_RDX;
		r.rax = regs->rax & LOW32;
		r.rdx = regs->rdx & LOW32;
	} else {
		r.out_mask = GHCB_REG_RAX | GHCB_REG_RDX;
	}
	err = ghcb_page_call_regs(env->ghcb, env->ghcb_gpa, &c, &r);
	if (err != SVSM_OK || is_write) {
		return err; /* SVSM_ERR_IO: the host says #GP */
	}
	if ((r.rax_out | r.rdx_out) > LOW32) {
		return bad_answer();
	}
	regs->rax = r.rax_out;
	regs->rdx = r.rdx_out;
	return SVSM_OK;
}

enum svsm_err vc_handle(const struct vc_env *env, uint64_t exit_code,
			const uint8_t *bytes, size_t len, struct vc_regs *regs)
{
	struct vc_insn d;
	struct vc_regs out = *regs;
	uint32_t r[4];
	enum svsm_err err = vc_decode(exit_code, bytes, len, &d);

	if (err != SVSM_OK) {
		return err;
	}
	switch (d.op) {
	case VC_OP_CPUID:
		if (!vc_cpuid_answer(env->cpuid, (uint32_t)regs->rax,
				     (uint32_t)regs->rcx, &env->x, r)) {
			return SVSM_ERR_UNSUPPORTED;
		}
		out.rax = r[0];
		out.rbx = r[1];
		out.rcx = r[2];
		out.rdx = r[3];
		break;
	case VC_OP_IN:
	case VC_OP_OUT:
		err = do_io(env, &d, &out);
		break;
	case VC_OP_RDMSR:
	case VC_OP_WRMSR:
		err = do_msr(env, &d, &out);
		break;
	}
	if (err != SVSM_OK) {
		return err;
	}
	out.rip += d.len;
	*regs = out;
	return SVSM_OK;
}
