// SPDX-License-Identifier: MIT
/*
 * The VMPL switch loop (plat/snp/vcpu_loop.c) end to end against the SNP
 * model: a scripted guest at VMPL2 (the model runs it when the loop asks
 * for SNP_RUN_VMPL through its GHCB page) leaves SVSM calls in its VMSA
 * and calling area the way Linux does; the loop takes them, serves them
 * through proto_dispatch() and the SNP core operations, writes the
 * results back and re-enters. The guest checks, as Linux does, that
 * call_pending was cleared and reads its results from its registers.
 * The tests look at the model's RMP and counters, and at what the guest
 * could see: pages validated and zeroed before its VMPL may touch them,
 * a vCPU created and run on a second CPU, its calling area moved, double
 * validation refused, and a lying host ending in termination with
 * nothing written back.
 */
#include <stdlib.h>
#include <string.h>

#include "svsm/test.h"

#include "../../plat/snp/ghcb_msr.h"
#include "../../plat/snp/vcpu_loop.h"
#include "../models/snp/snp_model.h"
#include "uapi/svsm/protocol.h"
#include "uapi/svsm/vmsa.h"

#define PG 0x1000ULL
#define CALL(proto, call) ((uint64_t)(proto) << 32 | (call))
#define BOOT_VMSA 0x10000ULL /* the boot vCPU, adopted at start */
#define BOOT_CAA 0x11000ULL
#define REQ 0x12000ULL	   /* the guest's PVALIDATE list */
#define NEW_CAA 0x13000ULL /* where REMAP_CA moves the boot CAA */
#define AP_VMSA 0x20000ULL /* the vCPU the guest creates */
#define AP_CAA 0x21000ULL
#define DATA 0x30000ULL /* a page the guest validates */
#define GHCB_GPA SNPM_SVSM_BASE
#define MAX_STEPS 8U
#define NO_CALL UINT64_MAX
#define TERM_BAD_ANSWER \
	((int32_t)(GHCB_TERM_SET_CSVSM | GHCB_TERM_BAD_ANSWER << 4))
#define TERM_INTEGRITY \
	((int32_t)(GHCB_TERM_SET_CSVSM | GHCB_TERM_INTEGRITY << 4))

static const struct snp_guest_layout LAYOUT = {
	0, SNPM_MEM_SIZE, SNPM_SVSM_BASE, SNPM_MEM_SIZE - SNPM_SVSM_BASE
};

/** One thing the scripted guest does up to its next exit. */
struct step {
	uint64_t rax; /* NO_CALL: only an exit */
	uint64_t rcx;
	uint64_t rdx;
	uint64_t r8;
	uint64_t exit; /* 0: VMGEXIT */
	bool (*prep)(void);
	uint64_t caa; /* where it sets call_pending; 0: its current CAA */
};

/** What the guest saw after each step. */
struct seen {
	bool is_served; /* call_pending read back as 0 */
	uint64_t rax;
	uint64_t rcx;
	bool is_prep_ok;
};

struct guest {
	const struct step *steps;
	uint32_t count;
	uint32_t k;
	uint64_t caa;
	struct seen seen[MAX_STEPS];
	uint64_t pending_at; /* where the last call was left */
};

struct fixture {
	struct snp_guest g;
	uint8_t bits[SNPM_PAGES / 4];
	uint8_t svsm_bits[128];
	struct valid_region svsm_valid;
	struct snp_cpu cpu;
	struct guest guest;
};

/** The guest, up to its next exit; see snpm_set_guest(). */
static uint64_t guest_run(void *ctx, struct vmsa *v)
{
	struct guest *gs = ctx;
	uint8_t pending = 1;
	const uint8_t one = 1;

	if (gs->k > 0 && gs->steps[gs->k - 1].rax != NO_CALL) {
		struct seen *s = &gs->seen[gs->k - 1];
		const uint8_t zero = 0;

		/* Linux: xchg(call_pending, 0); non-zero: never ran. */
		if (snpm_guest_read(gs->pending_at, &pending, 1)) {
			s->is_served = pending == 0;
			(void)snpm_guest_write(gs->pending_at, &zero, 1);
		}
		s->rax = v->rax;
		s->rcx = v->rcx;
	}
	if (gs->k >= gs->count) {
		return SNPM_EXIT_INTR; /* idle: nothing more to ask */
	}
	const struct step *st = &gs->steps[gs->k];

	gs->seen[gs->k].is_prep_ok = !st->prep || st->prep();
	if (st->rax != NO_CALL) {
		v->rax = st->rax;
		v->rcx = st->rcx;
		v->rdx = st->rdx;
		v->r8 = st->r8;
		gs->pending_at = st->caa != 0 ? st->caa : gs->caa;
		(void)snpm_guest_write(gs->pending_at, &one, 1);
	}
	gs->k++;
	return st->exit != 0 ? st->exit : SNPM_EXIT_VMGEXIT;
}

