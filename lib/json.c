/*
 * Strict JSON parser and RFC 8785 canonicaliser (json.h). The parser recurses once per
 * nesting level and stops at JSON_MAX_DEPTH; every token goes into the caller's array.
 * No state.
 */
#include "lib/json.h"

#include <stddef.h>

#define JSON_CANON_MAX_MEMBERS 32
#define JSON_MAX_SAFE_INT 9007199254740992ull /* 2^53 */

struct parser {
	struct json_doc *doc;
	uint32_t cap;
	uint32_t pos;
};

static bool is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static void skip_ws(struct parser *p)
{
	while (p->pos < p->doc->len && is_ws(p->doc->text[p->pos])) {
		p->pos++;
	}
}

static int hex_value(char c)
{
	if (c >= '0' && c <= '9') {
		return c - '0';
	}
	if (c >= 'a' && c <= 'f') {
		return c - 'a' + 10;
	}
	if (c >= 'A' && c <= 'F') {
		return c - 'A' + 10;
	}
	return -1;
}

static bool read_hex4(const char *s, uint32_t pos, uint32_t end, uint32_t *v)
{
	*v = 0;
	if (end - pos < 4) {
		return false;
	}
	for (uint32_t i = 0; i < 4; i++) {
		int h = hex_value(s[pos + i]);

		if (h < 0) {
			return false;
		}
		*v = (*v << 4) | (uint32_t)h;
	}
	return true;
}

/*
 * Decode one character of a string's body at *@pos (before @end): a UTF-8 sequence or an
 * escape. False for anything malformed. Used by the parser (validation) and by the
 * readers (already validated text).
 */
static bool str_next(const char *s, uint32_t *pos, uint32_t end, uint32_t *cp)
{
	uint8_t c = (uint8_t)s[*pos];
	uint32_t n, min;

	if (c == '\\') {
		char e;

		if (end - *pos < 2) {
			return false;
		}
		e = s[*pos + 1];
		*pos += 2;
		switch (e) {
		case '"':
			*cp = '"';
			return true;
		case '\\':
			*cp = '\\';
			return true;
		case '/':
			*cp = '/';
			return true;
		case 'b':
			*cp = '\b';
			return true;
		case 'f':
			*cp = '\f';
			return true;
		case 'n':
			*cp = '\n';
			return true;
		case 'r':
			*cp = '\r';
			return true;
		case 't':
			*cp = '\t';
			return true;
		case 'u':
			break;
		default:
			return false;
		}
		if (!read_hex4(s, *pos, end, cp)) {
			return false;
		}
		*pos += 4;
		if (*cp >= 0xdc00 && *cp <= 0xdfff) {
			return false; /* lone low surrogate */
		}
		if (*cp >= 0xd800 && *cp <= 0xdbff) {
			uint32_t lo;

			if (end - *pos < 6 || s[*pos] != '\\' || s[*pos + 1] != 'u' ||
			    !read_hex4(s, *pos + 2, end, &lo) || lo < 0xdc00 || lo > 0xdfff) {
				return false;
			}
			*pos += 6;
			*cp = 0x10000 + ((*cp - 0xd800) << 10) + (lo - 0xdc00);
		}
		return true;
	}
	if (c < 0x20) {
		return false;
	}
	if (c < 0x80) {
		*cp = c;
		*pos += 1;
		return true;
	}
	if ((c & 0xe0) == 0xc0) {
		n = 1, min = 0x80, *cp = c & 0x1f;
	} else if ((c & 0xf0) == 0xe0) {
		n = 2, min = 0x800, *cp = c & 0x0f;
	} else if ((c & 0xf8) == 0xf0) {
		n = 3, min = 0x10000, *cp = c & 0x07;
	} else {
		return false;
	}
	if (end - *pos < n + 1) {
		return false;
	}
	for (uint32_t i = 1; i <= n; i++) {
		uint8_t cc = (uint8_t)s[*pos + i];

		if ((cc & 0xc0) != 0x80) {
			return false;
		}
		*cp = (*cp << 6) | (cc & 0x3f);
	}
	if (*cp < min || *cp > 0x10ffff || (*cp >= 0xd800 && *cp <= 0xdfff)) {
		return false;
	}
	*pos += n + 1;
	return true;
}

