/*
 * Tests of the native paravisor layout: guest_mem backings (guest RAM whose host pages
 * are elsewhere, copies split where the backing changes) and kernel/guest/ram_map.c
 * (the OS layout and the guest's e820).
 */
#include <stdlib.h>
#include <string.h>

#include "kernel/guest/guest.h"
#include "kernel/init/boot_info.h"
#include "kernel/mm/guest_mem.h"
#include "svsm/abi/e820.h"
#include "tests/unit/harness.h"

#define PG 4096ull

static uint64_t addr_of(const void *p)
{
	return (uint64_t)(uintptr_t)p;
}

TEST(guest_layout, backed_range_reads_and_writes_its_host_pages)
{
	uint8_t *ram = aligned_alloc(PG, 16 * PG), *back = aligned_alloc(PG, 4 * PG);
	struct guest_mem_range r;
	uint8_t buf[2 * PG], out[2 * PG];

	ASSERT_TRUE(ram != NULL && back != NULL);
	memset(ram, 0x11, 16 * PG);
	memset(back, 0x22, 4 * PG);
	r = (struct guest_mem_range){gpa_init(addr_of(ram)), gpa_init(addr_of(ram) + 16 * PG)};
	ASSERT_EQ(guest_mem_init(&r, 1, GPA_C(0), GPA_C(0)), SVSM_OK);
	ASSERT_EQ(guest_mem_set_backing(gpa_init(addr_of(ram) + 4 * PG), 4 * PG,
					pa_init(addr_of(back))), SVSM_OK);
	/* A copy across the backing's start: the first page in place, the second in back. */
	memset(buf, 0xab, sizeof(buf));
	EXPECT_EQ(guest_mem_write(gpa_init(addr_of(ram) + 3 * PG + 8), buf, PG), SVSM_OK);
	EXPECT_EQ(ram[3 * PG + 8], 0xab);
	EXPECT_EQ(ram[4 * PG], 0x11);           /* the guest page's own host page: untouched */
	EXPECT_EQ(back[0], 0xab);
	EXPECT_EQ(back[7], 0xab);
	EXPECT_EQ(back[8], 0x22);
	/* Across the end: the last backed page, then a page in place. */
	EXPECT_EQ(guest_mem_read(gpa_init(addr_of(ram) + 7 * PG), out, 2 * PG), SVSM_OK);
	EXPECT_EQ(out[0], 0x22);
	EXPECT_EQ(out[PG], 0x11);
	EXPECT_EQ(guest_mem_host_pa(gpa_init(addr_of(ram) + 5 * PG + 3)).pa,
		  addr_of(back) + PG + 3);
	EXPECT_EQ(guest_mem_host_pa(gpa_init(addr_of(ram) + 9 * PG)).pa, addr_of(ram) + 9 * PG);
	/* Refused: overlapping, unaligned, outside RAM, empty. */
	EXPECT_EQ(guest_mem_set_backing(gpa_init(addr_of(ram) + 7 * PG), PG, pa_init(addr_of(back))),
		  SVSM_E_INVALID_PARAM);
	EXPECT_EQ(guest_mem_set_backing(gpa_init(addr_of(ram) + 9 * PG + 1), PG,
					pa_init(addr_of(back))), SVSM_E_INVALID_PARAM);
	EXPECT_EQ(guest_mem_set_backing(gpa_init(addr_of(ram) + 15 * PG), 2 * PG,
					pa_init(addr_of(back))), SVSM_E_INVALID_PARAM);
	EXPECT_EQ(guest_mem_set_backing(gpa_init(addr_of(ram) + 12 * PG), 0, pa_init(addr_of(back))),
		  SVSM_E_INVALID_PARAM);
	EXPECT_EQ(guest_mem_init(&r, 0, GPA_C(0), GPA_C(0)), SVSM_OK);
	free(ram);
	free(back);
}

