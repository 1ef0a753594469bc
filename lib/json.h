/*
 * A small strict JSON parser (RFC 8259) for untrusted input, and the RFC 8785 (JCS)
 * canonical form of what it parsed. The parser writes a flat token array supplied by the
 * caller: bounded size (the array), bounded nesting (JSON_MAX_DEPTH, so bounded
 * recursion), no allocation. Rejected: trailing bytes, duplicate keys, invalid UTF-8,
 * control characters in strings, bad escapes, numbers outside the grammar.
 * Freestanding, no state.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "svsm/err.h"

#define JSON_MAX_DEPTH 8
#define JSON_NONE UINT32_MAX

enum json_type {
	JSON_NULL = 1,
	JSON_FALSE,
	JSON_TRUE,
	JSON_NUMBER,
	JSON_STRING,
	JSON_ARRAY,
	JSON_OBJECT,
};

/**
 * struct json_tok - one value (or object key) of a parsed document.
 * @type:  enum json_type.
 * @start: offset of its first byte (a string's: after the opening quote).
 * @end:   offset after its last byte (a string's: the closing quote).
 * @size:  objects: member count; arrays: element count; else 0.
 * @next:  index of the token after this one's subtree.
 * An object's members follow it as key token, value subtree, key token, ...
 */
struct json_tok {
	uint8_t type;
	uint32_t start;
	uint32_t end;
	uint32_t size;
	uint32_t next;
};

/** struct json_doc - a parsed document: @text (not NUL-terminated) and its tokens. */
struct json_doc {
	const char *text;
	uint32_t len;
	struct json_tok *toks;
	uint32_t count;
};

/**
 * json_parse - parse @len bytes at @text into @toks (@cap entries); token 0 is the root.
 * SVSM_E_FORMAT for anything that is not one strict JSON value (with optional surrounding
 * whitespace), SVSM_E_NOMEM when it needs more than @cap tokens or JSON_MAX_DEPTH levels.
 */
enum svsm_err json_parse(struct json_doc *doc, const char *text, uint32_t len,
			 struct json_tok *toks, uint32_t cap) SVSM_MUST_CHECK;

/** json_get - the value of member @key of object token @obj, or JSON_NONE. */
uint32_t json_get(const struct json_doc *doc, uint32_t obj, const char *key);

/** json_str_eq - token @tok is a string whose decoded value is exactly @s. */
bool json_str_eq(const struct json_doc *doc, uint32_t tok, const char *s);

/**
 * json_get_str - decode string token @tok into @out (@cap bytes, NUL-terminated), length
 * in *@len. SVSM_E_FORMAT when @tok is not a string or holds a NUL character,
 * SVSM_E_INVALID_PARAM when it does not fit.
 */
enum svsm_err json_get_str(const struct json_doc *doc, uint32_t tok, char *out, uint32_t cap,
			   uint32_t *len) SVSM_MUST_CHECK;

/**
 * json_canon - the RFC 8785 canonical form of the subtree at @tok into @out (@cap bytes,
 * NUL-terminated), length in *@len. Numbers must be integers of at most 2^53 in magnitude
 * written without fraction or exponent (SVSM_E_UNSUPPORTED otherwise); SVSM_E_INVALID_PARAM
 * when @out is too small.
 */
enum svsm_err json_canon(const struct json_doc *doc, uint32_t tok, char *out, uint32_t cap,
			 uint32_t *len) SVSM_MUST_CHECK;

/**
 * json_escape - append @s (@len bytes of valid UTF-8) as a JCS-escaped JSON string with
 * its quotes at @out[*@pos] (@cap bytes); SVSM_E_INVALID_PARAM when it does not fit.
 */
enum svsm_err json_escape(const char *s, uint32_t len, char *out, uint32_t cap,
			  uint32_t *pos) SVSM_MUST_CHECK;