static enum svsm_err new_tok(struct parser *p, uint8_t type, uint32_t *idx)
{
	struct json_tok *t;

	if (p->doc->count >= p->cap) {
		return SVSM_E_NOMEM;
	}
	*idx = p->doc->count++;
	t = &p->doc->toks[*idx];
	t->type = type;
	t->start = p->pos;
	t->end = p->pos;
	t->size = 0;
	t->next = *idx + 1;
	return SVSM_OK;
}

static enum svsm_err parse_string(struct parser *p, uint32_t *idx)
{
	const char *s = p->doc->text;
	enum svsm_err err;
	uint32_t cp;

	p->pos++; /* opening quote */
	err = new_tok(p, JSON_STRING, idx);
	if (err != SVSM_OK) {
		return err;
	}
	while (p->pos < p->doc->len && s[p->pos] != '"') {
		if (!str_next(s, &p->pos, p->doc->len, &cp)) {
			return SVSM_E_FORMAT;
		}
	}
	if (p->pos >= p->doc->len) {
		return SVSM_E_FORMAT;
	}
	p->doc->toks[*idx].end = p->pos;
	p->pos++;
	return SVSM_OK;
}

static bool digit(const struct parser *p)
{
	return p->pos < p->doc->len && p->doc->text[p->pos] >= '0' && p->doc->text[p->pos] <= '9';
}

static enum svsm_err parse_number(struct parser *p, uint32_t *idx)
{
	const char *s = p->doc->text;
	enum svsm_err err = new_tok(p, JSON_NUMBER, idx);

	if (err != SVSM_OK) {
		return err;
	}
	if (s[p->pos] == '-') {
		p->pos++;
	}
	if (!digit(p)) {
		return SVSM_E_FORMAT;
	}
	if (s[p->pos] == '0') {
		p->pos++;
	} else {
		while (digit(p)) {
			p->pos++;
		}
	}
	if (p->pos < p->doc->len && s[p->pos] == '.') {
		p->pos++;
		if (!digit(p)) {
			return SVSM_E_FORMAT;
		}
		while (digit(p)) {
			p->pos++;
		}
	}
	if (p->pos < p->doc->len && (s[p->pos] == 'e' || s[p->pos] == 'E')) {
		p->pos++;
		if (p->pos < p->doc->len && (s[p->pos] == '+' || s[p->pos] == '-')) {
			p->pos++;
		}
		if (!digit(p)) {
			return SVSM_E_FORMAT;
		}
		while (digit(p)) {
			p->pos++;
		}
	}
	p->doc->toks[*idx].end = p->pos;
	return SVSM_OK;
}

static enum svsm_err parse_literal(struct parser *p, const char *word, uint8_t type, uint32_t *idx)
{
	enum svsm_err err = new_tok(p, type, idx);
	uint32_t n = 0;

	if (err != SVSM_OK) {
		return err;
	}
	while (word[n] != '\0') {
		if (p->pos + n >= p->doc->len || p->doc->text[p->pos + n] != word[n]) {
			return SVSM_E_FORMAT;
		}
		n++;
	}
	p->pos += n;
	p->doc->toks[*idx].end = p->pos;
	return SVSM_OK;
}

static bool same_raw(const struct json_doc *doc, uint32_t a, uint32_t b)
{
	const struct json_tok *ta = &doc->toks[a], *tb = &doc->toks[b];
	uint32_t pa = ta->start, pb = tb->start, ca, cb;

	/* Compare decoded characters, so "a" and "\u0061" are the same key. */
	while (pa < ta->end && pb < tb->end) {
		if (!str_next(doc->text, &pa, ta->end, &ca) ||
		    !str_next(doc->text, &pb, tb->end, &cb) || ca != cb) {
			return false;
		}
	}
	return pa == ta->end && pb == tb->end;
}

static enum svsm_err parse_value(struct parser *p, unsigned depth, uint32_t *idx);

