/* SPDX-License-Identifier: MIT */
/*
 * The AMD SEV-ES/SEV-SNP VM save area (VMSA): the 4 KiB page that holds a
 * vCPU's register state while the hypervisor cannot read it (AMD64 APM
 * volume 2, appendix B, table B-4 "VMSA layout, state save area for
 * SEV-ES"). `igvmbld` builds the SNP boot vCPU's VMSA from this layout and
 * the kernel builds AP VMSAs from it. Only the fields csvsm uses are named;
 * everything else is an explicit reserved byte range that must stay zero.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

/** One segment register in the save area (APM vol. 2, table B-4). */
struct vmsa_segment {
	uint16_t selector;
	uint16_t attrib; /* descriptor bits 8-15 and 20-23, packed */
	uint32_t limit;
	uint64_t base;
};
_Static_assert(sizeof(struct vmsa_segment) == 16, "APM table B-4 segment");

/** SEV_FEATURES bits (APM vol. 2, table 15-36 "SEV_FEATURES"). */
#define VMSA_SEV_FEATURE_SNP_ACTIVE 0x1ULL

/** EFER.SVME: a VMSA is runnable only with this bit set. */
#define VMSA_EFER_SVME 0x1000ULL

/** The save area, padded to one 4 KiB page (APM vol. 2, table B-4). */
struct vmsa {
	struct vmsa_segment es;	    /* 0x000 */
	struct vmsa_segment cs;	    /* 0x010 */
	struct vmsa_segment ss;	    /* 0x020 */
	struct vmsa_segment ds;	    /* 0x030 */
	struct vmsa_segment fs;	    /* 0x040 */
	struct vmsa_segment gs;	    /* 0x050 */
	struct vmsa_segment gdtr;   /* 0x060 */
	struct vmsa_segment ldtr;   /* 0x070 */
	struct vmsa_segment idtr;   /* 0x080 */
	struct vmsa_segment tr;	    /* 0x090 */
	uint8_t reserved_0a0[0x2A]; /* shadow-stack pointers, U_CET */
	uint8_t vmpl;		    /* 0x0CA */
	uint8_t cpl;		    /* 0x0CB */
	uint8_t reserved_0cc[4];
	uint64_t efer; /* 0x0D0 */
	uint8_t reserved_0d8[0x70];
	uint64_t cr4;		    /* 0x148 */
	uint64_t cr3;		    /* 0x150 */
	uint64_t cr0;		    /* 0x158 */
	uint64_t dr7;		    /* 0x160 */
	uint64_t dr6;		    /* 0x168 */
	uint64_t rflags;	    /* 0x170 */
	uint64_t rip;		    /* 0x178 */
	uint8_t reserved_180[0x58]; /* DR0-DR3 and their address masks */
	uint64_t rsp;		    /* 0x1D8 */
	uint8_t reserved_1e0[0x18]; /* S_CET, SSP, ISST_ADDR */
	uint64_t rax;		    /* 0x1F8 */
	uint8_t reserved_200[0x68]; /* STAR ... CR2 */
	uint64_t g_pat;		    /* 0x268 */
	uint8_t reserved_270[0x98]; /* DBGCTL, LBR state */
	uint64_t rcx;		    /* 0x308 */
	uint64_t rdx;		    /* 0x310 */
	uint64_t rbx;		    /* 0x318 */
	uint64_t reserved_320;	    /* RSP lives at 0x1D8 */
	uint64_t rbp;		    /* 0x328 */
	uint64_t rsi;		    /* 0x330 */
	uint64_t rdi;		    /* 0x338 */
	uint64_t r8;		    /* 0x340 */
	uint64_t r9;
	uint64_t r10;
	uint64_t r11;
	uint64_t r12;
	uint64_t r13;
	uint64_t r14;
	uint64_t r15; /* 0x378 */
	uint8_t reserved_380[0x10];
	uint64_t exitinfo1;	     /* 0x390 */
	uint64_t exitinfo2;	     /* 0x398 */
	uint64_t exitintinfo;	     /* 0x3A0 */
	uint64_t nrip;		     /* 0x3A8 */
	uint64_t sev_features;	     /* 0x3B0 */
	uint64_t vintr_ctrl;	     /* 0x3B8 */
	uint64_t guest_exit_code;    /* 0x3C0 */
	uint64_t virtual_tom;	     /* 0x3C8 */
	uint8_t reserved_3d0[0x10];  /* TLB_ID, PCPU_ID */
	uint64_t event_inj;	     /* 0x3E0 */
	uint64_t xcr0;		     /* 0x3E8 */
	uint8_t reserved_3f0[0x18];  /* ..., X87_DP */
	uint32_t mxcsr;		     /* 0x408 */
	uint16_t x87_ftw;	     /* 0x40C */
	uint16_t reserved_40e;	     /* X87_FSW */
	uint16_t x87_fcw;	     /* 0x410 */
	uint8_t reserved_412[0xBEE]; /* rest of x87/SSE/AVX state, to 4 KiB */
} __attribute__((packed));

