/* SPDX-License-Identifier: MIT */
/*
 * A model platform for the protocol layer's host tests and fuzz target:
 * guest memory of PM_MEM_PAGES pages at GPA 0 that requests can read and
 * write, a per-4K-page validated state over PM_VAL_BYTES with a 2 MiB
 * region backed by large pages, an SVSM-owned region the guest may not
 * name, and vCPUs created from VMSA pages. Every guest read is counted
 * per byte, so a test can prove nothing was read twice.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "svsm/proto.h"

#define PM_MEM_PAGES 16U
#define PM_MEM_BYTES (PM_MEM_PAGES * 0x1000ULL)
#define PM_VAL_BYTES 0x800000U /* validated state tracked below 8 MiB */
#define PM_HUGE_BASE 0x200000U /* [2, 4) MiB: backed by one 2 MiB page */
#define PM_SVSM_BASE 0x600000U /* [6, 8) MiB: the SVSM's own */
#define PM_SVSM_PAGE 0xF000U   /* and one page inside guest memory */
#define PM_MAX_VCPUS 8U

struct proto_model {
	uint8_t mem[PM_MEM_BYTES];
	uint8_t reads[PM_MEM_BYTES]; /* times each byte was read */
	bool valid[PM_VAL_BYTES / 0x1000U];
	bool huge_valid;
	uint64_t caa[PM_MAX_VCPUS];
	uint64_t vmsa[PM_MAX_VCPUS]; /* 0: no vCPU */
	uint32_t apic_id[PM_MAX_VCPUS];
	uint32_t pvalidates; /* calls made */
	/* After this many successful reads, flip every byte of memory the
	 * last read returned (a guest racing the SVSM); UINT32_MAX: never. */
	uint32_t flip_after_reads;
	uint32_t reads_done;
	/* Fail the nth write (1-based) with SVSM_ERR_FAULT; 0: never. */
	uint32_t fail_write_at;
	uint32_t writes_done;
};

/** A fresh model and an environment with the core protocol on vCPU 0. */
void proto_model_init(struct proto_model *m, struct proto_env *env);
/** The highest per-byte read count over the whole memory. */
uint8_t proto_model_max_reads(const struct proto_model *m);
