// SPDX-License-Identifier: MIT
/*
 * The SEV-SNP secrets page (plat/snp/secrets.c): the guest's copy never
 * carries VMPCK0 (nor any key above the guest's VMPL) and carries the
 * SVSM fields the guest looks for; the firmware's page is checked; and
 * the SVSM's own copy, in the SVSM's region, cannot be reached by any
 * guest request.
 */
#include <stdlib.h>
#include <string.h>

#include "svsm/test.h"

#include "../../plat/snp/secrets.h"
#include "../../plat/snp/snp.h"
#include "../models/snp/snp_model.h"
#include "uapi/svsm/protocol.h"

/** The model's memory as csvsm sees it: all guest, the SVSM at the top. */
static const struct snp_guest_layout LAYOUT = {
	0, SNPM_MEM_SIZE, SNPM_SVSM_BASE, SNPM_MEM_SIZE - SNPM_SVSM_BASE
};

static struct snp_secrets_page *fw_page(void)
{
	struct snp_secrets_page *p = calloc(1, sizeof(*p));

	if (p) {
		p->version = 3;
		for (uint32_t k = 0; k < SNP_VMPCK_COUNT; k++) {
			memset(p->vmpck[k], 0xA0 + (int)k, SNP_VMPCK_SIZE);
		}
		memset(p->os_area, 0x5A, sizeof(p->os_area));
	}
	return p;
}

static bool is_zero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (p[i] != 0) {
			return false;
		}
	}
	return true;
}

TEST(snp_secrets, guest_copy_has_no_vmpck0_and_the_svsm_fields)
{
	struct snp_secrets_page *fw = fw_page();
	struct snp_secrets_page *out = calloc(1, sizeof(*out));
	const struct snp_secrets_svsm svsm = { 0x600000, 0x200000, 0x31000,
					       SNP_GUEST_VMPL };

	if (!fw || !out) {
		free(fw);
		free(out);
		EXPECT_TRUE(false);
		return;
	}
	EXPECT_OK(snp_secrets_check(fw));
	EXPECT_OK(snp_secrets_guest_copy(fw, &svsm, out));
	EXPECT_TRUE(is_zero(out->vmpck[0], SNP_VMPCK_SIZE));
	EXPECT_TRUE(is_zero(out->vmpck[1], SNP_VMPCK_SIZE));
	EXPECT_MEMEQ(out->vmpck[2], fw->vmpck[2], SNP_VMPCK_SIZE);
	EXPECT_MEMEQ(out->vmpck[3], fw->vmpck[3], SNP_VMPCK_SIZE);
	EXPECT_EQ(out->svsm_base, 0x600000);
	EXPECT_EQ(out->svsm_size, 0x200000);
	EXPECT_EQ(out->svsm_caa, 0x31000);
	EXPECT_EQ(out->svsm_max_version, 1);
	EXPECT_EQ(out->svsm_guest_vmpl, 2);
	EXPECT_EQ(out->version, 3);
	EXPECT_MEMEQ(out->os_area, fw->os_area, sizeof(fw->os_area));
	/* The firmware's page keeps its keys: it stays csvsm's. */
	EXPECT_FALSE(is_zero(fw->vmpck[0], SNP_VMPCK_SIZE));
	free(fw);
	free(out);
}

TEST(snp_secrets, bad_pages_and_parameters_are_refused)
{
	struct snp_secrets_page *fw = fw_page();
	struct snp_secrets_page *out = calloc(1, sizeof(*out));
	struct snp_secrets_svsm svsm = { 0x600000, 0x200000, 0x31000, 0 };

	if (!fw || !out) {
		free(fw);
		free(out);
		EXPECT_TRUE(false);
		return;
	}
	memset(out, 0xEE, sizeof(*out));
	/* VMPL0 for the guest would hand it VMPCK0. */
	EXPECT_ERR(snp_secrets_guest_copy(fw, &svsm, out), SVSM_ERR_INVAL);
	svsm.guest_vmpl = 4;
	EXPECT_ERR(snp_secrets_guest_copy(fw, &svsm, out), SVSM_ERR_INVAL);
	svsm.guest_vmpl = 2;
	svsm.caa = 0x601000; /* inside the SVSM */
	EXPECT_ERR(snp_secrets_guest_copy(fw, &svsm, out), SVSM_ERR_INVAL);
	svsm.caa = 0x31008;
	EXPECT_ERR(snp_secrets_guest_copy(fw, &svsm, out), SVSM_ERR_INVAL);
	svsm.caa = 0x31000;
	svsm.size = 0;
	EXPECT_ERR(snp_secrets_guest_copy(fw, &svsm, out), SVSM_ERR_INVAL);
	EXPECT_EQ(out->vmpck[0][0], 0xEE); /* untouched on failure */
	fw->version = 1;
	EXPECT_ERR(snp_secrets_check(fw), SVSM_ERR_UNSUPPORTED);
	fw->version = 2;
	fw->svsm_size = 0x1000;
	EXPECT_ERR(snp_secrets_check(fw), SVSM_ERR_INVAL);
	free(fw);
	free(out);
}

TEST(snp_secrets, the_svsm_copy_is_out_of_the_guests_reach)
{
	struct snp_guest *g = calloc(1, sizeof(*g));
	uint8_t bits[SNPM_PAGES / 4];
	struct proto_env env;
	uint8_t buf[SNP_VMPCK_SIZE];
	struct snp_secrets_page *fw = fw_page();
	const uint64_t secrets = SNPM_SVSM_BASE + 0x2000U;

	if (!g || !fw) {
		free(fw);
		free(g);
		EXPECT_TRUE(false);
		return;
	}
	snpm_reset();
	memcpy(snpm_mem(secrets), fw, sizeof(*fw));
	EXPECT_OK(snp_guest_init(g, &LAYOUT, bits, sizeof(bits)));
	snp_proto_env(g, 0, &env);
	/* Every guest-memory path the protocol uses refuses the page. */
	EXPECT_ERR(env.mem->read(env.plat, secrets + 0x20, buf, sizeof(buf)),
		   SVSM_ERR_RANGE);
	struct svsm_call_regs r = { SVSM_CORE_PVALIDATE, secrets, 0, 0, 0 };

	EXPECT_EQ(proto_dispatch(&env, &r), SVSM_RC_INVALID_ADDRESS);
	r = (struct svsm_call_regs){ SVSM_CORE_REMAP_CA, secrets, 0, 0, 0 };
	EXPECT_EQ(proto_dispatch(&env, &r), SVSM_RC_INVALID_ADDRESS);
	r = (struct svsm_call_regs){ SVSM_CORE_CREATE_VCPU, secrets, 0x31000, 0,
				     0 };
	EXPECT_EQ(proto_dispatch(&env, &r), SVSM_RC_INVALID_ADDRESS);
	/* And the guest's VMPL has no access to it in the RMP. */
	EXPECT_FALSE(snpm_access_ok(secrets, SNP_GUEST_VMPL, SNPM_PERM_READ));
	free(fw);
	free(g);
}
