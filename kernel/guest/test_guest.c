/*
 * The test guest loader (docs/native.md "Guests"): a flat image from the fw_cfg file
 * opt/svsm/guest with struct native_guest_header, loaded into guest RAM; struct
 * native_boot_info and a zeroed calling area at fixed low pages; the completion port and
 * the MMIO test device (devices/test_mmio.c) on the device bus: no other guest has them.
 * Runs once on the boot CPU before any vCPU; no state of its own.
 */
#include "kernel/guest/guest.h"

#include <stddef.h>

#include "kernel/arch/x86_64/cpu.h"
#include "kernel/arch/x86_64/smp.h"
#include "kernel/devices/guest_done.h"
#include "kernel/devices/test_mmio.h"
#include "kernel/drivers/fw_cfg.h"
#include "kernel/init/boot_info.h"
#include "kernel/lib/log.h"
#include "kernel/mm/addr.h"
#include "kernel/mm/guest_mem.h"
#include "kernel/mm/heap.h"
#include "kernel/platform/platform.h"
#include "lib/cmdline.h"
#include "svsm/abi/native_guest.h"

#define BOOT_INFO_GPA GPA_C(0x1000)
#define BOOT_CA_GPA   GPA_C(0x2000)

/* The header's raw load address becomes a gpa_t here, once. */
static enum svsm_err load_guest_image(struct native_guest_header *hdr)
{
	uint16_t select;
	uint32_t size;
	gpa_t load;
	enum svsm_err err;

	if (!fw_cfg_find(NATIVE_GUEST_FW_CFG_FILE, &select, &size)) {
		pr_err("native: no guest: fw_cfg file %s is missing\n", NATIVE_GUEST_FW_CFG_FILE);
		return SVSM_E_NOT_FOUND;
	}
	if (size < sizeof(*hdr)) {
		pr_err("native: guest image too small (%u bytes)\n", size);
		return SVSM_E_FORMAT;
	}
	fw_cfg_read(select, hdr, sizeof(*hdr));
	load = gpa_init(hdr->load_gpa);
	if (hdr->magic != NATIVE_GUEST_MAGIC || hdr->header_size != sizeof(*hdr) ||
	    !gpa_aligned(load, MM_PAGE_SIZE) || hdr->mem_size < size ||
	    hdr->entry_gpa < hdr->load_gpa || hdr->entry_gpa >= hdr->load_gpa + size ||
	    !guest_mem_valid(load, hdr->mem_size) ||
	    gpa_lt(load, gpa_add(BOOT_CA_GPA, MM_PAGE_SIZE))) {
		pr_err("native: bad guest image header (load %#lx size %#lx entry %#lx)\n",
		       hdr->load_gpa, hdr->mem_size, hdr->entry_gpa);
		return SVSM_E_FORMAT;
	}
	/* The image is host-provided guest code: it goes to guest memory only. */
	err = guest_mem_zero(load, hdr->mem_size);
	if (err != SVSM_OK) {
		return err;
	}
	/* Checked guest RAM, just zeroed through guest_mem: fw_cfg's DMA-free copy lands there. */
	fw_cfg_read(select, phys_to_virt(pa_from_gpa(load)), size);
	plat_guest_prevalidate(load, hdr->mem_size);
	pr_info("native: guest image %u bytes at %#lx, entry %#lx\n", size, hdr->load_gpa,
		hdr->entry_gpa);
	return SVSM_OK;
}

static enum svsm_err write_boot_info(void)
{
	struct native_boot_info *bi = heap_calloc(1, sizeof(*bi));
	const struct guest_mem_range *ram;
	unsigned n = guest_mem_ranges(&ram);
	enum svsm_err err;

	if (bi == NULL) {
		return SVSM_E_NOMEM;
	}
	bi->magic = NATIVE_BOOT_MAGIC;
	bi->ca_gpa = gpa_addr(BOOT_CA_GPA);
	bi->svsm_base = boot_info.svsm_start;
	bi->svsm_size = boot_info.svsm_end - boot_info.svsm_start;
	bi->guest_vmpl = NATIVE_GUEST_VMPL;
	bi->cpu_count = smp_cpu_count();
	for (unsigned i = 0; i < smp_cpu_count() && i < NATIVE_BOOT_MAX_CPUS; i++) {
		bi->apic_ids[i] = percpu_area[i].apic_id;
	}
	for (unsigned i = 0; i < n && i < NATIVE_BOOT_MAX_MEM; i++) {
		bi->mem[i] = (struct native_mem_range){gpa_addr(ram[i].start),
							gpa_diff(ram[i].end, ram[i].start)};
		bi->mem_count++;
	}
	cmdline_get(boot_info.cmdline, "guest_args", bi->args, sizeof(bi->args));
	err = guest_mem_write(BOOT_INFO_GPA, bi, sizeof(*bi));
	if (err == SVSM_OK) {
		err = guest_mem_zero(BOOT_CA_GPA, MM_PAGE_SIZE);
	}
	plat_guest_prevalidate(BOOT_INFO_GPA, 2 * MM_PAGE_SIZE);
	heap_free(bi);
	return err;
}

enum svsm_err test_guest_load(struct plat_guest_start *start)
{
	struct native_guest_header hdr;
	enum svsm_err err = load_guest_image(&hdr);

	if (err == SVSM_OK) {
		err = write_boot_info();
	}
	if (err == SVSM_OK) {
		err = guest_done_register(NATIVE_GUEST_DONE_PORT);
	}
	if (err == SVSM_OK) {
		err = test_mmio_register();
	}
	if (err == SVSM_OK) {
		*start =
		    (struct plat_guest_start){.entry = hdr.entry_gpa, .rbx = gpa_addr(BOOT_INFO_GPA), .ca_gpa = BOOT_CA_GPA, .mode = PLAT_GUEST_PM32};
	}
	return err;
}
