/* SPDX-License-Identifier: MIT */
/*
 * What the kernel learned at boot, after checking: the launch info, the
 * memory map and the CPU count. Read-only once kernel_main has filled it.
 */
#pragma once

#include <stdint.h>

#include "svsm/memmap.h"

#include "uapi/svsm/launch.h"

#define SVSM_MAX_CPUS 256U

/** Checked boot facts. */
struct boot_info {
	struct svsm_launch_info launch;
	uint32_t platform;
	uint32_t cpu_count;
	struct memmap memmap;
};

/** The checked boot facts (valid once boot has reached the payload). */
const struct boot_info *boot_info_get(void);

/**
 * What runs once the kernel is up: the services (production image) or the
 * in-VM test suites (test image). Does not return.
 */
__attribute__((noreturn)) void kernel_payload(void);

__attribute__((noreturn)) void kernel_main(const struct svsm_launch_info *li,
					   uint64_t platform);
