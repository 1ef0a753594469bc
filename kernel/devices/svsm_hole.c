/*
 * The range reserved for the SVSM, seen from an OS guest (svsm_hole.h). It is never in
 * the NPT; accesses arrive through vcpu/mmio.c. One counter, atomic.
 */
#include "kernel/devices/svsm_hole.h"

#include <stddef.h>

#include "kernel/devices/bus.h"
#include "kernel/lib/log.h"
#include "kernel/platform/platform.h"

static uint64_t hole_accesses;

static enum bus_result hole_access(void *ctx, struct vcpu *v, struct bus_access *a)
{
	(void)ctx;
	if (__atomic_fetch_add(&hole_accesses, 1, __ATOMIC_RELAXED) == 0) {
		pr_warn("guest: %s of the range reserved for the SVSM at GPA %#lx (RIP %#lx): "
			"nothing there (logged once)\n", a->write ? "write" : "read",
			gpa_addr(a->gpa), plat_vcpu_reg(v, VM_REG_RIP));
	}
	if (!a->write) {
		a->value = ~0ull;
	}
	return BUS_DONE;
}

enum svsm_err svsm_hole_register(gpa_t start, gpa_t end)
{
	if (!gpa_lt(start, end)) {
		return SVSM_E_INVALID_PARAM;
	}
	return bus_register_mmio(start, gpa_diff(end, start), hole_access, NULL);
}

uint64_t svsm_hole_accesses(void)
{
	return __atomic_load_n(&hole_accesses, __ATOMIC_RELAXED);
}
