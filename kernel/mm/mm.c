/*
 * Boot-time memory set-up (see mm.h). Order: place the allocator metadata, free every
 * RAM page except the first MiB (AP trampoline, BIOS data) and the kernel image, build
 * kernel_pt (direct map RW+NX with 2 MiB pages; text RX, rodata R+NX, data RW+NX; the
 * direct-map alias of text and rodata read-only), switch CR3, start the heap.
 * kernel_pt changes after boot are serialised by mm_lock.
 *
 * On SEV-SNP every mapping carries pgtable_enc_mask (the C-bit) except shared pages: they
 * are mapped by mm_map_shared() at SHARED_AREA_BASE + pa without it. Before mm_init() such
 * a page goes into the early boot tables through one static table chain (the boot GHCB);
 * mm_init() maps those pages again in kernel_pt at the same address.
 */
#include "kernel/mm/mm.h"

#include <string.h>

#include "kernel/arch/x86_64/layout.h"
#include "kernel/arch/x86_64/x86.h"
#include "kernel/init/boot_info.h"
#include "kernel/libc/entropy.h"
#include "kernel/lib/log.h"
#include "kernel/lib/panic.h"
#include "kernel/lib/spinlock.h"
#include "kernel/mm/heap.h"
#include "kernel/mm/page_alloc.h"

uint64_t mm_direct_map_offset = DIRECT_MAP_BASE;
struct pgtable kernel_pt;
static struct spinlock mm_lock = SPINLOCK_INIT;

extern char _kernel_phys_start[], _kernel_phys_end[];
extern char _text_start[], _text_end[], _rodata_start[], _rodata_end[];
extern char _data_start[], _data_end[];

#define EARLY_MAP_TOP 0x100000000ull

/* Shared pages mapped before mm_init(): re-mapped into kernel_pt by build_kernel_pt(). */
#define SHARED_EARLY_MAX 4
static uint64_t shared_early_pa[SHARED_EARLY_MAX];
static unsigned shared_early_count;
/* PDPT, PD and PT of the early shared window: one 2 MiB region of SHARED_AREA_BASE + pa. */
static uint64_t shared_early_tables[3][512] __attribute__((aligned(4096)));
extern uint64_t boot_pml4[512];

void mm_kernel_phys_range(uint64_t *start, uint64_t *end)
{
	*start = (uint64_t)(uintptr_t)_kernel_phys_start;
	*end = (uint64_t)(uintptr_t)_kernel_phys_end;
}

/* Finds @size bytes of RAM below 4 GiB clear of the first MiB and the kernel image. */
static uint64_t find_early_ram(uint64_t size)
{
	uint64_t kstart, kend;

	mm_kernel_phys_range(&kstart, &kend);
	for (unsigned i = 0; i < boot_info.mem_count; i++) {
		const struct mem_region *r = &boot_info.mem[i];
		uint64_t start = align_up(r->base, MM_PAGE_SIZE);
		uint64_t end = align_down(r->base + r->size, MM_PAGE_SIZE);

		if (r->type != MEM_RAM) {
			continue;
		}
		if (start < boot_info.svsm_start) {
			start = boot_info.svsm_start;
		}
		if (end > boot_info.svsm_end) {
			end = boot_info.svsm_end;
		}
		if (end > EARLY_MAP_TOP) {
			end = EARLY_MAP_TOP;
		}
		if (start < kend && end > kstart) { /* try above the kernel */
			start = align_up(kend, MM_PAGE_SIZE);
		}
		if (start < end && end - start >= size) {
			return start;
		}
	}
	panic("mm: no RAM for %lu bytes of allocator metadata", size);
}

/* Boot-time mappings from the raw addresses of the memory map and the linker symbols. */
static void map_or_panic(uint64_t va, uint64_t pa, uint64_t size, uint64_t flags, unsigned opts)
{
	enum svsm_err err = pgtable_map(&kernel_pt, va_init(va), pa_init(pa), size, flags, opts);

	if (err != SVSM_OK) {
		panic("mm: cannot map %#lx -> %#lx (+%#lx): error %d", va, pa, size, err);
	}
}

