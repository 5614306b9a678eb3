// SPDX-License-Identifier: MIT
/*
 * The SEV-SNP boot sequence (plat/snp/start.c) against the SNP model:
 * an honest launch passes every step in order and leaves the GHCB page
 * shared, mapped shared and registered, and the validation table holding
 * the image VALID and the GHCB page SHARED; a hostile or broken input at
 * each step ends the boot at that step, with that step's termination
 * reason, and nothing of the later steps done.
 */
#include <string.h>

#include "svsm/test.h"

#include "../../plat/snp/start.h"
#include "../models/snp/snp_model.h"

#define TERM(set, reason) ((int32_t)((set) | (reason) << 4))
#define BASE SNPM_SVSM_BASE
#define IMAGE_END (BASE + 0x40000U)
#define CPUID_PA (BASE + 0x20000U)
#define SECRETS_PA (BASE + 0x21000U)
#define GHCB_PA (BASE + 0x30000U)
#define PT_COUNT 8U

struct launch {
	struct svsm_launch_info li;
	uint64_t ptes[PT_COUNT];
	struct snp_boot_in in;
	struct snp_boot b;
	struct valid_region r;
	uint8_t bits[128];
};

static struct launch l;

/** A launch as igvmbld lays it out, over the model's SVSM region. */
static void launch_up(struct test_ctx *t)
{
	static const struct snp_cpuid_fn fns[] = {
		{ 0x0, 0, 0, 0, 0xD, 0, 0, 0, 0 },
		{ 0x80000000, 0, 0, 0, 0x8000001F, 0, 0, 0, 0 },
		{ 0x8000001F, 0, 0, 0, 0x1001B, 0x5073, 0x1FD, 0x1, 0 },
	};
	struct snp_cpuid_page *cp = (void *)snpm_mem(CPUID_PA);
	struct snp_secrets_page *sp = (void *)snpm_mem(SECRETS_PA);

	snpm_reset();
	memset(&l, 0, sizeof(l));
	cp->count = 3;
	memcpy(cp->fn, fns, sizeof(fns));
	sp->version = 3;
	memset(sp->vmpck[0], 0xA0, sizeof(sp->vmpck[0]));
	l.li = (struct svsm_launch_info){
		.magic = SVSM_LAUNCH_MAGIC,
		.version = SVSM_LAUNCH_VERSION,
		.kernel_pbase = BASE,
		.kernel_pend = SNPM_MEM_SIZE,
		.param_gpa = BASE + 0x10000U,
		.param_size = 0x3000U,
		.free_pbase = IMAGE_END,
		.vmsa_gpa = 0x1000U,
		.snp_cpuid_pa = CPUID_PA,
		.snp_secrets_pa = SECRETS_PA,
	};
	for (uint32_t i = 0; i < PT_COUNT; i += 2) {
		l.ptes[i] = (BASE + (uint64_t)i * 0x1000U) | 1ULL << 51 | 0x3U;
	}
	l.in = (struct snp_boot_in){ &l.li, l.ptes, PT_COUNT, snpm_mem(GHCB_PA),
				     GHCB_PA };
	ASSERT_OK(valid_region_init(&l.r, pa_init(BASE),
				    (SNPM_MEM_SIZE - BASE) / SNPM_PAGE, l.bits,
				    sizeof(l.bits)));
}

TEST(snp_start, honest_launch_passes_every_step)
{
	uint64_t counts[4];

	launch_up(t);
	ASSERT_OK(snp_boot_early(&l.b, &l.in));
	EXPECT_EQ(l.b.steps, SNP_BOOT_GHCB);
	EXPECT_EQ(l.b.sev_features, 0x27U >> 2);
	EXPECT_EQ(l.b.cpuid.cbit, 51);
	EXPECT_EQ(l.b.info.cbit_pos, 51);
	EXPECT_EQ(l.b.secrets.version, 3U);
	EXPECT_EQ(l.b.secrets.vmpck[0][0], 0xA0); /* csvsm keeps VMPCK0 */
	EXPECT_EQ(snpm_ghcb_gpa(), GHCB_PA);
	EXPECT_FALSE(snpm_rmp(GHCB_PA)->is_assigned); /* shared */
	EXPECT_TRUE(snpm_shared_va() == snpm_mem(GHCB_PA));
	EXPECT_TRUE((void *)l.b.ghcb == snpm_mem(GHCB_PA));
	EXPECT_EQ(valid_get(&l.b.ghcb_valid, pa_init(GHCB_PA)),
		  VALID_STATE_SHARED);
	ASSERT_OK(snp_boot_table(&l.b, &l.r, &l.li));
	EXPECT_EQ(l.b.steps, SNP_BOOT_TABLE);
	valid_count(&l.r, counts);
	EXPECT_EQ(counts[VALID_STATE_VALID], 0x40U - 1U);
	EXPECT_EQ(counts[VALID_STATE_SHARED], 1U);
	EXPECT_EQ(valid_get(&l.r, pa_init(GHCB_PA)), VALID_STATE_SHARED);
	EXPECT_EQ(valid_get(&l.r, pa_init(IMAGE_END)), VALID_STATE_INVALID);
	EXPECT_EQ(snpm_terminated(), -1);
	EXPECT_TRUE(snpm_fault() == NULL);
	/* The boot CPU's GHCB works: a VMPL switch through it. */
	EXPECT_OK(ghcb_page_run_vmpl(l.b.ghcb, l.b.ghcb_gpa, 2));
}

