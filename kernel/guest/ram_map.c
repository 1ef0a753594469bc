/*
 * The guest-physical map, built once for every platform: guest RAM is the RAM of the boot
 * memory map minus the SVSM region, page-aligned; guest_mem keeps it. Runs on the boot CPU
 * before any vCPU exists; no state of its own. The boot memory map's raw addresses become
 * gpa_t here (guest RAM is the machine's RAM at the same address, see pa_from_gpa()).
 */
#include "kernel/guest/guest.h"

#include "kernel/init/boot_info.h"
#include "kernel/mm/addr.h"
#include "kernel/mm/guest_mem.h"

static void add_range(struct guest_mem_range *r, unsigned *n, uint64_t s, uint64_t e)
{
	if (s < e && *n < GUEST_MEM_MAX_RANGES) {
		r[(*n)++] = (struct guest_mem_range){gpa_init(s), gpa_init(e)};
	}
}

enum svsm_err guest_ram_map_init(void)
{
	struct guest_mem_range ram[GUEST_MEM_MAX_RANGES];
	uint64_t ss = boot_info.svsm_start, se = boot_info.svsm_end;
	unsigned n = 0;

	for (unsigned i = 0; i < boot_info.mem_count; i++) {
		const struct mem_region *m = &boot_info.mem[i];
		uint64_t s = align_up(m->base, MM_PAGE_SIZE);
		uint64_t e = align_down(m->base + m->size, MM_PAGE_SIZE);

		if (m->type != MEM_RAM) {
			continue;
		}
		add_range(ram, &n, s, e < ss ? e : ss);
		add_range(ram, &n, s > se ? s : se, e);
	}
	return guest_mem_init(ram, n, gpa_init(ss), gpa_init(se));
}

gpa_t guest_lapic_gpa(void)
{
	gpa_t gpa = boot_info.lapic_mmio != 0 ? gpa_init(boot_info.lapic_mmio)
					      : GUEST_LAPIC_DEFAULT_GPA;

	return gpa_align_down(gpa, MM_PAGE_SIZE);
}
