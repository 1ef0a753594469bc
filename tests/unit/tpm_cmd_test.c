/* Tests of lib/tpm_cmd.c: command bytes against TPM 2.0 Part 3 layouts, EK template sizes. */
#include "lib/tpm_cmd.h"
#include "tests/unit/harness.h"

static uint8_t buf[1024];

static size_t build(void (*fn)(struct tpm_writer *w))
{
	struct tpm_writer w;

	tpm_writer_init(&w, buf, sizeof(buf));
	fn(&w);
	return tpm_cmd_end(&w);
}

static void get_random_8(struct tpm_writer *w)
{
	tpm_cmd_get_random(w, 8);
}

static void startup_clear(struct tpm_writer *w)
{
	tpm_cmd_startup(w, TPM_SU_CLEAR);
}

static void pcr_read_16(struct tpm_writer *w)
{
	tpm_cmd_pcr_read(w, 16);
}

static void pcr_extend_7(struct tpm_writer *w)
{
	static const uint8_t d[32] = {0xaa};

	tpm_cmd_pcr_extend(w, 7, d);
}

TEST(tpm_cmd, simple_commands_match_part3)
{
	static const uint8_t gr[] = {0x80, 0x01, 0, 0, 0, 12, 0, 0, 0x01, 0x7b, 0, 8};
	static const uint8_t su[] = {0x80, 0x01, 0, 0, 0, 12, 0, 0, 0x01, 0x44, 0, 0};
	static const uint8_t pr[] = {0x80, 0x01, 0, 0, 0, 20, 0, 0, 0x01, 0x7e,
				     0, 0, 0, 1, 0, 0x0b, 3, 0, 0, 1};

	ASSERT_EQ(build(get_random_8), sizeof(gr));
	EXPECT_MEMEQ(buf, gr, sizeof(gr));
	ASSERT_EQ(build(startup_clear), sizeof(su));
	EXPECT_MEMEQ(buf, su, sizeof(su));
	ASSERT_EQ(build(pcr_read_16), sizeof(pr));
	EXPECT_MEMEQ(buf, pr, sizeof(pr));
}

TEST(tpm_cmd, pcr_extend_with_password_session)
{
	/* header 10, handle 4, auth area size 4 + 9, count 4, alg 2, digest 32 = 65 */
	ASSERT_EQ(build(pcr_extend_7), 65);
	EXPECT_EQ(tpm_be16(buf), TPM_ST_SESSIONS);
	EXPECT_EQ(tpm_be32(buf + 6), TPM_CC_PCR_EXTEND);
	EXPECT_EQ(tpm_be32(buf + 10), 7);
	EXPECT_EQ(tpm_be32(buf + 14), 9);          /* authorizationSize */
	EXPECT_EQ(tpm_be32(buf + 18), 0x40000009); /* TPM_RS_PW */
	EXPECT_EQ(tpm_be32(buf + 27), 1);          /* one digest */
	EXPECT_EQ(tpm_be16(buf + 31), TPM_ALG_SHA256);
	EXPECT_EQ(buf[33], 0xaa);
}

TEST(tpm_cmd, ek_templates)
{
	uint8_t t[512];

	/* ECC L-2: type, nameAlg, attributes, policy (2+32), sym (6), scheme, curve, kdf,
	 * unique x and y (2+32 each) = 122 bytes; RSA L-1: ... keyBits, exponent, unique 2+256. */
	EXPECT_EQ(tpm_ek_template(false, t, sizeof(t)), 122);
	EXPECT_EQ(tpm_be16(t), TPM_ALG_ECC);
	EXPECT_EQ(tpm_be32(t + 4), 0x000300b2);
	EXPECT_EQ(tpm_ek_template(true, t, sizeof(t)), 314);
	EXPECT_EQ(tpm_be16(t), TPM_ALG_RSA);
	EXPECT_EQ(tpm_ek_template(true, t, 100), 0); /* too small: refused */
}
