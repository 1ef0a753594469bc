/*
 * libFuzzer target for the persistent log's verifier (lib/log_store.c). The first input
 * byte picks a mode:
 *   even: the rest is a log record as read from a decrypted state record, verified with a
 *         fixed key (headers, lengths, counts, truncation: every bound);
 *   odd:  a genuine record is built from the input (boots, lines, drops of the oldest
 *         entries), sealed and verified, then damaged by the input's (offset, xor) pairs
 *         and verified again.
 * Checked: no read outside the record (heap copy at its exact size), every failure has a
 * message, the genuine record verifies with every entry handed out in order, and a damaged
 * record that differs from the genuine one never verifies (that would be a forgery).
 */
#include "lib/log_store.h"

#include <stdint.h>
#include <stdlib.h>

#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const uint8_t key[LOG_STORE_KEY_SIZE] = {0x42, 0x17};

struct walk {
	uint64_t last_index;
	uint32_t n;
};

static void count_entry(const struct log_store_entry *e, void *arg)
{
	struct walk *w = arg;

	if (e->len > LOG_STORE_TEXT_MAX || (w->n > 0 && e->index != w->last_index + 1)) {
		abort();
	}
	w->last_index = e->index;
	w->n++;
}

static void check(const uint8_t *rec, size_t n, bool must_pass)
{
	uint8_t *copy = malloc(n != 0 ? n : 1);
	struct log_store_report rep;
	struct log_store_info info;
	struct walk w = {0};
	enum svsm_err err;

	if (copy == NULL) {
		return;
	}
	memcpy(copy, rec, n);
	err = log_store_verify(key, copy, n, count_entry, &w, &info, &rep);
	if (err != SVSM_OK && rep.msg[0] == '\0') {
		abort();
	}
	if (must_pass && (err != SVSM_OK || w.n != info.count)) {
		abort();
	}
	if (err == SVSM_OK && w.n != info.count) {
		abort();
	}
	free(copy);
}

static struct log_store ls;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *rec;
	uint32_t rec_size;
	uint8_t *damaged;
	size_t i = 1;
	uint64_t seq = 0;

	if (size == 0) {
		return 0;
	}
	if ((data[0] & 1) == 0) {
		check(data + 1, size - 1, false);
		return 0;
	}
	if (log_store_init(&ls, key) != SVSM_OK) {
		abort();
	}
	log_store_begin_boot(&ls);
	/* Build: a byte b: 0xff starts a new boot, else a line of (b % 64) * 4 bytes (so the
	 * record fills and drops quickly); 0xfe ends the build. */
	while (i < size && data[i] != 0xfe) {
		uint8_t b = data[i++];
		char text[256];
		size_t len = (size_t)(b % 64) * 4;

		if (b == 0xff) {
			log_store_begin_boot(&ls);
			seq = 0;
			continue;
		}
		for (size_t j = 0; j < len; j++) {
			text[j] = (char)('a' + (b + j) % 26);
		}
		for (unsigned rep = 0; rep < 1u + b / 64u; rep++) {
			if (log_store_append(&ls, seq++, b, b & 7u, b, text, len) != SVSM_OK) {
				abort();
			}
		}
	}
	i++;
	if (log_store_seal(&ls, &rec, &rec_size) != SVSM_OK || rec_size > LOG_STORE_MAX) {
		abort();
	}
	check(rec, rec_size, true);
	damaged = malloc(rec_size);
	if (damaged == NULL) {
		return 0;
	}
	memcpy(damaged, rec, rec_size);
	/* Damage: (3-byte offset, xor) pairs; the record may also be cut to the last offset. */
	while (i + 4 <= size) {
		size_t off =
		    ((size_t)data[i] | (size_t)data[i + 1] << 8 | (size_t)data[i + 2] << 16) %
		    rec_size;

		damaged[off] ^= data[i + 3];
		i += 4;
	}
	if (memcmp(damaged, rec, rec_size) != 0) {
		struct log_store_report rep;

		if (log_store_verify(key, damaged, rec_size, NULL, NULL, NULL, &rep) == SVSM_OK) {
			abort(); /* a changed record verified */
		}
	}
	if (i < size && data[i] % 2 == 1 && rec_size > 0) {
		check(damaged, data[i] % rec_size, false);
	}
	free(damaged);
	return 0;
}
