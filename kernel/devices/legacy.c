/*
 * The legacy ports of an OS guest (legacy.h, docs/paravisor.md "Ports and power").
 * Passed straight through (no exit): PIT 0x40-0x43, port 0x61, CMOS/RTC 0x70-0x71, POST
 * 0x80, ELCR 0x4d0-0x4d1, and in the ACPI PM block PM1a_EVT, the PM timer and GPE0.
 * Owned here:
 *   PM1a_CNT 0x604-0x605  SLP_EN with S5 powers the guest (and machine) off; other sleep
 *                         states are refused; the other bits are forwarded
 *   RST_CNT 0xcf9, port A 0x92 bit 0, i8042 command 0xfe: the guest resets, which resets
 *                         the machine (the SVSM writes 0x6 to 0xcf9)
 *   SMI_EN/SMI_STS 0x630-0x637, APM 0xb2-0xb3: writes raise SMIs on CPUs the SVSM runs
 *                         on: refused (logged once); reads pass through the SVSM. The
 *                         FADT's ACPI_ENABLE/ACPI_DISABLE to 0xb2 set/clear SCI_EN only
 *                         (the SVSM writes PM1a_CNT), as the BIOS's SMI handler would
 *   port A 0x92           A20 stays enabled (QEMU applies the gate to the boot CPU, the
 *                         SVSM's too): only reads and the reset bit take effect
 *   i8042 0x64            no controller (reads the bus default, all-ones), but the
 *                         pulse-reset command 0xfe still resets
 * The port-A and i8042 writes and the PM1a_CNT forward are made by the SVSM with
 * port_io.h. The only state is the log-once flags (atomic).
 */
#include "kernel/devices/legacy.h"

#include <stddef.h>

#include "kernel/devices/bus.h"
#include "kernel/drivers/port_io.h"
#include "kernel/guest/guest.h"
#include "kernel/lib/log.h"
#include "kernel/platform/platform.h"
#include "kernel/vcpu/exit_stats.h"
#include "kernel/vcpu/vcpu.h"

#define I8042_PULSE_RESET 0xfe
#define PORT_A_RESET      (1u << 0)
#define PORT_A_A20        (1u << 1)

static uint32_t smi_write_logged, sleep_logged, a20_logged;

static void log_once(uint32_t *flag, const char *what, uint16_t port, uint64_t value)
{
	if (__atomic_exchange_n(flag, 1, __ATOMIC_RELAXED) == 0) {
		pr_warn("legacy: guest %s refused (port %#x value %#lx; logged once)\n", what,
			port, (unsigned long)value);
	}
}

enum legacy_pm1_action legacy_pm1_cnt_decode(uint16_t port, uint8_t size, uint32_t value,
					      uint32_t *forward)
{
	uint32_t cnt; /* the 16-bit register as written (a byte at 0x605 is its top half) */

	if (port == LEGACY_PM1A_CNT + 1) {
		*forward = value & 0xff;
		cnt = (value & 0xff) << 8;
	} else if (size == 1) {
		*forward = value & 0xff;
		return LEGACY_PM1_FORWARD; /* the low byte has no sleep bits */
	} else {
		*forward = value & 0xffff; /* a 32-bit write's top half is no register */
		cnt = value & 0xffff;
	}
	if ((cnt & PM1_CNT_SLP_EN) == 0) {
		return LEGACY_PM1_FORWARD;
	}
	if (PM1_CNT_SLP_TYP(cnt) == PM1_SLP_TYP_S5) {
		return LEGACY_PM1_POWER_OFF;
	}
	*forward &= port == LEGACY_PM1A_CNT + 1 ? ~(PM1_CNT_SLP_EN >> 8) : ~PM1_CNT_SLP_EN;
	return LEGACY_PM1_REFUSED;
}

bool legacy_is_reset(uint16_t port, uint32_t value)
{
	switch (port) {
	case LEGACY_RST_CNT:
		return (value & RST_CNT_RST_CPU) != 0;
	case LEGACY_PORT_A:
		return (value & PORT_A_RESET) != 0;
	case LEGACY_I8042_CMD:
		return (value & 0xff) == I8042_PULSE_RESET;
	default:
		return false;
	}
}

/* The guest asked for the machine to go: say so, count, act, and stop the guest. */
static enum bus_result machine_stop(const char *what, uint16_t port, unsigned size,
				    uint32_t value)
{
	pr_host_info("%s\n", what);
	exit_stats_print();
	port_io_out(port, size, value);
	port_io_await_machine_stop();
	guest_stop(what); /* reached only if the machine did not go */
	return BUS_STOP_GUEST;
}

static enum bus_result pm1_cnt_access(void *ctx, struct vcpu *v, struct bus_access *a)
{
	uint32_t forward;