static void protect_or_panic(uint64_t va, uint64_t size, uint64_t flags)
{
	enum svsm_err err = pgtable_protect(&kernel_pt, va_init(va), size, flags);

	if (err != SVSM_OK) {
		panic("mm: cannot protect %#lx (+%#lx): error %d", va, size, err);
	}
}

static void build_kernel_pt(void)
{
	uint64_t kstart, kend;
	uint64_t text = (uint64_t)(uintptr_t)_text_start;
	uint64_t rodata = (uint64_t)(uintptr_t)_rodata_start;
	uint64_t data = (uint64_t)(uintptr_t)_data_start;

	if (pgtable_init(&kernel_pt) != SVSM_OK) {
		panic("mm: no page for the kernel PML4");
	}
	for (unsigned i = 0; i < boot_info.mem_count; i++) {
		const struct mem_region *r = &boot_info.mem[i];
		uint64_t start = align_down(r->base, MM_PAGE_SIZE);
		uint64_t end = align_up(r->base + r->size, MM_PAGE_SIZE);

		if (r->type != MEM_RAM && r->type != MEM_ACPI) {
			continue;
		}
		map_or_panic(DIRECT_MAP_BASE + start, start, end - start, PTE_W | PTE_NX | PTE_G,
			     PGTABLE_ALLOW_LARGE);
	}
	map_or_panic(text, text - KERNEL_VBASE, (uint64_t)(uintptr_t)_text_end - text, PTE_G, 0);
	map_or_panic(rodata, rodata - KERNEL_VBASE, (uint64_t)(uintptr_t)_rodata_end - rodata,
		     PTE_NX | PTE_G, 0);
	map_or_panic(data, data - KERNEL_VBASE, (uint64_t)(uintptr_t)_data_end - data,
		     PTE_W | PTE_NX | PTE_G, 0);
	/* The direct-map alias of text and rodata must not be a writable way around W^X. */
	mm_kernel_phys_range(&kstart, &kend);
	protect_or_panic(DIRECT_MAP_BASE + text - KERNEL_VBASE, data - text, PTE_NX | PTE_G);
	for (unsigned i = 0; i < shared_early_count; i++) {
		map_or_panic(SHARED_AREA_BASE + shared_early_pa[i], shared_early_pa[i],
			     MM_PAGE_SIZE, PTE_W | PTE_NX | PTE_SHARED, 0);
	}
}

/* Frees the RAM of the memory map that lies within [lo, hi) into the allocator. */
static void add_ram(uint64_t lo, uint64_t hi)
{
	for (unsigned i = 0; i < boot_info.mem_count; i++) {
		const struct mem_region *r = &boot_info.mem[i];
		uint64_t start = r->base < lo ? lo : r->base;
		uint64_t end = r->base + r->size > hi ? hi : r->base + r->size;

		if (r->type == MEM_RAM && start < end) {
			page_alloc_add_range(pa_init(start), pa_init(end));
		}
	}
}

void mm_init(void)
{
	uint64_t ram_top = boot_info.svsm_end;
	uint64_t pages = ram_top >> MM_PAGE_SHIFT;
	uint64_t meta_size = align_up(page_alloc_meta_size(pages), MM_PAGE_SIZE);
	uint64_t meta_pa = find_early_ram(meta_size);
	uint64_t kstart, kend;

	page_alloc_init(pa_init(0), pages, phys_to_virt(pa_init(meta_pa)));
	/* The allocator owns only the SVSM region; the rest of RAM is the guest's. */
	add_ram(boot_info.svsm_start, boot_info.svsm_end);
	mm_kernel_phys_range(&kstart, &kend);
	page_alloc_reserve_range(pa_init(kstart), pa_init(kend));
	page_alloc_reserve_range(pa_init(meta_pa), pa_init(meta_pa + meta_size));
	if (!page_alloc_check()) {
		panic("mm: page allocator inconsistent after set-up");
	}
	build_kernel_pt();
	write_cr3(pa_addr(kernel_pt.root) | pgtable_enc_mask); /* SNP: the PML4 is private */
	heap_init(entropy_u64());
	pr_info("mm: SVSM memory %#lx-%#lx (%lu MiB free), kernel %#lx-%#lx\n",
		boot_info.svsm_start, boot_info.svsm_end, page_alloc_free_pages() >> 8, kstart, kend);
}

