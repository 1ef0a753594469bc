/*
 * Tests of the log device's register state machine (lib/log_dev.c) with the real log ring
 * (kernel/lib/log_ring.c) behind it, as kernel/devices/log_dev.c wires them: constant
 * registers, SEQ, FETCH of whole records through DATA at every access size, nothing new,
 * a gap after dropped records, debug commands, and accesses the device does not take.
 */
#include <string.h>

#include "kernel/lib/log_ring.h"
#include "lib/log_dev.h"
#include "tests/unit/harness.h"

static struct log_dev d;

/* What kernel/devices/log_dev.c does for an OUT. */
static enum log_dev_action out(uint32_t off, unsigned size, uint32_t value)
{
	enum log_dev_action act = log_dev_write(&d, off, size, value);

	if (act == LOG_DEV_ACT_FETCH) {
		uint64_t next = 0;
		size_t n = log_ring_read(d.seq, d.window, sizeof(d.window), &next);

		log_dev_fetched(&d, n, next);
	}
	return act;
}

static uint32_t in(uint32_t off, unsigned size)
{
	return log_dev_read(&d, off, size, false);
}

static size_t fetch(uint8_t *buf, unsigned size)
{
	uint32_t len;

	out(SVSM_LOG_DEV_REG_CTRL, 4, SVSM_LOG_DEV_CMD_FETCH);
	len = in(SVSM_LOG_DEV_REG_LEN, 4);
	for (uint32_t i = 0; i < len; i += size) {
		uint32_t v = in(SVSM_LOG_DEV_REG_DATA, size);

		for (unsigned b = 0; b < size && i + b < len; b++) {
			buf[i + b] = (uint8_t)(v >> (8 * b));
		}
	}
	return len;
}

TEST(log_dev, constant_registers_and_bad_accesses)
{
	log_dev_init(&d);
	EXPECT_EQ(in(SVSM_LOG_DEV_REG_ID, 4), 0x474f4c53u);
	EXPECT_EQ(in(SVSM_LOG_DEV_REG_VERSION, 4), 1);
	EXPECT_EQ(in(SVSM_LOG_DEV_REG_CTRL, 4), 0);
	EXPECT_EQ(log_dev_read(&d, SVSM_LOG_DEV_REG_STATUS, 4, false), 0);
	EXPECT_EQ(log_dev_read(&d, SVSM_LOG_DEV_REG_STATUS, 4, true), SVSM_LOG_DEV_STATUS_DEBUG);
	EXPECT_EQ(in(SVSM_LOG_DEV_REG_ID, 1), 0xffffffffu);
	EXPECT_EQ(in(SVSM_LOG_DEV_REG_ID + 1, 4), 0xffffffffu);
	EXPECT_EQ(in(SVSM_LOG_DEV_REG_ID, 2), 0xffffffffu);
	EXPECT_EQ(in(0x20, 4), 0xffffffffu);
	EXPECT_EQ(in(0xfffffffcu, 4), 0xffffffffu);
	EXPECT_EQ(in(SVSM_LOG_DEV_REG_DATA, 3), 0xffffffffu);
	EXPECT_EQ(log_dev_write(&d, SVSM_LOG_DEV_REG_CTRL, 2, SVSM_LOG_DEV_CMD_FETCH),
		  LOG_DEV_ACT_NONE);
	EXPECT_EQ(log_dev_write(&d, SVSM_LOG_DEV_REG_CTRL, 4, 0), LOG_DEV_ACT_NONE);
	EXPECT_EQ(log_dev_write(&d, SVSM_LOG_DEV_REG_CTRL, 4, 4), LOG_DEV_ACT_NONE);
	EXPECT_EQ(log_dev_write(&d, SVSM_LOG_DEV_REG_CTRL, 4, SVSM_LOG_DEV_CMD_DEBUG_ON),
		  LOG_DEV_ACT_DEBUG_ON);
	EXPECT_EQ(log_dev_write(&d, SVSM_LOG_DEV_REG_CTRL, 4, SVSM_LOG_DEV_CMD_DEBUG_OFF),
		  LOG_DEV_ACT_DEBUG_OFF);
	EXPECT_EQ(log_dev_write(&d, SVSM_LOG_DEV_REG_ID, 4, 0), LOG_DEV_ACT_NONE);
	EXPECT_EQ(in(SVSM_LOG_DEV_REG_ID, 4), 0x474f4c53u);
}

TEST(log_dev, seq_register_halves)
{
	log_dev_init(&d);
	out(SVSM_LOG_DEV_REG_SEQ_LO, 4, 0x89abcdefu);
	out(SVSM_LOG_DEV_REG_SEQ_HI, 4, 0x01234567u);
	EXPECT_EQ(d.seq, 0x0123456789abcdefull);
	EXPECT_EQ(in(SVSM_LOG_DEV_REG_SEQ_LO, 4), 0x89abcdefu);
	EXPECT_EQ(in(SVSM_LOG_DEV_REG_SEQ_HI, 4), 0x01234567u);
	out(SVSM_LOG_DEV_REG_SEQ_LO, 2, 0); /* not a whole register: ignored */
	EXPECT_EQ(d.seq, 0x0123456789abcdefull);
}

