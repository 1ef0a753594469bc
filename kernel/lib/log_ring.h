/*
 * Log ring: every line the kernel log formats (all levels, before the console filter)
 * kept as records in a fixed buffer in SVSM memory; the oldest records are dropped
 * first. Portable (host unit tests). docs/logging.md describes the policy around it.
 *
 * Record format: struct svsm_log_record_hdr and the SVSM_LOG_* constants in
 * include/svsm/abi/log.h (guest-visible since the guest export of issue 15); the
 * LOG_RING_* names below are the kernel's names for them.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "svsm/abi/log.h"

/** LOG_RING_SIZE - bytes of record storage (headers + text); a power of two. */
#define LOG_RING_SIZE (64u * 1024u)
/** LOG_RING_TEXT_MAX - longest text kept per record; longer lines are cut and marked. */
#define LOG_RING_TEXT_MAX   SVSM_LOG_TEXT_MAX
#define LOG_RING_HDR_SIZE   SVSM_LOG_HDR_SIZE
#define LOG_RING_RECORD_MAX SVSM_LOG_RECORD_MAX

#define LOG_RING_LEVEL_MASK  SVSM_LOG_LEVEL_MASK
#define LOG_RING_LEVEL_RAW   SVSM_LOG_LEVEL_RAW   /* log_raw(): no level, never filtered */
#define LOG_RING_F_HOST      SVSM_LOG_F_HOST      /* host-visible class (log.h pr_host_*) */
#define LOG_RING_F_PARTIAL   SVSM_LOG_F_PARTIAL   /* the call's text did not end with a newline */
#define LOG_RING_F_TRUNCATED SVSM_LOG_F_TRUNCATED /* text was longer than the max and was cut */
#define LOG_RING_CPU_UNKNOWN SVSM_LOG_CPU_UNKNOWN

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
