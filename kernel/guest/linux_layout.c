/*
 * Linux boot protocol, pure half (linux_layout.h): bzImage header validation, placement of
 * the kernel and initrd in e820 RAM, and the zero page, GDT and page-table contents. Every
 * input is untrusted host data; all arithmetic is in 64 bits on values bounded first.
 * No state.
 */
#include "kernel/guest/linux_layout.h"

#include <stdbool.h>
#include <string.h>

#include "kernel/lib/log.h"

/* Setup header offsets (boot.rst), from the start of the file and of boot_params. */
#define HDR_SETUP_SECTS     0x1f1
#define HDR_SYSSIZE         0x1f4
#define HDR_JUMP            0x200
#define HDR_MAGIC           0x202
#define HDR_VERSION         0x206
#define HDR_TYPE_OF_LOADER  0x210
#define HDR_LOADFLAGS       0x211
#define HDR_CODE32_START    0x214
#define HDR_RAMDISK_IMAGE   0x218
#define HDR_RAMDISK_SIZE    0x21c
#define HDR_CMD_LINE_PTR    0x228
#define HDR_INITRD_ADDR_MAX 0x22c
#define HDR_KERNEL_ALIGN    0x230
#define HDR_RELOCATABLE     0x234
#define HDR_XLOADFLAGS      0x236
#define HDR_CMDLINE_SIZE    0x238
#define HDR_PREF_ADDRESS    0x258
#define HDR_INIT_SIZE       0x260
#define HDR_MIN_END         0x264 /* init_size is the last field we read */

#define BP_ACPI_RSDP_ADDR     0x070
#define BP_EXT_RAMDISK_IMAGE  0x0c0
#define BP_EXT_RAMDISK_SIZE   0x0c4
#define BP_EXT_CMD_LINE_PTR   0x0c8
#define BP_E820_ENTRIES       0x1e8
#define BP_E820_TABLE         0x2d0

#define LOADED_HIGH   0x01u
#define CAN_USE_HEAP  0x80u
#define XLF_KERNEL_64 0x01u

#define PAGE_4K   0x1000ull
#define ALIGN_MAX (1ull << 30)
#define MAX_EXCL  3
#define TRAILER_MAX 0x10000ull /* bytes after syssize we ignore (a PE signature) */

struct range {
	uint64_t start;
	uint64_t end; /* exclusive */
};

static uint32_t get32(const uint8_t *p, unsigned off)
{
	uint32_t v = 0;

	memcpy(&v, p + off, sizeof(v));
	return v;
}

static uint64_t get64(const uint8_t *p, unsigned off)
{
	uint64_t v = 0;

	memcpy(&v, p + off, sizeof(v));
	return v;
}

static void put32(uint8_t *p, unsigned off, uint32_t v)
{
	memcpy(p + off, &v, sizeof(v));
}

static void put64(uint8_t *p, unsigned off, uint64_t v)
{
	memcpy(p + off, &v, sizeof(v));
}

static bool overlaps(uint64_t a, uint64_t alen, const struct range *r)
{
	return a < r->end && r->start < a + alen;
}

/* [a, a + len) lies inside one RAM entry of @map, below @limit, and clear of @excl. */
static bool fits(uint64_t a, uint64_t len, uint64_t limit, const struct e820_entry *map,
		 unsigned count, const struct range *excl, unsigned excl_count)
{
	bool in_ram = false;

	if (len == 0 || a > limit || len > limit - a) {
		return false;
	}
	for (unsigned i = 0; i < count && !in_ram; i++) {
		uint64_t end = map[i].addr + map[i].size;

		in_ram = map[i].type == E820_RAM && end >= map[i].addr && a >= map[i].addr &&
			 a + len <= end;
	}
	for (unsigned i = 0; i < excl_count && in_ram; i++) {
		in_ram = !overlaps(a, len, &excl[i]);
	}
	return in_ram;
}

static uint64_t align_up(uint64_t v, uint64_t align, bool *overflow)
{
	if (v > UINT64_MAX - (align - 1)) {
		*overflow = true;
		return 0;
	}
	return (v + align - 1) & ~(align - 1);
}

