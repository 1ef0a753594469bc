/*
 * Tests of the test guest's MMIO test device (kernel/devices/test_mmio.c) through the bus:
 * the pattern it reads as, writes it remembers, an access past its page, an undecoded one.
 */
#include "kernel/devices/bus.h"
#include "kernel/devices/test_mmio.h"
#include "kernel/guest/guest.h"
#include "kernel/vcpu/vcpu.h"
#include "svsm/abi/native_guest.h"
#include "tests/unit/harness.h"

static struct bus_access access(uint64_t off, uint8_t size, bool write, uint64_t value)
{
	return (struct bus_access){.gpa = gpa_init(NATIVE_TEST_MMIO_GPA + off), .size = size,
				   .write = write, .value = value};
}

TEST(test_mmio, pattern_writes_and_bounds)
{
	struct vcpu v = {.id = 0};
	struct bus_access a;

	bus_reset();
	guest_stop_reset();
	ASSERT_EQ(test_mmio_register(), SVSM_OK);
	a = access(0x10, 2, false, ~0ull);
	EXPECT_EQ(bus_mmio(&v, &a), BUS_DONE);
	EXPECT_EQ(a.value, native_test_mmio_byte(0x10) | native_test_mmio_byte(0x11) << 8);
	a = access(0x20, 4, true, 0x1122334455667788ull);
	EXPECT_EQ(bus_mmio(&v, &a), BUS_DONE);
	a = access(0x20, 8, false, 0);
	EXPECT_EQ(bus_mmio(&v, &a), BUS_DONE);
	EXPECT_EQ(a.value & 0xffffffffu, 0x55667788u); /* only 4 bytes were written */
	EXPECT_EQ(a.value >> 32, native_test_mmio_byte(0x24) | native_test_mmio_byte(0x25) << 8 |
				     native_test_mmio_byte(0x26) << 16 |
				     (uint64_t)native_test_mmio_byte(0x27) << 24);
	a = access(0, 0, false, 0); /* not decoded: accepted, the exit path stops the guest */
	EXPECT_EQ(bus_mmio(&v, &a), BUS_DONE);
	EXPECT_FALSE(guest_stopped());
	a = access(0xffc, 8, false, 0);
	EXPECT_EQ(bus_mmio(&v, &a), BUS_STOP_GUEST);
	EXPECT_TRUE(guest_stopped());
	/* A second registration is refused (the page is owned) and resets nothing. */
	EXPECT_EQ(test_mmio_register(), SVSM_E_BUSY);
	a = access(0x20, 1, false, 0);
	EXPECT_EQ(bus_mmio(&v, &a), BUS_DONE);
	EXPECT_EQ(a.value, 0x88u);
	bus_reset();
	guest_stop_reset();
}
