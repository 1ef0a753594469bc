/*
 * Owns the swtpm state-file header (swtpm_blob.h): parsing what swtpm 0.7 writes without
 * --key, and writing what it reads. Pure functions; no state.
 */
#include "tools/svsm-state/swtpm_blob.h"

#include <stdlib.h>
#include <string.h>

/* Offsets in swtpm's packed blobheader; all fields big-endian. */
#define BH_VERSION     0u /* u8 */
#define BH_MIN_VERSION 1u /* u8 */
#define BH_HDRSIZE     2u /* u16 */
#define BH_FLAGS       4u /* u16: 0x01 encrypted, 0x02 migration-encrypted, 0x04 migration
			   * data, 0x08/0x10 256-bit keys */
#define BH_TOTLEN      6u /* u32: header + data */

static uint32_t be16(const uint8_t *p)
{
	return (uint32_t)p[0] << 8 | p[1];
}

static uint32_t be32(const uint8_t *p)
{
	return be16(p) << 16 | be16(p + 2);
}

const char *swtpm_blob_unwrap(const uint8_t *data, size_t size, size_t *off, size_t *len)
{
	uint32_t hdrsize, flags;

	*off = 0;
	*len = 0;
	if (size == 0) {
		return "empty file";
	}
	if (size < SWTPM_BLOB_HEADER_SIZE || be32(data + BH_TOTLEN) != size) {
		/* No swtpm header (swtpm checks totlen first too): the file is the blob. */
		*len = size;
		return NULL;
	}
	if (data[BH_MIN_VERSION] > SWTPM_BLOB_HEADER_VERSION) {
		return "swtpm header: needs a newer reader (min_version > 2)";
	}
	hdrsize = be16(data + BH_HDRSIZE);
	flags = be16(data + BH_FLAGS);
	if (hdrsize < SWTPM_BLOB_HEADER_SIZE || hdrsize >= size) {
		return "swtpm header: bad header size";
	}
	if ((flags & 0x1bu) != 0) {
		return "swtpm state is encrypted (swtpm --key / --migration-key): "
		       "export it from swtpm without encryption first";
	}
	if (flags != 0) {
		return "swtpm header: unknown flags";
	}
	*off = hdrsize;
	*len = size - hdrsize;
	return NULL;
}

uint8_t *swtpm_blob_wrap(const uint8_t *data, size_t size, size_t *out_size)
{
	uint8_t *out = NULL;
	size_t total = size + SWTPM_BLOB_HEADER_SIZE;

	if (size > 0xffffffffu - SWTPM_BLOB_HEADER_SIZE) {
		return NULL;
	}
	out = malloc(total);
	if (out == NULL) {
		return NULL;
	}
	out[BH_VERSION] = SWTPM_BLOB_HEADER_VERSION;
	out[BH_MIN_VERSION] = 1;
	out[BH_HDRSIZE] = 0;
	out[BH_HDRSIZE + 1] = SWTPM_BLOB_HEADER_SIZE;
	out[BH_FLAGS] = 0;
	out[BH_FLAGS + 1] = 0;
	out[BH_TOTLEN] = (uint8_t)(total >> 24);
	out[BH_TOTLEN + 1] = (uint8_t)(total >> 16);
	out[BH_TOTLEN + 2] = (uint8_t)(total >> 8);
	out[BH_TOTLEN + 3] = (uint8_t)total;
	memcpy(out + SWTPM_BLOB_HEADER_SIZE, data, size);
	*out_size = total;
	return out;
}