/** The launch validates `gpa` for the guest (through the core op). */
static bool launch_validate(struct fixture *f, uint64_t gpa)
{
	struct proto_env env;
	struct proto_pval_out out = { 0, false };

	snp_proto_env(&f->g, 0, &env);
	return env.core->pvalidate(env.plat, gpa, false, true, &out) ==
		       SVSM_OK &&
	       out.rc == 0 && !out.no_change;
}

/** A VMSA for the guest's VMPL written at `gpa` by the guest. */
static bool put_vmsa(uint64_t gpa, uint64_t rip)
{
	struct vmsa *v = calloc(1, sizeof(*v));
	bool ok;

	if (!v) {
		return false;
	}
	v->vmpl = SNP_GUEST_VMPL;
	v->efer = VMSA_EFER_SVME;
	v->sev_features = VMSA_SEV_FEATURE_SNP_ACTIVE;
	v->rip = rip;
	ok = snpm_guest_write(gpa, v, sizeof(*v));
	free(v);
	return ok;
}

/**
 * A fresh model, csvsm's guest, this CPU's GHCB page shared and
 * registered, the boot vCPU adopted and the guest script `steps`.
 */
static struct fixture *setup(const struct step *steps, uint32_t count)
{
	struct fixture *f = calloc(1, sizeof(*f));
	uint64_t svsm_pages = (SNPM_MEM_SIZE - SNPM_SVSM_BASE) / PG;
	static const uint64_t launch[] = { BOOT_VMSA, BOOT_CAA, REQ, NEW_CAA };

	snpm_reset();
	if (!f ||
	    snp_guest_init(&f->g, &LAYOUT, f->bits, sizeof(f->bits)) !=
		    SVSM_OK ||
	    valid_region_init(&f->svsm_valid, pa_init(SNPM_SVSM_BASE),
			      svsm_pages, f->svsm_bits,
			      sizeof(f->svsm_bits)) != SVSM_OK) {
		free(f);
		return NULL;
	}
	valid_commit(&f->svsm_valid, pa_init(SNPM_SVSM_BASE), svsm_pages,
		     VALID_STATE_VALID);
	for (size_t i = 0; i < sizeof(launch) / sizeof(launch[0]); i++) {
		if (!launch_validate(f, launch[i])) {
			free(f);
			return NULL;
		}
	}
	if (ghcb_page_share(&f->svsm_valid, snpm_mem(GHCB_GPA), GHCB_GPA) !=
		    SVSM_OK ||
	    !put_vmsa(BOOT_VMSA, 0xFFF0) ||
	    snp_vcpu_adopt(&f->g, BOOT_VMSA, BOOT_CAA, 0) != SVSM_OK) {
		free(f);
		return NULL;
	}
	f->guest = (struct guest){ steps, count, 0, BOOT_CAA, { { 0 } }, 0 };
	f->cpu = (struct snp_cpu){ &f->g, (struct ghcb *)snpm_mem(GHCB_GPA),
				   GHCB_GPA, 0, 0 };
	snpm_set_guest(guest_run, &f->guest, BOOT_VMSA);
	return f;
}

/** `n` rounds of the loop, each SVSM_OK. */
static bool steps_ok(struct fixture *f, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++) {
		if (snp_vcpu_step(&f->cpu) != SVSM_OK) {
			return false;
		}
	}
	return true;
}

/* ---- the guest's preparations ----------------------------------------- */

