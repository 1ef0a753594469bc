/*
 * igvm_build.c owns the byte encoding of IGVM files: variable-header framing (8-byte
 * padding) and the fixed header with its CRC-32. Layout decisions (which headers, where
 * data goes) belong to the caller, e.g. tools/igvm-build. No allocation, no global state.
 */
#include "lib/igvm_build.h"

#include "lib/crc32.h"

size_t igvm_build_fixed_size(uint32_t version)
{
	return version == IGVM_FORMAT_VERSION_2 ? sizeof(struct igvm_fixed_header_v2)
						: sizeof(struct igvm_fixed_header);
}

size_t igvm_build_header_space(uint32_t payload_len)
{
	size_t n = sizeof(struct igvm_var_header) + (size_t)payload_len;

	return (n + IGVM_HEADER_ALIGN - 1) & ~(size_t)(IGVM_HEADER_ALIGN - 1);
}

bool igvm_build_put_header(uint8_t *buf, size_t cap, size_t *pos, uint32_t type,
			   const void *payload, uint32_t payload_len)
{
	size_t space = igvm_build_header_space(payload_len);
	struct igvm_var_header vh = { .type = type, .length = payload_len };

	if (*pos > cap || cap - *pos < space) {
		return false;
	}
	__builtin_memset(buf + *pos, 0, space);
	__builtin_memcpy(buf + *pos, &vh, sizeof(vh));
	if (payload_len != 0) {
		__builtin_memcpy(buf + *pos + sizeof(vh), payload, payload_len);
	}
	*pos += space;
	return true;
}

bool igvm_build_finish(uint8_t *buf, size_t cap, uint32_t version, uint32_t vh_offset,
		       uint32_t vh_size, uint32_t total_size)
{
	struct igvm_fixed_header_v2 fh;
	size_t fixed = igvm_build_fixed_size(version);
	uint32_t crc = 0;

	if (vh_offset < fixed || (uint64_t)vh_offset + vh_size > cap ||
	    (uint64_t)vh_offset + vh_size > total_size) {
		return false;
	}
	__builtin_memset(&fh, 0, sizeof(fh));
	fh.v1.magic = IGVM_MAGIC;
	fh.v1.format_version = version;
	fh.v1.variable_header_offset = vh_offset;
	fh.v1.variable_header_size = vh_size;
	fh.v1.total_file_size = total_size;
	fh.v1.checksum = 0;
	fh.architecture = IGVM_ARCH_X64;
	fh.page_size = IGVM_PAGE_SIZE;
	crc = crc32_update(0, &fh, fixed);
	crc = crc32_update(crc, buf + vh_offset, vh_size);
	fh.v1.checksum = crc;
	__builtin_memcpy(buf, &fh, fixed);
	return true;
}
