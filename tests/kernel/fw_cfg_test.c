/*
 * In-kernel tests of the fw_cfg driver on QEMU's real fw_cfg: fw_cfg_read_at() (host DMA
 * with SKIP into the driver's bounce page) returns the same bytes as the data port, at
 * offsets and across DMA chunks; the guest's fw_cfg view built over it.
 */
#include <stdbool.h>
#include <string.h>

#include "kernel/devices/fw_cfg_view.h"
#include "kernel/drivers/fw_cfg.h"
#include "kernel/lib/ktest.h"

#define FW_CFG_TEST_BYTES 9000u

static uint8_t by_port[FW_CFG_TEST_BYTES];
static uint8_t by_dma[FW_CFG_TEST_BYTES];

KTEST(fw_cfg, read_at_matches_the_data_port)
{
	uint16_t sel = 0;
	uint32_t size = 0;
	uint32_t n;

	KEXPECT(fw_cfg_find("etc/acpi/tables", &sel, &size));
	n = size < FW_CFG_TEST_BYTES ? size : FW_CFG_TEST_BYTES;
	KEXPECT(n > 100);
	fw_cfg_read(sel, by_port, n);
	memset(by_dma, 0xa5, sizeof(by_dma));
	fw_cfg_read_at(sel, 0, by_dma, n);
	KEXPECT(memcmp(by_port, by_dma, n) == 0);
	memset(by_dma, 0xa5, sizeof(by_dma));
	fw_cfg_read_at(sel, 37, by_dma, n - 37);
	KEXPECT(memcmp(by_port + 37, by_dma, n - 37) == 0);
	KEXPECT(fw_cfg_find("etc/e820", &sel, &size));
	KEXPECT(size % 20 == 0 && size > 0);
}

static uint8_t view_byte(uint16_t port, uint8_t size)
{
	struct bus_access a = {.port = port, .size = size, .write = false};

	return fw_cfg_view_io(NULL, NULL, &a) == BUS_DONE ? (uint8_t)a.value : 0xff;
}

static void view_select(uint16_t select)
{
	struct bus_access a = {.port = 0x510, .size = 2, .write = true, .value = select};

	KEXPECT(fw_cfg_view_io(NULL, NULL, &a) == BUS_DONE);
}

static uint32_t view_le32(uint16_t select)
{
	uint32_t v = 0;

	view_select(select);
	for (unsigned i = 0; i < 4; i++) {
		v |= (uint32_t)view_byte(0x511, 1) << (8 * i);
	}
	return v;
}

/* Without opt/svsm/kernel no kernel item; with one (a manual run), QEMU's -kernel split. */
static void check_kernel_items(void)
{
	uint16_t sel = 0;
	uint32_t size = 0;
	uint8_t sects = 0;
	uint32_t setup;
	uint8_t host[16], view[16];

	if (!fw_cfg_find("opt/svsm/kernel", &sel, &size)) {
		KEXPECT(view_le32(0x08) == 0);
		return;
	}
	fw_cfg_read_at(sel, 0x1f1, &sects, 1);
	setup = ((sects == 0 ? 4u : sects) + 1u) * 512u;
	KEXPECT(view_le32(0x17) == setup);
	KEXPECT(view_le32(0x08) == size - setup);
	fw_cfg_read_at(sel, setup, host, sizeof(host));
	view_select(0x11);
	for (unsigned i = 0; i < sizeof(view); i++) {
		view[i] = view_byte(0x511, 1);
	}
	KEXPECT(memcmp(host, view, sizeof(host)) == 0);
	KEXPECT(view_le32(0x14) >= 1);
}

/* The view over QEMU's real fw_cfg (with or without opt/svsm/kernel). */
KTEST(fw_cfg, view_over_the_host)
{
	uint32_t count = 0;
	uint32_t host_count = 0;
	bool e820 = false;
	enum svsm_err err = fw_cfg_view_register();

	KEXPECT(err == SVSM_OK || err == SVSM_E_BUSY); /* ports taken by an earlier run */
	view_select(0x00);
	KEXPECT(view_byte(0x511, 1) == 'Q' && view_byte(0x511, 1) == 'E');
	check_kernel_items();
	fw_cfg_read_at(0x19, 0, &host_count, 4);
	host_count = __builtin_bswap32(host_count);
	view_select(0x19);
	for (unsigned i = 0; i < 4; i++) {
		count = count << 8 | view_byte(0x511, 1);
	}
	KEXPECT(count > 0 && count <= host_count);
	for (uint32_t i = 0; i < count; i++) {
		char f[64];

		for (unsigned j = 0; j < sizeof(f); j++) {
			f[j] = (char)view_byte(0x511, 1);
		}
		f[63] = '\0';
		KEXPECT(strncmp(f + 8, "opt/svsm/", 9) != 0);
		e820 = e820 || strcmp(f + 8, "etc/e820") == 0;
	}
	KEXPECT(e820);
}
