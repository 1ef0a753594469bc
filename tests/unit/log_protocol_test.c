/*
 * Tests of the SVSM log protocol (kernel/protocols/log_protocol.c) against the fake
 * platform: QUERY's block, READ of whole records into guest memory (from the start, in
 * small pieces, after a gap), refusals of hostile addresses and sizes that leave guest
 * memory untouched, SET_DEBUG and QUERY_PROTOCOL.
 */
#include <stdio.h>

#include "kernel/lib/log.h"
#include "kernel/lib/log_ring.h"
#include "kernel/protocols/dispatch.h"
#include "svsm/abi/log.h"
#include "tests/unit/guest_fixture.h"
#include "tests/unit/harness.h"

#define PAGE 4096ull

static struct guest_fixture g;

static void ring_with(unsigned count)
{
	char text[32];

	log_ring_reset();
	for (unsigned i = 0; i < count; i++) {
		int n = snprintf(text, sizeof(text), "line %u", i);

		log_ring_append(LOG_INFO | (i == 0 ? LOG_RING_F_HOST : 0), 0, 1000 + i, text,
				(size_t)n);
	}
}

static struct svsm_call_regs lcall(uint32_t call, uint64_t rcx, uint64_t rdx, uint64_t r8)
{
	return guest_call(&g, SVSM_LOG_PROTOCOL, call, rcx, rdx, r8);
}

TEST(log_protocol, query_protocol_offers_version_1)
{
	guest_fixture_setup(&g);
	uint64_t log_v = (uint64_t)SVSM_LOG_PROTOCOL << 32;

	EXPECT_EQ(guest_call(&g, 0, SVSM_CORE_QUERY_PROTOCOL, log_v | 1, 0, 0).rcx, (1ull << 32) | 1);
	EXPECT_EQ(guest_call(&g, 0, SVSM_CORE_QUERY_PROTOCOL, log_v | 2, 0, 0).rcx, 0);
	EXPECT_EQ(lcall(3, 0, 0, 0).rax, SVSM_ERR_UNSUPPORTED_CALL);
}

TEST(log_protocol, query_block)
{
	struct svsm_log_query *q;

	guest_fixture_setup(&g);
	ring_with(5);
	q = (struct svsm_log_query *)(uintptr_t)(g.ram + PAGE + 8);
	ASSERT_EQ(lcall(SVSM_LOG_QUERY, g.ram + PAGE + 8, 0, 0).rax, SVSM_SUCCESS);
	EXPECT_EQ(q->version, 1);
	EXPECT_EQ(q->ring_size, LOG_RING_SIZE);
	EXPECT_EQ(q->first_seq, 0);
	EXPECT_EQ(q->next_seq, 5);
	EXPECT_EQ(q->dropped, 0);
	EXPECT_EQ(q->debug, 0);
	EXPECT_EQ(q->record_max, SVSM_LOG_RECORD_MAX);
	/* Misaligned, crossing a page, SVSM memory, beyond RAM. */
	EXPECT_EQ(lcall(SVSM_LOG_QUERY, g.ram + PAGE + 4, 0, 0).rax, SVSM_ERR_INVALID_PARAMETER);
	EXPECT_EQ(lcall(SVSM_LOG_QUERY, g.ram + 2 * PAGE - 32, 0, 0).rax,
		  SVSM_ERR_INVALID_PARAMETER);
	EXPECT_EQ(lcall(SVSM_LOG_QUERY, g.svsm + PAGE, 0, 0).rax, SVSM_ERR_INVALID_ADDRESS);
	EXPECT_EQ(lcall(SVSM_LOG_QUERY, g.ram_end, 0, 0).rax, SVSM_ERR_INVALID_ADDRESS);
	EXPECT_EQ(lcall(SVSM_LOG_QUERY, 0xfffffffffffff000ull, 0, 0).rax, SVSM_ERR_INVALID_ADDRESS);
}

