/*
 * Tests of lib/acpi_tpm.c: the TPM2 table's fields and the SSDT's AML, decoded here byte by
 * byte the way an AML interpreter walks it (package lengths, names, the resource template),
 * and both checksums.
 */
#include <string.h>

#include "lib/acpi_tpm.h"
#include "tests/unit/harness.h"

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint8_t sum8(const uint8_t *p, size_t n)
{
	uint8_t s = 0;

	for (size_t i = 0; i < n; i++) {
		s = (uint8_t)(s + p[i]);
	}
	return s;
}

TEST(acpi_tpm, tpm2_table_fields)
{
	uint8_t t[128];

	EXPECT_EQ(acpi_tpm2_table(t, ACPI_TPM2_TABLE_SIZE - 1, 0xfed40040), 0u);
	ASSERT_EQ(acpi_tpm2_table(t, sizeof(t), 0xfed40040), ACPI_TPM2_TABLE_SIZE);
	EXPECT_EQ(memcmp(t, "TPM2", 4), 0);
	EXPECT_EQ(le32(t + 4), ACPI_TPM2_TABLE_SIZE);
	EXPECT_EQ(t[8], 4);
	EXPECT_EQ(sum8(t, ACPI_TPM2_TABLE_SIZE), 0);
	EXPECT_EQ(le32(t + 36), 0u);          /* platform class client, reserved */
	EXPECT_EQ(le32(t + 40), 0xfed40040u); /* control area */
	EXPECT_EQ(le32(t + 44), 0u);
	EXPECT_EQ(le32(t + 48), ACPI_TPM2_START_CRB);
	/* Linux's struct acpi_table_tpm2 is 52 bytes; without LAML/LASA (76) it takes the EFI log. */
	EXPECT_TRUE(ACPI_TPM2_TABLE_SIZE >= 52 && ACPI_TPM2_TABLE_SIZE < 76);
}

/* A one-byte PkgLength at @p: its value, which counts itself. */
static unsigned pkg(const uint8_t *p)
{
	EXPECT_EQ(p[0] & 0xc0, 0);
	return p[0];
}

TEST(acpi_tpm, ssdt_aml_walk)
{
	uint8_t t[ACPI_TPM_SSDT_SIZE];
	const uint8_t *p = t + ACPI_HEADER_SIZE;
	const uint8_t *end = t + ACPI_TPM_SSDT_SIZE;
	const uint8_t *dev_end;

	EXPECT_EQ(acpi_tpm_ssdt(t, sizeof(t) - 1, 0xfed40000, 0x5000), 0u);
	ASSERT_EQ(acpi_tpm_ssdt(t, sizeof(t), 0xfed40000, 0x5000), ACPI_TPM_SSDT_SIZE);
	EXPECT_EQ(memcmp(t, "SSDT", 4), 0);
	EXPECT_EQ(le32(t + 4), ACPI_TPM_SSDT_SIZE);
	EXPECT_EQ(sum8(t, ACPI_TPM_SSDT_SIZE), 0);
	/* Scope (\_SB_) spanning the rest of the table. */
	ASSERT_EQ(p[0], 0x10);
	EXPECT_EQ(p + 1 + pkg(p + 1), end);
	EXPECT_EQ(memcmp(p + 2, "\\_SB_", 5), 0);
	p += 7;
	/* Device (TPM_) spanning the rest of the scope. */
	ASSERT_EQ(p[0], 0x5b);
	ASSERT_EQ(p[1], 0x82);
	dev_end = p + 2 + pkg(p + 2);
	EXPECT_EQ(dev_end, end);
	EXPECT_EQ(memcmp(p + 3, "TPM_", 4), 0);
	p += 7;
	/* Name (_HID, "MSFT0101") */
	EXPECT_EQ(p[0], 0x08);
	EXPECT_EQ(memcmp(p + 1, "_HID", 4), 0);
	EXPECT_EQ(p[5], 0x0d);
	EXPECT_EQ(memcmp(p + 6, "MSFT0101", 9), 0);
	p += 15;
	/* Name (_STA, 0x0f) */
	EXPECT_EQ(p[0], 0x08);
	EXPECT_EQ(memcmp(p + 1, "_STA", 4), 0);
	EXPECT_EQ(p[5], 0x0a);
	EXPECT_EQ(p[6], 0x0f);
	p += 7;
	/* Name (_CRS, Buffer (14) { Memory32Fixed (ReadWrite, base, size), EndTag }) */
	EXPECT_EQ(p[0], 0x08);
	EXPECT_EQ(memcmp(p + 1, "_CRS", 4), 0);
	ASSERT_EQ(p[5], 0x11);
	EXPECT_EQ(p + 6 + pkg(p + 6), end);
	EXPECT_EQ(p[7], 0x0a);
	EXPECT_EQ(p[8], 14);
	EXPECT_EQ(p[9], 0x86);
	EXPECT_EQ(p[10] | p[11] << 8, 9);
	EXPECT_EQ(p[12], 1);
	EXPECT_EQ(le32(p + 13), 0xfed40000u);
	EXPECT_EQ(le32(p + 17), 0x5000u);
	EXPECT_EQ(p[21], 0x79);
	EXPECT_EQ(p + 23, end);
}

TEST(acpi_tpm, checksum_of_changed_table)
{
	uint8_t t[ACPI_TPM2_TABLE_SIZE];

	ASSERT_EQ(acpi_tpm2_table(t, sizeof(t), 0x1234), ACPI_TPM2_TABLE_SIZE);
	t[50] ^= 0x55;
	EXPECT_NE(sum8(t, sizeof(t)), 0);
	acpi_table_checksum(t);
	EXPECT_EQ(sum8(t, sizeof(t)), 0);
}
