/*
 * Tests of boot-data normalisation (kernel/init/boot_info.c, kernel/arch/x86_64/acpi.c)
 * over a fake physical memory: a PVH start_info with e820 map, command line and ACPI
 * tables (RSDP, RSDT, MADT with xAPIC and x2APIC entries, FADT), and an IGVM boot
 * parameter page with a loader-written memory map and VP count.
 */
#include <string.h>

#include "kernel/init/boot_info.h"
#include "kernel/init/boot_map_host.h"
#include "svsm/abi/boot_params.h"
#include "svsm/abi/igvm.h"
#include "svsm/abi/pvh.h"
#include "tests/unit/harness.h"

static void put32(uint64_t pa, uint32_t v)
{
	memcpy(boot_fake_mem + pa, &v, 4);
}

static uint8_t sum(uint64_t pa, unsigned n)
{
	uint8_t s = 0;

	for (unsigned i = 0; i < n; i++) {
		s = (uint8_t)(s + boot_fake_mem[pa + i]);
	}
	return s;
}

static void put_table(uint64_t pa, const char *sig, uint32_t len)
{
	memcpy(boot_fake_mem + pa, sig, 4);
	put32(pa + 4, len);
	boot_fake_mem[pa + 9] = 0;
	boot_fake_mem[pa + 9] = (uint8_t)(0 - sum(pa, len));
}

/* RSDP at 0xE0000 -> RSDT 0x4000 -> MADT 0x5000 (3 enabled CPUs), FADT 0x6000 (PM 0x608). */
static void put_acpi(void)
{
	uint8_t *m = boot_fake_mem;

	memcpy(m + 0xe0000, "RSD PTR ", 8);
	m[0xe0000 + 15] = 0; /* revision 0: RSDT only */
	put32(0xe0000 + 16, 0x4000);
	put32(0x4000 + 36, 0x5000);
	put32(0x4000 + 40, 0x6000);
	put32(0x4000 + 44, 0x7000);
	put_table(0x4000, "RSDT", 48);
	put32(0x5000 + 36, 0xfee00000);
	/* LAPIC id 0 enabled, id 1 enabled, id 7 disabled, x2APIC id 300 enabled. */
	m[0x5000 + 44] = 0, m[0x5000 + 45] = 8, m[0x5000 + 47] = 0, put32(0x5000 + 48, 1);
	m[0x5000 + 52] = 0, m[0x5000 + 53] = 8, m[0x5000 + 55] = 1, put32(0x5000 + 56, 1);
	m[0x5000 + 60] = 0, m[0x5000 + 61] = 8, m[0x5000 + 63] = 7, put32(0x5000 + 64, 0);
	m[0x5000 + 68] = 9, m[0x5000 + 69] = 16, put32(0x5000 + 72, 300), put32(0x5000 + 76, 1);
	put_table(0x5000, "APIC", 84);
	put32(0x6000 + 76, 0x608);
	put_table(0x6000, "FACP", 116);
	put32(0x7000 + 44, 0xb0000000); /* MCFG: ECAM at 0xb0000000, buses 0..255 */
	m[0x7000 + 44 + 10] = 0, m[0x7000 + 44 + 11] = 255;
	put_table(0x7000, "MCFG", 60);
}