_Static_assert(sizeof(struct vmsa) == 4096, "VMSA is one 4 KiB page");
_Static_assert(offsetof(struct vmsa, cs) == 0x010, "B-4 cs");
_Static_assert(offsetof(struct vmsa, tr) == 0x090, "B-4 tr");
_Static_assert(offsetof(struct vmsa, vmpl) == 0x0CA, "B-4 vmpl");
_Static_assert(offsetof(struct vmsa, cpl) == 0x0CB, "B-4 cpl");
_Static_assert(offsetof(struct vmsa, efer) == 0x0D0, "B-4 efer");
_Static_assert(offsetof(struct vmsa, cr4) == 0x148, "B-4 cr4");
_Static_assert(offsetof(struct vmsa, cr3) == 0x150, "B-4 cr3");
_Static_assert(offsetof(struct vmsa, cr0) == 0x158, "B-4 cr0");
_Static_assert(offsetof(struct vmsa, dr7) == 0x160, "B-4 dr7");
_Static_assert(offsetof(struct vmsa, dr6) == 0x168, "B-4 dr6");
_Static_assert(offsetof(struct vmsa, rflags) == 0x170, "B-4");
_Static_assert(offsetof(struct vmsa, rip) == 0x178, "B-4 rip");
_Static_assert(offsetof(struct vmsa, rsp) == 0x1D8, "B-4 rsp");
_Static_assert(offsetof(struct vmsa, rax) == 0x1F8, "B-4 rax");
_Static_assert(offsetof(struct vmsa, g_pat) == 0x268, "B-4 g_pat");
_Static_assert(offsetof(struct vmsa, rcx) == 0x308, "B-4 rcx");
_Static_assert(offsetof(struct vmsa, rbx) == 0x318, "B-4 rbx");
_Static_assert(offsetof(struct vmsa, rbp) == 0x328, "B-4 rbp");
_Static_assert(offsetof(struct vmsa, rsi) == 0x330, "B-4 rsi");
_Static_assert(offsetof(struct vmsa, rdi) == 0x338, "B-4 rdi");
_Static_assert(offsetof(struct vmsa, r8) == 0x340, "B-4 r8");
_Static_assert(offsetof(struct vmsa, r15) == 0x378, "B-4 r15");
_Static_assert(offsetof(struct vmsa, exitinfo1) == 0x390, "B-4");
_Static_assert(offsetof(struct vmsa, nrip) == 0x3A8, "B-4 nrip");
_Static_assert(offsetof(struct vmsa, sev_features) == 0x3B0,
	       "B-4 sev_features");
_Static_assert(offsetof(struct vmsa, vintr_ctrl) == 0x3B8, "B-4");
_Static_assert(offsetof(struct vmsa, guest_exit_code) == 0x3C0,
	       "B-4 guest_exit_code");
_Static_assert(offsetof(struct vmsa, virtual_tom) == 0x3C8, "B-4");
_Static_assert(offsetof(struct vmsa, event_inj) == 0x3E0, "B-4");
_Static_assert(offsetof(struct vmsa, xcr0) == 0x3E8, "B-4 xcr0");
_Static_assert(offsetof(struct vmsa, mxcsr) == 0x408, "B-4 mxcsr");
_Static_assert(offsetof(struct vmsa, x87_ftw) == 0x40C, "B-4 ftw");
_Static_assert(offsetof(struct vmsa, x87_fcw) == 0x410, "B-4 fcw");
