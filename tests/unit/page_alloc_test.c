/* Tests of kernel/mm/page_alloc.c: the buddy allocator over a host-memory arena. */
#include "kernel/mm/page_alloc.h"
#include "tests/unit/harness.h"
#include "tests/unit/mm_fixture.h"

TEST(page_alloc, starts_reserved_then_adds)
{
	uint8_t *a = mm_fixture_setup();
	uint64_t base = (uint64_t)(uintptr_t)a;

	EXPECT_EQ(page_alloc_free_pages(), 0);
	EXPECT_EQ(pa_addr(page_alloc_get(0, PAGE_OWNER_KERNEL)), 0);
	page_alloc_add_range(pa_init(base), pa_init(base + ARENA_SIZE));
	EXPECT_EQ(page_alloc_free_pages(), ARENA_SIZE / MM_PAGE_SIZE);
	EXPECT_TRUE(page_alloc_check());
}

TEST(page_alloc, alignment_and_exhaustion)
{
	uint8_t *a = mm_fixture_setup();
	uint64_t base = (uint64_t)(uintptr_t)a;
	uint64_t n = 0;
	uint64_t pa;

	page_alloc_add_range(pa_init(base), pa_init(base + ARENA_SIZE));
	for (unsigned order = 0; order <= PAGE_ALLOC_MAX_ORDER; order++) {
		pa = pa_addr(page_alloc_get(order, PAGE_OWNER_KERNEL));
		ASSERT_NE(pa, 0);
		EXPECT_EQ(pa & ((MM_PAGE_SIZE << order) - 1), 0);
		EXPECT_TRUE(pa >= base && pa + (MM_PAGE_SIZE << order) <= base + ARENA_SIZE);
	}
	while (pa_addr(page_alloc_get(0, PAGE_OWNER_KERNEL)) != 0) {
		n++;
	}
	EXPECT_EQ(page_alloc_free_pages(), 0);
	EXPECT_EQ(pa_addr(page_alloc_get(PAGE_ALLOC_MAX_ORDER + 1, PAGE_OWNER_KERNEL)), 0);
	EXPECT_TRUE(page_alloc_check());
	EXPECT_TRUE(n > 0);
}

TEST(page_alloc, free_coalesces_back)
{
	uint8_t *a = mm_fixture_setup();
	uint64_t base = (uint64_t)(uintptr_t)a;
	uint64_t blocks[300];
	uint64_t before;

	page_alloc_add_range(pa_init(base), pa_init(base + ARENA_SIZE));
	before = page_alloc_free_pages();
	for (unsigned i = 0; i < 300; i++) {
		blocks[i] = pa_addr(page_alloc_get(i % 4, PAGE_OWNER_KERNEL));
		ASSERT_NE(blocks[i], 0);
	}
	for (unsigned i = 0; i < 300; i++) {
		for (unsigned j = i + 1; j < 300; j++) {
			uint64_t ei = blocks[i] + (MM_PAGE_SIZE << (i % 4));
			uint64_t ej = blocks[j] + (MM_PAGE_SIZE << (j % 4));

			EXPECT_TRUE(ei <= blocks[j] || ej <= blocks[i]); /* no overlap */
		}
	}
	for (unsigned i = 0; i < 300; i += 2) {
		page_alloc_put(pa_init(blocks[i]));
	}
	for (unsigned i = 1; i < 300; i += 2) {
		page_alloc_put(pa_init(blocks[i]));
	}
	EXPECT_EQ(page_alloc_free_pages(), before);
	EXPECT_TRUE(page_alloc_check());
	/* Fully coalesced: a max-order block is available again everywhere. */
	for (uint64_t i = 0; i < ARENA_SIZE / (MM_PAGE_SIZE << PAGE_ALLOC_MAX_ORDER); i++) {
		EXPECT_NE(pa_addr(page_alloc_get(PAGE_ALLOC_MAX_ORDER, PAGE_OWNER_KERNEL)), 0);
	}
	EXPECT_EQ(page_alloc_free_pages(), 0);
}

TEST(page_alloc, holes_and_reserve)
{
	uint8_t *a = mm_fixture_setup();
	uint64_t base = (uint64_t)(uintptr_t)a;
	uint64_t pa;

	/* Two RAM ranges with an unaligned hole, then a reserved page inside a free block. */
	page_alloc_add_range(pa_init(base + 0x1800), pa_init(base + 0x200000 + 0x800));
	page_alloc_add_range(pa_init(base + 0x300000), pa_init(base + 0x400000));
	EXPECT_EQ(page_alloc_free_pages(), (0x200000 - 0x2000) / MM_PAGE_SIZE + 0x100);
	page_alloc_reserve_range(pa_init(base + 0x350000), pa_init(base + 0x351000));
	EXPECT_EQ(page_alloc_free_pages(), (0x200000 - 0x2000) / MM_PAGE_SIZE + 0xff);
	EXPECT_TRUE(page_alloc_check());
	while ((pa = pa_addr(page_alloc_get(0, PAGE_OWNER_KERNEL))) != 0) {
		EXPECT_FALSE(pa == base + 0x350000);
		EXPECT_FALSE(pa < base + 0x2000);
		EXPECT_FALSE(pa >= base + 0x200000 && pa < base + 0x300000);
	}
}

TEST(page_alloc, block_meta_finds_head)
{
	uint8_t *a = mm_fixture_setup();
	uint64_t base = (uint64_t)(uintptr_t)a;
	paddr_t head = pa_init(0);
	uint64_t pa;
	struct page_meta *m;

	page_alloc_add_range(pa_init(base), pa_init(base + ARENA_SIZE));
	pa = pa_addr(page_alloc_get(3, PAGE_OWNER_SLAB));
	ASSERT_NE(pa, 0);
	m = page_alloc_block_meta(pa_init(pa + 5 * MM_PAGE_SIZE + 17), &head);
	ASSERT_TRUE(m != NULL);
	EXPECT_EQ(pa_addr(head), pa);
	EXPECT_EQ(m->order, 3);
	EXPECT_EQ(m->owner, PAGE_OWNER_SLAB);
	page_alloc_put_zeroed(pa_init(pa));
	EXPECT_TRUE(page_alloc_block_meta(pa_init(pa), NULL) == NULL);
}
