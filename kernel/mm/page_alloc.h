/*
 * Physical page allocator: a binary buddy allocator over one physical span, with one
 * metadata record per 4 KiB page. Pages start reserved; page_alloc_add_range() frees
 * usable RAM into it. Portable: the host unit tests run it over host memory.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kernel/mm/addr.h"
#include "svsm/err.h"

#define PAGE_ALLOC_MAX_ORDER 10 /* 4 MiB blocks */

/** Owner tags recorded per allocated block (for the heap and debugging). */
enum page_owner { PAGE_OWNER_NONE = 0, PAGE_OWNER_KERNEL, PAGE_OWNER_SLAB, PAGE_OWNER_HEAP_LARGE };

struct page_meta {
	uint32_t next;  /* free-list links (page index), PAGE_META_NONE when unused */
	uint32_t prev;
	uint8_t order;  /* order of the block this page heads */
	uint8_t state;  /* PAGE_STATE_* */
	uint8_t owner;  /* enum page_owner, for allocated block heads */
	uint8_t aux;    /* owner-defined (slab size class) */
};

/**
 * page_alloc_meta_size - bytes of metadata needed for @page_count pages.
 */
size_t page_alloc_meta_size(uint64_t page_count);

/**
 * page_alloc_init - set up the allocator for [@base, @base + @page_count pages) with
 * @meta (page_alloc_meta_size() bytes). @base must be aligned to the largest block
 * (4 MiB). Every page starts reserved.
 */
void page_alloc_init(paddr_t base, uint64_t page_count, struct page_meta *meta);

/** page_alloc_add_range - free the whole pages inside [@start, @end) into the allocator. */
void page_alloc_add_range(paddr_t start, paddr_t end);

/** page_alloc_reserve_range - take the pages in [@start, @end) out (before any alloc). */
void page_alloc_reserve_range(paddr_t start, paddr_t end);

/**
 * page_alloc_get - allocate 2^@order contiguous pages aligned to their size; physical
 * address 0 (pa_is_null()) on failure.
 */
paddr_t page_alloc_get(unsigned order, enum page_owner owner) SVSM_MUST_CHECK;

/** page_alloc_lock_free - the allocator's lock is not held (panic path). */
_Bool page_alloc_lock_free(void);

/** page_alloc_get_zeroed - like page_alloc_get, with the block zeroed. */
paddr_t page_alloc_get_zeroed(unsigned order, enum page_owner owner) SVSM_MUST_CHECK;

/** page_alloc_put - free a block returned by page_alloc_get(); panics on a bad free. */
void page_alloc_put(paddr_t pa);

/** page_alloc_put_zeroed - wipe then free (pages that held secrets). */
void page_alloc_put_zeroed(paddr_t pa);

/** page_alloc_block_meta - metadata of the allocated block that contains @pa, or NULL. */
struct page_meta *page_alloc_block_meta(paddr_t pa, paddr_t *head);

uint64_t page_alloc_free_pages(void);
uint64_t page_alloc_total_pages(void);

/** page_alloc_check - verify every internal invariant; returns false on corruption. */
bool page_alloc_check(void);
