/*
 * Tests of lib/tpm_marshal.c: big-endian put/get, overflow latching, command headers.
 */
#include "lib/tpm_marshal.h"

#include "tests/unit/harness.h"

TEST(tpm_marshal, put_big_endian)
{
	uint8_t buf[16];
	struct tpm_writer w;
	const uint8_t want[] = { 0xab, 0x12, 0x34, 0xde, 0xad, 0xbe, 0xef, 0x00, 0x02, 0x55, 0x66 };
	const uint8_t two[] = { 0x55, 0x66 };

	tpm_writer_init(&w, buf, sizeof(buf));
	tpm_put_u8(&w, 0xab);
	tpm_put_u16(&w, 0x1234);
	tpm_put_u32(&w, 0xdeadbeef);
	tpm_put_tpm2b(&w, two, 2);
	EXPECT_FALSE(w.err);
	ASSERT_EQ(w.len, sizeof(want));
	EXPECT_MEMEQ(buf, want, sizeof(want));
}

TEST(tpm_marshal, writer_overflow_latches)
{
	uint8_t buf[5] = { 0 };
	struct tpm_writer w;

	tpm_writer_init(&w, buf, sizeof(buf));
	tpm_put_u32(&w, 0x01020304);
	tpm_put_u16(&w, 0xffff);	/* does not fit: nothing written */
	tpm_put_u8(&w, 0x77);	/* fits, but the error has latched */
	EXPECT_TRUE(w.err);
	EXPECT_EQ(w.len, 4);
	EXPECT_EQ(buf[4], 0);
	EXPECT_EQ(tpm_cmd_end(&w), 0);
}

TEST(tpm_marshal, reader_bounds)
{
	const uint8_t in[] = { 0x80, 0x01, 0x00, 0x00, 0x00, 0x0a, 0x00 };
	struct tpm_reader r;

	tpm_reader_init(&r, in, sizeof(in));
	EXPECT_EQ(tpm_get_u16(&r), 0x8001);
	EXPECT_EQ(tpm_get_u32(&r), 10);
	EXPECT_FALSE(r.err);
	EXPECT_EQ(tpm_get_u16(&r), 0);	/* only one byte left */
	EXPECT_TRUE(r.err);
	EXPECT_TRUE(tpm_get_bytes(&r, 1) == NULL);
	EXPECT_EQ(tpm_get_u8(&r), 0);
}

TEST(tpm_marshal, reader_huge_length_rejected)
{
	const uint8_t in[4] = { 1, 2, 3, 4 };
	struct tpm_reader r;

	tpm_reader_init(&r, in, sizeof(in));
	(void)tpm_get_u8(&r);
	EXPECT_TRUE(tpm_get_bytes(&r, SIZE_MAX) == NULL);
	EXPECT_TRUE(r.err);
}

TEST(tpm_marshal, command_header_and_session)
{
	uint8_t buf[64];
	struct tpm_writer w;
	size_t len;

	tpm_writer_init(&w, buf, sizeof(buf));
	tpm_cmd_begin(&w, TPM_ST_SESSIONS, 0x182);
	tpm_put_u32(&w, 16);
	tpm_put_pw_session(&w);
	len = tpm_cmd_end(&w);
	ASSERT_EQ(len, 10 + 4 + 4 + 9);
	EXPECT_EQ(tpm_be16(buf), TPM_ST_SESSIONS);
	EXPECT_EQ(tpm_be32(buf + 2), len);
	EXPECT_EQ(tpm_be32(buf + 6), 0x182);
	EXPECT_EQ(tpm_be32(buf + 14), 9);
	EXPECT_EQ(tpm_be32(buf + 18), 0x40000009);
}
