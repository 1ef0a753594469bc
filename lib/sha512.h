/*
 * SHA-512 (FIPS 180-4) for freestanding code that has no libcrypto: the test guest uses
 * it to check REPORT_DATA. The SVSM itself hashes with OpenSSL.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#define SHA512_DIGEST_SIZE 64

struct sha512_ctx {
	uint64_t state[8];
	uint64_t bytes;
	uint8_t block[128];
	size_t used;
};

void sha512_init(struct sha512_ctx *c);
void sha512_update(struct sha512_ctx *c, const void *data, size_t len);
void sha512_final(struct sha512_ctx *c, uint8_t out[SHA512_DIGEST_SIZE]);
