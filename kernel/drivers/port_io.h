/*
 * The SVSM's own accesses to machine ports on behalf of its guest's emulated devices
 * (devices/legacy.c): one seam, so host unit tests replace the hardware with a fake
 * (port_io_host.c).
 */
#pragma once

#include <stdint.h>

/** port_io_in - read @size (1, 2, 4) bytes from @port. */
uint32_t port_io_in(uint16_t port, unsigned size);
/** port_io_out - write the low @size bytes of @value to @port. */
void port_io_out(uint16_t port, unsigned size, uint32_t value);
/**
 * port_io_await_machine_stop - after a write that powers off or resets the machine: wait
 * (bounded, about a second) for the machine to act on it before the SVSM goes on.
 */
void port_io_await_machine_stop(void);

/* Host fake (port_io_host.c): the last value written to each port, reads return it. */
void port_io_fake_reset(void);
uint32_t port_io_fake_get(uint16_t port);
void port_io_fake_set(uint16_t port, uint32_t value);
unsigned port_io_fake_writes(uint16_t port);
