/*
 * state_store_test.c: the state store (lib/state_store.c) on a RAM block device that can
 * lose power after any sector: round trips, slot choice, torn commits at every sector,
 * every header and record byte flipped, truncation, wrong keys, rollback, size limits.
 */
#include "harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/state_store.h"

/* A RAM disk; after @budget sector writes it "loses power": later writes are dropped. */
struct memdev {
	uint8_t *buf;
	uint64_t sectors;
	int64_t budget; /* sectors still writable; < 0: unlimited */
	bool torn;      /* the sector at the cut gets its first half written */
	bool dead;      /* a write was dropped: the power is off */
	uint32_t writes, flushes;
};

static enum svsm_err md_read(void *ctx, uint64_t lba, void *buf, uint32_t n)
{
	struct memdev *m = ctx;

	if (lba > m->sectors || n > m->sectors - lba) {
		return SVSM_E_IO;
	}
	memcpy(buf, m->buf + lba * STATE_SECTOR_SIZE, (size_t)n * STATE_SECTOR_SIZE);
	return SVSM_OK;
}

static enum svsm_err md_write(void *ctx, uint64_t lba, const void *buf, uint32_t n)
{
	struct memdev *m = ctx;
	const uint8_t *src = buf;
	uint32_t i;

	if (lba > m->sectors || n > m->sectors - lba) {
		return SVSM_E_IO;
	}
	for (i = 0; i < n; i++) {
		uint8_t *dst = m->buf + (lba + i) * STATE_SECTOR_SIZE;

		if (m->budget == 0) {
			m->dead = true;
			if (m->torn) {
				memcpy(dst, src + (size_t)i * STATE_SECTOR_SIZE, STATE_SECTOR_SIZE / 2);
				m->torn = false;
			}
			return SVSM_E_IO;
		}
		memcpy(dst, src + (size_t)i * STATE_SECTOR_SIZE, STATE_SECTOR_SIZE);
		m->writes++;
		if (m->budget > 0) {
			m->budget--;
		}
	}
	return SVSM_OK;
}

static enum svsm_err md_flush(void *ctx)
{
	struct memdev *m = ctx;

	m->flushes++;
	return m->dead ? SVSM_E_IO : SVSM_OK;
}

static struct state_dev md_dev(struct memdev *m, uint64_t sectors)
{
	struct state_dev d = {m, sectors, md_read, md_write, md_flush};

	memset(m, 0, sizeof(*m));
	m->sectors = sectors;
	m->budget = -1;
	m->buf = calloc(sectors, STATE_SECTOR_SIZE);
	return d;
}

static void keys_for(uint8_t seed, struct state_keys *k)
{
	uint8_t secret[STATE_SECRET_SIZE];

	memset(secret, seed, sizeof(secret));
	if (state_keys_derive(secret, k) != SVSM_OK) {
		unit_fail(__FILE__, __LINE__, "state_keys_derive failed");
	}
}

static void fill(uint8_t *p, size_t n, uint32_t seed)
{
	size_t i;

	for (i = 0; i < n; i++) {
		p[i] = (uint8_t)((i * 31 + seed * 7 + (i >> 8)) & 0xff);
	}
}

/* Sets record @type to @size pattern bytes from @seed. */
static enum svsm_err set_pattern(struct state *st, uint32_t type, uint32_t size, uint32_t seed)
{
	uint8_t *p = malloc(size);
	enum svsm_err err;

	fill(p, size, seed);
	err = state_set(st, type, p, size);
	free(p);
	return err;
}

static bool has_pattern(const struct state *st, uint32_t type, uint32_t size, uint32_t seed)
{
	const uint8_t *d = NULL;
	uint32_t n = 0;
	uint8_t *p = NULL;
	bool same;

	if (state_get(st, type, &d, &n) != SVSM_OK || n != size) {
		return false;
	}
	p = malloc(size);
	fill(p, size, seed);
	same = memcmp(p, d, size) == 0;
	free(p);
	return same;
}

