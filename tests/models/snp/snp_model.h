/* SPDX-License-Identifier: MIT */
/*
 * A host model of the SEV-SNP hardware and of the hypervisor behind the
 * GHCB, behind the backend of arch/x86/snp_ops.h: the SNP platform code
 * (plat/snp) runs against it unmodified. One model per test binary (the
 * backend has no context argument); snpm_reset() starts it afresh.
 *
 * Guest-physical memory is SNPM_MEM_SIZE bytes at GPA 0, backed by one
 * host buffer that snp_hw_map() hands out, so an address the code gives
 * to PVALIDATE or RMPADJUST is a real pointer and the model derives the
 * page from it. [SNPM_HUGE_BASE, +2 MiB) is one 2 MiB RMP entry; the
 * SVSM's own region [SNPM_SVSM_BASE, SNPM_MEM_SIZE) is validated at start
 * and reachable by VMPL0 only; every other page is assigned to the guest
 * and not validated (as after launch). The rules are listed in
 * snp_model.c and docs/SNP.md.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SNPM_PAGE 0x1000ULL
#define SNPM_MEM_SIZE 0x800000ULL /* 8 MiB */
#define SNPM_PAGES (SNPM_MEM_SIZE / SNPM_PAGE)
#define SNPM_HUGE_BASE 0x200000ULL /* one 2 MiB RMP entry */
#define SNPM_SVSM_BASE 0x600000ULL /* the SVSM's region, to the end */

/* Per-VMPL permission bits, as RMPADJUST's RDX[15:8] >> 8. */
#define SNPM_PERM_READ 0x1U
#define SNPM_PERM_WRITE 0x2U
#define SNPM_PERM_EXEC_USER 0x4U
#define SNPM_PERM_EXEC_SUPER 0x8U
#define SNPM_PERM_ALL 0xFU

/** One 4 KiB page's RMP entry (SEV-SNP ABI 56860, "RMP"; APM vol. 2 15.36). */
struct snpm_rmp {
	bool is_assigned;  /**< private to the guest (else hypervisor/shared) */
	bool is_validated; /**< PVALIDATE'd */
	bool is_vmsa;	   /**< a VMSA page */
	bool is_huge;	   /**< part of a 2 MiB entry */
	uint8_t perms[4];  /**< per VMPL; VMPL0 always all */
};

/** How the hypervisor answers GHCB MSR requests. */
enum snpm_ghcb_mode {
	SNPM_GHCB_HONEST = 0,
	SNPM_GHCB_WRONG_CODE,	 /**< answers with another response code */
	SNPM_GHCB_NO_ANSWER,	 /**< leaves the request in the MSR */
	SNPM_GHCB_OLD_VERSION,	 /**< claims GHCB protocol 1 at most */
	SNPM_GHCB_BAD_CBIT,	 /**< claims the C-bit at position 63 */
	SNPM_GHCB_RESERVED_BITS, /**< sets reserved bits of the answer */
	SNPM_GHCB_WRONG_GPA,	 /**< echoes another GHCB GPA */
	SNPM_GHCB_PSC_REFUSE,	 /**< fails page-state changes */
	SNPM_GHCB_VMPL_REFUSE,	 /**< refuses the VMPL switch */
	SNPM_GHCB_CPUID_LIE,	 /**< answers another register */
	SNPM_GHCB_AP_REFUSE,	 /**< reports an error for AP creation */
	SNPM_GHCB_NOT_VALID, /**< IOIO/MSR: answer fields not marked valid */
	SNPM_GHCB_WIDE,	     /**< IOIO/MSR: bits above the width set */
	SNPM_GHCB_MSR_GP,    /**< MSR: reports an error (#GP) */
};

/** Counts of what the code under test did. */
struct snpm_counts {
	uint32_t pvalidates;
	uint32_t rmpadjusts;
	uint32_t vmgexits;
	uint32_t vmpl_switches;
	uint32_t maps;
};

/** Resets the whole model (memory zeroed, RMP as described above). */
void snpm_reset(void);
/**
 * Resets only the hypervisor's side (GHCB MSR, mode, script, the
 * termination and halt records): cheap enough for every fuzz input.
 */
void snpm_reset_host(void);
/** The RMP entry of the page at `gpa`; NULL outside the model. */
struct snpm_rmp *snpm_rmp(uint64_t gpa);
/** The model's memory at `gpa` (for the test to set up and inspect). */
uint8_t *snpm_mem(uint64_t gpa);
/**
 * The hypervisor's RMPUPDATE of one 4 KiB page: assigned to the guest
 * (`is_private`) or taken back (shared), either way not validated, not a
 * VMSA, and no VMPL but 0 with any permission. The hypervisor can do
 * this to any page at any time; only the guest's PVALIDATE notices.
 */
void snpm_host_rmpupdate(uint64_t gpa, bool is_private);
/**
 * Whether code at `vmpl` may access the page at `gpa` with `perm`
 * (SNPM_PERM_*): the page must be assigned, validated and permitted at
 * that VMPL, and a VMSA page is never writable below VMPL0.
 */
