// SPDX-License-Identifier: MIT
/*
 * The #VC handler's logic (plat/snp/vc.c) against the SNP model: the
 * decoder on every accepted form and on the forms it must refuse, the
 * IOIO exit information, CPUID from the checked page (subleaves, absent
 * leaves, the CR4-dependent bits, leaf 0xD's sizes for XCR0 and XSS),
 * IN/OUT and RDMSR/WRMSR through the model's GHCB page with the answers
 * checked, and a hostile host whose answers must end in a termination
 * with the registers untouched.
 */
#include <string.h>

#include "svsm/test.h"

#include "../../plat/snp/ghcb_msr.h"
#include "../../plat/snp/vc.h"
#include "../models/snp/snp_model.h"

#define TERM(set, reason) ((int32_t)((set) | (reason) << 4))
#define GHCB_GPA (SNPM_SVSM_BASE + 0x3000U)
#define XS(xcr0, xss, cr4) (&(struct vc_xstate){ (xcr0), (xss), (cr4) })

struct form {
	uint8_t bytes[3];
	uint8_t len;
	uint64_t exit;
	enum vc_op op;
	uint8_t insn_len;
	uint8_t size;
	bool is_dx;
	uint8_t port;
};

TEST(snp_vc, decoder_takes_the_kernels_forms)
{
	static const struct form forms[] = {
		{ { 0x0F, 0xA2 }, 2, VC_EXIT_CPUID, VC_OP_CPUID, 2, 0, 0, 0 },
		{ { 0x0F, 0x32 }, 2, VC_EXIT_MSR, VC_OP_RDMSR, 2, 0, 0, 0 },
		{ { 0x0F, 0x30 }, 2, VC_EXIT_MSR, VC_OP_WRMSR, 2, 0, 0, 0 },
		{ { 0xE4, 0x40 }, 2, VC_EXIT_IOIO, VC_OP_IN, 2, 1, 0, 0x40 },
		{ { 0xE5, 0x71 }, 2, VC_EXIT_IOIO, VC_OP_IN, 2, 4, 0, 0x71 },
		{ { 0x66, 0xE5, 0x9 }, 3, VC_EXIT_IOIO, VC_OP_IN, 3, 2, 0, 9 },
		{ { 0xE6, 0x43 }, 2, VC_EXIT_IOIO, VC_OP_OUT, 2, 1, 0, 0x43 },
		{ { 0xE7, 0xF4 }, 2, VC_EXIT_IOIO, VC_OP_OUT, 2, 4, 0, 0xF4 },
		{ { 0xEC }, 1, VC_EXIT_IOIO, VC_OP_IN, 1, 1, 1, 0 },
		{ { 0xED }, 1, VC_EXIT_IOIO, VC_OP_IN, 1, 4, 1, 0 },
		{ { 0x66, 0xED }, 2, VC_EXIT_IOIO, VC_OP_IN, 2, 2, 1, 0 },
		{ { 0xEE }, 1, VC_EXIT_IOIO, VC_OP_OUT, 1, 1, 1, 0 },
		{ { 0x66, 0xEF }, 2, VC_EXIT_IOIO, VC_OP_OUT, 2, 2, 1, 0 },
		{ { 0xEF }, 1, VC_EXIT_IOIO, VC_OP_OUT, 1, 4, 1, 0 },
	};

	for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
		const struct form *f = &forms[i];
		uint8_t bytes[VC_INSN_MAX];
		struct vc_insn d;

		memset(bytes, 0x90, sizeof(bytes)); /* NOPs after it */
		memcpy(bytes, f->bytes, f->len);
		ASSERT_OK(vc_decode(f->exit, bytes, sizeof(bytes), &d));
		EXPECT_EQ(d.op, f->op);
		EXPECT_EQ(d.len, f->insn_len);
		if (f->exit == VC_EXIT_IOIO) {
			EXPECT_EQ(d.size, f->size);
			EXPECT_EQ(d.is_port_dx, f->is_dx);
			EXPECT_EQ(d.port, f->port);
		}
		/* Exactly its own bytes suffice; one fewer does not. */
		ASSERT_OK(vc_decode(f->exit, bytes, f->len, &d));
		EXPECT_ERR(vc_decode(f->exit, bytes, f->len - 1U, &d),
			   SVSM_ERR_INVAL);
	}
}

