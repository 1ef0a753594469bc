/* Tests of kernel/mm/pgtable.c: map, unmap, protect and lookup on host-memory tables. */
#include "kernel/mm/pgtable.h"
#include "tests/unit/harness.h"
#include "tests/unit/mm_fixture.h"

static void setup(struct pgtable *pt)
{
	uint8_t *a = mm_fixture_setup();
	uint64_t base = (uint64_t)(uintptr_t)a;

	page_alloc_add_range(pa_init(base), pa_init(base + ARENA_SIZE));
	ASSERT_EQ(pgtable_init(pt), SVSM_OK);
}

TEST(pgtable, map_lookup_4k_and_2m)
{
	struct pgtable pt;
	paddr_t pa;
	uint64_t flags, size;

	setup(&pt);
	ASSERT_EQ(pgtable_map(&pt, va_init(0xffff800000001000), pa_init(0x5000), 0x2000,
			      PTE_W | PTE_NX, 0),
		  SVSM_OK);
	ASSERT_TRUE(pgtable_lookup(&pt, va_init(0xffff800000001234), &pa, &flags, &size));
	EXPECT_EQ(pa_addr(pa), 0x5234);
	EXPECT_EQ(size, MM_PAGE_SIZE);
	EXPECT_EQ(flags, PTE_P | PTE_W | PTE_NX);
	EXPECT_TRUE(pgtable_lookup(&pt, va_init(0xffff800000002000), &pa, NULL, NULL));
	EXPECT_EQ(pa_addr(pa), 0x6000);
	EXPECT_FALSE(pgtable_lookup(&pt, va_init(0xffff800000003000), NULL, NULL, NULL));

	ASSERT_EQ(pgtable_map(&pt, va_init(0x40000000), pa_init(0x80000000), 0x400000, PTE_W,
			      PGTABLE_ALLOW_LARGE),
		  SVSM_OK);
	ASSERT_TRUE(pgtable_lookup(&pt, va_init(0x40212345), &pa, &flags, &size));
	EXPECT_EQ(pa_addr(pa), 0x80212345);
	EXPECT_EQ(size, MM_LARGE_PAGE_SIZE);
	pgtable_free(&pt);
}

TEST(pgtable, rejects_overlap_and_misalignment)
{
	struct pgtable pt;

	setup(&pt);
	EXPECT_EQ(pgtable_map(&pt, va_init(0x1000), pa_init(0x1000), 0x1000, 0, 0), SVSM_OK);
	EXPECT_EQ(pgtable_map(&pt, va_init(0x1000), pa_init(0x9000), 0x1000, 0, 0), SVSM_E_EXISTS);
	EXPECT_EQ(pgtable_map(&pt, va_init(0x1800), pa_init(0x1000), 0x1000, 0, 0),
		  SVSM_E_INVALID_PARAM);
	EXPECT_EQ(pgtable_map(&pt, va_init(0x2000), pa_init(0x1001), 0x1000, 0, 0),
		  SVSM_E_INVALID_PARAM);
	EXPECT_EQ(pgtable_map(&pt, va_init(0xfffffffffffff000), pa_init(0), 0x2000, 0, 0),
		  SVSM_E_INVALID_PARAM);
	pgtable_free(&pt);
}

TEST(pgtable, partial_unmap_splits_large_page)
{
	struct pgtable pt;
	paddr_t pa;
	uint64_t size;

	setup(&pt);
	ASSERT_EQ(pgtable_map(&pt, va_init(0x200000), pa_init(0x600000), 0x200000, PTE_W,
			      PGTABLE_ALLOW_LARGE),
		  SVSM_OK);
	ASSERT_EQ(pgtable_unmap(&pt, va_init(0x201000), 0x1000), SVSM_OK);
	EXPECT_FALSE(pgtable_lookup(&pt, va_init(0x201000), NULL, NULL, NULL));
	ASSERT_TRUE(pgtable_lookup(&pt, va_init(0x202000), &pa, NULL, &size));
	EXPECT_EQ(pa_addr(pa), 0x602000);
	EXPECT_EQ(size, MM_PAGE_SIZE);
	ASSERT_TRUE(pgtable_lookup(&pt, va_init(0x200000), &pa, NULL, NULL));
	EXPECT_EQ(pa_addr(pa), 0x600000);
	ASSERT_EQ(pgtable_unmap(&pt, va_init(0x200000), 0x200000), SVSM_OK);
	EXPECT_FALSE(pgtable_lookup(&pt, va_init(0x3ff000), NULL, NULL, NULL));
	/* Unmapping absent ranges is fine. */
	EXPECT_EQ(pgtable_unmap(&pt, va_init(0x7000000000), 0x400000), SVSM_OK);
	pgtable_free(&pt);
}

