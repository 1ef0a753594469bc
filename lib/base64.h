/*
 * Base64 (RFC 4648): the standard alphabet with padding and the URL-safe alphabet without
 * padding (JOSE). Strict decoders for untrusted input: no whitespace, no stray padding,
 * unused trailing bits must be zero. Freestanding, no state.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "svsm/err.h"

/** base64_encoded_len - characters base64_encode() writes for @len bytes (no NUL). */
uint32_t base64_encoded_len(uint32_t len, bool url);

/**
 * base64_encode - encode @len bytes of @in into @out (@cap bytes, NUL-terminated).
 * @url: the URL-safe alphabet without padding, else the standard one with padding.
 * SVSM_E_INVALID_PARAM when @out is too small.
 */
enum svsm_err base64_encode(const uint8_t *in, uint32_t len, bool url, char *out,
			    uint32_t cap) SVSM_MUST_CHECK;

/**
 * base64_decode - decode @len characters at @in into @out (@cap bytes), *@out_len bytes.
 * SVSM_E_FORMAT for any character, padding or length the chosen alphabet does not allow,
 * SVSM_E_INVALID_PARAM when @out is too small.
 */
enum svsm_err base64_decode(const char *in, uint32_t len, bool url, uint8_t *out, uint32_t cap,
			    uint32_t *out_len) SVSM_MUST_CHECK;
