/*
 * Tests of the vTPM (2) and attestation (1) protocols through dispatch, with the real
 * vTPM service (Debian's libtpms) and native evidence: what the guest sees in its
 * registers and buffers for good and malformed calls.
 */
#include <openssl/evp.h>

#include "kernel/platform/native/report_native.h"
#include "kernel/services/vtpm/ek.h"
#include "kernel/services/vtpm/ram_store.h"
#include "kernel/services/vtpm/vtpm.h"
#include "svsm/abi/attest.h"
#include "svsm/abi/vtpm.h"
#include "tests/common/tpm_client.h"
#include "tests/unit/guest_fixture.h"
#include "tests/unit/harness.h"

#define PAGE 4096ull

static struct guest_fixture g;

static bool vtpm_up(void)
{
	vtpm_power_off();
	ram_store_clear();
	vtpm_ek_forget();
	return vtpm_power_on() == SVSM_OK && vtpm_ek_create(VTPM_EK_ECC_P256) == SVSM_OK;
}

/* Puts a TPM_SEND_COMMAND envelope with @cmd at @gpa. */
static void put_envelope(uint64_t gpa, uint8_t locality, const uint8_t *cmd, uint32_t size)
{
	memset((void *)(uintptr_t)gpa, 0, SVSM_VTPM_BUFFER_SIZE);
	tpm_client_put_envelope((void *)(uintptr_t)gpa, locality, cmd, size);
}

static const uint8_t startup_clear[] = {0x80, 0x01, 0, 0, 0, 12, 0, 0, 0x01, 0x44, 0, 0};
static const uint8_t get_random_8[] = {0x80, 0x01, 0, 0, 0, 12, 0, 0, 0x01, 0x7b, 0, 8};

TEST(vtpm_protocol, absent_when_tpm_off)
{
	guest_fixture_setup(&g);
	vtpm_power_off();
	EXPECT_EQ(guest_call(&g, SVSM_VTPM_PROTOCOL, SVSM_VTPM_QUERY, 0, 0, 0).rax,
		  SVSM_ERR_UNSUPPORTED_PROTOCOL);
	EXPECT_EQ(guest_call(&g, 0, SVSM_CORE_QUERY_PROTOCOL, 2ull << 32 | 1, 0, 0).rcx, 0);
}

TEST(vtpm_protocol, query_and_commands)
{
	struct svsm_call_regs r;
	uint64_t buf;
	const uint8_t *rsp;

	guest_fixture_setup(&g);
	ASSERT_TRUE(vtpm_up());
	buf = g.ram + 4 * PAGE;
	EXPECT_EQ(guest_call(&g, 0, SVSM_CORE_QUERY_PROTOCOL, 2ull << 32 | 1, 0, 0).rcx,
		  1ull << 32 | 1);
	r = guest_call(&g, SVSM_VTPM_PROTOCOL, SVSM_VTPM_QUERY, 0, 0, 0);
	EXPECT_EQ(r.rax, SVSM_SUCCESS);
	EXPECT_EQ(r.rcx, 1ull << 8);
	EXPECT_EQ(r.rdx, 0);

	put_envelope(buf, 0, startup_clear, sizeof(startup_clear));
	EXPECT_EQ(guest_call(&g, SVSM_VTPM_PROTOCOL, SVSM_VTPM_CMD, buf, 0, 0).rax, SVSM_SUCCESS);
	rsp = (const uint8_t *)(uintptr_t)buf;
	EXPECT_EQ(*(const uint32_t *)rsp, 10);
	EXPECT_EQ(tpm_be32(rsp + 4 + 6), 0); /* TPM_RC_SUCCESS */

	put_envelope(buf, 0, get_random_8, sizeof(get_random_8));
	EXPECT_EQ(guest_call(&g, SVSM_VTPM_PROTOCOL, SVSM_VTPM_CMD, buf, 0, 0).rax, SVSM_SUCCESS);
	EXPECT_EQ(*(const uint32_t *)rsp, 10 + 2 + 8);
	EXPECT_EQ(tpm_be32(rsp + 4 + 6), 0);
}

