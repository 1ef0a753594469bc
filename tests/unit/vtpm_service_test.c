/*
 * End-to-end tests of the vTPM service in-process (kernel/services/vtpm with Debian's
 * libtpms): manufacture, TPM2_Startup, GetRandom, PCR_Extend/PCR_Read (value checked
 * against OpenSSL), CreatePrimary, the cached EK against CreatePrimary and ReadPublic,
 * state kept across power cycles, and the SVSM envelope path.
 */
#include "kernel/services/vtpm/vtpm.h"

#include <openssl/evp.h>

#include "kernel/protocols/vtpm_envelope.h"
#include "kernel/services/vtpm/ek.h"
#include "kernel/services/vtpm/ram_store.h"
#include "svsm/abi/vtpm.h"
#include "tests/common/tpm_client.h"
#include "tests/unit/harness.h"

/* The shared test TPM client (tests/common/tpm_client.c) runs commands straight in-process. */
bool tpm_client_transport(uint8_t *cmd, uint32_t len, const uint8_t **rsp, uint32_t *rsp_size)
{
	return vtpm_run(0, cmd, len, rsp, rsp_size) == SVSM_OK;
}

/* Power off, forget all state, power on: a freshly manufactured TPM. */
static bool fresh_tpm(void)
{
	vtpm_power_off();
	ram_store_clear();
	vtpm_ek_forget();
	return vtpm_power_on() == SVSM_OK;
}

static uint32_t create_primary_ek(enum vtpm_ek_type type, uint32_t *handle)
{
	uint8_t tmpl[VTPM_EK_PUBLIC_MAX];
	size_t n = vtpm_ek_template(type, tmpl, sizeof(tmpl));

	return tpm_client_create_primary(TPM_RH_ENDORSEMENT, tmpl, (uint16_t)n, handle);
}

TEST(vtpm_service, off_tpm_refuses_commands)
{
	uint8_t c[12] = { 0x80, 0x01, 0, 0, 0, 12, 0, 0, 0x01, 0x7b, 0, 8 };
	const uint8_t *rsp = c; /* must come back NULL */
	uint32_t rsp_size = 1;

	vtpm_power_off();
	EXPECT_FALSE(vtpm_is_on());
	EXPECT_EQ(vtpm_run(0, c, sizeof(c), &rsp, &rsp_size), SVSM_E_INVALID_REQUEST);
	EXPECT_TRUE(rsp == NULL);
}

TEST(vtpm_service, startup_and_getrandom)
{
	struct tpm_writer w;
	uint8_t first[16];

	ASSERT_TRUE(fresh_tpm());
	ASSERT_EQ(tpm_client_startup(), 0);
	EXPECT_EQ(tpm_client_startup(), VTPM_RC_INITIALIZE);	/* already started */
	tpm_client_begin(&w);
	tpm_cmd_get_random(&w, 16);
	ASSERT_EQ(tpm_client_run(&w), 0);
	ASSERT_EQ(tpm_client_rsp_size, 10 + 2 + 16);
	EXPECT_EQ(tpm_be16(tpm_client_rsp + 10), 16);
	memcpy(first, tpm_client_rsp + 12, 16);
	tpm_client_begin(&w);
	tpm_cmd_get_random(&w, 16);
	ASSERT_EQ(tpm_client_run(&w), 0);
	EXPECT_TRUE(memcmp(first, tpm_client_rsp + 12, 16) != 0);
}

TEST(vtpm_service, command_before_startup_fails_in_tpm)
{
	struct tpm_writer w;

	ASSERT_TRUE(fresh_tpm());
	tpm_client_begin(&w);
	tpm_cmd_get_random(&w, 8);
	EXPECT_EQ(tpm_client_run(&w), VTPM_RC_INITIALIZE);
}

