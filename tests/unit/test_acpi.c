// SPDX-License-Identifier: MIT
/*
 * Unit tests of the ACPI parsers: MADTs built in memory by a small
 * builder that appends interrupt controller structures and fixes the
 * length and checksum, the MADT QEMU 7.2 gives a q35 machine with four
 * CPUs, and RSDPs of revision 0 and 2. Every refusal must name its
 * problem and leave the output untouched.
 */
#include <stdio.h>
#include <string.h>

#include "svsm/acpi.h"
#include "svsm/test.h"

/*
 * tests/unit/data/qemu-q35-4cpu-madt.bin is the MADT that SeaBIOS
 * installed for `qemu-system-x86_64 -machine q35,accel=tcg -smp 4 -m 128
 * -nodefaults` (QEMU 7.2.22, Debian 12), cut out of a `pmemsave` of guest
 * RAM by following the RSDP (below) and the RSDT. It is embedded here so
 * the test does not depend on the working directory.
 */
__asm__(".section .rodata\n"
	".balign 8\n"
	".globl QEMU_MADT\n"
	"QEMU_MADT:\n"
	".incbin \"tests/unit/data/qemu-q35-4cpu-madt.bin\"\n"
	"QEMU_MADT_END:\n"
	".balign 4\n"
	".globl QEMU_MADT_SIZE\n"
	"QEMU_MADT_SIZE:\n"
	".4byte QEMU_MADT_END - QEMU_MADT\n"
	".previous\n");
extern const uint8_t QEMU_MADT[];
extern const uint32_t QEMU_MADT_SIZE;

/* The RSDP SeaBIOS wrote in the same run (revision 0, at 0xf59e0). */
static const uint8_t QEMU_RSDP[ACPI_RSDP_V1_SIZE] = {
	0x52, 0x53, 0x44, 0x20, 0x50, 0x54, 0x52, 0x20, 0xd7, 0x42,
	0x4f, 0x43, 0x48, 0x53, 0x20, 0x00, 0x53, 0x23, 0xfe, 0x07,
};

#define LAPIC_DEFAULT 0xFEE00000U
#define MADT_HEADER_SIZE 44U

/* Enough for more than ACPI_MAX_CPUS x2APIC entries and the limit test. */
static uint8_t madt[ACPI_MAX_TABLE_SIZE + 4096];
static uint32_t madt_len;
static struct madt_info info;

/** Copies the characters of `s`, without its NUL, to `p`. */
static void put_str(uint8_t *p, const char *s)
{
	for (size_t i = 0; s[i] != '\0'; i++) {
		p[i] = (uint8_t)s[i];
	}
}

static void put_u32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++) {
		p[i] = (uint8_t)(v >> (8 * i));
	}
}

static void put_u64(uint8_t *p, uint64_t v)
{
	put_u32(p, (uint32_t)v);
	put_u32(p + 4, (uint32_t)(v >> 32));
}

/** Sets byte `at` so that the first `len` bytes of `p` add up to 0. */
static void fix_checksum(uint8_t *p, size_t len, size_t at)
{
	uint8_t sum = 0;

	p[at] = 0;
	for (size_t i = 0; i < len; i++) {
		sum = (uint8_t)(sum + p[i]);
	}
	p[at] = (uint8_t)(0x100 - sum);
}

/** Starts an empty MADT: header, local APIC address, PCAT_COMPAT. */
static void mb_init(void)
{
	memset(madt, 0, sizeof(madt));
	put_str(madt, "APIC");
	madt[8] = 5; /* revision */
	put_str(madt + 10, "CSVSM ");
	put_str(madt + 16, "TESTMADT");
	put_u32(madt + 36, LAPIC_DEFAULT);
	put_u32(madt + 40, ACPI_MADT_PCAT_COMPAT);
	madt_len = MADT_HEADER_SIZE;
}

