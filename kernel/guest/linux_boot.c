/*
 * Direct Linux boot (docs/paravisor.md "Direct Linux boot"): reads the bzImage, initrd and
 * command line from fw_cfg (opt/svsm/kernel, opt/svsm/initrd, opt/svsm/cmdline), places
 * them with linux_layout_plan(), writes them, the zero page, GDT and identity page tables
 * through guest_mem, and describes the 64-bit boot protocol's entry state. Runs once on the
 * boot CPU during the launch; the bounce buffer is used by nothing else.
 */
#include "kernel/guest/guest.h"

#include <string.h>

#include "kernel/drivers/fw_cfg.h"
#include "kernel/guest/linux_layout.h"
#include "kernel/init/boot_info.h"
#include "kernel/lib/log.h"
#include "kernel/mm/guest_mem.h"
#include "kernel/platform/platform.h"
#include "svsm/abi/e820.h"

#define KERNEL_FILE  "opt/svsm/kernel"
#define INITRD_FILE  "opt/svsm/initrd"
#define CMDLINE_FILE "opt/svsm/cmdline"
#define BOUNCE_SIZE  (64u * 1024u)

static uint8_t bounce[BOUNCE_SIZE] __attribute__((aligned(4096)));

/* Copy @size bytes of item @select from @offset to guest @gpa, a bounce buffer at a time. */
static enum svsm_err copy_item(uint16_t select, uint32_t offset, uint64_t size, uint64_t gpa)
{
	enum svsm_err err = SVSM_OK;

	for (uint64_t done = 0; err == SVSM_OK && done < size;) {
		size_t n = size - done < BOUNCE_SIZE ? (size_t)(size - done) : BOUNCE_SIZE;

		fw_cfg_read_at(select, (uint32_t)(offset + done), bounce, n);
		err = guest_mem_write(gpa_init(gpa + done), bounce, n);
		done += n;
	}
	return err;
}

/* Every range we write must be guest RAM by guest_mem's map, not just by the e820. */
static enum svsm_err check_ram(const char *what, uint64_t gpa, uint64_t size)
{
	if (size != 0 && !guest_mem_valid(gpa_init(gpa), size)) {
		pr_err("linux: %s [%#llx, +%#llx) is not guest RAM\n", what, (unsigned long long)gpa,
		       (unsigned long long)size);
		return SVSM_E_NOMEM;
	}
	return SVSM_OK;
}

static enum svsm_err write_low(const struct linux_layout *l, const uint8_t *hdr,
			       const struct e820_entry *map, unsigned map_count,
			       uint16_t cmd_select)
{
	static uint64_t page[512];
	enum svsm_err err = guest_mem_zero(gpa_init(LINUX_ZERO_PAGE_GPA),
					   LINUX_LOW_END - LINUX_ZERO_PAGE_GPA);

	if (err == SVSM_OK) {
		linux_layout_zero_page(l, hdr, map, map_count, boot_info.rsdp, bounce);
		err = guest_mem_write(gpa_init(LINUX_ZERO_PAGE_GPA), bounce, LINUX_ZERO_PAGE_SIZE);
	}
	if (err == SVSM_OK) {
		memset(bounce, 0, l->cmdline_size);
		if (l->cmdline_size > 1) {
			fw_cfg_read(cmd_select, bounce, l->cmdline_size - 1);
		}
		bounce[l->cmdline_size - 1] = '\0';
		err = guest_mem_write(gpa_init(l->cmdline_gpa), bounce, l->cmdline_size);
	}
	if (err == SVSM_OK) {
		linux_layout_gdt(page);
		err = guest_mem_write(gpa_init(LINUX_GDT_GPA), page, LINUX_GDT_LIMIT + 1);
	}
	for (unsigned i = 0; err == SVSM_OK && i < LINUX_PT_PAGES; i++) {
		linux_layout_page_table(i, page);
		err = guest_mem_write(gpa_init(LINUX_PML4_GPA + i * 4096ull), page, sizeof(page));
	}
	return err;
}

