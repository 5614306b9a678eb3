/* SPDX-License-Identifier: MIT */
/*
 * Checks shared by the IGVM reader's unit tests (test_igvm_file.c and
 * test_igvm_raw.c): parse a sample and expect success, or expect a
 * refusal whose one-line reason names the offset and contains a word.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "svsm/test.h"

#include "igvm_sample.h"

/** Writes the low `len` bytes of `v` (little-endian) at `p`. */
void igvm_put_le(uint8_t *p, uint64_t v, size_t len);

/**
 * Expects `s` (checksum fixed first if `fix`) to be refused with a reason
 * that starts with "offset 0x" and contains `word`.
 */
void igvm_expect_refused(struct test_ctx *t, struct igvm_sample *s,
			 const char *word, bool fix);

/** Expects `s` (checksum fixed first) to parse. */
void igvm_expect_parses(struct test_ctx *t, struct igvm_sample *s);
