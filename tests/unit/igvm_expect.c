// SPDX-License-Identifier: MIT
/*
 * The shared checks of the IGVM reader's unit tests: each parses a
 * sample, records the verdict through the test framework and prints the
 * reason as a diagnostic, so that a KTAP log shows what every refusal
 * said.
 */
#include "igvm_expect.h"

#include <string.h>

#include "svsm/test.h"

#include "igvm/igvm_file.h"
#include "igvm_sample.h"

#define WHY_SIZE 256U

/** Writes the low `len` bytes of `v` (little-endian) at `p`. */
void igvm_put_le(uint8_t *p, uint64_t v, size_t len)
{
	memcpy(p, &v, len);
}

/** Expects a refusal naming the offset and containing `word`. */
void igvm_expect_refused(struct test_ctx *t, struct igvm_sample *s,
			 const char *word, bool fix)
{
	struct igvm_file f;
	char why[WHY_SIZE];

	if (fix) {
		igvm_sample_fix_checksum(s->data, s->size);
	}
	memset(&f, 0x5A, sizeof(f));
	EXPECT_ERR(igvm_file_parse(&f, s->data, s->size, why, sizeof(why)),
		   SVSM_ERR_INVAL);
	EXPECT_TRUE(strncmp(why, "offset 0x", 9) == 0);
	EXPECT_TRUE(strstr(why, word) != NULL);
	EXPECT_EQ(f.size, 0x5A5A5A5A5A5A5A5AULL); /* untouched on failure */
	test_diag(t, "reason: %s", why);
}

/** Expects `s` to parse; prints the reason if it does not. */
void igvm_expect_parses(struct test_ctx *t, struct igvm_sample *s)
{
	struct igvm_file f;
	char why[WHY_SIZE];

	igvm_sample_fix_checksum(s->data, s->size);
	EXPECT_OK(igvm_file_parse(&f, s->data, s->size, why, sizeof(why)));
	if (why[0] != '\0') {
		test_diag(t, "reason: %s", why);
	}
}
