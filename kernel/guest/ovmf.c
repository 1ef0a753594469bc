/*
 * Firmware for an OS guest on native (docs/paravisor.md "Firmware", docs/uefi-vars.md):
 * the fw_cfg file opt/svsm/firmware is read once into SVSM pages that become the guest's
 * flash, the top @size bytes below 4 GiB, where the reset vector is. Two layouts:
 * - opt/svsm/firmware alone (Debian's OVMF.fd, code and variable store in one image): the
 *   pages are writable guest memory (OVMF finds no flash and keeps variables in memory);
 *   the SVSM never reads them again;
 * - with opt/svsm/firmware-vars (Debian's OVMF_CODE_4M.fd + OVMF_VARS_4M.fd): the code is
 *   read-only guest memory and the variable store, right below it, is the flash device of
 *   devices/flash.c, persisted in the state store.
 * Runs once on the boot CPU before guest_ram_map_init(); no state of its own.
 */
#include "kernel/guest/guest.h"

#include <string.h>

#include "kernel/drivers/fw_cfg.h"
#include "kernel/lib/log.h"
#include "kernel/mm/addr.h"
#include "kernel/mm/page_alloc.h"

#include "kernel/devices/flash.h"

#define OVMF_FW_CFG_FILE "opt/svsm/firmware"
#define OVMF_VARS_FW_CFG_FILE "opt/svsm/firmware-vars"
#define FLASH_MAX (8ull << 20)
#define FLASH_ALIGN 0x10000ull /* firmware volumes are 64 KiB multiples */
#define FOUR_GIB 0x100000000ull

enum svsm_err ovmf_load(void)
{
	uint16_t select, vars_select;
	uint32_t size, vars_size = 0;
	unsigned order = 0;
	paddr_t pa;
	uint8_t *image;
	bool split = fw_cfg_find(OVMF_VARS_FW_CFG_FILE, &vars_select, &vars_size);
	enum svsm_err err;

	if (!fw_cfg_find(OVMF_FW_CFG_FILE, &select, &size)) {
		return SVSM_E_NOT_FOUND;
	}
	/* Split code is a whole number of pages (OVMF_CODE_4M.fd: 0x37c000 bytes). */
	if (size == 0 || size > FLASH_MAX || size % (split ? MM_PAGE_SIZE : FLASH_ALIGN) != 0 ||
	    (split && (vars_size > FLASH_MAX - size || vars_size % MM_PAGE_SIZE != 0))) {
		pr_err("guest: %s is %u bytes (%s %u); firmware must be a multiple of 64 KiB "
		       "(split: 4 KiB) up to 8 MiB with its variable store\n", OVMF_FW_CFG_FILE,
		       size, OVMF_VARS_FW_CFG_FILE, vars_size);
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
	guest_ram_map_set_flash(gpa_init(FOUR_GIB - size), gpa_init(FOUR_GIB), pa, split);
	if (!split) {
		pr_info("guest: firmware %s, %u KiB, flash at [%#llx, 4 GiB)\n", OVMF_FW_CFG_FILE,
			size >> 10, FOUR_GIB - size);
		return SVSM_OK;
	}
	err = flash_code_register(gpa_init(FOUR_GIB - size), size, pa);
	if (err == SVSM_OK) {
		err = flash_vars_load(gpa_init(FOUR_GIB - size - vars_size), vars_select, vars_size);
	}
	if (err == SVSM_OK) {
		pr_info("guest: firmware %s, %u KiB read-only code at [%#llx, 4 GiB); variable "
			"store %s, %u KiB flash below it\n", OVMF_FW_CFG_FILE, size >> 10,
			FOUR_GIB - size, OVMF_VARS_FW_CFG_FILE, vars_size >> 10);
	}
	return err;
}
