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
#include "svsm/boot.h"
#include "svsm/tmpmap.h"

#define PTE_PRESENT 0x1ULL
#define PTE_HUGE 0x80ULL
#define PTE_ADDR 0x000FFFFFFFFFF000ULL
#define PT_LEVELS 4U

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

uint64_t snp_hw_sev_status(void)
{
	return rdmsr(MSR_SEV_STATUS);
}

/**
 * The build-time page-table page at `pa` through the launch's page-table
 * window (mapped before the kernel's allocators exist), or NULL.
 */
static uint64_t *boot_table(const struct svsm_launch_info *li, uint64_t pa)
{
	if (li->pt_window_va == 0 || pa < li->pt_pbase || pa >= li->pt_pend ||
	    (pa & 0xFFFU) != 0) {
		return NULL;
	}
	return va_to_ptr(va_init(li->pt_window_va + (pa - li->pt_pbase)));
}

void *snp_hw_map_shared(void *va, uint8_t cbit)
{
	const struct svsm_launch_info *li = &boot_info_get()->launch;
	uint64_t v = (uint64_t)(uintptr_t)va;
	uint64_t c = 1ULL << cbit;
	uint64_t *t = boot_table(li, li->pt_root_pa);

	for (uint32_t level = PT_LEVELS - 1U; t && level > 0; level--) {
		uint64_t e = t[(v >> (12U + 9U * level)) & 511U];

		if (!(e & PTE_PRESENT) || (e & PTE_HUGE)) {
			return NULL;
		}
		t = boot_table(li, e & PTE_ADDR & ~c);
	}
	if (!t || !(t[(v >> 12) & 511U] & PTE_PRESENT)) {
		return NULL;
	}
	t[(v >> 12) & 511U] &= ~c;
	invlpg(v);
	return va;
}
