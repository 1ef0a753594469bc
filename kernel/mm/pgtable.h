/*
 * x86-64 4-level page tables: map, unmap, protect and look up, with 4 KiB and 2 MiB
 * leaves. Used for the SVSM's own address space and for guest nested page tables.
 * Portable: table pages come from page_alloc and are reached through phys_to_virt().
 * The caller serialises changes to one table.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "kernel/mm/addr.h"
#include "svsm/err.h"

#define PTE_P   (1ull << 0)
#define PTE_W   (1ull << 1)
#define PTE_U   (1ull << 2)
#define PTE_PWT (1ull << 3)
#define PTE_PCD (1ull << 4)
#define PTE_A   (1ull << 5)
#define PTE_D   (1ull << 6)
#define PTE_PS  (1ull << 7)
#define PTE_G   (1ull << 8)
#define PTE_NX  (1ull << 63)
/*
 * Software bit (ignored by the MMU): the page is shared with the host, so the entry does
 * not carry pgtable_enc_mask. Kept in the entry so that splits and lookups see it.
 */
#define PTE_SHARED (1ull << 9)
#define PTE_ADDR_MASK 0x000ffffffffff000ull
#define PTE_PERM_MASK (PTE_W | PTE_U | PTE_PWT | PTE_PCD | PTE_G | PTE_NX)

/*
 * The memory-encryption mask (SEV-SNP: 1 << C-bit position) ORed into every table entry
 * and every leaf without PTE_SHARED; 0 on native. Set once, before the first table is
 * built (pgtable_set_enc_mask()); addresses read back from entries have it removed.
 */
extern uint64_t pgtable_enc_mask;

/** pgtable_set_enc_mask - set pgtable_enc_mask; only before any table exists. */
void pgtable_set_enc_mask(uint64_t mask);

/* Options of pgtable_map(). */
#define PGTABLE_ALLOW_LARGE (1u << 0) /* use 2 MiB leaves where aligned */

struct pgtable {
	paddr_t root;
};

enum svsm_err pgtable_init(struct pgtable *pt) SVSM_MUST_CHECK;

/**
 * pgtable_map - map [@va, @va + @size) to @pa with @flags (PTE_* bits; P implied). With
 * PTE_SHARED the leaves omit pgtable_enc_mask (memory shared with the host).
 */
enum svsm_err pgtable_map(struct pgtable *pt, vaddr_t va, paddr_t pa, uint64_t size,
			  uint64_t flags, unsigned opts) SVSM_MUST_CHECK;

/** pgtable_unmap - remove mappings in the range (absent pages are fine). */
enum svsm_err pgtable_unmap(struct pgtable *pt, vaddr_t va, uint64_t size) SVSM_MUST_CHECK;

/** pgtable_protect - replace the permission bits of every mapped page in the range. */
enum svsm_err pgtable_protect(struct pgtable *pt, vaddr_t va, uint64_t size,
			      uint64_t flags) SVSM_MUST_CHECK;

/**
 * pgtable_lookup - translate @va; returns false when unmapped. Out params may be NULL.
 * *@flags holds P, the PTE_PERM_MASK bits and PTE_SHARED; *@pa never holds the mask.
 */
bool pgtable_lookup(const struct pgtable *pt, vaddr_t va, paddr_t *pa, uint64_t *flags,
		    uint64_t *page_size);

/** pgtable_free - free every table page (not the mapped memory). */
void pgtable_free(struct pgtable *pt);
