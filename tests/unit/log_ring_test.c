/* log_ring_test.c: the log ring (kernel/lib/log_ring.c) as a reader sees it through log_ring_read(). */
#include "harness.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "kernel/lib/log_ring.h"

static uint8_t buf[LOG_RING_SIZE + LOG_RING_RECORD_MAX];

/* Record of total size 64 bytes: 20 header + 44 text. */
static void append_64(uint64_t n)
{
	char text[45];

	snprintf(text, sizeof(text), "%043llu|", (unsigned long long)n);
	log_ring_append(2, 0, n, text, 44);
}

TEST(log_ring, records_in_order_with_fields)
{
	struct log_ring_record rec;
	uint64_t next = 99;
	size_t n = 0;
	size_t off = 0;
	size_t used = 0;

	log_ring_reset();
	log_ring_append(0, 3, 111, "first", 5);
	log_ring_append(3 | LOG_RING_F_PARTIAL, 300, 222, "second", 6);
	log_ring_append(LOG_RING_LEVEL_RAW, 0, 333, "", 0);
	n = log_ring_read(0, buf, sizeof(buf), &next);
	EXPECT_EQ(n, (size_t)(3 * LOG_RING_HDR_SIZE + 11));
	EXPECT_EQ(next, 3u);

	used = log_ring_record_decode(buf, n, &rec);
	ASSERT_EQ(used, (size_t)(LOG_RING_HDR_SIZE + 5));
	EXPECT_EQ(rec.seq, 0u);
	EXPECT_EQ(rec.time_us, 111u);
	EXPECT_EQ(rec.level, 0u);
	EXPECT_EQ(rec.cpu, 3u);
	EXPECT_EQ(rec.len, 5u);
	EXPECT_MEMEQ(rec.text, "first", 5);
	off += used;

	used = log_ring_record_decode(&buf[off], n - off, &rec);
	ASSERT_EQ(used, (size_t)(LOG_RING_HDR_SIZE + 6));
	EXPECT_EQ(rec.seq, 1u);
	EXPECT_EQ(rec.time_us, 222u);
	EXPECT_EQ(rec.level, 3u | LOG_RING_F_PARTIAL);
	EXPECT_EQ(rec.cpu, LOG_RING_CPU_UNKNOWN);
	EXPECT_MEMEQ(rec.text, "second", 6);
	off += used;

	used = log_ring_record_decode(&buf[off], n - off, &rec);
	ASSERT_EQ(used, (size_t)LOG_RING_HDR_SIZE);
	EXPECT_EQ(rec.seq, 2u);
	EXPECT_EQ(rec.level, LOG_RING_LEVEL_RAW);
	EXPECT_EQ(rec.len, 0u);
	off += used;
	EXPECT_EQ(off, n);
}

TEST(log_ring, header_is_little_endian)
{
	uint64_t next = 0;
	size_t n = 0;
	static const uint8_t want[LOG_RING_HDR_SIZE] = {
		0, 0, 0, 0, 0, 0, 0, 0,                         /* seq 0 */
		0x08, 0x07, 0x06, 0x05, 0x04, 0x03, 0x02, 0x01, /* time_us */
		0x01, 0x02,                                     /* level, cpu */
		0x02, 0x00,                                     /* len 2 */
	};

	log_ring_reset();
	log_ring_append(1, 2, 0x0102030405060708ull, "hi", 2);
	n = log_ring_read(0, buf, sizeof(buf), &next);
	ASSERT_EQ(n, (size_t)(LOG_RING_HDR_SIZE + 2));
	EXPECT_MEMEQ(buf, want, sizeof(want));
	EXPECT_MEMEQ(&buf[LOG_RING_HDR_SIZE], "hi", 2);
}

TEST(log_ring, read_from_middle_and_from_future)
{
	struct log_ring_record rec;
	uint64_t next = 0;
	size_t n = 0;

	log_ring_reset();
	for (uint64_t i = 0; i < 10; i++) {
		append_64(i);
	}
	n = log_ring_read(6, buf, sizeof(buf), &next);
	EXPECT_EQ(n, (size_t)(4 * 64));
	EXPECT_EQ(next, 10u);
	ASSERT_EQ(log_ring_record_decode(buf, n, &rec), (size_t)64);
	EXPECT_EQ(rec.seq, 6u);
	EXPECT_EQ(rec.time_us, 6u);

	/* Nothing new. */
	EXPECT_EQ(log_ring_read(10, buf, sizeof(buf), &next), (size_t)0);
	EXPECT_EQ(next, 10u);
	/* A cursor from beyond the newest record resumes at the next record written. */
	EXPECT_EQ(log_ring_read(500, buf, sizeof(buf), &next), (size_t)0);
	EXPECT_EQ(next, 10u);
}

