/* Tests of kernel/mm/pgtable.c: map, unmap, protect and lookup on host-memory tables. */
#include "kernel/mm/pgtable.h"
#include "tests/unit/harness.h"
#include "tests/unit/mm_fixture.h"

static void setup(struct pgtable *pt)
{
	uint8_t *a = mm_fixture_setup();
	paddr_t base = (paddr_t)(uintptr_t)a;

	page_alloc_add_range(base, base + ARENA_SIZE);
	ASSERT_EQ(pgtable_init(pt), SVSM_OK);
}

TEST(pgtable, map_lookup_4k_and_2m)
{
	struct pgtable pt;
	paddr_t pa;
	uint64_t flags, size;

	setup(&pt);
	ASSERT_EQ(pgtable_map(&pt, 0xffff800000001000, 0x5000, 0x2000, PTE_W | PTE_NX, 0), SVSM_OK);
	ASSERT_TRUE(pgtable_lookup(&pt, 0xffff800000001234, &pa, &flags, &size));
	EXPECT_EQ(pa, 0x5234);
	EXPECT_EQ(size, MM_PAGE_SIZE);
	EXPECT_EQ(flags, PTE_P | PTE_W | PTE_NX);
	EXPECT_TRUE(pgtable_lookup(&pt, 0xffff800000002000, &pa, NULL, NULL));
	EXPECT_EQ(pa, 0x6000);
	EXPECT_FALSE(pgtable_lookup(&pt, 0xffff800000003000, NULL, NULL, NULL));

	ASSERT_EQ(pgtable_map(&pt, 0x40000000, 0x80000000, 0x400000, PTE_W, PGTABLE_ALLOW_LARGE), SVSM_OK);
	ASSERT_TRUE(pgtable_lookup(&pt, 0x40212345, &pa, &flags, &size));
	EXPECT_EQ(pa, 0x80212345);
	EXPECT_EQ(size, MM_LARGE_PAGE_SIZE);
	pgtable_free(&pt);
}

TEST(pgtable, rejects_overlap_and_misalignment)
{
	struct pgtable pt;

	setup(&pt);
	EXPECT_EQ(pgtable_map(&pt, 0x1000, 0x1000, 0x1000, 0, 0), SVSM_OK);
	EXPECT_EQ(pgtable_map(&pt, 0x1000, 0x9000, 0x1000, 0, 0), SVSM_E_EXISTS);
	EXPECT_EQ(pgtable_map(&pt, 0x1800, 0x1000, 0x1000, 0, 0), SVSM_E_INVALID_PARAM);
	EXPECT_EQ(pgtable_map(&pt, 0x2000, 0x1001, 0x1000, 0, 0), SVSM_E_INVALID_PARAM);
	EXPECT_EQ(pgtable_map(&pt, 0xfffffffffffff000, 0, 0x2000, 0, 0), SVSM_E_INVALID_PARAM);
	pgtable_free(&pt);
}

TEST(pgtable, partial_unmap_splits_large_page)
{
	struct pgtable pt;
	paddr_t pa;
	uint64_t size;

	setup(&pt);
	ASSERT_EQ(pgtable_map(&pt, 0x200000, 0x600000, 0x200000, PTE_W, PGTABLE_ALLOW_LARGE), SVSM_OK);
	ASSERT_EQ(pgtable_unmap(&pt, 0x201000, 0x1000), SVSM_OK);
	EXPECT_FALSE(pgtable_lookup(&pt, 0x201000, NULL, NULL, NULL));
	ASSERT_TRUE(pgtable_lookup(&pt, 0x202000, &pa, NULL, &size));
	EXPECT_EQ(pa, 0x602000);
	EXPECT_EQ(size, MM_PAGE_SIZE);
	ASSERT_TRUE(pgtable_lookup(&pt, 0x200000, &pa, NULL, NULL));
	EXPECT_EQ(pa, 0x600000);
	ASSERT_EQ(pgtable_unmap(&pt, 0x200000, 0x200000), SVSM_OK);
	EXPECT_FALSE(pgtable_lookup(&pt, 0x3ff000, NULL, NULL, NULL));
	/* Unmapping absent ranges is fine. */
	EXPECT_EQ(pgtable_unmap(&pt, 0x7000000000, 0x400000), SVSM_OK);
	pgtable_free(&pt);
}

TEST(pgtable, protect_changes_rights_only)
{
	struct pgtable pt;
	paddr_t pa;
	uint64_t flags;

	setup(&pt);
	ASSERT_EQ(pgtable_map(&pt, 0x10000, 0x20000, 0x4000, PTE_W | PTE_NX, 0), SVSM_OK);
	ASSERT_EQ(pgtable_protect(&pt, 0x11000, 0x2000, 0), SVSM_OK);
	ASSERT_TRUE(pgtable_lookup(&pt, 0x11000, &pa, &flags, NULL));
	EXPECT_EQ(pa, 0x21000);
	EXPECT_EQ(flags, PTE_P);
	ASSERT_TRUE(pgtable_lookup(&pt, 0x10000, &pa, &flags, NULL));
	EXPECT_EQ(flags, PTE_P | PTE_W | PTE_NX);
	ASSERT_TRUE(pgtable_lookup(&pt, 0x13000, &pa, &flags, NULL));
	EXPECT_EQ(flags, PTE_P | PTE_W | PTE_NX);
	pgtable_free(&pt);
}

TEST(pgtable, free_returns_table_pages)
{
	struct pgtable pt;
	uint64_t before;

	setup(&pt);
	before = page_alloc_free_pages();
	ASSERT_EQ(pgtable_map(&pt, 0x7f0000000000, 0x1000, 0x10000, PTE_W, 0), SVSM_OK);
	EXPECT_LT(page_alloc_free_pages(), before);
	pgtable_free(&pt);
	EXPECT_EQ(page_alloc_free_pages(), before + 1); /* the root too */
}
