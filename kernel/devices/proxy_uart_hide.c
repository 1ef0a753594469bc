/*
 * Hides the SVSM's proxy UART (COM2) from OS guests (proxy_uart_hide.h). On native the
 * IOPM already makes every port that is not passed through exit to the SVSM, and unowned
 * ports read all-ones; owning the range makes that explicit and makes a later
 * plat_guest_pass_io() or bus registration of these ports fail loudly. No state.
 */
#include "kernel/devices/proxy_uart_hide.h"

#include <stddef.h>

#include "kernel/devices/bus.h"

static enum bus_result proxy_uart_absent(void *ctx, struct vcpu *v, struct bus_access *a)
{
	(void)ctx;
	(void)v;
	if (!a->write) {
		a->value = a->size >= 8 ? UINT64_MAX : (1ull << (a->size * 8)) - 1;
	}
	return BUS_DONE;
}

enum svsm_err proxy_uart_hide_register(void)
{
	return bus_register_io(PROXY_UART_PORT, PROXY_UART_PORTS, proxy_uart_absent, NULL);
}