/** Appends a raw structure: `type`, `len` and `len` - 2 body bytes. */
static uint8_t *mb_add(uint8_t type, uint8_t len)
{
	uint8_t *e = madt + madt_len;

	e[0] = type;
	e[1] = len;
	madt_len += len < 2 ? 2 : len;
	return e;
}

static void mb_lapic(uint8_t uid, uint8_t apic_id, uint32_t flags)
{
	uint8_t *e = mb_add(0, 8);

	e[2] = uid;
	e[3] = apic_id;
	put_u32(e + 4, flags);
}

static void mb_x2apic(uint32_t apic_id, uint32_t uid, uint32_t flags)
{
	uint8_t *e = mb_add(9, 16);

	put_u32(e + 4, apic_id);
	put_u32(e + 8, flags);
	put_u32(e + 12, uid);
}

static void mb_ioapic(uint8_t id, uint32_t address, uint32_t gsi_base)
{
	uint8_t *e = mb_add(1, 12);

	e[2] = id;
	put_u32(e + 4, address);
	put_u32(e + 8, gsi_base);
}

static void mb_lapic_override(uint64_t address)
{
	put_u64(mb_add(5, 12) + 4, address);
}

/** Writes the length field and the checksum. */
static void mb_finish(void)
{
	put_u32(madt + 4, madt_len);
	fix_checksum(madt, madt_len, 9);
}

static enum svsm_err parse(char *why, size_t why_size)
{
	return acpi_parse_madt(madt, madt_len, &info, why, why_size);
}

/** Builds a MADT of `n` enabled CPUs with APIC IDs 0..n-1. */
static void mb_cpus(uint32_t n)
{
	mb_init();
	for (uint32_t i = 0; i < n; i++) {
		mb_lapic((uint8_t)i, (uint8_t)i, ACPI_MADT_ENABLED);
	}
	mb_finish();
}

/** Expects the MADT in `madt` to be refused with `word` in the reason. */
static void expect_refused_size(struct test_ctx *t, size_t size,
				const char *word)
{
	char why[160] = "";

	info.cpu_count = 777;
	EXPECT_ERR(acpi_parse_madt(madt, size, &info, why, sizeof(why)),
		   SVSM_ERR_INVAL);
	EXPECT_EQ(info.cpu_count, 777); /* untouched */
	EXPECT_TRUE(strstr(why, word) != NULL);
	if (strstr(why, word) == NULL) {
		test_diag(t, "reason: %s", why);
	}
}

static void expect_refused(struct test_ctx *t, const char *word)
{
	expect_refused_size(t, madt_len, word);
}

/** Checks that CPU `i` has `apic_id` and is enabled. */
static void expect_cpu(struct test_ctx *t, uint32_t i, uint32_t apic_id,
		       uint32_t uid)
{
	EXPECT_EQ(info.cpus[i].apic_id, apic_id);
	EXPECT_EQ(info.cpus[i].uid, uid);
	EXPECT_TRUE(info.cpus[i].is_enabled);
	EXPECT_FALSE(info.cpus[i].is_online_capable);
}

TEST(acpi, checksum_ok)
{
	uint8_t b[4] = { 0x10, 0x20, 0x30, 0xA0 };

	EXPECT_TRUE(acpi_checksum_ok(b, sizeof(b)));
	EXPECT_TRUE(acpi_checksum_ok(b, 0));
	b[3] = 0xA1;
	EXPECT_FALSE(acpi_checksum_ok(b, sizeof(b)));
}

TEST(acpi, sdt_header_decoded)
{
	struct acpi_sdt_header h;
	char why[128] = "";

	mb_cpus(1);
	ASSERT_OK(acpi_parse_sdt_header(madt, madt_len, "APIC", &h, why,
					sizeof(why)));
	EXPECT_MEMEQ(h.signature, "APIC", 4);
	EXPECT_EQ(h.length, madt_len);
	EXPECT_EQ(h.revision, 5);
	EXPECT_MEMEQ(h.oem_id, "CSVSM ", 6);
	EXPECT_MEMEQ(h.oem_table_id, "TESTMADT", 8);
	/* Another signature is refused by the generic check too. */
	EXPECT_ERR(acpi_parse_sdt_header(madt, madt_len, "FACP", &h, why,
					 sizeof(why)),
		   SVSM_ERR_INVAL);
	EXPECT_TRUE(strstr(why, "signature 'APIC'") != NULL);
}

