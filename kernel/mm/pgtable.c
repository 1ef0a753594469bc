/*
 * Page-table editing (see pgtable.h). Intermediate entries are always present, writable
 * and user (for nested tables) with permissions enforced at the leaf; a 2 MiB leaf is
 * split into 512 4 KiB leaves when an operation covers only part of it. Entries are the
 * hardware's raw format, so the walk works on raw addresses: the public functions unwrap
 * their vaddr_t/paddr_t arguments once and wrap what they return.
 */
#include "kernel/mm/pgtable.h"

#include "kernel/mm/page_alloc.h"

#if defined(SVSM_HOST)
static void tlb_flush_page(uint64_t va)
{
	(void)va;
}
#else
#include "kernel/arch/x86_64/x86.h"

static void tlb_flush_page(uint64_t va)
{
	invlpg(va);
}
#endif

#define PT_ENTRIES 512
#define TABLE_FLAGS (PTE_P | PTE_W | PTE_U)

uint64_t pgtable_enc_mask;

void pgtable_set_enc_mask(uint64_t mask)
{
	pgtable_enc_mask = mask;
}

/* The physical address in entry @e, without flags and without the encryption mask. */
static uint64_t entry_addr(uint64_t e)
{
	return e & PTE_ADDR_MASK & ~pgtable_enc_mask;
}

/* A table entry pointing at @table: table pages are always private. */
static uint64_t table_entry(uint64_t table)
{
	return table | TABLE_FLAGS | pgtable_enc_mask;
}

/* The encryption bits of a leaf with @flags: none for shared pages. */
static uint64_t leaf_enc(uint64_t flags)
{
	return (flags & PTE_SHARED) != 0 ? PTE_SHARED : pgtable_enc_mask;
}

static uint64_t *table_of(uint64_t pa)
{
	return phys_to_virt(pa_init(entry_addr(pa)));
}

static unsigned index_at(uint64_t va, unsigned level)
{
	return (unsigned)(va >> (12 + 9 * (level - 1))) & (PT_ENTRIES - 1);
}

enum svsm_err pgtable_init(struct pgtable *pt)
{
	pt->root = page_alloc_get_zeroed(0, PAGE_OWNER_KERNEL);
	return pa_is_null(pt->root) ? SVSM_E_NOMEM : SVSM_OK;
}

/* Splits the 2 MiB leaf at *pde into a table of 4 KiB leaves with the same rights. */
static enum svsm_err split_large(uint64_t *pde)
{
	uint64_t old = *pde;
	uint64_t base = entry_addr(old) & ~(MM_LARGE_PAGE_SIZE - 1);
	uint64_t perms = old & (PTE_PERM_MASK | PTE_A | PTE_D | PTE_SHARED | pgtable_enc_mask);
	uint64_t table = pa_addr(page_alloc_get(0, PAGE_OWNER_KERNEL));
	uint64_t *t;

	if (table == 0) {
		return SVSM_E_NOMEM;
	}
	t = table_of(table);
	for (unsigned i = 0; i < PT_ENTRIES; i++) {
		t[i] = (base + ((uint64_t)i << MM_PAGE_SHIFT)) | perms | PTE_P;
	}
	*pde = table_entry(table);
	return SVSM_OK;
}

/*
 * Returns the entry for @va at @level (1 = PTE, 2 = PDE), creating tables on the way
 * when @create. Splits a 2 MiB leaf when @level is 1 and @split. NULL when absent.
 */
static uint64_t *walk(const struct pgtable *pt, uint64_t va, unsigned level, bool create,
		      bool split, enum svsm_err *err)
{
	uint64_t *t = table_of(pa_addr(pt->root));

	*err = SVSM_OK;
	for (unsigned l = 4; l > level; l--) {
		uint64_t *e = &t[index_at(va, l)];

		if ((*e & PTE_P) == 0) {
			uint64_t n;

			if (!create) {
				return NULL;
			}
			n = pa_addr(page_alloc_get_zeroed(0, PAGE_OWNER_KERNEL));
			if (n == 0) {
				*err = SVSM_E_NOMEM;
				return NULL;
			}
			*e = table_entry(n);
		} else if ((*e & PTE_PS) != 0) {
			if (l != 2 || !split) {
				return e; /* a larger leaf covers va */
			}
			*err = split_large(e);
			if (*err != SVSM_OK) {
				return NULL;
			}
		}
		t = table_of(*e);
	}
	return &t[index_at(va, level)];
}

