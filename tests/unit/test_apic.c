// SPDX-License-Identifier: MIT
/*
 * Host tests of the local APIC driver's two modes (arch/x86/apic_ops.c,
 * unmodified) and of the native AP start-up (plat/native/ap_start.c)
 * against the APIC model in plat/host/apic_env.c. QEMU's TCG has no
 * x2APIC, so this is where the x2APIC path is proven: the register
 * mapping, the ICR encodings for IDs above 255, EOI, the mode decision,
 * the switch into x2APIC mode, and INIT-SIPI-SIPI in both modes, each
 * compared access by access and with the model's #GP rules unbroken.
 * TCG has no TSC-deadline timer either: its mode choice, arming,
 * re-arming and disarming in both APIC modes, and the tick's re-arm
 * arithmetic (kernel/time/clock.c), are proven here too.
 */
#include "arch/apic.h"
#include "arch/msr.h"

#include "svsm/test.h"
#include "svsm/time.h"

#include "../../arch/x86/apic_ops.h"
#include "../../plat/host/apic_env.h"
#include "../../plat/native/ap_start.h"

#define BASE_XAPIC 0xFEE00900ULL /* EN, BSP, the default address */
#define BASE_X2APIC (BASE_XAPIC | APIC_BASE_EXTD)
#define BASE_OFF 0xFEE00100ULL /* BSP only: disabled */
#define INIT_LOW 0xC500U       /* INIT, level-triggered, assert */
#define SIPI_LOW_8000 0x0608U  /* start-up, page 0x08 */
#define SIPI_LOW_9F000 0x069FU

/* The expected accesses, as the model logs them. */
static struct apic_env_access mmio_r(uint32_t reg)
{
	return (struct apic_env_access){ APIC_ENV_MMIO_READ, reg, 0 };
}

static struct apic_env_access mmio_w(uint32_t reg, uint32_t val)
{
	return (struct apic_env_access){ APIC_ENV_MMIO_WRITE, reg, val };
}

static struct apic_env_access msr_w(uint32_t msr, uint64_t val)
{
	return (struct apic_env_access){ APIC_ENV_WRMSR, msr, val };
}

static struct apic_env_access msr_r(uint32_t msr)
{
	return (struct apic_env_access){ APIC_ENV_RDMSR, msr, 0 };
}

static struct apic_env_access fence(void)
{
	return (struct apic_env_access){ APIC_ENV_FENCE, 0, 0 };
}

static struct apic_env_access delay(uint32_t us)
{
	return (struct apic_env_access){ APIC_ENV_DELAY, 0, us };
}

SET_UP(lapic)
{
	(void)t;
	lapic_ops_forget();
	apic_env_reset(0, true, BASE_XAPIC);
}

TEAR_DOWN(lapic)
{
	(void)t;
	lapic_ops_forget();
}

/** Checks the model's log against `want`, entry by entry. */
static void expect_log(struct test_ctx *t, const struct apic_env_access *want,
		       size_t count)
{
	EXPECT_EQ(apic_env_log_count(), count);
	for (size_t i = 0; i < count && i < apic_env_log_count(); i++) {
		const struct apic_env_access *got = apic_env_log_get(i);

		if (!got || got->kind != want[i].kind ||
		    got->addr != want[i].addr || got->val != want[i].val) {
			test_diag(t, "access %zu differs", i);
			EXPECT_TRUE(got != NULL);
			if (got) {
				EXPECT_EQ(got->kind, want[i].kind);
				EXPECT_EQ(got->addr, want[i].addr);
				EXPECT_EQ(got->val, want[i].val);
			}
		}
	}
}

/** Resets the model and starts the driver in the mode it chooses. */
static bool start_model(struct test_ctx *t, uint32_t id, bool has_x2apic,
			uint64_t base, enum lapic_mode want)
{
	enum lapic_mode mode = LAPIC_MODE_XAPIC;

	lapic_ops_forget();
	apic_env_reset(id, has_x2apic, base);
	if (lapic_mode_choose(has_x2apic, base, false, &mode) != SVSM_OK ||
	    lapic_ops_start(mode, base) != SVSM_OK) {
		EXPECT_TRUE(false);
		return false;
	}
	EXPECT_EQ(mode, want);
	apic_env_log_clear();
	return mode == want;
}

TEST(lapic, x2apic_msr_of_each_register_the_driver_uses)
{
	static const uint32_t map[][2] = {
		{ LAPIC_ID, 0x802U },
		{ LAPIC_VERSION, 0x803U },
		{ LAPIC_EOI, 0x80BU },
		{ LAPIC_SVR, 0x80FU },
		{ LAPIC_ICR_LOW, 0x830U },
		{ LAPIC_LVT_TIMER, 0x832U },
		{ LAPIC_TIMER_INITIAL, 0x838U },
		{ LAPIC_TIMER_CURRENT, 0x839U },
		{ LAPIC_TIMER_DIVIDE, 0x83EU },
		{ LAPIC_SELF_IPI, 0x83FU },
	};

	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		EXPECT_EQ(lapic_x2apic_msr(map[i][0]), map[i][1]);
	}
	EXPECT_EQ(LAPIC_X2APIC_ICR_MSR, lapic_x2apic_msr(LAPIC_ICR_LOW));
}