static bool contains(const char *s, const char *what)
{
	return strstr(s, what) != NULL;
}

TEST(state_store, keys_differ_by_purpose_and_secret)
{
	struct state_keys a, b;

	keys_for(1, &a);
	keys_for(2, &b);
	EXPECT_NE(memcmp(a.key_id, b.key_id, sizeof(a.key_id)), 0);
	EXPECT_NE(memcmp(a.header, a.record[STATE_REC_VTPM], 32), 0);
	EXPECT_NE(memcmp(a.record[STATE_REC_VTPM], a.record[STATE_REC_UEFI_VARS], 32), 0);
	EXPECT_NE(memcmp(a.record[STATE_REC_UEFI_VARS], a.record[STATE_REC_LOG], 32), 0);
	keys_for(1, &b);
	EXPECT_MEMEQ(&a, &b, sizeof(a));
}

TEST(state_store, blank_then_format_then_round_trip)
{
	struct memdev m;
	struct state_dev d = md_dev(&m, 8192);
	struct state_keys k;
	struct state st, back;
	struct state_report rep;

	keys_for(7, &k);
	memset(&st, 0, sizeof(st));
	memset(&back, 0, sizeof(back));
	EXPECT_EQ(state_load(&d, &k, &back, &rep), SVSM_E_NOT_FOUND);
	EXPECT_TRUE(contains(rep.msg, "blank"));
	ASSERT_EQ(state_format(&d, &k, &st, &rep), SVSM_OK);
	EXPECT_EQ(state_generation(&st), 1u);
	ASSERT_EQ(state_load(&d, &k, &back, &rep), SVSM_OK);
	EXPECT_EQ(state_generation(&back), 1u);
	EXPECT_EQ(back.active_slot, 0u);
	ASSERT_EQ(set_pattern(&st, STATE_REC_VTPM, 5000, 1), SVSM_OK);
	ASSERT_EQ(set_pattern(&st, STATE_REC_VTPM_VOLATILE, 1, 2), SVSM_OK);
	ASSERT_EQ(set_pattern(&st, STATE_REC_UEFI_VARS, 600 * 1024, 3), SVSM_OK);
	ASSERT_EQ(set_pattern(&st, STATE_REC_LOG, 512, 4), SVSM_OK);
	ASSERT_EQ(state_commit(&d, &k, &st, &rep), SVSM_OK);
	EXPECT_EQ(state_generation(&st), 2u);
	ASSERT_EQ(state_load(&d, &k, &back, &rep), SVSM_OK);
	EXPECT_EQ(state_generation(&back), 2u);
	EXPECT_EQ(back.active_slot, 1u);
	EXPECT_TRUE(has_pattern(&back, STATE_REC_VTPM, 5000, 1));
	EXPECT_TRUE(has_pattern(&back, STATE_REC_VTPM_VOLATILE, 1, 2));
	EXPECT_TRUE(has_pattern(&back, STATE_REC_UEFI_VARS, 600 * 1024, 3));
	EXPECT_TRUE(has_pattern(&back, STATE_REC_LOG, 512, 4));
	EXPECT_EQ(rep.slot[0].generation, 1u);
	EXPECT_EQ(rep.slot[1].generation, 2u);
	/* Deleting a record and committing from the loaded copy. */
	state_delete(&back, STATE_REC_LOG);
	ASSERT_EQ(state_commit(&d, &k, &back, &rep), SVSM_OK);
	ASSERT_EQ(state_load(&d, &k, &st, &rep), SVSM_OK);
	EXPECT_EQ(state_generation(&st), 3u);
	EXPECT_EQ(st.active_slot, 0u);
	{
		const uint8_t *p = NULL;
		uint32_t n = 0;

		EXPECT_EQ(state_get(&st, STATE_REC_LOG, &p, &n), SVSM_E_NOT_FOUND);
	}
	EXPECT_TRUE(has_pattern(&st, STATE_REC_UEFI_VARS, 600 * 1024, 3));
	state_free(&st);
	state_free(&back);
	free(m.buf);
}

