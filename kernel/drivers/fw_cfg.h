/*
 * QEMU fw_cfg (I/O ports 0x510/0x511): find a file by name and read it. The host
 * provides every byte, so sizes are checked by callers against what they expect.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "svsm/err.h"

/** fw_cfg_find - look up @name; returns false when fw_cfg or the file is absent. */
bool fw_cfg_find(const char *name, uint16_t *select, uint32_t *size);
/** fw_cfg_read - read @len bytes of item @select into @dst (from its start). */
void fw_cfg_read(uint16_t select, void *dst, size_t len);
/**
 * fw_cfg_read_at - read @len bytes of item @select from byte @offset into @dst (the data
 * port skips @offset bytes first).
 */
void fw_cfg_read_at(uint16_t select, uint32_t offset, void *dst, size_t len);
/** fw_cfg_read_next - read the next @len bytes of the item last selected into @dst. */
void fw_cfg_read_next(void *dst, size_t len);
