/*
 * The log device's register state machine (registers in include/svsm/abi/log.h,
 * SVSM_LOG_DEV_*), with no port I/O, no lock and no ring: kernel/devices/log_dev.c owns the
 * ports and the lock, loads records from the log ring when the state machine asks for a
 * FETCH, and switches debug mode. Freestanding; host-tested in tests/unit/log_dev_test.c
 * and tests/fuzz/log_dev.c.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "svsm/abi/log.h"

/**
 * struct log_dev - the device state.
 * @seq:    SEQ: where the next FETCH starts.
 * @len:    LEN: bytes loaded in @window (<= SVSM_LOG_RECORD_MAX).
 * @pos:    DATA's read position in @window.
 * @window: one record in the ABI format.
 */
struct log_dev {
	uint64_t seq;
	uint32_t len;
	uint32_t pos;
	uint8_t window[SVSM_LOG_RECORD_MAX];
};

/** enum log_dev_action - what the device must do after a write. */
enum log_dev_action {
	LOG_DEV_ACT_NONE = 0,
	LOG_DEV_ACT_FETCH,     /* copy records from d->seq into d->window, then log_dev_fetched() */
	LOG_DEV_ACT_DEBUG_ON,
	LOG_DEV_ACT_DEBUG_OFF,
};

void log_dev_init(struct log_dev *d);

/**
 * log_dev_read - an IN of @size bytes (1, 2 or 4) at port offset @off; @debug is the
 * current debug-mode state for STATUS. Returns the value (all-ones for an access the
 * device does not take).
 */
uint32_t log_dev_read(struct log_dev *d, uint32_t off, unsigned size, bool debug);

/** log_dev_write - an OUT of @value (@size bytes) at @off; returns what the device must do. */
enum log_dev_action log_dev_write(struct log_dev *d, uint32_t off, unsigned size, uint32_t value);

/**
 * log_dev_fetched - complete a FETCH: the device copied @len bytes of whole records from
 * d->seq on (0 when nothing is new) into d->window, and the ring said @next_seq comes
 * after them. The window keeps the first record; SEQ becomes its seq + 1 (or @next_seq when
 * nothing was copied). A @len larger than the window or shorter than its first record
 * empties the window.
 */
void log_dev_fetched(struct log_dev *d, size_t len, uint64_t next_seq);