TEST(state_store, generations_alternate_slots_and_highest_wins)
{
	struct memdev m;
	struct state_dev d = md_dev(&m, 256);
	struct state_keys k;
	struct state st, back;
	struct state_report rep;
	uint32_t i;

	keys_for(3, &k);
	memset(&back, 0, sizeof(back));
	ASSERT_EQ(state_init(&st, d.sectors), SVSM_OK);
	for (i = 1; i <= 6; i++) {
		ASSERT_EQ(set_pattern(&st, STATE_REC_VTPM, 100 * i, i), SVSM_OK);
		ASSERT_EQ(state_commit(&d, &k, &st, &rep), SVSM_OK);
		EXPECT_EQ(state_generation(&st), i);
		EXPECT_EQ(st.active_slot, (i - 1) % 2);
		ASSERT_EQ(state_load(&d, &k, &back, &rep), SVSM_OK);
		EXPECT_EQ(state_generation(&back), i);
		EXPECT_TRUE(has_pattern(&back, STATE_REC_VTPM, 100 * i, i));
	}
	EXPECT_EQ(rep.slot[0].generation, 5u);
	EXPECT_EQ(rep.slot[1].generation, 6u);
	state_free(&st);
	state_free(&back);
	free(m.buf);
}

/* Power cut after every possible number of sector writes, whole or torn. */
static void torn_commit_case(bool torn)
{
	struct memdev m;
	struct state_dev d = md_dev(&m, 512);
	struct state_keys k;
	struct state st, back;
	struct state_commit c;
	struct state_report rep;
	uint8_t *snap = malloc(512 * STATE_SECTOR_SIZE);
	uint32_t total = 0, cut, i, old_seen = 0, new_seen = 0;

	keys_for(5, &k);
	memset(&back, 0, sizeof(back));
	ASSERT_EQ(state_init(&st, d.sectors), SVSM_OK);
	ASSERT_EQ(set_pattern(&st, STATE_REC_VTPM, 3000, 10), SVSM_OK);
	ASSERT_EQ(state_commit(&d, &k, &st, &rep), SVSM_OK);
	ASSERT_EQ(set_pattern(&st, STATE_REC_VTPM, 3100, 11), SVSM_OK);
	ASSERT_EQ(state_commit(&d, &k, &st, &rep), SVSM_OK); /* both slots now valid */
	ASSERT_EQ(set_pattern(&st, STATE_REC_VTPM, 4000, 12), SVSM_OK);
	ASSERT_EQ(set_pattern(&st, STATE_REC_LOG, 900, 13), SVSM_OK);
	ASSERT_EQ(state_commit_prepare(&k, &st, &c, &rep), SVSM_OK);
	for (i = 0; i < c.write_count; i++) {
		total += c.writes[i].sectors;
	}
	total += 1;
	EXPECT_EQ(c.header.lba, state_slot_lba(st.slot_sectors, 0)); /* gen 3 goes to A */
	memcpy(snap, m.buf, 512 * STATE_SECTOR_SIZE);
	for (cut = 0; cut <= total; cut++) {
		memcpy(m.buf, snap, 512 * STATE_SECTOR_SIZE);
		m.budget = cut;
		m.torn = torn;
		m.dead = false;
		if (cut < total) {
			EXPECT_NE(state_commit_write(&d, &c, &rep), SVSM_OK);
		} else {
			EXPECT_EQ(state_commit_write(&d, &c, &rep), SVSM_OK);
		}
		m.budget = -1;
		ASSERT_EQ(state_load(&d, &k, &back, &rep), SVSM_OK);
		if (state_generation(&back) == 3) {
			EXPECT_TRUE(has_pattern(&back, STATE_REC_VTPM, 4000, 12));
			EXPECT_TRUE(has_pattern(&back, STATE_REC_LOG, 900, 13));
			new_seen++;
		} else {
			EXPECT_EQ(state_generation(&back), 2u);
			EXPECT_TRUE(has_pattern(&back, STATE_REC_VTPM, 3100, 11));
			EXPECT_FALSE(has_pattern(&back, STATE_REC_LOG, 900, 13));
			old_seen++;
		}
	}
	EXPECT_EQ(new_seen, 1u); /* only a completed header write makes generation 3 current */
	EXPECT_EQ(old_seen, total);
	state_commit_free(&c);
	state_free(&st);
	state_free(&back);
	free(snap);
	free(m.buf);
}

