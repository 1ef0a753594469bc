/*
 * igvm_parse.c (fuzz): libFuzzer target for lib/igvm_parse.c. Feeds arbitrary bytes to
 * igvm_parse_open()/igvm_parse_next() and touches every returned payload and data byte,
 * so out-of-bounds views are caught by ASan. A second pass fixes up the size and checksum
 * fields so the fuzzer gets past them to the variable headers.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/crc32.h"
#include "lib/igvm_parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void walk(const uint8_t *buf, size_t len)
{
	struct igvm_parser p;
	struct igvm_header h;
	volatile uint8_t sink = 0;
	size_t i = 0;
	size_t n = 0;

	if (igvm_parse_open(&p, buf, len) != IGVM_OK) {
		if (igvm_parse_error_offset(&p) > len) {
			abort();
		}
		return;
	}
	while (igvm_parse_next(&p, &h) == IGVM_OK) {
		for (i = 0; i < h.length; i++) {
			sink ^= h.payload[i];
		}
		if (h.data != NULL) {
			for (i = 0; i < h.data_len; i += 64) {
				sink ^= h.data[i];
			}
			sink ^= h.data[h.data_len - 1];
		}
		if (++n > len) {
			abort(); /* the iterator must always advance */
		}
	}
	if (igvm_parse_error_offset(&p) > len) {
		abort();
	}
	(void)sink;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *copy = NULL;
	uint32_t vh_off = 0, vh_size = 0, len32 = (uint32_t)size, crc = 0, zero = 0;
	size_t fixed = 24;

	walk(data, size);
	if (size < 32 || size > (1u << 24)) {
		return 0;
	}
	/* Make the fixed header consistent so the variable headers get exercised. */
	copy = malloc(size);
	if (copy == NULL) {
		return 0;
	}
	memcpy(copy, data, size);
	memcpy(copy, "IGVM", 4);
	copy[4] = (copy[4] & 1) + 1;
	copy[5] = copy[6] = copy[7] = 0;
	fixed = copy[4] == 2 ? 32 : 24;
	if (fixed == 32) {
		memset(copy + 0x18, 0, 4);
		memcpy(copy + 0x1C, &(uint32_t){ 4096 }, 4);
	}
	memcpy(copy + 0x10, &len32, 4);
	memcpy(&vh_off, copy + 8, 4);
	memcpy(&vh_size, copy + 12, 4);
	vh_off = (uint32_t)fixed + (vh_off % 4) * 8;
	if (vh_off >= size) {
		vh_off = (uint32_t)fixed;
	}
	if (vh_off >= size) {
		free(copy);
		return 0;
	}
	vh_size %= (uint32_t)(size - vh_off);
	memcpy(copy + 8, &vh_off, 4);
	memcpy(copy + 12, &vh_size, 4);
	memcpy(copy + 0x14, &zero, 4);
	crc = crc32_update(0, copy, fixed);
	crc = crc32_update(crc, copy + vh_off, vh_size);
	memcpy(copy + 0x14, &crc, 4);
	walk(copy, size);
	free(copy);
	return 0;
}
