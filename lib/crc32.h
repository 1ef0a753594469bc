/* CRC-32/IEEE (zlib crc32): the IGVM checksum. Freestanding. */
#pragma once

#include <stddef.h>
#include <stdint.h>

/**
 * crc32_update() - continue a CRC-32/IEEE over @len bytes at @data.
 * @crc: value returned by the previous call, 0 to start.
 * Returns the CRC of everything fed so far (crc32_update(0, "123456789", 9) == 0xCBF43926).
 */
uint32_t crc32_update(uint32_t crc, const void *data, size_t len);
