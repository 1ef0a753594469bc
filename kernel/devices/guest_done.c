/*
 * The completion port device (guest_done.h). An OUT of any size reports AL; the run of
 * the vCPU that wrote it ends (the boot vCPU's end stops the others, kernel/init/main.c).
 * Reads get the bus default. The result is written by any vCPU, read by the boot CPU once
 * the guest has stopped: one atomic int.
 */
#include "kernel/devices/guest_done.h"

#include <stddef.h>

#include "kernel/devices/bus.h"

static volatile int guest_result = -1;

static enum bus_result guest_done_access(void *ctx, struct vcpu *v, struct bus_access *a)
{
	(void)ctx;
	(void)v;
	if (!a->write) {
		return BUS_UNOWNED;
	}
	__atomic_store_n(&guest_result, (int)(a->value & 0xff), __ATOMIC_RELEASE);
	return BUS_STOP_VCPU;
}

enum svsm_err guest_done_register(uint16_t port)
{
	return bus_register_io(port, 1, guest_done_access, NULL);
}

int guest_done_result(void)
{
	return __atomic_load_n(&guest_result, __ATOMIC_ACQUIRE);
}