TEST(vtpm_service, pcr_extend_and_read)
{
	uint8_t digest[32];
	uint8_t pcr[32];
	uint8_t buf[64];
	uint8_t want[32];
	unsigned int len = 0;
	int i;

	ASSERT_TRUE(fresh_tpm());
	ASSERT_EQ(tpm_client_startup(), 0);
	ASSERT_EQ(tpm_client_pcr_read(16, pcr), 0);
	for (i = 0; i < 32; i++) {
		EXPECT_EQ(pcr[i], 0);
		digest[i] = (uint8_t)(i * 7 + 1);
	}
	ASSERT_EQ(tpm_client_pcr_extend(16, digest), 0);
	ASSERT_EQ(tpm_client_pcr_read(16, pcr), 0);
	/* PCR := SHA-256(old || digest) */
	memset(buf, 0, 32);
	memcpy(buf + 32, digest, 32);
	ASSERT_EQ(EVP_Digest(buf, sizeof(buf), want, &len, EVP_sha256(), NULL), 1);
	EXPECT_MEMEQ(pcr, want, 32);
}

TEST(vtpm_service, pcrs_reset_on_power_cycle)
{
	uint8_t digest[32] = { 1 };
	uint8_t pcr[32];
	uint8_t zero[32] = { 0 };

	ASSERT_TRUE(fresh_tpm());
	ASSERT_EQ(tpm_client_startup(), 0);
	ASSERT_EQ(tpm_client_pcr_extend(16, digest), 0);
	ASSERT_EQ(vtpm_reset(), SVSM_OK);
	ASSERT_EQ(tpm_client_startup(), 0);
	ASSERT_EQ(tpm_client_pcr_read(16, pcr), 0);
	EXPECT_MEMEQ(pcr, zero, 32);
}

static void check_ek(enum vtpm_ek_type type, uint32_t want_size)
{
	uint32_t handle = 0;
	uint32_t cached_size = 0;
	const uint8_t *cached = NULL;
	struct tpm_writer w;

	ASSERT_TRUE(fresh_tpm());
	ASSERT_EQ(vtpm_ek_create(type), SVSM_OK);
	cached = vtpm_ek_public(&cached_size);
	ASSERT_TRUE(cached != NULL);
	EXPECT_EQ(cached_size, want_size);
	/* vtpm_ek_create leaves the TPM awaiting the guest's TPM2_Startup. */
	ASSERT_EQ(tpm_client_startup(), 0);
	ASSERT_EQ(create_primary_ek(type, &handle), 0);
	ASSERT_EQ(tpm_be16(tpm_client_rsp + 18), cached_size);
	EXPECT_MEMEQ(tpm_client_rsp + 20, cached, cached_size);
	tpm_client_begin(&w);
	tpm_cmd_begin(&w, TPM_ST_NO_SESSIONS, TPM_CC_READ_PUBLIC);
	tpm_put_u32(&w, handle);
	ASSERT_EQ(tpm_client_run(&w), 0);
	ASSERT_EQ(tpm_be16(tpm_client_rsp + 10), cached_size);
	EXPECT_MEMEQ(tpm_client_rsp + 12, cached, cached_size);
	EXPECT_EQ(tpm_client_flush(handle), 0);
}

TEST(vtpm_service, ek_ecc_cache_matches_createprimary_and_readpublic)
{
	/* TPMT_PUBLIC ECC: 2+2+4+34 + 6+2+2+2 + 34+34 = 122 bytes */
	check_ek(VTPM_EK_ECC_P256, 122);
}

TEST(vtpm_service, ek_rsa_cache_matches_createprimary_and_readpublic)
{
	/* TPMT_PUBLIC RSA-2048: 2+2+4+34 + 6+2+2+4 + 258 = 314 bytes (COCONUT's size) */
	check_ek(VTPM_EK_RSA_2048, 314);
}

TEST(vtpm_service, ek_public_template_fields)
{
	uint32_t size = 0;
	const uint8_t *pub = NULL;

	ASSERT_TRUE(fresh_tpm());
	ASSERT_EQ(vtpm_ek_create(VTPM_EK_ECC_P256), SVSM_OK);
	pub = vtpm_ek_public(&size);
	ASSERT_TRUE(pub != NULL);
	EXPECT_EQ(tpm_be16(pub), 0x0023);	/* TPM_ALG_ECC */
	EXPECT_EQ(tpm_be16(pub + 2), 0x000b);	/* SHA-256 */
	EXPECT_EQ(tpm_be32(pub + 4), 0x000300b2);
	EXPECT_EQ(tpm_be16(pub + 8), 32);	/* PolicyA */
	EXPECT_EQ(pub[10], 0x83);
	EXPECT_EQ(tpm_be16(pub + 42), 0x0006);	/* AES */
	EXPECT_EQ(tpm_be16(pub + 44), 128);
	EXPECT_EQ(tpm_be16(pub + 46), 0x0043);	/* CFB */
	EXPECT_EQ(tpm_be16(pub + 50), 0x0003);	/* NIST P-256 */
	EXPECT_EQ(tpm_be16(pub + 52), 0x0010);	/* kdf NULL */
}

