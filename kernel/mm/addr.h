/*
 * Physical/virtual address helpers shared by the portable mm code. In the kernel every
 * physical page is reachable through the direct map; host unit tests hand the allocator
 * real host memory and use an identity "direct map" (mm_direct_map_offset = 0).
 */
#pragma once

#include <stdint.h>

typedef uint64_t paddr_t; /* physical address */
typedef uint64_t vaddr_t; /* SVSM virtual address */

#define MM_PAGE_SIZE 4096ull
#define MM_PAGE_SHIFT 12
#define MM_LARGE_PAGE_SIZE 0x200000ull

extern uint64_t mm_direct_map_offset;

static inline void *phys_to_virt(paddr_t pa)
{
	return (void *)(uintptr_t)(pa + mm_direct_map_offset);
}

static inline paddr_t virt_to_phys_direct(const void *va)
{
	return (paddr_t)(uintptr_t)va - mm_direct_map_offset;
}

static inline uint64_t align_down(uint64_t v, uint64_t a)
{
	return v & ~(a - 1);
}

static inline uint64_t align_up(uint64_t v, uint64_t a)
{
	return (v + a - 1) & ~(a - 1);
}
