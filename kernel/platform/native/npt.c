/*
 * The native platform's nested page tables: an identity map of everything below 4 GiB
 * but the SVSM region (guest RAM and MMIO holes) and of guest RAM above 4 GiB, minus PCI
 * configuration space and every device's MMIO range (plat_guest_trap_mmio(): accesses
 * there exit to the device bus). Built on the boot CPU before any vCPU
 * runs; afterwards every change takes npt_lock (a 2 MiB split by two CPUs at once would lose
 * one table: a leaked page and a lost read-only bit).
 *
 * Nested TLB: all vCPUs share one ASID, so a CPU may still hold a translation the tables
 * no longer allow. After every downgrade (a page made read-only) npt_gen is bumped; a CPU
 * that enters the guest with an older generation flushes its TLB (VMCB TLB_CONTROL), and
 * the downgrade waits until every CPU that is in the guest with an older generation has left
 * it (a wake IPI makes it exit). npt_cpu[] is written by its own CPU only.
 */
#include <stddef.h>

#include "kernel/arch/x86_64/apic.h"
#include "kernel/arch/x86_64/cpu.h"
#include "kernel/arch/x86_64/smp.h"
#include "kernel/arch/x86_64/trap.h"
#include "kernel/arch/x86_64/x86.h"
#include "kernel/guest/guest.h"
#include "kernel/init/boot_info.h"
#include "kernel/lib/spinlock.h"
#include "kernel/mm/guest_mem.h"
#include "kernel/platform/native/native.h"
#include "kernel/platform/platform.h"

#define FOUR_GIB GPA_C(0x100000000ull)
#define KICK_SPINS 100000u

struct pgtable native_npt;
static struct spinlock npt_lock = SPINLOCK_INIT;
static uint64_t npt_gen = 1;

static struct {
	uint32_t in_guest;
	uint64_t flushed_gen;
} npt_cpu[MAX_CPUS];

/*
 * The NPT's input addresses are guest-physical: pgtable takes them as its vaddr_t. This
 * is the one place a gpa_t becomes a page-table input.
 */
static vaddr_t npt_in(gpa_t gpa)
{
	return va_init(gpa_addr(gpa));
}

/* Map guest-physical [@start, @end) to host-physical @pa onwards. */
static enum svsm_err npt_map_to(gpa_t start, gpa_t end, paddr_t pa)
{
	if (!gpa_lt(start, end)) {
		return SVSM_OK;
	}
	return pgtable_map(&native_npt, npt_in(start), pa, gpa_diff(end, start), PTE_W | PTE_U,
			   PGTABLE_ALLOW_LARGE);
}

/* Identity-map guest-physical [@start, @end) (pa_from_gpa()) but the backed ranges. */
static enum svsm_err npt_map(gpa_t start, gpa_t end)
{
	while (gpa_lt(start, end)) {
		gpa_t stop = end, next = end, bgpa;
		uint64_t bsize;
		paddr_t bpa;

		/* The first backed range that reaches past @start cuts the identity map there. */
		for (unsigned i = 0; guest_mem_backing(i, &bgpa, &bsize, &bpa); i++) {
			gpa_t bend = gpa_add(bgpa, bsize);

			if (gpa_lt(start, bend) && gpa_lt(bgpa, stop)) {
				stop = gpa_lt(bgpa, start) ? start : bgpa;
				next = bend;
			}
		}
		enum svsm_err err = npt_map_to(start, stop, pa_from_gpa(start));

		if (err != SVSM_OK) {
			return err;
		}
		start = next;
	}
	return SVSM_OK;
}

enum svsm_err native_npt_init(void)
{
	const struct guest_mem_range *ram;
	unsigned n = guest_mem_ranges(&ram);
	enum svsm_err err = pgtable_init(&native_npt);
	gpa_t svsm_start, svsm_end, bgpa;
	uint64_t bsize;
	paddr_t bpa;

	/* Below 4 GiB everything but the SVSM's range: RAM and the MMIO holes. */
	guest_mem_svsm_range(&svsm_start, &svsm_end);
	if (err == SVSM_OK) {
		err = npt_map(GPA_C(0), gpa_lt(FOUR_GIB, svsm_start) ? FOUR_GIB : svsm_start);
	}
	if (err == SVSM_OK) {
		err = npt_map(gpa_lt(FOUR_GIB, svsm_end) ? FOUR_GIB : svsm_end, FOUR_GIB);
	}
	for (unsigned i = 0; i < n && err == SVSM_OK; i++) {
		if (gpa_lt(FOUR_GIB, ram[i].end)) {
			err = npt_map(gpa_lt(ram[i].start, FOUR_GIB) ? FOUR_GIB : ram[i].start,
				      ram[i].end);
		}
	}
	/* Ranges backed elsewhere (native paravisor layout: guest/ram_map.c). */
	for (unsigned i = 0; err == SVSM_OK && guest_mem_backing(i, &bgpa, &bsize, &bpa); i++) {
		err = npt_map_to(bgpa, gpa_add(bgpa, bsize), bpa);
	}
	/*
	 * Device MMIO (the interrupt controllers among it: devices/intc_absent.c) is left out
	 * by plat_guest_trap_mmio() once the devices are registered. PCI configuration space: see native.c setup_permission_maps(). */
	if (err == SVSM_OK && boot_info.ecam_size != 0) {
		err = pgtable_unmap(&native_npt, npt_in(gpa_init(boot_info.ecam_base)),
				    boot_info.ecam_size);
	}
	return err;
}

