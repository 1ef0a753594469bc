/*
 * Base64 encoder and strict decoder (base64.h). No state.
 */
#include "lib/base64.h"

static const char b64_std[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
static const char b64_url[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

uint32_t base64_encoded_len(uint32_t len, bool url)
{
	if (url) {
		return len / 3 * 4 + (len % 3 == 0 ? 0 : len % 3 + 1);
	}
	return (len + 2) / 3 * 4;
}

enum svsm_err base64_encode(const uint8_t *in, uint32_t len, bool url, char *out, uint32_t cap)
{
	const char *alpha = url ? b64_url : b64_std;
	uint32_t need, o = 0;

	if (len > 0x3fffffff) {
		return SVSM_E_INVALID_PARAM;
	}
	need = base64_encoded_len(len, url);
	if (need >= cap) {
		return SVSM_E_INVALID_PARAM;
	}
	for (uint32_t i = 0; i < len; i += 3) {
		uint32_t rest = len - i;
		uint32_t v = (uint32_t)in[i] << 16;

		if (rest > 1) {
			v |= (uint32_t)in[i + 1] << 8;
		}
		if (rest > 2) {
			v |= in[i + 2];
		}
		out[o++] = alpha[(v >> 18) & 63];
		out[o++] = alpha[(v >> 12) & 63];
		if (rest > 1) {
			out[o++] = alpha[(v >> 6) & 63];
		} else if (!url) {
			out[o++] = '=';
		}
		if (rest > 2) {
			out[o++] = alpha[v & 63];
		} else if (!url) {
			out[o++] = '=';
		}
	}
	out[o] = '\0';
	return SVSM_OK;
}

static int b64_value(char c, bool url)
{
	if (c >= 'A' && c <= 'Z') {
		return c - 'A';
	}
	if (c >= 'a' && c <= 'z') {
		return c - 'a' + 26;
	}
	if (c >= '0' && c <= '9') {
		return c - '0' + 52;
	}
	if (c == (url ? '-' : '+')) {
		return 62;
	}
	if (c == (url ? '_' : '/')) {
		return 63;
	}
	return -1;
}

enum svsm_err base64_decode(const char *in, uint32_t len, bool url, uint8_t *out, uint32_t cap,
			    uint32_t *out_len)
{
	uint32_t data_len = len, o = 0, acc = 0, bits = 0;

	*out_len = 0;
	if (!url) {
		if (len % 4 != 0) {
			return SVSM_E_FORMAT;
		}
		if (len > 0 && in[len - 1] == '=') {
			data_len--;
			if (in[len - 2] == '=') {
				data_len--;
			}
		}
	} else if (len % 4 == 1) {
		return SVSM_E_FORMAT;
	}
	if ((uint64_t)data_len * 3 / 4 > cap) {
		return SVSM_E_INVALID_PARAM;
	}
	for (uint32_t i = 0; i < data_len; i++) {
		int v = b64_value(in[i], url);

		if (v < 0) {
			return SVSM_E_FORMAT;
		}
		acc = (acc << 6) | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (uint8_t)(acc >> bits);
			acc &= (1u << bits) - 1;
		}
	}
	if (acc != 0) {
		return SVSM_E_FORMAT; /* non-canonical: unused trailing bits set */
	}
	*out_len = o;
	return SVSM_OK;
}
