/*
 * Tests of kernel/services/attest/manifest.c: the services manifest layout with the
 * vTPM EK entry and the log service's debug switch, single-service manifests, too-small
 * buffers, and REPORT_DATA.
 */
#include "kernel/services/attest/manifest.h"

#include <openssl/evp.h>

#include "kernel/lib/log.h"
#include "kernel/services/vtpm/ek.h"
#include "kernel/services/vtpm/ram_store.h"
#include "kernel/services/vtpm/vtpm.h"
#include "svsm/abi/log.h"
#include "tests/unit/harness.h"

static uint8_t mbuf[4096];

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) |
	       ((uint32_t)p[3] << 24);
}

static bool with_ek(enum vtpm_ek_type type)
{
	vtpm_power_off();
	ram_store_clear();
	vtpm_ek_forget();
	return vtpm_power_on() == SVSM_OK && vtpm_ek_create(type) == SVSM_OK;
}

TEST(attest_manifest, guid_byte_order)
{
	const struct svsm_guid m = SVSM_ATTEST_MANIFEST_GUID;
	const uint8_t want[16] = { 0xbb, 0x9e, 0x84, 0x63, 0x92, 0x3d, 0x70, 0x46,
				   0xa1, 0xff, 0x58, 0xf9, 0xc9, 0x4b, 0x87, 0xbb };
	const struct svsm_guid v = SVSM_ATTEST_VTPM_GUID;
	const uint8_t want_v[16] = { 0xeb, 0xf1, 0x76, 0xc4, 0x23, 0x01, 0xa5, 0x45,
				     0x96, 0x41, 0xb4, 0xe7, 0xdd, 0xe5, 0xbf, 0xe3 };

	EXPECT_MEMEQ(m.bytes, want, 16);
	EXPECT_MEMEQ(v.bytes, want_v, 16);
}

TEST(attest_manifest, services_layout_with_vtpm_ek)
{
	const struct svsm_guid m = SVSM_ATTEST_MANIFEST_GUID;
	const struct svsm_guid v = SVSM_ATTEST_VTPM_GUID;
	uint32_t size = 0;
	uint32_t ek_size = 0;
	const uint8_t *ek = NULL;

	ASSERT_TRUE(with_ek(VTPM_EK_ECC_P256));
	ek = vtpm_ek_public(&ek_size);
	ASSERT_TRUE(ek != NULL);
	ASSERT_EQ(manifest_build_services(mbuf, sizeof(mbuf), &size), SVSM_OK);
	ASSERT_EQ(size, 24 + 2 * 24 + ek_size + 8);
	EXPECT_MEMEQ(mbuf, m.bytes, 16);
	EXPECT_EQ(le32(mbuf + 16), size);	/* total size */
	EXPECT_EQ(le32(mbuf + 20), 2);	/* entry count: vTPM, log */
	EXPECT_MEMEQ(mbuf + 24, v.bytes, 16);
	EXPECT_EQ(le32(mbuf + 40), 72);	/* data offset from manifest start */
	EXPECT_EQ(le32(mbuf + 44), ek_size);
	EXPECT_MEMEQ(mbuf + 72, ek, ek_size);
}

/* The log service's entry: debug off at boot, then on, then off but "was on". */
TEST(attest_manifest, log_entry_reports_debug_switch)
{
	const struct svsm_guid l = SVSM_LOG_MANIFEST_GUID;
	const uint8_t want_l[16] = { 0x9d, 0xf5, 0x7d, 0x67, 0xd1, 0x77, 0xc4, 0x4f,
				     0x8e, 0x04, 0xa3, 0x98, 0x64, 0x74, 0x33, 0x30 };
	uint32_t size = 0;
	bool old = log_set_debug(false);
	enum log_level old_level = log_get_level();

	log_set_level(LOG_HOST); /* the flags below are exactly the debug switch's */
	EXPECT_MEMEQ(l.bytes, want_l, 16);
	vtpm_ek_forget();
	ASSERT_EQ(manifest_build_services(mbuf, sizeof(mbuf), &size), SVSM_OK);
	ASSERT_EQ(size, 24 + 24 + 8);
	EXPECT_EQ(le32(mbuf + 20), 1);
	EXPECT_MEMEQ(mbuf + 24, l.bytes, 16);
	EXPECT_EQ(le32(mbuf + 40), 48);
	EXPECT_EQ(le32(mbuf + 44), 8);
	EXPECT_EQ(le32(mbuf + 48), SVSM_LOG_MANIFEST_VERSION);
	EXPECT_EQ(le32(mbuf + 52) & SVSM_LOG_MANIFEST_DEBUG_ON, 0);
	log_set_debug(true);
	ASSERT_EQ(manifest_build_single(&l, mbuf, sizeof(mbuf), &size), SVSM_OK);
	ASSERT_EQ(size, 8);
	EXPECT_EQ(le32(mbuf + 4), SVSM_LOG_MANIFEST_DEBUG_ON | SVSM_LOG_MANIFEST_DEBUG_WAS_ON);
	log_set_debug(false);
	ASSERT_EQ(manifest_build_single(&l, mbuf, sizeof(mbuf), &size), SVSM_OK);
	EXPECT_EQ(le32(mbuf + 4), SVSM_LOG_MANIFEST_DEBUG_WAS_ON);
	log_set_debug(old);
	log_set_level(old_level);
}