TEST(acpi, madt_one_cpu)
{
	char why[128] = "";

	mb_cpus(1);
	ASSERT_OK(parse(why, sizeof(why)));
	EXPECT_EQ(info.cpu_count, 1);
	EXPECT_EQ(info.enabled_count, 1);
	EXPECT_EQ(info.lapic_address, LAPIC_DEFAULT);
	EXPECT_EQ(info.flags, ACPI_MADT_PCAT_COMPAT);
	EXPECT_EQ(info.ioapic_count, 0);
	expect_cpu(t, 0, 0, 0);
	EXPECT_FALSE(info.cpus[0].is_x2apic);
}

TEST(acpi, madt_four_cpus)
{
	char why[128] = "";

	mb_cpus(4);
	ASSERT_OK(parse(why, sizeof(why)));
	ASSERT_EQ(info.cpu_count, 4);
	for (uint32_t i = 0; i < 4; i++) {
		expect_cpu(t, i, i, i);
	}
}

TEST(acpi, madt_64_cpus)
{
	char why[128] = "";

	mb_cpus(64);
	ASSERT_OK(parse(why, sizeof(why)));
	ASSERT_EQ(info.cpu_count, 64);
	EXPECT_EQ(info.enabled_count, 64);
	expect_cpu(t, 63, 63, 63);
}

TEST(acpi, madt_non_sequential_apic_ids)
{
	static const uint8_t ids[] = { 0, 2, 7, 255 };
	char why[128] = "";

	mb_init();
	for (uint32_t i = 0; i < 4; i++) {
		mb_lapic((uint8_t)(10 + i), ids[i], ACPI_MADT_ENABLED);
	}
	mb_finish();
	ASSERT_OK(parse(why, sizeof(why)));
	ASSERT_EQ(info.cpu_count, 4);
	for (uint32_t i = 0; i < 4; i++) {
		expect_cpu(t, i, ids[i], 10 + i); /* kept as they are */
	}
}

TEST(acpi, madt_x2apic_ids_above_255)
{
	char why[128] = "";

	mb_init();
	mb_lapic(0, 0, ACPI_MADT_ENABLED);
	mb_x2apic(256, 1, ACPI_MADT_ENABLED);
	mb_x2apic(0x12345, 2, ACPI_MADT_ENABLED);
	mb_x2apic(0xFFFFFFFEU, 0x80000000U, ACPI_MADT_ENABLED);
	mb_finish();
	ASSERT_OK(parse(why, sizeof(why)));
	ASSERT_EQ(info.cpu_count, 4);
	expect_cpu(t, 0, 0, 0);
	EXPECT_FALSE(info.cpus[0].is_x2apic);
	expect_cpu(t, 1, 256, 1);
	expect_cpu(t, 2, 0x12345, 2);
	expect_cpu(t, 3, 0xFFFFFFFEU, 0x80000000U);
	EXPECT_TRUE(info.cpus[3].is_x2apic);
}

TEST(acpi, madt_disabled_cpus_skipped)
{
	char why[128] = "";

	mb_init();
	mb_lapic(0, 0, ACPI_MADT_ENABLED);
	mb_lapic(1, 1, 0);
	mb_x2apic(300, 2, 0);
	mb_lapic(3, 3, ACPI_MADT_ENABLED);
	mb_lapic(4, 3, 0); /* a disabled duplicate is not a CPU */
	mb_finish();
	ASSERT_OK(parse(why, sizeof(why)));
	ASSERT_EQ(info.cpu_count, 2);
	expect_cpu(t, 0, 0, 0);
	expect_cpu(t, 1, 3, 3);
}

