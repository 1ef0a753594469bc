/*
 * The BIOS e820 memory map entry, as QEMU's fw_cfg file "etc/e820" and the Linux boot
 * protocol's boot_params.e820_table carry it (20 bytes, packed, little endian).
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#define E820_RAM      1u
#define E820_RESERVED 2u
#define E820_ACPI     3u
#define E820_NVS      4u
#define E820_UNUSABLE 5u

/** struct e820_entry - one range [addr, addr + size) of @type. */
struct e820_entry {
	uint64_t addr;
	uint64_t size;
	uint32_t type;
} __attribute__((packed));

_Static_assert(sizeof(struct e820_entry) == 20, "e820 entry size");
_Static_assert(offsetof(struct e820_entry, type) == 16, "e820 entry type");
