/*
 * The guest-physical map, built once for every platform before any vCPU exists, and the
 * guest's e820 view of it. Two layouts:
 * - the test guest and SNP: guest RAM is the RAM of the boot memory map minus the SVSM
 *   region, each page at its own address;
 * - an OS guest on native (the paravisor layout, docs/paravisor.md "Memory"): firmware such
 *   as OVMF treats everything from 1 MiB to its highest RAM address below 4 GiB as RAM, so
 *   the guest's RAM must have no hole there. The guest keeps the RAM range that holds the
 *   SVSM, shortened by the SVSM's size at its top; the guest-physical pages where the SVSM
 *   sits are backed by the host pages cut from that top (guest_mem_set_backing()), and the
 *   cut is the guest-physical range reserved for the SVSM: no e820 entry, no NPT mapping.
 *   No guest-physical address reaches the SVSM's own pages. Firmware flash (ovmf.c) is a
 *   further backed range below 4 GiB, guest memory but not RAM in the e820; split
 *   firmware's code flash is read-only guest memory (guest_mem_set_readonly(); the NPT maps
 *   it read-only: devices/flash.c), its variable store is a device (docs/uefi-vars.md).
 * The boot memory map's raw addresses become gpa_t here.
 */
#include "kernel/guest/guest.h"

#include "kernel/init/boot_info.h"
#include "kernel/lib/log.h"
#include "kernel/mm/addr.h"
#include "kernel/mm/guest_mem.h"
#include "svsm/abi/e820.h"

#define LAYOUT_ALIGN 0x200000ull /* the cut keeps 2 MiB pages in the NPT */

static enum guest_kind kind;
static struct guest_mem_range flash; /* end 0: none */
static paddr_t flash_pa;
static bool flash_readonly;

void guest_set_kind(enum guest_kind k)
{
	kind = k;
}

enum guest_kind guest_kind(void)
{
	return kind;
}

bool guest_kind_is_os(void)
{
	return kind == GUEST_KIND_OVMF || kind == GUEST_KIND_LINUX;
}

static void add_range(struct guest_mem_range *r, unsigned *n, uint64_t s, uint64_t e)
{
	if (s < e && *n < GUEST_MEM_MAX_RANGES) {
		r[(*n)++] = (struct guest_mem_range){gpa_init(s), gpa_init(e)};
	}
}

/* Boot memory region @i, page-aligned inwards, as [*s, *e); false if it is not RAM. */
static bool ram_region(unsigned i, uint64_t *s, uint64_t *e)
{
	const struct mem_region *m = &boot_info.mem[i];

	*s = align_up(m->base, MM_PAGE_SIZE);
	*e = align_down(m->base + m->size, MM_PAGE_SIZE);
	return m->type == MEM_RAM;
}

/* The paravisor layout; the caller adds the flash range after the RAM ranges. */
static enum svsm_err os_layout(struct guest_mem_range *ram, unsigned *n, uint64_t *cut_start,
			       uint64_t *cut_end)
{
	uint64_t ss = boot_info.svsm_start, se = boot_info.svsm_end;

	for (unsigned i = 0; i < boot_info.mem_count; i++) {
		uint64_t s, e;

		if (!ram_region(i, &s, &e)) {
			continue;
		}
		if (s <= ss && se <= e) {
			uint64_t cut = align_down(e - (se - ss), LAYOUT_ALIGN);

			if (e < 2 * (se - ss) || cut < se || e > 0x100000000ull) {
				pr_err("guest: the RAM range [%#lx, %#lx) holding the SVSM is too small "
				       "for the paravisor layout (needs twice the SVSM's %lu MiB above "
				       "it, below 4 GiB)\n", s, e, (se - ss) >> 20);
				return SVSM_E_NOMEM;
			}
			add_range(ram, n, s, cut);
			*cut_start = cut;
			*cut_end = e;
		} else {
			add_range(ram, n, s, e);
		}
	}
	return *cut_end != 0 ? SVSM_OK : SVSM_E_NOMEM;
}

enum svsm_err guest_ram_map_init(void)
{
	struct guest_mem_range ram[GUEST_MEM_MAX_RANGES];
	uint64_t ss = boot_info.svsm_start, se = boot_info.svsm_end, cut = 0, cut_end = 0;
	unsigned n = 0;
	enum svsm_err err;