TEST(acpi, madt_online_capable_counted)
{
	char why[128] = "";

	mb_init();
	mb_lapic(0, 0, ACPI_MADT_ENABLED);
	mb_lapic(1, 1, ACPI_MADT_ONLINE_CAPABLE);
	mb_x2apic(512, 2, ACPI_MADT_ONLINE_CAPABLE);
	/* Online Capable is reserved when Enabled is set. */
	mb_lapic(3, 3, ACPI_MADT_ENABLED | ACPI_MADT_ONLINE_CAPABLE);
	mb_finish();
	ASSERT_OK(parse(why, sizeof(why)));
	ASSERT_EQ(info.cpu_count, 4);
	EXPECT_EQ(info.enabled_count, 2);
	EXPECT_FALSE(info.cpus[1].is_enabled);
	EXPECT_TRUE(info.cpus[1].is_online_capable);
	EXPECT_EQ(info.cpus[2].apic_id, 512);
	EXPECT_TRUE(info.cpus[2].is_online_capable);
	expect_cpu(t, 3, 3, 3);
}

TEST(acpi, madt_lapic_address_override)
{
	char why[128] = "";

	mb_init();
	mb_lapic(0, 0, ACPI_MADT_ENABLED);
	mb_lapic_override(0x123456789000ULL);
	mb_lapic(1, 1, ACPI_MADT_ENABLED);
	mb_finish();
	ASSERT_OK(parse(why, sizeof(why)));
	EXPECT_EQ(info.lapic_address, 0x123456789000ULL);
	EXPECT_EQ(info.cpu_count, 2);

	mb_lapic_override(0xFEE01000U); /* a second one */
	mb_finish();
	expect_refused(t, "more than one local APIC address override");
}

TEST(acpi, madt_ioapics)
{
	char why[128] = "";

	mb_init();
	mb_lapic(0, 0, ACPI_MADT_ENABLED);
	mb_ioapic(0, 0xFEC00000U, 0);
	mb_ioapic(5, 0xFEC01000U, 24);
	mb_finish();
	ASSERT_OK(parse(why, sizeof(why)));
	ASSERT_EQ(info.ioapic_count, 2);
	EXPECT_EQ(info.ioapics[0].id, 0);
	EXPECT_EQ(info.ioapics[0].address, 0xFEC00000U);
	EXPECT_EQ(info.ioapics[0].gsi_base, 0);
	EXPECT_EQ(info.ioapics[1].id, 5);
	EXPECT_EQ(info.ioapics[1].address, 0xFEC01000U);
	EXPECT_EQ(info.ioapics[1].gsi_base, 24);

	for (uint8_t i = 2; i < ACPI_MAX_IOAPICS; i++) {
		mb_ioapic(i, 0xFEC00000U + i * 0x1000U, i * 24U);
	}
	mb_finish();
	ASSERT_OK(parse(why, sizeof(why)));
	EXPECT_EQ(info.ioapic_count, ACPI_MAX_IOAPICS);
	mb_ioapic(9, 0xFEC09000U, 9 * 24U);
	mb_finish();
	expect_refused(t, "more than 8 I/O APICs");
}

TEST(acpi, madt_other_types_skipped)
{
	char why[128] = "";
	uint8_t *e;

	mb_init();
	mb_lapic(0, 0, ACPI_MADT_ENABLED);
	e = mb_add(2, 10); /* interrupt source override: IRQ 0 -> GSI 2 */
	put_u32(e + 4, 2);
	e = mb_add(4, 6); /* local APIC NMI */
	e[2] = 0xFF;
	e[5] = 1;
	(void)mb_add(0x7F, 2);	/* unknown, only a header */
	(void)mb_add(0x80, 37); /* unknown, odd length */
	(void)mb_add(0x0B, 82); /* GICC: not for x86, skipped */
	mb_lapic(1, 1, ACPI_MADT_ENABLED);
	mb_finish();
	ASSERT_OK(parse(why, sizeof(why)));
	EXPECT_EQ(info.cpu_count, 2);
	expect_cpu(t, 1, 1, 1);
}

