/*
 * log_store_test.c: the persistent log record (lib/log_store.c): round trips across boots,
 * the oldest entries dropped with the chain still verifying, and every kind of tampering
 * found - a removed, reordered or changed entry (at that entry), entries cut off either
 * end, every flipped byte, every truncation, oversized lengths and counts, a wrong key.
 */
#include <stdio.h>
#include <stdlib.h>

#include "harness.h"
#include "lib/log_store.h"
#include <string.h>

static const uint8_t key1[LOG_STORE_KEY_SIZE] = {1, 2, 3, 4, 5, 6, 7, 8};
static const uint8_t key2[LOG_STORE_KEY_SIZE] = {9};

struct collected {
	uint32_t n;
	uint64_t first_index;
	uint64_t boot[64];
	uint64_t seq[64];
	char text[64][LOG_STORE_TEXT_MAX + 1];
	uint8_t level[64];
};

static void collect(const struct log_store_entry *e, void *arg)
{
	struct collected *c = arg;

	if (c->n == 0) {
		c->first_index = e->index;
	}
	if (c->n < 64) {
		c->boot[c->n] = e->boot;
		c->seq[c->n] = e->seq;
		c->level[c->n] = e->level;
		memcpy(c->text[c->n], e->text, e->len);
		c->text[c->n][e->len] = '\0';
	}
	c->n++;
}

static struct log_store *new_store(void)
{
	struct log_store *ls = malloc(sizeof(*ls));

	if (ls != NULL && log_store_init(ls, key1) != SVSM_OK) {
		free(ls);
		return NULL;
	}
	return ls;
}

static void append_line(struct log_store *ls, uint64_t seq, const char *text)
{
	EXPECT_EQ(log_store_append(ls, seq, 1000 + seq, 2, 0, text, strlen(text)), SVSM_OK);
}

/* A sealed record of one boot with @n entries "line 0".."line n-1"; heap copy. */
static uint8_t *small_record(uint32_t n, size_t *size)
{
	struct log_store *ls = new_store();
	const uint8_t *data;
	uint32_t sz;
	uint8_t *copy;
	char text[32];

	if (ls == NULL) {
		return NULL;
	}
	log_store_begin_boot(ls);
	for (uint32_t i = 0; i < n; i++) {
		snprintf(text, sizeof(text), "line %u", i);
		append_line(ls, i, text);
	}
	if (log_store_seal(ls, &data, &sz) != SVSM_OK) {
		free(ls);
		return NULL;
	}
	copy = malloc(sz);
	memcpy(copy, data, sz);
	*size = sz;
	log_store_wipe(ls);
	free(ls);
	return copy;
}

/* Offset of entry @i in a record (entries are walked by their length fields). */
static size_t entry_off(const uint8_t *rec, uint32_t i)
{
	size_t off = LOG_STORE_HDR_SIZE;

	while (i-- > 0) {
		off += LOG_STORE_ENTRY_HDR + (rec[off + 26] | rec[off + 27] << 8) +
		       LOG_STORE_CHAIN_SIZE;
	}
	return off;
}

static void set_count(uint8_t *rec, uint32_t count)
{
	rec[12] = (uint8_t)count;
	rec[13] = (uint8_t)(count >> 8);
	rec[14] = (uint8_t)(count >> 16);
	rec[15] = (uint8_t)(count >> 24);
}

TEST(log_store, round_trip_across_boots)
{
	struct log_store *ls = new_store();
	struct log_store_info info;
	struct log_store_report rep;
	struct collected c;
	const uint8_t *data;
	uint32_t size;
	uint8_t *copy;

	ASSERT_TRUE(ls != NULL);
	EXPECT_EQ(log_store_append(ls, 0, 0, 2, 0, "x", 1), SVSM_E_INVALID_PARAM); /* no boot */
	log_store_begin_boot(ls);
	append_line(ls, 0, "first boot, line 0");
	append_line(ls, 1, "first boot, line 1");
	ASSERT_EQ(log_store_seal(ls, &data, &size), SVSM_OK);
	copy = malloc(size);
	memcpy(copy, data, size);
	/* The next boot loads it and appends. */
	ASSERT_EQ(log_store_load(ls, key1, copy, size, &rep), SVSM_OK);
	free(copy);
	log_store_begin_boot(ls);
	append_line(ls, 0, "second boot, line 0");
	ASSERT_EQ(log_store_seal(ls, &data, &size), SVSM_OK);
	memset(&c, 0, sizeof(c));
	ASSERT_EQ(log_store_verify(key1, data, size, collect, &c, &info, &rep), SVSM_OK);
	EXPECT_EQ(info.count, 3u);
	EXPECT_EQ(info.boot, 2u);
	EXPECT_EQ(info.dropped, 0u);
	ASSERT_EQ(c.n, 3u);
	EXPECT_EQ(c.boot[0], 1u);
	EXPECT_EQ(c.boot[1], 1u);
	EXPECT_EQ(c.boot[2], 2u);
	EXPECT_EQ(c.seq[2], 0u);
	EXPECT_STREQ(c.text[1], "first boot, line 1");
	EXPECT_STREQ(c.text[2], "second boot, line 0");
	/* A wrong key: the anchor is another key's genesis. */
	EXPECT_EQ(log_store_verify(key2, data, size, NULL, NULL, &info, &rep), SVSM_E_CRYPTO);
	EXPECT_TRUE(strstr(rep.msg, "anchor") != NULL);
	log_store_wipe(ls);
	free(ls);
}

