/*
 * In-kernel tests of the fw_cfg driver on QEMU's real fw_cfg: fw_cfg_read_at() (host DMA
 * with SKIP into the driver's bounce page) returns the same bytes as the data port, at
 * offsets and across DMA chunks.
 */
#include <string.h>

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