TEST(log_protocol, read_whole_records)
{
	uint8_t *buf;
	struct log_ring_record rec;
	struct svsm_call_regs r;
	size_t off = 0, used;
	unsigned n = 0;

	guest_fixture_setup(&g);
	ring_with(10);
	buf = (uint8_t *)(uintptr_t)(g.ram + 4 * PAGE);
	r = lcall(SVSM_LOG_READ, g.ram + 4 * PAGE, 2 * PAGE, 0);
	ASSERT_EQ(r.rax, SVSM_SUCCESS);
	EXPECT_EQ(r.rdx, 10);
	while ((used = log_ring_record_decode(buf + off, r.rcx - off, &rec)) != 0) {
		char want[32];
		int len = snprintf(want, sizeof(want), "line %u", n);

		EXPECT_EQ(rec.seq, n);
		EXPECT_EQ(rec.time_us, 1000 + n);
		EXPECT_EQ(rec.level, LOG_INFO | (n == 0 ? SVSM_LOG_F_HOST : 0));
		EXPECT_EQ(rec.len, (unsigned)len);
		EXPECT_MEMEQ(rec.text, want, (size_t)len);
		off += used;
		n++;
	}
	EXPECT_EQ(off, r.rcx);
	EXPECT_EQ(n, 10);
	/* From the middle, and nothing new past the end. */
	r = lcall(SVSM_LOG_READ, g.ram + 4 * PAGE, PAGE, 7);
	ASSERT_EQ(r.rax, SVSM_SUCCESS);
	EXPECT_EQ(r.rcx, 3 * (SVSM_LOG_HDR_SIZE + 6));
	EXPECT_EQ(r.rdx, 10);
	r = lcall(SVSM_LOG_READ, g.ram + 4 * PAGE, PAGE, 10);
	EXPECT_EQ(r.rax, SVSM_SUCCESS);
	EXPECT_EQ(r.rcx, 0);
	EXPECT_EQ(r.rdx, 10);
}

TEST(log_protocol, small_buffer_gets_whole_records_only)
{
	struct svsm_call_regs r;
	uint8_t *buf;

	guest_fixture_setup(&g);
	ring_with(3);
	buf = (uint8_t *)(uintptr_t)(g.ram + 4 * PAGE);
	memset(buf, 0xee, 64);
	/* One record is 26 bytes: 30 bytes hold one, 25 hold none (and nothing is written). */
	r = lcall(SVSM_LOG_READ, g.ram + 4 * PAGE, 30, 0);
	ASSERT_EQ(r.rax, SVSM_SUCCESS);
	EXPECT_EQ(r.rcx, 26);
	EXPECT_EQ(r.rdx, 1);
	EXPECT_EQ(buf[26], 0xee);
	memset(buf, 0xee, 64);
	r = lcall(SVSM_LOG_READ, g.ram + 4 * PAGE, 25, 1);
	ASSERT_EQ(r.rax, SVSM_SUCCESS);
	EXPECT_EQ(r.rcx, 0);
	EXPECT_EQ(buf[0], 0xee);
}