enum svsm_err pgtable_map(struct pgtable *pt, vaddr_t va_start, paddr_t pa_start, uint64_t size,
			  uint64_t flags, unsigned opts)
{
	uint64_t va = va_addr(va_start), pa = pa_addr(pa_start);
	enum svsm_err err = SVSM_OK;
	uint64_t end = va + size;

	if (((va | pa | size) & (MM_PAGE_SIZE - 1)) != 0 || end < va) {
		return SVSM_E_INVALID_PARAM;
	}
	flags = (flags & PTE_PERM_MASK) | PTE_P | leaf_enc(flags);
	while (va < end) {
		bool large = (opts & PGTABLE_ALLOW_LARGE) != 0 &&
			     ((va | pa) & (MM_LARGE_PAGE_SIZE - 1)) == 0 &&
			     end - va >= MM_LARGE_PAGE_SIZE;
		uint64_t *e = walk(pt, va, large ? 2 : 1, true, false, &err);

		if (e == NULL) {
			return err;
		}
		if ((*e & PTE_P) != 0) {
			return SVSM_E_EXISTS;
		}
		if (large) {
			*e = pa | flags | PTE_PS;
			va += MM_LARGE_PAGE_SIZE;
			pa += MM_LARGE_PAGE_SIZE;
		} else {
			*e = pa | flags;
			va += MM_PAGE_SIZE;
			pa += MM_PAGE_SIZE;
		}
	}
	return SVSM_OK;
}

/* Applies @op to every mapped leaf in the range; splits 2 MiB leaves partly covered. */
static enum svsm_err for_each_leaf(struct pgtable *pt, uint64_t va, uint64_t size,
				   void (*op)(uint64_t *e, uint64_t flags), uint64_t flags)
{
	enum svsm_err err = SVSM_OK;
	uint64_t end = va + size;

	if (((va | size) & (MM_PAGE_SIZE - 1)) != 0 || end < va) {
		return SVSM_E_INVALID_PARAM;
	}
	while (va < end) {
		uint64_t *pde = walk(pt, va, 2, false, false, &err);
		uint64_t *e;

		if (pde == NULL && err != SVSM_OK) {
			return err;
		}
		if (pde == NULL || (*pde & PTE_P) == 0) {
			va = align_down(va, MM_LARGE_PAGE_SIZE) + MM_LARGE_PAGE_SIZE;
			continue;
		}
		if ((*pde & PTE_PS) != 0 && (va & (MM_LARGE_PAGE_SIZE - 1)) == 0 &&
		    end - va >= MM_LARGE_PAGE_SIZE) {
			op(pde, flags);
			tlb_flush_page(va);
			va += MM_LARGE_PAGE_SIZE;
			continue;
		}
		e = walk(pt, va, 1, false, true, &err);
		if (e == NULL && err != SVSM_OK) {
			return err;
		}
		if (e != NULL && (*e & PTE_P) != 0) {
			op(e, flags);
			tlb_flush_page(va);
		}
		va += MM_PAGE_SIZE;
	}
	return SVSM_OK;
}

static void op_unmap(uint64_t *e, uint64_t flags)
{
	(void)flags;
	*e = 0;
}

static void op_protect(uint64_t *e, uint64_t flags)
{
	*e = (*e & ~PTE_PERM_MASK) | (flags & PTE_PERM_MASK);
}

enum svsm_err pgtable_unmap(struct pgtable *pt, vaddr_t va, uint64_t size)
{
	return for_each_leaf(pt, va_addr(va), size, op_unmap, 0);
}

enum svsm_err pgtable_protect(struct pgtable *pt, vaddr_t va, uint64_t size, uint64_t flags)
{
	return for_each_leaf(pt, va_addr(va), size, op_protect, flags);
}

bool pgtable_lookup(const struct pgtable *pt, vaddr_t va_in, paddr_t *pa, uint64_t *flags,
		    uint64_t *page_size)
{
	uint64_t va = va_addr(va_in);
	const uint64_t *t = table_of(pa_addr(pt->root));

	for (unsigned l = 4; l >= 1; l--) {
		uint64_t e = t[index_at(va, l)];
		uint64_t span = 1ull << (12 + 9 * (l - 1));

		if ((e & PTE_P) == 0) {
			return false;
		}
		if (l == 1 || (e & PTE_PS) != 0) {
			if (pa != NULL) {
				*pa = pa_init((entry_addr(e) & ~(span - 1)) + (va & (span - 1)));
			}
			if (flags != NULL) {
				*flags = e & (PTE_PERM_MASK | PTE_P | PTE_SHARED);
			}
			if (page_size != NULL) {
				*page_size = span;
			}
			return true;
		}
		t = table_of(e);
	}
	return false;
}

static void free_level(uint64_t table, unsigned level)
{
	const uint64_t *t = table_of(table);

	if (level > 1) {
		for (unsigned i = 0; i < PT_ENTRIES; i++) {
			if ((t[i] & PTE_P) != 0 && (t[i] & PTE_PS) == 0) {
				free_level(entry_addr(t[i]), level - 1);
			}
		}
	}
	page_alloc_put(pa_init(table));
}

void pgtable_free(struct pgtable *pt)
{
	if (!pa_is_null(pt->root)) {
		free_level(pa_addr(pt->root), 4);
		pt->root = pa_init(0);
	}
}
