// SPDX-License-Identifier: MIT
/*
 * In-VM tests of the fw_cfg driver and of reading QEMU's ACPI tables
 * through it: the device answers with its signature, the three ACPI
 * files are in its directory with plausible sizes, a name that is not
 * there is not found, and the MADT read from them lists exactly the
 * CPUs the kernel started, in the same order.
 */
#include "svsm/acpi_fw_cfg.h"
#include "svsm/boot.h"
#include "svsm/fw_cfg.h"
#include "svsm/smp.h"
#include "svsm/test.h"

TEST(fw_cfg, signature_and_directory)
{
	static const char *const names[] = { "etc/table-loader",
					     "etc/acpi/rsdp",
					     "etc/acpi/tables" };
	uint16_t key = 0;
	uint32_t size = 0;

	ASSERT_TRUE(fw_cfg_present());
	for (uint32_t i = 0; i < 3; i++) {
		EXPECT_OK(fw_cfg_find(names[i], &key, &size));
		EXPECT_GE(key, 0x20); /* file keys follow the fixed ones */
		EXPECT_GT(size, 0);
		test_diag(t, "%s: key 0x%x, %u bytes", names[i], key, size);
	}
	key = 0x1234;
	EXPECT_ERR(fw_cfg_find("etc/no-such-file", &key, &size),
		   SVSM_ERR_NOTFOUND);
	EXPECT_EQ(key, 0x1234); /* untouched */
}

TEST(fw_cfg, madt_matches_the_started_cpus)
{
	static struct madt_info m;
	char why[160] = "";

	ASSERT_OK(acpi_fw_cfg_madt(&m, why, sizeof(why)));
	EXPECT_EQ(m.enabled_count, boot_info_get()->cpu_count);
	EXPECT_EQ(m.lapic_address, 0xFEE00000U);
	ASSERT_EQ(m.enabled_count, smp_cpu_count());
	/* The list is the MADT's order with the boot CPU moved first. */
	uint32_t j = 1;

	for (uint32_t i = 0; i < m.cpu_count; i++) {
		if (!m.cpus[i].is_enabled ||
		    m.cpus[i].apic_id == smp_cpu_get(0)->apic_id) {
			continue;
		}
		EXPECT_EQ(m.cpus[i].apic_id, smp_cpu_get(j)->apic_id);
		j++;
	}
}
