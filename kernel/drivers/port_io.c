/*
 * Machine port accesses for emulated devices (port_io.h), with the real IN/OUT. No state.
 */
#include "kernel/drivers/port_io.h"

#include "kernel/arch/x86_64/x86.h"

uint32_t port_io_in(uint16_t port, unsigned size)
{
	return size == 4 ? inl(port) : size == 2 ? inw(port) : inb(port);
}

void port_io_out(uint16_t port, unsigned size, uint32_t value)
{
	if (size == 4) {
		outl(port, value);
	} else if (size == 2) {
		outw(port, (uint16_t)value);
	} else {
		outb(port, (uint8_t)value);
	}
}

void port_io_await_machine_stop(void)
{
	uint64_t start = rdtsc();

	while (rdtsc() - start < 2000000000ull) {
		__asm__ volatile("pause");
	}
}
