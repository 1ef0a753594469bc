/*
 * libFuzzer target for lib/cfi_flash.c: the input is a stream of 8-byte accesses (op:
 * read/write and size 1/2/4/8/other, a 24-bit offset reaching past the array, a 32-bit
 * value, widened for 8-byte writes) applied to one flash over a heap array of its exact
 * size (ASan sees any access outside it). Checked after every step: the events a write
 * reports match the mode before and after it; in read-array mode a read returns the array's
 * bytes (0xff past the end); the array changes only when the change counter moves, and the
 * counter never moves without a program or erase command under way; reads never set bits
 * beyond their size, nor change the mode or the status (they report no event); the status register keeps its unused bits (SR.0..SR.3) clear.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/cfi_flash.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FLASH_SIZE 0x8000u
#define BLOCK 0x1000u
#define STEP 8u

static uint64_t expect_array(const uint8_t *a, uint32_t off, unsigned n)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < n; i++) {
		uint64_t at = (uint64_t)off + i;

		v |= (uint64_t)(at < FLASH_SIZE ? a[at] : 0xff) << (8 * i);
	}
	return v;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const unsigned sizes[8] = {1, 2, 4, 8, 1, 4, 3, 0};
	uint8_t *a = malloc(FLASH_SIZE);
	uint8_t *shadow = malloc(FLASH_SIZE);
	struct cfi_flash f;

	if (a == NULL || shadow == NULL) {
		abort();
	}
	for (uint32_t i = 0; i < FLASH_SIZE; i++) {
		a[i] = (uint8_t)(i ^ (i >> 8));
	}
	memcpy(shadow, a, FLASH_SIZE);
	if (!cfi_flash_init(&f, a, FLASH_SIZE, BLOCK)) {
		abort();
	}
	for (size_t p = 0; p + STEP <= size; p += STEP) {
		const uint8_t *s = data + p;
		bool write = (s[0] & 0x80) != 0;
		unsigned n = sizes[s[0] & 7];
		uint32_t off = (uint32_t)s[1] | (uint32_t)s[2] << 8 | (uint32_t)(s[3] & 0x7f) << 16;
		uint64_t value = (uint64_t)s[4] | (uint64_t)s[5] << 8 | (uint64_t)s[6] << 16 |
				 (uint64_t)s[7] << 24;
		uint64_t changes = cfi_flash_changes(&f);
		bool was = cfi_flash_array_mode(&f);

		if ((s[3] & 0x80) != 0) {
			off = 0xffffffffu - off; /* near the top of the offset space */
		}
		if (write) {
			unsigned ev;

			value |= value << 32;
			ev = cfi_flash_write(&f, off, n, value);
			if (n != 1 && n != 2 && n != 4 && n != 8 && ev != CFI_FLASH_EV_NONE) {
				abort();
			}
			if (n != 8 && ((ev & CFI_FLASH_EV_LEFT_ARRAY) != 0) !=
					  (was && !cfi_flash_array_mode(&f))) {
				abort();
			}
			if (n != 8 && ((ev & CFI_FLASH_EV_ENTERED_ARRAY) != 0) !=
					  (!was && cfi_flash_array_mode(&f))) {
				abort();
			}
			if (n == 8 && was != cfi_flash_array_mode(&f) && ev == CFI_FLASH_EV_NONE) {
				abort();
			}
		} else {
			uint8_t status = cfi_flash_status(&f);
			uint64_t v = cfi_flash_read(&f, off, n);

			/* Reads report no event: one that changed the mode would leave the
			 * device's mapping of the store out of step with the flash. */
			if (cfi_flash_array_mode(&f) != was || cfi_flash_status(&f) != status) {
				abort();
			}

			if (n < 8 && (v >> (8 * n)) != 0) {
				abort();
			}
			if (was && cfi_flash_array_mode(&f) &&
			    (n == 1 || n == 2 || n == 4 || n == 8) &&
			    v != expect_array(a, off, n)) {
				abort();
			}
		}
		if ((cfi_flash_status(&f) & 0x0f) != 0) {
			abort();
		}
		if (memcmp(a, shadow, FLASH_SIZE) != 0) {
			if (cfi_flash_changes(&f) == changes) {
				abort(); /* the array changed behind the counter */
			}
			memcpy(shadow, a, FLASH_SIZE);
		} else if (cfi_flash_changes(&f) != changes && !write) {
			abort(); /* a read changed the counter */
		}
	}
	free(a);
	free(shadow);
	return 0;
}
