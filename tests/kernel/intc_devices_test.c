/*
 * Kernel tests of the OS guests' IOAPIC and 8259 devices (kernel/devices/ioapic.c, pic.c)
 * on QEMU's real controllers, through the device bus as the exit dispatcher calls it:
 * a refused redirection entry reaches the hardware masked, an allowed one unchanged; the
 * PICs are left masked by pic_register() and reads pass through.
 */
#include <stddef.h>

#include "kernel/devices/bus.h"
#include "kernel/devices/ioapic.h"
#include "kernel/devices/pic.h"
#include "kernel/guest/guest.h"
#include "kernel/lib/ktest.h"

static uint64_t ioapic_rw(uint32_t offset, bool write, uint32_t value)
{
	struct bus_access a = {.gpa = gpa_add(GUEST_IOAPIC_GPA, offset), .size = 4,
			       .write = write, .value = value};

	KEXPECT_EQ(bus_mmio(NULL, &a), BUS_DONE);
	return a.value;
}

static uint32_t rte_write_read(uint32_t low)
{
	ioapic_rw(0x00, true, 0x10); /* IOREGSEL: pin 0, low dword */
	ioapic_rw(0x10, true, low);
	ioapic_rw(0x00, true, 0x00); /* something else in between */
	ioapic_rw(0x00, true, 0x10);
	return (uint32_t)ioapic_rw(0x10, false, 0);
}

KTEST(intc_devices, ioapic_and_pic_filter_onto_hardware)
{
	struct bus_access a = {.port = 0x21, .size = 1};

	bus_reset();
	KEXPECT_EQ(ioapic_register(), SVSM_OK);
	KEXPECT_EQ(pic_register(), SVSM_OK);
	KEXPECT_EQ(rte_write_read(0x10030) & 0x1ffff, 0x10030u);
	KEXPECT_EQ(rte_write_read(0x00408) & 0x1ffff, 0x10408u); /* NMI: masked */
	KEXPECT_EQ(rte_write_read(0x00008) & 0x1ffff, 0x10008u); /* vector 8: masked */
	KEXPECT_EQ(rte_write_read(0x00031) & 0x1ffff, 0x00031u); /* fixed 0x31: as is */
	KEXPECT_EQ(rte_write_read(0x10000) & 0x1ffff, 0x10000u); /* back to masked */
	KEXPECT_EQ(ioapic_rw(0x00, false, 0), 0x10u);           /* the guest's IOREGSEL */
	KEXPECT_EQ(ioapic_rw(0x20, false, 0), 0u);              /* no register there */
	KEXPECT_EQ(bus_io(NULL, &a), BUS_DONE);
	KEXPECT_EQ(a.value, 0xffu); /* master PIC all masked */
	bus_reset();
}