	(void)ctx;
	(void)v;
	if (a->port > LEGACY_PM1A_CNT + 1) {
		return BUS_UNOWNED; /* 0x606-0x607: nothing there */
	}
	if (!a->write) {
		a->value = port_io_in(a->port, a->size > 2 ? 2 : a->size);
		return BUS_DONE;
	}
	switch (legacy_pm1_cnt_decode(a->port, a->size, (uint32_t)a->value, &forward)) {
	case LEGACY_PM1_POWER_OFF:
		return machine_stop("guest powered off", a->port, a->port == LEGACY_PM1A_CNT ? 2 : 1,
				    forward);
	case LEGACY_PM1_REFUSED:
		log_once(&sleep_logged, "sleep state other than S5", a->port, a->value);
		break;
	case LEGACY_PM1_FORWARD:
		break;
	}
	port_io_out(a->port, a->port == LEGACY_PM1A_CNT && a->size > 1 ? 2 : 1, forward);
	return BUS_DONE;
}

static enum bus_result reset_access(void *ctx, struct vcpu *v, struct bus_access *a)
{
	(void)ctx;
	(void)v;
	if (a->port == LEGACY_I8042_CMD && !a->write) {
		return BUS_UNOWNED; /* no controller: status reads all-ones */
	}
	if (!a->write) {
		a->value = port_io_in(a->port, 1);
		return BUS_DONE;
	}
	if (a->size == 1 && legacy_is_reset(a->port, (uint32_t)a->value)) {
		return machine_stop("guest reset", LEGACY_RST_CNT, 1, RST_CNT_RESET);
	}
	if (a->port == LEGACY_RST_CNT && a->size == 1) {
		port_io_out(LEGACY_RST_CNT, 1, (uint32_t)a->value & 0xe); /* SYS_RST/FULL_RST latch */
	} else if (a->port == LEGACY_PORT_A && (a->value & PORT_A_A20) == 0) {
		log_once(&a20_logged, "A20 gate disable", a->port, a->value);
	}
	return BUS_DONE; /* i8042 commands other than reset, port A: dropped */
}

/*
 * ACPI mode: the OS writes the FADT's ACPI_ENABLE (2) or ACPI_DISABLE (3) to SMI_CMD (APM
 * 0xb2), which on QEMU's ICH9 sets or clears SCI_EN and raises an SMI for the BIOS. The
 * SVSM does the SCI_EN part itself, without the SMI.
 */
#define APM_ACPI_ENABLE  2u
#define APM_ACPI_DISABLE 3u
#define PM1_CNT_SCI_EN   1u

static enum bus_result smi_access(void *ctx, struct vcpu *v, struct bus_access *a)
{
	(void)ctx;
	(void)v;
	if (a->write && a->port == LEGACY_APM_CNT && a->size == 1 &&
	    (a->value == APM_ACPI_ENABLE || a->value == APM_ACPI_DISABLE)) {
		uint32_t cnt = port_io_in(LEGACY_PM1A_CNT, 2) & ~PM1_CNT_SLP_EN;

		cnt = a->value == APM_ACPI_ENABLE ? cnt | PM1_CNT_SCI_EN : cnt & ~PM1_CNT_SCI_EN;
		port_io_out(LEGACY_PM1A_CNT, 2, cnt);
		return BUS_DONE;
	}
	if (a->write) {
		log_once(&smi_write_logged, "SMI port write", a->port, a->value);
		return BUS_DONE;
	}
	a->value = port_io_in(a->port, a->size);
	return BUS_DONE;
}

enum svsm_err legacy_devices_register(void)
{
	static const struct {
		uint16_t first, count;
	} passed[] = {
		{0x40, 4},	/* PIT */
		{0x61, 1},	/* NMI status / speaker: PIT channel 2 gate */
		{0x70, 2},	/* CMOS/RTC */
		{0x80, 1},	/* POST */
		{0x4d0, 2},	/* ELCR */
		{LEGACY_PM_BASE, 4},		/* PM1a_EVT */
		{LEGACY_PM_BASE + 0x08, 4},	/* PM timer: OVMF polls it ~200k times */
		{LEGACY_PM_BASE + 0x20, 16},	/* GPE0 */
	};
	enum svsm_err err = SVSM_OK;

	for (size_t i = 0; i < sizeof(passed) / sizeof(passed[0]) && err == SVSM_OK; i++) {
		err = plat_guest_pass_io(passed[i].first, passed[i].count);
	}
	if (err == SVSM_OK) {
		err = bus_register_io(LEGACY_PM1A_CNT, 4, pm1_cnt_access, NULL);
	}
	if (err == SVSM_OK) {
		err = bus_register_io(LEGACY_SMI_EN, 8, smi_access, NULL);
	}
	if (err == SVSM_OK) {
		err = bus_register_io(LEGACY_APM_CNT, 2, smi_access, NULL);
	}
	if (err == SVSM_OK) {
		err = bus_register_io(LEGACY_RST_CNT, 1, reset_access, NULL);
	}
	if (err == SVSM_OK) {
		err = bus_register_io(LEGACY_PORT_A, 1, reset_access, NULL);
	}
	if (err == SVSM_OK) {
		err = bus_register_io(LEGACY_I8042_CMD, 1, reset_access, NULL);
	}
	return err;
}