TEST(state_store, torn_commit_at_every_sector)
{
	torn_commit_case(false);
}

TEST(state_store, torn_commit_with_half_written_sector)
{
	torn_commit_case(true);
}

/*
 * A first-boot format cut at any sector leaves a blank or a formatted device; only a
 * half-written header sector (a device without atomic sector writes) leaves a device that
 * is neither, and that is refused (never taken for blank: that would wipe a real state).
 */
TEST(state_store, torn_format_leaves_blank_or_formatted)
{
	struct memdev m;
	struct state_dev d = md_dev(&m, 64);
	struct state_keys k;
	struct state st, back;
	struct state_report rep;
	uint32_t cut, torn;
	enum svsm_err err = SVSM_OK;

	keys_for(6, &k);
	memset(&back, 0, sizeof(back));
	for (torn = 0; torn < 2; torn++) {
		for (cut = 0; cut <= 4; cut++) { /* B header, 2 record sectors, A header */
			memset(m.buf, 0, 64 * STATE_SECTOR_SIZE);
			m.budget = cut;
			m.torn = torn != 0;
			m.dead = false;
			ASSERT_EQ(state_init(&st, d.sectors), SVSM_OK);
			ASSERT_EQ(set_pattern(&st, STATE_REC_VTPM, 700, 1), SVSM_OK);
			err = state_commit(&d, &k, &st, &rep);
			EXPECT_EQ(err == SVSM_OK, cut == 4);
			m.budget = -1;
			err = state_load(&d, &k, &back, &rep);
			if (torn && cut == 3) {
				EXPECT_NE(err, SVSM_OK);
				EXPECT_NE(err, SVSM_E_NOT_FOUND);
				EXPECT_TRUE(contains(rep.msg, "no valid slot"));
			} else {
				EXPECT_TRUE(err == SVSM_E_NOT_FOUND || err == SVSM_OK);
			}
			if (err == SVSM_OK) {
				EXPECT_TRUE(has_pattern(&back, STATE_REC_VTPM, 700, 1));
			}
			state_free(&st);
		}
		EXPECT_EQ(err, SVSM_OK); /* the last cut let every write through */
	}
	state_free(&back);
	free(m.buf);
}

/* Builds a device whose only valid slot (A, generation 1) holds one 700-byte vTPM record. */
static void one_slot_image(struct memdev *m, struct state_dev *d, struct state_keys *k)
{
	struct state st;
	struct state_report rep;

	*d = md_dev(m, 64);
	keys_for(9, k);
	if (state_init(&st, d->sectors) != SVSM_OK ||
	    set_pattern(&st, STATE_REC_VTPM, 700, 1) != SVSM_OK ||
	    state_commit(d, k, &st, &rep) != SVSM_OK) {
		unit_fail(__FILE__, __LINE__, "one_slot_image: %s", rep.msg);
	}
	state_free(&st);
}