TEST(acpi, madt_unaligned_input)
{
	static uint8_t shifted[1 + 4 * 8 + MADT_HEADER_SIZE];
	char why[128] = "";

	mb_cpus(4);
	memcpy(shifted + 1, madt, madt_len);
	ASSERT_OK(acpi_parse_madt(shifted + 1, madt_len, &info, why,
				  sizeof(why)));
	EXPECT_EQ(info.cpu_count, 4);
}

TEST(acpi, madt_qemu_q35_4cpu)
{
	char why[128] = "";

	ASSERT_EQ(QEMU_MADT_SIZE, 144);
	ASSERT_OK(acpi_parse_madt(QEMU_MADT, QEMU_MADT_SIZE, &info, why,
				  sizeof(why)));
	EXPECT_EQ(info.lapic_address, LAPIC_DEFAULT);
	EXPECT_EQ(info.flags, ACPI_MADT_PCAT_COMPAT);
	ASSERT_EQ(info.cpu_count, 4);
	EXPECT_EQ(info.enabled_count, 4);
	for (uint32_t i = 0; i < 4; i++) {
		expect_cpu(t, i, i, i);
	}
	ASSERT_EQ(info.ioapic_count, 1);
	EXPECT_EQ(info.ioapics[0].id, 0);
	EXPECT_EQ(info.ioapics[0].address, 0xFEC00000U);
	EXPECT_EQ(info.ioapics[0].gsi_base, 0);
}

TEST(acpi, refuses_bad_signature)
{
	mb_cpus(1);
	put_str(madt, "AP\001C");
	fix_checksum(madt, madt_len, 9);
	expect_refused(t, "bad signature 'AP?C'");
}

TEST(acpi, refuses_bad_checksum)
{
	mb_cpus(2);
	madt[9]++;
	expect_refused(t, "bad checksum");
	mb_cpus(2);
	madt[madt_len - 1] ^= 0x40; /* flags of the last CPU */
	expect_refused(t, "bad checksum");
}

TEST(acpi, refuses_length_past_buffer)
{
	mb_cpus(2);
	expect_refused_size(t, madt_len - 1, "larger than the buffer");
	put_u32(madt + 4, 0xFFFFFFFFU);
	expect_refused(t, "larger than the buffer");
}

TEST(acpi, refuses_table_over_limit)
{
	mb_init();
	mb_lapic(0, 0, ACPI_MADT_ENABLED);
	while (madt_len + 12 <= ACPI_MAX_TABLE_SIZE + 100) {
		(void)mb_add(0x7F, 12);
	}
	mb_finish();
	expect_refused(t, "-byte limit");
	/* A table within the limit in a larger buffer is fine. */
	mb_cpus(2);
	char why[128] = "";

	EXPECT_OK(acpi_parse_madt(madt, sizeof(madt), &info, why, sizeof(why)));
}

TEST(acpi, refuses_truncated_header)
{
	mb_cpus(1);
	expect_refused_size(t, 35, "truncated header");
	expect_refused_size(t, 0, "truncated header");
	/* A whole SDT header, but no local APIC address and flags. */
	madt_len = 40;
	mb_finish();
	expect_refused(t, "no room for the local APIC address");
	put_u32(madt + 4, 20);
	fix_checksum(madt, 20, 9);
	expect_refused(t, "shorter than the header");
}

