// SPDX-License-Identifier: MIT
/*
 * In-VM tests of the native platform's guest model (plat/native/guest.c)
 * under concurrency: the core protocol served from several CPUs at once
 * through the platform's own environment. Two CPUs fight over one page,
 * one validating and rescinding it, the other making it a VMSA and
 * retiring it, while a third checks the model's rule (a VMSA page is
 * always valid) the whole time. Every call must end in a result the
 * specification allows, and the rule must never break.
 */
#include "svsm/proto.h"
#include "svsm/smp.h"
#include "svsm/task.h"
#include "svsm/test.h"
#include "svsm/time.h"

#include "../../plat/native/guest.h"

#define ROUNDS 1500U
#define PAGE_P 0x5400000ULL /* the contested page */
#define LIST_A 0x5401000ULL /* CPU A's PVALIDATE requests */
#define CAA_B 0x5402000ULL  /* CPU B's calling area for the vCPU */
#define DEADLINE_NS (60ULL * NSEC_PER_SEC)

struct fight {
	uint64_t done;	       /* workers finished */
	bool stop;	       /* the checker may stop */
	uint64_t created;      /* CREATE_VCPU successes */
	uint64_t refused_vmsa; /* rescinds refused: the page was a VMSA */
	uint64_t rescinded;
	uint64_t bad_results; /* results the rules do not allow */
	uint64_t broken;      /* times the checker saw the rule broken */
	uint64_t checks;
	uint64_t writes_refused; /* host writes to a page that was a VMSA */
};

static struct fight fight;

static void put_le64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++) {
		p[i] = (uint8_t)(v >> (8 * i));
	}
}

/** One PVALIDATE of PAGE_P (`validate` or rescind) through a list. */
static uint32_t pvalidate_p(const struct proto_env *env, bool validate)
{
	uint8_t req[16] = { 1, 0, 0, 0, 0, 0, 0, 0 };

	put_le64(req + 8, PAGE_P | (validate ? SVSM_PVAL_VALIDATE : 0));
	if (native_guest_host_write(LIST_A, req, sizeof(req)) != SVSM_OK) {
		return 0xFFFFFFFFU;
	}
	return proto_core_pvalidate(env, LIST_A);
}

/** CPU A: validate (and fill in a good VMSA), rescind, again. */
static void worker_a(void *arg)
{
	struct proto_env env;
	uint8_t vmpl = 2;
	uint8_t efer[8];
	uint8_t features[8];

	(void)arg;
	native_proto_env(0, &env);
	put_le64(efer, 0x1000);
	put_le64(features, 1);
	for (uint32_t i = 0; i < ROUNDS; i++) {
		uint32_t rc = pvalidate_p(&env, true);

		if (rc == SVSM_RC_SUCCESS) {
			/* A fresh valid page is zero: make it a VMSA. Once
			 * B has made it one, the host cannot write it. */
			if (native_guest_host_write(PAGE_P + 0xCA, &vmpl, 1) !=
				    SVSM_OK ||
			    native_guest_host_write(PAGE_P + 0xD0, efer, 8) !=
				    SVSM_OK ||
			    native_guest_host_write(PAGE_P + 0x3B0, features,
						    8) != SVSM_OK) {
				fight.writes_refused++;
			}
		} else if (rc != SVSM_RC_PVALIDATE_FAIL_NO_CHANGE &&
			   rc != SVSM_RC_PVALIDATE_FAIL_INPUT) {
			fight.bad_results++;
		}
		rc = pvalidate_p(&env, false);
		if (rc == SVSM_RC_SUCCESS) {
			fight.rescinded++;
		} else if (rc == SVSM_RC_PVALIDATE_FAIL_INPUT) {
			fight.refused_vmsa++;
		} else {
			fight.bad_results++;
		}
	}
	__atomic_fetch_add(&fight.done, 1, __ATOMIC_RELEASE);
}

/** CPU B: make the page a VMSA, check, retire it, again. */
static void worker_b(void *arg)
{
	struct proto_env env;

	(void)arg;
	native_proto_env(1, &env);
	for (uint32_t i = 0; i < ROUNDS; i++) {
		struct svsm_call_regs r = { SVSM_CORE_CREATE_VCPU, PAGE_P,
					    CAA_B, 1, 0 };

		proto_dispatch(&env, &r);
		if (r.rax == SVSM_RC_SUCCESS) {
			fight.created++;
			r = (struct svsm_call_regs){ SVSM_CORE_DELETE_VCPU,
						     PAGE_P, 0, 0, 0 };
			proto_dispatch(&env, &r);
			if (r.rax != SVSM_RC_SUCCESS) {
				fight.bad_results++;
			}
		} else if (r.rax != SVSM_RC_INVALID_PARAMETER) {
			fight.bad_results++;
		}
	}
	__atomic_fetch_add(&fight.done, 1, __ATOMIC_RELEASE);
}

/** CPU C: checks the rule until told to stop. */
static void checker(void *arg)
{
	(void)arg;
	while (!__atomic_load_n(&fight.stop, __ATOMIC_ACQUIRE)) {
		if (!native_guest_is_consistent()) {
			fight.broken++;
		}
		fight.checks++;
	}
	__atomic_fetch_add(&fight.done, 1, __ATOMIC_RELEASE);
}

TEST(native_guest, pvalidate_and_create_vcpu_on_one_page_cannot_race)
{
	struct task *tasks[3];
	uint32_t cpus = smp_cpu_count();

	ASSERT_EQ(native_guest_init(), SVSM_OK);
	fight = (struct fight){ 0 };
	ASSERT_EQ(task_create_on(1 % cpus, worker_a, NULL, TASK_PRIO_NORMAL,
				 "fight-a", &tasks[0]),
		  SVSM_OK);
	ASSERT_EQ(task_create_on(2 % cpus, worker_b, NULL, TASK_PRIO_NORMAL,
				 "fight-b", &tasks[1]),
		  SVSM_OK);
	ASSERT_EQ(task_create_on(3 % cpus, checker, NULL, TASK_PRIO_LOW,
				 "fight-check", &tasks[2]),
		  SVSM_OK);
	uint64_t start = clock_monotonic_ns();

	while (__atomic_load_n(&fight.done, __ATOMIC_ACQUIRE) < 2 &&
	       clock_monotonic_ns() - start < DEADLINE_NS) {
		task_sleep_ms(5);
	}
	__atomic_store_n(&fight.stop, true, __ATOMIC_RELEASE);
	for (int i = 0; i < 3; i++) {
		task_join(tasks[i]);
	}
	test_diag(t,
		  "%llu created, %llu rescinds refused as VMSA, %llu "
		  "rescinded, %llu checks",
		  (unsigned long long)fight.created,
		  (unsigned long long)fight.refused_vmsa,
		  (unsigned long long)fight.rescinded,
		  (unsigned long long)fight.checks);
	EXPECT_EQ(fight.done, 3);
	EXPECT_EQ(fight.bad_results, 0);
	EXPECT_EQ(fight.broken, 0);
	EXPECT_TRUE(native_guest_is_consistent());
	/* Both sides won sometimes: the calls really met. */
	EXPECT_GT(fight.created, 0);
	EXPECT_GT(fight.rescinded, 0);
}
