/*
 * Host stand-in for port_io.h: a fake machine whose ports remember the last value
 * written and count writes, for the unit and fuzz tests of devices/.
 */
#include "kernel/drivers/port_io.h"

#include <string.h>

static uint32_t values[65536];
static unsigned writes[65536];

uint32_t port_io_in(uint16_t port, unsigned size)
{
	return values[port] & (size == 4 ? 0xffffffffu : size == 2 ? 0xffffu : 0xffu);
}

void port_io_out(uint16_t port, unsigned size, uint32_t value)
{
	values[port] = value & (size == 4 ? 0xffffffffu : size == 2 ? 0xffffu : 0xffu);
	writes[port]++;
}

void port_io_await_machine_stop(void)
{
}

void port_io_fake_reset(void)
{
	memset(values, 0, sizeof(values));
	memset(writes, 0, sizeof(writes));
}

uint32_t port_io_fake_get(uint16_t port)
{
	return values[port];
}

void port_io_fake_set(uint16_t port, uint32_t value)
{
	values[port] = value;
}

unsigned port_io_fake_writes(uint16_t port)
{
	return writes[port];
}
