/*
 * Normalises the PVH start_info into struct boot_info. The host wrote start_info, so
 * every field is bounded: the memory map is capped at BOOT_MAX_MEM_REGIONS, the command
 * line at BOOT_CMDLINE_MAX, and regions are sanitised (no overflow, no zero size).
 */
#include "kernel/init/boot_info.h"

#include <stddef.h>

#include "kernel/arch/x86_64/acpi.h"
#include "kernel/arch/x86_64/layout.h"
#include "kernel/lib/panic.h"
#include "lib/cmdline.h"
#include "svsm/abi/boot_params.h"
#include "svsm/abi/pvh.h"

struct boot_info boot_info;

static const void *early_phys(uint64_t pa)
{
	return (const void *)(uintptr_t)(pa + DIRECT_MAP_BASE);
}

static uint64_t parse_mib(const char *s)
{
	uint64_t v = 0;

	for (; *s >= '0' && *s <= '9' && v < (1ull << 20); s++) {
		v = v * 10 + (uint64_t)(*s - '0');
	}
	return *s == '\0' ? v : 0;
}

/*
 * The SVSM keeps [KERNEL_PBASE, KERNEL_PBASE + svsm_mem) for itself (svsm_mem= in MiB on
 * the command line, default 64); it must be one RAM range. The rest of RAM is the guest's.
 */
static void boot_info_place_svsm(void)
{
	char val[16];
	uint64_t mib = SVSM_MEM_DEFAULT_MIB;

	if (cmdline_get(boot_info.cmdline, "svsm_mem", val, sizeof(val))) {
		mib = parse_mib(val);
		if (mib < SVSM_MEM_MIN_MIB) {
			panic("svsm_mem=%s: give a size in MiB, at least %u", val, SVSM_MEM_MIN_MIB);
		}
	}
	boot_info.svsm_start = KERNEL_PBASE;
	boot_info.svsm_end = KERNEL_PBASE + (mib << 20);
	for (unsigned i = 0; i < boot_info.mem_count; i++) {
		const struct mem_region *r = &boot_info.mem[i];

		if (r->type == MEM_RAM && r->base <= boot_info.svsm_start &&
		    r->base + r->size >= boot_info.svsm_end) {
			return;
		}
	}
	panic("not enough RAM for the SVSM's %lu MiB at %#lx", mib, boot_info.svsm_start);
}

void boot_info_from_pvh(uint64_t start_info_pa)
{
	const struct hvm_start_info *si = early_phys(start_info_pa);

	boot_info.source = BOOT_PVH;
	if (si->magic != PVH_START_MAGIC) {
		panic("PVH start_info magic %#x is wrong", si->magic);
	}
	if (si->version >= 1 && si->memmap_paddr != 0) {
		const struct hvm_memmap_table_entry *e = early_phys(si->memmap_paddr);
		unsigned n = si->memmap_entries;

		for (unsigned i = 0; i < n && boot_info.mem_count < BOOT_MAX_MEM_REGIONS; i++) {
			uint64_t end = e[i].addr + e[i].size;

			if (e[i].size == 0 || end < e[i].addr) {
				continue;
			}
			boot_info.mem[boot_info.mem_count++] = (struct mem_region){
				.base = e[i].addr, .size = e[i].size, .type = e[i].type};
		}
	}
	if (boot_info.mem_count == 0) {
		panic("PVH start_info carries no memory map");
	}
	if (si->cmdline_paddr != 0) {
		const char *c = early_phys(si->cmdline_paddr);
		size_t i = 0;

		for (; i + 1 < BOOT_CMDLINE_MAX && c[i] != '\0'; i++) {
			boot_info.cmdline[i] = c[i];
		}
		boot_info.cmdline[i] = '\0';
	}
	boot_info.rsdp = si->rsdp_paddr;
	acpi_parse(&boot_info);
	boot_info_place_svsm();
}

uint64_t boot_info_ram_top(void)
{
	uint64_t top = 0;

	for (unsigned i = 0; i < boot_info.mem_count; i++) {
		const struct mem_region *r = &boot_info.mem[i];

		if (r->type == MEM_RAM && r->base + r->size > top) {
			top = r->base + r->size;
		}
	}
	return top;
}

static bool page_aligned(uint64_t v)
{
	return (v & 0xfff) == 0;
}

bool boot_info_snp_from_params(const struct svsm_boot_params *bp)
{
	struct boot_snp s = {
		.platform = bp->platform,
		.cpuid_page_gpa = bp->cpuid_page_gpa,
		.secrets_page_gpa = bp->secrets_page_gpa,
		.launch_end = bp->svsm_region_gpa + bp->svsm_region_size,
	};
	uint64_t rs = bp->svsm_region_gpa, re = bp->svsm_region_gpa + bp->svsm_region_size;

	if ((bp->flags & SVSM_BOOT_FLAG_FIRMWARE) != 0) {
		s.fw_gpa = bp->firmware_gpa;
		s.fw_size = bp->firmware_size;
	}
	if ((bp->flags & SVSM_BOOT_FLAG_FW_SEV_META) != 0) {
		s.fw_secrets_gpa = bp->fw_secrets_gpa;
		s.fw_cpuid_gpa = bp->fw_cpuid_gpa;
		s.fw_caa_gpa = bp->fw_caa_gpa;
		s.fw_reset_eip = bp->fw_reset_eip;
	}
	if (!page_aligned(s.cpuid_page_gpa | s.secrets_page_gpa | s.fw_gpa | s.fw_size |
			  s.fw_secrets_gpa | s.fw_cpuid_gpa | s.fw_caa_gpa)) {
		return false;
	}
	if (s.platform == SVSM_BOOT_PLATFORM_SEV_SNP &&
	    (s.cpuid_page_gpa < rs || s.cpuid_page_gpa + 0x1000 > re ||
	     s.secrets_page_gpa < rs || s.secrets_page_gpa + 0x1000 > re)) {
		return false;
	}
	boot_info.snp = s;
	return true;
}