TEST(log_ring, full_ring_without_drop_then_oldest_dropped)
{
	struct log_ring_stats st;
	struct log_ring_record rec;
	uint64_t count = LOG_RING_SIZE / 64;
	uint64_t next = 0;
	size_t n = 0;

	log_ring_reset();
	for (uint64_t i = 0; i < count; i++) {
		append_64(i);
	}
	log_ring_stats(&st);
	EXPECT_EQ(st.dropped, 0u);
	EXPECT_EQ(st.bytes, LOG_RING_SIZE);
	EXPECT_EQ(st.first_seq, 0u);

	append_64(count);
	log_ring_stats(&st);
	EXPECT_EQ(st.dropped, 1u);
	EXPECT_EQ(st.first_seq, 1u);
	EXPECT_EQ(st.next_seq, count + 1);

	/* A longer record drops as many of the oldest as it needs. */
	log_ring_append(2, 0, 0, (const char *)buf, 200);
	log_ring_stats(&st);
	EXPECT_EQ(st.dropped, 1u + 4u); /* 220 bytes need four 64-byte records */
	EXPECT_LE(st.bytes, LOG_RING_SIZE);

	/* A reader at seq 0 starts at the oldest record held: the jump is the gap. */
	n = log_ring_read(0, buf, sizeof(buf), &next);
	EXPECT_EQ(n, (size_t)st.bytes);
	EXPECT_EQ(next, st.next_seq);
	ASSERT_EQ(log_ring_record_decode(buf, n, &rec), (size_t)64);
	EXPECT_EQ(rec.seq, 5u);
	EXPECT_EQ(rec.time_us, 5u);
}

TEST(log_ring, wraps_many_times_and_stays_consistent)
{
	struct log_ring_stats st;
	struct log_ring_record rec;
	uint64_t next = 0;
	uint64_t want = 0;
	size_t n = 0;
	size_t off = 0;
	char text[LOG_RING_TEXT_MAX];

	log_ring_reset();
	/* Sizes that do not divide the ring, so records straddle its end. */
	for (uint64_t i = 0; i < 20000; i++) {
		size_t len = (size_t)(i * 37 % LOG_RING_TEXT_MAX);

		memset(text, 'a' + (int)(i % 26), len);
		log_ring_append(2, 0, i, text, len);
	}
	log_ring_stats(&st);
	EXPECT_EQ(st.next_seq, 20000u);
	EXPECT_EQ(st.first_seq, st.dropped);
	EXPECT_LE(st.bytes, LOG_RING_SIZE);
	EXPECT_GE(st.bytes + LOG_RING_RECORD_MAX, LOG_RING_SIZE);

	n = log_ring_read(0, buf, sizeof(buf), &next);
	EXPECT_EQ(n, (size_t)st.bytes);
	want = st.first_seq;
	while (off < n) {
		size_t used = log_ring_record_decode(&buf[off], n - off, &rec);

		ASSERT_NE(used, (size_t)0);
		EXPECT_EQ(rec.seq, want);
		EXPECT_EQ(rec.time_us, want);
		EXPECT_EQ(rec.len, (uint16_t)(want * 37 % LOG_RING_TEXT_MAX));
		if (rec.len != 0) {
			EXPECT_EQ(rec.text[0], 'a' + (int)(want % 26));
			EXPECT_EQ(rec.text[rec.len - 1], 'a' + (int)(want % 26));
		}
		want++;
		off += used;
	}
	EXPECT_EQ(want, 20000u);
}

TEST(log_ring, long_line_truncated_and_marked)
{
	struct log_ring_record rec;
	char text[1000];
	uint64_t next = 0;
	size_t n = 0;

	memset(text, 'x', sizeof(text));
	log_ring_reset();
	log_ring_append(1, 0, 0, text, sizeof(text));
	log_ring_append(1, 0, 0, text, LOG_RING_TEXT_MAX);
	n = log_ring_read(0, buf, sizeof(buf), &next);
	ASSERT_EQ(n, (size_t)(2 * LOG_RING_RECORD_MAX));
	ASSERT_EQ(log_ring_record_decode(buf, n, &rec), (size_t)LOG_RING_RECORD_MAX);
	EXPECT_EQ(rec.len, LOG_RING_TEXT_MAX);
	EXPECT_EQ(rec.level, 1u | LOG_RING_F_TRUNCATED);
	ASSERT_EQ(log_ring_record_decode(&buf[LOG_RING_RECORD_MAX], n - LOG_RING_RECORD_MAX, &rec),
		  (size_t)LOG_RING_RECORD_MAX);
	EXPECT_EQ(rec.level, 1u); /* exactly the maximum is not truncated */
}