TEST(log_store, long_text_is_cut_and_flagged)
{
	struct log_store *ls = new_store();
	struct log_store_report rep;
	struct collected c;
	const uint8_t *data;
	uint32_t size;
	char text[400];

	ASSERT_TRUE(ls != NULL);
	memset(text, 'a', sizeof(text));
	log_store_begin_boot(ls);
	EXPECT_EQ(log_store_append(ls, 0, 0, 3, 7, text, sizeof(text)), SVSM_OK);
	ASSERT_EQ(log_store_seal(ls, &data, &size), SVSM_OK);
	memset(&c, 0, sizeof(c));
	ASSERT_EQ(log_store_verify(key1, data, size, collect, &c, NULL, &rep), SVSM_OK);
	EXPECT_EQ(strlen(c.text[0]), LOG_STORE_TEXT_MAX);
	EXPECT_EQ(c.level[0], 3u | LOG_STORE_F_TRUNCATED);
	log_store_wipe(ls);
	free(ls);
}

TEST(log_store, oldest_dropped_first_chain_still_verifies)
{
	struct log_store *ls = new_store();
	struct log_store_info info;
	struct log_store_report rep;
	struct collected c;
	const uint8_t *data;
	uint32_t size, n = 5000, boots = 3;
	char text[200];
	uint8_t *copy;

	ASSERT_TRUE(ls != NULL);
	for (uint32_t b = 0; b < boots; b++) {
		log_store_begin_boot(ls);
		for (uint32_t i = 0; i < n; i++) {
			int len = snprintf(text, sizeof(text), "boot %u line %u %.*s", b + 1, i,
					   (int)(i % 150),
					   "......................................................."
					   "......................................................."
					   "..................................................");
			ASSERT_EQ(log_store_append(ls, i, i, 2, 1, text, (size_t)len), SVSM_OK);
		}
		/* Each boot reloads the sealed record, as the SVSM does. */
		ASSERT_EQ(log_store_seal(ls, &data, &size), SVSM_OK);
		EXPECT_LE(size, LOG_STORE_MAX);
		copy = malloc(size);
		memcpy(copy, data, size);
		ASSERT_EQ(log_store_load(ls, key1, copy, size, &rep), SVSM_OK);
		free(copy);
	}
	ASSERT_EQ(log_store_seal(ls, &data, &size), SVSM_OK);
	memset(&c, 0, sizeof(c));
	ASSERT_EQ(log_store_verify(key1, data, size, collect, &c, &info, &rep), SVSM_OK);
	EXPECT_GE(info.dropped, 2u * n);		 /* the first boots are gone ... */
	EXPECT_EQ(info.dropped + info.count, boots * n); /* ... and nothing else */
	EXPECT_EQ(c.first_index, info.dropped);
	EXPECT_EQ(c.n, info.count);
	EXPECT_GE(size, LOG_STORE_MAX - LOG_STORE_ENTRY_MAX);
	log_store_wipe(ls);
	free(ls);
}