static enum svsm_err parse_container(struct parser *p, unsigned depth, uint32_t *idx, bool obj)
{
	const char *s = p->doc->text;
	char close = obj ? '}' : ']';
	enum svsm_err err;
	uint32_t child;

	if (depth >= JSON_MAX_DEPTH) {
		return SVSM_E_NOMEM;
	}
	err = new_tok(p, obj ? JSON_OBJECT : JSON_ARRAY, idx);
	if (err != SVSM_OK) {
		return err;
	}
	p->pos++;
	skip_ws(p);
	if (p->pos < p->doc->len && s[p->pos] == close) {
		p->pos++;
		goto done;
	}
	for (;;) {
		skip_ws(p);
		if (obj) {
			uint32_t key;

			if (p->pos >= p->doc->len || s[p->pos] != '"') {
				return SVSM_E_FORMAT;
			}
			err = parse_string(p, &key);
			if (err != SVSM_OK) {
				return err;
			}
			/* Duplicate keys are refused: two readers could pick different ones. */
			for (uint32_t k = *idx + 1; k < key; k = p->doc->toks[k + 1].next) {
				if (same_raw(p->doc, k, key)) {
					return SVSM_E_FORMAT;
				}
			}
			skip_ws(p);
			if (p->pos >= p->doc->len || s[p->pos] != ':') {
				return SVSM_E_FORMAT;
			}
			p->pos++;
		}
		err = parse_value(p, depth + 1, &child);
		if (err != SVSM_OK) {
			return err;
		}
		p->doc->toks[*idx].size++;
		skip_ws(p);
		if (p->pos >= p->doc->len) {
			return SVSM_E_FORMAT;
		}
		if (s[p->pos] == ',') {
			p->pos++;
			continue;
		}
		if (s[p->pos] != close) {
			return SVSM_E_FORMAT;
		}
		p->pos++;
		break;
	}
done:
	p->doc->toks[*idx].end = p->pos;
	p->doc->toks[*idx].next = p->doc->count;
	return SVSM_OK;
}

static enum svsm_err parse_value(struct parser *p, unsigned depth, uint32_t *idx)
{
	char c;

	skip_ws(p);
	if (p->pos >= p->doc->len) {
		return SVSM_E_FORMAT;
	}
	c = p->doc->text[p->pos];
	switch (c) {
	case '{':
		return parse_container(p, depth, idx, true);
	case '[':
		return parse_container(p, depth, idx, false);
	case '"':
		return parse_string(p, idx);
	case 't':
		return parse_literal(p, "true", JSON_TRUE, idx);
	case 'f':
		return parse_literal(p, "false", JSON_FALSE, idx);
	case 'n':
		return parse_literal(p, "null", JSON_NULL, idx);
	default:
		if (c == '-' || (c >= '0' && c <= '9')) {
			return parse_number(p, idx);
		}
		return SVSM_E_FORMAT;
	}
}

enum svsm_err json_parse(struct json_doc *doc, const char *text, uint32_t len,
			 struct json_tok *toks, uint32_t cap)
{
	struct parser p = {.doc = doc, .cap = cap, .pos = 0};
	enum svsm_err err;
	uint32_t root;

	doc->text = text;
	doc->len = len;
	doc->toks = toks;
	doc->count = 0;
	err = parse_value(&p, 0, &root);
	if (err == SVSM_OK) {
		skip_ws(&p);
		if (p.pos != len) {
			err = SVSM_E_FORMAT;
		}
	}
	if (err != SVSM_OK) {
		doc->count = 0;
	}
	return err;
}

bool json_str_eq(const struct json_doc *doc, uint32_t tok, const char *s)
{
	const struct json_tok *t;
	uint32_t pos, cp, i = 0;

	if (tok >= doc->count || doc->toks[tok].type != JSON_STRING) {
		return false;
	}
	t = &doc->toks[tok];
	pos = t->start;
	while (pos < t->end) {
		if (!str_next(doc->text, &pos, t->end, &cp) || cp >= 0x80 || s[i] == '\0' ||
		    (uint8_t)s[i] != cp) {
			return false; /* keys and values compared here are ASCII */
		}
		i++;
	}
	return s[i] == '\0';
}

