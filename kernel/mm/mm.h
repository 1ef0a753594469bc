/*
 * The SVSM's own address space: builds the final kernel page tables from the memory map
 * (direct map of RAM, W^X kernel image, guard pages), and sets up the page allocator
 * and heap. Also maps MMIO for drivers.
 */
#pragma once

#include <stdint.h>

#include "kernel/mm/pgtable.h"
#include "svsm/err.h"

extern struct pgtable kernel_pt;

/** mm_init - page allocator, final page tables, heap. Runs once on the BSP. */
void mm_init(void);

/** mm_map_mmio - map a physical MMIO range uncached into the direct-map area; returns VA. */
void *mm_map_mmio(paddr_t pa, uint64_t size);

/**
 * mm_map_shared - map the 4 KiB page @pa, which the caller has made shared with the host,
 * without the encryption mask at SHARED_AREA_BASE + @pa; returns that VA or NULL. Works
 * before mm_init() for a few pages (the SNP boot GHCB), which then stay mapped.
 */
void *mm_map_shared(paddr_t pa);

/** mm_kernel_phys_range - physical range of the kernel image (reserved). */
void mm_kernel_phys_range(uint64_t *start, uint64_t *end);

/** mm_map_kernel - map 4 KiB pages into kernel_pt under the mm lock. */
enum svsm_err mm_map_kernel(vaddr_t va, paddr_t pa, uint64_t size, uint64_t flags) SVSM_MUST_CHECK;

/** mm_protect_kernel - change rights of kernel_pt pages under the mm lock. */
enum svsm_err mm_protect_kernel(vaddr_t va, uint64_t size, uint64_t flags) SVSM_MUST_CHECK;