TEST(boot_info, pvh_with_acpi)
{
	struct hvm_start_info si = {.magic = PVH_START_MAGIC, .version = 1, .cmdline_paddr = 0x3000,
				    .memmap_paddr = 0x2000, .memmap_entries = 3};
	struct hvm_memmap_table_entry map[3] = {
		{0, 0x9fc00, PVH_MEMMAP_RAM, 0},
		{0xf0000, 0x10000, PVH_MEMMAP_RESERVED, 0},
		{0x100000, 0xff00000, PVH_MEMMAP_RAM, 0},
	};

	memset(boot_fake_mem, 0, BOOT_FAKE_SIZE);
	memset(&boot_info, 0, sizeof(boot_info));
	memcpy(boot_fake_mem + 0x1000, &si, sizeof(si));
	memcpy(boot_fake_mem + 0x2000, map, sizeof(map));
	strcpy((char *)boot_fake_mem + 0x3000, "log=debug svsm_mem=32");
	put_acpi();
	boot_info_from_entry(0x1000);
	EXPECT_EQ(boot_info.source, BOOT_PVH);
	EXPECT_EQ(boot_info.mem_count, 3);
	EXPECT_EQ(boot_info.mem[2].base, 0x100000);
	EXPECT_STREQ(boot_info.cmdline, "log=debug svsm_mem=32");
	EXPECT_EQ(boot_info.cpu_count, 3);
	EXPECT_EQ(boot_info.cpu_apic_ids[1], 1);
	EXPECT_EQ(boot_info.cpu_apic_ids[2], 300);
	EXPECT_EQ(boot_info.pm_timer_port, 0x608);
	EXPECT_EQ(boot_info.lapic_mmio, 0xfee00000);
	EXPECT_EQ(boot_info.ecam_base, 0xb0000000);
	EXPECT_EQ(boot_info.ecam_size, 256u << 20);
	EXPECT_EQ(boot_info.svsm_start, 0x200000);
	EXPECT_EQ(boot_info.svsm_end, 0x200000 + (32u << 20));
	EXPECT_EQ(boot_info_ram_top(), 0x10000000);
}

TEST(boot_info, acpi_bogus_lengths_are_bounded)
{
	struct hvm_start_info si = {.magic = PVH_START_MAGIC, .version = 1,
				    .memmap_paddr = 0x2000, .memmap_entries = 1};
	struct hvm_memmap_table_entry ram = {0, 0x10000000, PVH_MEMMAP_RAM, 0};

	memset(boot_fake_mem, 0, BOOT_FAKE_SIZE);
	memset(&boot_info, 0, sizeof(boot_info));
	memcpy(boot_fake_mem + 0x1000, &si, sizeof(si));
	memcpy(boot_fake_mem + 0x2000, &ram, sizeof(ram));
	put_acpi();
	put32(0x5000 + 4, 0xfffffff0); /* MADT claims to be huge: ignored, no CPUs from it */
	boot_info_from_entry(0x1000);
	EXPECT_EQ(boot_info.cpu_count, 0);
	EXPECT_EQ(boot_info.pm_timer_port, 0x608);
}

TEST(boot_info, igvm_parameters)
{
	struct svsm_boot_params bp = {.magic = SVSM_BOOT_PARAMS_MAGIC,
				      .version = SVSM_BOOT_PARAMS_VERSION,
				      .platform = SVSM_BOOT_PLATFORM_NATIVE,
				      .memory_map_gpa = 0x11000, .memory_map_size = 0x1000,
				      .vp_count_gpa = 0x12000, .svsm_region_gpa = 0x200000,
				      .svsm_region_size = 0x400000};
	struct igvm_memory_map_entry map[3] = {
		{0, 0x9f, IGVM_MEMORY_MAP_MEMORY, 0, 0},
		{0x100, 0xff00, IGVM_MEMORY_MAP_MEMORY, 0, 0},
		{0, 0, 0, 0, 0},
	};

	memset(boot_fake_mem, 0, BOOT_FAKE_SIZE);
	memset(&boot_info, 0, sizeof(boot_info));
	strcpy(bp.cmdline, "log=info guest_args=checks");
	memcpy(boot_fake_mem + 0x10000, &bp, sizeof(bp));
	memcpy(boot_fake_mem + 0x11000, map, sizeof(map));
	put32(0x12000, 4);
	boot_info_from_entry(0x10000);
	EXPECT_EQ(boot_info.source, BOOT_IGVM);
	EXPECT_EQ(boot_info.mem_count, 2);
	EXPECT_EQ(boot_info.mem[1].base, 0x100000);
	EXPECT_EQ(boot_info.mem[1].size, 0xff00000);
	EXPECT_STREQ(boot_info.cmdline, "log=info guest_args=checks");
	EXPECT_EQ(boot_info.igvm_vp_count, 4);
	EXPECT_EQ(boot_info.cpu_count, 4); /* no MADT: APIC IDs 0..3 */
	EXPECT_EQ(boot_info.cpu_apic_ids[3], 3);
}

/*
 * Security finding 6: a command line longer than BOOT_CMDLINE_MAX - 1 bytes was cut at 511
 * bytes, so "log=debug <700 x> svsm_mem=8" booted with the default 64 MiB instead of
 * refusing svsm_mem=8. Now such a line stops the boot with a message naming the limit.
 */