static void q35_1g(void)
{
	static const struct mem_region map[] = {
		{0, 0x9fc00, MEM_RAM},           {0x9fc00, 0x400, MEM_RESERVED},
		{0xf0000, 0x10000, MEM_RESERVED}, {0x100000, 0x3fee0000, MEM_RAM},
		{0x3ffe0000, 0x20000, MEM_RESERVED}, {0xb0000000, 0x10000000, MEM_RESERVED},
	};

	memset(&boot_info, 0, sizeof(boot_info));
	memcpy(boot_info.mem, map, sizeof(map));
	boot_info.mem_count = sizeof(map) / sizeof(map[0]);
	boot_info.svsm_start = 0x200000;
	boot_info.svsm_end = 0x4200000;
}

TEST(guest_layout, os_layout_cuts_the_top_and_hides_it_from_the_e820)
{
	struct e820_entry e[16];
	gpa_t hs, he, bgpa;
	uint64_t bsize;
	paddr_t bpa;
	unsigned n;

	q35_1g();
	guest_set_kind(GUEST_KIND_LINUX);
	ASSERT_EQ(guest_ram_map_init(), SVSM_OK);
	guest_mem_svsm_range(&hs, &he);
	EXPECT_EQ(gpa_addr(hs), 0x3be00000ull); /* 1 GiB top - 64 MiB, 2 MiB aligned down */
	EXPECT_EQ(gpa_addr(he), 0x3ffe0000ull);
	ASSERT_TRUE(guest_mem_backing(0, &bgpa, &bsize, &bpa));
	EXPECT_EQ(gpa_addr(bgpa), 0x200000ull);
	EXPECT_EQ(bsize, 0x4000000ull);
	EXPECT_EQ(pa_addr(bpa), 0x3be00000ull);
	EXPECT_FALSE(guest_mem_backing(1, &bgpa, &bsize, &bpa));
	/* The SVSM's own host pages are guest RAM by address, but backed elsewhere. */
	EXPECT_TRUE(guest_mem_valid(GPA_C(0x200000), 0x4000000));
	EXPECT_FALSE(guest_mem_valid(GPA_C(0x3be00000), 1));
	n = guest_e820(e, 16);
	ASSERT_EQ(n, 6u);
	EXPECT_EQ(e[0].addr, 0ull);
	EXPECT_EQ(e[0].size, 0x9f000ull);
	EXPECT_EQ(e[1].addr, 0x9fc00ull);
	EXPECT_EQ(e[1].type, E820_RESERVED);
	EXPECT_EQ(e[2].addr, 0xf0000ull);
	EXPECT_EQ(e[3].addr, 0x100000ull); /* one RAM range from 1 MiB: what OVMF expects */
	EXPECT_EQ(e[3].size, 0x3bd00000ull);
	EXPECT_EQ(e[3].type, E820_RAM);
	EXPECT_EQ(e[4].addr, 0x3ffe0000ull); /* the firmware's tables above the cut stay */
	EXPECT_EQ(e[5].addr, 0xb0000000ull);
	/* Truncation counts every entry, fills what fits. */
	EXPECT_EQ(guest_e820(e, 2), 6u);
	guest_set_kind(GUEST_KIND_NONE);
}

TEST(guest_layout, os_layout_refuses_too_little_ram)
{
	q35_1g();
	boot_info.mem[3].size = 0x6000000; /* RAM to 97 MiB: no room for a 64 MiB cut */
	guest_set_kind(GUEST_KIND_OVMF);
	EXPECT_EQ(guest_ram_map_init(), SVSM_E_NOMEM);
	guest_set_kind(GUEST_KIND_NONE);
}

TEST(guest_layout, test_guest_layout_is_unchanged)
{
	gpa_t bgpa;
	uint64_t bsize;
	paddr_t bpa;
	struct e820_entry e[16];

	q35_1g();
	guest_set_kind(GUEST_KIND_TEST);
	ASSERT_EQ(guest_ram_map_init(), SVSM_OK);
	EXPECT_FALSE(guest_mem_backing(0, &bgpa, &bsize, &bpa));
	EXPECT_FALSE(guest_mem_valid(GPA_C(0x200000), 1));
	EXPECT_TRUE(guest_mem_valid(GPA_C(0x4200000), 1));
	EXPECT_EQ(guest_e820(e, 16), 7u); /* 3 RAM (split around the SVSM), 4 reserved */
	guest_set_kind(GUEST_KIND_NONE);
}
