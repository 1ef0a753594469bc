/*
 * Validation-state tracking for the native platform (see validation.h): two bits per
 * 4 KiB page (validated, part-of-2M), in bitmaps from the page allocator. Guarded by
 * val_lock; a 2 MiB operation checks all 512 pages before changing any. The bitmaps are
 * indexed by guest frame number: each entry point unwraps its gpa_t into one.
 */
#include "kernel/platform/native/validation.h"

#include <string.h>

#include "kernel/lib/spinlock.h"
#include "kernel/mm/heap.h"
#include "kernel/mm/page_alloc.h"

#define PAGES_PER_2M 512

static uint64_t *valid_bits;
static uint64_t *huge_bits;
static uint64_t tracked_pages;
static uint64_t base_pfn;
static struct spinlock val_lock = SPINLOCK_INIT;

static bool test_bit(const uint64_t *map, uint64_t i)
{
	return (map[i / 64] >> (i % 64)) & 1;
}

static void set_bit_to(uint64_t *map, uint64_t i, bool v)
{
	if (v) {
		map[i / 64] |= 1ull << (i % 64);
	} else {
		map[i / 64] &= ~(1ull << (i % 64));
	}
}

enum svsm_err validation_init(gpa_t base_gpa, gpa_t top_gpa)
{
	uint64_t pages = gpa_addr(gpa_align_up(top_gpa, MM_PAGE_SIZE)) / MM_PAGE_SIZE -
			 gpa_addr(base_gpa) / MM_PAGE_SIZE;
	size_t bytes = (size_t)((pages + 63) / 64) * sizeof(uint64_t);

	/* Called once per guest launch (and per host test, with a fresh heap). */
	valid_bits = heap_calloc(1, bytes);
	huge_bits = heap_calloc(1, bytes);
	if (valid_bits == NULL || huge_bits == NULL) {
		heap_free(valid_bits);
		heap_free(huge_bits);
		valid_bits = huge_bits = NULL;
		tracked_pages = 0;
		return SVSM_E_NOMEM;
	}
	tracked_pages = pages;
	base_pfn = gpa_addr(base_gpa) / MM_PAGE_SIZE;
	return SVSM_OK;
}

static enum plat_pvalidate_result apply_4k(uint64_t pfn, bool validate)
{
	if (test_bit(huge_bits, pfn)) {
		return PLAT_PVALIDATE_FAIL_SIZEMISMATCH;
	}
	if (test_bit(valid_bits, pfn) == validate) {
		return PLAT_PVALIDATE_NO_CHANGE;
	}
	set_bit_to(valid_bits, pfn, validate);
	return PLAT_PVALIDATE_OK;
}

static enum plat_pvalidate_result apply_2m(uint64_t pfn, bool validate)
{
	unsigned valid = 0, huge = 0;

	for (unsigned i = 0; i < PAGES_PER_2M; i++) {
		valid += test_bit(valid_bits, pfn + i);
		huge += test_bit(huge_bits, pfn + i);
	}
	if (huge == PAGES_PER_2M) {
		if (validate) {
			return PLAT_PVALIDATE_NO_CHANGE;
		}
		for (unsigned i = 0; i < PAGES_PER_2M; i++) {
			set_bit_to(valid_bits, pfn + i, false);
			set_bit_to(huge_bits, pfn + i, false);
		}
		return PLAT_PVALIDATE_OK;
	}
	if (valid != 0) {
		/* Some pages are validated as 4 KiB: the 2 MiB view disagrees. */
		return PLAT_PVALIDATE_FAIL_SIZEMISMATCH;
	}
	if (!validate) {
		return PLAT_PVALIDATE_NO_CHANGE;
	}
	for (unsigned i = 0; i < PAGES_PER_2M; i++) {
		set_bit_to(valid_bits, pfn + i, true);
		set_bit_to(huge_bits, pfn + i, true);
	}
	return PLAT_PVALIDATE_OK;
}

enum plat_pvalidate_result validation_apply(gpa_t gpa, bool huge, bool validate)
{
	uint64_t gfn = gpa_addr(gpa) / MM_PAGE_SIZE;
	uint64_t pfn = gfn - base_pfn;
	uint64_t count = huge ? PAGES_PER_2M : 1;
	enum plat_pvalidate_result r;
	uint64_t flags;

	if (!gpa_aligned(gpa, huge ? MM_LARGE_PAGE_SIZE : MM_PAGE_SIZE) || gfn < base_pfn ||
	    pfn + count > tracked_pages || pfn + count < pfn) {
		return PLAT_PVALIDATE_FAIL_INPUT;
	}
	flags = spin_lock_irqsave(&val_lock);
	r = huge ? apply_2m(pfn, validate) : apply_4k(pfn, validate);
	spin_unlock_irqrestore(&val_lock, flags);
	return r;
}

void validation_prevalidate(gpa_t gpa, uint64_t len)
{
	uint64_t flags = spin_lock_irqsave(&val_lock);
	uint64_t end = gpa_addr(gpa_align_up(gpa_add(gpa, len), MM_PAGE_SIZE)) / MM_PAGE_SIZE;

	for (uint64_t pfn = gpa_addr(gpa) / MM_PAGE_SIZE; pfn < end; pfn++) {
		if (pfn >= base_pfn && pfn - base_pfn < tracked_pages) {
			set_bit_to(valid_bits, pfn - base_pfn, true);
		}
	}
	spin_unlock_irqrestore(&val_lock, flags);
}

bool validation_is_valid(gpa_t gpa)
{
	uint64_t pfn = gpa_addr(gpa) / MM_PAGE_SIZE;

	return pfn >= base_pfn && pfn - base_pfn < tracked_pages &&
	       test_bit(valid_bits, pfn - base_pfn);
}
