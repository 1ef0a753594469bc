/*
 * Owns the persistent log's record format (lib/log_store.h, docs/logging.md
 * "Persistence"): the entry chain, the header MAC, verification of untrusted records,
 * appending with the oldest entries dropped first. No global state, no lock: the kernel
 * calls it inside services_run() under persist_lock; the tool calls it on a decrypted
 * record.
 */
#include "lib/log_store.h"

#include <stdarg.h>
#include <stdio.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <string.h>

#define H_MAGIC 0u
#define H_VERSION 8u
#define H_SIZE 10u
#define H_COUNT 12u
#define H_BOOT 16u
#define H_DROPPED 24u
#define H_ANCHOR 32u
#define H_MAC 48u

#define E_BOOT 0u
#define E_SEQ 8u
#define E_TIME 16u
#define E_LEVEL 24u
#define E_CPU 25u
#define E_LEN 26u

#define LOG_STORE_VERSION 1u

_Static_assert(H_MAC + LOG_STORE_CHAIN_SIZE == LOG_STORE_HDR_SIZE, "header layout");
_Static_assert(E_LEN + 2u == LOG_STORE_ENTRY_HDR, "entry layout");
_Static_assert(LOG_STORE_ENTRY_MAX * 2u < LOG_STORE_MAX - LOG_STORE_HDR_SIZE, "room for entries");

static const uint8_t log_magic[8] = {'S', 'V', 'S', 'M', 'L', 'O', 'G', '1'};
static const char genesis_label[] = "svsm-log/v1 genesis";

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
	for (unsigned i = 0; i < 4; i++) {
		p[i] = (uint8_t)(v >> (8 * i));
	}
}

