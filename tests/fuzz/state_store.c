/*
 * libFuzzer target for the state store's loader (lib/state_store.c). The first input byte
 * picks a mode:
 *   even: the rest is a raw device image (padded to whole sectors, at least the minimum
 *         device) loaded with a fixed key, and each slot's header parsed without a key;
 *   odd:  a genuine image is committed from fuzzer-chosen records (two commits, so both
 *         slots hold a generation), then the input's (offset, xor) pairs damage it and it
 *         is loaded: this reaches the MAC, GCM and slot-selection paths behind the header.
 * Checked: the device buffer is never read out of bounds (heap-allocated at its exact size),
 * every failure carries a message, and a load that succeeds on an undamaged image returns
 * exactly the committed records and generation.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/state_store.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_IMAGE_SECTORS 256u

struct ramdev {
	uint8_t *buf;
	uint64_t sectors;
};

static enum svsm_err rd_read(void *ctx, uint64_t lba, void *buf, uint32_t n)
{
	struct ramdev *r = ctx;

	if (lba > r->sectors || n > r->sectors - lba) {
		return SVSM_E_IO;
	}
	memcpy(buf, r->buf + lba * STATE_SECTOR_SIZE, (size_t)n * STATE_SECTOR_SIZE);
	return SVSM_OK;
}

static enum svsm_err rd_write(void *ctx, uint64_t lba, const void *buf, uint32_t n)
{
	struct ramdev *r = ctx;

	if (lba > r->sectors || n > r->sectors - lba) {
		abort(); /* the store never writes past the device it was given */
	}
	memcpy(r->buf + lba * STATE_SECTOR_SIZE, buf, (size_t)n * STATE_SECTOR_SIZE);
	return SVSM_OK;
}

static enum svsm_err rd_flush(void *ctx)
{
	(void)ctx;
	return SVSM_OK;
}

static struct state_keys keys;
static int keys_ready;

static void check_failure(enum svsm_err err, const struct state_report *rep)
{
	if (err != SVSM_OK && rep->msg[0] == '\0') {
		abort();
	}
}

static void raw_image(const uint8_t *data, size_t size)
{
	uint64_t sectors = (size + STATE_SECTOR_SIZE - 1) / STATE_SECTOR_SIZE;
	struct ramdev r;
	struct state_dev dev = {&r, 0, rd_read, rd_write, rd_flush};
	struct state st;
	struct state_report rep;
	struct state_header_info info;
	enum svsm_err err;
	uint32_t i;

	if (sectors < 2 * STATE_SLOT_SECTORS_MIN) {
		sectors = 2 * STATE_SLOT_SECTORS_MIN;
	}
	if (sectors > MAX_IMAGE_SECTORS) {
		return;
	}
	r.sectors = sectors;
	r.buf = calloc(sectors, STATE_SECTOR_SIZE);
	memcpy(r.buf, data, size);
	dev.sectors = sectors;
	memset(&st, 0, sizeof(st));
	err = state_load(&dev, &keys, &st, &rep);
	check_failure(err, &rep);
	for (i = 0; i < 2; i++) {
		uint32_t ss = state_slot_sectors(sectors);

		err = state_header_peek(r.buf + state_slot_lba(ss, i) * STATE_SECTOR_SIZE, i, ss,
					&info, &rep);
		check_failure(err, &rep);
	}
	state_free(&st);
	free(r.buf);
}

static void damaged_image(const uint8_t *data, size_t size)
{
	const uint64_t sectors = 64;
	struct ramdev r = {calloc(sectors, STATE_SECTOR_SIZE), sectors};
	struct state_dev dev = {&r, sectors, rd_read, rd_write, rd_flush};
	struct state st, back;
	struct state_report rep;
	const uint8_t *p = NULL;
	uint32_t n = 0, t, len;
	size_t pos = 0;
	int damaged = 0;
	enum svsm_err err;

	memset(&back, 0, sizeof(back));
	if (size < 4 || state_init(&st, sectors) != SVSM_OK) {
		free(r.buf);
		return;
	}
	/* Records: up to four (type, 2-byte length) taken from the input, filled with it. */
	for (t = 0; t < 4 && pos + 3 <= size; t++) {
		uint32_t type = 1 + data[pos] % STATE_REC_TYPE_MAX;

		len = 1 + ((data[pos + 1] | (data[pos + 2] << 8)) % 3000);
		pos += 3;
		{
			uint8_t *buf = calloc(1, len);

			memcpy(buf, data + pos, len < size - pos ? len : size - pos);
			if (state_set(&st, type, buf, len) != SVSM_OK) {
				abort();
			}
			free(buf);
		}
	}
	if (state_commit(&dev, &keys, &st, &rep) != SVSM_OK ||
	    state_commit(&dev, &keys, &st, &rep) != SVSM_OK) {
		check_failure(SVSM_E_IO, &rep); /* too large for the slot: must say so */
		goto out;
	}
	/* Damage: (2-byte offset, xor) triples from the rest of the input. */
	for (; pos + 3 <= size; pos += 3) {
		uint32_t off = (uint32_t)(data[pos] | (data[pos + 1] << 8)) % (sectors * STATE_SECTOR_SIZE);

		if (data[pos + 2] != 0) {
			r.buf[off] ^= data[pos + 2];
			damaged = 1;
		}
	}
	err = state_load(&dev, &keys, &back, &rep);
	check_failure(err, &rep);
	if (!damaged) {
		if (err != SVSM_OK || state_generation(&back) != state_generation(&st)) {
			abort();
		}
		for (t = 1; t <= STATE_REC_TYPE_MAX; t++) {
			const uint8_t *q = NULL;
			uint32_t m = 0;
			enum svsm_err a = state_get(&st, t, &p, &n), b = state_get(&back, t, &q, &m);

			if (a != b || (a == SVSM_OK && (n != m || memcmp(p, q, n) != 0))) {
				abort();
			}
		}
	}
out:
	state_free(&st);
	state_free(&back);
	free(r.buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t secret[STATE_SECRET_SIZE];

	if (!keys_ready) {
		memset(secret, 0x5a, sizeof(secret));
		if (state_keys_derive(secret, &keys) != SVSM_OK) {
			abort();
		}
		keys_ready = 1;
	}
	if (size < 1) {
		return 0;
	}
	if ((data[0] & 1) == 0) {
		raw_image(data + 1, size - 1);
	} else {
		damaged_image(data + 1, size - 1);
	}
	return 0;
}
