/*
 * libFuzzer target for the MM communicate buffer decoder (uefi_mm_handle(), lib/uefi_mm.c)
 * over a UEFI variable store (lib/uefi_vars.c). The input is a sequence of messages, each a
 * 2-byte little-endian length, a flags byte and that many bytes; each is copied into a heap
 * buffer of exactly that size (ASan sees any overread or overwrite) and served on one store,
 * so that sets, gets, enumeration and ExitBootServices interleave. Flags bit 0 writes
 * gEfiSmmVariableProtocolGuid into the header, bit 1 sets MessageLength to the buffer's
 * remainder: both let the fuzzer past the outer checks quickly.
 * Checked: a result other than SVSM_OK leaves the buffer unchanged; SVSM_OK replies within
 * the buffer; the store's storage accounting stays within its limit; whatever state the
 * messages leave, its record parses back into a fresh store with the same limits (a store
 * whose record the parser refuses would be lost at the next load).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/uefi_mm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const efi_guid_t var_guid = EFI_SMM_VARIABLE_PROTOCOL_GUID;
	struct uefi_vars_limits lim = {8192, 1024};
	struct uefi_vars *v = uefi_vars_new(&lim);
	size_t off = 0;

	if (v == NULL) {
		abort();
	}
	while (size - off >= 3) {
		size_t len = (size_t)data[off] | (size_t)data[off + 1] << 8;
		uint8_t flags = data[off + 2];
		uint8_t *buf, *copy;
		size_t reply = 0;
		enum svsm_err err;
		uint64_t max, rem, maxv;

		off += 3;
		if (len > size - off) {
			len = size - off;
		}
		buf = malloc(len ? len : 1);
		copy = malloc(len ? len : 1);
		if (buf == NULL || copy == NULL) {
			abort();
		}
		memcpy(buf, data + off, len);
		off += len;
		if ((flags & 1) != 0 && len >= 16) {
			memcpy(buf, &var_guid, 16);
		}
		if ((flags & 2) != 0 && len >= 24) {
			uint64_t ml = len - 24;

			memcpy(buf + 16, &ml, 8);
		}
		memcpy(copy, buf, len);
		err = uefi_mm_handle(v, buf, len, &reply);
		if (err != SVSM_OK && memcmp(copy, buf, len) != 0) {
			abort();
		}
		if (err == SVSM_OK && (reply > len || reply < UEFI_MM_HEADERS_SIZE)) {
			abort();
		}
		if (uefi_vars_query_info(v, EFI_VARIABLE_BOOTSERVICE_ACCESS |
					    EFI_VARIABLE_RUNTIME_ACCESS,
					 &max, &rem, &maxv) == EFI_SUCCESS && rem > max) {
			abort();
		}
		free(buf);
		free(copy);
	}
	{
		struct uefi_vars *w = uefi_vars_new(&lim);
		size_t rs = 0;
		uint8_t *rec;

		if (w == NULL || uefi_vars_serialize(v, NULL, &rs) != SVSM_OK ||
		    (rec = malloc(rs)) == NULL) {
			abort();
		}
		if (uefi_vars_serialize(v, rec, &rs) != SVSM_OK ||
		    uefi_vars_parse(w, rec, rs) != SVSM_OK) {
			abort();
		}
		free(rec);
		uefi_vars_free(w);
	}
	uefi_vars_free(v);
	return 0;
}
