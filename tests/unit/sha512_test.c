/* Tests of lib/sha512.c against the FIPS 180-4 examples and OpenSSL on random lengths. */
#include <openssl/evp.h>
#include <stdlib.h>

#include "lib/sha512.h"
#include "tests/unit/harness.h"

static void digest(const void *p, size_t n, uint8_t out[64])
{
	struct sha512_ctx c;

	sha512_init(&c);
	sha512_update(&c, p, n);
	sha512_final(&c, out);
}

TEST(sha512, fips_examples)
{
	static const uint8_t abc[64] = {
		0xdd, 0xaf, 0x35, 0xa1, 0x93, 0x61, 0x7a, 0xba, 0xcc, 0x41, 0x73, 0x49, 0xae, 0x20,
		0x41, 0x31, 0x12, 0xe6, 0xfa, 0x4e, 0x89, 0xa9, 0x7e, 0xa2, 0x0a, 0x9e, 0xee, 0xe6,
		0x4b, 0x55, 0xd3, 0x9a, 0x21, 0x92, 0x99, 0x2a, 0x27, 0x4f, 0xc1, 0xa8, 0x36, 0xba,
		0x3c, 0x23, 0xa3, 0xfe, 0xeb, 0xbd, 0x45, 0x4d, 0x44, 0x23, 0x64, 0x3c, 0xe8, 0x0e,
		0x2a, 0x9a, 0xc9, 0x4f, 0xa5, 0x4c, 0xa4, 0x9f};
	uint8_t out[64];

	digest("abc", 3, out);
	EXPECT_MEMEQ(out, abc, 64);
}

TEST(sha512, matches_openssl_any_length)
{
	uint8_t buf[1000], mine[64], ref[64];

	for (unsigned i = 0; i < sizeof(buf); i++) {
		buf[i] = (uint8_t)(i * 131 + 7);
	}
	for (size_t n = 0; n < sizeof(buf); n += 37) {
		struct sha512_ctx c;

		sha512_init(&c);
		sha512_update(&c, buf, n / 3);
		sha512_update(&c, buf + n / 3, n - n / 3);
		sha512_final(&c, mine);
		EVP_Digest(buf, n, ref, NULL, EVP_sha512(), NULL);
		EXPECT_MEMEQ(mine, ref, 64);
	}
	digest(buf, 111, mine);
	EVP_Digest(buf, 111, ref, NULL, EVP_sha512(), NULL);
	EXPECT_MEMEQ(mine, ref, 64);
	digest(buf, 112, mine);
	EVP_Digest(buf, 112, ref, NULL, EVP_sha512(), NULL);
	EXPECT_MEMEQ(mine, ref, 64);
}
