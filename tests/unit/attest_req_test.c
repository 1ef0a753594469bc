/*
 * Tests of kernel/protocols/attest_req.c: ATTEST_SERVICES / ATTEST_SINGLE_SERVICE
 * request decoding and every rejection.
 */
#include "kernel/protocols/attest_req.h"

#include "tests/unit/harness.h"

static struct svsm_attest_single_req good(void)
{
	struct svsm_attest_single_req r;
	const struct svsm_guid vtpm = SVSM_ATTEST_VTPM_GUID;

	memset(&r, 0, sizeof(r));
	r.base.report_gpa = 0x100000;
	r.base.report_size = 4096;
	r.base.nonce_gpa = 0x101fc0;	/* last 64 bytes of a page: allowed */
	r.base.nonce_size = 64;
	r.base.manifest_gpa = 0x102000;
	r.base.manifest_size = 4096;
	r.base.cert_gpa = 0x200000;
	r.base.cert_size = 0x4000;
	r.service_guid = vtpm;
	return r;
}

static enum svsm_err decode(uint32_t call, const struct svsm_attest_single_req *r,
			    struct attest_req *out)
{
	return attest_req_decode(call, (const uint8_t *)r, attest_req_size(call), out);
}

TEST(attest_req, sizes)
{
	EXPECT_EQ(attest_req_size(SVSM_ATTEST_SERVICES), 0x40);
	EXPECT_EQ(attest_req_size(SVSM_ATTEST_SINGLE_SERVICE), 0x58);
	EXPECT_EQ(attest_req_size(2), 0);
}

TEST(attest_req, good_services)
{
	struct svsm_attest_single_req r = good();
	struct attest_req out;

	ASSERT_EQ(decode(SVSM_ATTEST_SERVICES, &r, &out), SVSM_OK);
	EXPECT_EQ(out.call, SVSM_ATTEST_SERVICES);
	EXPECT_EQ(gpa_addr(out.report_gpa), 0x100000);
	EXPECT_EQ(out.report_size, 4096);
	EXPECT_EQ(gpa_addr(out.nonce_gpa), 0x101fc0);
	EXPECT_EQ(gpa_addr(out.manifest_gpa), 0x102000);
	EXPECT_EQ(out.cert_size, 0x4000);
	/* A services request carries no GUID even if the bytes after 0x40 hold one. */
	EXPECT_EQ(out.service_guid.bytes[0], 0);
}

TEST(attest_req, good_single)
{
	struct svsm_attest_single_req r = good();
	struct attest_req out;
	const struct svsm_guid vtpm = SVSM_ATTEST_VTPM_GUID;

	ASSERT_EQ(decode(SVSM_ATTEST_SINGLE_SERVICE, &r, &out), SVSM_OK);
	EXPECT_MEMEQ(&out.service_guid, &vtpm, 16);
	EXPECT_EQ(out.service_guid.bytes[0], 0xeb);	/* c476f1eb, little-endian first field */
	EXPECT_EQ(out.service_guid.bytes[3], 0xc4);
}

TEST(attest_req, no_certificates_any_gpa)
{
	struct svsm_attest_single_req r = good();
	struct attest_req out;

	r.base.cert_gpa = 0x123;	/* ignored when the size is 0 */
	r.base.cert_size = 0;
	EXPECT_EQ(decode(SVSM_ATTEST_SERVICES, &r, &out), SVSM_OK);
}

TEST(attest_req, unknown_call)
{
	struct svsm_attest_single_req r = good();
	struct attest_req out;

	EXPECT_EQ(attest_req_decode(2, (const uint8_t *)&r, sizeof(r), &out), SVSM_E_UNSUPPORTED);
	EXPECT_EQ(attest_req_decode(0xffffffff, (const uint8_t *)&r, sizeof(r), &out),
		  SVSM_E_UNSUPPORTED);
}

TEST(attest_req, short_buffer)
{
	struct svsm_attest_single_req r = good();
	struct attest_req out;

	EXPECT_EQ(attest_req_decode(SVSM_ATTEST_SERVICES, (const uint8_t *)&r, 0x3f, &out),
		  SVSM_E_INVALID_PARAM);
	EXPECT_EQ(attest_req_decode(SVSM_ATTEST_SINGLE_SERVICE, (const uint8_t *)&r, 0x40, &out),
		  SVSM_E_INVALID_PARAM);
	EXPECT_EQ(attest_req_decode(SVSM_ATTEST_SERVICES, NULL, 0x40, &out), SVSM_E_INVALID_PARAM);
}