TEST(acpi, refuses_entry_past_end)
{
	mb_cpus(2);
	madt_len -= 3; /* cut the last entry short */
	mb_finish();
	expect_refused(t, "entry at offset 52 (type 0, length 8) runs past");
	mb_cpus(2);
	madt_len += 1; /* one stray byte: no room for a type and length */
	mb_finish();
	expect_refused(t, "entry at offset 60 runs past the end");
	mb_cpus(2);
	madt[53] = 0xFF; /* a length beyond the table */
	fix_checksum(madt, madt_len, 9);
	expect_refused(t, "runs past the end of the table");
}

TEST(acpi, refuses_entry_length_0_and_1)
{
	for (uint8_t len = 0; len < 2; len++) {
		mb_init();
		mb_lapic(0, 0, ACPI_MADT_ENABLED);
		(void)mb_add(0x7F, len);
		mb_lapic(1, 1, ACPI_MADT_ENABLED);
		mb_finish();
		expect_refused(t, "entry at offset 52 (type 127) has length");
		expect_refused(t, "less than 2");
	}
}

TEST(acpi, refuses_known_type_wrong_length)
{
	static const uint8_t types[][2] = { { 0, 8 },  { 1, 12 }, { 2, 10 },
					    { 3, 8 },  { 4, 6 },  { 5, 12 },
					    { 9, 16 }, { 10, 12 } };
	char word[64];

	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		for (int delta = -1; delta <= 1; delta += 2) {
			uint8_t len = (uint8_t)(types[i][1] + delta);

			mb_cpus(1);
			(void)mb_add(types[i][0], len);
			mb_finish();
			(void)snprintf(word, sizeof(word),
				       "type %u has length %u, expected %u",
				       types[i][0], len, types[i][1]);
			expect_refused(t, word);
		}
	}
}

TEST(acpi, refuses_duplicate_apic_id)
{
	mb_init();
	mb_lapic(0, 0, ACPI_MADT_ENABLED);
	mb_lapic(1, 7, ACPI_MADT_ENABLED);
	mb_lapic(2, 7, ACPI_MADT_ENABLED);
	mb_finish();
	expect_refused(t, "duplicate APIC ID 7 (entry at offset 60)");
	/* The same ID from a type 0 and a type 9 structure. */
	mb_init();
	mb_lapic(0, 0, ACPI_MADT_ENABLED);
	mb_x2apic(0, 1, ACPI_MADT_ONLINE_CAPABLE);
	mb_finish();
	expect_refused(t, "duplicate APIC ID 0");
}

TEST(acpi, cpu_limit)
{
	char why[128] = "";

	mb_init();
	for (uint32_t i = 0; i < ACPI_MAX_CPUS; i++) {
		mb_x2apic(i * 3, i, ACPI_MADT_ENABLED);
	}
	mb_lapic(0, 1, 0); /* disabled entries do not count */
	mb_finish();
	ASSERT_OK(parse(why, sizeof(why)));
	EXPECT_EQ(info.cpu_count, ACPI_MAX_CPUS);
	EXPECT_EQ(info.cpus[255].apic_id, 765);
	mb_x2apic(100000, 256, ACPI_MADT_ONLINE_CAPABLE);
	mb_finish();
	expect_refused(t, "more than 256 CPUs");
}

TEST(acpi, refuses_no_enabled_cpu)
{
	mb_init();
	mb_lapic(0, 0, ACPI_MADT_ONLINE_CAPABLE);
	mb_lapic(1, 1, 0);
	mb_finish();
	expect_refused(t, "no enabled CPU");
	mb_init();
	mb_finish();
	expect_refused(t, "no enabled CPU");
}

static uint8_t rsdp[64];

/** An RSDP of revision 2 with both checksums right. */
static void rsdp_v2(uint32_t length)
{
	memset(rsdp, 0, sizeof(rsdp));
	put_str(rsdp, "RSD PTR ");
	put_str(rsdp + 9, "CSVSM ");
	rsdp[15] = 2;
	put_u32(rsdp + 16, 0x7FE2000U);
	put_u32(rsdp + 20, length);
	put_u64(rsdp + 24, 0x100007FE3000ULL);
	for (uint32_t i = 36; i < length && i < sizeof(rsdp); i++) {
		rsdp[i] = (uint8_t)i;
	}
	fix_checksum(rsdp, 20, 8);
	fix_checksum(rsdp, length, 32);
}

