/*
 * Kernel heap over the page allocator (see heap.h). Each slab page holds objects of one
 * size class, its free objects linked through their first word; the class is recorded
 * in the page's allocator metadata, so heap_free() needs no header. Freed objects are
 * filled with a junk pattern to expose use-after-free, and carry a free marker (their
 * address XOR a boot-time random key) in their second word: heap_free() of an object that
 * already has it is a double free and panics; heap_alloc() checks the marker is intact
 * and clears it. Guarded by heap_lock.
 */
#include "kernel/mm/heap.h"

#include <stdint.h>
#include <string.h>

#include "kernel/lib/panic_portable.h"
#include "kernel/lib/spinlock.h"
#include "kernel/mm/page_alloc.h"

#define HEAP_MIN_SHIFT 4
#define HEAP_MAX_SHIFT 11
#define HEAP_CLASSES (HEAP_MAX_SHIFT - HEAP_MIN_SHIFT + 1)
#define HEAP_JUNK 0x6b

struct free_obj {
	struct free_obj *next;
	uint64_t marker; /* free_marker(this) while on a free list */
};

_Static_assert(sizeof(struct free_obj) <= ((size_t)1 << HEAP_MIN_SHIFT), "free_obj fits the smallest class");

static struct free_obj *free_lists[HEAP_CLASSES];
static size_t bytes_in_use;
static uint64_t free_key;
static struct spinlock heap_lock = SPINLOCK_INIT;

void heap_init(uint64_t key)
{
	for (unsigned c = 0; c < HEAP_CLASSES; c++) {
		free_lists[c] = NULL;
	}
	bytes_in_use = 0;
	free_key = key;
}

static uint64_t free_marker(const struct free_obj *o)
{
	return (uint64_t)(uintptr_t)o ^ free_key;
}

static unsigned class_of(size_t size)
{
	unsigned c = 0;

	while (((size_t)1 << (c + HEAP_MIN_SHIFT)) < size) {
		c++;
	}
	return c;
}

static unsigned order_of(size_t size)
{
	unsigned o = 0;

	while ((MM_PAGE_SIZE << o) < size) {
		o++;
	}
	return o;
}

/* Carves a fresh page into objects of class c. Lock held. */
static bool slab_refill(unsigned c)
{
	size_t obj = (size_t)1 << (c + HEAP_MIN_SHIFT);
	paddr_t pa = page_alloc_get(0, PAGE_OWNER_SLAB);
	struct page_meta *m;
	uint8_t *base;

	if (pa_is_null(pa)) {
		return false;
	}
	m = page_alloc_block_meta(pa, NULL);
	m->aux = (uint8_t)c;
	base = phys_to_virt(pa);
	for (size_t off = 0; off + obj <= MM_PAGE_SIZE; off += obj) {
		struct free_obj *o = (struct free_obj *)(base + off);

		o->next = free_lists[c];
		o->marker = free_marker(o);
		free_lists[c] = o;
	}
	return true;
}

void *heap_alloc(size_t size)
{
	uint64_t flags;
	void *p = NULL;

	if (size == 0) {
		size = 1;
	}
	if (size > (MM_PAGE_SIZE << PAGE_ALLOC_MAX_ORDER)) {
		return NULL; /* also keeps order_of() from shifting past 63 bits */
	}
	if (size > ((size_t)1 << HEAP_MAX_SHIFT)) {
		unsigned order = order_of(size);
		paddr_t pa;

		if (order > PAGE_ALLOC_MAX_ORDER) {
			return NULL;
		}
		pa = page_alloc_get(order, PAGE_OWNER_HEAP_LARGE);
		if (pa_is_null(pa)) {
			return NULL;
		}
		flags = spin_lock_irqsave(&heap_lock);
		bytes_in_use += MM_PAGE_SIZE << order;
		spin_unlock_irqrestore(&heap_lock, flags);
		return phys_to_virt(pa);
	}
	flags = spin_lock_irqsave(&heap_lock);
	{
		unsigned c = class_of(size);

		if (free_lists[c] != NULL || slab_refill(c)) {
			struct free_obj *o = free_lists[c];

			CHECK(o->marker == free_marker(o)); /* written after it was freed */
			o->marker = 0;
			free_lists[c] = o->next;
			bytes_in_use += (size_t)1 << (c + HEAP_MIN_SHIFT);
			p = o;
		}
	}
	spin_unlock_irqrestore(&heap_lock, flags);
	return p;
}

void *heap_calloc(size_t count, size_t size)
{
	void *p;

	if (size != 0 && count > SIZE_MAX / size) {
		return NULL;
	}
	p = heap_alloc(count * size);
	if (p != NULL) {
		memset(p, 0, count * size);
	}
	return p;
}

size_t heap_usable_size(const void *ptr)
{
	paddr_t head;
	struct page_meta *m;

	if (ptr == NULL) {
		return 0;
	}
	m = page_alloc_block_meta(virt_to_phys_direct(ptr), &head);
	CHECK(m != NULL);
	if (m->owner == PAGE_OWNER_SLAB) {
		return (size_t)1 << (m->aux + HEAP_MIN_SHIFT);
	}
	CHECK(m->owner == PAGE_OWNER_HEAP_LARGE);
	return MM_PAGE_SIZE << m->order;
}

void heap_free(void *ptr)
{
	paddr_t pa, head;
	struct page_meta *m;
	uint64_t flags;

	if (ptr == NULL) {
		return;
	}
	pa = virt_to_phys_direct(ptr);
	m = page_alloc_block_meta(pa, &head);
	CHECK(m != NULL); /* not heap memory */
	if (m->owner == PAGE_OWNER_HEAP_LARGE) {
		size_t bytes = MM_PAGE_SIZE << m->order;

		CHECK(pa_eq(head, pa));
		memset(ptr, HEAP_JUNK, bytes);
		flags = spin_lock_irqsave(&heap_lock);
		bytes_in_use -= bytes;
		spin_unlock_irqrestore(&heap_lock, flags);
		page_alloc_put(pa);
		return;
	}
	CHECK(m->owner == PAGE_OWNER_SLAB);
	{
		unsigned c = m->aux;
		size_t obj = (size_t)1 << (c + HEAP_MIN_SHIFT);
		struct free_obj *o = ptr;

		CHECK((pa_diff(pa, head) & (obj - 1)) ==
		      0); /* pointer into the middle of an object */
		flags = spin_lock_irqsave(&heap_lock);
		CHECK(o->marker != free_marker(o)); /* double free */
		memset(ptr, HEAP_JUNK, obj);
		o->marker = free_marker(o);
		o->next = free_lists[c];
		free_lists[c] = o;
		bytes_in_use -= obj;
		spin_unlock_irqrestore(&heap_lock, flags);
	}
}

void *heap_realloc(void *ptr, size_t size)
{
	size_t old;
	void *n;

	if (ptr == NULL) {
		return heap_alloc(size);
	}
	if (size == 0) {
		heap_free(ptr);
		return NULL;
	}
	old = heap_usable_size(ptr);
	if (size <= old) {
		return ptr;
	}
	n = heap_alloc(size);
	if (n == NULL) {
		return NULL;
	}
	memcpy(n, ptr, old);
	heap_free(ptr);
	return n;
}

size_t heap_in_use(void)
{
	return bytes_in_use;
}

_Bool heap_lock_free(void)
{
	return __atomic_load_n(&heap_lock.locked, __ATOMIC_ACQUIRE) == 0 && page_alloc_lock_free();
}
