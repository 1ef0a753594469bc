/*
 * Normalises the PVH start_info into struct boot_info. The host wrote start_info, so
 * every field is bounded: the memory map is capped at BOOT_MAX_MEM_REGIONS, regions are
 * sanitised (no overflow, no zero size), and a command line longer than BOOT_CMDLINE_MAX - 1
 * bytes or without an end stops the boot (a cut one would drop the options past the cut).
 */
#include "kernel/init/boot_info.h"

#include <stddef.h>
#include <string.h>

#include "kernel/arch/x86_64/acpi.h"
#include "kernel/arch/x86_64/layout.h"
#include "kernel/init/boot_map.h"
#include "kernel/lib/panic_portable.h"
#include "lib/cmdline.h"
#include "svsm/abi/boot_params.h"
#include "svsm/abi/igvm.h"
#include "svsm/abi/pvh.h"

struct boot_info boot_info;

/* Host data the boot cannot go on without: a clear stop, never a wild access. */
static const void *boot_need(uint64_t pa, uint64_t len, const char *what)
{
	const void *p = boot_map(pa, len);

	if (p == NULL) {
		panic("boot: %s at %#lx (+%#lx) is not in mapped memory", what, pa, len);
	}
	return p;
}

/*
 * Copies the host's NUL-terminated command line from @src, of which @avail bytes can be read,
 * into boot_info.cmdline. Cutting it would silently drop the options past the cut (a trailing
 * svsm_mem=, say, and boot with the default in its place), so a line that does not fit, or
 * whose end cannot be read, stops the boot instead.
 */