TEST(lapic, mode_decision_table)
{
	static const struct {
		uint64_t base;
		bool has_x2apic;
		bool prefer_xapic;
		enum svsm_err err;
		enum lapic_mode mode;
	} rows[] = {
		/* Disabled, and the invalid EN=0 EXTD=1: refused. */
		{ BASE_OFF, false, false, SVSM_ERR_UNSUPPORTED, 0 },
		{ BASE_OFF, true, false, SVSM_ERR_UNSUPPORTED, 0 },
		{ BASE_OFF | APIC_BASE_EXTD, true, false, SVSM_ERR_UNSUPPORTED,
		  0 },
		/* xAPIC now: x2APIC if the CPU has it and it is wanted. */
		{ BASE_XAPIC, false, false, SVSM_OK, LAPIC_MODE_XAPIC },
		{ BASE_XAPIC, false, true, SVSM_OK, LAPIC_MODE_XAPIC },
		{ BASE_XAPIC, true, false, SVSM_OK, LAPIC_MODE_X2APIC },
		{ BASE_XAPIC, true, true, SVSM_OK, LAPIC_MODE_XAPIC },
		/* Already x2APIC: it stays (leaving needs a disable). */
		{ BASE_X2APIC, true, false, SVSM_OK, LAPIC_MODE_X2APIC },
		{ BASE_X2APIC, true, true, SVSM_OK, LAPIC_MODE_X2APIC },
		{ BASE_X2APIC, false, false, SVSM_OK, LAPIC_MODE_X2APIC },
	};

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		enum lapic_mode mode = (enum lapic_mode)7;
		enum svsm_err err =
			lapic_mode_choose(rows[i].has_x2apic, rows[i].base,
					  rows[i].prefer_xapic, &mode);

		EXPECT_ERR(err, rows[i].err);
		if (rows[i].err == SVSM_OK) {
			EXPECT_EQ(mode, rows[i].mode);
		} else {
			EXPECT_EQ(mode, 7); /* untouched on failure */
		}
	}
}

TEST(lapic, icr_encodings_in_both_modes)
{
	uint32_t high = 0xDEADU;

	EXPECT_OK(lapic_xapic_icr_high(0, &high));
	EXPECT_EQ(high, 0);
	EXPECT_OK(lapic_xapic_icr_high(3, &high));
	EXPECT_EQ(high, 0x03000000U);
	EXPECT_OK(lapic_xapic_icr_high(0xFF, &high));
	EXPECT_EQ(high, 0xFF000000U);
	high = 0xDEADU;
	EXPECT_ERR(lapic_xapic_icr_high(0x100, &high), SVSM_ERR_RANGE);
	EXPECT_ERR(lapic_xapic_icr_high(0x1234, &high), SVSM_ERR_RANGE);
	EXPECT_ERR(lapic_xapic_icr_high(UINT32_MAX, &high), SVSM_ERR_RANGE);
	EXPECT_EQ(high, 0xDEADU);

	EXPECT_EQ(lapic_x2apic_icr(0x1234, INIT_LOW), 0x000012340000C500ULL);
	EXPECT_EQ(lapic_x2apic_icr(0x1234, SIPI_LOW_8000),
		  0x0000123400000608ULL);
	EXPECT_EQ(lapic_x2apic_icr(0x100, 0xF0), 0x00000100000000F0ULL);
	EXPECT_EQ(lapic_x2apic_icr(0xFFFFFFFEU, 0x20), 0xFFFFFFFE00000020ULL);
}

TEST(lapic, x2apic_start_sets_extd_and_enables)
{
	const struct apic_env_access want[] = {
		msr_w(MSR_APIC_BASE, BASE_X2APIC),
		msr_w(0x832U, LAPIC_LVT_MASKED),
		msr_w(0x80FU, LAPIC_SVR_ENABLE | 0xFFU),
	};
	enum lapic_mode mode = LAPIC_MODE_XAPIC;

	apic_env_reset(0x1234, true, BASE_XAPIC);
	EXPECT_FALSE(lapic_ready());
	ASSERT_OK(lapic_mode_choose(true, BASE_XAPIC, false, &mode));
	ASSERT_EQ(mode, LAPIC_MODE_X2APIC);
	ASSERT_OK(lapic_ops_start(mode, BASE_XAPIC));
	expect_log(t, want, sizeof(want) / sizeof(want[0]));
	EXPECT_EQ(apic_env_apic_base(), BASE_X2APIC);
	EXPECT_TRUE(lapic_ready());
	EXPECT_TRUE(lapic_mode_get(&mode));
	EXPECT_EQ(mode, LAPIC_MODE_X2APIC);
	EXPECT_EQ(lapic_id(), 0x1234); /* all 32 bits, from MSR 0x802 */
	EXPECT_STREQ(apic_env_fault(), NULL);
}

