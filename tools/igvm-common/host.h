/*
 * Host-side helpers shared by the IGVM tools and the unit tests: SHA-384/SHA-256 through
 * OpenSSL libcrypto (the project's crypto library), whole-file loading, hex output.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/snp_measure.h"

/** host_hash_ops() - struct snp_hash_ops backed by libcrypto (stateless, reentrant). */
const struct snp_hash_ops *host_hash_ops(void);

/** host_sha256() - SHA-256 of @len bytes. */
void host_sha256(const void *data, size_t len, uint8_t out[32]);

/**
 * struct host_file - a file mapped read-only (or read into memory for non-regular files).
 * @data: contents; @len: size; @mapped: whether munmap() is needed.
 */
struct host_file {
	const uint8_t *data;
	size_t len;
	bool mapped;
};

/** host_file_load() - map @path; on failure print "prog: path: reason" and return false. */
bool host_file_load(const char *prog, const char *path, struct host_file *f);

/** host_file_unload() - release what host_file_load() got. */
void host_file_unload(struct host_file *f);

/** host_hex() - write @len bytes as lowercase hex plus NUL into @out (2 * len + 1). */
void host_hex(const uint8_t *data, size_t len, char *out);

/** host_parse_hex() - parse exactly @len bytes of hex from @s; false if malformed. */
bool host_parse_hex(const char *s, uint8_t *out, size_t len);

/** host_parse_u64() - parse a decimal or 0x-prefixed number; false if malformed. */
bool host_parse_u64(const char *s, uint64_t *out);
