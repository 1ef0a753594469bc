/*
 * The IGVM parser's per-type knowledge (lib/igvm_payload.c), for lib/igvm_parse.c only:
 * callers outside the parser use lib/igvm_parse.h. Also the two helpers both halves of
 * the parser share.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/igvm_parse.h"

/** igvm_fail() - record @offset as the byte the error is about and return @err. */
static inline enum igvm_err igvm_fail(struct igvm_parser *p, enum igvm_err err, uint64_t offset)
{
	p->err_offset = (size_t)offset;
	return err;
}

/** igvm_all_zero() - whether all @n bytes at @b are zero. */
static inline bool igvm_all_zero(const uint8_t *b, size_t n)
{
	size_t i = 0;

	for (i = 0; i < n; i++) {
		if (b[i] != 0) {
			return false;
		}
	}
	return true;
}

/** igvm_payload_section() - section of header type @t: 0 platform, 1 init, 2 directive, -1 none. */
int igvm_payload_section(uint32_t t);

/** igvm_payload_length() - the payload length type @t must have, 0 for an unknown type. */
uint32_t igvm_payload_length(uint32_t t);

/**
 * igvm_payload_check() - check the decoded payload of @h (a known type, length already
 * checked) against its type's rules and the headers before it; records declared platforms
 * and parameter areas in @p and sets @h's data, data_len and platform.
 */
enum igvm_err igvm_payload_check(struct igvm_parser *p, struct igvm_header *h);