TEST(log_ring, small_buffer_gets_whole_records_only)
{
	struct log_ring_record rec;
	uint8_t small[64 + 63];
	uint64_t from = 0;
	uint64_t next = 0;
	uint64_t seen = 0;
	size_t n = 0;

	log_ring_reset();
	for (uint64_t i = 0; i < 10; i++) {
		append_64(i);
	}
	/* Too small for one record: nothing copied, the cursor does not move. */
	EXPECT_EQ(log_ring_read(3, small, 63, &next), (size_t)0);
	EXPECT_EQ(next, 3u);
	/* Room for one and a bit: one record per call, every record once, in order. */
	while ((n = log_ring_read(from, small, sizeof(small), &next)) != 0) {
		ASSERT_EQ(n, (size_t)64);
		ASSERT_EQ(log_ring_record_decode(small, n, &rec), (size_t)64);
		EXPECT_EQ(rec.seq, seen);
		seen++;
		EXPECT_EQ(next, from + 1);
		from = next;
	}
	EXPECT_EQ(seen, 10u);
	/* The decoder refuses a cut record. */
	EXPECT_EQ(log_ring_record_decode(small, 63, &rec), (size_t)0);
	EXPECT_EQ(log_ring_record_decode(small, LOG_RING_HDR_SIZE - 1, &rec), (size_t)0);
}

TEST(log_ring, reader_catching_up_sees_gap)
{
	struct log_ring_record rec;
	uint64_t next = 0;
	uint64_t from = 0;
	size_t n = 0;

	log_ring_reset();
	append_64(0);
	n = log_ring_read(from, buf, sizeof(buf), &next);
	EXPECT_EQ(n, (size_t)64);
	from = next;
	for (uint64_t i = 1; i <= LOG_RING_SIZE / 64 + 5; i++) {
		append_64(i);
	}
	n = log_ring_read(from, buf, sizeof(buf), &next);
	ASSERT_EQ(log_ring_record_decode(buf, n, &rec), (size_t)64);
	EXPECT_EQ(from, 1u);
	EXPECT_EQ(rec.seq, 6u); /* records 1..5 were lost */
}

#define WRITERS 4
#define PER_WRITER 20000

static void *writer(void *arg)
{
	unsigned id = (unsigned)(uintptr_t)arg;
	char text[64];

	for (unsigned i = 0; i < PER_WRITER; i++) {
		int len = snprintf(text, sizeof(text), "w%u %u %.*s", id, i, (int)(i % 30), "..............................");

		log_ring_append(2, id, i, text, (size_t)len);
	}
	return NULL;
}

TEST(log_ring, concurrent_writers)
{
	pthread_t threads[WRITERS];
	struct log_ring_stats st;
	struct log_ring_record rec;
	int last[WRITERS];
	uint64_t next = 0;
	uint64_t want = 0;
	size_t n = 0;
	size_t off = 0;

	log_ring_reset();
	for (unsigned i = 0; i < WRITERS; i++) {
		last[i] = -1;
		ASSERT_EQ(pthread_create(&threads[i], NULL, writer, (void *)(uintptr_t)i), 0);
	}
	/* A reader racing the writers only ever sees whole, consecutive records. */
	for (unsigned r = 0; r < 200; r++) {
		uint64_t prev = 0;
		bool first = true;

		n = log_ring_read(0, buf, sizeof(buf), &next);
		for (off = 0; off < n;) {
			size_t used = log_ring_record_decode(&buf[off], n - off, &rec);

			ASSERT_NE(used, (size_t)0);
			ASSERT_EQ(rec.text[0], 'w');
			if (!first) {
				ASSERT_EQ(rec.seq, prev + 1);
			}
			first = false;
			prev = rec.seq;
			off += used;
		}
	}
	for (unsigned i = 0; i < WRITERS; i++) {
		pthread_join(threads[i], NULL);
	}
	log_ring_stats(&st);
	EXPECT_EQ(st.next_seq, (uint64_t)WRITERS * PER_WRITER);
	EXPECT_EQ(st.first_seq, st.dropped);

	n = log_ring_read(0, buf, sizeof(buf), &next);
	want = st.first_seq;
	for (off = 0; off < n;) {
		size_t used = log_ring_record_decode(&buf[off], n - off, &rec);
		unsigned id = 0;
		int i = 0;
		char line[LOG_RING_TEXT_MAX + 1];

		ASSERT_NE(used, (size_t)0);
		EXPECT_EQ(rec.seq, want);
		memcpy(line, rec.text, rec.len);
		line[rec.len] = '\0';
		ASSERT_EQ(sscanf(line, "w%u %d", &id, &i), 2);
		ASSERT_TRUE(id < WRITERS);
		EXPECT_EQ(rec.cpu, id);
		EXPECT_EQ(rec.time_us, (uint64_t)i);
		EXPECT_TRUE(last[id] < i); /* each writer's records in its own order */
		last[id] = i;
		want++;
		off += used;
	}
	EXPECT_EQ(want, st.next_seq);
	log_ring_reset();
}
