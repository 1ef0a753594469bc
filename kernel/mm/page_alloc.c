/*
 * Binary buddy allocator over the physical span given to page_alloc_init(). Free blocks
 * of each order are kept on doubly linked lists threaded through the metadata array, so
 * free memory itself is never written (pages may be unmapped). Guarded by alloc_lock.
 */
#include "kernel/mm/page_alloc.h"

#include <string.h>

#include "kernel/lib/panic_portable.h"
#include "kernel/lib/spinlock.h"

#define PAGE_META_NONE 0xffffffffu

enum { PAGE_STATE_RESERVED = 0, PAGE_STATE_FREE = 1, PAGE_STATE_USED = 2, PAGE_STATE_TAIL = 3 };

/* Internals count in page indices from the raw base; paddr_t is unwrapped at each entry. */
static struct {
	uint64_t base;
	uint64_t count;
	struct page_meta *meta;
	uint32_t free_head[PAGE_ALLOC_MAX_ORDER + 1];
	uint64_t free_pages;
	uint64_t total_pages;
} pa_state;

static struct spinlock alloc_lock = SPINLOCK_INIT;

/* The base is aligned to the largest block, so index alignment is physical alignment. */
static bool idx_aligned(uint64_t idx, unsigned order)
{
	return (idx & ((1ull << order) - 1)) == 0;
}

size_t page_alloc_meta_size(uint64_t page_count)
{
	return (size_t)page_count * sizeof(struct page_meta);
}

static void list_push(unsigned order, uint32_t idx)
{
	struct page_meta *m = &pa_state.meta[idx];
	uint32_t head = pa_state.free_head[order];

	m->prev = PAGE_META_NONE;
	m->next = head;
	if (head != PAGE_META_NONE) {
		pa_state.meta[head].prev = idx;
	}
	pa_state.free_head[order] = idx;
	m->order = (uint8_t)order;
	m->state = PAGE_STATE_FREE;
}

static void list_remove(unsigned order, uint32_t idx)
{
	struct page_meta *m = &pa_state.meta[idx];

	if (m->prev != PAGE_META_NONE) {
		pa_state.meta[m->prev].next = m->next;
	} else {
		pa_state.free_head[order] = m->next;
	}
	if (m->next != PAGE_META_NONE) {
		pa_state.meta[m->next].prev = m->prev;
	}
	m->next = m->prev = PAGE_META_NONE;
}

void page_alloc_init(paddr_t base_pa, uint64_t page_count, struct page_meta *meta)
{
	uint64_t base = pa_addr(base_pa);

	CHECK((base & ((MM_PAGE_SIZE << PAGE_ALLOC_MAX_ORDER) - 1)) == 0);
	CHECK(page_count < PAGE_META_NONE);
	pa_state.base = base;
	pa_state.count = page_count;
	pa_state.meta = meta;
	pa_state.free_pages = 0;
	pa_state.total_pages = 0;
	for (unsigned o = 0; o <= PAGE_ALLOC_MAX_ORDER; o++) {
		pa_state.free_head[o] = PAGE_META_NONE;
	}
	for (uint64_t i = 0; i < page_count; i++) {
		meta[i] = (struct page_meta){PAGE_META_NONE, PAGE_META_NONE, 0, PAGE_STATE_RESERVED, 0, 0};
	}
}

/* Frees one block of 2^order pages at idx, merging with free buddies. Lock held. */
static void free_block(uint32_t idx, unsigned order)
{
	while (order < PAGE_ALLOC_MAX_ORDER) {
		uint64_t buddy = idx ^ (1u << order);
		struct page_meta *bm;

		if (buddy >= pa_state.count) {
			break;
		}
		bm = &pa_state.meta[buddy];
		if (bm->state != PAGE_STATE_FREE || bm->order != order) {
			break;
		}
		list_remove(order, (uint32_t)buddy);
		bm->state = PAGE_STATE_TAIL;
		if (buddy < idx) {
			pa_state.meta[idx].state = PAGE_STATE_TAIL;
			idx = (uint32_t)buddy;
		}
		order++;
	}
	list_push(order, idx);
}