TEST(lapic, already_x2apic_is_not_switched_again)
{
	const struct apic_env_access want[] = {
		msr_w(0x832U, LAPIC_LVT_MASKED),
		msr_w(0x80FU, LAPIC_SVR_ENABLE | 0xFFU),
	};

	apic_env_reset(0x10000, true, BASE_X2APIC);
	ASSERT_OK(lapic_ops_start(LAPIC_MODE_X2APIC, BASE_X2APIC));
	expect_log(t, want, sizeof(want) / sizeof(want[0]));
	EXPECT_EQ(lapic_id(), 0x10000);
	EXPECT_STREQ(apic_env_fault(), NULL);
}

TEST(lapic, xapic_start_and_id_use_the_page)
{
	const struct apic_env_access want[] = {
		mmio_w(LAPIC_LVT_TIMER, LAPIC_LVT_MASKED),
		mmio_w(LAPIC_SVR, LAPIC_SVR_ENABLE | 0xFFU),
		mmio_r(LAPIC_ID),
	};

	apic_env_reset(0x1234, false, BASE_XAPIC);
	ASSERT_OK(lapic_ops_start(LAPIC_MODE_XAPIC, BASE_XAPIC));
	EXPECT_EQ(lapic_id(), 0x34); /* xAPIC shows the low 8 bits */
	expect_log(t, want, sizeof(want) / sizeof(want[0]));
	EXPECT_EQ(apic_env_apic_base(), BASE_XAPIC);
	EXPECT_STREQ(apic_env_fault(), NULL);
}

TEST(lapic, every_cpu_must_use_the_first_cpus_mode)
{
	ASSERT_TRUE(start_model(t, 0, true, BASE_XAPIC, LAPIC_MODE_X2APIC));
	/* A second CPU left in xAPIC mode by a "nox2apic" choice. */
	apic_env_reset(1, true, BASE_XAPIC);
	EXPECT_ERR(lapic_ops_start(LAPIC_MODE_XAPIC, BASE_XAPIC),
		   SVSM_ERR_UNSUPPORTED);
	EXPECT_EQ(apic_env_log_count(), 0);
	/* The same mode on a second CPU is fine, and switches it too. */
	EXPECT_OK(lapic_ops_start(LAPIC_MODE_X2APIC, BASE_XAPIC));
	EXPECT_EQ(apic_env_apic_base(), BASE_X2APIC);

	ASSERT_TRUE(start_model(t, 0, false, BASE_XAPIC, LAPIC_MODE_XAPIC));
	apic_env_reset(1, true, BASE_X2APIC);
	EXPECT_ERR(lapic_ops_start(LAPIC_MODE_X2APIC, BASE_X2APIC),
		   SVSM_ERR_UNSUPPORTED);
	/* xAPIC accesses to an APIC in x2APIC mode would go nowhere. */
	lapic_ops_forget();
	EXPECT_ERR(lapic_ops_start(LAPIC_MODE_XAPIC, BASE_X2APIC),
		   SVSM_ERR_UNSUPPORTED);
	EXPECT_ERR(lapic_ops_start(LAPIC_MODE_X2APIC, BASE_OFF),
		   SVSM_ERR_UNSUPPORTED);
	EXPECT_EQ(apic_env_log_count(), 0);
	EXPECT_STREQ(apic_env_fault(), NULL);
}

TEST(lapic, x2apic_ipi_is_one_fenced_wrmsr_to_a_32_bit_id)
{
	const struct apic_env_access want[] = {
		fence(),
		msr_w(0x830U, 0x00001234000000F0ULL),
		fence(),
		msr_w(0x830U, 0xFFFFFFFE00000041ULL),
	};

	ASSERT_TRUE(start_model(t, 0, true, BASE_XAPIC, LAPIC_MODE_X2APIC));
	EXPECT_OK(lapic_send_ipi(0x1234, 0xF0));
	EXPECT_OK(lapic_send_ipi(0xFFFFFFFEU, 0x41));
	expect_log(t, want, sizeof(want) / sizeof(want[0]));
	EXPECT_STREQ(apic_env_fault(), NULL);
}

TEST(lapic, xapic_ipi_writes_high_then_low_and_waits)
{
	const struct apic_env_access want[] = {
		mmio_w(LAPIC_ICR_HIGH, 0xFF000000U),
		mmio_w(LAPIC_ICR_LOW, 0xF0),
		mmio_r(LAPIC_ICR_LOW),
		mmio_r(LAPIC_ICR_LOW),
		mmio_r(LAPIC_ICR_LOW),
	};

	ASSERT_TRUE(start_model(t, 0, false, BASE_XAPIC, LAPIC_MODE_XAPIC));
	apic_env_set_pending_reads(2);
	EXPECT_OK(lapic_send_ipi(0xFF, 0xF0));
	expect_log(t, want, sizeof(want) / sizeof(want[0]));
	EXPECT_STREQ(apic_env_fault(), NULL);
}