static void expect_rsdp_refused(struct test_ctx *t, size_t size,
				const char *word)
{
	struct acpi_rsdp_info r = { .revision = 77 };
	char why[128] = "";

	EXPECT_ERR(acpi_parse_rsdp(rsdp, size, &r, why, sizeof(why)),
		   SVSM_ERR_INVAL);
	EXPECT_EQ(r.revision, 77);
	EXPECT_TRUE(strstr(why, word) != NULL);
	if (strstr(why, word) == NULL) {
		test_diag(t, "reason: %s", why);
	}
}

TEST(acpi, rsdp_revision_0_qemu)
{
	struct acpi_rsdp_info r;
	char why[128] = "";

	ASSERT_OK(acpi_parse_rsdp(QEMU_RSDP, sizeof(QEMU_RSDP), &r, why,
				  sizeof(why)));
	EXPECT_EQ(r.revision, 0);
	EXPECT_MEMEQ(r.oem_id, "BOCHS ", 6);
	EXPECT_EQ(r.rsdt_address, 0x7FE2353U);
	EXPECT_EQ(r.length, 20);
	EXPECT_EQ(r.xsdt_address, 0);

	memcpy(rsdp, QEMU_RSDP, sizeof(QEMU_RSDP));
	expect_rsdp_refused(t, 19, "truncated");
	rsdp[19] ^= 1;
	expect_rsdp_refused(t, 20, "bad checksum over the first 20 bytes");
	put_str(rsdp, "RSD PTR!");
	expect_rsdp_refused(t, 20, "bad signature");
	memcpy(rsdp, QEMU_RSDP, sizeof(QEMU_RSDP));
	memset(rsdp + 16, 0, 4);
	fix_checksum(rsdp, 20, 8);
	expect_rsdp_refused(t, 20, "no RSDT or XSDT address");
}

TEST(acpi, rsdp_revision_2)
{
	struct acpi_rsdp_info r;
	char why[128] = "";

	rsdp_v2(36);
	ASSERT_OK(acpi_parse_rsdp(rsdp, 36, &r, why, sizeof(why)));
	EXPECT_EQ(r.revision, 2);
	EXPECT_EQ(r.length, 36);
	EXPECT_EQ(r.rsdt_address, 0x7FE2000U);
	EXPECT_EQ(r.xsdt_address, 0x100007FE3000ULL);
	/* A longer length counts the extra bytes in the checksum. */
	rsdp_v2(48);
	ASSERT_OK(acpi_parse_rsdp(rsdp, sizeof(rsdp), &r, why, sizeof(why)));
	EXPECT_EQ(r.length, 48);
	rsdp[47] ^= 1;
	expect_rsdp_refused(t, sizeof(rsdp), "bad extended checksum");
}

TEST(acpi, rsdp_refuses_bad_checksums_and_lengths)
{
	rsdp_v2(36);
	rsdp[8]++; /* the first checksum */
	expect_rsdp_refused(t, 36, "bad checksum over the first 20 bytes");
	rsdp_v2(36);
	rsdp[32]++; /* the extended checksum */
	expect_rsdp_refused(t, 36, "bad extended checksum");
	rsdp_v2(36);
	rsdp[30] = 1; /* XSDT address, outside the first 20 bytes */
	expect_rsdp_refused(t, 36, "bad extended checksum");
	rsdp_v2(36);
	expect_rsdp_refused(t, 35, "revision 2 truncated");
	rsdp_v2(48);
	expect_rsdp_refused(t, 47, "length 48 larger than the buffer");
	rsdp_v2(35);
	expect_rsdp_refused(t, sizeof(rsdp), "length 35 shorter than 36");
}
