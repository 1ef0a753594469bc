/*
 * Tests of the Linux boot protocol's pure half (kernel/guest/linux_layout.c): a synthetic
 * bzImage header modelled on Debian 12's 6.1 kernel, placed in a q35-like e820 map, and
 * every way a host-supplied header or size can be wrong.
 */
#include <string.h>

#include "kernel/guest/linux_layout.h"
#include "tests/unit/harness.h"

#define MIB (1024ull * 1024)
#define FILE_SIZE (0x5000ull + 0x7d8200 + 0x5c0) /* setup + syssize*16 + signature */

static uint8_t hdr[LINUX_HDR_READ_SIZE];

static void put16(unsigned off, uint16_t v)
{
	memcpy(hdr + off, &v, 2);
}

static void put32(unsigned off, uint32_t v)
{
	memcpy(hdr + off, &v, 4);
}

static void put64(unsigned off, uint64_t v)
{
	memcpy(hdr + off, &v, 8);
}

static uint32_t zp32(const uint8_t *zp, unsigned off)
{
	uint32_t v = 0;

	memcpy(&v, zp + off, 4);
	return v;
}

/* The values of Debian's vmlinuz-6.1.0-*-amd64. */
static void good_header(void)
{
	memset(hdr, 0, sizeof(hdr));
	hdr[0x1f1] = 0x27;              /* setup_sects: 0x5000 bytes of setup */
	put32(0x1f4, 0x7d820);          /* syssize */
	hdr[0x201] = 0x6a;              /* header ends at 0x26c */
	memcpy(hdr + 0x202, "HdrS", 4);
	put16(0x206, 0x20f);
	hdr[0x211] = 0x01 | 0x80;       /* LOADED_HIGH | CAN_USE_HEAP */
	put32(0x22c, 0x7fffffff);       /* initrd_addr_max */
	put32(0x230, 0x200000);         /* kernel_alignment */
	hdr[0x234] = 1;                 /* relocatable */
	hdr[0x236] = 0x7f;              /* xloadflags */
	put32(0x238, 0x7ff);            /* cmdline_size */
	put64(0x258, 0x1000000);        /* pref_address */
	put32(0x260, 0x3f98000);        /* init_size */
}

/* q35 with 1 GiB: low RAM, legacy holes, RAM from 1 MiB to just under 1 GiB, ACPI. */
static const struct e820_entry q35[] = {
	{0, 0x9fc00, E820_RAM},
	{0x9fc00, 0x400, E820_RESERVED},
	{0xf0000, 0x10000, E820_RESERVED},
	{0x100000, 0x3ffe0000 - 0x100000, E820_RAM},
	{0x3ffe0000, 0x20000, E820_RESERVED},
};
#define Q35_COUNT (sizeof(q35) / sizeof(q35[0]))

static enum svsm_err plan(uint64_t initrd, uint64_t cmdline, const struct e820_entry *map,
			  unsigned count, struct linux_layout *l)
{
	return linux_layout_plan(hdr, sizeof(hdr), FILE_SIZE, initrd, cmdline, map, count, l);
}

