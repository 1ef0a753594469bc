/* The malloc family of the kernel C library, on kernel/mm/heap.c (kernel/libc/malloc.c). */
#pragma once

#include <stddef.h>
#include <stdint.h>

/** struct malloc_stats - calls seen since boot, and heap bytes in use now. */
struct malloc_stats {
	uint64_t allocs;
	uint64_t frees;
	uint64_t failures;
	size_t in_use;
};

void malloc_get_stats(struct malloc_stats *out);