TEST(lapic, xapic_refuses_id_256_and_sends_nothing)
{
	enum lapic_mode mode = LAPIC_MODE_X2APIC;

	/* A CPU with x2APIC that declines it ("nox2apic"). */
	apic_env_reset(0, true, BASE_XAPIC);
	ASSERT_OK(lapic_mode_choose(true, BASE_XAPIC, true, &mode));
	ASSERT_EQ(mode, LAPIC_MODE_XAPIC);
	ASSERT_OK(lapic_ops_start(mode, BASE_XAPIC));
	apic_env_log_clear();
	EXPECT_ERR(lapic_send_ipi(256, 0xF0), SVSM_ERR_RANGE);
	EXPECT_ERR(lapic_send_init(0x1234), SVSM_ERR_RANGE);
	EXPECT_ERR(lapic_send_startup(UINT32_MAX, 8), SVSM_ERR_RANGE);
	EXPECT_EQ(apic_env_log_count(), 0);
	EXPECT_STREQ(apic_env_fault(), NULL);
}

TEST(lapic, xapic_send_stuck_pending_is_an_io_error)
{
	ASSERT_TRUE(start_model(t, 0, false, BASE_XAPIC, LAPIC_MODE_XAPIC));
	apic_env_set_pending_reads(UINT32_MAX);
	EXPECT_ERR(lapic_send_ipi(1, 0xF0), SVSM_ERR_IO);
	EXPECT_GT(apic_env_log_count(), 1000);
	EXPECT_STREQ(apic_env_fault(), NULL);
}

TEST(lapic, send_before_init_is_refused)
{
	EXPECT_FALSE(lapic_ready());
	EXPECT_ERR(lapic_send_ipi(1, 0xF0), SVSM_ERR_UNSUPPORTED);
	EXPECT_ERR(lapic_send_init(1), SVSM_ERR_UNSUPPORTED);
	EXPECT_EQ(apic_env_log_count(), 0);
}

TEST(lapic, eoi_writes_zero_in_both_modes)
{
	const struct apic_env_access want_x2[] = {
		msr_w(0x80BU, 0),
	};
	const struct apic_env_access want_x[] = {
		mmio_w(LAPIC_EOI, 0),
	};

	ASSERT_TRUE(start_model(t, 0, true, BASE_XAPIC, LAPIC_MODE_X2APIC));
	lapic_eoi();
	expect_log(t, want_x2, 1);
	EXPECT_STREQ(apic_env_fault(), NULL);
	ASSERT_TRUE(start_model(t, 0, false, BASE_XAPIC, LAPIC_MODE_XAPIC));
	lapic_eoi();
	expect_log(t, want_x, 1);
	EXPECT_STREQ(apic_env_fault(), NULL);
}

TEST(lapic, timer_registers_in_both_modes)
{
	const struct apic_env_access want_x2[] = {
		msr_w(0x83EU, LAPIC_DIVIDE_16),
		msr_w(0x832U, 0x20U | LAPIC_LVT_PERIODIC),
		msr_w(0x838U, 5000),
		msr_w(0x832U, LAPIC_LVT_MASKED),
		msr_w(0x838U, 0),
	};
	const struct apic_env_access want_x[] = {
		mmio_w(LAPIC_TIMER_DIVIDE, LAPIC_DIVIDE_16),
		mmio_w(LAPIC_LVT_TIMER, 0x20U | LAPIC_LVT_PERIODIC),
		mmio_w(LAPIC_TIMER_INITIAL, 5000),
		mmio_w(LAPIC_LVT_TIMER, LAPIC_LVT_MASKED),
		mmio_w(LAPIC_TIMER_INITIAL, 0),
	};

	ASSERT_TRUE(start_model(t, 0, true, BASE_XAPIC, LAPIC_MODE_X2APIC));
	lapic_timer_start(0x20, 5000, true);
	lapic_timer_stop();
	expect_log(t, want_x2, sizeof(want_x2) / sizeof(want_x2[0]));
	EXPECT_STREQ(apic_env_fault(), NULL);
	ASSERT_TRUE(start_model(t, 0, false, BASE_XAPIC, LAPIC_MODE_XAPIC));
	lapic_timer_start(0x20, 5000, true);
	lapic_timer_stop();
	expect_log(t, want_x, sizeof(want_x) / sizeof(want_x[0]));
	EXPECT_STREQ(apic_env_fault(), NULL);
}

