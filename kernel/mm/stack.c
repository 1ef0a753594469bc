/*
 * Stack allocator over the stack area (see stack.h): slots are handed out by a bump
 * pointer and never reused (stacks live as long as their CPU). Guarded by stack_lock.
 */
#include "kernel/mm/stack.h"

#include "kernel/arch/x86_64/layout.h"
#include "kernel/lib/panic.h"
#include "kernel/lib/spinlock.h"
#include "kernel/mm/mm.h"
#include "kernel/mm/page_alloc.h"

static uint64_t next_slot = STACK_AREA_BASE;
static struct spinlock stack_lock = SPINLOCK_INIT;

uint64_t stack_alloc(unsigned pages)
{
	uint64_t flags = spin_lock_irqsave(&stack_lock);
	uint64_t base = next_slot + MM_PAGE_SIZE; /* first page of the slot is the guard */

	next_slot += (uint64_t)(pages + 1) * MM_PAGE_SIZE;
	spin_unlock_irqrestore(&stack_lock, flags);
	CHECK(next_slot <= STACK_AREA_BASE + STACK_AREA_SIZE);
	for (unsigned i = 0; i < pages; i++) {
		paddr_t pa = page_alloc_get_zeroed(0, PAGE_OWNER_KERNEL);

		if (pa_is_null(pa)) {
			panic("stack: out of memory");
		}
		if (mm_map_kernel(va_init(base + (uint64_t)i * MM_PAGE_SIZE), pa, MM_PAGE_SIZE,
				  PTE_W | PTE_NX | PTE_G) != SVSM_OK) {
			panic("stack: cannot map");
		}
	}
	return base + (uint64_t)pages * MM_PAGE_SIZE;
}

uint64_t stack_guard_of(uint64_t top, unsigned pages)
{
	return top - (uint64_t)(pages + 1) * MM_PAGE_SIZE;
}
