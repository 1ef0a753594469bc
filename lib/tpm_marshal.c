/*
 * Owns the bounded big-endian TPM marshalling cursors declared in tpm_marshal.h.
 * Freestanding: no libc calls (byte loops instead of memcpy), no global state, no locks.
 */
#include "lib/tpm_marshal.h"

/* TPM_RS_PW: the password authorization session handle (TPM 2.0 Part 2, 7.4). */
#define TPM_RS_PW 0x40000009u

void tpm_writer_init(struct tpm_writer *w, uint8_t *buf, size_t cap)
{
	w->buf = buf;
	w->cap = cap;
	w->len = 0;
	w->err = false;
}

static bool tpm_writer_room(struct tpm_writer *w, size_t n)
{
	if (w->err || n > w->cap - w->len) {
		w->err = true;
		return false;
	}
	return true;
}

void tpm_put_u8(struct tpm_writer *w, uint8_t v)
{
	if (tpm_writer_room(w, 1)) {
		w->buf[w->len++] = v;
	}
}

void tpm_put_u16(struct tpm_writer *w, uint16_t v)
{
	if (tpm_writer_room(w, 2)) {
		tpm_store_be16(w->buf + w->len, v);
		w->len += 2;
	}
}

void tpm_put_u32(struct tpm_writer *w, uint32_t v)
{
	if (tpm_writer_room(w, 4)) {
		tpm_store_be32(w->buf + w->len, v);
		w->len += 4;
	}
}

void tpm_put_bytes(struct tpm_writer *w, const uint8_t *p, size_t n)
{
	size_t i;

	if (!tpm_writer_room(w, n)) {
		return;
	}
	for (i = 0; i < n; i++) {
		w->buf[w->len + i] = p[i];
	}
	w->len += n;
}

void tpm_put_tpm2b(struct tpm_writer *w, const uint8_t *p, uint16_t n)
{
	tpm_put_u16(w, n);
	tpm_put_bytes(w, p, n);
}

void tpm_cmd_begin(struct tpm_writer *w, uint16_t tag, uint32_t cc)
{
	tpm_put_u16(w, tag);
	tpm_put_u32(w, 0);
	tpm_put_u32(w, cc);
}

void tpm_put_pw_session(struct tpm_writer *w)
{
	tpm_put_u32(w, 9);	/* authorizationSize */
	tpm_put_u32(w, TPM_RS_PW);
	tpm_put_u16(w, 0);	/* nonceCaller */
	tpm_put_u8(w, 0);	/* sessionAttributes */
	tpm_put_u16(w, 0);	/* hmac (empty password) */
}

size_t tpm_cmd_end(struct tpm_writer *w)
{
	if (w->err || w->len < TPM_HEADER_SIZE || w->len > UINT32_MAX) {
		return 0;
	}
	tpm_store_be32(w->buf + 2, (uint32_t)w->len);
	return w->len;
}

void tpm_reader_init(struct tpm_reader *r, const uint8_t *buf, size_t len)
{
	r->buf = buf;
	r->len = len;
	r->off = 0;
	r->err = false;
}

static bool tpm_reader_has(struct tpm_reader *r, size_t n)
{
	if (r->err || n > r->len - r->off) {
		r->err = true;
		return false;
	}
	return true;
}

uint8_t tpm_get_u8(struct tpm_reader *r)
{
	if (!tpm_reader_has(r, 1)) {
		return 0;
	}
	return r->buf[r->off++];
}

uint16_t tpm_get_u16(struct tpm_reader *r)
{
	uint16_t v = 0;

	if (tpm_reader_has(r, 2)) {
		v = tpm_be16(r->buf + r->off);
		r->off += 2;
	}
	return v;
}

uint32_t tpm_get_u32(struct tpm_reader *r)
{
	uint32_t v = 0;

	if (tpm_reader_has(r, 4)) {
		v = tpm_be32(r->buf + r->off);
		r->off += 4;
	}
	return v;
}

const uint8_t *tpm_get_bytes(struct tpm_reader *r, size_t n)
{
	const uint8_t *p = NULL;

	if (tpm_reader_has(r, n)) {
		p = r->buf + r->off;
		r->off += n;
	}
	return p;
}
