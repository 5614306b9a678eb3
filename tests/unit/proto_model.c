// SPDX-License-Identifier: MIT
/* The model platform of tests/unit/proto_model.h. */
#include "proto_model.h"

#include <string.h>

#define PAGE 0x1000ULL
#define HUGE 0x200000ULL

static bool in_svsm(uint64_t gpa, uint64_t len)
{
	uint64_t end = gpa + len;

	return (gpa < PM_SVSM_BASE + HUGE && end > PM_SVSM_BASE) ||
	       (gpa < PM_SVSM_PAGE + PAGE && end > PM_SVSM_PAGE);
}

static enum svsm_err check(uint64_t gpa, size_t len)
{
	if (gpa > PM_MEM_BYTES || len > PM_MEM_BYTES - gpa ||
	    in_svsm(gpa, len)) {
		return SVSM_ERR_RANGE;
	}
	return SVSM_OK;
}

static enum svsm_err model_read(void *plat, uint64_t gpa, void *dst, size_t len)
{
	struct proto_model *m = plat;
	enum svsm_err err = check(gpa, len);

	if (err != SVSM_OK) {
		return err;
	}
	memcpy(dst, m->mem + gpa, len);
	for (size_t i = 0; i < len; i++) {
		m->reads[gpa + i]++;
	}
	if (++m->reads_done == m->flip_after_reads) {
		for (size_t i = 0; i < len; i++) {
			m->mem[gpa + i] ^= 0xFFU;
		}
	}
	return SVSM_OK;
}

static enum svsm_err model_write(void *plat, uint64_t gpa, const void *src,
				 size_t len)
{
	struct proto_model *m = plat;
	enum svsm_err err = check(gpa, len);

	if (err != SVSM_OK) {
		return err;
	}
	if (++m->writes_done == m->fail_write_at) {
		return SVSM_ERR_FAULT;
	}
	memcpy(m->mem + gpa, src, len);
	return SVSM_OK;
}

static enum svsm_err model_pvalidate(void *plat, uint64_t gpa, bool huge,
				     bool validate, struct proto_pval_out *out)
{
	struct proto_model *m = plat;
	bool in_huge = gpa >= PM_HUGE_BASE && gpa < PM_HUGE_BASE + HUGE;
	bool *state;

	m->pvalidates++;
	if (gpa >= PM_VAL_BYTES || in_svsm(gpa, huge ? HUGE : PAGE)) {
		return SVSM_ERR_RANGE;
	}
	/* The RMP rule: the operation's size must match the backing. */
	if (huge != in_huge) {
		out->rc = 6;
		return SVSM_OK;
	}
	state = huge ? &m->huge_valid : &m->valid[gpa / PAGE];
	out->no_change = *state == validate;
	*state = validate;
	return SVSM_OK;
}

static enum svsm_err model_remap_ca(void *plat, uint32_t vcpu, uint64_t gpa)
{
	struct proto_model *m = plat;

	if (check(gpa, PAGE) != SVSM_OK || vcpu >= PM_MAX_VCPUS) {
		return SVSM_ERR_RANGE;
	}
	m->caa[vcpu] = gpa;
	return SVSM_OK;
}

static enum svsm_err model_create_vcpu(void *plat, uint32_t vcpu, uint64_t vmsa,
				       uint64_t caa, uint32_t apic_id)
{
	struct proto_model *m = plat;

	(void)vcpu;
	if (check(vmsa, PAGE) != SVSM_OK || check(caa, PAGE) != SVSM_OK) {
		return SVSM_ERR_RANGE;
	}
	for (uint32_t i = 0; i < PM_MAX_VCPUS; i++) {
		if (m->vmsa[i] == vmsa) {
			return SVSM_ERR_EXISTS;
		}
	}
	for (uint32_t i = 1; i < PM_MAX_VCPUS; i++) {
		if (m->vmsa[i] == 0) {
			m->vmsa[i] = vmsa;
			m->caa[i] = caa;
			m->apic_id[i] = apic_id;
			return SVSM_OK;
		}
	}
	return SVSM_ERR_BUSY;
}

static enum svsm_err model_delete_vcpu(void *plat, uint32_t vcpu, uint64_t vmsa)
{
	struct proto_model *m = plat;

	(void)vcpu;
	for (uint32_t i = 1; i < PM_MAX_VCPUS; i++) {
		if (m->vmsa[i] == vmsa && vmsa != 0) {
			m->vmsa[i] = 0;
			return SVSM_OK;
		}
	}
	return SVSM_ERR_NOTFOUND;
}

static const struct proto_mem_ops MODEL_MEM = { model_read, model_write };
static const struct proto_core_ops MODEL_CORE = {
	model_pvalidate,
	model_remap_ca,
	model_create_vcpu,
	model_delete_vcpu,
};

static const struct proto_desc *const CORE_ONLY[] = { &PROTO_CORE_DESC };

void proto_model_init(struct proto_model *m, struct proto_env *env)
{
	memset(m, 0, sizeof(*m));
	m->flip_after_reads = UINT32_MAX;
	*env = (struct proto_env){
		.mem = &MODEL_MEM,
		.core = &MODEL_CORE,
		.plat = m,
		.vcpu = 0,
		.protos = CORE_ONLY,
		.proto_count = 1,
	};
}

uint8_t proto_model_max_reads(const struct proto_model *m)
{
	uint8_t max = 0;

	for (size_t i = 0; i < PM_MEM_BYTES; i++) {
		max = m->reads[i] > max ? m->reads[i] : max;
	}
	return max;
}