TEST(state_store, every_flipped_byte_is_rejected)
{
	struct memdev m;
	struct state_dev d;
	struct state_keys k;
	struct state back;
	struct state_report rep;
	uint32_t i, bit, used = 3 * STATE_SECTOR_SIZE; /* header + 2 record sectors */
	uint32_t failures = 0;

	one_slot_image(&m, &d, &k);
	memset(&back, 0, sizeof(back));
	ASSERT_EQ(state_load(&d, &k, &back, &rep), SVSM_OK);
	for (i = 0; i < used; i++) {
		for (bit = 0; bit < 8; bit += 7) {
			m.buf[i] ^= (uint8_t)(1u << bit);
			if (state_load(&d, &k, &back, &rep) == SVSM_OK || rep.msg[0] == '\0') {
				failures++;
				if (failures < 5) {
					unit_fail(__FILE__, __LINE__, "byte %u bit %u accepted", i, bit);
				}
			}
			m.buf[i] ^= (uint8_t)(1u << bit);
		}
	}
	EXPECT_EQ(failures, 0u);
	ASSERT_EQ(state_load(&d, &k, &back, &rep), SVSM_OK);
	state_free(&back);
	free(m.buf);
}

/* Flips byte @off of slot A and returns the load's message. */
static const char *flip_msg(struct memdev *m, const struct state_dev *d,
			    const struct state_keys *k, uint32_t off, struct state_report *rep)
{
	struct state back;

	memset(&back, 0, sizeof(back));
	m->buf[off] ^= 0x01;
	if (state_load(d, k, &back, rep) == SVSM_OK) {
		snprintf(rep->msg, sizeof(rep->msg), "ACCEPTED");
	}
	m->buf[off] ^= 0x01;
	state_free(&back);
	return rep->msg;
}

TEST(state_store, each_byte_class_names_what_failed)
{
	struct memdev m;
	struct state_dev d;
	struct state_keys k;
	struct state_report rep;

	one_slot_image(&m, &d, &k);
	EXPECT_TRUE(contains(flip_msg(&m, &d, &k, 0x000, &rep), "header magic"));
	EXPECT_TRUE(contains(flip_msg(&m, &d, &k, 0x008, &rep), "header version"));
	EXPECT_TRUE(contains(flip_msg(&m, &d, &k, 0x00a, &rep), "header size"));
	EXPECT_TRUE(contains(flip_msg(&m, &d, &k, 0x00c, &rep), "header slot index"));
	EXPECT_TRUE(contains(flip_msg(&m, &d, &k, 0x011, &rep), "header MAC")); /* generation */
	EXPECT_TRUE(contains(flip_msg(&m, &d, &k, 0x018, &rep), "header slot size"));
	EXPECT_TRUE(contains(flip_msg(&m, &d, &k, 0x024, &rep), "header reserved"));
	EXPECT_TRUE(contains(flip_msg(&m, &d, &k, 0x030, &rep), "key id"));
	EXPECT_TRUE(contains(flip_msg(&m, &d, &k, 0x040, &rep), "record 0 type"));
	EXPECT_TRUE(contains(flip_msg(&m, &d, &k, 0x044, &rep), "record 0 flags"));
	EXPECT_TRUE(contains(flip_msg(&m, &d, &k, 0x048, &rep), "record 0 offset"));
	EXPECT_TRUE(contains(flip_msg(&m, &d, &k, 0x050, &rep), "header MAC")); /* IV */
	EXPECT_TRUE(contains(flip_msg(&m, &d, &k, 0x060, &rep), "header MAC")); /* tag */
	EXPECT_TRUE(contains(flip_msg(&m, &d, &k, 0x070, &rep), "directory entry 1"));
	EXPECT_TRUE(contains(flip_msg(&m, &d, &k, 0x1e0, &rep), "header MAC"));
	EXPECT_TRUE(contains(flip_msg(&m, &d, &k, 0x200, &rep), "record 0 (vtpm) tag"));
	EXPECT_TRUE(contains(flip_msg(&m, &d, &k, 0x200 + 699, &rep), "record 0 (vtpm) tag"));
	EXPECT_TRUE(contains(flip_msg(&m, &d, &k, 0x200 + 700, &rep), "record 0 (vtpm) padding"));
	EXPECT_TRUE(contains(rep.msg, "slot A generation 1"));
	free(m.buf);
}