void *mm_map_mmio(paddr_t mmio, uint64_t size)
{
	uint64_t pa = pa_addr(mmio);
	uint64_t start = align_down(pa, MM_PAGE_SIZE);
	uint64_t end = align_up(pa + size, MM_PAGE_SIZE);
	uint64_t flags = spin_lock_irqsave(&mm_lock);
	enum svsm_err err = SVSM_OK;

	for (uint64_t p = start; p < end; p += MM_PAGE_SIZE) {
		if (!pgtable_lookup(&kernel_pt, va_init(DIRECT_MAP_BASE + p), NULL, NULL, NULL)) {
			/* MMIO is never encrypted (PTE_SHARED: no C-bit on SNP). */
			err = pgtable_map(&kernel_pt, va_init(DIRECT_MAP_BASE + p), pa_init(p),
					  MM_PAGE_SIZE,
					  PTE_W | PTE_NX | PTE_PCD | PTE_PWT | PTE_SHARED, 0);
			if (err != SVSM_OK) {
				break;
			}
		}
	}
	spin_unlock_irqrestore(&mm_lock, flags);
	if (err != SVSM_OK) {
		panic("mm: cannot map MMIO %#lx: error %d", pa, err);
	}
	return phys_to_virt(mmio);
}

enum svsm_err mm_map_kernel(vaddr_t va, paddr_t pa, uint64_t size, uint64_t flags)
{
	uint64_t irq = spin_lock_irqsave(&mm_lock);
	enum svsm_err err = pgtable_map(&kernel_pt, va, pa, size, flags, 0);

	spin_unlock_irqrestore(&mm_lock, irq);
	return err;
}

enum svsm_err mm_protect_kernel(vaddr_t va, uint64_t size, uint64_t flags)
{
	uint64_t irq = spin_lock_irqsave(&mm_lock);
	enum svsm_err err = pgtable_protect(&kernel_pt, va, size, flags);

	spin_unlock_irqrestore(&mm_lock, irq);
	return err;
}

static uint64_t image_pa(const void *p)
{
	return (uint64_t)(uintptr_t)p - KERNEL_VBASE;
}

/* One page into the early boot tables (before mm_init()); all pages in one 2 MiB region. */
static void *map_shared_early(uint64_t pa)
{
	uint64_t va = SHARED_AREA_BASE + pa;
	uint64_t table = PTE_P | PTE_W | pgtable_enc_mask;
	uint64_t *pml4e = &boot_pml4[(va >> 39) & 511];
	uint64_t *pdpt = shared_early_tables[0], *pd = shared_early_tables[1];
	uint64_t *pt = shared_early_tables[2];
	uint64_t pdpte = image_pa(pd) | table, pde = image_pa(pt) | table;

	if (shared_early_count == SHARED_EARLY_MAX ||
	    (*pml4e != 0 && (pdpt[(va >> 30) & 511] != pdpte || pd[(va >> 21) & 511] != pde))) {
		return NULL;
	}
	*pml4e = image_pa(pdpt) | table;
	pdpt[(va >> 30) & 511] = pdpte;
	pd[(va >> 21) & 511] = pde;
	pt[(va >> 12) & 511] = pa | PTE_P | PTE_W | PTE_NX;
	shared_early_pa[shared_early_count++] = pa;
	return (void *)(uintptr_t)va;
}

void *mm_map_shared(paddr_t page)
{
	uint64_t pa = pa_addr(page);
	uint64_t irq = 0;
	enum svsm_err err = SVSM_OK;

	if ((pa & (MM_PAGE_SIZE - 1)) != 0 || pa >= SHARED_AREA_SIZE) {
		return NULL;
	}
	if (pa_is_null(kernel_pt.root)) {
		return map_shared_early(pa);
	}
	irq = spin_lock_irqsave(&mm_lock);
	err = pgtable_map(&kernel_pt, va_init(SHARED_AREA_BASE + pa), page, MM_PAGE_SIZE,
			  PTE_W | PTE_NX | PTE_SHARED, 0);
	spin_unlock_irqrestore(&mm_lock, irq);
	return err == SVSM_OK ? (void *)(uintptr_t)(SHARED_AREA_BASE + pa) : NULL;
}