TEST(linux_layout, debian_kernel_places_everything)
{
	struct linux_layout l;
	static uint8_t zp[LINUX_ZERO_PAGE_SIZE];

	good_header();
	ASSERT_EQ(plan(10 * MIB + 46, 47, q35, Q35_COUNT, &l), SVSM_OK);
	EXPECT_EQ(l.setup_size, 0x5000);
	EXPECT_EQ(l.kernel_size, 0x7d8200); /* the signature after syssize is left out */
	EXPECT_EQ(l.load_gpa, 0x1000000);
	EXPECT_EQ(l.init_size, 0x3f98000);
	EXPECT_EQ(l.initrd_gpa % 4096, 0);
	EXPECT_EQ(l.initrd_gpa + l.initrd_size <= 0x3ffe0000, 1);
	EXPECT_GE(l.initrd_gpa, 0x3ffe0000 - 10 * MIB - 4096 - 46);
	EXPECT_EQ(l.cmdline_size, 48);

	linux_layout_zero_page(&l, hdr, q35, Q35_COUNT, 0xf59e0, zp);
	EXPECT_MEMEQ(zp + 0x1f1, hdr + 0x1f1, 0x202 - 0x1f1);
	EXPECT_EQ(zp[0x210], 0xff);
	EXPECT_EQ(zp[0x211], 0x01);
	EXPECT_EQ(zp32(zp, 0x228), LINUX_CMDLINE_GPA);
	EXPECT_EQ(zp32(zp, 0x218), l.initrd_gpa);
	EXPECT_EQ(zp32(zp, 0x21c), 10 * MIB + 46);
	EXPECT_EQ(zp32(zp, 0x0c0), 0);
	EXPECT_EQ(zp32(zp, 0x070), 0xf59e0);
	EXPECT_EQ(zp[0x1e8], Q35_COUNT);
	EXPECT_MEMEQ(zp + 0x2d0, q35, sizeof(q35));
	EXPECT_EQ(zp[0x26c], 0); /* nothing past the header's end */
}

TEST(linux_layout, kernel_moves_up_past_a_hole)
{
	static const struct e820_entry map[] = {
		{0, 0xa0000, E820_RAM},
		{0x100000, 0x200000, E820_RAM},       /* 1..3 MiB: too small */
		{0x4200000, 0x3bde0000, E820_RAM},    /* RAM after an SVSM region */
	};
	struct linux_layout l;

	good_header();
	ASSERT_EQ(plan(0, 0, map, 3, &l), SVSM_OK);
	EXPECT_EQ(l.load_gpa, 0x4200000);
	EXPECT_EQ(l.initrd_gpa, 0);
	EXPECT_EQ(l.initrd_size, 0);
}

TEST(linux_layout, initrd_does_not_overlap_the_kernel)
{
	/* Only room for the kernel window and the initrd back to back. */
	static const struct e820_entry map[] = {
		{0, 0xa0000, E820_RAM},
		{0x1000000, 0x3f98000 + 0x100000, E820_RAM},
	};
	struct linux_layout l;

	good_header();
	ASSERT_EQ(plan(0x100000, 0, map, 2, &l), SVSM_OK);
	EXPECT_EQ(l.initrd_gpa, 0x1000000 + 0x3f98000);
	EXPECT_EQ(plan(0x100001, 0, map, 2, &l), SVSM_E_NOMEM);
}

TEST(linux_layout, initrd_below_initrd_addr_max)
{
	static const struct e820_entry map[] = {
		{0, 0xa0000, E820_RAM},
		{0x100000, 0xc0000000 - 0x100000, E820_RAM},
		{0x100000000ull, 0x40000000, E820_RAM},
	};
	struct linux_layout l;

	good_header();
	put32(0x22c, 0x37ffffff);
	ASSERT_EQ(plan(0x1000, 0, map, 3, &l), SVSM_OK);
	EXPECT_EQ(l.initrd_gpa, 0x37fff000);
}

TEST(linux_layout, bad_magic)
{
	struct linux_layout l;

	good_header();
	hdr[0x205] = 'T';
	EXPECT_EQ(plan(0, 0, q35, Q35_COUNT, &l), SVSM_E_FORMAT);
}

TEST(linux_layout, old_protocol)
{
	struct linux_layout l;

	good_header();
	put16(0x206, 0x20b);
	EXPECT_EQ(plan(0, 0, q35, Q35_COUNT, &l), SVSM_E_FORMAT);
}

TEST(linux_layout, thirty_two_bit_only_kernel)
{
	struct linux_layout l;

	good_header();
	hdr[0x236] = 0x7e;
	EXPECT_EQ(plan(0, 0, q35, Q35_COUNT, &l), SVSM_E_FORMAT);
}

TEST(linux_layout, not_loaded_high)
{
	struct linux_layout l;

	good_header();
	hdr[0x211] = 0x80;
	EXPECT_EQ(plan(0, 0, q35, Q35_COUNT, &l), SVSM_E_FORMAT);
}

