/* Tests of kernel/libc/sort.c: heapsort qsort and bsearch. */
#include <stdint.h>

#include "kernel/libc/sort.h"
#include "tests/unit/harness.h"
#include <string.h>

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

struct rec {
	uint16_t key;
	char pad[13]; /* odd element size */
};

static int cmp_rec(const void *a, const void *b)
{
	return (int)((const struct rec *)a)->key - (int)((const struct rec *)b)->key;
}

TEST(libc_sort, qsort_sorts_every_length)
{
	uint32_t v[257];
	uint32_t seed = 12345;

	for (size_t n = 0; n <= 257; n++) {
		for (size_t i = 0; i < n; i++) {
			seed = seed * 1103515245u + 12345u;
			v[i] = (seed >> 8) % 50; /* many duplicates */
		}
		klibc_qsort(v, n, sizeof(v[0]), cmp_u32);
		for (size_t i = 1; i < n; i++) {
			ASSERT_TRUE(v[i - 1] <= v[i]);
		}
	}
}

TEST(libc_sort, qsort_odd_sizes_and_bsearch)
{
	struct rec r[100];
	struct rec key;

	memset(r, 0, sizeof(r));
	for (int i = 0; i < 100; i++) {
		r[i].key = (uint16_t)((i * 37) % 100);
		r[i].pad[12] = (char)r[i].key;
	}
	klibc_qsort(r, 100, sizeof(r[0]), cmp_rec);
	for (int i = 0; i < 100; i++) {
		EXPECT_EQ(r[i].key, i);
		EXPECT_EQ(r[i].pad[12], (char)i); /* moved whole */
	}
	for (int i = 0; i < 100; i++) {
		struct rec *hit;

		key.key = (uint16_t)i;
		hit = klibc_bsearch(&key, r, 100, sizeof(r[0]), cmp_rec);
		ASSERT_TRUE(hit != NULL);
		EXPECT_EQ(hit->key, i);
	}
	key.key = 100;
	EXPECT_TRUE(klibc_bsearch(&key, r, 100, sizeof(r[0]), cmp_rec) == NULL);
	EXPECT_TRUE(klibc_bsearch(&key, r, 0, sizeof(r[0]), cmp_rec) == NULL);
}
