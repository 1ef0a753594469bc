/*
 * Kernel tests of the native nested page tables (kernel/platform/native/npt.c): two CPUs
 * make pages of the same 2 MiB mapping read-only at the same moment. Without npt_lock both
 * split the large entry and one split (a table page and a read-only bit) is lost.
 */
#include "kernel/arch/x86_64/smp.h"
#include "kernel/arch/x86_64/x86.h"
#include "kernel/lib/ktest.h"
#include "kernel/mm/addr.h"
#include "kernel/mm/page_alloc.h"
#include "kernel/platform/native/native.h"

#define NPT_TEST_BASE 0x40000000ull /* table entries only: nothing is accessed there */
#define NPT_TEST_REGIONS 256u
#define LARGE 0x200000ull

static struct {
	volatile uint32_t ready[NPT_TEST_REGIONS]; /* CPU 1 waits at region k */
	volatile uint32_t go[NPT_TEST_REGIONS];    /* both split region k now */
	volatile uint32_t fin[NPT_TEST_REGIONS];   /* CPU 1 is done with region k */
	volatile uint32_t errors;
} race;

static void protect_second_pages(void *arg)
{
	(void)arg;
	for (unsigned k = 0; k < NPT_TEST_REGIONS; k++) {
		__atomic_store_n(&race.ready[k], 1, __ATOMIC_SEQ_CST);
		while (__atomic_load_n(&race.go[k], __ATOMIC_SEQ_CST) == 0) {
		}
		if (native_npt_set_writable(gpa_init(NPT_TEST_BASE + k * LARGE + MM_PAGE_SIZE),
					    false) != SVSM_OK) {
			race.errors++;
		}
		__atomic_store_n(&race.fin[k], 1, __ATOMIC_SEQ_CST);
	}
}

static bool writable(uint64_t gpa)
{
	uint64_t flags = 0;

	return pgtable_lookup(&native_npt, va_init(gpa), NULL, &flags, NULL) &&
	       (flags & PTE_W) != 0;
}

KTEST(npt, concurrent_splits_keep_every_read_only_bit)
{
	unsigned lost = 0;

	KASSERT(smp_cpu_count() >= 2);
	KASSERT(pgtable_init(&native_npt) == SVSM_OK);
	KASSERT(pgtable_map(&native_npt, va_init(NPT_TEST_BASE), pa_init(NPT_TEST_BASE),
			    NPT_TEST_REGIONS * LARGE, PTE_W | PTE_U,
			    PGTABLE_ALLOW_LARGE) == SVSM_OK);
	race = (typeof(race)){{0}, {0}, {0}, 0};
	KASSERT(smp_start_on(1, protect_second_pages, NULL));
	for (unsigned k = 0; k < NPT_TEST_REGIONS; k++) {
		while (__atomic_load_n(&race.ready[k], __ATOMIC_SEQ_CST) == 0) {
		}
		__atomic_store_n(&race.go[k], 1, __ATOMIC_SEQ_CST);
		KEXPECT_EQ(native_npt_set_writable(gpa_init(NPT_TEST_BASE + k * LARGE), false),
			   SVSM_OK);
		while (__atomic_load_n(&race.fin[k], __ATOMIC_SEQ_CST) == 0) {
		}
	}
	for (unsigned k = 0; k < NPT_TEST_REGIONS; k++) {
		uint64_t base = NPT_TEST_BASE + k * LARGE;

		lost += writable(base) + writable(base + MM_PAGE_SIZE);
		KEXPECT(writable(base + 2 * MM_PAGE_SIZE));
	}
	KEXPECT_EQ(race.errors, 0u);
	KEXPECT_EQ(lost, 0u);
	pgtable_free(&native_npt);
	KEXPECT(page_alloc_check());
}
