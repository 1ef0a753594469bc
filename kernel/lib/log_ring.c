/*
 * Log ring (see log_ring.h): owns the record storage, the sequence counter and the
 * dropped-record counter. Records sit back to back in a byte ring addressed by
 * free-running 64-bit offsets (head = where the next record goes, tail = the oldest
 * record); a record may wrap around the end of the array. Guarded by ring_lock
 * (irqsave), which nests inside the console lock of log.c and takes no other lock.
 */
#include "kernel/lib/log_ring.h"

#include <string.h>

#include "kernel/lib/spinlock.h"

_Static_assert((LOG_RING_SIZE & (LOG_RING_SIZE - 1)) == 0, "LOG_RING_SIZE must be a power of two");
_Static_assert(LOG_RING_RECORD_MAX <= LOG_RING_SIZE, "a record must fit in the ring");
_Static_assert(LOG_RING_TEXT_MAX <= 0xffff, "len is 16 bits");

static struct spinlock ring_lock = SPINLOCK_INIT;
static uint8_t ring[LOG_RING_SIZE];
static uint64_t ring_head;      /* offset of the next record */
static uint64_t ring_tail;      /* offset of the oldest record */
static uint64_t ring_first_seq; /* seq of the record at ring_tail */
static uint64_t ring_next_seq;  /* seq of the next record */
static uint64_t ring_dropped;

static void ring_put(uint64_t off, const void *src, size_t n)
{
	size_t at = (size_t)(off & (LOG_RING_SIZE - 1));
	size_t first = n < LOG_RING_SIZE - at ? n : LOG_RING_SIZE - at;

	memcpy(&ring[at], src, first);
	memcpy(&ring[0], (const uint8_t *)src + first, n - first);
}

static void ring_get(uint64_t off, void *dst, size_t n)
{
	size_t at = (size_t)(off & (LOG_RING_SIZE - 1));
	size_t first = n < LOG_RING_SIZE - at ? n : LOG_RING_SIZE - at;

	memcpy(dst, &ring[at], first);
	memcpy((uint8_t *)dst + first, &ring[0], n - first);
}

static void put_le(uint8_t *p, uint64_t v, unsigned bytes)
{
	for (unsigned i = 0; i < bytes; i++) {
		p[i] = (uint8_t)(v >> (8 * i));
	}
}

static uint64_t get_le(const uint8_t *p, unsigned bytes)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < bytes; i++) {
		v |= (uint64_t)p[i] << (8 * i);
	}
	return v;
}

/* Total size of the record stored at @off. Caller holds ring_lock. */
static size_t ring_record_size(uint64_t off)
{
	uint8_t len[2];

	ring_get(off + 18, len, sizeof(len));
	return LOG_RING_HDR_SIZE + (size_t)get_le(len, 2);
}

void log_ring_append(uint8_t level, unsigned cpu, uint64_t time_us, const char *text, size_t len)
{
	uint8_t hdr[LOG_RING_HDR_SIZE];
	uint64_t flags = 0;
	size_t size = 0;

	if (len > LOG_RING_TEXT_MAX) {
		len = LOG_RING_TEXT_MAX;
		level |= LOG_RING_F_TRUNCATED;
	}
	size = LOG_RING_HDR_SIZE + len;
	put_le(&hdr[8], time_us, 8);
	hdr[16] = level;
	hdr[17] = cpu < LOG_RING_CPU_UNKNOWN ? (uint8_t)cpu : LOG_RING_CPU_UNKNOWN;
	put_le(&hdr[18], len, 2);

	flags = spin_lock_irqsave(&ring_lock);
	while (ring_head - ring_tail + size > LOG_RING_SIZE) {
		ring_tail += ring_record_size(ring_tail);
		ring_first_seq++;
		ring_dropped++;
	}
	put_le(&hdr[0], ring_next_seq, 8);
	ring_put(ring_head, hdr, sizeof(hdr));
	if (len != 0) {
		ring_put(ring_head + LOG_RING_HDR_SIZE, text, len);
	}
	ring_head += size;
	ring_next_seq++;
	spin_unlock_irqrestore(&ring_lock, flags);
}

size_t log_ring_read(uint64_t from_seq, uint8_t *buf, size_t cap, uint64_t *next_seq)
{
	uint64_t flags = spin_lock_irqsave(&ring_lock);
	uint64_t seq = from_seq > ring_first_seq ? from_seq : ring_first_seq;
	uint64_t off = ring_tail;
	size_t copied = 0;

	if (seq > ring_next_seq) {
		*next_seq = ring_next_seq;
		spin_unlock_irqrestore(&ring_lock, flags);
		return 0;
	}
	for (uint64_t s = ring_first_seq; s < seq; s++) {
		off += ring_record_size(off);
	}
	while (seq < ring_next_seq) {
		size_t size = ring_record_size(off);

		if (size > cap - copied) {
			break;
		}
		ring_get(off, &buf[copied], size);
		copied += size;
		off += size;
		seq++;
	}
	*next_seq = seq;
	spin_unlock_irqrestore(&ring_lock, flags);
	return copied;
}

size_t log_ring_record_decode(const uint8_t *buf, size_t len, struct log_ring_record *rec)
{
	size_t text_len = 0;

	if (len < LOG_RING_HDR_SIZE) {
		return 0;
	}
	text_len = (size_t)get_le(&buf[18], 2);
	if (text_len > len - LOG_RING_HDR_SIZE) {
		return 0;
	}
	rec->seq = get_le(&buf[0], 8);
	rec->time_us = get_le(&buf[8], 8);
	rec->level = buf[16];
	rec->cpu = buf[17];
	rec->len = (uint16_t)text_len;
	rec->text = (const char *)&buf[LOG_RING_HDR_SIZE];
	return LOG_RING_HDR_SIZE + text_len;
}

void log_ring_stats(struct log_ring_stats *out)
{
	uint64_t flags = spin_lock_irqsave(&ring_lock);

	out->first_seq = ring_first_seq;
	out->next_seq = ring_next_seq;
	out->dropped = ring_dropped;
	out->bytes = (uint32_t)(ring_head - ring_tail);
	spin_unlock_irqrestore(&ring_lock, flags);
}

void log_ring_reset(void)
{
	uint64_t flags = spin_lock_irqsave(&ring_lock);

	ring_head = 0;
	ring_tail = 0;
	ring_first_seq = 0;
	ring_next_seq = 0;
	ring_dropped = 0;
	spin_unlock_irqrestore(&ring_lock, flags);
}

void log_ring_force_unlock(void)
{
	__atomic_store_n(&ring_lock.locked, 0, __ATOMIC_RELEASE);
}
