/*
 * libFuzzer target for the legacy port devices (kernel/devices/legacy.c): random port
 * accesses of every size to the ports they own, through the device bus, against the fake
 * machine ports of kernel/drivers/port_io_host.c. Checks: the SMI ports (APM, SMI_EN) and
 * port A are never written, PM1a_CNT is never written with SLP_EN and a sleep type other
 * than S5, and RST_CNT only ever gets the SVSM's reset value or a latch without RST_CPU.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "kernel/devices/bus.h"
#include "kernel/devices/legacy.h"
#include "kernel/drivers/port_io.h"
#include "kernel/guest/guest.h"
#include "kernel/platform/platform.h"
#include "kernel/vcpu/vcpu.h"

/* Passing ports through is the platform's business: nothing to do here. */
enum svsm_err plat_guest_pass_io(uint32_t first, uint32_t count)
{
	(void)first;
	(void)count;
	return SVSM_OK;
}

/* guest_stop() asks the vCPUs to stop: there are none here. */
void vcpu_request_stop_all(const struct vcpu *self)
{
	(void)self;
}

static void check(int ok)
{
	if (!ok) {
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint16_t ports[] = {0x604, 0x605, 0x606, 0x630, 0x634, 0x637, 0xb2, 0xb3,
					 0xcf9, 0x92, 0x64};
	static const uint8_t sizes[4] = {1, 2, 4, 1};

	bus_reset();
	guest_stop_reset();
	port_io_fake_reset();
	if (legacy_devices_register() != SVSM_OK) {
		abort();
	}
	for (size_t i = 0; i + 4 <= size; i += 4) {
		const uint8_t *p = data + i;
		struct bus_access a = {.port = ports[p[0] % (sizeof(ports) / sizeof(ports[0]))],
				       .size = sizes[p[1] & 3], .write = (p[1] & 4) != 0,
				       .value = p[2] | (uint32_t)p[3] << 8};
		uint32_t lo, hi, rst;

		(void)bus_io(NULL, &a);
		lo = port_io_fake_get(0x604); /* the last 16-bit (or low-byte) write */
		hi = port_io_fake_get(0x605) << 8; /* the last high-byte write */
		rst = port_io_fake_get(0xcf9);
		check(port_io_fake_writes(0xb2) == 0 && port_io_fake_writes(0xb3) == 0);
		for (uint16_t port = 0x630; port < 0x638; port++) {
			check(port_io_fake_writes(port) == 0);
		}
		check(port_io_fake_writes(0x92) == 0);
		check((lo & PM1_CNT_SLP_EN) == 0 || PM1_CNT_SLP_TYP(lo) == PM1_SLP_TYP_S5);
		check((hi & PM1_CNT_SLP_EN) == 0 || PM1_CNT_SLP_TYP(hi) == PM1_SLP_TYP_S5);
		check(rst == RST_CNT_RESET || (rst & RST_CNT_RST_CPU) == 0);
		if (guest_stopped()) {
			break; /* the machine went */
		}
	}
	return 0;
}
