/*
 * Local APIC emulation for OS guests (lapic.h): decisions in lib/intc_filter.c, physical
 * register accesses here, on the current CPU with interrupts off (exit handling), so they
 * never interleave with the SVSM's own ICR use on this CPU. Owns the guest-view register
 * state (per CPU: only that CPU's vCPU touches it) and the "waiting for SIPI" flags
 * (atomic; any vCPU's INIT sets them, its SIPI takes them).
 */
#include "kernel/devices/lapic.h"

#include <stddef.h>

#include "kernel/arch/x86_64/apic.h"
#include "kernel/arch/x86_64/cpu.h"
#include "kernel/arch/x86_64/smp.h"
#include "kernel/devices/bus.h"
#include "kernel/devices/ioapic.h"
#include "kernel/devices/pic.h"
#include "kernel/guest/guest.h"
#include "kernel/lib/log.h"
#include "kernel/platform/platform.h"
#include "kernel/vcpu/lifecycle.h"
#include "kernel/vcpu/vcpu.h"
#include "lib/intc_filter.h"

static struct intc_lapic lapic_state[MAX_CPUS];
static bool wait_sipi[MAX_CPUS];
static bool refusal_logged[INTC_REFUSAL_KINDS];

static const char *const refusal_names[INTC_REFUSAL_KINDS] = {
	"accepted", "an illegal vector", "NMI delivery", "SMI delivery", "INIT delivery",
	"a delivery mode not allowed there", "a logical INIT/SIPI destination",
};

/* Once per kind of refusal: a guest may repeat it at every boot step. */
static void log_refusal(enum intc_refusal why, uint32_t offset, uint32_t value)
{
	if (why == INTC_ACCEPTED || why >= INTC_REFUSAL_KINDS ||
	    __atomic_exchange_n(&refusal_logged[why], true, __ATOMIC_RELAXED)) {
		return;
	}
	pr_info("lapic: refused %s in register %#x (value %#x); written masked or dropped\n",
		refusal_names[why], offset, value);
}

static void icr_init_sipi(const struct intc_lapic_write *w)
{
	uint32_t self = this_cpu()->apic_id;

	for (unsigned cpu = 1; cpu < smp_cpu_count(); cpu++) {
		uint32_t id = percpu_area[cpu].apic_id;
		enum svsm_err err = SVSM_OK;

		if (!intc_icr_targets(&w->icr, self, id) || id == self) {
			continue;
		}
		if (w->action == INTC_ICR_INIT) {
			__atomic_store_n(&wait_sipi[cpu], true, __ATOMIC_RELEASE);
			continue;
		}
		if (!__atomic_exchange_n(&wait_sipi[cpu], false, __ATOMIC_ACQ_REL)) {
			continue; /* the second SIPI, or no INIT before it */
		}
		err = vcpu_start_sipi(id, w->icr.vector);
		if (err != SVSM_OK && err != SVSM_E_EXISTS) {
			pr_warn("lapic: SIPI to APIC %u failed (%d)\n", id, err);
		}
	}
}

static enum bus_result lapic_access(void *ctx, struct vcpu *v, struct bus_access *a)
{
	uint32_t offset = (uint32_t)(gpa_addr(a->gpa) & 0xfff);
	struct intc_lapic *s = &lapic_state[this_cpu()->index];
	struct intc_lapic_write w;

	(void)ctx;
	(void)v;
	if (a->size != 4 || (offset & 0xf) != 0) {
		if (!a->write) {
			a->value = 0; /* registers are 16-byte aligned dwords */
		}
		return BUS_DONE;
	}
	if (!a->write) {
		uint32_t phys = intc_lapic_passes_read(offset) ? apic_reg_read(offset) : 0;

		if (offset == LAPIC_REG_ID && apic_is_x2apic()) {
			phys <<= 24; /* the guest sees an xAPIC: the ID in bits 31:24 */
		}
		a->value = intc_lapic_read_value(s, offset, phys);
		return BUS_DONE;
	}
	intc_lapic_do_write(s, offset, (uint32_t)a->value, &w);
	log_refusal(w.why, offset, (uint32_t)a->value);
	if (w.op == INTC_LAPIC_WRITE) {
		apic_reg_write(offset, w.value);
	} else if (w.op == INTC_LAPIC_ICR && w.action == INTC_ICR_SEND) {
		/* Defined ICR bits only (reserved ones may #GP in x2APIC mode); the xAPIC
		 * physical broadcast 0xff is 0xffffffff to an x2APIC. */
		uint32_t dest = w.icr.dest;

		if (apic_is_x2apic() && dest == 0xff && !w.icr.logical) {
			dest = 0xffffffffu;
		}
		apic_send_raw(dest, (uint32_t)a->value & 0xccfffu);
	} else if (w.op == INTC_LAPIC_ICR &&
		   (w.action == INTC_ICR_INIT || w.action == INTC_ICR_SIPI)) {
		icr_init_sipi(&w);
	}
	return BUS_DONE;
}

enum svsm_err lapic_register(void)
{
	enum svsm_err err = SVSM_OK;

	for (unsigned i = 0; i < MAX_CPUS; i++) {
		intc_lapic_reset(&lapic_state[i]);
	}
	err = bus_register_mmio(guest_lapic_gpa(), GUEST_PAGE_SIZE, lapic_access, NULL);
	if (err == SVSM_OK) {
		err = plat_guest_irqs_own();
	}
	return err;
}

enum svsm_err intc_register_os(void)
{
	enum svsm_err err = lapic_register();

	if (err == SVSM_OK) {
		err = ioapic_register();
	}
	if (err == SVSM_OK) {
		err = pic_register();
	}
	return err;
}
