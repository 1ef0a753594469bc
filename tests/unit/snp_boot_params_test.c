/*
 * SNP boot data from the IGVM boot parameter page (kernel/init/boot_info.c,
 * boot_info_snp_from_params()): the SVSM's CPUID and secrets pages must be page aligned and
 * inside the SVSM region; OVMF's SEV pages are taken only when the builder flagged them.
 */
#include <stdlib.h>

#include "svsm/abi/boot_params.h"

#include "kernel/init/boot_info.h"
#include "tests/unit/harness.h"
#include <string.h>

static struct svsm_boot_params *snp_params(void)
{
	struct svsm_boot_params *bp = calloc(1, sizeof(*bp));

	bp->magic = SVSM_BOOT_PARAMS_MAGIC;
	bp->version = SVSM_BOOT_PARAMS_VERSION;
	bp->platform = SVSM_BOOT_PLATFORM_SEV_SNP;
	bp->svsm_region_gpa = 0x800000;
	bp->svsm_region_size = 0x700000;
	bp->secrets_page_gpa = 0xe03000;
	bp->cpuid_page_gpa = 0xe04000;
	bp->flags = SVSM_BOOT_FLAG_FIRMWARE | SVSM_BOOT_FLAG_FW_SEV_META;
	bp->fw_secrets_gpa = 0x80d000;
	bp->fw_cpuid_gpa = 0x80e000;
	bp->fw_caa_gpa = 0x80f000;
	bp->fw_reset_eip = 0xfffff000;
	return bp;
}

TEST(snp_boot_params, snp_pages_and_firmware_sev_pages)
{
	struct svsm_boot_params *bp = snp_params();

	memset(&boot_info.snp, 0, sizeof(boot_info.snp));
	ASSERT_TRUE(boot_info_snp_from_params(bp));
	EXPECT_EQ(boot_info.snp.platform, SVSM_BOOT_PLATFORM_SEV_SNP);
	EXPECT_EQ(boot_info.snp.secrets_page_gpa, 0xe03000);
	EXPECT_EQ(boot_info.snp.cpuid_page_gpa, 0xe04000);
	EXPECT_EQ(boot_info.snp.fw_caa_gpa, 0x80f000);
	EXPECT_EQ(boot_info.snp.fw_reset_eip, 0xfffff000);
	/* Without the SEV-metadata flag the firmware's pages are not taken. */
	bp->flags = SVSM_BOOT_FLAG_FIRMWARE;
	ASSERT_TRUE(boot_info_snp_from_params(bp));
	EXPECT_EQ(boot_info.snp.fw_caa_gpa, 0);
	EXPECT_EQ(boot_info.snp.fw_secrets_gpa, 0);
	free(bp);
}

TEST(snp_boot_params, misplaced_pages_are_refused)
{
	struct svsm_boot_params *bp = snp_params();

	memset(&boot_info.snp, 0, sizeof(boot_info.snp));
	bp->secrets_page_gpa = 0xe00000 + 0x800000; /* outside the SVSM region */
	EXPECT_FALSE(boot_info_snp_from_params(bp));
	bp->svsm_region_size = 0x6ff800; /* region ends inside the page */
	bp->secrets_page_gpa = 0xeff000;
	EXPECT_FALSE(boot_info_snp_from_params(bp));
	bp->svsm_region_size = 0x700000;
	bp->secrets_page_gpa = 0xe03000;
	bp->fw_caa_gpa = 0x80f010; /* not page aligned */
	EXPECT_FALSE(boot_info_snp_from_params(bp));
	EXPECT_EQ(boot_info.snp.platform, 0); /* nothing was taken */
	/* A region whose end wraps past 2^64 must not let a page at the top through. */
	bp->fw_caa_gpa = 0x80f000;
	bp->svsm_region_gpa = 0xFFFFFFFFFFFF0000ull;
	bp->svsm_region_size = 0x20000;
	bp->secrets_page_gpa = bp->cpuid_page_gpa = 0xFFFFFFFFFFFFF000ull;
	EXPECT_FALSE(boot_info_snp_from_params(bp));
	bp->svsm_region_size = 0x10000; /* ends exactly at 2^64: fine in principle, */
	EXPECT_FALSE(boot_info_snp_from_params(bp)); /* but the end is not representable */
	bp->svsm_region_size = 0xF000;
	bp->secrets_page_gpa = bp->cpuid_page_gpa = 0xFFFFFFFFFFFFE000ull;
	EXPECT_TRUE(boot_info_snp_from_params(bp));
	memset(&boot_info.snp, 0, sizeof(boot_info.snp));
	bp->svsm_region_gpa = 0x800000;
	bp->svsm_region_size = 0x700000;
	bp->secrets_page_gpa = 0xe03000;
	bp->cpuid_page_gpa = 0xe04000;
	/* A native page needs no SNP pages. */
	bp->fw_caa_gpa = 0x80f000;
	bp->platform = SVSM_BOOT_PLATFORM_NATIVE;
	bp->secrets_page_gpa = bp->cpuid_page_gpa = 0;
	EXPECT_TRUE(boot_info_snp_from_params(bp));
	free(bp);
}
