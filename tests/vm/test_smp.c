// SPDX-License-Identifier: MIT
/*
 * In-VM tests of AP start-up: every CPU of the IGVM vCPU count came
 * online, each with a distinct APIC ID, GS pointing at its per-CPU data
 * (the same address on every CPU) and per-CPU data in memory of its own,
 * which the boot CPU checks through the temporary window since each AP's
 * region is only in that AP's PML4. Adapts to any CPU count. Under QEMU
 * the list must come from the ACPI MADT (fw_cfg), so an AP whose APIC ID
 * is not 0..n-1 (csvsm run --topology) is found and started too.
 */
#include "svsm/boot.h"
#include "svsm/percpu.h"
#include "svsm/pgtable.h"
#include "svsm/smp.h"
#include "svsm/test.h"
#include "svsm/tmpmap.h"

TEST(smp, every_cpu_online)
{
	uint32_t n = boot_info_get()->cpu_count;

	test_diag(t, "%u CPUs", n);
	EXPECT_EQ(smp_cpu_count(), n);
	EXPECT_EQ(smp_online_count(), n);
	for (uint32_t i = 0; i < smp_cpu_count(); i++) {
		EXPECT_EQ(smp_cpu_get(i)->is_online, 1);
	}
	EXPECT_TRUE(smp_cpu_get(n) == NULL);
}

TEST(smp, cpu_list_from_the_madt)
{
	EXPECT_EQ(smp_cpu_source(), SMP_CPUS_MADT);
	EXPECT_EQ(smp_cpu_get(0)->apic_id, smp_cpu_get(0)->seen_apic_id);
}

TEST(smp, apic_ids_distinct_and_as_listed)
{
	for (uint32_t i = 0; i < smp_cpu_count(); i++) {
		const struct smp_cpu *c = smp_cpu_get(i);

		EXPECT_EQ(c->seen_apic_id, c->apic_id);
		for (uint32_t j = 0; j < i; j++) {
			EXPECT_NE(smp_cpu_get(j)->seen_apic_id,
				  c->seen_apic_id);
		}
	}
}

TEST(smp, gs_reaches_each_cpus_own_data)
{
	uint64_t data = MM_PERCPU_BASE + PERCPU_DATA_OFFSET;

	for (uint32_t i = 0; i < smp_cpu_count(); i++) {
		const struct smp_cpu *c = smp_cpu_get(i);

		EXPECT_EQ(c->gs_base, data);
		EXPECT_EQ(c->seen_index, i);
	}
}

TEST(smp, per_cpu_data_is_distinct_memory)
{
	paddr_t bsp_pa;
	uint64_t fl;

	ASSERT_TRUE(pgtable_lookup(mm_kernel_pgtable(),
				   va_init(MM_PERCPU_BASE + PERCPU_DATA_OFFSET),
				   &bsp_pa, &fl));
	for (uint32_t i = 1; i < smp_cpu_count(); i++) {
		const struct smp_cpu *c = smp_cpu_get(i);

		EXPECT_NE(pa_addr(c->percpu_pa), pa_addr(bsp_pa));
		for (uint32_t j = 1; j < i; j++) {
			EXPECT_NE(pa_addr(smp_cpu_get(j)->percpu_pa),
				  pa_addr(c->percpu_pa));
		}
		const struct percpu *pc = tmpmap_map(c->percpu_pa);

		ASSERT_TRUE(pc != NULL);
		uint64_t stamp = pc->stamp;
		uint32_t index = pc->cpu_index;
		uint32_t apic_id = pc->apic_id;

		tmpmap_unmap((void *)pc);
		EXPECT_EQ(stamp, SMP_STAMP ^ i);
		EXPECT_EQ(index, i);
		EXPECT_EQ(apic_id, c->seen_apic_id);
	}
}

/** Reads PML4 entries 0, PERCPU_PML4_INDEX and 511 through the window. */
static bool read_pml4(paddr_t pml4, uint64_t out[3])
{
	const uint64_t *t = tmpmap_map(pml4);

	if (!t) {
		return false;
	}
	out[0] = t[0];
	out[1] = t[PERCPU_PML4_INDEX];
	out[2] = t[511];
	tmpmap_unmap((void *)t);
	return true;
}

TEST(smp, each_ap_has_its_own_pml4_without_identity_map)
{
	paddr_t root = mm_kernel_pgtable()->root;
	uint64_t boot[3] = { 0 };

	ASSERT_TRUE(read_pml4(root, boot));
	for (uint32_t i = 1; i < smp_cpu_count(); i++) {
		const struct smp_cpu *c = smp_cpu_get(i);
		uint64_t ap[3] = { 0 };

		EXPECT_NE(pa_addr(c->pml4_pa), pa_addr(root));
		ASSERT_TRUE(read_pml4(c->pml4_pa, ap));
		EXPECT_EQ(ap[0], 0); /* no identity map */
		EXPECT_NE(ap[1] & PTE_ADDR_MASK, boot[1] & PTE_ADDR_MASK);
		EXPECT_EQ(ap[2], boot[2]); /* the image is shared */
	}
}

TEST(smp, trampoline_identity_map_removed)
{
	paddr_t pa;
	uint64_t fl;

	EXPECT_FALSE(pgtable_lookup(mm_kernel_pgtable(),
				    va_init(SMP_TRAMPOLINE_PA), &pa, &fl));
}
