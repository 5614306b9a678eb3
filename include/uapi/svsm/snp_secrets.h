/* SPDX-License-Identifier: MIT */
/*
 * The SEV-SNP secrets page: the page the AMD secure processor fills at
 * launch with the VM platform communication keys (VMPCK0-3), and whose
 * reserved area the SVSM specification (58019, table "Secrets page
 * SVSM fields") uses to tell the guest where the SVSM is. Layout: SEV-SNP
 * ABI 56860, table "Secrets page format" (version 2 and 3), with the
 * SVSM fields at 0x140 as Linux `struct snp_secrets_page`, COCONUT
 * `SecretsPage` and EDK2 `SVSM_INFORMATION` place them.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

/** Bytes of one VMPCK (56860: 256-bit AES-GCM keys). */
#define SNP_VMPCK_SIZE 32U
/** VMPCKs, one per VMPL. */
#define SNP_VMPCK_COUNT 4U

/** The secrets page (56860 "Secrets page format"; 58019). */
struct snp_secrets_page {
	uint32_t version;	       /* 0x000: 2 or 3 */
	uint32_t flags;		       /* 0x004: bit 0 IMIEN */
	uint32_t fms;		       /* 0x008: family, model, stepping */
	uint32_t reserved_00c;	       /* 0x00C */
	uint8_t gosvw[16];	       /* 0x010: guest OS-visible workarounds */
	uint8_t vmpck[SNP_VMPCK_COUNT] /* 0x020: VMPCK0..3 */
		     [SNP_VMPCK_SIZE];
	uint8_t os_area[96];	       /* 0x0A0: the guest OS's own */
	uint64_t vmsa_tweak_bitmap[8]; /* 0x100 */
	uint64_t svsm_base;	       /* 0x140: GPA of the SVSM's region */
	uint64_t svsm_size;	       /* 0x148: non-zero: an SVSM is present */
	uint64_t svsm_caa;	       /* 0x150: the boot vCPU's calling area */
	uint32_t svsm_max_version;     /* 0x158: core protocol version */
	uint8_t svsm_guest_vmpl;       /* 0x15C: the VMPL the guest runs at */
	uint8_t reserved_15d[3];
	uint32_t tsc_factor; /* 0x160: version 3 (Secure TSC) */
	uint8_t reserved_164[0xE9C];
};

_Static_assert(sizeof(struct snp_secrets_page) == 4096, "56860: one page");
_Static_assert(offsetof(struct snp_secrets_page, vmpck) == 0x020,
	       "56860 VMPCK0");
_Static_assert(offsetof(struct snp_secrets_page, os_area) == 0x0A0,
	       "56860 OS area");
_Static_assert(offsetof(struct snp_secrets_page, vmsa_tweak_bitmap) == 0x100,
	       "56860 VMSA tweak bitmap");
_Static_assert(offsetof(struct snp_secrets_page, svsm_base) == 0x140,
	       "58019 svsm_base");
_Static_assert(offsetof(struct snp_secrets_page, svsm_caa) == 0x150,
	       "58019 svsm_caa");
_Static_assert(offsetof(struct snp_secrets_page, svsm_max_version) == 0x158,
	       "58019 svsm_max_version");
_Static_assert(offsetof(struct snp_secrets_page, svsm_guest_vmpl) == 0x15C,
	       "58019 svsm_guest_vmpl");
_Static_assert(offsetof(struct snp_secrets_page, tsc_factor) == 0x160,
	       "56860 tsc_factor");