bool snpm_access_ok(uint64_t gpa, uint8_t vmpl, uint8_t perm);
/** The counters. */
const struct snpm_counts *snpm_counts(void);
/** The first rule the code under test broke (a #GP or #NPF), or NULL. */
const char *snpm_fault(void);
/** Sets how the hypervisor answers from now on. */
void snpm_set_ghcb_mode(enum snpm_ghcb_mode mode);
/** The termination request seen (reason set << 8 | code), or -1. */
int32_t snpm_terminated(void);
/** The GPA registered as a GHCB page, or 0. */
uint64_t snpm_ghcb_gpa(void);
/** Whether snp_hw_halt() was reached. */
bool snpm_halted(void);
/**
 * How often the page at `gpa` was mapped while the RMP held it as a VMSA
 * (`*marked`) and while it did not (`*unmarked`).
 */
void snpm_maps_of(uint64_t gpa, uint32_t *marked, uint32_t *unmarked);
/**
 * From now on each VMGEXIT (but a termination request) answers with the
 * next of `count` values of `answers` (kept by the caller) instead of the
 * responder's; once they run out the responder answers again. For the
 * fuzz target: any 64-bit value the host could write.
 */
void snpm_script(const uint64_t *answers, size_t count);
/**
 * The hypervisor's devices behind the IOIO and MSR exits of the GHCB
 * page: `snpm_io_in` sets what an IN of `port` reads (all ones if unset,
 * as an absent ISA port), `snpm_io_out_last` says what the last OUT
 * wrote (false if none); `snpm_msr_set` sets an MSR (an MSR never set
 * answers with an error: #GP), `snpm_msr_get` reads it back.
 */
void snpm_io_in(uint16_t port, uint32_t val);
bool snpm_io_out_last(uint16_t *port, uint32_t *val, uint8_t *size);
void snpm_msr_set(uint32_t msr, uint64_t val);
bool snpm_msr_get(uint32_t msr, uint64_t *val);
/** Sets what SEV_STATUS reads (SEV, SEV-ES, SNP, restricted injection at
 * reset). */
void snpm_set_sev_status(uint64_t status);
/** The last page snp_hw_map_shared() made shared, or NULL. */
void *snpm_shared_va(void);
/** What the page responder writes instead of its own answer (fuzzing). */
struct snpm_page_answer {
	uint64_t info_1;
	uint64_t rax;
	uint64_t rdx;
	uint64_t valid_bitmap[2];
};
/** From now on page answers are `*a` (kept by the caller); NULL: honest. */
void snpm_page_answer(const struct snpm_page_answer *a);
/** Sets what CPUID function `fn` reports for register `reg` (0-3). */
void snpm_set_cpuid(uint32_t fn, uint32_t reg, uint32_t val);

/* ---- the guest at VMPL2 and the vCPUs the hypervisor runs ------------- */

/** VMSA.guest_exit_code after a VMGEXIT (APM vol. 2, table C-1). */
#define SNPM_EXIT_VMGEXIT 0x403ULL
/** Another exit (an interrupt for the hypervisor): not an SVSM call. */
#define SNPM_EXIT_INTR 0x60ULL
/** Guest runs after which the model stops a runaway test (a fault). */
#define SNPM_GUEST_RUNS_MAX 10000U
/** APIC IDs the model's hypervisor knows (vCPUs 0 .. SNPM_APICS - 1). */
#define SNPM_APICS 8U

struct vmsa;

/**
 * Installs a scripted guest: each SNP_RUN_VMPL through the GHCB page runs
 * the VMSA at `vmsa_gpa` (the hypervisor's record of this vCPU's guest
 * VMSA) by calling `fn`. The hypervisor can run it only if the RMP holds
 * the page as a VMSA, its VMPL field is the one asked for and EFER.SVME
 * is set; else it reports the switch failed. `fn` stands for the guest's
 * code up to its next exit: it runs at that VMPL (snpm_guest_read and
 * _write apply that VMPL's permissions), sets the registers the hardware
 * saves in `v`, and returns the exit code the hardware writes into
 * VMSA.guest_exit_code. NULL `fn`: the switch is only counted.
 */
void snpm_set_guest(uint64_t (*fn)(void *ctx, struct vmsa *v), void *ctx,
		    uint64_t vmsa_gpa);
/** Points the hypervisor at another guest VMSA (after CREATE_VCPU). */
void snpm_set_guest_vmsa(uint64_t vmsa_gpa);
/** How often the scripted guest ran. */
uint32_t snpm_guest_runs(void);
/**
 * The running guest (or, outside a run, VMPL2) copies `len` bytes to
 * guest memory at `gpa`; false, and nothing written, if its VMPL may not
 * write every page.
 */
bool snpm_guest_write(uint64_t gpa, const void *src, size_t len);
/** The same for reading. */
bool snpm_guest_read(uint64_t gpa, void *dst, size_t len);
/**
 * The VMSA GPA the hypervisor started for APIC ID `apic_id` through the
 * AP creation request (GHCB 0x8000_0013), or 0.
 */
uint64_t snpm_ap_vmsa(uint32_t apic_id);
