// SPDX-License-Identifier: MIT
/*
 * The platform layer: native (a plain VM, tested under QEMU) here;
 * SEV-SNP through plat/snp/plat_snp.h, reached only when the launch said
 * SEV-SNP (the SNP code is built in but never runs on native); TDX boots
 * are refused, fail closed, until its platform code lands.
 */
#include "svsm/plat.h"

#include "arch/cpuid.h"
#include "arch/insn.h"

#include "svsm/string.h"

#include "../snp/plat_snp.h"
#include "ap_start.h"
#include "serial.h"

/* QEMU's isa-debug-exit device, as csvsm run configures it. */
#define DEBUG_EXIT_PORT 0xF4U
#define DEBUG_EXIT_PASS 0x10U
#define DEBUG_EXIT_FAIL 0x11U

static enum plat_type current = PLAT_NATIVE;
static bool console_ready;

/** Records the platform: native, or SEV-SNP after its boot checks. */
enum svsm_err plat_init_early(uint32_t platform,
			      const struct svsm_launch_info *li)
{
	if (platform == PLAT_SNP) {
		enum svsm_err err = snp_plat_init(li);

		if (err == SVSM_OK) {
			current = PLAT_SNP;
		}
		return err;
	}
	if (platform != PLAT_NATIVE) {
		return SVSM_ERR_UNSUPPORTED;
	}
	current = PLAT_NATIVE;
	serial_init(SERIAL_COM1);
	console_ready = true;
	return SVSM_OK;
}

const char *plat_name(void)
{
	switch (current) {
	case PLAT_NATIVE:
		return "native";
	case PLAT_SNP:
		return "sev-snp";
	case PLAT_TDX:
		return "tdx";
	}
	return "unknown";
}

void plat_console_write(const char *s, size_t len)
{
	if (current == PLAT_SNP) {
		snp_plat_console_write(s, len);
		return;
	}
	if (!console_ready) {
		return;
	}
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '\n') {
			serial_putc(SERIAL_COM1, '\r');
		}
		serial_putc(SERIAL_COM1, s[i]);
	}
}

/** Exits through isa-debug-exit; halts forever if the device is absent. */
void plat_exit(bool success)
{
	if (current == PLAT_SNP) {
		snp_plat_exit(success);
	}
	outl(DEBUG_EXIT_PORT, success ? DEBUG_EXIT_PASS : DEBUG_EXIT_FAIL);
	for (;;) {
		cli();
		hlt();
	}
}

/** Native guests have no page validation: the table alone tracks it. */
enum svsm_err plat_validate_pages(paddr_t pa, uint64_t pages, bool valid)
{
	if (current == PLAT_SNP) {
		return snp_plat_validate(pa, pages, valid);
	}
	(void)pa;
	(void)pages;
	(void)valid;
	return SVSM_OK;
}

enum svsm_err plat_record_prevalidated(struct valid_region *r,
				       const struct svsm_launch_info *li)
{
	uint64_t pages = (li->free_pbase - li->kernel_pbase) / 0x1000U;

	if (current == PLAT_SNP) {
		return snp_plat_record_prevalidated(r, li);
	}
	/* The loader placed the image's pages; nothing to check here. */
	valid_commit(r, pa_init(li->kernel_pbase), pages, VALID_STATE_VALID);
	return SVSM_OK;
}

bool plat_handle_vc(struct trap_frame *f)
{
	return current == PLAT_SNP && snp_plat_vc(f);
}

bool plat_ap_uses_trampoline(void)
{
	return current != PLAT_SNP;
}

bool plat_run_payload(void)
{
	if (current != PLAT_SNP) {
		return false;
	}
	snp_plat_run_loop();
	return true;
}

/** The wait after INIT on this CPU, from CPUID once. */
static uint32_t native_init_delay(void)
{
	static uint32_t delay_us = UINT32_MAX;

	if (delay_us == UINT32_MAX) {
		struct cpuid_regs v = cpuid(0, 0);

		delay_us = native_init_delay_us(v.ebx, v.edx, v.ecx,
						cpuid(1, 0).eax);
	}
	return delay_us;
}

/** Starts an AP the way the platform allows; see svsm/plat.h. */
enum svsm_err plat_start_ap(uint32_t apic_id, paddr_t trampoline_pa,
			    const struct plat_ap_boot *ap)
{
	switch (current) {
	case PLAT_NATIVE:
		return native_start_ap(apic_id, trampoline_pa,
				       native_init_delay());
	case PLAT_SNP:
		return snp_plat_start_ap(apic_id, ap);
	case PLAT_TDX:
		/*
		 * Not reachable: plat_init_early() refuses TDX. Its APs
		 * wait in the TDVF mailbox or are started through a
		 * TDVMCALL, not by SIPI.
		 */
		return SVSM_ERR_UNSUPPORTED;
	}
	return SVSM_ERR_UNSUPPORTED;
}

/** Halts with interrupts enabled; nothing is routed to this CPU yet. */
void plat_idle(void)
{
	for (;;) {
		sti();
		hlt();
	}
}