TEST(snp_vc, decoder_refuses_other_forms_and_exits)
{
	static const uint8_t bad_io[][3] = {
		{ 0x6C },	/* INSB: string I/O */
		{ 0x6F },	/* OUTSD */
		{ 0xF3, 0x6E }, /* REP OUTSB */
		{ 0x48, 0xED }, /* REX.W */
		{ 0x66, 0xEC }, /* 0x66 on a byte access */
		{ 0x66, 0x66 }, /* two prefixes */
		{ 0x2E, 0xEC }, /* segment override */
		{ 0x0F, 0xA2 }, /* CPUID under an IOIO exit */
	};
	uint8_t cpuid[2] = { 0x0F, 0xA2 };
	uint8_t rdmsr[2] = { 0x0F, 0x32 };
	struct vc_insn d = { VC_OP_OUT, 9, 9, true, 9 };

	for (size_t i = 0; i < sizeof(bad_io) / sizeof(bad_io[0]); i++) {
		EXPECT_ERR(vc_decode(VC_EXIT_IOIO, bad_io[i], 3, &d),
			   SVSM_ERR_INVAL);
	}
	EXPECT_ERR(vc_decode(VC_EXIT_CPUID, rdmsr, 2, &d), SVSM_ERR_INVAL);
	EXPECT_ERR(vc_decode(VC_EXIT_MSR, cpuid, 2, &d), SVSM_ERR_INVAL);
	EXPECT_ERR(vc_decode(VC_EXIT_CPUID, cpuid, 0, &d), SVSM_ERR_INVAL);
	/* RDTSC, NPF (MMIO), HLT, VMMCALL: not handled. */
	EXPECT_ERR(vc_decode(0x6E, cpuid, 2, &d), SVSM_ERR_UNSUPPORTED);
	EXPECT_ERR(vc_decode(0x400, cpuid, 2, &d), SVSM_ERR_UNSUPPORTED);
	EXPECT_ERR(vc_decode(0x78, cpuid, 2, &d), SVSM_ERR_UNSUPPORTED);
	EXPECT_ERR(vc_decode(0x81, cpuid, 2, &d), SVSM_ERR_UNSUPPORTED);
	/* Nothing written on refusal. */
	EXPECT_EQ(d.op, VC_OP_OUT);
	EXPECT_EQ(d.len, 9);
}

TEST(snp_vc, ioio_exit_information)
{
	struct vc_insn in8 = { VC_OP_IN, 2, 1, false, 0x40 };
	struct vc_insn out16 = { VC_OP_OUT, 2, 2, true, 0 };
	struct vc_insn out32 = { VC_OP_OUT, 1, 4, true, 0 };

	/* APM vol. 2, 15.10.2: port 31:16, A64 9, SZ32..8 6:4, IN 0. */
	EXPECT_EQ(vc_ioio_info(&in8, 0x40), 0x400211U);
	EXPECT_EQ(vc_ioio_info(&out16, 0x3F8), 0x3F80220U);
	EXPECT_EQ(vc_ioio_info(&out32, 0xCF8), 0xCF80240U);
}

/** A page with leaves 0, 1, 7, 0xD (0, 1 and components 2, 5, 11). */
static void cpuid_page(struct test_ctx *t, struct snp_cpuid *c)
{
	static struct snp_cpuid_page p;
	static const struct snp_cpuid_fn fns[] = {
		{ 0x0, 0, 0, 0, 0xD, 0x68747541, 0x444D4163, 0x69746E65, 0 },
		{ 0x1, 0, 0, 0, 0xA00F11, 0x800, 0x7EF8320B, 0x178BFBFF, 0 },
		{ 0x7, 0, 0, 0, 0, 0x219C97A9, 0x0040069C, 0x10, 0 },
		{ 0xD, 0, 0x7, 0, 0x2E7, 0x340, 0x988, 0, 0 },
		{ 0xD, 1, 0, 0, 0xF, 0, 0x1800, 0, 0 },
		{ 0xD, 2, 0, 0, 0x100, 0x240, 0, 0, 0 },
		{ 0xD, 5, 0, 0, 0x40, 0x340, 0x2, 0, 0 },
		{ 0xD, 11, 0, 0, 0x10, 0, 0x1, 0, 0 },
		{ 0x80000000, 0, 0, 0, 0x8000001F, 0, 0, 0, 0 },
		{ 0x8000001F, 0, 0, 0, 0x1001B, 0x5073, 0x1FD, 0x1, 0 },
	};

	memset(&p, 0, sizeof(p));
	p.count = sizeof(fns) / sizeof(fns[0]);
	memcpy(p.fn, fns, sizeof(fns));
	ASSERT_OK(snp_cpuid_load(&p, sizeof(p), c));
}