TEST(linux_layout, header_sizes)
{
	struct linux_layout l;

	good_header();
	EXPECT_EQ(linux_layout_plan(hdr, 0x200, FILE_SIZE, 0, 0, q35, Q35_COUNT, &l),
		  SVSM_E_FORMAT);
	EXPECT_EQ(linux_layout_plan(hdr, sizeof(hdr), 0x100, 0, 0, q35, Q35_COUNT, &l),
		  SVSM_E_FORMAT);
	hdr[0x201] = 0xff; /* header would run into the e820 table */
	EXPECT_EQ(plan(0, 0, q35, Q35_COUNT, &l), SVSM_E_FORMAT);
	good_header();
	hdr[0x201] = 0x10; /* header ends before init_size */
	EXPECT_EQ(plan(0, 0, q35, Q35_COUNT, &l), SVSM_E_FORMAT);
}

TEST(linux_layout, setup_sects_zero_means_four)
{
	struct linux_layout l;

	good_header();
	hdr[0x1f1] = 0;
	ASSERT_EQ(linux_layout_plan(hdr, sizeof(hdr), 5 * 512 + 0x7d8200, 0, 0, q35, Q35_COUNT,
				    &l),
		  SVSM_OK);
	EXPECT_EQ(l.setup_size, 5 * 512);
}

TEST(linux_layout, syssize_must_match_the_file)
{
	struct linux_layout l;

	good_header();
	put32(0x1f4, 0);
	EXPECT_EQ(plan(0, 0, q35, Q35_COUNT, &l), SVSM_E_FORMAT);
	put32(0x1f4, 0x7d820 + 0x100); /* more than the file holds */
	EXPECT_EQ(plan(0, 0, q35, Q35_COUNT, &l), SVSM_E_FORMAT);
	put32(0x1f4, 0x100); /* the file is far longer than the kernel says */
	EXPECT_EQ(plan(0, 0, q35, Q35_COUNT, &l), SVSM_E_FORMAT);
	put32(0x1f4, 0xffffffff);
	EXPECT_EQ(plan(0, 0, q35, Q35_COUNT, &l), SVSM_E_FORMAT);
	good_header();
	hdr[0x1f1] = 0xff; /* setup beyond a small file */
	EXPECT_EQ(linux_layout_plan(hdr, sizeof(hdr), 0x1000, 0, 0, q35, Q35_COUNT, &l),
		  SVSM_E_FORMAT);
}

TEST(linux_layout, kernel_alignment_power_of_two)
{
	struct linux_layout l;

	good_header();
	put32(0x230, 0x300000);
	EXPECT_EQ(plan(0, 0, q35, Q35_COUNT, &l), SVSM_E_FORMAT);
	put32(0x230, 0);
	EXPECT_EQ(plan(0, 0, q35, Q35_COUNT, &l), SVSM_E_FORMAT);
	put32(0x230, 0x80000000);
	EXPECT_EQ(plan(0, 0, q35, Q35_COUNT, &l), SVSM_E_FORMAT);
}

TEST(linux_layout, init_size_smaller_than_kernel)
{
	struct linux_layout l;

	good_header();
	put32(0x260, 0x1000);
	EXPECT_EQ(plan(0, 0, q35, Q35_COUNT, &l), SVSM_E_FORMAT);
}

TEST(linux_layout, cmdline_too_long)
{
	struct linux_layout l;

	good_header();
	EXPECT_EQ(plan(0, 0x7ff, q35, Q35_COUNT, &l), SVSM_OK);
	EXPECT_EQ(plan(0, 0x800, q35, Q35_COUNT, &l), SVSM_E_FORMAT);
	put32(0x238, 0xffffffff); /* the kernel allows more than our page */
	EXPECT_EQ(plan(0, LINUX_CMDLINE_MAX - 1, q35, Q35_COUNT, &l), SVSM_OK);
	EXPECT_EQ(plan(0, LINUX_CMDLINE_MAX, q35, Q35_COUNT, &l), SVSM_E_FORMAT);
}