uint32_t json_get(const struct json_doc *doc, uint32_t obj, const char *key)
{
	uint32_t k;

	if (obj >= doc->count || doc->toks[obj].type != JSON_OBJECT) {
		return JSON_NONE;
	}
	k = obj + 1;
	for (uint32_t m = 0; m < doc->toks[obj].size; m++) {
		if (json_str_eq(doc, k, key)) {
			return k + 1;
		}
		k = doc->toks[k + 1].next;
	}
	return JSON_NONE;
}

static bool put_utf8(uint32_t cp, char *out, uint32_t cap, uint32_t *pos)
{
	uint8_t b[4];
	uint32_t n;

	if (cp < 0x80) {
		b[0] = (uint8_t)cp, n = 1;
	} else if (cp < 0x800) {
		b[0] = (uint8_t)(0xc0 | (cp >> 6)), b[1] = (uint8_t)(0x80 | (cp & 0x3f)), n = 2;
	} else if (cp < 0x10000) {
		b[0] = (uint8_t)(0xe0 | (cp >> 12)), b[1] = (uint8_t)(0x80 | ((cp >> 6) & 0x3f));
		b[2] = (uint8_t)(0x80 | (cp & 0x3f)), n = 3;
	} else {
		b[0] = (uint8_t)(0xf0 | (cp >> 18)), b[1] = (uint8_t)(0x80 | ((cp >> 12) & 0x3f));
		b[2] = (uint8_t)(0x80 | ((cp >> 6) & 0x3f)), b[3] = (uint8_t)(0x80 | (cp & 0x3f));
		n = 4;
	}
	if (cap - *pos <= n) {
		return false;
	}
	for (uint32_t i = 0; i < n; i++) {
		out[(*pos)++] = (char)b[i];
	}
	return true;
}

enum svsm_err json_get_str(const struct json_doc *doc, uint32_t tok, char *out, uint32_t cap,
			   uint32_t *len)
{
	const struct json_tok *t;
	uint32_t pos, cp, o = 0;

	*len = 0;
	if (tok >= doc->count || doc->toks[tok].type != JSON_STRING || cap == 0) {
		return SVSM_E_FORMAT;
	}
	t = &doc->toks[tok];
	pos = t->start;
	while (pos < t->end) {
		if (!str_next(doc->text, &pos, t->end, &cp) || cp == 0) {
			return SVSM_E_FORMAT;
		}
		if (!put_utf8(cp, out, cap, &o)) {
			return SVSM_E_INVALID_PARAM;
		}
	}
	out[o] = '\0';
	*len = o;
	return SVSM_OK;
}

static bool put_str(const char *s, uint32_t n, char *out, uint32_t cap, uint32_t *pos)
{
	if (cap - *pos <= n) {
		return false;
	}
	for (uint32_t i = 0; i < n; i++) {
		out[(*pos)++] = s[i];
	}
	return true;
}

/* One character of a canonical string (JCS section 3.2.2.2: ECMAScript's JSON.stringify). */
static bool put_escaped(uint32_t cp, char *out, uint32_t cap, uint32_t *pos)
{
	static const char hex[] = "0123456789abcdef";
	char u[6] = {'\\', 'u', '0', '0', 0, 0};

	switch (cp) {
	case '"':
		return put_str("\\\"", 2, out, cap, pos);
	case '\\':
		return put_str("\\\\", 2, out, cap, pos);
	case '\b':
		return put_str("\\b", 2, out, cap, pos);
	case '\f':
		return put_str("\\f", 2, out, cap, pos);
	case '\n':
		return put_str("\\n", 2, out, cap, pos);
	case '\r':
		return put_str("\\r", 2, out, cap, pos);
	case '\t':
		return put_str("\\t", 2, out, cap, pos);
	default:
		break;
	}
	if (cp < 0x20) {
		u[4] = hex[cp >> 4];
		u[5] = hex[cp & 15];
		return put_str(u, 6, out, cap, pos);
	}
	return put_utf8(cp, out, cap, pos);
}