TEST(pgtable, protect_changes_rights_only)
{
	struct pgtable pt;
	paddr_t pa;
	uint64_t flags;

	setup(&pt);
	ASSERT_EQ(pgtable_map(&pt, va_init(0x10000), pa_init(0x20000), 0x4000, PTE_W | PTE_NX, 0),
		  SVSM_OK);
	ASSERT_EQ(pgtable_protect(&pt, va_init(0x11000), 0x2000, 0), SVSM_OK);
	ASSERT_TRUE(pgtable_lookup(&pt, va_init(0x11000), &pa, &flags, NULL));
	EXPECT_EQ(pa_addr(pa), 0x21000);
	EXPECT_EQ(flags, PTE_P);
	ASSERT_TRUE(pgtable_lookup(&pt, va_init(0x10000), &pa, &flags, NULL));
	EXPECT_EQ(flags, PTE_P | PTE_W | PTE_NX);
	ASSERT_TRUE(pgtable_lookup(&pt, va_init(0x13000), &pa, &flags, NULL));
	EXPECT_EQ(flags, PTE_P | PTE_W | PTE_NX);
	pgtable_free(&pt);
}

TEST(pgtable, free_returns_table_pages)
{
	struct pgtable pt;
	uint64_t before;

	setup(&pt);
	before = page_alloc_free_pages();
	ASSERT_EQ(pgtable_map(&pt, va_init(0x7f0000000000), pa_init(0x1000), 0x10000, PTE_W, 0),
		  SVSM_OK);
	EXPECT_LT(page_alloc_free_pages(), before);
	pgtable_free(&pt);
	EXPECT_EQ(page_alloc_free_pages(), before + 1); /* the root too */
}

/* ---- the SEV-SNP encryption mask (C-bit) ------------------------------------------------- */

#define CBIT51 (1ull << 51)

/* The raw entry at @level (4 = PML4E ... 1 = PTE) for @va, following the tables by hand. */
static uint64_t raw_entry(const struct pgtable *pt, uint64_t va, unsigned level)
{
	const uint64_t *t = (const uint64_t *)(uintptr_t)pa_addr(pt->root);

	for (unsigned l = 4;; l--) {
		uint64_t e = t[(va >> (12 + 9 * (l - 1))) & 511];

		if (l == level) {
			return e;
		}
		t = (const uint64_t *)(uintptr_t)(e & PTE_ADDR_MASK & ~CBIT51);
	}
}

TEST(pgtable, enc_mask_in_tables_and_private_leaves)
{
	struct pgtable pt;
	paddr_t pa;
	uint64_t flags, size;

	pgtable_set_enc_mask(CBIT51);
	setup(&pt);
	ASSERT_EQ(pgtable_map(&pt, va_init(0xffff800000001000), pa_init(0x5000), 0x1000,
			      PTE_W | PTE_NX, 0),
		  SVSM_OK);
	ASSERT_EQ(pgtable_map(&pt, va_init(0xffff800040000000), pa_init(0x40000000), 0x200000,
			      PTE_W, PGTABLE_ALLOW_LARGE),
		  SVSM_OK);
	for (unsigned l = 4; l >= 2; l--) {
		EXPECT_EQ(raw_entry(&pt, 0xffff800000001000, l) & CBIT51, CBIT51);
	}
	EXPECT_EQ(raw_entry(&pt, 0xffff800000001000, 1), 0x5000 | CBIT51 | PTE_P | PTE_W | PTE_NX);
	EXPECT_EQ(raw_entry(&pt, 0xffff800040000000, 2),
		  0x40000000 | CBIT51 | PTE_P | PTE_W | PTE_PS);
	/* Lookups translate to the physical address, not to the C-bit alias. */
	ASSERT_TRUE(pgtable_lookup(&pt, va_init(0xffff800000001234), &pa, &flags, &size));
	EXPECT_EQ(pa_addr(pa), 0x5234);
	EXPECT_EQ(flags, PTE_P | PTE_W | PTE_NX);
	ASSERT_TRUE(pgtable_lookup(&pt, va_init(0xffff800040123456), &pa, NULL, &size));
	EXPECT_EQ(pa_addr(pa), 0x40123456);
	EXPECT_EQ(size, MM_LARGE_PAGE_SIZE);
	pgtable_free(&pt);
	pgtable_set_enc_mask(0);
}

