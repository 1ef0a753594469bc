/*
 * Launching the guest and stopping it (guest.h). The launch runs once on the boot CPU:
 * guest map, the platform's protection of the SVSM, the devices every guest gets, the
 * test guest (with its own devices) when the kernel loads it, the traps for every device's
 * MMIO, the boot vCPU. No state (stopping: stop.c).
 */
#include "kernel/guest/guest.h"

#include <stddef.h>

#include "kernel/devices/bus.h"
#include "kernel/devices/intc_absent.h"
#include "kernel/platform/platform.h"

/* Every MMIO range a device owns must reach it: the platform traps them all. */
static enum svsm_err trap_device_mmio(void)
{
	enum svsm_err err = SVSM_OK;
	gpa_t gpa;
	uint64_t size = 0;

	for (unsigned i = 0; err == SVSM_OK && bus_mmio_range(i, &gpa, &size); i++) {
		err = plat_guest_trap_mmio(gpa, size);
	}
	return err;
}

enum svsm_err guest_launch(struct vcpu **bsp)
{
	enum plat_guest_source source = PLAT_GUEST_IN_IMAGE;
	struct plat_guest_start start = {.entry = 0};
	enum svsm_err err = guest_ram_map_init();

	if (err == SVSM_OK) {
		err = plat_guest_prepare(&source);
	}
	if (err == SVSM_OK) {
		err = intc_absent_register();
	}
	if (err == SVSM_OK && source == PLAT_GUEST_LOADED) {
		err = test_guest_load(&start);
	}
	if (err == SVSM_OK) {
		err = trap_device_mmio();
	}
	if (err != SVSM_OK) {
		return err;
	}
	return plat_launch_guest(source == PLAT_GUEST_LOADED ? &start : NULL, bsp);
}