TEST(log_protocol, hostile_reads_refused_and_nothing_written)
{
	uint8_t *svsm = (uint8_t *)0;
	struct svsm_call_regs r;

	guest_fixture_setup(&g);
	ring_with(50);
	svsm = (uint8_t *)(uintptr_t)(g.svsm + PAGE);
	memset(svsm, 0x5a, 2 * PAGE);
	/* Size 0, too large. */
	EXPECT_EQ(lcall(SVSM_LOG_READ, g.ram + PAGE, 0, 0).rax, SVSM_ERR_INVALID_PARAMETER);
	EXPECT_EQ(lcall(SVSM_LOG_READ, g.ram + PAGE, SVSM_LOG_READ_MAX + 1, 0).rax,
		  SVSM_ERR_INVALID_PARAMETER);
	EXPECT_EQ(lcall(SVSM_LOG_READ, g.ram + PAGE, ~0ull, 0).rax, SVSM_ERR_INVALID_PARAMETER);
	/* Into SVSM memory, straddling into it from below its end, past the end of RAM,
	 * wrapping around the address space. */
	EXPECT_EQ(lcall(SVSM_LOG_READ, g.svsm + PAGE, PAGE, 0).rax, SVSM_ERR_INVALID_ADDRESS);
	EXPECT_EQ(lcall(SVSM_LOG_READ, g.ram - 16, PAGE, 0).rax, SVSM_ERR_INVALID_ADDRESS);
	EXPECT_EQ(lcall(SVSM_LOG_READ, g.ram_end - 100, PAGE, 0).rax, SVSM_ERR_INVALID_ADDRESS);
	EXPECT_EQ(lcall(SVSM_LOG_READ, ~0ull - 100, PAGE, 0).rax, SVSM_ERR_INVALID_ADDRESS);
	for (unsigned i = 0; i < 2 * PAGE; i++) {
		if (svsm[i] != 0x5a) {
			EXPECT_EQ(i, 2 * PAGE); /* SVSM memory written by a refused read */
			break;
		}
	}
	/* Refused even when there is nothing to copy (from_seq past the newest record). */
	EXPECT_EQ(lcall(SVSM_LOG_READ, g.svsm + PAGE, PAGE, 1000).rax, SVSM_ERR_INVALID_ADDRESS);
	EXPECT_EQ(lcall(SVSM_LOG_READ, g.ram_end - 100, PAGE, 1000).rax, SVSM_ERR_INVALID_ADDRESS);
	/* A refused read leaves the registers it would return unchanged. */
	r = lcall(SVSM_LOG_READ, g.svsm + PAGE, PAGE, 3);
	EXPECT_EQ(r.rcx, g.svsm + PAGE);
	EXPECT_EQ(r.rdx, PAGE);
}

TEST(log_protocol, read_after_records_were_dropped)
{
	char text[200];
	struct log_ring_record rec;
	struct svsm_call_regs r;
	uint8_t *buf;

	guest_fixture_setup(&g);
	log_ring_reset();
	memset(text, 'x', sizeof(text));
	for (unsigned i = 0; i < 1000; i++) {
		log_ring_append(LOG_DEBUG, 1, i, text, sizeof(text));
	}
	buf = (uint8_t *)(uintptr_t)(g.ram + 4 * PAGE);
	r = lcall(SVSM_LOG_READ, g.ram + 4 * PAGE, SVSM_LOG_RECORD_MAX, 0);
	ASSERT_EQ(r.rax, SVSM_SUCCESS);
	ASSERT_EQ(log_ring_record_decode(buf, r.rcx, &rec), SVSM_LOG_HDR_SIZE + sizeof(text));
	EXPECT_TRUE(rec.seq > 0); /* the gap: records 0..seq-1 were dropped */
	EXPECT_EQ(r.rdx, rec.seq + 1);
}

TEST(log_protocol, set_debug_switch)
{
	struct svsm_log_query *q = NULL;
	bool old = log_set_debug(false);

	guest_fixture_setup(&g);
	q = (struct svsm_log_query *)(uintptr_t)(g.ram + PAGE);
	EXPECT_EQ(lcall(SVSM_LOG_SET_DEBUG, 2, 0, 0).rax, SVSM_ERR_INVALID_PARAMETER);
	EXPECT_EQ(lcall(SVSM_LOG_SET_DEBUG, ~0ull, 0, 0).rax, SVSM_ERR_INVALID_PARAMETER);
	EXPECT_FALSE(log_get_debug());
	EXPECT_EQ(lcall(SVSM_LOG_SET_DEBUG, 1, 0, 0).rcx, 0);
	EXPECT_TRUE(log_get_debug());
	ASSERT_EQ(lcall(SVSM_LOG_QUERY, g.ram + PAGE, 0, 0).rax, SVSM_SUCCESS);
	EXPECT_EQ(q->debug, 1);
	EXPECT_EQ(lcall(SVSM_LOG_SET_DEBUG, 0, 0, 0).rcx, 1);
	EXPECT_FALSE(log_get_debug());
	log_set_debug(old);
}
