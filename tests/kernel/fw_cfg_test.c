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

/* The view over QEMU's real fw_cfg (the test kernel's QEMU has no opt/svsm/kernel). */
KTEST(fw_cfg, view_over_the_host)
{
	uint32_t count = 0;
	uint32_t host_count = 0;
	bool e820 = false;
	enum svsm_err err = fw_cfg_view_register();

	KEXPECT(err == SVSM_OK || err == SVSM_E_BUSY); /* ports taken by an earlier run */
	view_select(0x00);
	KEXPECT(view_byte(0x511, 1) == 'Q' && view_byte(0x511, 1) == 'E');
	view_select(0x08); /* no kernel: no KERNEL_SIZE */
	KEXPECT(view_byte(0x511, 1) == 0);
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
