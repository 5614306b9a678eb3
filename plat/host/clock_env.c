// SPDX-License-Identifier: MIT
/*
 * The clock's HAL on the host: arch_tsc_read() returns a value the test
 * sets, so the core clock code (kernel/time/clock.c, unmodified) can be
 * driven through backward jumps, wrap-around and long uptimes.
 */
#include "clock_env.h"

#include "svsm/time.h"

static uint64_t fake_tsc;
static uint64_t fake_hz = 1000000000ULL;
static enum svsm_err fake_err = SVSM_OK;

void clock_env_set_tsc(uint64_t tsc)
{
	fake_tsc = tsc;
}

void clock_env_set_calibration(uint64_t hz, enum svsm_err err)
{
	fake_hz = hz;
	fake_err = err;
}

uint64_t arch_tsc_read(void)
{
	return fake_tsc;
}

enum svsm_err arch_tsc_calibrate(uint64_t *hz)
{
	if (fake_err != SVSM_OK) {
		return fake_err;
	}
	*hz = fake_hz;
	return SVSM_OK;
}
