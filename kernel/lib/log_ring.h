/*
 * Log ring: every line the kernel log formats (all levels, before the console filter)
 * kept as records in a fixed buffer in SVSM memory; the oldest records are dropped
 * first. Portable (host unit tests). docs/logging.md describes the policy around it.
 *
 * Record format, as log_ring_read() copies it (and as the ring stores it); all
 * integers little-endian, records packed back to back with no padding:
 *
 *   offset size field
 *   0      8    seq      sequence number: 0 for the first record of a boot, +1 per
 *                        record, never reused; a reader sees a gap as a jump in seq
 *   8      8    time_us  TSC time in microseconds since reset (0 before the TSC is
 *                        calibrated)
 *   16     1    level    bits 0-2: LOG_RING_LEVEL_* (0 error .. 3 debug, 4 raw);
 *                        bit 6 LOG_RING_F_PARTIAL, bit 7 LOG_RING_F_TRUNCATED
 *   17     1    cpu      CPU index (0 = BSP), LOG_RING_CPU_UNKNOWN if >= 255
 *   18     2    len      bytes of text that follow, at most LOG_RING_TEXT_MAX
 *   20     len  text     the formatted line without level prefix and without its
 *                        trailing newline; not NUL-terminated
 *
 * This format is internal for now (not guest-visible ABI); it moves under
 * include/svsm/abi/ when the guest export of issue 15 is built.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** LOG_RING_SIZE - bytes of record storage (headers + text); a power of two. */
#define LOG_RING_SIZE (64u * 1024u)
/** LOG_RING_TEXT_MAX - longest text kept per record; longer lines are cut and marked. */
#define LOG_RING_TEXT_MAX 240u
#define LOG_RING_HDR_SIZE 20u
#define LOG_RING_RECORD_MAX (LOG_RING_HDR_SIZE + LOG_RING_TEXT_MAX)

#define LOG_RING_LEVEL_MASK  0x07u
#define LOG_RING_LEVEL_RAW   4u    /* log_raw(): no level, never filtered */
#define LOG_RING_F_PARTIAL   0x40u /* the call's text did not end with a newline */
#define LOG_RING_F_TRUNCATED 0x80u /* text was longer than LOG_RING_TEXT_MAX and was cut */
#define LOG_RING_CPU_UNKNOWN 0xffu

/**
 * struct log_ring_record - one decoded record (see the format above).
 * @text: points into the buffer that was decoded; @len bytes, not NUL-terminated.
 */
struct log_ring_record {
	uint64_t seq;
	uint64_t time_us;
	uint8_t level;
	uint8_t cpu;
	uint16_t len;
	const char *text;
};

/**
 * struct log_ring_stats - a snapshot of the ring's counters.
 * @first_seq: seq of the oldest record held (== @next_seq when empty).
 * @next_seq:  seq the next appended record gets.
 * @dropped:   records dropped to make room since boot (or log_ring_reset()).
 * @bytes:     bytes of storage in use.
 */
struct log_ring_stats {
	uint64_t first_seq;
	uint64_t next_seq;
	uint64_t dropped;
	uint32_t bytes;
};

/**
 * log_ring_append - add one record; drops the oldest records until it fits. Text past
 * LOG_RING_TEXT_MAX is cut and LOG_RING_F_TRUNCATED set. @level is a LOG_RING_LEVEL_*
 * value, optionally or-ed with LOG_RING_F_* flags. Any CPU, any context that may take
 * a spinlock with interrupts off.
 */
void log_ring_append(uint8_t level, unsigned cpu, uint64_t time_us, const char *text, size_t len);

/**
 * log_ring_read - copy whole records, oldest first, starting at @from_seq, into @buf.
 * Returns the number of bytes copied (0 if nothing is new or @cap is smaller than the
 * first record; LOG_RING_RECORD_MAX always fits one). *@next_seq is set to the seq to
 * pass next time. If @from_seq was already dropped, copying starts at the oldest
 * record held: the first record's seq minus @from_seq is the number of records lost.
 * A @from_seq beyond the newest record copies nothing and sets *@next_seq to the seq
 * of the next record to be written.
 */
size_t log_ring_read(uint64_t from_seq, uint8_t *buf, size_t cap, uint64_t *next_seq);

/**
 * log_ring_record_decode - decode the record at the start of @buf (@len bytes, e.g.
 * what log_ring_read() copied); returns its total size, or 0 if @buf holds no whole
 * record.
 */
size_t log_ring_record_decode(const uint8_t *buf, size_t len, struct log_ring_record *rec);

void log_ring_stats(struct log_ring_stats *out);

/** log_ring_reset - empty the ring and restart seq at 0 (boot, unit tests). */
void log_ring_reset(void);

/** log_ring_force_unlock - break the ring lock (panic on a CPU that may hold it). */
void log_ring_force_unlock(void);