TEST(vtpm_service, ek_stable_across_power_cycles_and_new_after_manufacture)
{
	uint8_t first[VTPM_EK_PUBLIC_MAX];
	uint32_t size = 0;
	uint32_t size2 = 0;
	const uint8_t *pub = NULL;

	ASSERT_TRUE(fresh_tpm());
	ASSERT_EQ(vtpm_ek_create(VTPM_EK_ECC_P256), SVSM_OK);
	pub = vtpm_ek_public(&size);
	ASSERT_TRUE(pub != NULL);
	memcpy(first, pub, size);
	vtpm_power_off();
	ASSERT_EQ(vtpm_power_on(), SVSM_OK);	/* state reloaded from the store */
	ASSERT_EQ(vtpm_ek_create(VTPM_EK_ECC_P256), SVSM_OK);
	pub = vtpm_ek_public(&size2);
	ASSERT_EQ(size2, size);
	EXPECT_MEMEQ(pub, first, size);
	ASSERT_TRUE(fresh_tpm());	/* new EPS */
	ASSERT_EQ(vtpm_ek_create(VTPM_EK_ECC_P256), SVSM_OK);
	pub = vtpm_ek_public(&size2);
	EXPECT_TRUE(memcmp(pub, first, size) != 0);
}

TEST(vtpm_service, ek_create_when_guest_already_started)
{
	uint8_t digest[32] = { 9 };
	uint8_t pcr[32];
	uint8_t before[32];

	ASSERT_TRUE(fresh_tpm());
	ASSERT_EQ(tpm_client_startup(), 0);
	ASSERT_EQ(tpm_client_pcr_extend(16, digest), 0);
	ASSERT_EQ(tpm_client_pcr_read(16, before), 0);
	ASSERT_EQ(vtpm_ek_create(VTPM_EK_ECC_P256), SVSM_OK);
	/* No reset: the running TPM keeps its PCRs. */
	ASSERT_EQ(tpm_client_pcr_read(16, pcr), 0);
	EXPECT_MEMEQ(pcr, before, 32);
}

TEST(vtpm_service, no_state_write_per_command)
{
	uint8_t digest[32] = { 3 };
	uint64_t writes;
	int i;

	ASSERT_TRUE(fresh_tpm());
	ASSERT_EQ(tpm_client_startup(), 0);
	writes = ram_store_write_count();
	for (i = 0; i < 20; i++) {
		ASSERT_EQ(tpm_client_pcr_extend(16, digest), 0);
	}
	EXPECT_LE(ram_store_write_count() - writes, 1);
}

TEST(vtpm_service, envelope_round_trip)
{
	static uint8_t page[SVSM_VTPM_BUFFER_SIZE];
	const uint8_t getrandom[] = { 0x80, 0x01, 0, 0, 0, 12, 0, 0, 0x01, 0x7b, 0, 32 };
	struct vtpm_envelope_cmd c;
	const uint8_t *r = NULL;
	uint32_t r_size = 0;

	ASSERT_TRUE(fresh_tpm());
	ASSERT_EQ(tpm_client_startup(), 0);
	memset(page, 0, sizeof(page));
	page[0] = TPM_SEND_COMMAND;
	page[5] = sizeof(getrandom);
	memcpy(page + 9, getrandom, sizeof(getrandom));
	ASSERT_EQ(vtpm_envelope_decode(page, sizeof(page), &c), SVSM_OK);
	ASSERT_EQ(vtpm_run(0, c.cmd, c.size, &r, &r_size), SVSM_OK);
	ASSERT_EQ(vtpm_envelope_encode(page, sizeof(page), r, r_size), SVSM_OK);
	EXPECT_EQ(page[0], 10 + 2 + 32);
	EXPECT_EQ(tpm_be32(page + 4 + 6), 0);
	EXPECT_EQ(tpm_be16(page + 4 + 10), 32);
}