/* Every CPU in the guest with a generation older than @gen has left it. */
static void wait_for_flush(uint64_t gen)
{
	unsigned self = this_cpu()->index;

	for (unsigned cpu = 0; cpu < smp_cpu_count(); cpu++) {
		unsigned spins = 0;

		while (cpu != self && __atomic_load_n(&npt_cpu[cpu].in_guest, __ATOMIC_SEQ_CST) &&
		       __atomic_load_n(&npt_cpu[cpu].flushed_gen, __ATOMIC_SEQ_CST) < gen) {
			if (spins++ % KICK_SPINS == 0) {
				/* An NMI: a guest with IF=0 does not exit on the wake IPI. */
				apic_send_nmi(percpu_area[cpu].apic_id);
			}
			cpu_relax();
		}
	}
}

void native_kick_cpu(unsigned cpu)
{
	if (cpu == this_cpu()->index || cpu >= smp_cpu_count()) {
		return;
	}
	/*
	 * In the guest: an NMI exits whatever IF is. An OS guest also owns the TPR and the ISR
	 * of its CPU, and may leave them high enough to hold off the wake IPI while the SVSM
	 * halts there for it: its CPUs get an NMI in every case (trap.c counts and returns).
	 */
	if (__atomic_load_n(&npt_cpu[cpu].in_guest, __ATOMIC_SEQ_CST) || guest_kind_is_os()) {
		apic_send_nmi(percpu_area[cpu].apic_id);
	} else {
		smp_kick(cpu); /* the wake IPI, for a CPU idle or busy in the SVSM */
	}
}

enum svsm_err native_npt_set_writable(gpa_t gpa, bool writable)
{
	uint64_t flags = spin_lock_irqsave(&npt_lock);
	enum svsm_err err = pgtable_protect(&native_npt, npt_in(gpa), MM_PAGE_SIZE,
					    PTE_U | (writable ? PTE_W : 0));
	uint64_t gen = 0;

	if (err == SVSM_OK && !writable) {
		gen = __atomic_add_fetch(&npt_gen, 1, __ATOMIC_SEQ_CST);
	}
	spin_unlock_irqrestore(&npt_lock, flags);
	if (gen != 0) {
		wait_for_flush(gen);
	}
	return err;
}

enum svsm_err plat_guest_trap_mmio(gpa_t gpa, uint64_t size)
{
	uint64_t flags = spin_lock_irqsave(&npt_lock);
	enum svsm_err err = SVSM_OK;

	/* Whole pages: a device range that shares a page with RAM would hide that RAM too. */
	if (!gpa_aligned(gpa, MM_PAGE_SIZE) || size == 0 || size % MM_PAGE_SIZE != 0 ||
	    guest_mem_touches_svsm(gpa, size)) {
		err = SVSM_E_INVALID_PARAM;
	} else {
		err = pgtable_unmap(&native_npt, npt_in(gpa), size);
	}
	spin_unlock_irqrestore(&npt_lock, flags);
	/* Set up before any vCPU runs: no nested TLB holds these pages yet. */
	return err;
}

static bool range_ok(gpa_t gpa, uint64_t size)
{
	return gpa_aligned(gpa, MM_PAGE_SIZE) && size != 0 && size % MM_PAGE_SIZE == 0 &&
	       !guest_mem_touches_svsm(gpa, size);
}

enum svsm_err plat_guest_map_ro(gpa_t gpa, uint64_t size, paddr_t pa)
{
	uint64_t flags = spin_lock_irqsave(&npt_lock);
	enum svsm_err err = SVSM_E_INVALID_PARAM;

	/* From unmapped (or read-only) to read-only: no CPU holds a wider translation. */
	if (range_ok(gpa, size)) {
		err = pgtable_unmap(&native_npt, npt_in(gpa), size);
	}
	if (err == SVSM_OK) {
		err = pgtable_map(&native_npt, npt_in(gpa), pa, size, PTE_U, PGTABLE_ALLOW_LARGE);
	}
	spin_unlock_irqrestore(&npt_lock, flags);
	return err;
}

enum svsm_err plat_guest_unmap(gpa_t gpa, uint64_t size)
{
	uint64_t flags = spin_lock_irqsave(&npt_lock);
	enum svsm_err err = range_ok(gpa, size) ? pgtable_unmap(&native_npt, npt_in(gpa), size)
						: SVSM_E_INVALID_PARAM;
	uint64_t gen = 0;

	if (err == SVSM_OK) {
		gen = __atomic_add_fetch(&npt_gen, 1, __ATOMIC_SEQ_CST);
	}
	spin_unlock_irqrestore(&npt_lock, flags);
	if (gen != 0) {
		wait_for_flush(gen);
	}
	return err;
}

bool native_npt_writable(gpa_t gpa)
{
	uint64_t flags = spin_lock_irqsave(&npt_lock);
	uint64_t pte_flags = 0;
	bool writable = pgtable_lookup(&native_npt, npt_in(gpa_align_down(gpa, MM_PAGE_SIZE)), NULL,
				       &pte_flags, NULL) && (pte_flags & PTE_W) != 0;

	spin_unlock_irqrestore(&npt_lock, flags);
	return writable;
}

void native_npt_enter(struct vmcb *vmcb)
{
	unsigned cpu = this_cpu()->index;
	uint64_t gen;

	__atomic_store_n(&npt_cpu[cpu].in_guest, 1, __ATOMIC_SEQ_CST);
	gen = __atomic_load_n(&npt_gen, __ATOMIC_SEQ_CST);
	if (npt_cpu[cpu].flushed_gen != gen) {
		vmcb->control.tlb_control = SVM_TLB_FLUSH_ALL;
		__atomic_store_n(&npt_cpu[cpu].flushed_gen, gen, __ATOMIC_SEQ_CST);
	}
}

void native_npt_leave(void)
{
	__atomic_store_n(&npt_cpu[this_cpu()->index].in_guest, 0, __ATOMIC_RELEASE);
}
