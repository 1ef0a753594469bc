/*
 * Tests of kernel/platform/native/report_native.c: the native report's layout and
 * markings, its ECDSA P-384 signature verifying, and tampering being detected.
 */
#include "kernel/platform/native/report_native.h"

#include "tests/unit/harness.h"

static struct snp_attestation_report rep;

static void fill(uint8_t *p, size_t n, uint8_t seed)
{
	size_t i;

	for (i = 0; i < n; i++) {
		p[i] = (uint8_t)(seed + i);
	}
}

TEST(attest_report, layout_and_markings)
{
	uint8_t rd[64];
	uint8_t meas[48];
	const uint8_t *raw = (const uint8_t *)&rep;
	size_t i;
	uint8_t acc = 0;

	fill(rd, sizeof(rd), 1);
	fill(meas, sizeof(meas), 100);
	ASSERT_EQ(report_native_init(), SVSM_OK);
	ASSERT_EQ(report_native_get(rd, meas, 2, &rep), SVSM_OK);
	EXPECT_EQ(sizeof(rep), 0x4a0);
	EXPECT_EQ(raw[0], 2);	/* version */
	EXPECT_EQ(raw[0x30], 2);	/* vmpl */
	EXPECT_EQ(rep.signature_algo, SVSM_SIG_ALGO_NATIVE_ECDSA_P384_SHA384);
	EXPECT_NE(rep.signature_algo, SNP_SIG_ALGO_ECDSA_P384_SHA384);
	EXPECT_EQ(raw[0x47], 0x80);	/* platform_info bit 63: not hardware-rooted */
	EXPECT_MEMEQ(raw + 0x50, rd, 64);
	EXPECT_MEMEQ(raw + 0x90, meas, 48);
	for (i = 0x1a0; i < 0x1e0; i++) {
		acc |= raw[i];	/* no chip ID */
	}
	EXPECT_EQ(acc, 0);
	for (i = 0x330; i < 0x4a0; i++) {
		acc |= raw[i];	/* signature area beyond r and s stays zero */
	}
	EXPECT_EQ(acc, 0);
}

TEST(attest_report, signature_verifies)
{
	uint8_t rd[64] = { 7 };
	uint8_t meas[48] = { 9 };
	uint8_t pub[REPORT_NATIVE_PUBKEY_SIZE];

	ASSERT_EQ(report_native_init(), SVSM_OK);
	ASSERT_EQ(report_native_public_key(pub), SVSM_OK);
	EXPECT_EQ(pub[0], 0x04);
	ASSERT_EQ(report_native_get(rd, meas, 0, &rep), SVSM_OK);
	EXPECT_EQ(report_native_verify(&rep, pub), SVSM_OK);
	/* r and s are little-endian P-384 scalars: the top 24 bytes of 72 are zero. */
	EXPECT_EQ(rep.sig_r[71] | rep.sig_r[48] | rep.sig_s[71] | rep.sig_s[48], 0);
}

TEST(attest_report, tampering_detected)
{
	uint8_t rd[64] = { 1 };
	uint8_t meas[48] = { 2 };
	uint8_t pub[REPORT_NATIVE_PUBKEY_SIZE];
	struct snp_attestation_report bad;

	ASSERT_EQ(report_native_init(), SVSM_OK);
	ASSERT_EQ(report_native_public_key(pub), SVSM_OK);
	ASSERT_EQ(report_native_get(rd, meas, 0, &rep), SVSM_OK);
	bad = rep;
	bad.report_data[5] ^= 1;
	EXPECT_EQ(report_native_verify(&bad, pub), SVSM_E_CRYPTO);
	bad = rep;
	bad.measurement[47] ^= 0x80;
	EXPECT_EQ(report_native_verify(&bad, pub), SVSM_E_CRYPTO);
	bad = rep;
	bad.sig_s[0] ^= 1;
	EXPECT_EQ(report_native_verify(&bad, pub), SVSM_E_CRYPTO);
	bad = rep;
	bad.signature_algo = SNP_SIG_ALGO_ECDSA_P384_SHA384;	/* posing as AMD-signed */
	EXPECT_EQ(report_native_verify(&bad, pub), SVSM_E_FORMAT);
	pub[20] ^= 1;	/* another key (or not a point at all) */
	EXPECT_NE(report_native_verify(&rep, pub), SVSM_OK);
}

TEST(attest_report, key_is_per_instance)
{
	uint8_t a[REPORT_NATIVE_PUBKEY_SIZE];
	uint8_t b[REPORT_NATIVE_PUBKEY_SIZE];
	uint8_t rd[64] = { 0 };
	uint8_t meas[48] = { 0 };

	ASSERT_EQ(report_native_init(), SVSM_OK);
	ASSERT_EQ(report_native_public_key(a), SVSM_OK);
	ASSERT_EQ(report_native_get(rd, meas, 0, &rep), SVSM_OK);
	report_native_fini();
	EXPECT_EQ(report_native_get(rd, meas, 0, &rep), SVSM_E_INVALID_REQUEST);
	ASSERT_EQ(report_native_init(), SVSM_OK);
	ASSERT_EQ(report_native_public_key(b), SVSM_OK);
	EXPECT_TRUE(memcmp(a, b, sizeof(a)) != 0);
	report_native_fini();
}
