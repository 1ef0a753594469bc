/*
 * libFuzzer target for the UEFI variable record parser (uefi_vars_parse(), lib/uefi_vars.c).
 * The first input byte picks a mode:
 *   even: the rest is a raw record;
 *   odd:  the rest is a record whose header CRC is recomputed first, so the fuzzer reaches
 *         the entry checks behind it.
 * Checked: the record is read in a heap buffer of its exact size (ASan sees any overread);
 * a record that parses serializes back to bytes that parse again and serialize to the same
 * bytes; a refused record leaves the store's variables as they were.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/crc32.h"
#include "lib/uefi_vars.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint8_t *record_of(const struct uefi_vars *v, size_t *n)
{
	uint8_t *r;

	if (uefi_vars_serialize(v, NULL, n) != SVSM_OK) {
		abort();
	}
	r = malloc(*n);
	if (r == NULL || uefi_vars_serialize(v, r, n) != SVSM_OK) {
		abort();
	}
	return r;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct uefi_vars_limits lim = {16384, 2048};
	struct uefi_vars *v, *w;
	uint8_t *rec, *before, *again, *third;
	size_t n, bn, an, tn;
	static const efi_guid_t g = EFI_GUID_INIT(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11);
	static const uint16_t name[] = {'K', 'e', 'e', 'p', 0};

	if (size < 1) {
		return 0;
	}
	n = size - 1;
	rec = malloc(n ? n : 1);
	if (rec == NULL) {
		return 0;
	}
	memcpy(rec, data + 1, n);
	if ((data[0] & 1) != 0 && n >= 32) {
		uint32_t crc = crc32_update(0, rec + 32, n - 32);

		memcpy(rec + 24, &crc, 4);
	}
	v = uefi_vars_new(&lim);
	if (v == NULL || uefi_vars_set(v, name, sizeof(name), &g,
				       EFI_VARIABLE_NON_VOLATILE | EFI_VARIABLE_BOOTSERVICE_ACCESS,
				       "k", 1) != EFI_SUCCESS) {
		abort();
	}
	before = record_of(v, &bn);
	if (uefi_vars_parse(v, rec, n) == SVSM_OK) {
		again = record_of(v, &an);
		w = uefi_vars_new(&lim);
		if (w == NULL || uefi_vars_parse(w, again, an) != SVSM_OK) {
			abort();
		}
		third = record_of(w, &tn);
		if (tn != an || memcmp(third, again, an) != 0) {
			abort();
		}
		free(third);
		free(again);
		uefi_vars_free(w);
	} else {
		again = record_of(v, &an);
		if (an != bn || memcmp(again, before, bn) != 0) {
			abort();
		}
		free(again);
	}
	free(before);
	free(rec);
	uefi_vars_free(v);
	return 0;
}