enum svsm_err linux_boot_load(struct plat_guest_start *start)
{
	static struct e820_entry map[LINUX_E820_MAX];
	static uint8_t hdr[LINUX_HDR_READ_SIZE];
	struct linux_layout l = {.setup_size = 0};
	uint16_t k_sel = 0, i_sel = 0, c_sel = 0;
	uint32_t k_size = 0, i_size = 0, c_size = 0;
	unsigned map_count = 0;
	enum svsm_err err = SVSM_OK;

	if (!fw_cfg_find(KERNEL_FILE, &k_sel, &k_size)) {
		pr_err("linux: fw_cfg file %s is missing\n", KERNEL_FILE);
		return SVSM_E_NOT_FOUND;
	}
	if (!fw_cfg_find(INITRD_FILE, &i_sel, &i_size)) {
		i_size = 0;
	}
	if (!fw_cfg_find(CMDLINE_FILE, &c_sel, &c_size)) {
		c_size = 0;
	}
	map_count = guest_e820(map, LINUX_E820_MAX);
	if (map_count > LINUX_E820_MAX) {
		pr_warn("linux: guest e820 has %u entries; passing the first %u\n", map_count,
			LINUX_E820_MAX);
		map_count = LINUX_E820_MAX;
	}
	memset(hdr, 0, sizeof(hdr));
	fw_cfg_read(k_sel, hdr, k_size < sizeof(hdr) ? k_size : sizeof(hdr));
	/* QEMU's string= files may end in a NUL: the command line stops at the first one. */
	if (c_size != 0) {
		size_t n = c_size < LINUX_CMDLINE_MAX ? c_size : LINUX_CMDLINE_MAX;

		fw_cfg_read(c_sel, bounce, n);
		c_size = (uint32_t)strnlen((const char *)bounce, n);
	}
	err = linux_layout_plan(hdr, k_size < sizeof(hdr) ? k_size : sizeof(hdr), k_size, i_size,
				c_size, map, map_count, &l);
	if (err == SVSM_OK) {
		err = check_ram("low boot data", LINUX_ZERO_PAGE_GPA,
				LINUX_LOW_END - LINUX_ZERO_PAGE_GPA);
	}
	if (err == SVSM_OK) {
		err = check_ram("kernel window", l.load_gpa, l.init_size);
	}
	if (err == SVSM_OK) {
		err = check_ram("initrd", l.initrd_gpa, l.initrd_size);
	}
	if (err != SVSM_OK) {
		return err;
	}
	pr_info("linux: kernel %#x bytes (setup %#llx) at %#llx, init_size %#llx; initrd %#x bytes at %#llx; cmdline %u bytes\n",
		k_size, (unsigned long long)l.setup_size, (unsigned long long)l.load_gpa,
		(unsigned long long)l.init_size, i_size, (unsigned long long)l.initrd_gpa, c_size);
	err = copy_item(k_sel, (uint32_t)l.setup_size, l.kernel_size, l.load_gpa);
	if (err == SVSM_OK) {
		err = copy_item(i_sel, 0, l.initrd_size, l.initrd_gpa);
	}
	if (err == SVSM_OK) {
		err = write_low(&l, hdr, map, map_count, c_sel);
	}
	if (err != SVSM_OK) {
		pr_err("linux: writing guest memory failed (%d)\n", (int)err);
		return err;
	}
	*start = (struct plat_guest_start){
		.entry = l.load_gpa + 0x200,
		.mode = PLAT_GUEST_LONG64,
		.rsi = LINUX_ZERO_PAGE_GPA,
		.cr3 = LINUX_PML4_GPA,
		.gdt_gpa = gpa_init(LINUX_GDT_GPA),
		.gdt_limit = LINUX_GDT_LIMIT,
		.ca_gpa = gpa_init(0),
	};
	return SVSM_OK;
}
