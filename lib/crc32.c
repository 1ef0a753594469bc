/*
 * crc32.c owns the CRC-32/IEEE checksum (polynomial 0xEDB88320 reflected, init and final
 * XOR 0xFFFFFFFF), as zlib's crc32() and Rust's crc32fast compute it. Used for the IGVM
 * fixed-header checksum. Half-byte table: small, constant, no state.
 */
#include "lib/crc32.h"

static const uint32_t crc32_nibble[16] = {
	0x00000000, 0x1DB71064, 0x3B6E20C8, 0x26D930AC, 0x76DC4190, 0x6B6B51F4,
	0x4DB26158, 0x5005713C, 0xEDB88320, 0xF00F9344, 0xD6D6A3E8, 0xCB61B38C,
	0x9B64C2B0, 0x86D3D2D4, 0xA00AE278, 0xBDBDF21C,
};

uint32_t crc32_update(uint32_t crc, const void *data, size_t len)
{
	const uint8_t *p = data;
	size_t i = 0;

	crc = ~crc;
	for (i = 0; i < len; i++) {
		crc ^= p[i];
		crc = (crc >> 4) ^ crc32_nibble[crc & 0xF];
		crc = (crc >> 4) ^ crc32_nibble[crc & 0xF];
	}
	return ~crc;
}