TEST(snp_vc, cpuid_from_the_page_only)
{
	static struct snp_cpuid c;
	uint32_t r[4] = { 0 };

	snpm_reset();
	cpuid_page(t, &c);
	ASSERT_TRUE(vc_cpuid_answer(&c, 1, 0x1234, XS(0x7, 0, 0), r));
	EXPECT_EQ(r[0], 0xA00F11U); /* subleaf ignored: leaf 1 has none */
	EXPECT_EQ(r[2] & (1U << 27), 0U);
	ASSERT_TRUE(vc_cpuid_answer(&c, 1, 0, XS(0x7, 0, VC_CR4_OSXSAVE), r));
	EXPECT_EQ(r[2], 0x7EF8320BU | (1U << 27));
	ASSERT_TRUE(vc_cpuid_answer(&c, 7, 0, XS(0x7, 0, VC_CR4_PKE), r));
	EXPECT_EQ(r[2], 0x0040069CU | 0x10U);
	ASSERT_TRUE(vc_cpuid_answer(&c, 7, 0, XS(0x7, 0, 0), r));
	EXPECT_EQ(r[2], 0x0040068CU); /* OSPKE cleared without CR4.PKE */
	ASSERT_TRUE(vc_cpuid_answer(&c, 7, 1, XS(0x7, 0, 0), r));
	EXPECT_EQ(r[0] | r[1] | r[2] | r[3], 0U); /* not listed: zeros */
	ASSERT_TRUE(vc_cpuid_answer(&c, 0x40000000, 0, XS(0x7, 0, 0), r));
	EXPECT_EQ(r[0] | r[1] | r[2] | r[3], 0U);
	/* Leaf 0xD: the entry for this XCR0, else computed. */
	ASSERT_TRUE(vc_cpuid_answer(&c, 0xD, 0, XS(0x7, 0, 0), r));
	EXPECT_EQ(r[1], 0x340U);
	ASSERT_TRUE(vc_cpuid_answer(&c, 0xD, 0, XS(0x3, 0, 0), r));
	EXPECT_EQ(r[1], 0x240U); /* x87 and SSE only: the legacy area */
	ASSERT_TRUE(vc_cpuid_answer(&c, 0xD, 0, XS(0x27, 0, 0), r));
	EXPECT_EQ(r[1], 0x380U); /* component 5 ends at 0x340 + 0x40 */
	EXPECT_EQ(r[0], 0x2E7U);
	/* Compacted: 0x240 + 0x100 (AVX), 64-aligned 0x40, then CET 0x10. */
	ASSERT_TRUE(vc_cpuid_answer(&c, 0xD, 1, XS(0x27, 1ULL << 11, 0), r));
	EXPECT_EQ(r[1], 0x240U + 0x100U + 0x40U + 0x10U);
	ASSERT_TRUE(vc_cpuid_answer(&c, 0xD, 1, XS(0x7, 0, 0), r));
	EXPECT_EQ(r[1], 0x340U);
	/* A component the page does not describe: no answer. */
	EXPECT_FALSE(vc_cpuid_answer(&c, 0xD, 0, XS(0x1F, 0, 0), r));
	EXPECT_FALSE(vc_cpuid_answer(&c, 0xD, 1, XS(0x7, 1ULL << 12, 0), r));
	ASSERT_TRUE(vc_cpuid_answer(&c, 0xD, 5, XS(0x1F, 0, 0), r));
	EXPECT_EQ(r[0], 0x40U);
	EXPECT_EQ(snpm_counts()->vmgexits, 0U); /* the host was never asked */
}

/** The model with a shared, registered GHCB page; `env` for it. */
static void host_up(struct test_ctx *t, struct vc_env *env, struct snp_cpuid *c)
{
	static struct valid_region r;
	static uint8_t bits[128];
	uint64_t pages = (SNPM_MEM_SIZE - SNPM_SVSM_BASE) / SNPM_PAGE;

	snpm_reset();
	cpuid_page(t, c);
	ASSERT_OK(valid_region_init(&r, pa_init(SNPM_SVSM_BASE), pages, bits,
				    sizeof(bits)));
	valid_commit(&r, pa_init(SNPM_SVSM_BASE), pages, VALID_STATE_VALID);
	ASSERT_OK(ghcb_page_share(&r, snpm_mem(GHCB_GPA), GHCB_GPA));
	*env = (struct vc_env){
		(struct ghcb *)snpm_mem(GHCB_GPA), GHCB_GPA, c, { 0x7, 0, 0 }
	};
}

