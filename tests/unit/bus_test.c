/*
 * Tests of the device bus (kernel/devices/bus.c): registration, overlap refusal, dispatch
 * to the owner with its context, the unowned answer, and lookups of every port and of
 * GPAs at the ends of the address space.
 */
#include "kernel/devices/bus.h"
#include "tests/unit/harness.h"

static unsigned calls;
static uint64_t last_addr;

static enum bus_result record(void *ctx, struct vcpu *v, struct bus_access *a)
{
	(void)v;
	calls++;
	last_addr = a->port + gpa_addr(a->gpa); /* the one that is not 0 */
	if (!a->write) {
		a->value = (uint64_t)(uintptr_t)ctx;
	}
	return BUS_DONE;
}

TEST(bus, io_dispatch_to_owner_with_its_context)
{
	struct bus_access a = {.port = 0x102, .size = 1};

	bus_reset();
	calls = 0;
	ASSERT_EQ(bus_register_io(0x100, 4, record, (void *)0x5a), SVSM_OK);
	EXPECT_EQ(bus_io(NULL, &a), BUS_DONE);
	EXPECT_EQ(a.value, 0x5a);
	EXPECT_EQ(last_addr, 0x102);
	a.port = 0x104;
	EXPECT_EQ(bus_io(NULL, &a), BUS_UNOWNED);
	a.port = 0xff;
	EXPECT_EQ(bus_io(NULL, &a), BUS_UNOWNED);
	EXPECT_EQ(calls, 1u);
}

TEST(bus, overlap_refused_adjacent_accepted)
{
	bus_reset();
	ASSERT_EQ(bus_register_io(0x100, 4, record, NULL), SVSM_OK);
	EXPECT_EQ(bus_register_io(0x103, 2, record, NULL), SVSM_E_BUSY);
	EXPECT_EQ(bus_register_io(0xff, 2, record, NULL), SVSM_E_BUSY);
	EXPECT_EQ(bus_register_io(0x0, 0x10000, record, NULL), SVSM_E_BUSY);
	EXPECT_EQ(bus_register_io(0x104, 1, record, NULL), SVSM_OK);
	EXPECT_EQ(bus_register_io(0xff, 1, record, NULL), SVSM_OK);
	ASSERT_EQ(bus_register_mmio(gpa_init(0xfee00000), 0x1000, record, NULL), SVSM_OK);
	EXPECT_EQ(bus_register_mmio(gpa_init(0xfee00fff), 1, record, NULL), SVSM_E_BUSY);
	EXPECT_EQ(bus_register_mmio(gpa_init(0xfedff000), 0x1001, record, NULL), SVSM_E_BUSY);
	EXPECT_EQ(bus_register_mmio(gpa_init(0xfee01000), 0x1000, record, NULL), SVSM_OK);
}

TEST(bus, empty_wrapping_and_full_refused)
{
	bus_reset();
	EXPECT_EQ(bus_register_io(0x100, 0, record, NULL), SVSM_E_INVALID_PARAM);
	EXPECT_EQ(bus_register_io(0xffff, 2, record, NULL), SVSM_E_INVALID_PARAM);
	EXPECT_EQ(bus_register_io(0x10000, 1, record, NULL), SVSM_E_INVALID_PARAM);
	EXPECT_EQ(bus_register_io(0x100, 1, NULL, NULL), SVSM_E_INVALID_PARAM);
	EXPECT_EQ(bus_register_mmio(gpa_init(UINT64_MAX), 2, record, NULL), SVSM_E_INVALID_PARAM);
	EXPECT_EQ(bus_register_mmio(gpa_init(0x1000), 0, record, NULL), SVSM_E_INVALID_PARAM);
	EXPECT_EQ(bus_register_io(0xffff, 1, record, NULL), SVSM_OK);
	EXPECT_EQ(bus_register_mmio(gpa_init(UINT64_MAX), 1, record, NULL), SVSM_OK);
	for (unsigned i = 1; i < BUS_MAX_IO_RANGES; i++) {
		EXPECT_EQ(bus_register_io(i * 2, 1, record, NULL), SVSM_OK);
	}
	EXPECT_EQ(bus_register_io(0x8000, 1, record, NULL), SVSM_E_NOMEM);
}

TEST(bus, every_port_and_extreme_gpas_are_safe_lookups)
{
	struct bus_access a = {.size = 4, .write = true};
	static const uint64_t gpas[] = {0, 1, 0xfff, 0xffffffffull, UINT64_MAX - 1, UINT64_MAX};
	unsigned owned = 0;

	bus_reset();
	calls = 0;
	ASSERT_EQ(bus_register_io(0xfff0, 0x10, record, NULL), SVSM_OK);
	ASSERT_EQ(bus_register_mmio(gpa_init(UINT64_MAX - 0xfff), 0x1000, record, NULL), SVSM_OK);
	for (uint32_t port = 0; port <= 0xffff; port++) {
		a.port = (uint16_t)port;
		owned += bus_io(NULL, &a) == BUS_DONE;
	}
	EXPECT_EQ(owned, 0x10u);
	owned = 0;
	for (size_t i = 0; i < sizeof(gpas) / sizeof(gpas[0]); i++) {
		a.port = 0;
		a.gpa = gpa_init(gpas[i]);
		owned += bus_mmio(NULL, &a) == BUS_DONE;
		EXPECT_EQ(bus_mmio_owned(gpa_init(gpas[i])), gpas[i] >= UINT64_MAX - 0xfff);
	}
	EXPECT_EQ(owned, 2u);
	bus_reset();
}