TEST(state_store, authenticated_header_over_bad_records_does_not_fall_back)
{
	struct memdev m;
	struct state_dev d = md_dev(&m, 64);
	struct state_keys k;
	struct state st, back;
	struct state_report rep;
	uint64_t b = 32 * STATE_SECTOR_SIZE; /* slot B */

	keys_for(4, &k);
	memset(&back, 0, sizeof(back));
	ASSERT_EQ(state_init(&st, d.sectors), SVSM_OK);
	ASSERT_EQ(set_pattern(&st, STATE_REC_VTPM, 600, 1), SVSM_OK);
	ASSERT_EQ(state_commit(&d, &k, &st, &rep), SVSM_OK);
	ASSERT_EQ(set_pattern(&st, STATE_REC_VTPM, 600, 2), SVSM_OK);
	ASSERT_EQ(state_commit(&d, &k, &st, &rep), SVSM_OK);
	/* Ciphertext of the newest slot: refused outright. */
	m.buf[b + STATE_SECTOR_SIZE + 5] ^= 0x80;
	EXPECT_EQ(state_load(&d, &k, &back, &rep), SVSM_E_CRYPTO);
	EXPECT_TRUE(contains(rep.msg, "slot B generation 2: record 0 (vtpm) tag"));
	m.buf[b + STATE_SECTOR_SIZE + 5] ^= 0x80;
	/* Its header MAC: like a torn header write, the older slot is used (and reported). */
	m.buf[b + 0x1e0] ^= 0x80;
	ASSERT_EQ(state_load(&d, &k, &back, &rep), SVSM_OK);
	EXPECT_EQ(state_generation(&back), 1u);
	EXPECT_TRUE(has_pattern(&back, STATE_REC_VTPM, 600, 1));
	EXPECT_TRUE(contains(rep.slot[1].msg, "header MAC"));
	EXPECT_EQ(state_check_generation(&back, 2, &rep), SVSM_E_INVALID_REQUEST);
	EXPECT_TRUE(contains(rep.msg, "generation 1 older than 2"));
	state_free(&st);
	state_free(&back);
	free(m.buf);
}

TEST(state_store, truncated_image_is_rejected)
{
	struct memdev m, small;
	struct state_dev d, ds;
	struct state_keys k;
	struct state back;
	struct state_report rep;

	one_slot_image(&m, &d, &k);
	memset(&back, 0, sizeof(back));
	/* The device shrank: the slot geometry no longer matches. */
	ds = md_dev(&small, 40);
	memcpy(small.buf, m.buf, 40 * STATE_SECTOR_SIZE);
	EXPECT_NE(state_load(&ds, &k, &back, &rep), SVSM_OK);
	EXPECT_TRUE(contains(rep.msg, "header slot size"));
	/* Reads past sector 1 fail: the slot is truncated. */
	d.sectors = 64;
	m.sectors = 2;
	EXPECT_NE(state_load(&d, &k, &back, &rep), SVSM_OK);
	EXPECT_TRUE(contains(rep.slot[0].msg, "truncated"));
	/* A device too small to hold two slots. */
	ds.sectors = 2 * STATE_SLOT_SECTORS_MIN - 1;
	EXPECT_EQ(state_load(&ds, &k, &back, &rep), SVSM_E_FORMAT);
	EXPECT_TRUE(contains(rep.msg, "device too small"));
	free(small.buf);
	free(m.buf);
}

TEST(state_store, wrong_key_is_refused)
{
	struct memdev m;
	struct state_dev d;
	struct state_keys k, other;
	struct state back;
	struct state_report rep;

	one_slot_image(&m, &d, &k);
	keys_for(10, &other);
	memset(&back, 0, sizeof(back));
	EXPECT_EQ(state_load(&d, &other, &back, &rep), SVSM_E_CRYPTO);
	EXPECT_TRUE(contains(rep.msg, "key id"));
	/* Same key id, different MAC key (a forged key id): the MAC refuses it. */
	memcpy(other.key_id, k.key_id, sizeof(k.key_id));
	EXPECT_EQ(state_load(&d, &other, &back, &rep), SVSM_E_CRYPTO);
	EXPECT_TRUE(contains(rep.msg, "header MAC"));
	free(m.buf);
}

