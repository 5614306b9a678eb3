/* SPDX-License-Identifier: MIT */
/* Host stand-in for the TSC: a fake counter the tests set; clock_env.c. */
#pragma once

#include <stdint.h>

#include "svsm/err.h"

/** Sets the value arch_tsc_read() returns. */
void clock_env_set_tsc(uint64_t tsc);
/** Sets what arch_tsc_calibrate() reports (`err` SVSM_OK: `hz`). */
void clock_env_set_calibration(uint64_t hz, enum svsm_err err);
