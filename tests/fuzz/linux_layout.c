/*
 * libFuzzer target for kernel/guest/linux_layout.c: the input is a bzImage header (the
 * first LINUX_HDR_READ_SIZE bytes) followed by the file, initrd and command-line sizes and
 * an e820 map, all host-controlled. Checks that a successful plan keeps the kernel window,
 * the initrd and the low boot data inside RAM, apart and below 4 GiB, and that the zero
 * page is built without overruns (ASan).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/guest/linux_layout.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int in_ram(uint64_t a, uint64_t len, const struct e820_entry *map, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		if (map[i].type == E820_RAM && a >= map[i].addr && a + len >= a &&
		    map[i].addr + map[i].size >= map[i].addr && a + len <= map[i].addr + map[i].size) {
			return 1;
		}
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t zp[LINUX_ZERO_PAGE_SIZE];
	struct e820_entry map[LINUX_E820_MAX + 4];
	uint8_t hdr[LINUX_HDR_READ_SIZE] = {0};
	uint64_t sizes[3] = {0};
	struct linux_layout l;
	unsigned n = 0;

	if (size < sizeof(hdr) + sizeof(sizes)) {
		return 0;
	}
	memcpy(hdr, data, sizeof(hdr));
	memcpy(sizes, data + sizeof(hdr), sizeof(sizes));
	data += sizeof(hdr) + sizeof(sizes);
	size -= sizeof(hdr) + sizeof(sizes);
	n = (unsigned)(size / sizeof(struct e820_entry));
	if (n > LINUX_E820_MAX + 4) {
		n = LINUX_E820_MAX + 4;
	}
	memcpy(map, data, n * sizeof(struct e820_entry));
	if (linux_layout_plan(hdr, sizeof(hdr), sizes[0], sizes[1] & 0xffffffff,
			      sizes[2] & 0x1fff, map, n, &l) != SVSM_OK) {
		return 0;
	}
	n = n > LINUX_E820_MAX ? LINUX_E820_MAX : n;
	if (!in_ram(l.load_gpa, l.init_size, map, n) || l.load_gpa + l.init_size > (4ull << 30) ||
	    l.load_gpa < LINUX_LOW_END || l.kernel_size > l.init_size ||
	    l.setup_size + l.kernel_size > sizes[0] || l.cmdline_size > LINUX_CMDLINE_MAX) {
		abort();
	}
	if (l.initrd_size != 0 &&
	    (!in_ram(l.initrd_gpa, l.initrd_size, map, n) || l.initrd_gpa % 4096 != 0 ||
	     l.initrd_gpa + l.initrd_size > (4ull << 30) || l.initrd_gpa < LINUX_LOW_END ||
	     (l.initrd_gpa < l.load_gpa + l.init_size && l.load_gpa < l.initrd_gpa + l.initrd_size))) {
		abort();
	}
	linux_layout_zero_page(&l, hdr, map, n, 0, zp);
	return 0;
}
