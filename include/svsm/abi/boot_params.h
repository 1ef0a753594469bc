/*
 * Boot parameter page placed by tools/igvm-build in an IGVM file and read by the kernel's
 * IGVM entry path. The page is a measured PAGE_DATA page (one copy per platform, with the
 * platform's compatibility mask); the builder fills it, the loader never writes it.
 * Loader-written values live in the parameter areas it points at (memory map, VP count).
 * The VP starts at the kernel's 32-bit entry with EBX = GPA of this page (the PVH entry
 * gets EBX = hvm_start_info; the kernel tells them apart by the magic at [EBX]).
 * Layout documented in docs/igvm.md, "Boot parameter page".
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#define SVSM_BOOT_PARAMS_MAGIC   0x50425653u /* "SVBP" */
#define SVSM_BOOT_PARAMS_VERSION 1u
#define SVSM_BOOT_PARAMS_CMDLINE_OFFSET 0x100u
#define SVSM_BOOT_PARAMS_CMDLINE_SIZE   0xF00u

/* svsm_boot_params.platform (same values as IGVM platform types). */
#define SVSM_BOOT_PLATFORM_NATIVE  0u
#define SVSM_BOOT_PLATFORM_SEV_SNP 2u

/* svsm_boot_params.flags */
#define SVSM_BOOT_FLAG_FIRMWARE    (1u << 0) /* firmware_gpa/size are valid */
#define SVSM_BOOT_FLAG_FW_SEV_META (1u << 1) /* fw_* OVMF SEV metadata pages are valid */

/**
 * struct svsm_boot_params - the boot parameter page (4096 bytes).
 * @magic:              SVSM_BOOT_PARAMS_MAGIC.
 * @version:            SVSM_BOOT_PARAMS_VERSION; fields are only appended.
 * @platform:           SVSM_BOOT_PLATFORM_* this copy of the page is for.
 * @reserved0:          0.
 * @size:               bytes of this page that are defined (4096).
 * @flags:              SVSM_BOOT_FLAG_*.
 * @memory_map_gpa:     GPA of the memory-map parameter area: the loader writes
 *                      struct igvm_memory_map_entry[], sorted, ended by a zero page count.
 * @memory_map_size:    bytes of that area.
 * @vp_count_gpa:       GPA of the u32 VP count the loader writes (general parameter area).
 * @param_area_gpa:     GPA of the general parameter area (unmeasured, loader-written).
 * @param_area_size:    bytes of the general parameter area.
 * @kernel_gpa:         lowest GPA of the kernel image (first PT_LOAD, page-aligned).
 * @kernel_size:        bytes from @kernel_gpa to the end of the last PT_LOAD (page-aligned).
 * @kernel_entry:       32-bit entry point the VP context starts at.
 * @svsm_region_gpa:    start of all SVSM-owned memory (kernel, this page, parameter areas,
 *                      secrets and CPUID pages): one contiguous range.
 * @svsm_region_size:   its size.
 * @firmware_gpa:       GPA of the guest firmware image (just below 4 GiB), 0 if none.
 * @firmware_size:      its size in bytes, 0 if none.
 * @cpuid_page_gpa:     GPA of the SNP CPUID page, 0 on NATIVE.
 * @secrets_page_gpa:   GPA of the SNP secrets page, 0 on NATIVE.
 * @fw_secrets_gpa:     OVMF's own SNP secrets page from its SEV metadata, 0 if none.
 * @fw_cpuid_gpa:       OVMF's CPUID page from its SEV metadata, 0 if none.
 * @fw_caa_gpa:         OVMF's SVSM calling-area page from its SEV metadata, 0 if none.
 * @fw_reset_eip:       OVMF's SEV-ES AP reset EIP (footer GUID), 0 if none.
 * @cmdline_offset:     offset of the NUL-terminated command line in this page (0x100).
 * @cmdline_size:       bytes reserved for it, NUL included (0xF00).
 * @reserved1:          0 up to @cmdline.
 * @cmdline:            kernel command line, NUL-terminated, zero-padded.
 */
struct svsm_boot_params {
	uint32_t magic;
	uint16_t version;
	uint8_t platform;
	uint8_t reserved0;
	uint32_t size;
	uint32_t flags;
	uint64_t memory_map_gpa;
	uint32_t memory_map_size;
	uint32_t param_area_size;
	uint64_t vp_count_gpa;
	uint64_t param_area_gpa;
	uint64_t kernel_gpa;
	uint64_t kernel_size;
	uint64_t kernel_entry;
	uint64_t svsm_region_gpa;
	uint64_t svsm_region_size;
	uint64_t firmware_gpa;
	uint64_t firmware_size;
	uint64_t cpuid_page_gpa;
	uint64_t secrets_page_gpa;
	uint64_t fw_secrets_gpa;
	uint64_t fw_cpuid_gpa;
	uint64_t fw_caa_gpa;
	uint32_t fw_reset_eip;
	uint32_t cmdline_offset;
	uint32_t cmdline_size;
	uint8_t reserved1[SVSM_BOOT_PARAMS_CMDLINE_OFFSET - 0x9C];
	char cmdline[SVSM_BOOT_PARAMS_CMDLINE_SIZE];
};
_Static_assert(sizeof(struct svsm_boot_params) == 4096, "boot_params size");
_Static_assert(offsetof(struct svsm_boot_params, memory_map_gpa) == 0x10, "bp memory_map_gpa");
_Static_assert(offsetof(struct svsm_boot_params, vp_count_gpa) == 0x20, "bp vp_count_gpa");
_Static_assert(offsetof(struct svsm_boot_params, kernel_gpa) == 0x30, "bp kernel_gpa");
_Static_assert(offsetof(struct svsm_boot_params, firmware_gpa) == 0x58, "bp firmware_gpa");
_Static_assert(offsetof(struct svsm_boot_params, cpuid_page_gpa) == 0x68, "bp cpuid");
_Static_assert(offsetof(struct svsm_boot_params, secrets_page_gpa) == 0x70, "bp secrets");
_Static_assert(offsetof(struct svsm_boot_params, fw_reset_eip) == 0x90, "bp fw_reset_eip");
_Static_assert(offsetof(struct svsm_boot_params, cmdline_size) == 0x98, "bp cmdline_size");
_Static_assert(offsetof(struct svsm_boot_params, cmdline) == SVSM_BOOT_PARAMS_CMDLINE_OFFSET,
	       "bp cmdline");
