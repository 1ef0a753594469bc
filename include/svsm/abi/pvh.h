/*
 * Xen PVH boot ABI as QEMU implements it for `-kernel`: the start_info block passed in EBX
 * and its memory-map entries. From xen/include/public/arch-x86/hvm/start_info.h.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#define PVH_START_MAGIC 0x336ec578u
#define PVH_ELFNOTE_PHYS32_ENTRY 18

/** struct hvm_start_info - version 1 start_info. */
struct hvm_start_info {
	uint32_t magic;          /* PVH_START_MAGIC */
	uint32_t version;        /* 0 or 1; memmap fields exist from version 1 */
	uint32_t flags;
	uint32_t nr_modules;
	uint64_t modlist_paddr;
	uint64_t cmdline_paddr;  /* NUL-terminated command line, 0 if none */
	uint64_t rsdp_paddr;     /* ACPI RSDP, 0 if unknown */
	uint64_t memmap_paddr;   /* array of struct hvm_memmap_table_entry */
	uint32_t memmap_entries;
	uint32_t reserved;
};
_Static_assert(sizeof(struct hvm_start_info) == 56, "start_info size");
_Static_assert(offsetof(struct hvm_start_info, memmap_paddr) == 40, "start_info memmap");

/** struct hvm_memmap_table_entry - one e820-style range. */
struct hvm_memmap_table_entry {
	uint64_t addr;
	uint64_t size;
	uint32_t type;           /* PVH_MEMMAP_* */
	uint32_t reserved;
};
_Static_assert(sizeof(struct hvm_memmap_table_entry) == 24, "memmap entry size");

#define PVH_MEMMAP_RAM      1
#define PVH_MEMMAP_RESERVED 2
#define PVH_MEMMAP_ACPI     3
#define PVH_MEMMAP_NVS      4
#define PVH_MEMMAP_UNUSABLE 5