/*
 * Lowest @align-aligned a >= @floor with fits(a, len): the candidates are @floor, each RAM
 * entry's start and each exclusion's end, rounded up.
 */
static bool place_low(uint64_t floor, uint64_t len, uint64_t align, uint64_t limit,
		      const struct e820_entry *map, unsigned count, const struct range *excl,
		      unsigned excl_count, uint64_t *out)
{
	bool found = false;

	for (unsigned i = 0; i <= count + excl_count; i++) {
		uint64_t base = i == 0 ? floor : i <= count ? map[i - 1].addr : excl[i - 1 - count].end;
		bool overflow = false;
		uint64_t a = align_up(base < floor ? floor : base, align, &overflow);

		if (!overflow && fits(a, len, limit, map, count, excl, excl_count) &&
		    (!found || a < *out)) {
			*out = a;
			found = true;
		}
	}
	return found;
}

/*
 * Highest 4 KiB-aligned a with fits(a, len) below @limit: the candidates end at each RAM
 * entry's end (or @limit), or at each exclusion's start.
 */
static bool place_high(uint64_t len, uint64_t limit, const struct e820_entry *map,
		       unsigned count, const struct range *excl, unsigned excl_count,
		       uint64_t *out)
{
	bool found = false;

	for (unsigned i = 0; i < count + excl_count; i++) {
		uint64_t top = i < count ? map[i].addr + map[i].size : excl[i - count].start;
		uint64_t a;

		if (i < count && top < map[i].addr) {
			continue; /* the entry wraps */
		}
		top = top > limit ? limit : top;
		if (top < len) {
			continue;
		}
		a = (top - len) & ~(PAGE_4K - 1);
		if (fits(a, len, limit, map, count, excl, excl_count) && (!found || a > *out)) {
			*out = a;
			found = true;
		}
	}
	return found;
}

static enum svsm_err check_header(const uint8_t *hdr, size_t hdr_len, uint64_t file_size,
				  struct linux_layout *l)
{
	uint32_t sects = hdr_len > HDR_SETUP_SECTS ? hdr[HDR_SETUP_SECTS] : 0;
	uint16_t version = 0;
	uint64_t syssize_bytes = 0;
	uint32_t align = 0;

	if (hdr_len < HDR_MIN_END || file_size < hdr_len) {
		pr_err("linux: kernel file too small (%llu bytes)\n", (unsigned long long)file_size);
		return SVSM_E_FORMAT;
	}
	if (memcmp(hdr + HDR_MAGIC, "HdrS", 4) != 0) {
		pr_err("linux: no \"HdrS\" magic at 0x202: not a bzImage\n");
		return SVSM_E_FORMAT;
	}
	memcpy(&version, hdr + HDR_VERSION, sizeof(version));
	if (version < 0x20c) {
		pr_err("linux: boot protocol %#x < 2.12\n", version);
		return SVSM_E_FORMAT;
	}
	l->hdr_end = 0x202ull + hdr[HDR_JUMP + 1];
	if (l->hdr_end < HDR_MIN_END || l->hdr_end > LINUX_HDR_READ_SIZE || l->hdr_end > hdr_len) {
		pr_err("linux: setup header end %#llx (jump at 0x200) outside [%#x, %#x]\n",
		       (unsigned long long)l->hdr_end, HDR_MIN_END, LINUX_HDR_READ_SIZE);
		return SVSM_E_FORMAT;
	}
	if ((hdr[HDR_XLOADFLAGS] & XLF_KERNEL_64) == 0) {
		pr_err("linux: xloadflags lacks XLF_KERNEL_64: no 64-bit entry\n");
		return SVSM_E_FORMAT;
	}
	if ((hdr[HDR_LOADFLAGS] & LOADED_HIGH) == 0) {
		pr_err("linux: loadflags lacks LOADED_HIGH\n");
		return SVSM_E_FORMAT;
	}
	l->setup_size = ((sects == 0 ? 4ull : sects) + 1) * 512;
	if (l->setup_size >= file_size) {
		pr_err("linux: setup_sects %u: setup part beyond the file (%llu bytes)\n", sects,
		       (unsigned long long)file_size);
		return SVSM_E_FORMAT;
	}
	l->kernel_size = file_size - l->setup_size;
	syssize_bytes = (uint64_t)get32(hdr, HDR_SYSSIZE) * 16;
	/* The last paragraph may be partial; a signed image has its signature appended. */
	if (syssize_bytes == 0 || syssize_bytes > l->kernel_size + 15 ||
	    syssize_bytes + TRAILER_MAX < l->kernel_size) {
		pr_err("linux: syssize %#llx bytes disagrees with the %#llx-byte protected-mode part\n",
		       (unsigned long long)syssize_bytes, (unsigned long long)l->kernel_size);
		return SVSM_E_FORMAT;
	}
	if (l->kernel_size > syssize_bytes) {
		l->kernel_size = syssize_bytes;
	}
	align = get32(hdr, HDR_KERNEL_ALIGN);
	if (align < PAGE_4K || align > ALIGN_MAX || (align & (align - 1)) != 0) {
		pr_err("linux: kernel_alignment %#x is not a power of two in [4 KiB, 1 GiB]\n", align);
		return SVSM_E_FORMAT;
	}
	l->init_size = get32(hdr, HDR_INIT_SIZE);
	if (l->init_size < l->kernel_size) {
		pr_err("linux: init_size %#llx smaller than the kernel (%#llx)\n",
		       (unsigned long long)l->init_size, (unsigned long long)l->kernel_size);
		return SVSM_E_FORMAT;
	}
	return SVSM_OK;
}

