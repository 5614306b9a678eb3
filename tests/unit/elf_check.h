/* SPDX-License-Identifier: MIT */
/*
 * Helpers shared by the ELF loader's unit tests (test_elf_load.c on real
 * programs, test_elf_rules.c on the hand-made sample): the limits they
 * use, the ELF constants they patch in (gABI, kept apart from the
 * loader's own), a check of a refusal and a check of segment copies.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "svsm/elf_load.h"
#include "svsm/err.h"
#include "svsm/test.h"

#define PF_X 0x1U
#define PF_W 0x2U
#define PF_R 0x4U
#define PT_NULL 0U
#define PT_LOAD 1U
#define PT_INTERP 3U
#define PT_NOTE 4U
#define PT_PHDR 6U
#define PT_TLS 7U
#define PT_GNU_EH_FRAME 0x6474e550U
#define PT_GNU_STACK 0x6474e551U
#define PT_GNU_RELRO 0x6474e552U
#define PT_GNU_PROPERTY 0x6474e553U

/** Where the tests place PIEs. */
#define ELF_TEST_PIE_BASE 0x1000000ULL

/** The limits most tests use: 64 KiB to 256 MiB, 64 MiB of segments. */
extern const struct elf_limits ELF_TEST_LIM;

/** Whether two plans have the same fields (padding aside). */
bool elf_plans_equal(const struct elf_plan *a, const struct elf_plan *b);

/**
 * Parses `img` and checks the refusal: error `want`, a one-line reason
 * containing `want_why`, `out` untouched. With `want` SVSM_OK, only that
 * the image is accepted. Returns whether all held.
 */
bool elf_expect_verdict(struct test_ctx *t, const uint8_t *img, size_t size,
			const struct elf_limits *lim, enum svsm_err want,
			const char *want_why);

/**
 * Copies every segment of `plan` whole and page by page into buffers with
 * a guard area after the mapping and checks them against `image`: zero
 * before the segment, the file bytes, zero to the end of the last page,
 * the guard untouched.
 */
void elf_check_copies(struct test_ctx *t, const struct elf_plan *plan,
		      const uint8_t *image, size_t size);
