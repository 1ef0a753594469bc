/* Tests of kernel/mm/heap.c: size classes, large blocks, realloc, accounting. */
#include "kernel/mm/heap.h"
#include "tests/unit/harness.h"
#include "tests/unit/mm_fixture.h"

#include <unistd.h>

static void setup(void)
{
	uint8_t *a = mm_fixture_setup();
	uint64_t base = (uint64_t)(uintptr_t)a;

	page_alloc_add_range(pa_init(base), pa_init(base + ARENA_SIZE));
	heap_init(0x5eed5eed5eed5eedull);
}

TEST(heap, classes_distinct_and_writable)
{
	void *p[64];

	setup();
	for (unsigned i = 0; i < 64; i++) {
		size_t sz = 1 + i * 37;

		p[i] = heap_alloc(sz);
		ASSERT_TRUE(p[i] != NULL);
		EXPECT_GE(heap_usable_size(p[i]), sz);
		memset(p[i], (int)i, sz);
	}
	for (unsigned i = 0; i < 64; i++) {
		EXPECT_EQ(((uint8_t *)p[i])[0], i);
		heap_free(p[i]);
	}
	EXPECT_EQ(heap_in_use(), 0);
}

TEST(heap, large_blocks_and_realloc)
{
	uint8_t *p, *q;

	setup();
	p = heap_alloc(10000);
	ASSERT_TRUE(p != NULL);
	EXPECT_EQ(heap_usable_size(p), 16384);
	for (unsigned i = 0; i < 10000; i++) {
		p[i] = (uint8_t)i;
	}
	q = heap_realloc(p, 100000);
	ASSERT_TRUE(q != NULL);
	for (unsigned i = 0; i < 10000; i++) {
		EXPECT_EQ(q[i], (uint8_t)i);
		if (q[i] != (uint8_t)i) {
			break;
		}
	}
	EXPECT_TRUE(heap_realloc(q, 8) == q); /* shrinking keeps the block */
	heap_free(q);
	EXPECT_TRUE(heap_alloc((size_t)1 << 40) == NULL);
	EXPECT_TRUE(heap_calloc(SIZE_MAX / 2, 4) == NULL);
	EXPECT_EQ(heap_in_use(), 0);
}

TEST(heap, calloc_zeroes_reused_memory)
{
	uint8_t *p;

	setup();
	p = heap_alloc(64);
	ASSERT_TRUE(p != NULL);
	memset(p, 0xff, 64);
	heap_free(p);
	p = heap_calloc(8, 8);
	ASSERT_TRUE(p != NULL);
	for (unsigned i = 0; i < 64; i++) {
		EXPECT_EQ(p[i], 0);
	}
	heap_free(p);
}

/* Sizes past the largest buddy block fail at once; they used to spin in order_of(). */
TEST(heap, absurd_sizes_fail_without_hanging)
{
	uint8_t *p;

	setup();
	EXPECT_TRUE(heap_alloc(SIZE_MAX) == NULL);
	EXPECT_TRUE(heap_alloc(SIZE_MAX / 2 + 1) == NULL);
	EXPECT_TRUE(heap_alloc((size_t)-4096) == NULL);
	p = heap_alloc(32);
	ASSERT_TRUE(p != NULL);
	memset(p, 0x42, 32);
	EXPECT_TRUE(heap_realloc(p, SIZE_MAX) == NULL);
	EXPECT_EQ(p[31], 0x42); /* a failed grow leaves the block alone */
	heap_free(p);
	EXPECT_EQ(heap_in_use(), 0);
}

/* Runs @fn in a child; true if the child died of SIGABRT (a CHECK on the host). */
static bool aborts(void (*fn)(void))
{
	return unit_dies(fn, NULL);
}

static void double_free(void)
{
	void *p;

	setup();
	p = heap_alloc(24);
	heap_free(p);
	heap_free(p);
}

static void write_after_free(void)
{
	uint64_t *p;

	setup();
	p = heap_alloc(16);
	heap_free(p);
	p[1] = 0; /* clobbers the free marker */
	if (heap_alloc(16) == NULL) {
		_exit(1);
	}
}

static void free_alloc_free(void)
{
	void *p;

	setup();
	p = heap_alloc(24);
	heap_free(p);
	p = heap_alloc(24); /* the same object again: its marker was cleared */
	heap_free(p);
}

TEST(heap, double_free_and_write_after_free_are_caught)
{
	EXPECT_TRUE(aborts(double_free));
	EXPECT_TRUE(aborts(write_after_free));
	EXPECT_FALSE(aborts(free_alloc_free));
}