enum svsm_err linux_layout_plan(const uint8_t *hdr, size_t hdr_len, uint64_t file_size,
				uint64_t initrd_size, uint64_t cmdline_len,
				const struct e820_entry *map, unsigned map_count,
				struct linux_layout *out)
{
	struct linux_layout l = {.setup_size = 0};
	struct range excl[MAX_EXCL] = {{0, LINUX_LOW_END}};
	enum svsm_err err = check_header(hdr, hdr_len, file_size, &l);
	uint64_t align = 0;
	uint64_t pref = 0;
	uint64_t limit = 0;

	if (err != SVSM_OK) {
		return err;
	}
	if (map_count > LINUX_E820_MAX) {
		map_count = LINUX_E820_MAX;
	}
	if (cmdline_len >= LINUX_CMDLINE_MAX || cmdline_len > get32(hdr, HDR_CMDLINE_SIZE)) {
		pr_err("linux: command line of %llu bytes exceeds cmdline_size %u (or %u)\n",
		       (unsigned long long)cmdline_len, get32(hdr, HDR_CMDLINE_SIZE),
		       LINUX_CMDLINE_MAX - 1);
		return SVSM_E_FORMAT;
	}
	l.cmdline_gpa = LINUX_CMDLINE_GPA;
	l.cmdline_size = cmdline_len + 1;
	if (!fits(LINUX_ZERO_PAGE_GPA, LINUX_LOW_END - LINUX_ZERO_PAGE_GPA, LINUX_LOW_END, map,
		  map_count, NULL, 0)) {
		pr_err("linux: [%#llx, %#llx) for zero page, command line, GDT and page tables is not RAM\n",
		       LINUX_ZERO_PAGE_GPA, LINUX_LOW_END);
		return SVSM_E_NOMEM;
	}

	align = get32(hdr, HDR_KERNEL_ALIGN);
	pref = get64(hdr, HDR_PREF_ADDRESS);
	if (hdr[HDR_RELOCATABLE] != 0) {
		if (!place_low(pref, l.init_size, align, LINUX_IDENTITY_MAP, map, map_count, excl, 1,
			       &l.load_gpa)) {
			pr_err("linux: no %#llx-aligned RAM for init_size %#llx at or above pref_address %#llx below 4 GiB\n",
			       (unsigned long long)align, (unsigned long long)l.init_size,
			       (unsigned long long)pref);
			return SVSM_E_NOMEM;
		}
	} else if (fits(pref, l.init_size, LINUX_IDENTITY_MAP, map, map_count, excl, 1)) {
		l.load_gpa = pref;
	} else {
		pr_err("linux: non-relocatable kernel: [pref_address %#llx, +init_size %#llx) is not free RAM below 4 GiB\n",
		       (unsigned long long)pref, (unsigned long long)l.init_size);
		return SVSM_E_NOMEM;
	}
	excl[1] = (struct range){l.load_gpa, l.load_gpa + l.init_size};