TEST(linux_layout, no_room)
{
	static const struct e820_entry small[] = {
		{0, 0xa0000, E820_RAM},
		{0x100000, 0x3000000, E820_RAM}, /* 49 MiB: less than init_size */
	};
	static const struct e820_entry no_low[] = {
		{0x100000, 0x3ff00000, E820_RAM},
	};
	struct linux_layout l;

	good_header();
	EXPECT_EQ(plan(0, 0, small, 2, &l), SVSM_E_NOMEM);
	EXPECT_EQ(plan(0, 0, no_low, 1, &l), SVSM_E_NOMEM);
	EXPECT_EQ(plan(0, 0, q35, 0, &l), SVSM_E_NOMEM);
	EXPECT_EQ(plan(0x40000000, 0, q35, Q35_COUNT, &l), SVSM_E_NOMEM); /* initrd > RAM */
}

TEST(linux_layout, kernel_window_stays_below_4g)
{
	static const struct e820_entry high[] = {
		{0, 0xa0000, E820_RAM},
		{0x100000000ull, 0x100000000ull, E820_RAM},
	};
	struct linux_layout l;

	good_header();
	EXPECT_EQ(plan(0, 0, high, 2, &l), SVSM_E_NOMEM);
}

TEST(linux_layout, non_relocatable_needs_pref_address)
{
	static const struct e820_entry map[] = {
		{0, 0xa0000, E820_RAM},
		{0x4200000, 0x3bde0000, E820_RAM},
	};
	struct linux_layout l;

	good_header();
	hdr[0x234] = 0;
	EXPECT_EQ(plan(0, 0, map, 2, &l), SVSM_E_NOMEM);
	ASSERT_EQ(plan(0, 0, q35, Q35_COUNT, &l), SVSM_OK);
	EXPECT_EQ(l.load_gpa, 0x1000000);
}

TEST(linux_layout, huge_values_do_not_wrap)
{
	static const struct e820_entry wrap[] = {
		{0, 0xa0000, E820_RAM},
		{0x1000000, 0x3f98000, E820_RAM}, /* the kernel fits, the initrd does not */
		{0xfffffffffffff000ull, 0x2000, E820_RAM},
		{UINT64_MAX - 0x1000000, 0xffffffffffffffffull, E820_RAM},
	};
	struct linux_layout l;

	good_header();
	put64(0x258, 0xffffffffffe00000ull); /* pref_address near the top */
	EXPECT_EQ(plan(0, 0, q35, Q35_COUNT, &l), SVSM_E_NOMEM);
	good_header();
	EXPECT_EQ(plan(UINT64_MAX, 0, q35, Q35_COUNT, &l), SVSM_E_NOMEM);
	EXPECT_EQ(plan(0, UINT64_MAX, q35, Q35_COUNT, &l), SVSM_E_FORMAT);
	EXPECT_EQ(plan(0x100000, 0, wrap, 4, &l), SVSM_E_NOMEM);
	EXPECT_EQ(linux_layout_plan(hdr, sizeof(hdr), UINT64_MAX, 0, 0, q35, Q35_COUNT, &l),
		  SVSM_E_FORMAT);
}

TEST(linux_layout, gdt_and_page_tables)
{
	uint64_t gdt[4];
	static uint64_t page[512];

	linux_layout_gdt(gdt);
	EXPECT_EQ(gdt[2], 0x00af9a000000ffffull);
	EXPECT_EQ(gdt[3], 0x00cf92000000ffffull);
	linux_layout_page_table(0, page);
	EXPECT_EQ(page[0], LINUX_PML4_GPA + 0x1000 + 3);
	EXPECT_EQ(page[1], 0);
	linux_layout_page_table(1, page);
	EXPECT_EQ(page[3], LINUX_PML4_GPA + 0x5000 + 3);
	EXPECT_EQ(page[4], 0);
	linux_layout_page_table(5, page);
	EXPECT_EQ(page[511], 0xffe00000ull + 0x83);
	EXPECT_EQ(LINUX_PML4_GPA + LINUX_PT_PAGES * 0x1000, LINUX_LOW_END);
}
