/* Kernel tests of the page allocator, heap and page tables in the running SVSM. */
#include <string.h>

#include "kernel/arch/x86_64/layout.h"
#include "kernel/lib/ktest.h"
#include "kernel/mm/heap.h"
#include "kernel/mm/mm.h"
#include "kernel/mm/page_alloc.h"

KTEST(page_alloc, get_put_roundtrip)
{
	uint64_t before = page_alloc_free_pages();
	uint64_t pa = pa_addr(page_alloc_get(0, PAGE_OWNER_KERNEL));

	KASSERT(pa != 0);
	KEXPECT_EQ(page_alloc_free_pages(), before - 1);
	page_alloc_put(pa_init(pa));
	KEXPECT_EQ(page_alloc_free_pages(), before);
}

KTEST(page_alloc, orders_aligned_and_writable)
{
	uint64_t blocks[PAGE_ALLOC_MAX_ORDER + 1];

	for (unsigned o = 0; o <= PAGE_ALLOC_MAX_ORDER; o++) {
		uint8_t *p;

		blocks[o] = pa_addr(page_alloc_get(o, PAGE_OWNER_KERNEL));
		KASSERT(blocks[o] != 0);
		KEXPECT_EQ(blocks[o] & ((MM_PAGE_SIZE << o) - 1), 0);
		p = phys_to_virt(pa_init(blocks[o]));
		p[0] = 0x5a;
		p[(MM_PAGE_SIZE << o) - 1] = 0xa5;
		KEXPECT_EQ(p[0] + p[(MM_PAGE_SIZE << o) - 1], 0xff);
	}
	for (unsigned o = 0; o <= PAGE_ALLOC_MAX_ORDER; o++) {
		page_alloc_put(pa_init(blocks[o]));
	}
	KEXPECT(page_alloc_check());
}

KTEST(page_alloc, never_hands_out_kernel_or_low_memory)
{
	uint64_t kstart, kend;
	uint64_t got[512];
	unsigned n = 0;

	mm_kernel_phys_range(&kstart, &kend);
	for (; n < 512; n++) {
		got[n] = pa_addr(page_alloc_get(0, PAGE_OWNER_KERNEL));
		KASSERT(got[n] != 0);
		KEXPECT(got[n] >= 0x100000);
		KEXPECT(got[n] + MM_PAGE_SIZE <= kstart || got[n] >= kend);
	}
	while (n-- > 0) {
		page_alloc_put(pa_init(got[n]));
	}
}

KTEST(page_alloc, zeroed_and_invariants)
{
	uint64_t pa = pa_addr(page_alloc_get(2, PAGE_OWNER_KERNEL));
	uint8_t *p;

	KASSERT(pa != 0);
	memset(phys_to_virt(pa_init(pa)), 0xcc, 4 * MM_PAGE_SIZE);
	page_alloc_put(pa_init(pa));
	pa = pa_addr(page_alloc_get_zeroed(2, PAGE_OWNER_KERNEL));
	KASSERT(pa != 0);
	p = phys_to_virt(pa_init(pa));
	for (unsigned i = 0; i < 4 * MM_PAGE_SIZE; i++) {
		if (p[i] != 0) {
			KEXPECT_EQ(p[i], 0);
			break;
		}
	}
	page_alloc_put_zeroed(pa_init(pa));
	KEXPECT(page_alloc_check());
}

KTEST(heap, small_classes)
{
	void *p[100];
	size_t before = heap_in_use();

	for (unsigned i = 0; i < 100; i++) {
		p[i] = heap_alloc(i * 20 + 1);
		KASSERT(p[i] != NULL);
		memset(p[i], (int)i, i * 20 + 1);
	}
	for (unsigned i = 0; i < 100; i++) {
		KEXPECT_EQ(((uint8_t *)p[i])[i * 20], (uint8_t)i);
		heap_free(p[i]);
	}
	KEXPECT_EQ(heap_in_use(), before);
}

KTEST(heap, large_and_realloc)
{
	uint8_t *p = heap_alloc(300000);
	uint8_t *q;

	KASSERT(p != NULL);
	p[299999] = 7;
	q = heap_realloc(p, 600000);
	KASSERT(q != NULL);
	KEXPECT_EQ(q[299999], 7);
	heap_free(q);
	KEXPECT(heap_alloc((size_t)1 << 36) == NULL);
}

KTEST(pgtable, map_alias_sees_same_memory)
{
	uint64_t pa = pa_addr(page_alloc_get_zeroed(0, PAGE_OWNER_KERNEL));
	uint64_t va = 0xffffd00000000000;
	volatile uint32_t *alias = (volatile uint32_t *)(uintptr_t)va;

	KASSERT(pa != 0);
	KASSERT(mm_map_kernel(va_init(va), pa_init(pa), MM_PAGE_SIZE, PTE_W | PTE_NX) == SVSM_OK);
	alias[3] = 0xfeedf00d;
	KEXPECT_EQ(((uint32_t *)phys_to_virt(pa_init(pa)))[3], 0xfeedf00d);
	KEXPECT(mm_map_kernel(va_init(va), pa_init(pa), MM_PAGE_SIZE, PTE_W) == SVSM_E_EXISTS);
	KEXPECT(pgtable_unmap(&kernel_pt, va_init(va), MM_PAGE_SIZE) == SVSM_OK);
	KEXPECT(!pgtable_lookup(&kernel_pt, va_init(va), NULL, NULL, NULL));
	page_alloc_put(pa_init(pa));
}

KTEST(pgtable, direct_map_uses_large_pages)
{
	uint64_t size = 0;
	paddr_t pa = pa_init(0);

	KASSERT(pgtable_lookup(&kernel_pt, va_init(DIRECT_MAP_BASE + 0x4000000), &pa, NULL, &size));
	KEXPECT_EQ(pa_addr(pa), 0x4000000);
	KEXPECT_EQ(size, MM_LARGE_PAGE_SIZE);
}

KTEST(pgtable, kernel_sections_have_wx_rights)
{
	extern char _text_start[], _rodata_start[], _data_start[];
	uint64_t f = 0;

	KASSERT(
	    pgtable_lookup(&kernel_pt, va_init((uint64_t)(uintptr_t)_text_start), NULL, &f, NULL));
	KEXPECT_EQ(f & (PTE_W | PTE_NX), 0);
	KASSERT(pgtable_lookup(&kernel_pt, va_init((uint64_t)(uintptr_t)_rodata_start), NULL, &f,
			       NULL));
	KEXPECT_EQ(f & (PTE_W | PTE_NX), PTE_NX);
	KASSERT(
	    pgtable_lookup(&kernel_pt, va_init((uint64_t)(uintptr_t)_data_start), NULL, &f, NULL));
	KEXPECT_EQ(f & (PTE_W | PTE_NX), PTE_W | PTE_NX);
}