TEST(lapic, init_sipi_sipi_in_x2apic_mode)
{
	const struct apic_env_access want[] = {
		fence(),
		msr_w(0x830U, 0x0000123400000000ULL | INIT_LOW),
		delay(10000),
		fence(),
		msr_w(0x830U, 0x0000123400000000ULL | SIPI_LOW_8000),
		delay(200),
		fence(),
		msr_w(0x830U, 0x0000123400000000ULL | SIPI_LOW_8000),
		delay(200),
	};

	ASSERT_TRUE(start_model(t, 0, true, BASE_XAPIC, LAPIC_MODE_X2APIC));
	EXPECT_OK(native_start_ap(0x1234, pa_init(0x8000), 10000));
	expect_log(t, want, sizeof(want) / sizeof(want[0]));
	EXPECT_STREQ(apic_env_fault(), NULL);
}

TEST(lapic, init_sipi_sipi_in_xapic_mode)
{
	const struct apic_env_access want[] = {
		mmio_w(LAPIC_ICR_HIGH, 0x03000000U),
		mmio_w(LAPIC_ICR_LOW, INIT_LOW),
		mmio_r(LAPIC_ICR_LOW),
		delay(10000),
		mmio_w(LAPIC_ICR_HIGH, 0x03000000U),
		mmio_w(LAPIC_ICR_LOW, SIPI_LOW_9F000),
		mmio_r(LAPIC_ICR_LOW),
		delay(200),
		mmio_w(LAPIC_ICR_HIGH, 0x03000000U),
		mmio_w(LAPIC_ICR_LOW, SIPI_LOW_9F000),
		mmio_r(LAPIC_ICR_LOW),
		delay(200),
	};

	ASSERT_TRUE(start_model(t, 0, false, BASE_XAPIC, LAPIC_MODE_XAPIC));
	EXPECT_OK(native_start_ap(3, pa_init(0x9F000), 10000));
	expect_log(t, want, sizeof(want) / sizeof(want[0]));
	EXPECT_STREQ(apic_env_fault(), NULL);
}

TEST(lapic, init_sipi_sipi_without_the_init_wait)
{
	const struct apic_env_access want[] = {
		fence(),
		msr_w(0x830U, 0x0000000200000000ULL | INIT_LOW),
		fence(),
		msr_w(0x830U, 0x0000000200000000ULL | SIPI_LOW_8000),
		delay(200),
		fence(),
		msr_w(0x830U, 0x0000000200000000ULL | SIPI_LOW_8000),
		delay(200),
	};

	ASSERT_TRUE(start_model(t, 0, true, BASE_XAPIC, LAPIC_MODE_X2APIC));
	EXPECT_OK(native_start_ap(2, pa_init(0x8000), 0));
	expect_log(t, want, sizeof(want) / sizeof(want[0]));
	EXPECT_STREQ(apic_env_fault(), NULL);
}

/* CPUID leaf 1 EAX with a base family, extended family and model. */
#define LEAF1(fam, extfam) (((uint32_t)(extfam) << 20) | ((fam) << 8) | 0x10U)

