/*
 * libFuzzer target for the guest's PCI configuration filter (kernel/devices/pci_filter.c)
 * and its register state machine: random sequences of CF8 latch writes/reads, CFC-CFF
 * accesses of every size, and ECAM accesses, through the device bus, against the fake
 * bus 0 of kernel/drivers/pci_host.c. Checks after every access: Bus Master Enable is
 * never set, PCIEXBAR and PMBASE keep their values, SMRAM/RCBA are unchanged, and no
 * hidden function's registers change.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "kernel/devices/bus.h"
#include "kernel/devices/pci_filter.h"
#include "kernel/drivers/pci.h"

#define ECAM 0xb0000000ull

static void check(int ok)
{
	if (!ok) {
		abort();
	}
}

static void machine(void)
{
	pci_fake_reset();
	pci_fake_set32(0, 0, 0x00, 0x29c08086);
	pci_fake_set32(0, 0, 0x04, 0x00100002);
	pci_fake_set32(0, 0, 0x60, 0xb0000001);
	pci_fake_set32(0, 0, 0x64, 0);
	pci_fake_set32(0, 0, 0x9c, 0x02);
	pci_fake_set32(0x1f, 0, 0x00, 0x29188086);
	pci_fake_set32(0x1f, 0, 0x04, 0x00000007 & ~4u);
	pci_fake_set32(0x1f, 0, 0x40, 0x601);
	pci_fake_set32(0x1f, 0, 0xf0, 0);
	pci_fake_set32(0x1f, 3, 0x00, 0x29308086);
	pci_fake_set32(0x1f, 3, 0x04, 0x00000001);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t sizes[4] = {1, 2, 4, 8};

	bus_reset();
	pci_filter_reset();
	machine();
	if (pci_filter_register(gpa_init(ECAM), 0x10000000ull) != SVSM_OK) {
		abort();
	}
	for (size_t i = 0; i + 8 <= size; i += 8) {
		const uint8_t *p = data + i;
		uint32_t value = p[4] | p[5] << 8 | (uint32_t)p[6] << 16 | (uint32_t)p[7] << 24;
		struct bus_access a = {.size = sizes[p[0] & 3], .write = (p[0] & 4) != 0,
				       .value = value};

		switch ((p[0] >> 3) & 3) {
		case 0: /* the latch: steer towards the visible functions */
			a.port = PCI_FILTER_CF8;
			a.size = 4;
			a.value = 0x80000000u | (p[1] & 1 ? 0xf800u : 0) | (p[1] & 2 ? 0x300u : 0) |
				  (p[1] & 4 ? value & 0x7fff00u : 0) | (p[2] & 0xfc);
			(void)bus_io(NULL, &a);
			break;
		case 1:
		case 2:
			a.port = (uint16_t)(PCI_FILTER_CFC + (p[1] & 3));
			if (a.size > 4) {
				a.size = 4;
			}
			(void)bus_io(NULL, &a);
			break;
		default: {
			uint64_t off = (uint64_t)(p[1] & 1 ? 0x1f : p[1] >> 3 & 31) << 15 |
				       (uint64_t)(p[1] & 6) << 11 | (p[2] | (p[3] & 0xf) << 8);

			a.gpa = gpa_init(ECAM + off);
			(void)bus_mmio(NULL, &a);
			break;
		}
		}
		check((pci_config_read32(0, 0, 4) & 4) == 0);
		check((pci_config_read32(0x1f, 0, 4) & 4) == 0);
		check(pci_config_read32(0, 0, 0x60) == 0xb0000001u);
		check(pci_config_read32(0, 0, 0x64) == 0);
		check(pci_config_read32(0, 0, 0x9c) == 0x02);
		check(pci_config_read32(0x1f, 0, 0x40) == 0x601);
		check(pci_config_read32(0x1f, 0, 0xf0) == 0);
		check(pci_config_read32(0x1f, 3, 0x04) == 1);
		check(pci_config_read32(0x1f, 3, 0x00) == 0x29308086u);
	}
	return 0;
}