static void boot_cmdline_copy(const char *src, size_t avail, uint64_t pa)
{
	size_t n = 0;

	while (n < avail && n < BOOT_CMDLINE_MAX && src[n] != '\0') {
		n++;
	}
	if (n == BOOT_CMDLINE_MAX) {
		panic("boot: the command line is longer than %u bytes; refusing to boot with a "
		      "truncated one (shorten it)", BOOT_CMDLINE_MAX - 1);
	}
	if (n == avail) {
		panic("boot: the command line at %#lx has no terminating NUL in readable memory", pa);
	}
	memcpy(boot_info.cmdline, src, n);
	boot_info.cmdline[n] = '\0';
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

/* Parses an IGVM loader's memory map (sorted, ended by a zero page count). */
static void igvm_memory_map(const struct svsm_boot_params *bp)
{
	unsigned max = bp->memory_map_size / sizeof(struct igvm_memory_map_entry);
	const uint8_t *map = boot_need(bp->memory_map_gpa,
				       (uint64_t)max * sizeof(struct igvm_memory_map_entry),
				       "IGVM memory map");

	for (unsigned i = 0; i < max && boot_info.mem_count < BOOT_MAX_MEM_REGIONS; i++) {
		struct igvm_memory_map_entry e;
		uint64_t base, size;

		memcpy(&e, map + i * sizeof(e), sizeof(e)); /* may be unaligned */
		if (e.number_of_pages == 0) {
			break;
		}
		base = e.starting_gpa_page_number << 12;
		size = e.number_of_pages << 12;
		if ((e.starting_gpa_page_number >> 52) != 0 || (e.number_of_pages >> 52) != 0 ||
		    base + size < base) {
			continue;
		}
		boot_info.mem[boot_info.mem_count++] = (struct mem_region){
			.base = base, .size = size,
			.type = e.entry_type == IGVM_MEMORY_MAP_MEMORY ? MEM_RAM : MEM_RESERVED};
	}
}

/*
 * IGVM entry: EBX points at the boot parameter page tools/igvm-build placed
 * (include/svsm/abi/boot_params.h); the loader filled the memory map and VP count areas.
 * The page and the areas are in the SVSM region, below 4 GiB, so the early map covers them.
 */
static void boot_info_from_igvm(uint64_t bp_pa)
{
	static struct svsm_boot_params copy; /* one copy of the page, then parsed */
	const struct svsm_boot_params *bp = &copy;

	memcpy(&copy, boot_need(bp_pa, sizeof(copy), "IGVM boot parameters"), sizeof(copy));

	boot_info.source = BOOT_IGVM;
	if (bp->version < SVSM_BOOT_PARAMS_VERSION ||
	    (bp->platform != SVSM_BOOT_PLATFORM_NATIVE && bp->platform != SVSM_BOOT_PLATFORM_SEV_SNP) ||
	    bp->memory_map_gpa == 0 || bp->memory_map_gpa >= 0x100000000ull ||
	    bp->memory_map_size > 0x100000 || bp->vp_count_gpa >= 0x100000000ull) {
		panic("IGVM boot parameters at %#lx are not usable (version %u, platform %u)", bp_pa,
		      bp->version, bp->platform);
	}
	igvm_memory_map(bp);
	if (!boot_info_snp_from_params(bp)) {
		panic("IGVM boot parameters: SNP pages misplaced");
	}
	if (boot_info.mem_count == 0) {
		panic("IGVM loader provided no memory map");
	}
	boot_cmdline_copy(bp->cmdline, sizeof(bp->cmdline), bp_pa + SVSM_BOOT_PARAMS_CMDLINE_OFFSET);
	boot_info.igvm_vp_count = 1;
	if (bp->vp_count_gpa != 0) {
		memcpy(&boot_info.igvm_vp_count, boot_need(bp->vp_count_gpa, 4, "VP count"), 4);
	}
	boot_info.firmware_gpa = bp->firmware_gpa;
	boot_info.firmware_size = bp->firmware_size;
	if (bp->svsm_region_size > UINT64_MAX - bp->svsm_region_gpa) {
		panic("the IGVM's SVSM region %#lx+%#lx wraps", bp->svsm_region_gpa, bp->svsm_region_size);
	}
	boot_info.igvm_svsm_region_end = bp->svsm_region_gpa + bp->svsm_region_size;
	/*
	 * SEV-SNP: no ACPI. The legacy BIOS area the RSDP scan reads is not validated (a #VC
	 * the SVSM cannot serve) and host-built tables are untrusted; the CPUs are the VP count
	 * (APIC IDs 0..n-1) and the TSC is not calibrated with the PM timer (docs/snp.md).
	 */
	if (bp->platform != SVSM_BOOT_PLATFORM_SEV_SNP) {
		acpi_parse(&boot_info);
	}
	for (uint32_t i = 0; boot_info.cpu_count == 0 && i < boot_info.igvm_vp_count && i < MAX_CPUS; i++) {
		boot_info.cpu_apic_ids[i] = i; /* no MADT: assume APIC IDs 0..n-1 */
		if (i + 1 == boot_info.igvm_vp_count || i + 1 == MAX_CPUS) {
			boot_info.cpu_count = i + 1;
		}
	}
	boot_info_place_svsm();
	if (boot_info.igvm_svsm_region_end > boot_info.svsm_end) {
		panic("the IGVM's SVSM region ends at %#lx, beyond svsm_mem (%#lx)",
		      boot_info.igvm_svsm_region_end, boot_info.svsm_end);
	}
}

void boot_info_from_entry(uint64_t ebx)
{
	uint32_t magic;

	memcpy(&magic, boot_need(ebx, 4, "boot information"), sizeof(magic));
	if (magic == SVSM_BOOT_PARAMS_MAGIC) {
		boot_info_from_igvm(ebx);
	} else {
		boot_info_from_pvh(ebx);
	}
}

void boot_info_from_pvh(uint64_t start_info_pa)
{
	struct hvm_start_info copy;
	const struct hvm_start_info *si = &copy;

	memcpy(&copy, boot_need(start_info_pa, sizeof(copy), "PVH start_info"), sizeof(copy));

	boot_info.source = BOOT_PVH;
	if (si->magic != PVH_START_MAGIC) {
		panic("PVH start_info magic %#x is wrong", si->magic);
	}
	if (si->version >= 1 && si->memmap_paddr != 0) {
		unsigned n = si->memmap_entries < BOOT_MAX_MEM_REGIONS * 4 ? si->memmap_entries
									 : BOOT_MAX_MEM_REGIONS * 4;
		const uint8_t *map = boot_need(si->memmap_paddr,
					       (uint64_t)n * sizeof(struct hvm_memmap_table_entry),
					       "PVH memory map");

		for (unsigned i = 0; i < n && boot_info.mem_count < BOOT_MAX_MEM_REGIONS; i++) {
			struct hvm_memmap_table_entry e;

			memcpy(&e, map + i * sizeof(e), sizeof(e)); /* may be unaligned */
			if (e.size == 0 || e.addr + e.size < e.addr) {
				continue;
			}
			boot_info.mem[boot_info.mem_count++] = (struct mem_region){
				.base = e.addr, .size = e.size, .type = e.type};
		}
	}
	if (boot_info.mem_count == 0) {
		panic("PVH start_info carries no memory map");
	}
	if (si->cmdline_paddr != 0) {
		/* As much as fits, or up to the end of mapped memory. */
		uint64_t avail = BOOT_CMDLINE_MAX;

		while (avail > 1 && boot_map(si->cmdline_paddr, avail) == NULL) {
			avail--;
		}
		boot_cmdline_copy(boot_need(si->cmdline_paddr, avail, "command line"), avail,
				  si->cmdline_paddr);
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
	};
	uint64_t rs = bp->svsm_region_gpa, re = bp->svsm_region_gpa + bp->svsm_region_size;

	if (bp->svsm_region_size > UINT64_MAX - rs) {
		return false; /* the region would wrap */
	}
	if ((bp->flags & SVSM_BOOT_FLAG_FW_SEV_META) != 0) {
		s.fw_secrets_gpa = bp->fw_secrets_gpa;
		s.fw_cpuid_gpa = bp->fw_cpuid_gpa;
		s.fw_caa_gpa = bp->fw_caa_gpa;
		s.fw_reset_eip = bp->fw_reset_eip;
	}
	if (!page_aligned(s.cpuid_page_gpa | s.secrets_page_gpa | s.fw_secrets_gpa |
			  s.fw_cpuid_gpa | s.fw_caa_gpa)) {
		return false;
	}
	if (s.platform == SVSM_BOOT_PLATFORM_SEV_SNP &&
	    (re - rs < 0x1000 || s.cpuid_page_gpa < rs || s.cpuid_page_gpa > re - 0x1000 ||
	     s.secrets_page_gpa < rs || s.secrets_page_gpa > re - 0x1000)) {
		return false;
	}
	boot_info.snp = s;
	return true;
}
