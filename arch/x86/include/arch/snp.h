/* SPDX-License-Identifier: MIT */
/*
 * The SEV-SNP guest instructions: one instruction per static inline
 * wrapper, the hardware status returned as a value, clobbers explicit.
 * Register use and return codes are those of the AMD64 APM vol. 3
 * (PVALIDATE, RMPADJUST, VMGEXIT) and of the GHCB specification (56421,
 * the GHCB MSR). The opcodes are spelled as bytes so that any assembler
 * takes them. Nothing here runs under QEMU's TCG, which has no SNP: the
 * kernel reaches these through the backend in arch/x86/snp_ops.h, and
 * the host tests put a model of the hardware behind the same backend.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "arch/msr.h"

/** The GHCB MSR (GHCB spec 56421, 2.3.1). */
#define MSR_SEV_GHCB 0xC0010130U
/** SEV_STATUS (APM vol. 2, 15.34.10). */
#define MSR_SEV_STATUS 0xC0010131U

/* PVALIDATE and RMPADJUST return codes in EAX (APM vol. 3). */
#define SNP_RC_SUCCESS 0U
#define SNP_RC_FAIL_INPUT 1U
#define SNP_RC_FAIL_PERMISSION 2U
#define SNP_RC_FAIL_SIZEMISMATCH 6U

/* RMPADJUST attributes in RDX (APM vol. 3, RMPADJUST). */
#define RMPADJUST_VMPL_MASK 0xFFULL /* bits 7:0: target VMPL */
#define RMPADJUST_READ (1ULL << 8)  /* bits 15:8: permission mask */
#define RMPADJUST_WRITE (1ULL << 9)
#define RMPADJUST_EXEC_USER (1ULL << 10)
#define RMPADJUST_EXEC_SUPER (1ULL << 11)
#define RMPADJUST_PERM_MASK 0xFF00ULL
#define RMPADJUST_VMSA (1ULL << 16) /* bit 16: the page becomes a VMSA */
#define RMPADJUST_RWX                                             \
	(RMPADJUST_READ | RMPADJUST_WRITE | RMPADJUST_EXEC_USER | \
	 RMPADJUST_EXEC_SUPER)

/** What PVALIDATE reported: EAX and RFLAGS.CF. */
struct snp_pval_status {
	uint32_t rc;	/**< SNP_RC_SUCCESS, _FAIL_INPUT, _FAIL_SIZEMISMATCH */
	bool no_change; /**< CF: the page was already in that state */
};

/**
 * PVALIDATE (F2 0F 01 FF): RAX = the page's virtual address, RCX = 0
 * for 4 KiB or 1 for 2 MiB, RDX = 1 to validate or 0 to rescind.
 */
static inline struct snp_pval_status pvalidate(uint64_t va, bool huge,
					       bool validate)
{
	uint32_t rc;
	uint8_t cf;

	__asm__ volatile(".byte 0xF2, 0x0F, 0x01, 0xFF\n\tsetc %1"
			 : "=a"(rc), "=qm"(cf)
			 : "a"(va), "c"((uint64_t)huge), "d"((uint64_t)validate)
			 : "memory", "cc");
	return (struct snp_pval_status){ rc, cf != 0 };
}

/**
 * RMPADJUST (F3 0F 01 FE): RAX = the page's virtual address, RCX = 0
 * for 4 KiB or 1 for 2 MiB, RDX = the attributes (RMPADJUST_*).
 * Returns EAX.
 */
static inline uint32_t rmpadjust(uint64_t va, bool huge, uint64_t attrs)
{
	uint32_t rc;

	__asm__ volatile(".byte 0xF3, 0x0F, 0x01, 0xFE"
			 : "=a"(rc)
			 : "a"(va), "c"((uint64_t)huge), "d"(attrs)
			 : "memory", "cc");
	return rc;
}

/**
 * VMGEXIT (F3 0F 01 D9, `rep; vmmcall`): an exit to the hypervisor,
 * which reads the request from the GHCB MSR or the registered GHCB page
 * and writes its answer there.
 */
static inline void vmgexit(void)
{
	__asm__ volatile(".byte 0xF3, 0x0F, 0x01, 0xD9" : : : "memory");
}

/** Reads the GHCB MSR (the host's answer after a VMGEXIT). */
static inline uint64_t ghcb_msr_read(void)
{
	return rdmsr(MSR_SEV_GHCB);
}

/** Writes the GHCB MSR (a request, or the GHCB page's GPA). */
static inline void ghcb_msr_write(uint64_t val)
{
	wrmsr(MSR_SEV_GHCB, val);
}