TEST(snp_vc, cpuid_exit_moves_rip)
{
	static struct snp_cpuid c;
	static const uint8_t insn[] = { 0x0F, 0xA2, 0xCC };
	struct vc_env env;
	struct vc_regs regs = { 0x8000001FU, 0x55, 0, 0x66, 0x1000 };
	struct vc_regs keep;

	host_up(t, &env, &c);
	ASSERT_OK(vc_handle(&env, VC_EXIT_CPUID, insn, sizeof(insn), &regs));
	EXPECT_EQ(regs.rax, 0x1001BU);
	EXPECT_EQ(regs.rbx, 0x5073U);
	EXPECT_EQ(regs.rcx, 0x1FDU);
	EXPECT_EQ(regs.rdx, 0x1U);
	EXPECT_EQ(regs.rip, 0x1002U);
	/* An unanswerable leaf 0xD: refused, nothing changed. */
	env.x.xcr0 = 0x1F;
	regs = (struct vc_regs){ 0xD, 1, 0, 2, 0x2000 };
	keep = regs;
	EXPECT_ERR(vc_handle(&env, VC_EXIT_CPUID, insn, sizeof(insn), &regs),
		   SVSM_ERR_UNSUPPORTED);
	EXPECT_MEMEQ(&regs, &keep, sizeof(regs));
}

TEST(snp_vc, port_io_through_the_ghcb)
{
	static struct snp_cpuid c;
	static const uint8_t out_dx_al[] = { 0xEE };
	static const uint8_t in_al_imm[] = { 0xE4, 0x40 };
	static const uint8_t in_eax_dx[] = { 0xED };
	static const uint8_t in_ax_dx[] = { 0x66, 0xED };
	static const uint8_t out_dx_ax[] = { 0x66, 0xEF };
	struct vc_env env;
	struct vc_regs regs = { 0x1122334455667741ULL, 0, 0, 0x3F8, 0x1000 };
	uint16_t port = 0;
	uint32_t val = 0;
	uint8_t size = 0;

	host_up(t, &env, &c);
	ASSERT_OK(vc_handle(&env, VC_EXIT_IOIO, out_dx_al, 1, &regs));
	ASSERT_TRUE(snpm_io_out_last(&port, &val, &size));
	EXPECT_EQ(port, 0x3F8);
	EXPECT_EQ(val, 0x41U); /* AL only */
	EXPECT_EQ(size, 1);
	EXPECT_EQ(regs.rip, 0x1001U);
	EXPECT_EQ(regs.rax, 0x1122334455667741ULL);
	regs.rdx = 0x1234;
	ASSERT_OK(vc_handle(&env, VC_EXIT_IOIO, out_dx_ax, 2, &regs));
	ASSERT_TRUE(snpm_io_out_last(&port, &val, &size));
	EXPECT_EQ(port, 0x1234);
	EXPECT_EQ(val, 0x7741U);
	EXPECT_EQ(size, 2);
	snpm_io_in(0x40, 0x9A);
	snpm_io_in(0x71, 0xDEADBEEF);
	snpm_io_in(0x72, 0xBEEF);
	ASSERT_OK(vc_handle(&env, VC_EXIT_IOIO, in_al_imm, 2, &regs));
	EXPECT_EQ(regs.rax, 0x112233445566779AULL); /* AL replaced */
	regs.rdx = 0x71;
	ASSERT_OK(vc_handle(&env, VC_EXIT_IOIO, in_eax_dx, 1, &regs));
	EXPECT_EQ(regs.rax, 0xDEADBEEFULL); /* 32 bits zero-extend */
	regs.rdx = 0x72;
	regs.rax = 0xFFFFFFFFFFFF0000ULL;
	ASSERT_OK(vc_handle(&env, VC_EXIT_IOIO, in_ax_dx, 2, &regs));
	EXPECT_EQ(regs.rax, 0xFFFFFFFFFFFFBEEFULL);
	EXPECT_EQ(regs.rip, 0x1001U + 2U + 2U + 1U + 2U);
	EXPECT_EQ(snpm_terminated(), -1);
	EXPECT_TRUE(snpm_fault() == NULL);
}