TEST(attest_req, misaligned_buffers)
{
	struct svsm_attest_single_req r;
	struct attest_req out;

	r = good();
	r.base.report_gpa += 8;
	EXPECT_EQ(decode(SVSM_ATTEST_SERVICES, &r, &out), SVSM_E_INVALID_PARAM);
	r = good();
	r.base.manifest_gpa += 0x800;
	EXPECT_EQ(decode(SVSM_ATTEST_SERVICES, &r, &out), SVSM_E_INVALID_PARAM);
	r = good();
	r.base.cert_gpa += 1;
	EXPECT_EQ(decode(SVSM_ATTEST_SINGLE_SERVICE, &r, &out), SVSM_E_INVALID_PARAM);
}

TEST(attest_req, nonce_size_and_page_crossing)
{
	struct svsm_attest_single_req r;
	struct attest_req out;
	const uint16_t sizes[] = { 0, 32, 63, 65, 128, 0xffff };
	size_t i;

	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		r = good();
		r.base.nonce_size = sizes[i];
		EXPECT_EQ(decode(SVSM_ATTEST_SERVICES, &r, &out), SVSM_E_INVALID_PARAM);
	}
	r = good();
	r.base.nonce_gpa = 0x101fc1;	/* 64 bytes from here cross into the next page */
	EXPECT_EQ(decode(SVSM_ATTEST_SERVICES, &r, &out), SVSM_E_INVALID_PARAM);
	r = good();
	r.base.nonce_gpa = 0x101001;	/* unaligned but inside one page: fine */
	EXPECT_EQ(decode(SVSM_ATTEST_SERVICES, &r, &out), SVSM_OK);
}

TEST(attest_req, linux_u32_nonce_size_accepted)
{
	struct svsm_attest_single_req r = good();
	struct attest_req out;
	uint32_t n = 64;

	/* Linux writes a u32 at 0x18; its upper half overlaps COCONUT's reserved bytes. */
	memcpy((uint8_t *)&r + 0x18, &n, 4);
	EXPECT_EQ(decode(SVSM_ATTEST_SERVICES, &r, &out), SVSM_OK);
	n = 0x10040;
	memcpy((uint8_t *)&r + 0x18, &n, 4);
	EXPECT_EQ(decode(SVSM_ATTEST_SERVICES, &r, &out), SVSM_E_INVALID_PARAM);
}

TEST(attest_req, reserved_bytes_must_be_zero)
{
	const size_t offs[] = { 0x0c, 0x0f, 0x1a, 0x1f, 0x2c, 0x2f, 0x3c, 0x3f, 0x54, 0x57 };
	struct svsm_attest_single_req r;
	struct attest_req out;
	size_t i;

	for (i = 0; i < sizeof(offs) / sizeof(offs[0]); i++) {
		r = good();
		((uint8_t *)&r)[offs[i]] = 1;
		EXPECT_EQ(decode(SVSM_ATTEST_SINGLE_SERVICE, &r, &out), SVSM_E_INVALID_PARAM);
	}
	/* Bytes past 0x40 are not part of a services request. */
	r = good();
	((uint8_t *)&r)[0x54] = 1;
	EXPECT_EQ(decode(SVSM_ATTEST_SERVICES, &r, &out), SVSM_OK);
}

TEST(attest_req, manifest_version_must_be_zero)
{
	struct svsm_attest_single_req r = good();
	struct attest_req out;

	r.manifest_version = 1;
	EXPECT_EQ(decode(SVSM_ATTEST_SINGLE_SERVICE, &r, &out), SVSM_E_INVALID_PARAM);
}

TEST(attest_req, buffers_wrapping_address_space)
{
	struct svsm_attest_single_req r;
	struct attest_req out;

	r = good();
	r.base.report_gpa = 0xfffffffffffff000ull;
	r.base.report_size = 0x2000;
	EXPECT_EQ(decode(SVSM_ATTEST_SERVICES, &r, &out), SVSM_E_INVALID_ADDRESS);
	r = good();
	r.base.report_gpa = 0xfffffffffffff000ull;
	r.base.report_size = 0x1000;	/* ends exactly at the top: no wrap */
	EXPECT_EQ(decode(SVSM_ATTEST_SERVICES, &r, &out), SVSM_OK);
	r = good();
	r.base.manifest_gpa = 0xffffffffffffe000ull;
	r.base.manifest_size = 0xffffffff;
	EXPECT_EQ(decode(SVSM_ATTEST_SERVICES, &r, &out), SVSM_E_INVALID_ADDRESS);
	r = good();
	r.base.cert_gpa = 0xfffffffffffff000ull;
	r.base.cert_size = 0x2000;
	EXPECT_EQ(decode(SVSM_ATTEST_SERVICES, &r, &out), SVSM_E_INVALID_ADDRESS);
}