enum svsm_err json_escape(const char *s, uint32_t len, char *out, uint32_t cap, uint32_t *pos)
{
	uint32_t i = 0, cp;

	if (*pos >= cap || !put_str("\"", 1, out, cap, pos)) {
		return SVSM_E_INVALID_PARAM;
	}
	while (i < len) {
		if (s[i] == '\\') {
			cp = '\\', i++; /* raw text: a backslash is a character, not an escape */
		} else if (!str_next(s, &i, len, &cp)) {
			return SVSM_E_FORMAT;
		}
		if (!put_escaped(cp, out, cap, pos)) {
			return SVSM_E_INVALID_PARAM;
		}
	}
	if (!put_str("\"", 1, out, cap, pos)) {
		return SVSM_E_INVALID_PARAM;
	}
	out[*pos] = '\0';
	return SVSM_OK;
}

static enum svsm_err canon_string(const struct json_doc *doc, uint32_t tok, char *out, uint32_t cap,
				  uint32_t *pos)
{
	const struct json_tok *t = &doc->toks[tok];
	uint32_t p = t->start, cp;

	if (!put_str("\"", 1, out, cap, pos)) {
		return SVSM_E_INVALID_PARAM;
	}
	while (p < t->end) {
		if (!str_next(doc->text, &p, t->end, &cp)) {
			return SVSM_E_FORMAT;
		}
		if (!put_escaped(cp, out, cap, pos)) {
			return SVSM_E_INVALID_PARAM;
		}
	}
	return put_str("\"", 1, out, cap, pos) ? SVSM_OK : SVSM_E_INVALID_PARAM;
}

/* The UTF-16 code unit @i of code point @cp (1 or 2 units), as JCS sorts keys by them. */
static uint32_t utf16_unit(uint32_t cp, unsigned i)
{
	if (cp < 0x10000) {
		return cp;
	}
	return i == 0 ? 0xd800 + ((cp - 0x10000) >> 10) : 0xdc00 + ((cp - 0x10000) & 0x3ff);
}

static int key_cmp(const struct json_doc *doc, uint32_t a, uint32_t b)
{
	const struct json_tok *ta = &doc->toks[a], *tb = &doc->toks[b];
	uint32_t pa = ta->start, pb = tb->start, ca = 0, cb = 0;
	unsigned ia = 2, ib = 2;

	for (;;) {
		uint32_t ua, ub;

		if (ia >= (ca >= 0x10000 ? 2u : 1u)) {
			if (pa >= ta->end || !str_next(doc->text, &pa, ta->end, &ca)) {
				ca = UINT32_MAX;
			}
			ia = 0;
		}
		if (ib >= (cb >= 0x10000 ? 2u : 1u)) {
			if (pb >= tb->end || !str_next(doc->text, &pb, tb->end, &cb)) {
				cb = UINT32_MAX;
			}
			ib = 0;
		}
		if (ca == UINT32_MAX || cb == UINT32_MAX) {
			return ca == cb ? 0 : (ca == UINT32_MAX ? -1 : 1);
		}
		ua = utf16_unit(ca, ia++);
		ub = utf16_unit(cb, ib++);
		if (ua != ub) {
			return ua < ub ? -1 : 1;
		}
	}
}

static enum svsm_err canon_number(const struct json_doc *doc, uint32_t tok, char *out, uint32_t cap,
				  uint32_t *pos)
{
	const struct json_tok *t = &doc->toks[tok];
	const char *s = doc->text + t->start;
	uint32_t n = t->end - t->start, i = 0;
	uint64_t v = 0;
	bool neg = false;

	if (s[0] == '-') {
		neg = true;
		i = 1;
	}
	for (; i < n; i++) {
		if (s[i] < '0' || s[i] > '9') {
			return SVSM_E_UNSUPPORTED; /* fraction or exponent */
		}
		v = v * 10 + (uint64_t)(s[i] - '0');
		if (v > JSON_MAX_SAFE_INT) {
			return SVSM_E_UNSUPPORTED;
		}
	}
	if (v == 0) {
		neg = false; /* -0 is 0 */
	}
	if (neg && !put_str("-", 1, out, cap, pos)) {
		return SVSM_E_INVALID_PARAM;
	}
	/* The digits as written: the grammar already forbids leading zeros. */
	return put_str(s + (s[0] == '-'), n - (s[0] == '-'), out, cap, pos) ? SVSM_OK
									    : SVSM_E_INVALID_PARAM;
}