TEST(lapic, init_wait_only_for_old_cpus)
{
	/* "GenuineIntel", "AuthenticAMD", "HygonGenuine" as EBX EDX ECX. */
	const uint32_t intel[3] = { 0x756E6547U, 0x49656E69U, 0x6C65746EU };
	const uint32_t amd[3] = { 0x68747541U, 0x69746E65U, 0x444D4163U };
	const uint32_t hygon[3] = { 0x6F677948U, 0x6E65476EU, 0x656E6975U };
	const uint32_t other[3] = { 0x41414141U, 0x41414141U, 0x41414141U };
	const struct {
		const uint32_t *vendor;
		uint32_t eax;
		uint32_t want;
	} cases[] = {
		{ intel, LEAF1(6, 0), 0 },	 /* P6 and every Core */
		{ intel, LEAF1(0xF, 0), 0 },	 /* Pentium 4 */
		{ intel, LEAF1(5, 0), 10000 },	 /* Pentium */
		{ amd, LEAF1(0xF, 0), 0 },	 /* K8 */
		{ amd, LEAF1(0xF, 0xA), 0 },	 /* family 0x19 (Zen 3/4) */
		{ amd, LEAF1(6, 0), 10000 },	 /* K7 */
		{ hygon, LEAF1(0xF, 9), 0 },	 /* family 0x18 */
		{ hygon, LEAF1(0xF, 8), 10000 }, /* family 0x17 */
		{ other, LEAF1(0xF, 0xA), 10000 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		EXPECT_EQ(native_init_delay_us(
				  cases[i].vendor[0], cases[i].vendor[1],
				  cases[i].vendor[2], cases[i].eax),
			  cases[i].want);
	}
}

TEST(lapic, ap_start_refuses_what_it_cannot_send)
{
	const struct apic_env_access want_init_only[] = {
		fence(),
		msr_w(0x830U, 0x0000000500000000ULL | INIT_LOW),
		delay(10000),
	};

	ASSERT_TRUE(start_model(t, 0, true, BASE_XAPIC, LAPIC_MODE_X2APIC));
	EXPECT_ERR(native_start_ap(5, pa_init(0x8001), 10000), SVSM_ERR_INVAL);
	EXPECT_ERR(native_start_ap(5, pa_init(0x100000), 10000),
		   SVSM_ERR_RANGE);
	EXPECT_EQ(apic_env_log_count(), 0);
	/* A failed delay stops the sequence after INIT. */
	apic_env_set_delay_err(SVSM_ERR_IO);
	EXPECT_ERR(native_start_ap(5, pa_init(0x8000), 10000), SVSM_ERR_IO);
	expect_log(t, want_init_only,
		   sizeof(want_init_only) / sizeof(want_init_only[0]));
	/* xAPIC cannot address an ID above 255: nothing is sent. */
	ASSERT_TRUE(start_model(t, 0, false, BASE_XAPIC, LAPIC_MODE_XAPIC));
	EXPECT_ERR(native_start_ap(256, pa_init(0x8000), 10000),
		   SVSM_ERR_RANGE);
	EXPECT_EQ(apic_env_log_count(), 0);
	EXPECT_STREQ(apic_env_fault(), NULL);
}

/* The model must catch the mistakes the tests above rely on it for. */
TEST(lapic, model_raises_the_sdm_faults)
{
	apic_env_reset(0, true, BASE_X2APIC);
	lapic_hw_wrmsr(0x80BU, 1);
	EXPECT_STREQ(apic_env_fault(), "EOI written with a non-zero value");
	apic_env_reset(0, true, BASE_X2APIC);
	lapic_hw_wrmsr(0x831U, 0);
	EXPECT_STREQ(apic_env_fault(), "access to a reserved x2APIC MSR");
	apic_env_reset(0, true, BASE_X2APIC);
	lapic_hw_wrmsr(0x830U, 0x100000000ULL | LAPIC_ICR_PENDING);
	EXPECT_STREQ(apic_env_fault(), "x2APIC ICR written with reserved bits");
	apic_env_reset(0, true, BASE_X2APIC);
	(void)lapic_hw_mmio_read(LAPIC_ID);
	EXPECT_STREQ(apic_env_fault(),
		     "MMIO access while the APIC is not in xAPIC mode");
	apic_env_reset(0, true, BASE_X2APIC);
	lapic_hw_wrmsr(MSR_APIC_BASE, BASE_XAPIC);
	EXPECT_STREQ(apic_env_fault(), "invalid IA32_APIC_BASE transition");
	apic_env_reset(0, true, BASE_OFF);
	lapic_hw_wrmsr(MSR_APIC_BASE, BASE_X2APIC);
	EXPECT_STREQ(apic_env_fault(), "invalid IA32_APIC_BASE transition");
	apic_env_reset(0, false, BASE_XAPIC);
	lapic_hw_wrmsr(MSR_APIC_BASE, BASE_X2APIC);
	EXPECT_STREQ(apic_env_fault(), "EXTD set on an APIC without x2APIC");
	apic_env_reset(0, true, BASE_XAPIC);
	(void)lapic_hw_rdmsr(0x802U);
	EXPECT_STREQ(apic_env_fault(),
		     "x2APIC MSR access while the APIC is not in x2APIC mode");
	apic_env_reset(0, true, BASE_X2APIC);
	(void)lapic_hw_rdmsr(0x80BU);
	EXPECT_STREQ(apic_env_fault(), "RDMSR of a write-only x2APIC MSR");
}

#define VEC_TICK 0x20U
#define LVT_DEADLINE (VEC_TICK | LAPIC_LVT_TSC_DEADLINE)
#define TSC_1MS 2000000ULL /* a 2 GHz TSC */

TEST(lapic, timer_mode_decision_table)
{
	static const struct {
		bool has_tsc_deadline;
		bool forced_off;
		enum lapic_timer_mode mode;
	} rows[] = {
		{ false, false, LAPIC_TIMER_PERIODIC },
		{ false, true, LAPIC_TIMER_PERIODIC },
		{ true, false, LAPIC_TIMER_TSC_DEADLINE },
		{ true, true, LAPIC_TIMER_PERIODIC }, /* nolapic_tscdeadline */
	};

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		EXPECT_EQ(lapic_timer_mode_choose(rows[i].has_tsc_deadline,
						  rows[i].forced_off),
			  rows[i].mode);
	}
	/* Periodic until chosen, and again once forgotten. */
	EXPECT_EQ(lapic_timer_mode(), LAPIC_TIMER_PERIODIC);
	lapic_timer_mode_set(LAPIC_TIMER_TSC_DEADLINE);
	EXPECT_EQ(lapic_timer_mode(), LAPIC_TIMER_TSC_DEADLINE);
	lapic_ops_forget();
	EXPECT_EQ(lapic_timer_mode(), LAPIC_TIMER_PERIODIC);
	EXPECT_STREQ(lapic_timer_mode_name(LAPIC_TIMER_PERIODIC), "periodic");
	EXPECT_STREQ(lapic_timer_mode_name(LAPIC_TIMER_TSC_DEADLINE),
		     "TSC-deadline");
}

