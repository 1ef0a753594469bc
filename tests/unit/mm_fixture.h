/*
 * Test fixture for the portable mm code: a 64 MiB arena of host memory, aligned to
 * 4 MiB, handed to the page allocator as "physical" memory (identity direct map).
 */
#pragma once

#include <stdint.h>
#include <stdlib.h>

#include "kernel/mm/page_alloc.h"

#define ARENA_SIZE (64ull << 20)
#define ARENA_ALIGN (4ull << 20)

static inline uint8_t *mm_fixture_setup(void)
{
	static uint8_t *arena;
	static struct page_meta *meta;
	uint64_t pages = ARENA_SIZE / MM_PAGE_SIZE;

	if (arena == NULL) {
		arena = aligned_alloc(ARENA_ALIGN, ARENA_SIZE);
		meta = malloc(page_alloc_meta_size(pages));
	}
	page_alloc_init(pa_init((uint64_t)(uintptr_t)arena), pages, meta);
	return arena;
}