/** Ran early boot to its refusal: at `steps`, terminated for `term`. */
static void refused_at(struct test_ctx *t, enum snp_boot_step steps,
		       int32_t term)
{
	EXPECT_NE(snp_boot_early(&l.b, &l.in), SVSM_OK);
	EXPECT_EQ(l.b.steps, steps);
	EXPECT_EQ(snpm_terminated(), term);
	EXPECT_TRUE(snpm_halted());
	EXPECT_EQ(snpm_ghcb_gpa(), 0U); /* step 5 never ran */
	EXPECT_TRUE(snpm_rmp(GHCB_PA)->is_assigned);
	EXPECT_TRUE(snpm_shared_va() == NULL);
}

TEST(snp_start, each_step_refuses_with_its_reason)
{
	launch_up(t);
	snpm_set_sev_status(0x27U | SEV_STATUS_VTOM);
	refused_at(t, SNP_BOOT_NONE, TERM(0, GHCB_TERM_FEATURE));
	EXPECT_EQ(snpm_counts()->vmgexits, 1U); /* the termination alone */

	launch_up(t);
	snpm_set_sev_status(0x7); /* no restricted injection */
	refused_at(t, SNP_BOOT_NONE, TERM(0, GHCB_TERM_FEATURE));

	launch_up(t);
	((struct snp_cpuid_page *)(void *)snpm_mem(CPUID_PA))->reserved_1 = 1;
	refused_at(t, SNP_BOOT_SEV_STATUS, TERM(1, GHCB_TERM_CPUID_PAGE));

	launch_up(t);
	l.li.snp_cpuid_pa = 0;
	refused_at(t, SNP_BOOT_SEV_STATUS, TERM(1, GHCB_TERM_CPUID_PAGE));

	launch_up(t); /* the host's C-bit is not a C-bit */
	snpm_set_ghcb_mode(SNPM_GHCB_BAD_CBIT);
	refused_at(t, SNP_BOOT_CPUID, TERM(1, GHCB_TERM_BAD_ANSWER));

	launch_up(t); /* the page and the host disagree */
	((struct snp_cpuid_page *)(void *)snpm_mem(CPUID_PA))->fn[2].ebx =
		0x502F;
	refused_at(t, SNP_BOOT_CPUID, TERM(1, GHCB_TERM_CBIT));

	launch_up(t); /* the stub left an entry unencrypted */
	l.ptes[4] &= ~(1ULL << 51);
	refused_at(t, SNP_BOOT_CPUID, TERM(1, GHCB_TERM_CBIT));

	launch_up(t);
	((struct snp_secrets_page *)(void *)snpm_mem(SECRETS_PA))->version = 9;
	refused_at(t, SNP_BOOT_CBIT, TERM(1, GHCB_TERM_SECRETS));
	EXPECT_EQ(l.b.secrets.vmpck[0][0], 0); /* nothing kept */

	launch_up(t); /* a GHCB page outside what the launch validated */
	l.in.ghcb_gpa = IMAGE_END;
	l.in.ghcb_va = snpm_mem(IMAGE_END);
	refused_at(t, SNP_BOOT_SECRETS, TERM(1, GHCB_TERM_BOOT));

	launch_up(t); /* the CPUID page is not a GHCB page */
	l.in.ghcb_gpa = CPUID_PA;
	l.in.ghcb_va = snpm_mem(CPUID_PA);
	refused_at(t, SNP_BOOT_SECRETS, TERM(1, GHCB_TERM_BOOT));

	launch_up(t); /* the host will not make it shared */
	snpm_set_ghcb_mode(SNPM_GHCB_PSC_REFUSE);
	EXPECT_NE(snp_boot_early(&l.b, &l.in), SVSM_OK);
	EXPECT_EQ(l.b.steps, SNP_BOOT_SECRETS);
	EXPECT_EQ(snpm_terminated(), TERM(1, GHCB_TERM_BAD_ANSWER));
	EXPECT_EQ(snpm_ghcb_gpa(), 0U);
}

TEST(snp_start, table_step_refuses_a_bad_launch)
{
	uint64_t counts[4];

	launch_up(t);
	/* Not before the early steps. */
	EXPECT_ERR(snp_boot_table(&l.b, &l.r, &l.li), SVSM_ERR_INVAL);
	EXPECT_EQ(snpm_terminated(), TERM(1, GHCB_TERM_BOOT));

	launch_up(t);
	ASSERT_OK(snp_boot_early(&l.b, &l.in));
	l.li.vmsa_gpa = BASE + 0x50000U; /* inside the SVSM's region */
	EXPECT_NE(snp_boot_table(&l.b, &l.r, &l.li), SVSM_OK);
	EXPECT_EQ(l.b.steps, SNP_BOOT_GHCB);
	EXPECT_EQ(snpm_terminated(), TERM(1, GHCB_TERM_LAUNCH));
	valid_count(&l.r, counts);
	EXPECT_EQ(counts[VALID_STATE_VALID] + counts[VALID_STATE_SHARED], 0U);

	launch_up(t); /* recorded once only */
	ASSERT_OK(snp_boot_early(&l.b, &l.in));
	ASSERT_OK(snp_boot_table(&l.b, &l.r, &l.li));
	l.b.steps = SNP_BOOT_GHCB;
	EXPECT_NE(snp_boot_table(&l.b, &l.r, &l.li), SVSM_OK);
	EXPECT_EQ(snpm_terminated(), TERM(1, GHCB_TERM_LAUNCH));
}
