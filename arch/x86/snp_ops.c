// SPDX-License-Identifier: MIT
/*
 * The SEV-SNP backend on hardware (arch/x86/snp_ops.h): each call is the
 * instruction of arch/snp.h, and guest pages are reached through the
 * per-CPU temporary window. Not reachable yet: csvsm does not boot on SNP
 * (no SNP under TCG), so nothing calls these; they are built into the
 * kernel so that they keep compiling freestanding. The window maps 4 KiB
 * pages only, so a 2 MiB mapping is not offered (NULL) until the window
 * can map a large page.
 */
#include "snp_ops.h"

#include <stddef.h>

#include "arch/insn.h"
#include "arch/snp.h"

#include "svsm/addr.h"
#include "svsm/tmpmap.h"

struct snp_pval_status snp_hw_pvalidate(void *va, bool huge, bool validate)
{
	return pvalidate((uint64_t)(uintptr_t)va, huge, validate);
}

uint32_t snp_hw_rmpadjust(void *va, bool huge, uint64_t attrs)
{
	return rmpadjust((uint64_t)(uintptr_t)va, huge, attrs);
}

uint64_t snp_hw_ghcb_msr_read(void)
{
	return ghcb_msr_read();
}

void snp_hw_ghcb_msr_write(uint64_t val)
{
	ghcb_msr_write(val);
}

void snp_hw_vmgexit(void)
{
	vmgexit();
}

void snp_hw_halt(void)
{
	for (;;) {
		cli();
		hlt();
	}
}

void *snp_hw_map(uint64_t gpa, bool huge)
{
	if (huge) {
		return NULL;
	}
	return tmpmap_map(pa_init(gpa));
}

void snp_hw_unmap(void *va, bool huge)
{
	if (!huge && va) {
		tmpmap_unmap(va);
	}
}