static bool put_pval_list(void)
{
	const uint64_t e[] = { DATA | SVSM_PVAL_VALIDATE,
			       AP_VMSA | SVSM_PVAL_VALIDATE,
			       AP_CAA | SVSM_PVAL_VALIDATE,
			       SNPM_HUGE_BASE | SVSM_PVAL_SIZE_2M |
				       SVSM_PVAL_VALIDATE };
	const uint8_t hdr[8] = { 4, 0 };

	memset(snpm_mem(DATA), 0xAA, PG); /* stale data left by the host */
	return snpm_guest_write(REQ, hdr, sizeof(hdr)) &&
	       snpm_guest_write(REQ + 8, e, sizeof(e));
}

static bool use_data_and_put_ap_vmsa(void)
{
	uint8_t b = 0xFF;

	return snpm_guest_read(DATA + 0x800, &b, 1) && b == 0 &&
	       snpm_guest_write(DATA, "guest", 5) && put_vmsa(AP_VMSA, 0x1000);
}

static bool ap_vmsa_is_out_of_reach(void)
{
	return !put_vmsa(AP_VMSA, 0x2000);
}

TEST(snp_loop, guest_calls_are_served_end_to_end)
{
	static const struct step steps[] = {
		{ CALL(0, SVSM_CORE_QUERY_PROTOCOL), CALL(0, 1), 0, 0, 0, NULL,
		  0 },
		{ CALL(0, SVSM_CORE_PVALIDATE), REQ, 0, 0, 0, put_pval_list,
		  0 },
		{ CALL(0, SVSM_CORE_CREATE_VCPU), AP_VMSA, AP_CAA, 1, 0,
		  use_data_and_put_ap_vmsa, 0 },
		{ CALL(0, SVSM_CORE_REMAP_CA), NEW_CAA, 0, 0, 0,
		  ap_vmsa_is_out_of_reach, 0 },
		{ CALL(0, SVSM_CORE_QUERY_PROTOCOL), CALL(0, 1), 0, 0, 0, NULL,
		  0 },
	};
	struct fixture *f = setup(steps, 5);

	ASSERT_TRUE(f != NULL);
	EXPECT_TRUE(snpm_rmp(BOOT_VMSA)->is_vmsa);
	ASSERT_TRUE(steps_ok(f, 4));
	f->guest.caa = NEW_CAA; /* the guest moved to it after REMAP_CA */
	ASSERT_TRUE(steps_ok(f, 2));
	EXPECT_EQ(snpm_guest_runs(), 6);
	EXPECT_EQ(f->cpu.calls, 5);
	for (uint32_t i = 0; i < 5; i++) {
		EXPECT_TRUE(f->guest.seen[i].is_served);
		EXPECT_EQ(f->guest.seen[i].rax, SVSM_RC_SUCCESS);
		EXPECT_TRUE(f->guest.seen[i].is_prep_ok);
	}
	EXPECT_EQ(f->guest.seen[0].rcx, CALL(1, 1)); /* versions 1..1 */
	EXPECT_EQ(f->guest.seen[4].rcx, CALL(1, 1));
	/* Validated, zeroed before the guest could look, then its. */
	EXPECT_TRUE(snpm_rmp(DATA)->is_validated);
	EXPECT_TRUE(snpm_rmp(SNPM_HUGE_BASE)->is_validated);
	EXPECT_EQ(memcmp(snpm_mem(DATA), "guest", 5), 0);
	EXPECT_EQ(*snpm_mem(DATA + 5), 0);
	/* The vCPU exists: a VMSA the guest can no longer write. */
	EXPECT_TRUE(snpm_rmp(AP_VMSA)->is_vmsa);
	EXPECT_EQ(f->g.caa[0], NEW_CAA);
	EXPECT_TRUE(snpm_fault() == NULL);
	EXPECT_EQ(snpm_terminated(), -1);
	free(f);
}