/**
 * Arms, re-arms and stops the deadline timer in the mode the model is
 * in; `lvt` is the access that writes LVT value `val`.
 */
static void deadline_cycle(struct test_ctx *t,
			   struct apic_env_access (*lvt)(uint32_t val))
{
	const struct apic_env_access want[] = {
		lvt(LVT_DEADLINE),
		fence(),
		msr_w(MSR_TSC_DEADLINE, 5 * TSC_1MS),
		fence(),
		msr_w(MSR_TSC_DEADLINE, 6 * TSC_1MS),
		msr_r(MSR_TSC_DEADLINE),
		msr_w(MSR_TSC_DEADLINE, 0),
		lvt(LAPIC_LVT_MASKED),
	};

	apic_env_set_tsc_deadline(true);
	lapic_timer_mode_set(LAPIC_TIMER_TSC_DEADLINE);
	ASSERT_OK(lapic_timer_arm_deadline(VEC_TICK, 5 * TSC_1MS));
	EXPECT_EQ(apic_env_tsc_deadline(), 5 * TSC_1MS);
	lapic_timer_set_deadline(6 * TSC_1MS);
	EXPECT_EQ(lapic_hw_rdmsr(MSR_TSC_DEADLINE), 6 * TSC_1MS);
	lapic_timer_stop_deadline();
	EXPECT_EQ(apic_env_tsc_deadline(), 0);
	expect_log(t, want, sizeof(want) / sizeof(want[0]));
	EXPECT_STREQ(apic_env_fault(), NULL);
}

static struct apic_env_access lvt_mmio(uint32_t val)
{
	return mmio_w(LAPIC_LVT_TIMER, val);
}

static struct apic_env_access lvt_msr(uint32_t val)
{
	return msr_w(0x832U, val);
}

TEST(lapic, deadline_arm_rearm_stop_in_x2apic_mode)
{
	ASSERT_TRUE(start_model(t, 0, true, BASE_XAPIC, LAPIC_MODE_X2APIC));
	deadline_cycle(t, lvt_msr);
}

TEST(lapic, deadline_arm_rearm_stop_in_xapic_mode)
{
	ASSERT_TRUE(start_model(t, 0, false, BASE_XAPIC, LAPIC_MODE_XAPIC));
	deadline_cycle(t, lvt_mmio);
}

TEST(lapic, deadline_refused_in_periodic_mode)
{
	/* Before lapic_init(): nothing to write through. */
	lapic_timer_mode_set(LAPIC_TIMER_TSC_DEADLINE);
	EXPECT_ERR(lapic_timer_arm_deadline(VEC_TICK, TSC_1MS),
		   SVSM_ERR_UNSUPPORTED);
	/* The CPU has it, but the mode is periodic (nolapic_tscdeadline). */
	ASSERT_TRUE(start_model(t, 0, true, BASE_XAPIC, LAPIC_MODE_X2APIC));
	apic_env_set_tsc_deadline(true);
	lapic_timer_mode_set(LAPIC_TIMER_PERIODIC);
	EXPECT_ERR(lapic_timer_arm_deadline(VEC_TICK, TSC_1MS),
		   SVSM_ERR_UNSUPPORTED);
	ASSERT_TRUE(start_model(t, 0, false, BASE_XAPIC, LAPIC_MODE_XAPIC));
	EXPECT_ERR(lapic_timer_arm_deadline(VEC_TICK, TSC_1MS),
		   SVSM_ERR_UNSUPPORTED);
	EXPECT_EQ(apic_env_log_count(), 0);
	EXPECT_STREQ(apic_env_fault(), NULL);
}

TEST(lapic, periodic_after_deadline_disarms_it)
{
	ASSERT_TRUE(start_model(t, 0, true, BASE_XAPIC, LAPIC_MODE_X2APIC));
	apic_env_set_tsc_deadline(true);
	lapic_timer_mode_set(LAPIC_TIMER_TSC_DEADLINE);
	ASSERT_OK(lapic_timer_arm_deadline(VEC_TICK, TSC_1MS));
	/* The in-VM tests borrow the timer in periodic mode. */
	lapic_timer_start(VEC_TICK, 5000, true);
	EXPECT_EQ(apic_env_tsc_deadline(), 0);
	lapic_timer_stop();
	ASSERT_OK(lapic_timer_arm_deadline(VEC_TICK, 2 * TSC_1MS));
	EXPECT_EQ(apic_env_tsc_deadline(), 2 * TSC_1MS);
	EXPECT_STREQ(apic_env_fault(), NULL);
}

