/*
 * IGVM encoder: writes variable headers and the fixed header (with its checksum) into a
 * caller buffer. Freestanding, no allocation. The caller lays the file out: fixed header,
 * variable-header section at igvm_build_fixed_size(version), then file data.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "svsm/abi/igvm.h"

/** igvm_build_fixed_size() - bytes of the fixed header of format @version (24 or 32). */
size_t igvm_build_fixed_size(uint32_t version);

/** igvm_build_header_space() - bytes an entry with @payload_len payload takes, padded. */
size_t igvm_build_header_space(uint32_t payload_len);

/**
 * igvm_build_put_header() - append one variable header at *@pos in @buf (capacity @cap):
 * type, length, payload, zero padding to 8 bytes. Advances *@pos.
 * Returns false (and writes nothing) if it does not fit.
 */
bool igvm_build_put_header(uint8_t *buf, size_t cap, size_t *pos, uint32_t type,
			   const void *payload, uint32_t payload_len);

/**
 * igvm_build_finish() - write the fixed header of format @version at @buf[0] for a file of
 * @total_size bytes whose variable headers occupy [@vh_offset, @vh_offset + @vh_size) of
 * @buf (already written), and store the CRC-32 checksum.
 * Returns false if the numbers are inconsistent with @cap.
 */
bool igvm_build_finish(uint8_t *buf, size_t cap, uint32_t version, uint32_t vh_offset,
		       uint32_t vh_size, uint32_t total_size);