void page_alloc_add_range(paddr_t start_pa, paddr_t end_pa)
{
	uint64_t start = pa_addr(start_pa), end = pa_addr(end_pa);
	uint64_t flags;
	uint64_t first, last;

	if (end <= pa_state.base) {
		return;
	}
	if (start < pa_state.base) {
		start = pa_state.base;
	}
	first = (align_up(start, MM_PAGE_SIZE) - pa_state.base) >> MM_PAGE_SHIFT;
	last = (align_down(end, MM_PAGE_SIZE) - pa_state.base) >> MM_PAGE_SHIFT;
	if (last > pa_state.count) {
		last = pa_state.count;
	}
	flags = spin_lock_irqsave(&alloc_lock);
	for (uint64_t i = first; i < last;) {
		unsigned order = PAGE_ALLOC_MAX_ORDER;
		bool all_reserved = true;

		while (order > 0 && (!idx_aligned(i, order) || i + (1ull << order) > last)) {
			order--;
		}
		for (uint64_t j = i; j < i + (1ull << order); j++) {
			if (pa_state.meta[j].state != PAGE_STATE_RESERVED) {
				all_reserved = false;
			}
		}
		if (!all_reserved) {
			/* Already free (overlapping ranges): fall back to single pages. */
			order = 0;
			if (pa_state.meta[i].state != PAGE_STATE_RESERVED) {
				i++;
				continue;
			}
		}
		for (uint64_t j = i + 1; j < i + (1ull << order); j++) {
			pa_state.meta[j].state = PAGE_STATE_TAIL;
		}
		pa_state.free_pages += 1ull << order;
		pa_state.total_pages += 1ull << order;
		free_block((uint32_t)i, order);
		i += 1ull << order;
	}
	spin_unlock_irqrestore(&alloc_lock, flags);
}

/* Splits free blocks so that page idx becomes the head of a free order-0 block. */
static bool isolate_page(uint64_t idx)
{
	for (unsigned order = 0; order <= PAGE_ALLOC_MAX_ORDER; order++) {
		uint64_t head = idx & ~((1ull << order) - 1);
		struct page_meta *m;

		if (head >= pa_state.count) {
			return false;
		}
		m = &pa_state.meta[head];
		if (m->state == PAGE_STATE_FREE && m->order == order) {
			list_remove(order, (uint32_t)head);
			while (order > 0) {
				uint64_t half;

				order--;
				half = head + (1ull << order);
				if (idx >= half) {
					list_push(order, (uint32_t)head);
					head = half;
				} else {
					list_push(order, (uint32_t)half);
				}
			}
			list_push(0, (uint32_t)head);
			return true;
		}
	}
	return false;
}

void page_alloc_reserve_range(paddr_t start, paddr_t end)
{
	uint64_t flags = spin_lock_irqsave(&alloc_lock);

	for (uint64_t pa = align_down(pa_addr(start), MM_PAGE_SIZE); pa < pa_addr(end);
	     pa += MM_PAGE_SIZE) {
		uint64_t idx;

		if (pa < pa_state.base) {
			continue;
		}
		idx = (pa - pa_state.base) >> MM_PAGE_SHIFT;
		if (idx >= pa_state.count) {
			break;
		}
		if (pa_state.meta[idx].state == PAGE_STATE_RESERVED) {
			continue;
		}
		if (isolate_page(idx)) {
			list_remove(0, (uint32_t)idx);
			pa_state.meta[idx].state = PAGE_STATE_RESERVED;
			pa_state.free_pages--;
			pa_state.total_pages--;
		}
	}
	spin_unlock_irqrestore(&alloc_lock, flags);
}

paddr_t page_alloc_get(unsigned order, enum page_owner owner)
{
	uint64_t flags;
	unsigned o;
	uint32_t idx;

	if (order > PAGE_ALLOC_MAX_ORDER) {
		return pa_init(0);
	}
	flags = spin_lock_irqsave(&alloc_lock);
	for (o = order; o <= PAGE_ALLOC_MAX_ORDER; o++) {
		if (pa_state.free_head[o] != PAGE_META_NONE) {
			break;
		}
	}
	if (o > PAGE_ALLOC_MAX_ORDER) {
		spin_unlock_irqrestore(&alloc_lock, flags);
		return pa_init(0);
	}
	idx = pa_state.free_head[o];
	list_remove(o, idx);
	while (o > order) {
		o--;
		list_push(o, idx + (1u << o));
	}
	pa_state.meta[idx].state = PAGE_STATE_USED;
	pa_state.meta[idx].order = (uint8_t)order;
	pa_state.meta[idx].owner = (uint8_t)owner;
	pa_state.meta[idx].aux = 0;
	pa_state.free_pages -= 1ull << order;
	spin_unlock_irqrestore(&alloc_lock, flags);
	return pa_init(pa_state.base + ((uint64_t)idx << MM_PAGE_SHIFT));
}

