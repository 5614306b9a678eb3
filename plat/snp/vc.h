/* SPDX-License-Identifier: MIT */
/*
 * The #VC handler's logic (SEV-ES/SNP "VMM communication exception",
 * APM vol. 2, 15.35.5; GHCB specification 56421, 4.1 "non-automatic
 * exits"): an instruction the hypervisor intercepts raises #VC in the
 * guest instead of exiting, with the exit code as the error code; the
 * guest decodes the instruction itself, asks the hypervisor through its
 * GHCB page where it must, checks the answer, updates the registers and
 * moves RIP past the instruction. csvsm handles what its kernel does on
 * SNP: CPUID (answered from the checked CPUID page, never by the host),
 * IN and OUT (the serial console, the PIT) and RDMSR/WRMSR through the
 * GHCB. Everything else is refused and the caller terminates.
 *
 * This file knows nothing of trap frames or page tables: the kernel's
 * #VC entry (plat/snp/plat.c) copies the registers and up to
 * VC_INSN_MAX instruction bytes in, and copies the result out, so the
 * same code runs against the SNP model in the host tests and under the
 * fuzzer.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "svsm/err.h"

#include "boot.h"
#include "ghcb.h"

/* #VC error codes: the SW_EXITCODE of the intercept (APM vol. 2, C-1). */
#define VC_EXIT_CPUID 0x72ULL
#define VC_EXIT_IOIO GHCB_EXIT_IOIO
#define VC_EXIT_MSR GHCB_EXIT_MSR
/** The longest x86 instruction. */
#define VC_INSN_MAX 15U

/* IOIO exit information (APM vol. 2, 15.10.2, figure 15-2). */
#define VC_IOIO_IN (1ULL << 0)
#define VC_IOIO_SZ8 (1ULL << 4)
#define VC_IOIO_SZ16 (1ULL << 5)
#define VC_IOIO_SZ32 (1ULL << 6)
#define VC_IOIO_A64 (1ULL << 9)
#define VC_IOIO_PORT_SHIFT 16U

/* CR4 bits CPUID reflects (APM vol. 2, 3.1.3). */
#define VC_CR4_OSXSAVE (1ULL << 18)
#define VC_CR4_PKE (1ULL << 22)

/** What an intercepted instruction does. */
enum vc_op {
	VC_OP_CPUID = 0,
	VC_OP_IN,
	VC_OP_OUT,
	VC_OP_RDMSR,
	VC_OP_WRMSR,
};

/** A decoded intercepted instruction. */
struct vc_insn {
	enum vc_op op;
	uint8_t len;	 /**< bytes: RIP moves past it */
	uint8_t size;	 /**< IN/OUT operand bytes: 1, 2 or 4 */
	bool is_port_dx; /**< IN/OUT port in DX, else `port` */
	uint8_t port;	 /**< IN/OUT imm8 port */
};

/** The registers a #VC reads and writes. */
struct vc_regs {
	uint64_t rax;
	uint64_t rbx;
	uint64_t rcx;
	uint64_t rdx;
	uint64_t rip;
};

/** The CPU state CPUID answers depend on. */
struct vc_xstate {
	uint64_t xcr0; /**< for leaf 0xD */
	uint64_t xss;
	uint64_t cr4; /**< for the OSXSAVE and OSPKE bits */
};

/** What the handler needs of its CPU. */
struct vc_env {
	struct ghcb *ghcb; /**< this CPU's GHCB page, shared, registered */
	uint64_t ghcb_gpa;
	const struct snp_cpuid *cpuid; /**< the checked CPUID page */
	struct vc_xstate x;
};

/**
 * Decodes the `len` bytes at RIP (`bytes`, `len` at most VC_INSN_MAX;
 * fewer when the page ends) as the instruction the exit `exit_code`
 * names: CPUID (0F A2), RDMSR (0F 32), WRMSR (0F 30), IN/OUT with an
 * imm8 or DX port (E4-E7, EC-EF, 0x66 for 16 bits). SVSM_ERR_UNSUPPORTED
 * for any other exit, string or prefixed forms; SVSM_ERR_INVAL when the
 * bytes are not the exit's instruction or are cut short. `out` is
 * written only on success.
 */
enum svsm_err vc_decode(uint64_t exit_code, const uint8_t *bytes, size_t len,
			struct vc_insn *out) SVSM_MUST_CHECK;
/** SW_EXITINFO1 of the IOIO exit for `insn` on port `port`. */
uint64_t vc_ioio_info(const struct vc_insn *insn, uint16_t port);
/**
 * CPUID (`leaf`, `subleaf`) from the checked page `c` alone (56860,
 * "CPUID reporting"; the hypervisor is never asked): the subleaf counts
 * only for leaves indexed by ECX; a leaf the page does not list reads as
 * zeros; leaf 1 ECX.OSXSAVE and leaf 7 ECX.OSPKE follow `x->cr4`; leaf
 * 0xD subleaves 0 and 1 give in EBX the XSAVE area size for `x->xcr0`
 * (and XCR0 | XSS for subleaf 1, compacted) from the page's entry for
 * that input or, without one, computed from the component subleaves. False
 * when the page cannot answer (a component of XCR0/XSS missing).
 */
bool vc_cpuid_answer(const struct snp_cpuid *c, uint32_t leaf, uint32_t subleaf,
		     const struct vc_xstate *x, uint32_t out[4]);
/**
 * Handles one #VC: decodes (vc_decode), serves it (CPUID from the page;
 * IN/OUT and RDMSR/WRMSR through the GHCB page, the answer copied once
 * and checked: the registers the answer must carry marked valid, no bit
 * beyond the operand's width), then writes the results into `regs` and
 * moves RIP past the instruction. On any error `regs` is unchanged:
 * SVSM_ERR_UNSUPPORTED/_INVAL as for vc_decode or an unanswerable
 * CPUID; SVSM_ERR_IO when the host reports the MSR access failed (a #GP
 * for the caller to raise); SVSM_ERR_INTEGRITY when the host broke the
 * protocol (termination requested).
 */
enum svsm_err vc_handle(const struct vc_env *env, uint64_t exit_code,
			const uint8_t *bytes, size_t len,
			struct vc_regs *regs) SVSM_MUST_CHECK;
