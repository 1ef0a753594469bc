/*
 * struct boot_info: everything the boot path learned, normalised from the PVH start_info
 * (and later the IGVM parameter block) before anything else runs: memory map, command
 * line, CPU list (ACPI MADT), ACPI facts. Filled once on the BSP, read-only afterwards.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#define BOOT_MAX_MEM_REGIONS 64
#define BOOT_CMDLINE_MAX 512
#define MAX_CPUS 64

enum mem_type { MEM_RAM = 1, MEM_RESERVED = 2, MEM_ACPI = 3, MEM_NVS = 4, MEM_UNUSABLE = 5 };
enum boot_source { BOOT_PVH = 1, BOOT_IGVM = 2 };

struct mem_region {
	uint64_t base;
	uint64_t size;
	uint32_t type; /* enum mem_type */
};

/**
 * struct boot_snp - what the IGVM boot parameter page says about SNP and the firmware's SEV
 * pages (include/svsm/abi/boot_params.h); all zero after a PVH or native IGVM boot.
 */
struct boot_snp {
	uint8_t platform;           /* SVSM_BOOT_PLATFORM_* */
	uint64_t cpuid_page_gpa;    /* the SVSM's CPUID page */
	uint64_t secrets_page_gpa;  /* the SVSM's secrets page */
	uint64_t fw_secrets_gpa;    /* the firmware's secrets page, 0 if none */
	uint64_t fw_cpuid_gpa;      /* the firmware's CPUID page, 0 if none */
	uint64_t fw_caa_gpa;        /* the firmware's calling area, 0 if none */
	uint32_t fw_reset_eip;      /* the firmware's reset EIP, 0 if none */
};

struct boot_info {
	enum boot_source source;
	struct mem_region mem[BOOT_MAX_MEM_REGIONS];
	unsigned mem_count;
	char cmdline[BOOT_CMDLINE_MAX];
	uint64_t rsdp;
	uint32_t cpu_apic_ids[MAX_CPUS]; /* [0] is the BSP */
	unsigned cpu_count;
	uint16_t pm_timer_port;           /* ACPI PM timer I/O port, 0 if none */
	uint64_t ecam_base;               /* PCI configuration space (MCFG), 0 if none */
	uint64_t ecam_size;
	uint64_t lapic_mmio;              /* xAPIC MMIO base from the MADT */
	uint64_t svsm_start;              /* the SVSM's own memory: kernel, allocator, heap */
	uint64_t svsm_end;                /* everything else in RAM belongs to the guest */
	uint32_t igvm_vp_count;           /* IGVM boot: VPs the loader started with */
	uint64_t firmware_gpa;            /* IGVM boot: guest firmware, 0 if none */
	uint64_t firmware_size;
	uint64_t igvm_svsm_region_end;    /* IGVM boot: end of what the builder placed */
	struct boot_snp snp;              /* IGVM boot on SEV-SNP: SNP and firmware pages */
};

#define SVSM_MEM_DEFAULT_MIB 64
#define SVSM_MEM_MIN_MIB 16

extern struct boot_info boot_info;

/**
 * boot_info_from_entry - fill boot_info from what the 32-bit entry got in EBX: an IGVM boot
 * parameter page (its magic) or a PVH start_info. The early map must be live.
 */
void boot_info_from_entry(uint64_t ebx);
/** boot_info_from_pvh - fill boot_info from a PVH start_info (early identity map live). */
void boot_info_from_pvh(uint64_t start_info_pa);
struct svsm_boot_params;
/**
 * boot_info_snp_from_params - copy the SNP and firmware fields of an IGVM boot parameter
 * page (measured, so trusted) into boot_info.snp; false if a field is not page aligned or
 * the SNP pages lie outside the SVSM region. boot_info_from_igvm() calls it.
 */
bool boot_info_snp_from_params(const struct svsm_boot_params *bp);
/** boot_info_ram_top - end of the highest RAM region. */
uint64_t boot_info_ram_top(void);
