/*
 * Placeholder device for the interrupt controllers (intc_absent.h): owns their pages on
 * the bus and stops the guest at any access, with a log line naming the controller.
 * No state.
 */
#include "kernel/devices/intc_absent.h"

#include <stddef.h>

#include "kernel/devices/bus.h"
#include "kernel/guest/guest.h"
#include "kernel/lib/log.h"
#include "kernel/platform/platform.h"
#include "kernel/vcpu/vcpu.h"

static enum bus_result intc_access(void *ctx, struct vcpu *v, struct bus_access *a)
{
	const char *name = ctx;

	pr_err("vcpu: vCPU %u accessed the %s at GPA %#lx (RIP %#lx): interrupt controllers "
	       "are not virtualised yet\n",
	       v->id, name, gpa_addr(a->gpa), plat_vcpu_reg(v, VM_REG_RIP));
	guest_stop("access to an interrupt controller");
	return BUS_STOP_GUEST;
}

enum svsm_err intc_absent_register(void)
{
	enum svsm_err err = bus_register_mmio(guest_lapic_gpa(), GUEST_PAGE_SIZE, intc_access,
					      "local APIC");

	if (err == SVSM_OK) {
		err = bus_register_mmio(GUEST_IOAPIC_GPA, GUEST_PAGE_SIZE, intc_access, "IOAPIC");
	}
	return err;
}