paddr_t page_alloc_get_zeroed(unsigned order, enum page_owner owner)
{
	paddr_t pa = page_alloc_get(order, owner);

	if (!pa_is_null(pa)) {
		memset(phys_to_virt(pa), 0, MM_PAGE_SIZE << order);
	}
	return pa;
}

void page_alloc_put(paddr_t block)
{
	uint64_t pa = pa_addr(block);
	uint64_t flags;
	uint64_t idx;
	struct page_meta *m;
	unsigned order;

	CHECK(pa >= pa_state.base && (pa & (MM_PAGE_SIZE - 1)) == 0);
	idx = (pa - pa_state.base) >> MM_PAGE_SHIFT;
	CHECK(idx < pa_state.count);
	flags = spin_lock_irqsave(&alloc_lock);
	m = &pa_state.meta[idx];
	CHECK(m->state == PAGE_STATE_USED); /* double free or foreign pointer */
	order = m->order;
	m->owner = PAGE_OWNER_NONE;
	pa_state.free_pages += 1ull << order;
	free_block((uint32_t)idx, order);
	spin_unlock_irqrestore(&alloc_lock, flags);
}

void page_alloc_put_zeroed(paddr_t pa)
{
	paddr_t head;
	struct page_meta *m = page_alloc_block_meta(pa, &head);

	CHECK(m != NULL && pa_eq(head, pa));
	memset(phys_to_virt(pa), 0, MM_PAGE_SIZE << m->order);
	__asm__ volatile("" ::: "memory"); /* keep the wipe */
	page_alloc_put(pa);
}

struct page_meta *page_alloc_block_meta(paddr_t block, paddr_t *head)
{
	uint64_t pa = pa_addr(block);
	uint64_t idx;

	if (pa < pa_state.base) {
		return NULL;
	}
	idx = (pa - pa_state.base) >> MM_PAGE_SHIFT;
	if (idx >= pa_state.count) {
		return NULL;
	}
	for (unsigned order = 0; order <= PAGE_ALLOC_MAX_ORDER; order++) {
		uint64_t h = idx & ~((1ull << order) - 1);
		struct page_meta *m;

		m = &pa_state.meta[h];
		if (m->state == PAGE_STATE_USED && m->order >= order && idx < h + (1ull << m->order)) {
			if (head != NULL) {
				*head = pa_init(pa_state.base + (h << MM_PAGE_SHIFT));
			}
			return m;
		}
	}
	return NULL;
}

uint64_t page_alloc_free_pages(void)
{
	return pa_state.free_pages;
}

uint64_t page_alloc_total_pages(void)
{
	return pa_state.total_pages;
}

bool page_alloc_check(void)
{
	uint64_t counted = 0;

	for (unsigned o = 0; o <= PAGE_ALLOC_MAX_ORDER; o++) {
		uint32_t prev = PAGE_META_NONE;

		for (uint32_t i = pa_state.free_head[o]; i != PAGE_META_NONE; i = pa_state.meta[i].next) {
			const struct page_meta *m = &pa_state.meta[i];

			if (i >= pa_state.count || m->state != PAGE_STATE_FREE || m->order != o ||
			    m->prev != prev || !idx_aligned(i, o) || i + (1ull << o) > pa_state.count) {
				return false;
			}
			for (uint64_t j = i + 1; j < i + (1ull << o); j++) {
				if (pa_state.meta[j].state != PAGE_STATE_TAIL) {
					return false;
				}
			}
			counted += 1ull << o;
			prev = i;
		}
	}
	return counted == pa_state.free_pages;
}

_Bool page_alloc_lock_free(void)
{
	return __atomic_load_n(&alloc_lock.locked, __ATOMIC_ACQUIRE) == 0;
}
