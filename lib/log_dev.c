/*
 * The log device's register state machine (log_dev.h): owns SEQ, the one-record window
 * and DATA's position; decodes IN/OUT accesses by offset and size. No I/O, no lock.
 */
#include "lib/log_dev.h"

#include <string.h>

void log_dev_init(struct log_dev *d)
{
	memset(d, 0, sizeof(*d));
}

static bool whole_register(uint32_t off, unsigned size)
{
	return size == 4 && (off & 3) == 0 && off < SVSM_LOG_DEV_PORTS;
}

static uint32_t data_read(struct log_dev *d, unsigned size)
{
	uint32_t v = 0;

	for (unsigned i = 0; i < size; i++) {
		if (d->pos < d->len) {
			v |= (uint32_t)d->window[d->pos] << (8 * i);
		}
		if (d->pos < SVSM_LOG_RECORD_MAX) {
			d->pos++;
		}
	}
	return v;
}

uint32_t log_dev_read(struct log_dev *d, uint32_t off, unsigned size, bool debug)
{
	if (off == SVSM_LOG_DEV_REG_DATA && (size == 1 || size == 2 || size == 4)) {
		return data_read(d, size);
	}
	if (!whole_register(off, size)) {
		return 0xffffffffu;
	}
	switch (off) {
	case SVSM_LOG_DEV_REG_ID:
		return SVSM_LOG_DEV_ID;
	case SVSM_LOG_DEV_REG_VERSION:
		return SVSM_LOG_DEV_VERSION;
	case SVSM_LOG_DEV_REG_CTRL:
		return 0;
	case SVSM_LOG_DEV_REG_STATUS:
		return debug ? SVSM_LOG_DEV_STATUS_DEBUG : 0;
	case SVSM_LOG_DEV_REG_SEQ_LO:
		return (uint32_t)d->seq;
	case SVSM_LOG_DEV_REG_SEQ_HI:
		return (uint32_t)(d->seq >> 32);
	case SVSM_LOG_DEV_REG_LEN:
		return d->len;
	default:
		return 0xffffffffu;
	}
}

enum log_dev_action log_dev_write(struct log_dev *d, uint32_t off, unsigned size, uint32_t value)
{
	if (!whole_register(off, size)) {
		return LOG_DEV_ACT_NONE;
	}
	switch (off) {
	case SVSM_LOG_DEV_REG_CTRL:
		switch (value) {
		case SVSM_LOG_DEV_CMD_FETCH:
			return LOG_DEV_ACT_FETCH;
		case SVSM_LOG_DEV_CMD_DEBUG_ON:
			return LOG_DEV_ACT_DEBUG_ON;
		case SVSM_LOG_DEV_CMD_DEBUG_OFF:
			return LOG_DEV_ACT_DEBUG_OFF;
		default:
			return LOG_DEV_ACT_NONE;
		}
	case SVSM_LOG_DEV_REG_SEQ_LO:
		d->seq = (d->seq & ~0xffffffffull) | value;
		return LOG_DEV_ACT_NONE;
	case SVSM_LOG_DEV_REG_SEQ_HI:
		d->seq = (d->seq & 0xffffffffull) | ((uint64_t)value << 32);
		return LOG_DEV_ACT_NONE;
	default:
		return LOG_DEV_ACT_NONE;
	}
}

void log_dev_fetched(struct log_dev *d, size_t len, uint64_t next_seq)
{
	size_t first = 0;
	uint64_t seq = 0;

	d->pos = 0;
	d->len = 0;
	d->seq = next_seq;
	if (len < SVSM_LOG_HDR_SIZE || len > sizeof(d->window)) {
		return; /* nothing new, or not something the ring copies */
	}
	/* Keep the first record only; the next FETCH starts after it. */
	first = SVSM_LOG_HDR_SIZE + (size_t)(d->window[18] | (d->window[19] << 8));
	if (first > len) {
		return;
	}
	for (unsigned i = 0; i < 8; i++) {
		seq |= (uint64_t)d->window[i] << (8 * i);
	}
	d->len = (uint32_t)first;
	d->seq = seq + 1;
}