TEST(state_store, older_image_copied_back_loads_with_its_generation)
{
	struct memdev m;
	struct state_dev d = md_dev(&m, 128);
	struct state_keys k;
	struct state st, back;
	struct state_report rep;
	uint8_t *snap = malloc(128 * STATE_SECTOR_SIZE);
	uint32_t i;

	keys_for(8, &k);
	memset(&back, 0, sizeof(back));
	ASSERT_EQ(state_format(&d, &k, &st, &rep), SVSM_OK);
	ASSERT_EQ(set_pattern(&st, STATE_REC_VTPM, 300, 1), SVSM_OK);
	ASSERT_EQ(state_commit(&d, &k, &st, &rep), SVSM_OK);
	memcpy(snap, m.buf, 128 * STATE_SECTOR_SIZE); /* generation 2 */
	for (i = 0; i < 3; i++) {
		ASSERT_EQ(set_pattern(&st, STATE_REC_VTPM, 300, 2 + i), SVSM_OK);
		ASSERT_EQ(state_commit(&d, &k, &st, &rep), SVSM_OK);
	}
	memcpy(m.buf, snap, 128 * STATE_SECTOR_SIZE);
	ASSERT_EQ(state_load(&d, &k, &back, &rep), SVSM_OK);
	EXPECT_EQ(state_generation(&back), 2u);
	EXPECT_TRUE(has_pattern(&back, STATE_REC_VTPM, 300, 1));
	EXPECT_EQ(state_check_generation(&back, 5, &rep), SVSM_E_INVALID_REQUEST);
	EXPECT_TRUE(contains(rep.msg, "generation 2 older than 5"));
	EXPECT_EQ(state_check_generation(&back, 2, &rep), SVSM_OK);
	/* A slot copied into the other slot's place is refused by its slot index. */
	memcpy(m.buf + 64 * STATE_SECTOR_SIZE, m.buf, 64 * STATE_SECTOR_SIZE);
	ASSERT_EQ(state_load(&d, &k, &back, &rep), SVSM_OK);
	EXPECT_TRUE(contains(rep.slot[1].msg, "header slot index"));
	state_free(&st);
	state_free(&back);
	free(snap);
	free(m.buf);
}

TEST(state_store, size_limits)
{
	struct memdev m;
	struct state_dev d = md_dev(&m, 64); /* slots of 32 sectors: 31 data sectors */
	struct state_keys k;
	struct state st;
	struct state_commit c;
	struct state_report rep;
	uint8_t byte = 0;

	keys_for(2, &k);
	ASSERT_EQ(state_init(&st, d.sectors), SVSM_OK);
	EXPECT_EQ(state_set(&st, STATE_REC_VTPM, &byte, 0), SVSM_E_INVALID_PARAM);
	EXPECT_EQ(state_set(&st, 0, &byte, 1), SVSM_E_INVALID_PARAM);
	EXPECT_EQ(state_set(&st, STATE_REC_TYPE_MAX + 1, &byte, 1), SVSM_E_INVALID_PARAM);
	EXPECT_EQ(set_pattern(&st, STATE_REC_VTPM, state_rec_type_max_size(STATE_REC_VTPM) + 1, 1),
		  SVSM_E_INVALID_PARAM);
	EXPECT_EQ(set_pattern(&st, STATE_REC_UEFI_VARS, STATE_RECORD_MAX + 1, 1),
		  SVSM_E_INVALID_PARAM);
	ASSERT_EQ(set_pattern(&st, STATE_REC_UEFI_VARS, 31 * STATE_SECTOR_SIZE, 1), SVSM_OK);
	ASSERT_EQ(state_commit_prepare(&k, &st, &c, &rep), SVSM_OK); /* exactly fits */
	state_commit_free(&c);
	ASSERT_EQ(set_pattern(&st, STATE_REC_UEFI_VARS, 31 * STATE_SECTOR_SIZE + 1, 1), SVSM_OK);
	EXPECT_EQ(state_commit_prepare(&k, &st, &c, &rep), SVSM_E_NOMEM);
	EXPECT_TRUE(contains(rep.msg, "state too large"));
	EXPECT_EQ(m.writes, 0u);
	state_free(&st);
	EXPECT_EQ(state_init(&st, 2 * STATE_SLOT_SECTORS_MIN - 1), SVSM_E_INVALID_PARAM);
	EXPECT_EQ(state_slot_sectors(1ull << 40), STATE_SLOT_SECTORS_MAX);
	state_free(&st);
	free(m.buf);
}

