/*
 * libFuzzer target for lib/log_dev.c with the real log ring (kernel/lib/log_ring.c)
 * behind it, wired as kernel/devices/log_dev.c wires them. The input is a stream of 8-byte
 * steps (op, offset, size, value): port reads and writes at any offset and size, appends of
 * records of any length (including over the text limit) and ring resets. Checked after every
 * step: the window holds at most one whole record (after a FETCH, whose seq is SEQ - 1, and
 * never empty when the ring had a record to copy); DATA's position
 * stays in the window; a DATA read never sets bits beyond its size and returns the window's
 * bytes in order, then zeros; the constant registers read as specified.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/lib/log_ring.h"
#include "lib/log_dev.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define STEP 8u

/* After a FETCH that loaded a record: SEQ is that record's seq + 1. */
static void check_fetched(const struct log_dev *d)
{
	uint64_t seq = 0;

	if (d->len == 0) {
		return;
	}
	for (unsigned i = 0; i < 8; i++) {
		seq |= (uint64_t)d->window[i] << (8 * i);
	}
	if (seq + 1 != d->seq) {
		abort();
	}
}

static void check(const struct log_dev *d)
{

	if (d->len > sizeof(d->window) || d->pos > SVSM_LOG_RECORD_MAX) {
		abort();
	}
	if (d->len == 0) {
		return;
	}
	if (d->len != SVSM_LOG_HDR_SIZE + (uint32_t)(d->window[18] | (d->window[19] << 8))) {
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct log_dev *d = malloc(sizeof(*d));
	char text[300];

	if (d == NULL) {
		return 0;
	}
	memset(text, 'f', sizeof(text));
	log_ring_reset();
	log_dev_init(d);
	for (size_t at = 0; at + STEP <= size; at += STEP) {
		const uint8_t *s = data + at;
		uint32_t off = s[1] & 0x3f;
		unsigned sz = s[2] % 5;
		uint32_t value = (uint32_t)s[4] | ((uint32_t)s[5] << 8) | ((uint32_t)s[6] << 16) |
				 ((uint32_t)s[7] << 24);

		switch (s[0] % 5) {
		case 0: { /* IN */
			uint32_t pos = d->pos, len = d->len;
			uint8_t expect[4] = {0};
			uint32_t v = log_dev_read(d, off, sz, s[3] & 1);

			if (off == SVSM_LOG_DEV_REG_DATA && (sz == 1 || sz == 2 || sz == 4)) {
				uint32_t want = 0;

				for (unsigned b = 0; b < sz; b++) {
					expect[b] = pos + b < len ? d->window[pos + b] : 0;
					want |= (uint32_t)expect[b] << (8 * b);
				}
				if (v != want) {
					abort();
				}
			} else if (sz == 4 && off == SVSM_LOG_DEV_REG_ID && v != SVSM_LOG_DEV_ID) {
				abort();
			} else if (sz == 4 && off == SVSM_LOG_DEV_REG_LEN && v != d->len) {
				abort();
			}
			break;
		}
		case 1: { /* OUT, with a FETCH done as the device does it */
			enum log_dev_action act = log_dev_write(d, off, sz, value);

			if (act == LOG_DEV_ACT_FETCH) {
				uint64_t next = 0;
				size_t n = log_ring_read(d->seq, d->window, sizeof(d->window),
							 &next);

				log_dev_fetched(d, n, next);
				check_fetched(d);
			}
			break;
		}
		case 2: { /* FETCH */
			uint64_t next = 0;
			size_t n;

			if (log_dev_write(d, SVSM_LOG_DEV_REG_CTRL, 4, SVSM_LOG_DEV_CMD_FETCH) !=
			    LOG_DEV_ACT_FETCH) {
				abort();
			}
			n = log_ring_read(d->seq, d->window, sizeof(d->window), &next);
			log_dev_fetched(d, n, next);
			if (n > 0 && d->len == 0) {
				abort(); /* the ring copied a record: the window must hold it */
			}
			check_fetched(d);
			break;
		}
		case 3: /* a log line */
			log_ring_append(s[3], s[1], value, text, value % sizeof(text));
			break;
		default:
			if (s[3] == 0xff) {
				log_ring_reset();
			}
			break;
		}
		check(d);
	}
	free(d);
	return 0;
}