TEST(log_store, removed_middle_entry_breaks_chain_at_next)
{
	size_t size, off2, off3;
	uint8_t *rec = small_record(6, &size);
	struct log_store_report rep;
	struct collected c;

	ASSERT_TRUE(rec != NULL);
	off2 = entry_off(rec, 2);
	off3 = entry_off(rec, 3);
	memmove(rec + off2, rec + off3, size - off3);
	size -= off3 - off2;
	set_count(rec, 5);
	memset(&c, 0, sizeof(c));
	EXPECT_EQ(log_store_verify(key1, rec, size, collect, &c, NULL, &rep), SVSM_E_CRYPTO);
	EXPECT_EQ(rep.entry, 2u);
	EXPECT_EQ(rep.seq, 3u); /* the entry after the gap */
	EXPECT_EQ(rep.verified, 2u);
	EXPECT_EQ(c.n, 2u); /* only the entries before the break were handed out */
	EXPECT_TRUE(strstr(rep.msg, "chain broken at entry 2") != NULL);
	free(rec);
}

TEST(log_store, swapped_entries_break_chain)
{
	size_t size, off1, off2, off3;
	uint8_t *rec = small_record(5, &size);
	uint8_t tmp[LOG_STORE_ENTRY_MAX];
	struct log_store_report rep;

	ASSERT_TRUE(rec != NULL);
	off1 = entry_off(rec, 1);
	off2 = entry_off(rec, 2);
	off3 = entry_off(rec, 3);
	ASSERT_EQ(off2 - off1, off3 - off2); /* "line 1" and "line 2": same length */
	memcpy(tmp, rec + off1, off2 - off1);
	memmove(rec + off1, rec + off2, off3 - off2);
	memcpy(rec + off2, tmp, off2 - off1);
	EXPECT_EQ(log_store_verify(key1, rec, size, NULL, NULL, NULL, &rep), SVSM_E_CRYPTO);
	EXPECT_EQ(rep.entry, 1u);
	EXPECT_EQ(rep.seq, 2u);
	free(rec);
}

TEST(log_store, changed_text_breaks_chain_at_that_entry)
{
	size_t size;
	uint8_t *rec = small_record(4, &size);
	struct log_store_report rep;

	ASSERT_TRUE(rec != NULL);
	rec[entry_off(rec, 3) + LOG_STORE_ENTRY_HDR] ^= 0x20; /* "line 3" -> "Line 3" */
	EXPECT_EQ(log_store_verify(key1, rec, size, NULL, NULL, NULL, &rep), SVSM_E_CRYPTO);
	EXPECT_EQ(rep.entry, 3u);
	free(rec);
}

TEST(log_store, entries_cut_off_either_end_are_found)
{
	size_t size, off;
	uint8_t *rec = small_record(4, &size);
	struct log_store_report rep;
	uint8_t *copy;

	ASSERT_TRUE(rec != NULL);
	/* The last entry removed and the count fixed: every chain value is right, the header
	 * MAC (over the last chain value) is not. */
	copy = malloc(size);
	memcpy(copy, rec, size);
	set_count(copy, 3);
	EXPECT_EQ(log_store_verify(key1, copy, entry_off(copy, 3), NULL, NULL, NULL, &rep),
		  SVSM_E_CRYPTO);
	EXPECT_TRUE(strstr(rep.msg, "header MAC") != NULL);
	/* The first entry removed, passed off as dropped: anchor = its chain value,
	 * dropped = 1. The header MAC needs the key. */
	memcpy(copy, rec, size);
	off = entry_off(copy, 1);
	memcpy(copy + 32, copy + off - LOG_STORE_CHAIN_SIZE, LOG_STORE_CHAIN_SIZE);
	copy[24] = 1;
	memmove(copy + LOG_STORE_HDR_SIZE, copy + off, size - off);
	set_count(copy, 3);
	EXPECT_EQ(
	    log_store_verify(key1, copy, size - (off - LOG_STORE_HDR_SIZE), NULL, NULL, NULL, &rep),
	    SVSM_E_CRYPTO);
	EXPECT_TRUE(strstr(rep.msg, "header MAC") != NULL);
	/* ... or not passed off as dropped: the anchor is no longer the genesis value. */
	memcpy(copy, rec, size);
	memmove(copy + LOG_STORE_HDR_SIZE, copy + off, size - off);
	set_count(copy, 3);
	EXPECT_EQ(
	    log_store_verify(key1, copy, size - (off - LOG_STORE_HDR_SIZE), NULL, NULL, NULL, &rep),
	    SVSM_E_CRYPTO);
	EXPECT_EQ(rep.entry, 0u);
	free(copy);
	free(rec);
}