TEST(snp_vc, msr_through_the_ghcb)
{
	static struct snp_cpuid c;
	static const uint8_t rdmsr_insn[] = { 0x0F, 0x32 };
	static const uint8_t wrmsr_insn[] = { 0x0F, 0x30 };
	struct vc_env env;
	struct vc_regs regs = { 0xAAAAAAAA00000000ULL, 0, 0x8B, 0, 0x10 };
	struct vc_regs keep;
	uint64_t v = 0;

	host_up(t, &env, &c);
	snpm_msr_set(0x8B, 0x0000123487654321ULL);
	ASSERT_OK(vc_handle(&env, VC_EXIT_MSR, rdmsr_insn, 2, &regs));
	EXPECT_EQ(regs.rax, 0x87654321U);
	EXPECT_EQ(regs.rdx, 0x1234U);
	EXPECT_EQ(regs.rip, 0x12U);
	regs.rax = 0xFFFFFFFF0000BBBBULL; /* WRMSR takes EAX and EDX */
	regs.rdx = 0x77;
	ASSERT_OK(vc_handle(&env, VC_EXIT_MSR, wrmsr_insn, 2, &regs));
	ASSERT_TRUE(snpm_msr_get(0x8B, &v));
	EXPECT_EQ(v, 0x000000770000BBBBULL);
	EXPECT_EQ(regs.rip, 0x14U);
	/* An MSR the host refuses: #GP for the caller, nothing changed. */
	regs.rcx = 0xC0000999U;
	keep = regs;
	EXPECT_ERR(vc_handle(&env, VC_EXIT_MSR, rdmsr_insn, 2, &regs),
		   SVSM_ERR_IO);
	EXPECT_MEMEQ(&regs, &keep, sizeof(regs));
	EXPECT_EQ(snpm_terminated(), -1);
}

/** One hostile mode against one instruction: terminated, untouched. */
static void hostile(struct test_ctx *t, enum snpm_ghcb_mode mode,
		    const struct snpm_page_answer *a, const uint8_t *insn,
		    size_t len, uint64_t exit)
{
	static struct snp_cpuid c;
	struct vc_env env;
	struct vc_regs regs = { 0x5555, 0x6666, 0x8B, 0x40, 0x1000 };
	struct vc_regs keep = regs;

	host_up(t, &env, &c);
	snpm_io_in(0x40, 0x12);
	snpm_msr_set(0x8B, 0x1);
	snpm_set_ghcb_mode(mode);
	snpm_page_answer(a);
	EXPECT_ERR(vc_handle(&env, exit, insn, len, &regs), SVSM_ERR_INTEGRITY);
	EXPECT_MEMEQ(&regs, &keep, sizeof(regs));
	EXPECT_EQ(snpm_terminated(),
		  TERM(GHCB_TERM_SET_CSVSM, GHCB_TERM_BAD_ANSWER));
	EXPECT_TRUE(snpm_halted());
}

TEST(snp_vc, hostile_host_answers_terminate)
{
	static const uint8_t in_al[] = { 0xEC };
	static const uint8_t in_eax[] = { 0xED };
	static const uint8_t out_al[] = { 0xEE };
	static const uint8_t rdmsr_insn[] = { 0x0F, 0x32 };
	static const uint8_t wrmsr_insn[] = { 0x0F, 0x30 };
	static const struct snpm_page_answer io_error = { 1, 0, 0, { 0, 0 } };

	hostile(t, SNPM_GHCB_NOT_VALID, NULL, in_al, 1, VC_EXIT_IOIO);
	hostile(t, SNPM_GHCB_WIDE, NULL, in_al, 1, VC_EXIT_IOIO);
	hostile(t, SNPM_GHCB_WIDE, NULL, in_eax, 1, VC_EXIT_IOIO);
	hostile(t, SNPM_GHCB_WRONG_CODE, NULL, out_al, 1, VC_EXIT_IOIO);
	hostile(t, SNPM_GHCB_WRONG_GPA, NULL, in_al, 1, VC_EXIT_IOIO);
	hostile(t, SNPM_GHCB_NOT_VALID, NULL, rdmsr_insn, 2, VC_EXIT_MSR);
	hostile(t, SNPM_GHCB_WIDE, NULL, rdmsr_insn, 2, VC_EXIT_MSR);
	hostile(t, SNPM_GHCB_WRONG_CODE, NULL, wrmsr_insn, 2, VC_EXIT_MSR);
	/* Port I/O the host says failed: it cannot, so it lies. */
	hostile(t, SNPM_GHCB_HONEST, &io_error, out_al, 1, VC_EXIT_IOIO);
	snpm_page_answer(NULL);
}
