/*
 * Tests of kernel/protocols/vtpm_envelope.c: the SVSM_VTPM_CMD buffer decoder (every
 * malformed case) and the response encoder.
 */
#include "kernel/protocols/vtpm_envelope.h"

#include "lib/tpm_marshal.h"
#include "svsm/abi/vtpm.h"
#include "tests/unit/harness.h"

static uint8_t env[SVSM_VTPM_BUFFER_SIZE];

static void put_le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

/* A TPM2_GetRandom(16) command in an envelope; @size overrides inbuf_size if non-zero. */
static void make_env(uint32_t platform_cmd, uint8_t locality, uint32_t size)
{
	static const uint8_t getrandom[] = { 0x80, 0x01, 0, 0, 0, 12, 0, 0, 0x01, 0x7b, 0, 16 };

	memset(env, 0xcc, sizeof(env));
	put_le32(env, platform_cmd);
	env[4] = locality;
	put_le32(env + 5, size != 0 ? size : sizeof(getrandom));
	memcpy(env + 9, getrandom, sizeof(getrandom));
}

TEST(vtpm_envelope, good_command)
{
	struct vtpm_envelope_cmd c;

	make_env(TPM_SEND_COMMAND, 0, 0);
	ASSERT_EQ(vtpm_envelope_decode(env, sizeof(env), &c), SVSM_OK);
	EXPECT_TRUE(c.cmd == env + 9);
	EXPECT_EQ(c.size, 12);
}

TEST(vtpm_envelope, largest_command)
{
	struct vtpm_envelope_cmd c;

	make_env(TPM_SEND_COMMAND, 0, SVSM_VTPM_MAX_CMD_SIZE);
	tpm_store_be32(env + 9 + 2, SVSM_VTPM_MAX_CMD_SIZE);
	ASSERT_EQ(vtpm_envelope_decode(env, sizeof(env), &c), SVSM_OK);
	EXPECT_EQ(c.size, 4087);
}

TEST(vtpm_envelope, wrong_platform_command)
{
	struct vtpm_envelope_cmd c;
	const uint32_t bad[] = { 0, TPM_SIGNAL_POWER_ON, TPM_SIGNAL_RESET, TPM_SESSION_END,
				 0x08000000, 0xffffffff, 9 };
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		make_env(bad[i], 0, 0);
		EXPECT_EQ(vtpm_envelope_decode(env, sizeof(env), &c), SVSM_E_UNSUPPORTED);
		EXPECT_TRUE(c.cmd == NULL);
	}
}

TEST(vtpm_envelope, nonzero_locality)
{
	struct vtpm_envelope_cmd c;
	unsigned loc;

	for (loc = 1; loc < 256; loc *= 2) {
		make_env(TPM_SEND_COMMAND, (uint8_t)loc, 0);
		EXPECT_EQ(vtpm_envelope_decode(env, sizeof(env), &c), SVSM_E_INVALID_PARAM);
	}
	make_env(TPM_SEND_COMMAND, 4, 0);
	EXPECT_EQ(vtpm_envelope_decode(env, sizeof(env), &c), SVSM_E_INVALID_PARAM);
}

TEST(vtpm_envelope, size_zero)
{
	struct vtpm_envelope_cmd c;

	make_env(TPM_SEND_COMMAND, 0, 0);
	put_le32(env + 5, 0);
	EXPECT_EQ(vtpm_envelope_decode(env, sizeof(env), &c), SVSM_E_INVALID_PARAM);
}

TEST(vtpm_envelope, size_too_large)
{
	struct vtpm_envelope_cmd c;
	const uint32_t sizes[] = { 4088, 4096, 0x10000, 0x80000000, 0xffffffff };
	size_t i;

	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		make_env(TPM_SEND_COMMAND, 0, sizes[i]);
		tpm_store_be32(env + 9 + 2, sizes[i]);	/* header agrees: still too big */
		EXPECT_EQ(vtpm_envelope_decode(env, sizeof(env), &c), SVSM_E_INVALID_PARAM);
	}
}

TEST(vtpm_envelope, size_disagrees_with_header)
{
	struct vtpm_envelope_cmd c;

	make_env(TPM_SEND_COMMAND, 0, 13);	/* header says 12 */
	EXPECT_EQ(vtpm_envelope_decode(env, sizeof(env), &c), SVSM_E_INVALID_PARAM);
	make_env(TPM_SEND_COMMAND, 0, 11);
	EXPECT_EQ(vtpm_envelope_decode(env, sizeof(env), &c), SVSM_E_INVALID_PARAM);
	make_env(TPM_SEND_COMMAND, 0, 0);
	tpm_store_be32(env + 9 + 2, 0x0100000c);
	EXPECT_EQ(vtpm_envelope_decode(env, sizeof(env), &c), SVSM_E_INVALID_PARAM);
}

TEST(vtpm_envelope, shorter_than_tpm_header)
{
	struct vtpm_envelope_cmd c;
	uint32_t n;

	for (n = 1; n < 10; n++) {
		make_env(TPM_SEND_COMMAND, 0, n);
		tpm_store_be32(env + 9 + 2, n);
		EXPECT_EQ(vtpm_envelope_decode(env, sizeof(env), &c), SVSM_E_INVALID_PARAM);
	}
}

TEST(vtpm_envelope, wrong_buffer_length)
{
	struct vtpm_envelope_cmd c;

	make_env(TPM_SEND_COMMAND, 0, 0);
	EXPECT_EQ(vtpm_envelope_decode(env, 4095, &c), SVSM_E_INVALID_PARAM);
	EXPECT_EQ(vtpm_envelope_decode(env, 9, &c), SVSM_E_INVALID_PARAM);
	EXPECT_EQ(vtpm_envelope_decode(NULL, sizeof(env), &c), SVSM_E_INVALID_PARAM);
}

TEST(vtpm_envelope, encode_response)
{
	const uint8_t rsp[] = { 0x80, 0x01, 0, 0, 0, 10, 0, 0, 0, 0 };

	memset(env, 0xcc, sizeof(env));
	ASSERT_EQ(vtpm_envelope_encode(env, sizeof(env), rsp, sizeof(rsp)), SVSM_OK);
	EXPECT_EQ(env[0], 10);
	EXPECT_EQ(env[1] | env[2] | env[3], 0);
	EXPECT_MEMEQ(env + 4, rsp, sizeof(rsp));
	EXPECT_EQ(env[14], 0xcc);	/* exactly 4 + size bytes are written */
	EXPECT_EQ(env[4095], 0xcc);
}

TEST(vtpm_envelope, encode_in_place_and_limits)
{
	memset(env, 0, sizeof(env));
	env[9] = 0x80;
	env[10] = 0x01;
	/* The response may sit where the command was (offset 9). */
	ASSERT_EQ(vtpm_envelope_encode(env, sizeof(env), env + 9, 2), SVSM_OK);
	EXPECT_EQ(env[0], 2);
	EXPECT_EQ(env[4], 0x80);
	EXPECT_EQ(env[5], 0x01);
	EXPECT_EQ(vtpm_envelope_encode(env, sizeof(env), env, SVSM_VTPM_MAX_RSP_SIZE), SVSM_OK);
	EXPECT_EQ(vtpm_envelope_encode(env, sizeof(env), env, SVSM_VTPM_MAX_RSP_SIZE + 1),
		  SVSM_E_INVALID_PARAM);
	EXPECT_EQ(vtpm_envelope_encode(env, 100, env, 2), SVSM_E_INVALID_PARAM);
}
