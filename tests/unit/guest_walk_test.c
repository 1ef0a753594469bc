/*
 * Tests of the guest page-table walk and instruction fetch (kernel/vcpu/guest_walk.c): every
 * paging mode and leaf size, a fetch across a page boundary, and hostile tables (loops,
 * entries into SVSM memory or outside RAM, non-present and reserved entries, pages that are
 * not executable). Guest RAM is a fixed low mapping (GPA = host address below 4 GiB, so
 * that 32-bit and PAE tables can reach it); the SVSM region after it is mapped without
 * access, so any read there would crash the test.
 */
#include <stdlib.h>
#include <sys/mman.h>

#include "kernel/arch/x86_64/safe_copy.h"
#include "kernel/arch/x86_64/x86.h"
#include "kernel/mm/guest_mem.h"
#include "kernel/vcpu/guest_walk.h"
#include "tests/unit/harness.h"

#define RAM       0x40000000ull
#define RAM_SIZE  (4ull << 20)
#define SVSM      (RAM + RAM_SIZE)
#define SVSM_SIZE (2ull << 20)
#define CODE      (RAM + 0x200000) /* data pages: byte i is code_byte(i) */
#define TABLES    (RAM + 0x1000)   /* page tables, one page each from here */

#define P  0x1ull
#define RW 0x2ull
#define US 0x4ull
#define PS 0x80ull
#define NX (1ull << 63)

static uint64_t next_table;

static uint8_t code_byte(uint64_t off)
{
	return (uint8_t)(off * 7 + 1);
}

