/*
 * Owns qsort and bsearch of the shim (sort.h). qsort is an in-place heapsort: O(n log n)
 * worst case, no recursion and no allocation (kernel stacks are small); like glibc's
 * qsort it is not stable. No state.
 */
#include "kernel/libc/sort.h"

#include <stdint.h>

static void swap_bytes(uint8_t *a, uint8_t *b, size_t size)
{
	while (size-- > 0) {
		uint8_t t = *a;

		*a++ = *b;
		*b++ = t;
	}
}

/* Restore the max-heap property below @root in the first @count elements. */
static void sift_down(uint8_t *base, size_t root, size_t count, size_t size, klibc_cmp_fn cmp)
{
	for (;;) {
		size_t child = 2 * root + 1;

		if (child >= count) {
			return;
		}
		if (child + 1 < count && cmp(base + child * size, base + (child + 1) * size) < 0) {
			child++;
		}
		if (cmp(base + root * size, base + child * size) >= 0) {
			return;
		}
		swap_bytes(base + root * size, base + child * size, size);
		root = child;
	}
}

void KLIBC(qsort)(void *base, size_t count, size_t size, klibc_cmp_fn cmp)
{
	uint8_t *b = base;

	if (count < 2 || size == 0) {
		return;
	}
	for (size_t i = count / 2; i-- > 0;) {
		sift_down(b, i, count, size, cmp);
	}
	for (size_t end = count - 1; end > 0; end--) {
		swap_bytes(b, b + end * size, size);
		sift_down(b, 0, end, size, cmp);
	}
}

void *KLIBC(bsearch)(const void *key, const void *base, size_t count, size_t size, klibc_cmp_fn cmp)
{
	const uint8_t *b = base;
	size_t lo = 0, hi = count;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = cmp(key, b + mid * size);

		if (c == 0) {
			return (void *)(b + mid * size);
		}
		if (c < 0) {
			hi = mid;
		} else {
			lo = mid + 1;
		}
	}
	return NULL;
}
