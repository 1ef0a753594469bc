/*
 * IOAPIC emulation for OS guests (ioapic.h). Owns the guest's IOREGSEL (one, shared by
 * all vCPUs, like the hardware register) and the mapping of the physical IOAPIC; every
 * IOWIN access selects and accesses the physical register under ioapic_lock.
 * Redirection entries go through intc_rte_filter() (lib/intc_filter.c).
 */
#include "kernel/devices/ioapic.h"

#include <stddef.h>

#include "kernel/devices/bus.h"
#include "kernel/guest/guest.h"
#include "kernel/lib/log.h"
#include "kernel/lib/spinlock.h"
#include "kernel/mm/mm.h"
#include "lib/intc_filter.h"

#define IOAPIC_REGSEL 0x00
#define IOAPIC_IOWIN  0x10
#define IOAPIC_EOI    0x40
#define IOAPIC_RTE_FIRST 0x10
#define IOAPIC_RTE_LAST  0x3f

static struct spinlock ioapic_lock = SPINLOCK_INIT;
static volatile uint32_t *ioapic_mmio;
static uint32_t guest_regsel;
static bool refusal_logged[INTC_REFUSAL_KINDS];

static enum bus_result ioapic_access(void *ctx, struct vcpu *v, struct bus_access *a)
{
	uint32_t offset = (uint32_t)(gpa_addr(a->gpa) & 0xfff);
	uint32_t value = (uint32_t)a->value;
	enum intc_refusal why = INTC_ACCEPTED;
	uint64_t flags = 0;
	uint32_t sel = 0;

	(void)ctx;
	(void)v;
	if (a->size != 4 || (offset != IOAPIC_REGSEL && offset != IOAPIC_IOWIN &&
			     offset != IOAPIC_EOI)) {
		if (!a->write) {
			a->value = 0;
		}
		return BUS_DONE;
	}
	flags = spin_lock_irqsave(&ioapic_lock);
	sel = guest_regsel;
	if (offset == IOAPIC_REGSEL) {
		if (a->write) {
			guest_regsel = value & 0xff;
		} else {
			a->value = sel;
		}
	} else if (offset == IOAPIC_EOI) {
		if (a->write) {
			ioapic_mmio[IOAPIC_EOI / 4] = value & 0xff;
		} else {
			a->value = 0;
		}
	} else {
		ioapic_mmio[IOAPIC_REGSEL / 4] = sel;
		if (!a->write) {
			a->value = ioapic_mmio[IOAPIC_IOWIN / 4];
		} else {
			if (sel >= IOAPIC_RTE_FIRST && sel <= IOAPIC_RTE_LAST &&
			    (sel & 1) == 0) {
				value = intc_rte_filter(value, &why);
			}
			ioapic_mmio[IOAPIC_IOWIN / 4] = value;
		}
	}
	spin_unlock_irqrestore(&ioapic_lock, flags);
	if (why != INTC_ACCEPTED && why < INTC_REFUSAL_KINDS &&
	    !__atomic_exchange_n(&refusal_logged[why], true, __ATOMIC_RELAXED)) {
		pr_info("ioapic: redirection entry %#x refused (%d): written masked\n", sel, why);
	}
	return BUS_DONE;
}

enum svsm_err ioapic_register(void)
{
	ioapic_mmio = mm_map_mmio(pa_init(gpa_addr(GUEST_IOAPIC_GPA)), 0x1000);
	if (ioapic_mmio == NULL) {
		return SVSM_E_NOMEM;
	}
	return bus_register_mmio(GUEST_IOAPIC_GPA, GUEST_PAGE_SIZE, ioapic_access, NULL);
}