TEST(log_dev, fetch_records_through_data_at_every_size)
{
	static const unsigned sizes[] = {1, 2, 4};
	uint8_t buf[SVSM_LOG_RECORD_MAX];
	struct log_ring_record rec;

	log_ring_reset();
	log_ring_append(2 | LOG_RING_F_HOST, 0, 11, "boot: hello", 11);
	log_ring_append(3, 1, 12, "odd", 3);
	log_ring_append(1, 2, 13, "x", 1);
	for (unsigned s = 0; s < 3; s++) {
		log_dev_init(&d);
		ASSERT_EQ(fetch(buf, sizes[s]), SVSM_LOG_HDR_SIZE + 11);
		ASSERT_EQ(log_ring_record_decode(buf, SVSM_LOG_HDR_SIZE + 11, &rec),
			  SVSM_LOG_HDR_SIZE + 11);
		EXPECT_EQ(rec.seq, 0);
		EXPECT_EQ(rec.level, 2 | SVSM_LOG_F_HOST);
		EXPECT_MEMEQ(rec.text, "boot: hello", 11);
		EXPECT_EQ(in(SVSM_LOG_DEV_REG_SEQ_LO, 4), 1);
		/* Past LEN, DATA reads 0. */
		EXPECT_EQ(in(SVSM_LOG_DEV_REG_DATA, 4), 0);
		ASSERT_EQ(fetch(buf, sizes[s]), SVSM_LOG_HDR_SIZE + 3);
		ASSERT_TRUE(log_ring_record_decode(buf, SVSM_LOG_HDR_SIZE + 3, &rec) != 0);
		EXPECT_EQ(rec.seq, 1);
		EXPECT_EQ(rec.cpu, 1);
		EXPECT_MEMEQ(rec.text, "odd", 3);
		ASSERT_EQ(fetch(buf, sizes[s]), SVSM_LOG_HDR_SIZE + 1);
		/* Nothing new: LEN 0, SEQ stays at the next seq to be written. */
		EXPECT_EQ(fetch(buf, sizes[s]), 0);
		EXPECT_EQ(in(SVSM_LOG_DEV_REG_SEQ_LO, 4), 3);
		EXPECT_EQ(in(SVSM_LOG_DEV_REG_DATA, 4), 0);
	}
}

TEST(log_dev, fetch_after_records_were_dropped_shows_the_gap)
{
	char text[200];
	uint8_t buf[SVSM_LOG_RECORD_MAX];
	struct log_ring_record rec;

	log_ring_reset();
	memset(text, 'y', sizeof(text));
	for (unsigned i = 0; i < 1000; i++) {
		log_ring_append(3, 0, i, text, sizeof(text));
	}
	log_dev_init(&d);
	ASSERT_EQ(fetch(buf, 4), SVSM_LOG_HDR_SIZE + sizeof(text));
	ASSERT_TRUE(log_ring_record_decode(buf, sizeof(buf), &rec) != 0);
	EXPECT_TRUE(rec.seq > 0);
	EXPECT_EQ(d.seq, rec.seq + 1);
}

TEST(log_dev, fetched_refuses_what_is_not_one_whole_record)
{
	log_dev_init(&d);
	memset(d.window, 0, sizeof(d.window));
	d.window[18] = 5; /* text length 5: a whole record is 25 bytes */
	d.window[0] = 6; /* seq 6 */
	log_dev_fetched(&d, 25, 7);
	EXPECT_EQ(in(SVSM_LOG_DEV_REG_LEN, 4), 25);
	EXPECT_EQ(in(SVSM_LOG_DEV_REG_SEQ_LO, 4), 7);
	log_dev_fetched(&d, 60, 9); /* more than one record: the first only, SEQ after it */
	EXPECT_EQ(in(SVSM_LOG_DEV_REG_LEN, 4), 25);
	EXPECT_EQ(in(SVSM_LOG_DEV_REG_SEQ_LO, 4), 7);
	log_dev_fetched(&d, 24, 8);
	EXPECT_EQ(in(SVSM_LOG_DEV_REG_LEN, 4), 0);
	log_dev_fetched(&d, 10, 8);
	EXPECT_EQ(in(SVSM_LOG_DEV_REG_LEN, 4), 0);
	log_dev_fetched(&d, sizeof(d.window) + 1, 9);
	EXPECT_EQ(in(SVSM_LOG_DEV_REG_LEN, 4), 0);
	EXPECT_EQ(in(SVSM_LOG_DEV_REG_SEQ_LO, 4), 9);
}

/* DATA never reads beyond the window, however many reads follow. */
TEST(log_dev, data_position_saturates)
{
	log_dev_init(&d);
	memset(d.window, 0xab, sizeof(d.window));
	d.window[18] = SVSM_LOG_TEXT_MAX;
	d.window[19] = 0;
	memset(d.window, 0, 8);
	log_dev_fetched(&d, SVSM_LOG_RECORD_MAX, 1);
	for (unsigned i = 0; i < SVSM_LOG_RECORD_MAX / 4; i++) {
		(void)in(SVSM_LOG_DEV_REG_DATA, 4);
	}
	for (unsigned i = 0; i < 1000; i++) {
		EXPECT_EQ(in(SVSM_LOG_DEV_REG_DATA, 4), 0);
	}
	EXPECT_EQ(d.pos, SVSM_LOG_RECORD_MAX);
}
