/*
 * The kernel's address types (Hafnium addr.h): one one-member struct per kind of address,
 * so that passing one kind where another is expected is a compile error.
 *   gpa_t    guest-physical address: what the guest names in registers, calls, exits.
 *   paddr_t  host-physical address of the SVSM's own memory (page allocator, page tables).
 *   vaddr_t  SVSM virtual address (page-table input; pointers for everything else).
 * Raw integers exist only at ABI boundaries (registers, include/svsm/abi/ layouts, the
 * boot data) and are wrapped once where they are decoded (gpa_init(), pa_init()).
 * Crossings between kinds are the named functions below and nothing else: the direct map
 * (phys_to_virt(), virt_to_phys_direct()) and pa_from_gpa() (GPA = PA, the default backing;
 * guest_mem_host_pa() adds native's backed ranges).
 * Every helper is a static inline of one machine operation: zero cost when inlined.
 *
 * In the kernel every physical page is reachable through the direct map; host unit tests
 * hand the allocator real host memory and use an identity "direct map"
 * (mm_direct_map_offset = 0).
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#define MM_PAGE_SIZE 4096ull
#define MM_PAGE_SHIFT 12
#define MM_LARGE_PAGE_SIZE 0x200000ull

/** gpa_t - a guest-physical address. */
typedef struct {
	uint64_t gpa;
} gpa_t;

/** paddr_t - a host-physical address (the SVSM's memory, its page tables). */
typedef struct {
	uint64_t pa;
} paddr_t;

/** vaddr_t - an SVSM virtual address. */
typedef struct {
	uint64_t va;
} vaddr_t;

/* For static initializers and constants: GPA_C(0xfec00000). */
#define GPA_C(x) ((gpa_t){(x)})

static inline uint64_t align_down(uint64_t v, uint64_t a)
{
	return v & ~(a - 1);
}

static inline uint64_t align_up(uint64_t v, uint64_t a)
{
	return (v + a - 1) & ~(a - 1);
}

/* ---- guest-physical ---- */

/** gpa_init - wrap a raw guest-physical address decoded from the guest or the host. */
static inline gpa_t gpa_init(uint64_t x)
{
	return (gpa_t){x};
}

/** gpa_addr - the raw value, for an ABI field, a hardware operand or a log line. */
static inline uint64_t gpa_addr(gpa_t g)
{
	return g.gpa;
}

/** gpa_add - @g + @n (the caller checks for wrap where the guest chose @n). */
static inline gpa_t gpa_add(gpa_t g, uint64_t n)
{
	return (gpa_t){g.gpa + n};
}

/** gpa_diff - @a - @b in bytes. */
static inline uint64_t gpa_diff(gpa_t a, gpa_t b)
{
	return a.gpa - b.gpa;
}

static inline bool gpa_eq(gpa_t a, gpa_t b)
{
	return a.gpa == b.gpa;
}

static inline bool gpa_lt(gpa_t a, gpa_t b)
{
	return a.gpa < b.gpa;
}

/** gpa_aligned - @g is a multiple of @a (a power of two). */
static inline bool gpa_aligned(gpa_t g, uint64_t a)
{
	return (g.gpa & (a - 1)) == 0;
}

static inline gpa_t gpa_align_down(gpa_t g, uint64_t a)
{
	return (gpa_t){align_down(g.gpa, a)};
}

static inline gpa_t gpa_align_up(gpa_t g, uint64_t a)
{
	return (gpa_t){align_up(g.gpa, a)};
}

/** gpa_offset - @g's offset within its naturally aligned block of @a bytes. */
static inline uint64_t gpa_offset(gpa_t g, uint64_t a)
{
	return g.gpa & (a - 1);
}

/* ---- host-physical ---- */

/** pa_init - wrap a raw host-physical address (boot data, a page-table entry). */
static inline paddr_t pa_init(uint64_t x)
{
	return (paddr_t){x};
}

static inline uint64_t pa_addr(paddr_t p)
{
	return p.pa;
}

static inline paddr_t pa_add(paddr_t p, uint64_t n)
{
	return (paddr_t){p.pa + n};
}

/** pa_diff - @a - @b in bytes. */
static inline uint64_t pa_diff(paddr_t a, paddr_t b)
{
	return a.pa - b.pa;
}

static inline bool pa_eq(paddr_t a, paddr_t b)
{
	return a.pa == b.pa;
}

static inline bool pa_lt(paddr_t a, paddr_t b)
{
	return a.pa < b.pa;
}

/** pa_is_null - the allocator's "no page" (physical address 0 is never handed out). */
static inline bool pa_is_null(paddr_t p)
{
	return p.pa == 0;
}

static inline bool pa_aligned(paddr_t p, uint64_t a)
{
	return (p.pa & (a - 1)) == 0;
}

static inline paddr_t pa_align_down(paddr_t p, uint64_t a)
{
	return (paddr_t){align_down(p.pa, a)};
}

static inline paddr_t pa_align_up(paddr_t p, uint64_t a)
{
	return (paddr_t){align_up(p.pa, a)};
}

/* ---- SVSM virtual ---- */

static inline vaddr_t va_init(uint64_t x)
{
	return (vaddr_t){x};
}

static inline uint64_t va_addr(vaddr_t v)
{
	return v.va;
}

static inline vaddr_t va_add(vaddr_t v, uint64_t n)
{
	return (vaddr_t){v.va + n};
}

static inline bool va_eq(vaddr_t a, vaddr_t b)
{
	return a.va == b.va;
}

static inline bool va_aligned(vaddr_t v, uint64_t a)
{
	return (v.va & (a - 1)) == 0;
}

/** va_from_ptr / ptr_from_va - a pointer and the address it holds. */
static inline vaddr_t va_from_ptr(const void *p)
{
	return (vaddr_t){(uint64_t)(uintptr_t)p};
}

static inline void *ptr_from_va(vaddr_t v)
{
	return (void *)(uintptr_t)v.va;
}

/* ---- crossings ---- */

extern uint64_t mm_direct_map_offset;

/** phys_to_virt - the direct-map address of host-physical @pa. */
static inline void *phys_to_virt(paddr_t pa)
{
	return (void *)(uintptr_t)(pa.pa + mm_direct_map_offset);
}

/** virt_to_phys_direct - the host-physical address of direct-map pointer @va. */
static inline paddr_t virt_to_phys_direct(const void *va)
{
	return (paddr_t){(uint64_t)(uintptr_t)va - mm_direct_map_offset};
}

/**
 * pa_from_gpa - the host-physical page at the same address as guest-physical @g: the
 * default backing of guest memory (SNP: the guest and the SVSM share one physical address
 * space; native: the NPT is an identity map but for the backed ranges of the paravisor
 * layout, which guest_mem_host_pa() translates - use that for guest RAM on native).
 */
static inline paddr_t pa_from_gpa(gpa_t g)
{
	return (paddr_t){g.gpa};
}

/** gpa_from_pa - the guest-physical address of host page @p (the inverse of pa_from_gpa). */
static inline gpa_t gpa_from_pa(paddr_t p)
{
	return (gpa_t){p.pa};
}