TEST(snp_loop, the_created_vcpu_runs_on_its_cpu_until_deleted)
{
	static const struct step boot[] = {
		{ CALL(0, SVSM_CORE_PVALIDATE), REQ, 0, 0, 0, put_pval_list,
		  0 },
		{ CALL(0, SVSM_CORE_CREATE_VCPU), AP_VMSA, AP_CAA, 1, 0,
		  use_data_and_put_ap_vmsa, 0 },
		{ CALL(0, SVSM_CORE_DELETE_VCPU), AP_VMSA, 0, 0, 0, NULL, 0 },
	};
	static const struct step ap[] = {
		{ CALL(0, SVSM_CORE_QUERY_PROTOCOL), CALL(0, 1), 0, 0, 0, NULL,
		  0 },
	};
	struct fixture *f = setup(boot, 3);
	struct guest apg = { ap, 1, 0, AP_CAA, { { 0 } }, 0 };

	ASSERT_TRUE(f != NULL);
	struct snp_cpu cpu1 = f->cpu;

	cpu1.apic_id = 1;
	/* No vCPU for APIC ID 1 yet: nothing is entered. */
	EXPECT_ERR(snp_vcpu_step(&cpu1), SVSM_ERR_NOTFOUND);
	EXPECT_EQ(snpm_counts()->vmpl_switches, 0);
	ASSERT_TRUE(steps_ok(f, 2));
	/* CPU 1 (the host now runs the new VMSA there) serves its call. */
	snpm_set_guest(guest_run, &apg, AP_VMSA);
	ASSERT_TRUE(steps_ok(f, 0) && snp_vcpu_step(&cpu1) == SVSM_OK &&
		    snp_vcpu_step(&cpu1) == SVSM_OK);
	EXPECT_TRUE(apg.seen[0].is_served);
	EXPECT_EQ(apg.seen[0].rax, SVSM_RC_SUCCESS);
	EXPECT_EQ(cpu1.calls, 1);
	/* The boot vCPU deletes it; CPU 1 has nothing left to run. */
	snpm_set_guest(guest_run, &f->guest, BOOT_VMSA);
	ASSERT_TRUE(steps_ok(f, 2));
	EXPECT_TRUE(f->guest.seen[2].is_served);
	EXPECT_EQ(f->guest.seen[2].rax, SVSM_RC_SUCCESS);
	EXPECT_FALSE(snpm_rmp(AP_VMSA)->is_vmsa);
	EXPECT_EQ(((struct vmsa *)snpm_mem(AP_VMSA))->efer & VMSA_EFER_SVME, 0);
	uint32_t runs = snpm_guest_runs();

	EXPECT_ERR(snp_vcpu_loop(&cpu1), SVSM_ERR_NOTFOUND);
	EXPECT_EQ(snpm_guest_runs(), runs);
	EXPECT_EQ(snpm_terminated(), -1);
	free(f);
}

static bool validate_data_again_after_host_swap(void)
{
	const uint64_t e = DATA | SVSM_PVAL_VALIDATE;
	const uint8_t hdr[8] = { 1, 0 };

	/* The host swaps the validated page behind the guest's back. */
	snpm_host_rmpupdate(DATA, true);
	return snpm_guest_write(REQ, hdr, sizeof(hdr)) &&
	       snpm_guest_write(REQ + 8, &e, sizeof(e));
}

TEST(snp_loop, double_validation_through_the_loop_is_refused)
{
	static const struct step steps[] = {
		{ CALL(0, SVSM_CORE_PVALIDATE), REQ, 0, 0, 0, put_pval_list,
		  0 },
		{ CALL(0, SVSM_CORE_PVALIDATE), REQ, 0, 0, 0,
		  validate_data_again_after_host_swap, 0 },
	};
	struct fixture *f = setup(steps, 2);

	ASSERT_TRUE(f != NULL);
	ASSERT_TRUE(steps_ok(f, 1));
	uint32_t before = snpm_counts()->pvalidates;

	ASSERT_TRUE(steps_ok(f, 2));
	EXPECT_TRUE(f->guest.seen[1].is_served);
	EXPECT_EQ(f->guest.seen[1].rax, SVSM_RC_PVALIDATE_FAIL_NO_CHANGE);
	EXPECT_EQ(snpm_counts()->pvalidates, before); /* none issued */
	EXPECT_FALSE(snpm_rmp(DATA)->is_validated);
	EXPECT_EQ(snpm_terminated(), -1);
	free(f);
}