	if (initrd_size != 0) {
		limit = (uint64_t)get32(hdr, HDR_INITRD_ADDR_MAX) + 1;
		if (limit > LINUX_IDENTITY_MAP) {
			limit = LINUX_IDENTITY_MAP;
		}
		if (!place_high(initrd_size, limit, map, map_count, excl, 2, &l.initrd_gpa)) {
			pr_err("linux: no RAM for a %#llx-byte initrd below initrd_addr_max %#llx\n",
			       (unsigned long long)initrd_size, (unsigned long long)limit - 1);
			return SVSM_E_NOMEM;
		}
		l.initrd_size = initrd_size;
	}
	*out = l;
	return SVSM_OK;
}

void linux_layout_zero_page(const struct linux_layout *l, const uint8_t *hdr,
			    const struct e820_entry *map, unsigned map_count, uint64_t rsdp,
			    uint8_t *zp)
{
	unsigned n = map_count > LINUX_E820_MAX ? LINUX_E820_MAX : map_count;

	memset(zp, 0, LINUX_ZERO_PAGE_SIZE);
	memcpy(zp + HDR_SETUP_SECTS, hdr + HDR_SETUP_SECTS, l->hdr_end - HDR_SETUP_SECTS);
	zp[HDR_TYPE_OF_LOADER] = 0xff;
	zp[HDR_LOADFLAGS] = (uint8_t)(zp[HDR_LOADFLAGS] & ~CAN_USE_HEAP);
	put32(zp, HDR_CODE32_START, (uint32_t)l->load_gpa);
	put32(zp, HDR_CMD_LINE_PTR, (uint32_t)l->cmdline_gpa);
	put32(zp, BP_EXT_CMD_LINE_PTR, (uint32_t)(l->cmdline_gpa >> 32));
	put32(zp, HDR_RAMDISK_IMAGE, (uint32_t)l->initrd_gpa);
	put32(zp, BP_EXT_RAMDISK_IMAGE, (uint32_t)(l->initrd_gpa >> 32));
	put32(zp, HDR_RAMDISK_SIZE, (uint32_t)l->initrd_size);
	put32(zp, BP_EXT_RAMDISK_SIZE, (uint32_t)(l->initrd_size >> 32));
	put64(zp, BP_ACPI_RSDP_ADDR, rsdp);
	zp[BP_E820_ENTRIES] = (uint8_t)n;
	memcpy(zp + BP_E820_TABLE, map, n * sizeof(*map));
}

void linux_layout_gdt(uint64_t gdt[4])
{
	gdt[0] = 0;
	gdt[1] = 0;
	gdt[LINUX_BOOT_CS / 8] = 0x00af9a000000ffffull; /* 64-bit code, DPL 0 */
	gdt[LINUX_BOOT_DS / 8] = 0x00cf92000000ffffull; /* flat data */
}

void linux_layout_page_table(unsigned index, uint64_t page[512])
{
	const uint64_t present_rw = 0x3;
	const uint64_t large = 0x80;

	memset(page, 0, 512 * sizeof(uint64_t));
	if (index == 0) {
		page[0] = (LINUX_PML4_GPA + PAGE_4K) | present_rw;
	} else if (index == 1) {
		for (unsigned i = 0; i < 4; i++) {
			page[i] = (LINUX_PML4_GPA + (2 + i) * PAGE_4K) | present_rw;
		}
	} else if (index < LINUX_PT_PAGES) {
		for (unsigned i = 0; i < 512; i++) {
			page[i] = ((uint64_t)(index - 2) << 30 | (uint64_t)i << 21) | present_rw |
				  large;
		}
	}
}