TEST(lapic, tick_deadline_arithmetic)
{
	static const struct {
		uint64_t prev;
		uint64_t period;
		uint64_t now;
		uint64_t next;
	} rows[] = {
		/* On time, and a little late: one period after `prev`. */
		{ 1000, 100, 1000, 1100 },
		{ 1000, 100, 1001, 1100 },
		{ 1000, 100, 1099, 1100 },
		/* Missed ticks are skipped, in phase: no burst. */
		{ 1000, 100, 1100, 1200 },
		{ 1000, 100, 1150, 1200 },
		{ 1000, 100, 1000 + 100 * 1000 + 1, 1000 + 100 * 1001 },
		{ 5 * TSC_1MS, TSC_1MS, 9 * TSC_1MS + 7, 10 * TSC_1MS },
		/* The TSC went back behind `prev`: restart from `now`. */
		{ 1000, 100, 999, 1099 },
		{ 1000000, 100, 5, 105 },
		/* Saturation and a zero period (taken as 1). */
		{ UINT64_MAX - 50, 100, UINT64_MAX - 10, UINT64_MAX },
		{ 1000, 0, 1000, 1001 },
		{ 1000, 0, 5000, 5001 },
	};

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		uint64_t next = clock_tick_deadline_next(
			rows[i].prev, rows[i].period, rows[i].now);

		if (next != rows[i].next) {
			test_diag(t, "row %zu", i);
		}
		EXPECT_EQ(next, rows[i].next);
		EXPECT_GT(next, rows[i].now);
	}
}

/* The tick's handler path: re-arm after the vCPU missed 3 deadlines. */
TEST(lapic, tick_rearm_after_missed_ticks_writes_one_deadline)
{
	const struct apic_env_access want[] = {
		fence(),
		msr_w(MSR_TSC_DEADLINE, 10 * TSC_1MS),
	};
	uint64_t next;

	ASSERT_TRUE(start_model(t, 0, false, BASE_XAPIC, LAPIC_MODE_XAPIC));
	apic_env_set_tsc_deadline(true);
	lapic_timer_mode_set(LAPIC_TIMER_TSC_DEADLINE);
	ASSERT_OK(lapic_timer_arm_deadline(VEC_TICK, 6 * TSC_1MS));
	apic_env_log_clear();
	/* It fired at 6 ms but the handler runs at 9.5 ms. */
	next = clock_tick_deadline_next(6 * TSC_1MS, TSC_1MS,
					9 * TSC_1MS + TSC_1MS / 2);
	lapic_timer_set_deadline(next);
	expect_log(t, want, sizeof(want) / sizeof(want[0]));
	EXPECT_EQ(apic_env_tsc_deadline(), 10 * TSC_1MS);
	EXPECT_STREQ(apic_env_fault(), NULL);
}

/* The model must catch the TSC-deadline mistakes the tests rely on. */
TEST(lapic, model_raises_the_tsc_deadline_faults)
{
	/* No TSC-deadline: the MSR is #GP, LVT mode 10b reserved. */
	apic_env_reset(0, true, BASE_X2APIC);
	lapic_hw_wrmsr(MSR_TSC_DEADLINE, 1);
	EXPECT_STREQ(apic_env_fault(),
		     "IA32_TSC_DEADLINE on a CPU without TSC-deadline");
	apic_env_reset(0, true, BASE_X2APIC);
	lapic_hw_wrmsr(0x832U, LVT_DEADLINE);
	EXPECT_STREQ(apic_env_fault(),
		     "LVT timer in TSC-deadline mode without TSC-deadline");
	apic_env_reset(0, true, BASE_X2APIC);
	apic_env_set_tsc_deadline(true);
	lapic_hw_wrmsr(0x832U, VEC_TICK | LAPIC_LVT_TIMER_MODE_MASK);
	EXPECT_STREQ(apic_env_fault(),
		     "LVT timer written with the reserved mode 11b");
	/* The LVT still periodic/one-shot: the write would go nowhere. */
	apic_env_reset(0, true, BASE_X2APIC);
	apic_env_set_tsc_deadline(true);
	lapic_hw_wrmsr(0x832U, VEC_TICK);
	lapic_hw_wrmsr(MSR_TSC_DEADLINE, 1);
	EXPECT_STREQ(apic_env_fault(),
		     "IA32_TSC_DEADLINE written outside TSC-deadline mode");
	/* xAPIC: the LVT's MMIO write must be fenced before the WRMSR. */
	apic_env_reset(0, false, BASE_XAPIC);
	apic_env_set_tsc_deadline(true);
	lapic_hw_mmio_write(LAPIC_LVT_TIMER, LVT_DEADLINE);
	lapic_hw_wrmsr(MSR_TSC_DEADLINE, 1);
	EXPECT_STREQ(
		apic_env_fault(),
		"IA32_TSC_DEADLINE written before the LVT write was fenced");
	EXPECT_EQ(apic_env_tsc_deadline(), 0);
	/* A reset takes TSC-deadline away again. */
	apic_env_reset(0, true, BASE_X2APIC);
	(void)lapic_hw_rdmsr(MSR_TSC_DEADLINE);
	EXPECT_STREQ(apic_env_fault(),
		     "IA32_TSC_DEADLINE on a CPU without TSC-deadline");
}