TEST(snp_loop, exits_other_than_vmgexit_are_not_calls)
{
	static const struct step steps[] = {
		{ CALL(0, SVSM_CORE_QUERY_PROTOCOL), CALL(0, 1), 0, 0,
		  SNPM_EXIT_INTR, NULL, 0 },
		{ CALL(0, SVSM_CORE_QUERY_PROTOCOL), CALL(0, 1), 0, 0, 0, NULL,
		  NEW_CAA },
		{ CALL(0, SVSM_CORE_QUERY_PROTOCOL), CALL(0, 1), 0, 0, 0, NULL,
		  0 },
	};
	struct fixture *f = setup(steps, 3);

	ASSERT_TRUE(f != NULL);
	ASSERT_TRUE(steps_ok(f, 4));
	/* An interrupt exit: the pending call was not taken. */
	EXPECT_FALSE(f->guest.seen[0].is_served);
	EXPECT_EQ(f->guest.seen[0].rax, CALL(0, SVSM_CORE_QUERY_PROTOCOL));
	/* call_pending in a page that is not its calling area: ignored. */
	EXPECT_FALSE(f->guest.seen[1].is_served);
	EXPECT_TRUE(f->guest.seen[2].is_served);
	EXPECT_EQ(f->guest.seen[2].rax, SVSM_RC_SUCCESS);
	EXPECT_EQ(f->cpu.calls, 1);
	free(f);
}

TEST(snp_loop, a_lying_host_ends_the_loop_in_termination)
{
	static const enum snpm_ghcb_mode modes[] = {
		SNPM_GHCB_VMPL_REFUSE,
		SNPM_GHCB_WRONG_CODE,
		SNPM_GHCB_WRONG_GPA,
	};
	static const struct step steps[] = {
		{ CALL(0, SVSM_CORE_QUERY_PROTOCOL), CALL(0, 1), 0, 0, 0, NULL,
		  0 },
		{ CALL(0, SVSM_CORE_QUERY_PROTOCOL), CALL(0, 1), 0, 0, 0, NULL,
		  0 },
	};

	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		struct fixture *f = setup(steps, 2);

		ASSERT_TRUE(f != NULL);
		ASSERT_TRUE(steps_ok(f, 1));
		snpm_set_ghcb_mode(modes[i]);
		EXPECT_ERR(snp_vcpu_loop(&f->cpu), SVSM_ERR_INTEGRITY);
		EXPECT_EQ(snpm_terminated(), TERM_BAD_ANSWER);
		EXPECT_TRUE(snpm_halted());
		/* The first call's answer is the last thing written. */
		EXPECT_EQ(f->cpu.calls, 1);
		EXPECT_LE(snpm_guest_runs(), 2);
		free(f);
	}
}

TEST(snp_loop, a_vmsa_the_host_took_cannot_be_run)
{
	struct fixture *f = setup(NULL, 0);

	ASSERT_TRUE(f != NULL);
	ASSERT_TRUE(steps_ok(f, 1));
	snpm_host_rmpupdate(BOOT_VMSA, true);
	EXPECT_ERR(snp_vcpu_loop(&f->cpu), SVSM_ERR_INTEGRITY);
	EXPECT_EQ(snpm_guest_runs(), 1);
	EXPECT_EQ(snpm_terminated(), TERM_BAD_ANSWER);
	free(f);
}

static bool host_takes_data(void)
{
	const uint64_t rescind = DATA;
	const uint8_t hdr[8] = { 1, 0 };

	snpm_host_rmpupdate(DATA, true);
	return snpm_guest_write(REQ, hdr, sizeof(hdr)) &&
	       snpm_guest_write(REQ + 8, &rescind, sizeof(rescind));
}

TEST(snp_loop, integrity_loss_in_a_call_writes_nothing_back)
{
	static const struct step steps[] = {
		{ CALL(0, SVSM_CORE_PVALIDATE), REQ, 0, 0, 0, put_pval_list,
		  0 },
		{ CALL(0, SVSM_CORE_PVALIDATE), REQ, 0, 0, 0, host_takes_data,
		  0 },
	};
	struct fixture *f = setup(steps, 2);
	const struct vmsa *v = (const struct vmsa *)snpm_mem(BOOT_VMSA);

	ASSERT_TRUE(f != NULL);
	ASSERT_TRUE(steps_ok(f, 1));
	EXPECT_ERR(snp_vcpu_loop(&f->cpu), SVSM_ERR_INTEGRITY);
	EXPECT_EQ(snpm_terminated(), TERM_INTEGRITY);
	EXPECT_EQ(v->rax, CALL(0, SVSM_CORE_PVALIDATE)); /* no answer */
	EXPECT_EQ(snpm_guest_runs(), 2);
	EXPECT_ERR(snp_vcpu_step(&f->cpu), SVSM_ERR_NOTFOUND);
	free(f);
}
