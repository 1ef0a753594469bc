/*
 * The firmware flash of split OVMF (docs/uefi-vars.md): the code flash, read-only guest
 * memory whose writes are dropped, and the variable store, a CFI flash device
 * (lib/cfi_flash.c) whose contents are the state store's "uefi-vars" record when the SVSM
 * has a state disk. Native paravisor only (the NPT maps both read-only).
 */
#pragma once

#include <stdint.h>

#include "kernel/mm/addr.h"
#include "svsm/err.h"

/**
 * flash_code_register - guest-physical [@gpa, @gpa + @size), backed by the SVSM pages at
 * @pa, is firmware code: mapped read-only by flash_map(); guest writes to it are dropped.
 */
enum svsm_err flash_code_register(gpa_t gpa, uint64_t size, paddr_t pa) SVSM_MUST_CHECK;

/**
 * flash_vars_load - the variable store at [@gpa, @gpa + @size): from the state record
 * when the state disk has one, else the fw_cfg file @select (the initial contents, also
 * committed as the record when a state disk is there); registered on the bus.
 * SVSM_E_FORMAT when the record's size is not @size.
 */
enum svsm_err flash_vars_load(gpa_t gpa, uint16_t select, uint32_t size) SVSM_MUST_CHECK;

/**
 * flash_map - after every device's MMIO range is trapped: map the code and the variable
 * store (in read-array mode) read-only. No-op without split firmware.
 */
enum svsm_err flash_map(void) SVSM_MUST_CHECK;