#define CMDLINE_PA 0x3000u

/* A PVH start_info at 0x1000 with 256 MiB of RAM and the command line at CMDLINE_PA. */
static void put_pvh(void)
{
	struct hvm_start_info si = {.magic = PVH_START_MAGIC, .version = 1,
				    .cmdline_paddr = CMDLINE_PA, .memmap_paddr = 0x2000,
				    .memmap_entries = 1};
	struct hvm_memmap_table_entry ram = {0, 0x10000000, PVH_MEMMAP_RAM, 0};

	memset(boot_fake_mem, 0, BOOT_FAKE_SIZE);
	memset(&boot_info, 0, sizeof(boot_info));
	memcpy(boot_fake_mem + 0x1000, &si, sizeof(si));
	memcpy(boot_fake_mem + 0x2000, &ram, sizeof(ram));
}

/* "log=debug " + @x_count x's + " svsm_mem=8" at @dst. */
static void put_long_cmdline(char *dst, unsigned x_count)
{
	strcpy(dst, "log=debug ");
	memset(dst + 10, 'x', x_count);
	strcpy(dst + 10 + x_count, " svsm_mem=8");
}

static void boot_pvh_700(void)
{
	put_pvh();
	put_long_cmdline((char *)boot_fake_mem + CMDLINE_PA, 700);
	boot_info_from_entry(0x1000);
}

static void boot_igvm_700(void)
{
	struct svsm_boot_params bp = {.magic = SVSM_BOOT_PARAMS_MAGIC,
				      .version = SVSM_BOOT_PARAMS_VERSION,
				      .platform = SVSM_BOOT_PLATFORM_NATIVE,
				      .memory_map_gpa = 0x11000, .memory_map_size = 0x1000,
				      .svsm_region_gpa = 0x200000, .svsm_region_size = 0x400000};
	struct igvm_memory_map_entry map[2] = {{0, 0x10000, IGVM_MEMORY_MAP_MEMORY, 0, 0}};

	memset(boot_fake_mem, 0, BOOT_FAKE_SIZE);
	memset(&boot_info, 0, sizeof(boot_info));
	put_long_cmdline(bp.cmdline, 700);
	memcpy(boot_fake_mem + 0x10000, &bp, sizeof(bp));
	memcpy(boot_fake_mem + 0x11000, map, sizeof(map));
	boot_info_from_entry(0x10000);
}

/* A command line that runs to the end of the fake memory without a NUL. */
static void boot_pvh_unterminated(void)
{
	struct hvm_start_info si = {.magic = PVH_START_MAGIC, .version = 1,
				    .cmdline_paddr = BOOT_FAKE_SIZE - 16, .memmap_paddr = 0x2000,
				    .memmap_entries = 1};

	put_pvh();
	memcpy(boot_fake_mem + 0x1000, &si, sizeof(si));
	memset(boot_fake_mem + BOOT_FAKE_SIZE - 16, 'a', 16);
	boot_info_from_entry(0x1000);
}

TEST(boot_info, cmdline_longer_than_511_bytes_stops_pvh_boot)
{
	EXPECT_TRUE(unit_dies(boot_pvh_700, "command line is longer than 511 bytes"));
}

TEST(boot_info, cmdline_longer_than_511_bytes_stops_igvm_boot)
{
	EXPECT_TRUE(unit_dies(boot_igvm_700, "command line is longer than 511 bytes"));
}

TEST(boot_info, cmdline_without_end_stops_boot)
{
	EXPECT_TRUE(unit_dies(boot_pvh_unterminated, "no terminating NUL"));
}

TEST(boot_info, cmdline_of_511_bytes_is_kept_whole)
{
	char *line = (char *)boot_fake_mem + CMDLINE_PA;

	put_pvh();
	strcpy(line, "log=debug ");
	memset(line + 10, 'x', 489);
	strcpy(line + 499, " svsm_mem=19"); /* a cut at 510 bytes would read svsm_mem=1 */
	ASSERT_EQ(strlen(line), BOOT_CMDLINE_MAX - 1);
	boot_info_from_entry(0x1000);
	EXPECT_STREQ(boot_info.cmdline, line);
	EXPECT_EQ(boot_info.svsm_end, boot_info.svsm_start + (19u << 20));
}
