/*
 * The persistent log (docs/logging.md "Persistence"): the plaintext of state record 4
 * ("log"). It holds the log lines of the last boots, oldest first, each entry carrying
 * its boot number and a chain value, so that the guest owner's tool can tell a complete
 * log from one with entries removed, reordered or changed. Portable (kernel, host unit
 * tests, tools/svsm-state); libcrypto's HMAC only. No global state.
 *
 * Format (all integers little-endian):
 *
 *   header, 64 bytes
 *     0   8  magic    "SVSMLOG1"
 *     8   2  version  1
 *     10  2  hdr_size 64
 *     12  4  count    entries that follow
 *     16  8  boot     boot number of the newest boot that wrote the log (>= 1)
 *     24  8  dropped  entries dropped from the front since the log began
 *     32  16 anchor   the chain value before the first entry held: the genesis value
 *                     HMAC(K, "svsm-log/v1 genesis") while dropped == 0, else the chain
 *                     value of the last entry dropped
 *     48  16 mac      HMAC-SHA256(K, 'H' || bytes 0..47 || head)[0..16], head = the
 *                     chain value of the last entry (the anchor when count == 0)
 *   entry i (0..count-1), packed back to back, 44 + len bytes
 *     0   8  boot     boot number (1 = the first boot that wrote this log)
 *     8   8  seq      the ring's sequence number in that boot
 *     16  8  time_us  microseconds since that boot's reset
 *     24  1  level    as in the ring: bits 0-2 level 0..4, bit 6 partial, bit 7 truncated
 *     25  1  cpu      CPU index, 0xff unknown
 *     26  2  len      text bytes, <= LOG_STORE_TEXT_MAX
 *     28  len text
 *     28+len 16 chain HMAC-SHA256(K, 'E' || previous chain value || index || bytes
 *                     0..28+len-1)[0..16]; index = dropped + i as 8 bytes
 *
 * K is the log chain key (state_keys.log_chain, HKDF label "svsm-state/v1 log-chain").
 * Dropping the oldest entries moves the anchor and re-MACs the header, which needs K;
 * removing, reordering or changing any other entry breaks the chain at the entry after
 * it, and cutting entries off the end fails the header MAC.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "svsm/err.h"

/** LOG_STORE_MAX - largest log record (header + entries); older entries drop first. */
#define LOG_STORE_MAX (128u * 1024u)
#define LOG_STORE_HDR_SIZE 64u
#define LOG_STORE_ENTRY_HDR 28u
#define LOG_STORE_CHAIN_SIZE 16u
#define LOG_STORE_TEXT_MAX 240u
#define LOG_STORE_ENTRY_MAX (LOG_STORE_ENTRY_HDR + LOG_STORE_TEXT_MAX + LOG_STORE_CHAIN_SIZE)
#define LOG_STORE_KEY_SIZE 32u
#define LOG_STORE_MSG_MAX 160u
/* Level byte: bits 0-2 the level (<= 4), bit 6 partial, bit 7 truncated; 3-5 zero. */
#define LOG_STORE_LEVEL_MAX 4u
#define LOG_STORE_F_TRUNCATED 0x80u
#define LOG_STORE_LEVEL_BITS 0xc7u

/** struct log_store_entry - one verified entry; @text is not NUL-terminated. */
struct log_store_entry {
	uint64_t index; /* dropped + position: counts every entry since the log began */
	uint64_t boot;
	uint64_t seq;
	uint64_t time_us;
	uint8_t level;
	uint8_t cpu;
	uint16_t len;
	const char *text;
};

/**
 * struct log_store_report - why a log did not verify.
 * @entry: position of the entry that failed (0-based among those held), or
 *         LOG_STORE_AT_HEADER; @boot/@seq: that entry's (or, for a chain break, the
 *         entry whose chain value did not match), 0 if unknown.
 * @verified: entries that verified before the failure.
 */
struct log_store_report {
	enum svsm_err err;
	uint32_t entry;
	uint32_t verified;
	uint64_t boot;
	uint64_t seq;
	char msg[LOG_STORE_MSG_MAX];
};
#define LOG_STORE_AT_HEADER UINT32_MAX

/** struct log_store_info - the header of a verified log. */
struct log_store_info {
	uint32_t count;
	uint64_t boot;
	uint64_t dropped;
};

/**
 * struct log_store - a log in memory, ready to append to. @buf holds the record as it
 * will be written (the header is filled by log_store_seal()).
 */
struct log_store {
	uint8_t key[LOG_STORE_KEY_SIZE];
	uint32_t size; /* bytes of @buf in use, header included */
	uint32_t count;
	uint64_t boot;
	uint64_t dropped;
	uint8_t anchor[LOG_STORE_CHAIN_SIZE];
	uint8_t head[LOG_STORE_CHAIN_SIZE];
	uint8_t buf[LOG_STORE_MAX];
};

typedef void (*log_store_entry_fn)(const struct log_store_entry *e, void *arg);

/**
 * log_store_verify - check a log record (@size untrusted bytes) with chain key @key:
 * every field, every entry's chain value, the anchor, the header MAC. @fn (may be NULL)
 * is called for each entry whose chain value verified, in order, before a later failure
 * is found. SVSM_OK and @info filled, or SVSM_E_FORMAT (a malformed field) or
 * SVSM_E_CRYPTO (chain or MAC) with @rep naming the entry.
 */
enum svsm_err log_store_verify(const uint8_t key[LOG_STORE_KEY_SIZE], const uint8_t *data,
			       size_t size, log_store_entry_fn fn, void *arg,
			       struct log_store_info *info,
			       struct log_store_report *rep) SVSM_MUST_CHECK;

/** log_store_init - an empty log (boot 0) with chain key @key. */
enum svsm_err log_store_init(struct log_store *ls,
			     const uint8_t key[LOG_STORE_KEY_SIZE]) SVSM_MUST_CHECK;

/** log_store_load - verify @data and take it as @ls (log_store_init() on failure). */
enum svsm_err log_store_load(struct log_store *ls, const uint8_t key[LOG_STORE_KEY_SIZE],
			     const uint8_t *data, size_t size,
			     struct log_store_report *rep) SVSM_MUST_CHECK;

/** log_store_begin_boot - the entries appended from now on belong to boot + 1. */
void log_store_begin_boot(struct log_store *ls);

/**
 * log_store_append - add one entry of the current boot (text over LOG_STORE_TEXT_MAX is
 * cut and flagged truncated), dropping the oldest entries until it fits. SVSM_E_INVALID_PARAM
 * before log_store_begin_boot(); SVSM_E_CRYPTO if the HMAC failed (nothing changed).
 */
enum svsm_err log_store_append(struct log_store *ls, uint64_t seq, uint64_t time_us, uint8_t level,
			       uint8_t cpu, const char *text, size_t len) SVSM_MUST_CHECK;

/** log_store_seal - write the header (with its MAC) and return the record's bytes. */
enum svsm_err log_store_seal(struct log_store *ls, const uint8_t **data,
			     uint32_t *size) SVSM_MUST_CHECK;

/** log_store_wipe - forget the key and the entries. */
void log_store_wipe(struct log_store *ls);