	if (!guest_kind_is_os()) {
		for (unsigned i = 0; i < boot_info.mem_count; i++) {
			uint64_t s, e;

			if (!ram_region(i, &s, &e)) {
				continue;
			}
			add_range(ram, &n, s, e < ss ? e : ss);
			add_range(ram, &n, s > se ? s : se, e);
		}
		return guest_mem_init(ram, n, gpa_init(ss), gpa_init(se));
	}
	err = os_layout(ram, &n, &cut, &cut_end);
	if (err != SVSM_OK) {
		return err;
	}
	if (!gpa_eq(flash.end, GPA_C(0))) {
		add_range(ram, &n, gpa_addr(flash.start), gpa_addr(flash.end));
	}
	err = guest_mem_init(ram, n, gpa_init(cut), gpa_init(cut_end));
	if (err == SVSM_OK) {
		err = guest_mem_set_backing(gpa_init(ss), se - ss, pa_init(cut));
	}
	if (err == SVSM_OK && !gpa_eq(flash.end, GPA_C(0))) {
		err = guest_mem_set_backing(flash.start, gpa_diff(flash.end, flash.start),
					    flash_pa);
	}
	if (err == SVSM_OK && flash_readonly) {
		guest_mem_set_readonly(flash.start, gpa_diff(flash.end, flash.start));
	}
	if (err == SVSM_OK) {
		pr_info("guest: paravisor layout: RAM [%#lx, %#lx) backed at [%#lx, %#lx); "
			"[%#lx, %#lx) reserved for the SVSM\n", ss, se, cut, cut + (se - ss), cut,
			cut_end);
	}
	return err;
}

void guest_ram_map_set_flash(gpa_t start, gpa_t end, paddr_t pa, bool readonly)
{
	flash = (struct guest_mem_range){start, end};
	flash_pa = pa;
	flash_readonly = readonly;
}

gpa_t guest_lapic_gpa(void)
{
	gpa_t gpa = boot_info.lapic_mmio != 0 ? gpa_init(boot_info.lapic_mmio)
					      : GUEST_LAPIC_DEFAULT_GPA;

	return gpa_align_down(gpa, MM_PAGE_SIZE);
}

/* ---- the guest's e820 ------------------------------------------------------------- */

static bool overlaps_ram(uint64_t s, uint64_t e)
{
	const struct guest_mem_range *ram;
	unsigned n = guest_mem_ranges(&ram);

	for (unsigned i = 0; i < n; i++) {
		if (s < gpa_addr(ram[i].end) && gpa_addr(ram[i].start) < e) {
			return true;
		}
	}
	return false;
}

static void put(struct e820_entry *out, unsigned max, unsigned *count, uint64_t addr,
		uint64_t size, uint32_t type)
{
	/* Insertion by address: the map is small (tens of entries). */
	if (*count < max) {
		unsigned at = *count;

		for (; at > 0 && out[at - 1].addr > addr; at--) {
			out[at] = out[at - 1];
		}
		out[at] = (struct e820_entry){addr, size, type};
	}
	(*count)++;
}

unsigned guest_e820(struct e820_entry *out, unsigned max)
{
	const struct guest_mem_range *ram;
	unsigned n = guest_mem_ranges(&ram), count = 0;
	gpa_t hole_start, hole_end;

	guest_mem_svsm_range(&hole_start, &hole_end);
	for (unsigned i = 0; i < n; i++) {
		if (gpa_eq(ram[i].start, flash.start) && gpa_eq(ram[i].end, flash.end)) {
			continue; /* firmware flash is guest memory, not RAM */
		}
		put(out, max, &count, gpa_addr(ram[i].start), gpa_diff(ram[i].end, ram[i].start),
		    E820_RAM);
	}
	for (unsigned i = 0; i < boot_info.mem_count; i++) {
		const struct mem_region *m = &boot_info.mem[i];
		uint64_t e = m->base + m->size;

		if (m->type == MEM_RAM || m->size == 0 || overlaps_ram(m->base, e) ||
		    (m->base < gpa_addr(hole_end) && gpa_addr(hole_start) < e)) {
			continue;
		}
		put(out, max, &count, m->base, m->size, (uint32_t)m->type);
	}
	return count;
}
