/*
 * Tests of kernel/devices/proxy_uart_hide.c: an OS guest's accesses to COM2 (the SVSM's
 * proxy UART) read all-ones, writes go nowhere, and nobody can register the ports again.
 */
#include "kernel/devices/bus.h"
#include "kernel/devices/proxy_uart_hide.h"
#include "tests/unit/harness.h"

static enum bus_result never(void *ctx, struct vcpu *v, struct bus_access *a)
{
	return BUS_DONE;
}

TEST(proxy_uart_hide, com2_is_absent_for_the_guest)
{
	struct bus_access a = {.port = 0x2f8, .size = 1};

	bus_reset();
	ASSERT_EQ(proxy_uart_hide_register(), SVSM_OK);
	for (uint16_t p = 0x2f8; p <= 0x2ff; p++) {
		a.port = p;
		a.write = false;
		a.value = 0;
		EXPECT_EQ(bus_io(NULL, &a), BUS_DONE);
		EXPECT_EQ(a.value, 0xff);
		a.write = true;
		a.value = 0x41;
		EXPECT_EQ(bus_io(NULL, &a), BUS_DONE);
	}
	a.port = 0x2fc;
	a.size = 4;
	a.write = false;
	EXPECT_EQ(bus_io(NULL, &a), BUS_DONE);
	EXPECT_EQ(a.value, 0xffffffffu);
	a.port = 0x300;
	EXPECT_EQ(bus_io(NULL, &a), BUS_UNOWNED);
	EXPECT_EQ(bus_register_io(0x2fa, 1, never, NULL), SVSM_E_BUSY);
	bus_reset();
}
