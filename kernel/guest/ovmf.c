/*
 * Firmware for an OS guest on native (docs/paravisor.md "Firmware"): the fw_cfg file
 * opt/svsm/firmware (Debian's OVMF.fd, code and variable store in one image) is read once
 * into SVSM pages that become the guest's flash, the top @size bytes below 4 GiB, where
 * the reset vector is. The pages are guest memory from then on (OVMF writes its variable
 * store there; with RAM behind it OVMF keeps variables in memory); the SVSM never reads
 * them again. Runs once on the boot CPU before guest_ram_map_init(); no state of its own.
 */
#include "kernel/guest/guest.h"

#include <string.h>

#include "kernel/drivers/fw_cfg.h"
#include "kernel/lib/log.h"
#include "kernel/mm/addr.h"
#include "kernel/mm/page_alloc.h"

#define OVMF_FW_CFG_FILE "opt/svsm/firmware"
#define FLASH_MAX (8ull << 20)
#define FLASH_ALIGN 0x10000ull /* firmware volumes are 64 KiB multiples */
#define FOUR_GIB 0x100000000ull

enum svsm_err ovmf_load(void)
{
	uint16_t select;
	uint32_t size;
	unsigned order = 0;
	paddr_t pa;
	uint8_t *image;

	if (!fw_cfg_find(OVMF_FW_CFG_FILE, &select, &size)) {
		return SVSM_E_NOT_FOUND;
	}
	if (size == 0 || size > FLASH_MAX || size % FLASH_ALIGN != 0) {
		pr_err("guest: %s is %u bytes; firmware must be a multiple of 64 KiB up to 8 MiB\n",
		       OVMF_FW_CFG_FILE, size);
		return SVSM_E_FORMAT;
	}
	while ((MM_PAGE_SIZE << order) < size) {
		order++;
	}
	pa = page_alloc_get(order, PAGE_OWNER_KERNEL);
	if (pa_is_null(pa)) {
		return SVSM_E_NOMEM;
	}
	image = phys_to_virt(pa);
	fw_cfg_read_at(select, 0, image, size); /* host DMA where offered */
	/* The reset vector's far jump is the image's last 16 bytes: a sanity check only. */
	if (image[size - 16] != 0x90 && image[size - 16] != 0xe9 && image[size - 16] != 0xea &&
	    image[size - 16] != 0xeb && image[size - 16] != 0x0f) {
		pr_warn("guest: %s has no jump at its reset vector (byte %#x)\n", OVMF_FW_CFG_FILE,
			image[size - 16]);
	}
	guest_ram_map_set_flash(gpa_init(FOUR_GIB - size), gpa_init(FOUR_GIB), pa);
	pr_info("guest: firmware %s, %u KiB, flash at [%#llx, 4 GiB)\n", OVMF_FW_CFG_FILE,
		size >> 10, FOUR_GIB - size);
	return SVSM_OK;
}