static void setup(void)
{
	static bool mapped;
	struct guest_mem_range r = {gpa_init(RAM), gpa_init(RAM + RAM_SIZE)};

	if (!mapped) {
		void *ram = mmap((void *)RAM, RAM_SIZE, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
		void *svsm = mmap((void *)SVSM, SVSM_SIZE, PROT_NONE,
				  MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);

		if (ram != (void *)RAM || svsm != (void *)SVSM) {
			abort();
		}
		mapped = true;
	}
	memset((void *)RAM, 0, RAM_SIZE);
	for (uint64_t i = 0; i < RAM + RAM_SIZE - CODE; i++) {
		((uint8_t *)CODE)[i] = code_byte(i);
	}
	if (guest_mem_init(&r, 1, gpa_init(SVSM), gpa_init(SVSM + SVSM_SIZE)) != SVSM_OK) {
		abort();
	}
	safe_copy_host_set_fault(NULL);
	next_table = TABLES;
}

static uint64_t new_table(void)
{
	uint64_t t = next_table;

	next_table += 0x1000;
	return t;
}

static void put64(uint64_t gpa, uint64_t v)
{
	memcpy((void *)(uintptr_t)gpa, &v, 8);
}

static void put32(uint64_t gpa, uint32_t v)
{
	memcpy((void *)(uintptr_t)gpa, &v, 4);
}

static uint64_t get64(uint64_t gpa)
{
	uint64_t v;

	memcpy(&v, (void *)(uintptr_t)gpa, 8);
	return v;
}

/*
 * Long-mode map (4 or 5 levels) of @linear to @target with a leaf at @leaf_level (1: 4 KiB,
 * 2: 2 MiB, 3: 1 GiB) carrying @flags; tables are allocated as needed. Returns the GPA of
 * the leaf entry.
 */
static uint64_t map(uint64_t root, unsigned levels, uint64_t linear, uint64_t target,
		    unsigned leaf_level, uint64_t flags)
{
	uint64_t table = root;

	for (unsigned level = levels; level > leaf_level; level--) {
		uint64_t at = table + ((linear >> (12 + 9 * (level - 1))) & 511) * 8;

		if ((get64(at) & P) == 0) {
			put64(at, new_table() | P | RW | US);
		}
		table = get64(at) & 0x000ffffffffff000ull;
	}
	table += ((linear >> (12 + 9 * (leaf_level - 1))) & 511) * 8;
	put64(table, target | flags | (leaf_level > 1 ? PS : 0));
	return table;
}

static struct guest_paging long_mode(uint64_t root, bool la57)
{
	return (struct guest_paging){.cr0 = CR0_PE | CR0_PG, .cr3 = root,
				     .cr4 = CR4_PAE | (la57 ? CR4_LA57 : 0),
				     .efer = EFER_LME | EFER_LMA | EFER_NXE};
}

static bool translates(const struct guest_paging *p, uint64_t linear, uint64_t want)
{
	gpa_t gpa = GPA_C(0);

	return guest_walk_translate(p, linear, &gpa, NULL) == SVSM_OK && gpa_addr(gpa) == want;
}

static enum guest_walk_why why_of(const struct guest_paging *p, uint64_t linear,
				  unsigned *level)
{
	struct guest_walk_fault f;
	gpa_t gpa = GPA_C(0);

	if (guest_walk_translate(p, linear, &gpa, &f) == SVSM_OK) {
		return GUEST_WALK_OK;
	}
	*level = f.level;
	return f.why;
}

TEST(guest_walk, paging_off_is_physical_and_wraps_at_4g)
{
	struct guest_paging p = {.cr0 = CR0_PE};
	uint8_t buf[15];
	size_t n = 0;

	setup();
	EXPECT_TRUE(translates(&p, CODE + 5, CODE + 5));
	p.cr0 = 0; /* real mode */
	ASSERT_EQ(guest_walk_fetch(&p, CODE, 0x10, false, buf, 15, &n, NULL), SVSM_OK);
	EXPECT_EQ(n, 15u);
	EXPECT_EQ(buf[0], code_byte(0x10));
	EXPECT_EQ(buf[14], code_byte(0x10 + 14));
	/* CS base + EIP wraps at 4 GiB outside 64-bit mode. */
	ASSERT_EQ(guest_walk_fetch(&p, 0xffffffffull, CODE + 1, false, buf, 4, &n, NULL),
		  SVSM_OK);
	EXPECT_EQ(buf[0], code_byte(0));
	/* Outside RAM: nothing fetched. */
	EXPECT_EQ(guest_walk_fetch(&p, 0, 0x1000, false, buf, 4, &n, NULL),
		  SVSM_E_INVALID_ADDRESS);
	EXPECT_EQ(n, 0u);
}

TEST(guest_walk, legacy_32bit_4k_and_4m_pse)
{
	uint64_t pd = 0, pt = 0;
	struct guest_paging p = {.cr0 = CR0_PE | CR0_PG, .cr3 = 0};

	setup();
	pd = new_table();
	pt = new_table();
	p.cr3 = pd | 0x18; /* PWT/PCD ignored */
	put32(pd + 1 * 4, (uint32_t)(pt | P));                    /* 0x00400000 */
	put32(pt + 2 * 4, (uint32_t)((CODE + 0x3000) | P));       /* 0x00402000 */
	EXPECT_TRUE(translates(&p, 0x00402abcull, CODE + 0x3abc));
	/* 4 MiB page at 0x00c00000 -> RAM: only with CR4.PSE. */
	put32(pd + 3 * 4, (uint32_t)(RAM | PS | P));
	p.cr4 = CR4_PSE;
	EXPECT_TRUE(translates(&p, 0x00c01234ull, RAM + 0x1234));
	EXPECT_TRUE(translates(&p, 0x00fffff0ull, RAM + 0x3ffff0));
	/* Without PSE, PS is ignored: the entry is a table (RAM's first page is zero). */
	p.cr4 = 0;
	{
		struct guest_walk_fault f;
		uint8_t buf[4];
		size_t n = 0;
		unsigned level = 0;

		EXPECT_EQ(why_of(&p, 0x00c01234ull, &level), GUEST_WALK_NOT_PRESENT);
		EXPECT_EQ(level, 1u);
		p.cr4 = CR4_PSE;
		/* PSE-36: bits 20:13 are address bits 39:32, above RAM: nothing to fetch. */
		put32(pd + 3 * 4, (uint32_t)(RAM | (1u << 13) | PS | P));
		EXPECT_TRUE(translates(&p, 0x00c01234ull, 0x140001234ull));
		EXPECT_EQ(guest_walk_fetch(&p, 0, 0x00c01234ull, false, buf, 4, &n, &f),
			  SVSM_E_INVALID_ADDRESS);
		EXPECT_EQ(f.why, GUEST_WALK_NOT_RAM);
		EXPECT_EQ(f.level, 0u);
		put32(pd + 3 * 4, (uint32_t)(RAM | (1u << 21) | PS | P));
		EXPECT_EQ(why_of(&p, 0x00c01234ull, &level), GUEST_WALK_RESERVED);
		EXPECT_EQ(level, 2u);
	}
}

TEST(guest_walk, pae_4k_and_2m)
{
	uint64_t pdpt = 0, pd = 0, pt = 0;
	struct guest_paging p = {.cr0 = CR0_PE | CR0_PG, .cr4 = CR4_PAE, .efer = EFER_NXE};
	unsigned level = 0;

	setup();
	pdpt = new_table() + 0x20; /* 32-byte aligned is enough */
	pd = new_table();
	pt = new_table();
	p.cr3 = pdpt;
	put64(pdpt + 3 * 8, pd | P);                 /* 0xc0000000 */
	put64(pd + 1 * 8, pt | P | RW);              /* 0xc0200000 */
	put64(pt + 5 * 8, (CODE + 0x1000) | P);      /* 0xc0205000 */
	EXPECT_TRUE(translates(&p, 0xc0205678ull, CODE + 0x1678));
	put64(pd + 2 * 8, (RAM + 0x200000) | PS | P); /* 0xc0400000, 2 MiB */
	EXPECT_TRUE(translates(&p, 0xc0412345ull, RAM + 0x212345));
	/* Bits 20:13 of a 2 MiB leaf are reserved. */
	put64(pd + 2 * 8, (RAM + 0x200000) | (1ull << 13) | PS | P);
	EXPECT_EQ(why_of(&p, 0xc0412345ull, &level), GUEST_WALK_RESERVED);
	EXPECT_EQ(level, 2u);
	/* A PAE PDPTE has no PS, no NX and reserved bits 2:1. */
	put64(pdpt + 3 * 8, pd | PS | P);
	EXPECT_EQ(why_of(&p, 0xc0205678ull, &level), GUEST_WALK_RESERVED);
	EXPECT_EQ(level, 3u);
	put64(pdpt + 3 * 8, pd | RW | P);
	EXPECT_EQ(why_of(&p, 0xc0205678ull, &level), GUEST_WALK_RESERVED);
	put64(pdpt + 3 * 8, pd | P);
	/* NX at the PDE level: not executable. */
	put64(pd + 1 * 8, pt | P | RW | NX);
	EXPECT_EQ(why_of(&p, 0xc0205678ull, &level), GUEST_WALK_PROTECTION);
	EXPECT_EQ(level, 1u);
	p.efer = 0; /* without NXE, bit 63 is reserved */
	EXPECT_EQ(why_of(&p, 0xc0205678ull, &level), GUEST_WALK_RESERVED);
	EXPECT_EQ(level, 2u);
}

TEST(guest_walk, long_mode_4_levels_4k_2m_1g)
{
	uint64_t root = 0;
	struct guest_paging p;
	uint8_t buf[15];
	size_t n = 0;

	setup();
	root = new_table();
	p = long_mode(root | 0x123, false); /* PCID bits ignored */
	map(root, 4, 0xffffffff80001000ull, CODE + 0x2000, 1, P);
	map(root, 4, 0x00007f0000200000ull, RAM + 0x200000, 2, P);
	map(root, 4, 0x0000004000000000ull, RAM, 3, P);
	EXPECT_TRUE(translates(&p, 0xffffffff80001abcull, CODE + 0x2abc));
	EXPECT_TRUE(translates(&p, 0x00007f00002fffffull, RAM + 0x2fffff));
	EXPECT_TRUE(translates(&p, 0x0000004000123456ull, RAM + 0x123456));
	ASSERT_EQ(guest_walk_fetch(&p, 0x5555, 0xffffffff80001100ull, true, buf, 15, &n, NULL),
		  SVSM_OK); /* CS base ignored in 64-bit mode */
	EXPECT_EQ(n, 15u);
	EXPECT_EQ(buf[0], code_byte(0x2100));
	EXPECT_EQ(buf[14], code_byte(0x2100 + 14));
}

TEST(guest_walk, long_mode_5_levels)
{
	uint64_t root = 0;
	struct guest_paging p;
	unsigned level = 0;

	setup();
	root = new_table();
	p = long_mode(root, true);
	map(root, 5, 0x0001000040001000ull, CODE, 1, P);
	map(root, 5, 0xff00000000200000ull, RAM + 0x200000, 2, P);
	map(root, 5, 0x0000000040000000ull, RAM, 3, P);
	EXPECT_TRUE(translates(&p, 0x0001000040001010ull, CODE + 0x10));
	EXPECT_TRUE(translates(&p, 0xff00000000200010ull, RAM + 0x200010));
	EXPECT_TRUE(translates(&p, 0x0000000040000020ull, RAM + 0x20));
	/* With 4 levels the same addresses are not canonical. */
	p.cr4 &= ~CR4_LA57;
	EXPECT_EQ(why_of(&p, 0x0001000040001010ull, &level), GUEST_WALK_NON_CANONICAL);
	p.cr4 |= CR4_LA57;
	EXPECT_EQ(why_of(&p, 0x0100000000000000ull, &level), GUEST_WALK_NON_CANONICAL);
}

TEST(guest_walk, fetch_crosses_a_page)
{
	uint64_t root = 0, leaf = 0;
	struct guest_paging p;
	struct guest_walk_fault f;
	uint8_t buf[15];
	size_t n = 0;

	setup();
	root = new_table();
	p = long_mode(root, false);
	/* Two adjacent linear pages backed by pages 0x5000 apart. */
	map(root, 4, 0x400000ull, CODE + 0x1000, 1, P);
	leaf = map(root, 4, 0x401000ull, CODE + 0x6000, 1, P);
	ASSERT_EQ(guest_walk_fetch(&p, 0, 0x400ff9ull, true, buf, 15, &n, &f), SVSM_OK);
	EXPECT_EQ(n, 15u);
	EXPECT_EQ(f.why, GUEST_WALK_OK);
	for (unsigned i = 0; i < 7; i++) {
		EXPECT_EQ(buf[i], code_byte(0x1ff9 + i));
	}
	for (unsigned i = 7; i < 15; i++) {
		EXPECT_EQ(buf[i], code_byte(0x6000 + i - 7));
	}
	/* The second page gone: the first page's bytes, and why the rest is missing. */
	put64(leaf, 0);
	ASSERT_EQ(guest_walk_fetch(&p, 0, 0x400ff9ull, true, buf, 15, &n, &f), SVSM_OK);
	EXPECT_EQ(n, 7u);
	EXPECT_EQ(f.why, GUEST_WALK_NOT_PRESENT);
	EXPECT_EQ(f.linear, 0x401000ull);
	EXPECT_EQ(f.level, 1u);
	/* At the top of the lower half the next byte is not canonical. */
	map(root, 4, 0x00007ffffffff000ull, CODE, 1, P);
	ASSERT_EQ(guest_walk_fetch(&p, 0, 0x00007ffffffffffcull, true, buf, 15, &n, &f),
		  SVSM_OK);
	EXPECT_EQ(n, 4u);
	EXPECT_EQ(f.why, GUEST_WALK_NON_CANONICAL);
}

TEST(guest_walk, hostile_loops_stay_bounded)
{
	uint64_t root = 0;
	struct guest_paging p;
	uint8_t buf[15];
	size_t n = 0;

	setup();
	root = new_table();
	/* Every entry of the root points at the root itself, at every level. */
	for (unsigned i = 0; i < 512; i++) {
		put64(root + i * 8, root | P | RW | US);
	}
	for (unsigned levels = 4; levels <= 5; levels++) {
		p = long_mode(root, levels == 5);
		ASSERT_EQ(guest_walk_fetch(&p, 0, 0x8, true, buf, 15, &n, NULL), SVSM_OK);
		EXPECT_EQ(n, 15u);
		EXPECT_EQ(buf[0], (uint8_t)(root | P | RW | US)); /* the table read as code */
	}
	/* The 32-bit form of the same loop. */
	for (unsigned i = 0; i < 1024; i++) {
		put32(root + i * 4, (uint32_t)(root | P));
	}
	p = (struct guest_paging){.cr0 = CR0_PE | CR0_PG, .cr3 = root};
	ASSERT_EQ(guest_walk_fetch(&p, 0, 0x4, false, buf, 4, &n, NULL), SVSM_OK);
	EXPECT_EQ(buf[0], (uint8_t)(root | P));
}

TEST(guest_walk, hostile_entries_outside_ram_and_into_the_svsm)
{
	uint64_t root = 0, leaf = 0, pd_entry = 0;
	struct guest_paging p;
	struct guest_walk_fault f;
	uint8_t buf[15] = {0};
	size_t n = 0;
	unsigned level = 0;

	setup();
	root = new_table();
	p = long_mode(root, false);
	leaf = map(root, 4, 0x1000, CODE, 1, P);
	pd_entry = get64(root) & 0x000ffffffffff000ull; /* the PDPT */
	pd_entry = get64(pd_entry) & 0x000ffffffffff000ull; /* the PD */
	/* The data page inside the SVSM region. */
	put64(leaf, SVSM | P);
	EXPECT_EQ(guest_walk_fetch(&p, 0, 0x1000, true, buf, 15, &n, &f),
		  SVSM_E_INVALID_ADDRESS);
	EXPECT_EQ(f.why, GUEST_WALK_NOT_RAM);
	EXPECT_EQ(f.level, 0u);
	EXPECT_EQ(gpa_addr(f.entry_gpa), SVSM);
	/* A table inside the SVSM region, and one far outside RAM. */
	put64(pd_entry, SVSM | P | RW);
	EXPECT_EQ(why_of(&p, 0x1000, &level), GUEST_WALK_NOT_RAM);
	EXPECT_EQ(level, 1u);
	put64(pd_entry, 0x000ffffffffff000ull | P | RW);
	EXPECT_EQ(why_of(&p, 0x1000, &level), GUEST_WALK_NOT_RAM);
	EXPECT_EQ(level, 1u);
	/* CR3 itself outside RAM. */
	p.cr3 = 0x1000;
	EXPECT_EQ(why_of(&p, 0x1000, &level), GUEST_WALK_NOT_RAM);
	EXPECT_EQ(level, 4u);
	p.cr3 = SVSM + 0x1000;
	EXPECT_EQ(why_of(&p, 0x1000, &level), GUEST_WALK_NOT_RAM);
	/* The last bytes of RAM, with the next page in the SVSM region: only the first. */
	p = (struct guest_paging){.cr0 = CR0_PE};
	ASSERT_EQ(guest_walk_fetch(&p, 0, SVSM - 3, false, buf, 15, &n, &f), SVSM_OK);
	EXPECT_EQ(n, 3u);
	EXPECT_EQ(f.why, GUEST_WALK_NOT_RAM);
}

static bool table_page_faults(uint64_t addr, uint64_t len)
{
	return addr < TABLES + 0x1000 && addr + len > TABLES;
}

TEST(guest_walk, hostile_non_present_reserved_and_faulting)
{
	uint64_t root = 0;
	struct guest_paging p;
	unsigned level = 0;

	setup();
	root = new_table();
	p = long_mode(root, false);
	map(root, 4, 0x1000, CODE, 1, P);
	EXPECT_EQ(why_of(&p, 0x200000, &level), GUEST_WALK_NOT_PRESENT); /* no PDE */
	EXPECT_EQ(level, 2u);
	EXPECT_EQ(why_of(&p, 0x40000000, &level), GUEST_WALK_NOT_PRESENT); /* no PDPTE */
	EXPECT_EQ(level, 3u);
	EXPECT_EQ(why_of(&p, 0x8000000000ull, &level), GUEST_WALK_NOT_PRESENT); /* no PML4E */
	EXPECT_EQ(level, 4u);
	EXPECT_EQ(why_of(&p, 0xffff800000000000ull, &level), GUEST_WALK_NOT_PRESENT);
	EXPECT_EQ(why_of(&p, 0x0000800000000000ull, &level), GUEST_WALK_NON_CANONICAL);
	/* PS in a PML4 entry is reserved; so are bits 29:13 of a 1 GiB leaf. */
	put64(root + 8, RAM | PS | P);
	EXPECT_EQ(why_of(&p, 0x8000000000ull, &level), GUEST_WALK_RESERVED);
	EXPECT_EQ(level, 4u);
	map(root, 4, 0x80000000ull, RAM | (1ull << 20), 3, P);
	EXPECT_EQ(why_of(&p, 0x80000000ull, &level), GUEST_WALK_RESERVED);
	EXPECT_EQ(level, 3u);
	/* A table page that faults when read (SNP: its validation was rescinded). */
	safe_copy_host_set_fault(table_page_faults);
	EXPECT_EQ(why_of(&p, 0x1000, &level), GUEST_WALK_NOT_RAM);
	EXPECT_EQ(level, 4u);
	safe_copy_host_set_fault(NULL);
	EXPECT_EQ(why_of(&p, 0x1000, &level), GUEST_WALK_OK);
}

TEST(guest_walk, privilege_nx_user_and_smep)
{
	uint64_t root = 0, leaf = 0;
	struct guest_paging p;
	unsigned level = 0;

	setup();
	root = new_table();
	p = long_mode(root, false);
	leaf = map(root, 4, 0x1000, CODE, 1, P); /* supervisor page (tables are user) */
	p.cpl = 3;
	EXPECT_EQ(why_of(&p, 0x1000, &level), GUEST_WALK_PROTECTION);
	put64(leaf, CODE | P | US);
	EXPECT_EQ(why_of(&p, 0x1000, &level), GUEST_WALK_OK);
	p.cpl = 0;
	EXPECT_EQ(why_of(&p, 0x1000, &level), GUEST_WALK_OK);
	p.cr4 |= CR4_SMEP; /* a user page is not executable at CPL 0 */
	EXPECT_EQ(why_of(&p, 0x1000, &level), GUEST_WALK_PROTECTION);
	p.cr4 &= ~CR4_SMEP;
	put64(leaf, CODE | P | US | NX);
	EXPECT_EQ(why_of(&p, 0x1000, &level), GUEST_WALK_PROTECTION);
	p.efer &= ~EFER_NXE;
	EXPECT_EQ(why_of(&p, 0x1000, &level), GUEST_WALK_RESERVED);
	EXPECT_EQ(level, 1u);
	EXPECT_TRUE(guest_walk_why_name(GUEST_WALK_PROTECTION)[0] != '\0');
}
