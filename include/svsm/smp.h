/* SPDX-License-Identifier: MIT */
/*
 * Starting the application processors (APs) and what the kernel knows
 * about every CPU: its APIC ID, whether it came online, and (for the
 * tests) what it reported about itself once it ran.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "svsm/addr.h"
#include "svsm/boot.h"

/* The physical page the trampoline is copied to (below 1 MiB). */
#define SMP_TRAMPOLINE_PA 0x8000ULL
/* How long the boot CPU waits for an AP to come online. */
#define SMP_AP_TIMEOUT_MS 1000U
/* The value an AP writes into its per-CPU data: SMP_STAMP ^ its index. */
#define SMP_STAMP 0x5EED5EED00000000ULL

/** Where the CPU list came from. */
enum smp_cpu_source {
	SMP_CPUS_BOOT_ONLY = 0, /**< not discovered (no local APIC) */
	SMP_CPUS_MADT,		/**< QEMU's ACPI MADT, through fw_cfg */
	SMP_CPUS_SEQUENTIAL,	/**< no tables: IDs 0..n-1 of the vCPU count */
};

/** One CPU as the kernel sees it. Index 0 is the boot CPU. */
struct smp_cpu {
	uint32_t apic_id;      /* from the CPU list (the MADT) */
	uint32_t seen_apic_id; /* what the CPU's own APIC reported */
	uint32_t seen_index;   /* the index the CPU read through GS */
	uint32_t is_online;    /* set by the CPU itself, last */
	uint64_t gs_base;      /* the CPU's GS base, read by itself */
	paddr_t percpu_pa;     /* its per-CPU data page */
	paddr_t pml4_pa;       /* its CR3 */
};

/**
 * Starts every AP of the CPU list, one at a time, each bounded by
 * SMP_AP_TIMEOUT_MS; a CPU that does not come online is reported, parked
 * with INIT, and boot continues without it. Needs the memory manager and
 * the boot CPU's per-CPU region.
 */
void smp_start_aps(void);
/** CPUs online, the boot CPU included. */
uint32_t smp_online_count(void);
/** Where the CPU list came from. */
enum smp_cpu_source smp_cpu_source(void);
/** CPUs in the CPU list. */
uint32_t smp_cpu_count(void);
/** CPU `index`, or NULL past the list. */
const struct smp_cpu *smp_cpu_get(uint32_t index);
/** Work run on the APs by smp_run_on_aps(). */
typedef void (*smp_work_fn)(void *arg);
/**
 * Has every online AP call `fn(arg)` once, in its event loop task (task
 * context, interrupts on): publishes the work, signals each AP's work
 * event and returns at once. SVSM_ERR_BUSY while earlier work still
 * runs, SVSM_ERR_INVAL for a NULL `fn`. Boot CPU only (tests, for now).
 */
enum svsm_err smp_run_on_aps(smp_work_fn fn, void *arg) SVSM_MUST_CHECK;
/** APs that have finished the work of the last smp_run_on_aps(). */
uint32_t smp_work_done_count(void);
/** An AP's first C code, called by the trampoline; see smp.c. */
__attribute__((noreturn)) void ap_main(uint32_t cpu_index);