TEST(log_store, every_flipped_byte_is_rejected)
{
	size_t size;
	uint8_t *rec = small_record(3, &size);
	struct log_store_report rep;

	ASSERT_TRUE(rec != NULL);
	ASSERT_EQ(log_store_verify(key1, rec, size, NULL, NULL, NULL, &rep), SVSM_OK);
	for (size_t i = 0; i < size; i++) {
		for (unsigned bit = 0; bit < 8; bit++) {
			rec[i] ^= (uint8_t)(1u << bit);
			if (log_store_verify(key1, rec, size, NULL, NULL, NULL, &rep) == SVSM_OK) {
				unit_fail(__FILE__, __LINE__, "byte %zu bit %u flipped: accepted",
					  i, bit);
			}
			EXPECT_TRUE(rep.msg[0] != '\0');
			rec[i] ^= (uint8_t)(1u << bit);
		}
	}
	free(rec);
}

TEST(log_store, every_truncation_is_rejected)
{
	size_t size;
	uint8_t *rec = small_record(3, &size);
	struct log_store_report rep;

	ASSERT_TRUE(rec != NULL);
	for (size_t n = 0; n < size; n++) {
		uint8_t *p = malloc(n != 0 ? n : 1); /* exact size: ASan sees any over-read */

		memcpy(p, rec, n);
		if (log_store_verify(key1, p, n, NULL, NULL, NULL, &rep) == SVSM_OK) {
			unit_fail(__FILE__, __LINE__, "record cut to %zu of %zu bytes: accepted", n,
				  size);
		}
		free(p);
	}
	free(rec);
}

TEST(log_store, huge_lengths_and_counts_are_refused)
{
	size_t size;
	uint8_t *rec = small_record(2, &size);
	struct log_store_report rep;
	uint8_t *big;

	ASSERT_TRUE(rec != NULL);
	rec[entry_off(rec, 1) + 26] = 0xff;
	rec[entry_off(rec, 1) + 27] = 0xff;
	EXPECT_EQ(log_store_verify(key1, rec, size, NULL, NULL, NULL, &rep), SVSM_E_FORMAT);
	EXPECT_TRUE(strstr(rep.msg, "text length 65535") != NULL);
	free(rec);
	rec = small_record(8, &size);
	set_count(rec, 0xffffffffu);
	EXPECT_EQ(log_store_verify(key1, rec, size, NULL, NULL, NULL, &rep), SVSM_E_FORMAT);
	EXPECT_TRUE(strstr(rep.msg, "does not fit") != NULL);
	set_count(rec, 9); /* within the bytes' bound, but there is no ninth entry */
	EXPECT_EQ(log_store_verify(key1, rec, size, NULL, NULL, NULL, &rep), SVSM_E_FORMAT);
	EXPECT_TRUE(strstr(rep.msg, "truncated") != NULL);
	set_count(rec, 7); /* one entry's bytes too many */
	EXPECT_EQ(log_store_verify(key1, rec, size, NULL, NULL, NULL, &rep), SVSM_E_FORMAT);
	EXPECT_TRUE(strstr(rep.msg, "bytes after entry") != NULL);
	free(rec);
	big = calloc(1, LOG_STORE_MAX + 1);
	ASSERT_TRUE(big != NULL);
	EXPECT_EQ(log_store_verify(key1, big, LOG_STORE_MAX + 1, NULL, NULL, NULL, &rep),
		  SVSM_E_FORMAT);
	EXPECT_EQ(log_store_verify(key1, big, 10, NULL, NULL, NULL, &rep), SVSM_E_FORMAT);
	free(big);
}

TEST(log_store, failed_load_starts_empty)
{
	size_t size;
	uint8_t *rec = small_record(2, &size);
	struct log_store *ls = malloc(sizeof(*ls));
	struct log_store_report rep;
	const uint8_t *data;
	uint32_t sz;

	ASSERT_TRUE(rec != NULL && ls != NULL);
	rec[size - 1] ^= 1;
	EXPECT_EQ(log_store_load(ls, key1, rec, size, &rep), SVSM_E_CRYPTO);
	EXPECT_EQ(ls->count, 0u);
	EXPECT_EQ(ls->boot, 0u);
	log_store_begin_boot(ls);
	append_line(ls, 0, "fresh");
	ASSERT_EQ(log_store_seal(ls, &data, &sz), SVSM_OK);
	EXPECT_EQ(log_store_verify(key1, data, sz, NULL, NULL, NULL, &rep), SVSM_OK);
	log_store_wipe(ls);
	free(ls);
	free(rec);
}