TEST(vtpm_protocol, malformed_envelopes)
{
	uint64_t buf;
	uint32_t cmd2 = 2;

	guest_fixture_setup(&g);
	ASSERT_TRUE(vtpm_up());
	buf = g.ram + 4 * PAGE;
	put_envelope(buf, 1, startup_clear, sizeof(startup_clear));
	EXPECT_EQ(guest_call(&g, SVSM_VTPM_PROTOCOL, SVSM_VTPM_CMD, buf, 0, 0).rax,
		  SVSM_ERR_INVALID_PARAMETER);
	put_envelope(buf, 0, startup_clear, sizeof(startup_clear));
	memcpy((void *)(uintptr_t)(buf + 5), &(uint32_t){11}, 4); /* disagrees with header */
	EXPECT_EQ(guest_call(&g, SVSM_VTPM_PROTOCOL, SVSM_VTPM_CMD, buf, 0, 0).rax,
		  SVSM_ERR_INVALID_PARAMETER);
	put_envelope(buf, 0, startup_clear, sizeof(startup_clear));
	memcpy((void *)(uintptr_t)buf, &cmd2, 4);
	EXPECT_EQ(guest_call(&g, SVSM_VTPM_PROTOCOL, SVSM_VTPM_CMD, buf, 0, 0).rax,
		  SVSM_ERR_UNSUPPORTED_CALL);
	EXPECT_EQ(guest_call(&g, SVSM_VTPM_PROTOCOL, SVSM_VTPM_CMD, g.svsm, 0, 0).rax,
		  SVSM_ERR_INVALID_ADDRESS);
	EXPECT_EQ(guest_call(&g, SVSM_VTPM_PROTOCOL, SVSM_VTPM_CMD, g.ram_end - 100, 0, 0).rax,
		  SVSM_ERR_INVALID_ADDRESS);
	EXPECT_EQ(guest_call(&g, SVSM_VTPM_PROTOCOL, 7, buf, 0, 0).rax, SVSM_ERR_UNSUPPORTED_CALL);
}

/* Lays out an ATTEST_SERVICES request in guest pages. */
static uint64_t put_attest_request(uint32_t manifest_size, uint32_t report_size)
{
	struct svsm_attest_services_req *req = (void *)(uintptr_t)(g.ram + 8 * PAGE);
	uint8_t *nonce = (uint8_t *)(uintptr_t)(g.ram + 9 * PAGE);

	for (unsigned i = 0; i < SVSM_ATTEST_NONCE_SIZE; i++) {
		nonce[i] = (uint8_t)(i * 7);
	}
	memset(req, 0, sizeof(*req));
	req->report_gpa = g.ram + 10 * PAGE;
	req->report_size = report_size;
	req->nonce_gpa = g.ram + 9 * PAGE;
	req->nonce_size = SVSM_ATTEST_NONCE_SIZE;
	req->manifest_gpa = g.ram + 12 * PAGE;
	req->manifest_size = manifest_size;
	return g.ram + 8 * PAGE;
}