/*
 * The console level is the host's choice (`log=` on the command line): any level above
 * `host` shows the host leveled lines, and the entry says so whatever the debug switch.
 */
TEST(attest_manifest, log_entry_reports_console_level)
{
	const struct svsm_guid l = SVSM_LOG_MANIFEST_GUID;
	enum log_level old_level = log_get_level();
	bool old = log_set_debug(false);
	uint32_t size = 0;

	log_set_level(LOG_HOST);
	ASSERT_EQ(manifest_build_single(&l, mbuf, sizeof(mbuf), &size), SVSM_OK);
	EXPECT_EQ(le32(mbuf + 4) & SVSM_LOG_MANIFEST_CONSOLE_LEVELED, 0);
	for (int lv = LOG_ERROR; lv <= LOG_DEBUG; lv++) {
		log_set_level((enum log_level)lv);
		ASSERT_EQ(manifest_build_single(&l, mbuf, sizeof(mbuf), &size), SVSM_OK);
		EXPECT_EQ(le32(mbuf + 4) & SVSM_LOG_MANIFEST_CONSOLE_LEVELED,
			  SVSM_LOG_MANIFEST_CONSOLE_LEVELED);
	}
	log_set_level(old_level);
	log_set_debug(old);
}

TEST(attest_manifest, services_too_small_reports_size)
{
	uint32_t size = 0;

	ASSERT_TRUE(with_ek(VTPM_EK_RSA_2048));
	EXPECT_EQ(manifest_build_services(mbuf, 100, &size), SVSM_E_INVALID_PARAM);
	EXPECT_EQ(size, 72 + 314 + 8);
	EXPECT_EQ(manifest_build_services(NULL, 0, &size), SVSM_E_INVALID_PARAM);
	EXPECT_EQ(size, 72 + 314 + 8);
	EXPECT_EQ(manifest_build_services(mbuf, 72 + 314 + 8 - 1, &size), SVSM_E_INVALID_PARAM);
	EXPECT_EQ(manifest_build_services(mbuf, 72 + 314 + 8, &size), SVSM_OK);
}

TEST(attest_manifest, only_log_without_ek)
{
	uint32_t size = 0;

	vtpm_ek_forget();
	ASSERT_EQ(manifest_build_services(mbuf, sizeof(mbuf), &size), SVSM_OK);
	EXPECT_EQ(size, 24 + 24 + 8);
	EXPECT_EQ(le32(mbuf + 20), 1);
}

TEST(attest_manifest, single_vtpm_is_ek_public)
{
	const struct svsm_guid v = SVSM_ATTEST_VTPM_GUID;
	const struct svsm_guid other = SVSM_ATTEST_MANIFEST_GUID;
	uint32_t size = 0;
	uint32_t ek_size = 0;
	const uint8_t *ek = NULL;

	ASSERT_TRUE(with_ek(VTPM_EK_ECC_P256));
	ek = vtpm_ek_public(&ek_size);
	ASSERT_EQ(manifest_build_single(&v, mbuf, sizeof(mbuf), &size), SVSM_OK);
	ASSERT_EQ(size, ek_size);
	EXPECT_MEMEQ(mbuf, ek, ek_size);
	EXPECT_EQ(manifest_build_single(&v, mbuf, 10, &size), SVSM_E_INVALID_PARAM);
	EXPECT_EQ(size, ek_size);
	EXPECT_EQ(manifest_build_single(&other, mbuf, sizeof(mbuf), &size), SVSM_E_UNSUPPORTED);
}

TEST(attest_manifest, report_data_is_sha512_of_nonce_and_manifest)
{
	uint8_t nonce[64];
	uint8_t rd[64];
	uint8_t want[64];
	uint8_t cat[64 + 200];
	unsigned int len = 0;
	int i;

	for (i = 0; i < 64; i++) {
		nonce[i] = (uint8_t)i;
	}
	for (i = 0; i < 200; i++) {
		mbuf[i] = (uint8_t)(0xa5 ^ i);
	}
	memcpy(cat, nonce, 64);
	memcpy(cat + 64, mbuf, 200);
	ASSERT_EQ(EVP_Digest(cat, sizeof(cat), want, &len, EVP_sha512(), NULL), 1);
	ASSERT_EQ(manifest_report_data(nonce, mbuf, 200, rd), SVSM_OK);
	EXPECT_MEMEQ(rd, want, 64);
	/* Known answer for an empty manifest and a zero nonce: SHA-512 of 64 zero bytes. */
	memset(nonce, 0, sizeof(nonce));
	ASSERT_EQ(manifest_report_data(nonce, NULL, 0, rd), SVSM_OK);
	EXPECT_EQ(rd[0], 0x7b);
	EXPECT_EQ(rd[1], 0xe9);
	EXPECT_EQ(rd[63], 0x81);	/* sha512sum of 64 zero bytes: 7be9...0081 */
}