static void put64(uint8_t *p, uint64_t v)
{
	for (unsigned i = 0; i < 8; i++) {
		p[i] = (uint8_t)(v >> (8 * i));
	}
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t get64(const uint8_t *p)
{
	return (uint64_t)get32(p) | (uint64_t)get32(p + 4) << 32;
}

__attribute__((format(printf, 6, 7))) static enum svsm_err fail(struct log_store_report *rep,
								enum svsm_err err, uint32_t entry,
								uint64_t boot, uint64_t seq,
								const char *fmt, ...)
{
	va_list ap;

	if (rep != NULL) {
		rep->err = err;
		rep->entry = entry;
		rep->boot = boot;
		rep->seq = seq;
		va_start(ap, fmt);
		vsnprintf(rep->msg, sizeof(rep->msg), fmt, ap);
		va_end(ap);
	}
	return err;
}

/* HMAC-SHA256(@key, @tag || @a || @b)[0..16]: @a and @b at most 300 bytes together. */
static enum svsm_err mac16(const uint8_t key[LOG_STORE_KEY_SIZE], uint8_t tag, const uint8_t *a,
			   size_t a_len, const uint8_t *b, size_t b_len,
			   uint8_t out[LOG_STORE_CHAIN_SIZE])
{
	uint8_t in[1 + LOG_STORE_CHAIN_SIZE + 8 + LOG_STORE_ENTRY_HDR + LOG_STORE_TEXT_MAX];
	uint8_t md[32];
	unsigned int md_len = 0;

	if (a_len + b_len > sizeof(in) - 1) {
		return SVSM_E_INVALID_PARAM;
	}
	in[0] = tag;
	memcpy(in + 1, a, a_len);
	if (b_len != 0) {
		memcpy(in + 1 + a_len, b, b_len);
	}
	if (HMAC(EVP_sha256(), key, LOG_STORE_KEY_SIZE, in, 1 + a_len + b_len, md, &md_len) ==
		NULL ||
	    md_len != sizeof(md)) {
		OPENSSL_cleanse(in, sizeof(in));
		return SVSM_E_CRYPTO;
	}
	memcpy(out, md, LOG_STORE_CHAIN_SIZE);
	OPENSSL_cleanse(in, sizeof(in));
	OPENSSL_cleanse(md, sizeof(md));
	return SVSM_OK;
}

static enum svsm_err genesis(const uint8_t key[LOG_STORE_KEY_SIZE],
			     uint8_t out[LOG_STORE_CHAIN_SIZE])
{
	return mac16(key, 'G', (const uint8_t *)genesis_label, sizeof(genesis_label) - 1, NULL, 0,
		     out);
}

/* The chain value of the entry at @e (@body_len = 28 + len bytes), global @index. */
static enum svsm_err chain_value(const uint8_t key[LOG_STORE_KEY_SIZE],
				 const uint8_t prev[LOG_STORE_CHAIN_SIZE], uint64_t index,
				 const uint8_t *e, size_t body_len,
				 uint8_t out[LOG_STORE_CHAIN_SIZE])
{
	uint8_t pre[LOG_STORE_CHAIN_SIZE + 8];

	memcpy(pre, prev, LOG_STORE_CHAIN_SIZE);
	put64(pre + LOG_STORE_CHAIN_SIZE, index);
	return mac16(key, 'E', pre, sizeof(pre), e, body_len, out);
}

/* The header MAC over bytes 0..47 of @hdr and @head. */
static enum svsm_err header_mac(const uint8_t key[LOG_STORE_KEY_SIZE], const uint8_t *hdr,
				const uint8_t head[LOG_STORE_CHAIN_SIZE],
				uint8_t out[LOG_STORE_CHAIN_SIZE])
{
	return mac16(key, 'H', hdr, H_MAC, head, LOG_STORE_CHAIN_SIZE, out);
}

static bool level_ok(uint8_t level)
{
	return (level & ~LOG_STORE_LEVEL_BITS) == 0 && (level & 7u) <= LOG_STORE_LEVEL_MAX;
}

enum svsm_err log_store_verify(const uint8_t key[LOG_STORE_KEY_SIZE], const uint8_t *data,
			       size_t size, log_store_entry_fn fn, void *arg,
			       struct log_store_info *info, struct log_store_report *rep)
{
	uint8_t prev[LOG_STORE_CHAIN_SIZE], want[LOG_STORE_CHAIN_SIZE];
	uint64_t boot, dropped, last_boot = 0, last_seq = 0;
	uint32_t count, i;
	size_t off = LOG_STORE_HDR_SIZE;
	enum svsm_err err;

	if (rep != NULL) {
		memset(rep, 0, sizeof(*rep));
		rep->entry = LOG_STORE_AT_HEADER;
	}
	if (info != NULL) {
		memset(info, 0, sizeof(*info));
	}
	if (size < LOG_STORE_HDR_SIZE) {
		return fail(rep, SVSM_E_FORMAT, LOG_STORE_AT_HEADER, 0, 0,
			    "log record of %zu bytes is shorter than its header", size);
	}
	if (size > LOG_STORE_MAX) {
		return fail(rep, SVSM_E_FORMAT, LOG_STORE_AT_HEADER, 0, 0,
			    "log record of %zu bytes (at most %u)", size, LOG_STORE_MAX);
	}
	if (memcmp(data + H_MAGIC, log_magic, sizeof(log_magic)) != 0) {
		return fail(rep, SVSM_E_FORMAT, LOG_STORE_AT_HEADER, 0, 0, "log header magic");
	}
	if (get16(data + H_VERSION) != LOG_STORE_VERSION) {
		return fail(rep, SVSM_E_FORMAT, LOG_STORE_AT_HEADER, 0, 0,
			    "log version %u (this reads %u)", get16(data + H_VERSION),
			    LOG_STORE_VERSION);
	}
	if (get16(data + H_SIZE) != LOG_STORE_HDR_SIZE) {
		return fail(rep, SVSM_E_FORMAT, LOG_STORE_AT_HEADER, 0, 0, "log header size %u",
			    get16(data + H_SIZE));
	}
	count = get32(data + H_COUNT);
	boot = get64(data + H_BOOT);
	dropped = get64(data + H_DROPPED);
	if (boot == 0) {
		return fail(rep, SVSM_E_FORMAT, LOG_STORE_AT_HEADER, 0, 0, "log boot number 0");
	}
	if (count > (size - LOG_STORE_HDR_SIZE) / (LOG_STORE_ENTRY_HDR + LOG_STORE_CHAIN_SIZE)) {
		return fail(rep, SVSM_E_FORMAT, LOG_STORE_AT_HEADER, 0, 0,
			    "log entry count %u does not fit %zu bytes", count, size);
	}
	if (dropped > UINT64_MAX - count) {
		return fail(rep, SVSM_E_FORMAT, LOG_STORE_AT_HEADER, 0, 0, "log dropped count");
	}
	memcpy(prev, data + H_ANCHOR, sizeof(prev));
	if (dropped == 0) {
		err = genesis(key, want);
		if (err != SVSM_OK) {
			return fail(rep, err, LOG_STORE_AT_HEADER, 0, 0, "HMAC failed");
		}
		if (CRYPTO_memcmp(want, prev, sizeof(want)) != 0) {
			/* Nothing was dropped, so the anchor is the genesis value - unless entries
			 * were cut off the front or this is another key's log. */
			return fail(rep, SVSM_E_CRYPTO, 0, 0, 0,
				    "log anchor: entries removed from the start (or a wrong key)");
		}
	}
	for (i = 0; i < count; i++) {
		const uint8_t *e = data + off;
		struct log_store_entry ent;
		size_t body;

		if (size - off < LOG_STORE_ENTRY_HDR + LOG_STORE_CHAIN_SIZE) {
			return fail(rep, SVSM_E_FORMAT, i, 0, 0, "log entry %u truncated", i);
		}
		ent.boot = get64(e + E_BOOT);
		ent.seq = get64(e + E_SEQ);
		ent.time_us = get64(e + E_TIME);
		ent.level = e[E_LEVEL];
		ent.cpu = e[E_CPU];
		ent.len = get16(e + E_LEN);
		ent.text = (const char *)e + LOG_STORE_ENTRY_HDR;
		ent.index = dropped + i;
		if (ent.len > LOG_STORE_TEXT_MAX) {
			return fail(rep, SVSM_E_FORMAT, i, ent.boot, ent.seq,
				    "log entry %u: text length %u (at most %u)", i, ent.len,
				    LOG_STORE_TEXT_MAX);
		}
		body = LOG_STORE_ENTRY_HDR + ent.len;
		if (size - off < body + LOG_STORE_CHAIN_SIZE) {
			return fail(rep, SVSM_E_FORMAT, i, ent.boot, ent.seq,
				    "log entry %u truncated", i);
		}
		err = chain_value(key, prev, ent.index, e, body, want);
		if (err != SVSM_OK) {
			return fail(rep, err, i, ent.boot, ent.seq, "HMAC failed");
		}
		if (CRYPTO_memcmp(want, e + body, LOG_STORE_CHAIN_SIZE) != 0) {
			return fail(rep, SVSM_E_CRYPTO, i, ent.boot, ent.seq,
				    "log chain broken at entry %u (boot %llu seq %llu): an entry "
				    "before it removed, or this one changed or moved",
				    i, (unsigned long long)ent.boot, (unsigned long long)ent.seq);
		}
		/* Only the SVSM (holding K) wrote what verified so far; these checks catch its
		 * own bugs, and keep a reader's assumptions true. */
		if (!level_ok(ent.level)) {
			return fail(rep, SVSM_E_FORMAT, i, ent.boot, ent.seq,
				    "log entry %u: level byte %#x", i, ent.level);
		}
		if (ent.boot == 0 || ent.boot > boot || ent.boot < last_boot ||
		    (i > 0 && ent.boot == last_boot && ent.seq <= last_seq)) {
			return fail(rep, SVSM_E_FORMAT, i, ent.boot, ent.seq,
				    "log entry %u: boot %llu seq %llu out of order", i,
				    (unsigned long long)ent.boot, (unsigned long long)ent.seq);
		}
		last_boot = ent.boot;
		last_seq = ent.seq;
		memcpy(prev, e + body, sizeof(prev));
		off += body + LOG_STORE_CHAIN_SIZE;
		if (rep != NULL) {
			rep->verified = i + 1;
		}
		if (fn != NULL) {
			fn(&ent, arg);
		}
	}
	if (off != size) {
		return fail(rep, SVSM_E_FORMAT, LOG_STORE_AT_HEADER, 0, 0,
			    "log record: %zu bytes after entry %u", size - off, count);
	}
	err = header_mac(key, data, prev, want);
	if (err != SVSM_OK) {
		return fail(rep, err, LOG_STORE_AT_HEADER, 0, 0, "HMAC failed");
	}
	if (CRYPTO_memcmp(want, data + H_MAC, LOG_STORE_CHAIN_SIZE) != 0) {
		return fail(rep, SVSM_E_CRYPTO, LOG_STORE_AT_HEADER, 0, 0,
			    "log header MAC: entries removed from the end, or the header changed");
	}
	if (info != NULL) {
		info->count = count;
		info->boot = boot;
		info->dropped = dropped;
	}
	if (rep != NULL) {
		rep->err = SVSM_OK;
		snprintf(rep->msg, sizeof(rep->msg), "ok");
	}
	return SVSM_OK;
}

enum svsm_err log_store_init(struct log_store *ls, const uint8_t key[LOG_STORE_KEY_SIZE])
{
	memset(ls, 0, offsetof(struct log_store, buf));
	memcpy(ls->key, key, LOG_STORE_KEY_SIZE);
	ls->size = LOG_STORE_HDR_SIZE;
	if (genesis(key, ls->anchor) != SVSM_OK) {
		log_store_wipe(ls);
		return SVSM_E_CRYPTO;
	}
	memcpy(ls->head, ls->anchor, LOG_STORE_CHAIN_SIZE);
	memset(ls->buf, 0, LOG_STORE_HDR_SIZE);
	return SVSM_OK;
}

enum svsm_err log_store_load(struct log_store *ls, const uint8_t key[LOG_STORE_KEY_SIZE],
			     const uint8_t *data, size_t size, struct log_store_report *rep)
{
	struct log_store_info info;
	enum svsm_err err = log_store_verify(key, data, size, NULL, NULL, &info, rep);

	if (err != SVSM_OK) {
		return log_store_init(ls, key) == SVSM_OK ? err : SVSM_E_CRYPTO;
	}
	memset(ls, 0, offsetof(struct log_store, buf));
	memcpy(ls->key, key, LOG_STORE_KEY_SIZE);
	memcpy(ls->buf, data, size);
	ls->size = (uint32_t)size;
	ls->count = info.count;
	ls->boot = info.boot;
	ls->dropped = info.dropped;
	memcpy(ls->anchor, data + H_ANCHOR, LOG_STORE_CHAIN_SIZE);
	if (info.count == 0) {
		memcpy(ls->head, ls->anchor, LOG_STORE_CHAIN_SIZE);
	} else {
		memcpy(ls->head, data + size - LOG_STORE_CHAIN_SIZE, LOG_STORE_CHAIN_SIZE);
	}
	return SVSM_OK;
}

void log_store_begin_boot(struct log_store *ls)
{
	ls->boot++;
}

/* Drops the oldest entries until @need more bytes fit. */
static void drop_oldest(struct log_store *ls, size_t need)
{
	size_t off = LOG_STORE_HDR_SIZE;

	while (ls->count > 0 && ls->size - (off - LOG_STORE_HDR_SIZE) + need > LOG_STORE_MAX) {
		size_t body = LOG_STORE_ENTRY_HDR + get16(ls->buf + off + E_LEN);

		memcpy(ls->anchor, ls->buf + off + body, LOG_STORE_CHAIN_SIZE);
		off += body + LOG_STORE_CHAIN_SIZE;
		ls->count--;
		ls->dropped++;
	}
	if (off != LOG_STORE_HDR_SIZE) {
		memmove(ls->buf + LOG_STORE_HDR_SIZE, ls->buf + off, ls->size - off);
		ls->size -= (uint32_t)(off - LOG_STORE_HDR_SIZE);
	}
	if (ls->count == 0) {
		memcpy(ls->head, ls->anchor, LOG_STORE_CHAIN_SIZE);
	}
}

enum svsm_err log_store_append(struct log_store *ls, uint64_t seq, uint64_t time_us, uint8_t level,
			       uint8_t cpu, const char *text, size_t len)
{
	uint8_t e[LOG_STORE_ENTRY_HDR + LOG_STORE_TEXT_MAX];
	uint8_t chain[LOG_STORE_CHAIN_SIZE];
	size_t body;

	if (ls->boot == 0 || ls->count == UINT32_MAX) {
		return SVSM_E_INVALID_PARAM;
	}
	level &= LOG_STORE_LEVEL_BITS;
	if ((level & 7u) > LOG_STORE_LEVEL_MAX) {
		level = (uint8_t)((level & ~7u) | LOG_STORE_LEVEL_MAX);
	}
	if (len > LOG_STORE_TEXT_MAX) {
		len = LOG_STORE_TEXT_MAX;
		level |= LOG_STORE_F_TRUNCATED;
	}
	body = LOG_STORE_ENTRY_HDR + len;
	put64(e + E_BOOT, ls->boot);
	put64(e + E_SEQ, seq);
	put64(e + E_TIME, time_us);
	e[E_LEVEL] = level;
	e[E_CPU] = cpu;
	put16(e + E_LEN, (uint16_t)len);
	if (len != 0) {
		memcpy(e + LOG_STORE_ENTRY_HDR, text, len);
	}
	drop_oldest(ls, body + LOG_STORE_CHAIN_SIZE);
	if (chain_value(ls->key, ls->head, ls->dropped + ls->count, e, body, chain) != SVSM_OK) {
		return SVSM_E_CRYPTO;
	}
	memcpy(ls->buf + ls->size, e, body);
	memcpy(ls->buf + ls->size + body, chain, LOG_STORE_CHAIN_SIZE);
	memcpy(ls->head, chain, LOG_STORE_CHAIN_SIZE);
	ls->size += (uint32_t)(body + LOG_STORE_CHAIN_SIZE);
	ls->count++;
	return SVSM_OK;
}

enum svsm_err log_store_seal(struct log_store *ls, const uint8_t **data, uint32_t *size)
{
	uint8_t *h = ls->buf;

	if (ls->boot == 0) {
		return SVSM_E_INVALID_PARAM;
	}
	memcpy(h + H_MAGIC, log_magic, sizeof(log_magic));
	put16(h + H_VERSION, LOG_STORE_VERSION);
	put16(h + H_SIZE, LOG_STORE_HDR_SIZE);
	put32(h + H_COUNT, ls->count);
	put64(h + H_BOOT, ls->boot);
	put64(h + H_DROPPED, ls->dropped);
	memcpy(h + H_ANCHOR, ls->anchor, LOG_STORE_CHAIN_SIZE);
	if (header_mac(ls->key, h, ls->head, h + H_MAC) != SVSM_OK) {
		return SVSM_E_CRYPTO;
	}
	*data = ls->buf;
	*size = ls->size;
	return SVSM_OK;
}

void log_store_wipe(struct log_store *ls)
{
	OPENSSL_cleanse(ls, sizeof(*ls));
}