TEST(attest_protocol, services_report_binds_manifest)
{
	struct svsm_call_regs r;
	const struct snp_attestation_report *rep;
	const uint8_t *manifest, *ek;
	uint8_t expect[64], pub[REPORT_NATIVE_PUBKEY_SIZE];
	uint32_t ek_size = 0;
	EVP_MD_CTX *md;

	guest_fixture_setup(&g);
	ASSERT_TRUE(vtpm_up());
	/* Too small: the sizes needed come back with INVALID_PARAMETER. */
	r = guest_call(&g, SVSM_ATTEST_PROTOCOL, SVSM_ATTEST_SERVICES, put_attest_request(16, 16), 0, 0);
	EXPECT_EQ(r.rax, SVSM_ERR_INVALID_PARAMETER);
	EXPECT_EQ(r.r8, sizeof(struct snp_attestation_report));
	EXPECT_EQ(r.rdx, 0);
	ASSERT_TRUE(r.rcx > 48 && r.rcx < PAGE);

	r = guest_call(&g, SVSM_ATTEST_PROTOCOL, SVSM_ATTEST_SERVICES, put_attest_request(PAGE, PAGE), 0, 0);
	ASSERT_EQ(r.rax, SVSM_SUCCESS);
	manifest = (const uint8_t *)(uintptr_t)(g.ram + 12 * PAGE);
	rep = (const struct snp_attestation_report *)(uintptr_t)(g.ram + 10 * PAGE);
	/* The manifest's first entry is the vTPM's EK, byte for byte (then the log's 8 bytes). */
	ek = vtpm_ek_public(&ek_size);
	ASSERT_TRUE(ek != NULL);
	EXPECT_EQ(r.rcx, 24 + 2 * 24 + ek_size + 8);
	EXPECT_MEMEQ(manifest + 72, ek, ek_size);
	/* REPORT_DATA = SHA-512(nonce || manifest). */
	md = EVP_MD_CTX_new();
	EVP_DigestInit_ex(md, EVP_sha512(), NULL);
	EVP_DigestUpdate(md, (const void *)(uintptr_t)(g.ram + 9 * PAGE), 64);
	EVP_DigestUpdate(md, manifest, r.rcx);
	EVP_DigestFinal_ex(md, expect, NULL);
	EVP_MD_CTX_free(md);
	EXPECT_MEMEQ(rep->report_data, expect, 64);
	ASSERT_EQ(report_native_public_key(pub), SVSM_OK);
	EXPECT_EQ(report_native_verify(rep, pub), SVSM_OK);
}

TEST(attest_protocol, hostile_requests)
{
	struct svsm_attest_services_req *req;
	uint64_t gpa;

	guest_fixture_setup(&g);
	ASSERT_TRUE(vtpm_up());
	gpa = put_attest_request(PAGE, PAGE);
	req = (void *)(uintptr_t)gpa;
	req->report_gpa = g.svsm;
	EXPECT_EQ(guest_call(&g, SVSM_ATTEST_PROTOCOL, SVSM_ATTEST_SERVICES, gpa, 0, 0).rax,
		  SVSM_ERR_INVALID_ADDRESS);
	gpa = put_attest_request(PAGE, PAGE);
	req->nonce_gpa = g.svsm + 64;
	EXPECT_EQ(guest_call(&g, SVSM_ATTEST_PROTOCOL, SVSM_ATTEST_SERVICES, gpa, 0, 0).rax,
		  SVSM_ERR_INVALID_ADDRESS);
	gpa = put_attest_request(PAGE, PAGE);
	req->nonce_size = 32;
	EXPECT_EQ(guest_call(&g, SVSM_ATTEST_PROTOCOL, SVSM_ATTEST_SERVICES, gpa, 0, 0).rax,
		  SVSM_ERR_INVALID_PARAMETER);
	gpa = put_attest_request(PAGE, PAGE);
	req->report_gpa += 8;
	EXPECT_EQ(guest_call(&g, SVSM_ATTEST_PROTOCOL, SVSM_ATTEST_SERVICES, gpa, 0, 0).rax,
		  SVSM_ERR_INVALID_PARAMETER);
	EXPECT_EQ(guest_call(&g, SVSM_ATTEST_PROTOCOL, SVSM_ATTEST_SERVICES, g.svsm, 0, 0).rax,
		  SVSM_ERR_INVALID_ADDRESS);
	EXPECT_EQ(guest_call(&g, SVSM_ATTEST_PROTOCOL, 5, gpa, 0, 0).rax, SVSM_ERR_UNSUPPORTED_CALL);
}