static enum svsm_err canon_value(const struct json_doc *doc, uint32_t tok, char *out, uint32_t cap,
				 uint32_t *pos)
{
	const struct json_tok *t = &doc->toks[tok];
	uint32_t members[JSON_CANON_MAX_MEMBERS];
	enum svsm_err err = SVSM_OK;
	uint32_t k;

	switch (t->type) {
	case JSON_NULL:
		return put_str("null", 4, out, cap, pos) ? SVSM_OK : SVSM_E_INVALID_PARAM;
	case JSON_TRUE:
		return put_str("true", 4, out, cap, pos) ? SVSM_OK : SVSM_E_INVALID_PARAM;
	case JSON_FALSE:
		return put_str("false", 5, out, cap, pos) ? SVSM_OK : SVSM_E_INVALID_PARAM;
	case JSON_NUMBER:
		return canon_number(doc, tok, out, cap, pos);
	case JSON_STRING:
		return canon_string(doc, tok, out, cap, pos);
	case JSON_ARRAY:
		if (!put_str("[", 1, out, cap, pos)) {
			return SVSM_E_INVALID_PARAM;
		}
		k = tok + 1;
		for (uint32_t i = 0; i < t->size && err == SVSM_OK; i++) {
			if (i > 0 && !put_str(",", 1, out, cap, pos)) {
				return SVSM_E_INVALID_PARAM;
			}
			err = canon_value(doc, k, out, cap, pos);
			k = doc->toks[k].next;
		}
		if (err != SVSM_OK) {
			return err;
		}
		return put_str("]", 1, out, cap, pos) ? SVSM_OK : SVSM_E_INVALID_PARAM;
	case JSON_OBJECT:
		if (t->size > JSON_CANON_MAX_MEMBERS) {
			return SVSM_E_UNSUPPORTED;
		}
		k = tok + 1;
		for (uint32_t i = 0; i < t->size; i++) {
			/* Insertion sort of the key tokens (few members). */
			uint32_t j = i;

			while (j > 0 && key_cmp(doc, members[j - 1], k) > 0) {
				members[j] = members[j - 1];
				j--;
			}
			members[j] = k;
			k = doc->toks[k + 1].next;
		}
		if (!put_str("{", 1, out, cap, pos)) {
			return SVSM_E_INVALID_PARAM;
		}
		for (uint32_t i = 0; i < t->size && err == SVSM_OK; i++) {
			if (i > 0 && !put_str(",", 1, out, cap, pos)) {
				return SVSM_E_INVALID_PARAM;
			}
			err = canon_string(doc, members[i], out, cap, pos);
			if (err == SVSM_OK && !put_str(":", 1, out, cap, pos)) {
				err = SVSM_E_INVALID_PARAM;
			}
			if (err == SVSM_OK) {
				err = canon_value(doc, members[i] + 1, out, cap, pos);
			}
		}
		if (err != SVSM_OK) {
			return err;
		}
		return put_str("}", 1, out, cap, pos) ? SVSM_OK : SVSM_E_INVALID_PARAM;
	default:
		return SVSM_E_FORMAT;
	}
}

enum svsm_err json_canon(const struct json_doc *doc, uint32_t tok, char *out, uint32_t cap,
			 uint32_t *len)
{
	uint32_t pos = 0;
	enum svsm_err err;

	*len = 0;
	if (tok >= doc->count || cap == 0) {
		return SVSM_E_INVALID_PARAM;
	}
	err = canon_value(doc, tok, out, cap, &pos);
	if (err != SVSM_OK) {
		return err;
	}
	out[pos] = '\0';
	*len = pos;
	return SVSM_OK;
}