TEST(pgtable, shared_leaves_are_not_encrypted)
{
	struct pgtable pt;
	paddr_t pa;
	uint64_t flags;

	pgtable_set_enc_mask(CBIT51);
	setup(&pt);
	ASSERT_EQ(pgtable_map(&pt, va_init(0xffffe00000000000), pa_init(0x7000), 0x2000,
			      PTE_W | PTE_NX | PTE_SHARED, 0),
		  SVSM_OK);
	ASSERT_EQ(pgtable_map(&pt, va_init(0xffffe00000002000), pa_init(0x9000), 0x1000,
			      PTE_W | PTE_NX, 0),
		  SVSM_OK);
	/* The leaf has no C-bit; the tables leading to it are private and keep theirs. */
	EXPECT_EQ(raw_entry(&pt, 0xffffe00000000000, 1), 0x7000 | PTE_SHARED | PTE_P | PTE_W | PTE_NX);
	EXPECT_EQ(raw_entry(&pt, 0xffffe00000001000, 1), 0x8000 | PTE_SHARED | PTE_P | PTE_W | PTE_NX);
	EXPECT_EQ(raw_entry(&pt, 0xffffe00000000000, 2) & CBIT51, CBIT51);
	EXPECT_EQ(raw_entry(&pt, 0xffffe00000002000, 1), 0x9000 | CBIT51 | PTE_P | PTE_W | PTE_NX);
	ASSERT_TRUE(pgtable_lookup(&pt, va_init(0xffffe00000001008), &pa, &flags, NULL));
	EXPECT_EQ(pa_addr(pa), 0x8008);
	EXPECT_EQ(flags, PTE_P | PTE_W | PTE_NX | PTE_SHARED);
	/* protect changes rights and keeps the sharing state of each page. */
	ASSERT_EQ(pgtable_protect(&pt, va_init(0xffffe00000000000), 0x3000, PTE_NX), SVSM_OK);
	EXPECT_EQ(raw_entry(&pt, 0xffffe00000000000, 1), 0x7000 | PTE_SHARED | PTE_P | PTE_NX);
	EXPECT_EQ(raw_entry(&pt, 0xffffe00000002000, 1), 0x9000 | CBIT51 | PTE_P | PTE_NX);
	pgtable_free(&pt);
	pgtable_set_enc_mask(0);
}

TEST(pgtable, split_keeps_enc_mask_and_sharing)
{
	struct pgtable pt;

	pgtable_set_enc_mask(CBIT51);
	setup(&pt);
	ASSERT_EQ(pgtable_map(&pt, va_init(0x200000), pa_init(0x600000), 0x200000, PTE_W,
			      PGTABLE_ALLOW_LARGE),
		  SVSM_OK);
	ASSERT_EQ(pgtable_map(&pt, va_init(0x400000), pa_init(0x800000), 0x200000,
			      PTE_W | PTE_SHARED, PGTABLE_ALLOW_LARGE),
		  SVSM_OK);
	ASSERT_EQ(pgtable_unmap(&pt, va_init(0x201000), 0x1000), SVSM_OK);
	ASSERT_EQ(pgtable_unmap(&pt, va_init(0x401000), 0x1000), SVSM_OK);
	EXPECT_EQ(raw_entry(&pt, 0x200000, 2) & (CBIT51 | PTE_PS), CBIT51); /* now a table */
	EXPECT_EQ(raw_entry(&pt, 0x202000, 1), 0x602000 | CBIT51 | PTE_P | PTE_W);
	EXPECT_EQ(raw_entry(&pt, 0x402000, 1), 0x802000 | PTE_SHARED | PTE_P | PTE_W);
	pgtable_free(&pt);
	pgtable_set_enc_mask(0);
}

TEST(pgtable, native_entries_unchanged_without_mask)
{
	struct pgtable pt;

	setup(&pt);
	ASSERT_EQ(pgtable_map(&pt, va_init(0x10000), pa_init(0x20000), 0x1000, PTE_W | PTE_NX, 0),
		  SVSM_OK);
	EXPECT_EQ(raw_entry(&pt, 0x10000, 1), 0x20000 | PTE_P | PTE_W | PTE_NX);
	EXPECT_EQ(raw_entry(&pt, 0x10000, 2) & ~PTE_ADDR_MASK, PTE_P | PTE_W | PTE_U);
	pgtable_free(&pt);
}