TEST(state_store, prepare_does_no_io_and_header_is_written_last)
{
	struct memdev m;
	struct state_dev d = md_dev(&m, 64);
	struct state_keys k;
	struct state st;
	struct state_commit c;
	struct state_report rep;

	keys_for(2, &k);
	ASSERT_EQ(state_init(&st, d.sectors), SVSM_OK);
	ASSERT_EQ(set_pattern(&st, STATE_REC_VTPM, 1500, 1), SVSM_OK);
	ASSERT_EQ(state_commit_prepare(&k, &st, &c, &rep), SVSM_OK);
	EXPECT_EQ(m.writes, 0u);
	EXPECT_EQ(m.flushes, 0u);
	ASSERT_EQ(c.write_count, 2u); /* format: slot B's header zeroed, then the records */
	EXPECT_EQ(c.writes[0].lba, 32u);
	EXPECT_EQ(c.writes[1].lba, 1u);
	EXPECT_EQ(c.writes[1].sectors, 3u);
	EXPECT_EQ(c.header.lba, 0u);
	ASSERT_EQ(state_commit_write(&d, &c, &rep), SVSM_OK);
	EXPECT_EQ(m.flushes, 2u);
	state_commit_done(&st, &c);
	EXPECT_EQ(state_generation(&st), 1u);
	state_commit_free(&c);
	state_free(&st);
	free(m.buf);
}

TEST(state_store, header_peek_without_key)
{
	struct memdev m;
	struct state_dev d;
	struct state_keys k;
	struct state_header_info info;
	struct state_report rep;

	one_slot_image(&m, &d, &k);
	ASSERT_EQ(state_header_peek(m.buf, 0, 32, &info, &rep), SVSM_OK);
	EXPECT_EQ(info.generation, 1u);
	EXPECT_EQ(info.record_count, 1u);
	EXPECT_EQ(info.rec[0].type, (uint32_t)STATE_REC_VTPM);
	EXPECT_EQ(info.rec[0].size, 700u);
	EXPECT_MEMEQ(info.key_id, k.key_id, sizeof(k.key_id));
	EXPECT_EQ(state_header_peek(m.buf + 32 * STATE_SECTOR_SIZE, 1, 32, &info, &rep),
		  SVSM_E_NOT_FOUND);
	EXPECT_TRUE(info.blank);
	EXPECT_EQ(state_rec_type_parse("uefi-vars"), (uint32_t)STATE_REC_UEFI_VARS);
	EXPECT_EQ(state_rec_type_parse("2"), (uint32_t)STATE_REC_VTPM_VOLATILE);
	EXPECT_EQ(state_rec_type_parse("nope"), 0u);
	EXPECT_EQ(state_rec_type_parse("uefi-mm"), (uint32_t)STATE_REC_UEFI_MM);
	EXPECT_EQ(state_rec_type_parse("5"), (uint32_t)STATE_REC_UEFI_MM);
	EXPECT_STREQ(state_rec_type_name(STATE_REC_UEFI_MM), "uefi-mm");
	EXPECT_EQ(state_rec_type_max_size(STATE_REC_UEFI_MM), 512u * 1024u);
	free(m.buf);
}
