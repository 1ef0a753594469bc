/*
 * libFuzzer target for what the SVSM's virtio-blk driver reads from the untrusted host
 * (kernel/drivers/virtio_pci.c): the input is a 256-byte PCI configuration space (BARs,
 * capability list) on the fake bus 0 of kernel/drivers/pci_host.c, BAR write masks, then
 * used-ring updates. Checks: BAR sizing restores every BAR; every region parse_caps()
 * accepts lies inside an assigned BAR; a notify offset it accepts leaves room for the
 * 16-bit write; a used element it accepts is exactly the next index, the outstanding head
 * and a bounded length; ranges virtio_blk_range_ok() accepts fit the capacity.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/drivers/pci.h"
#include "kernel/drivers/virtio_blk.h"
#include "kernel/drivers/virtio_pci.h"

static void check(int ok)
{
	if (!ok) {
		abort();
	}
}

static uint32_t le32(const uint8_t *p)
{
	return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t le64(const uint8_t *p)
{
	return le32(p) | (uint64_t)le32(p + 4) << 32;
}

static void check_region(const struct virtio_pci_region *r, const struct virtio_pci_bar *bars)
{
	check(r->bar < VIRTIO_PCI_BAR_COUNT);
	check(bars[r->bar].base != 0);
	check((uint64_t)r->offset + r->length <= bars[r->bar].size);
}

static void fuzz_caps(const uint8_t *cfg, const uint8_t *masks)
{
	struct virtio_pci_bar bars[VIRTIO_PCI_BAR_COUNT];
	struct virtio_pci_layout l;
	uint32_t before[6];
	uint32_t off = 0;

	pci_fake_reset();
	for (unsigned r = 0; r < 256; r += 4) {
		pci_fake_set32(3, 0, r, le32(cfg + r));
	}
	for (unsigned b = 0; b < 6; b++) {
		pci_fake_set_mask32(3, 0, 0x10 + 4 * b, le32(masks + 4 * b));
		before[b] = le32(cfg + 0x10 + 4 * b);
	}
	if (virtio_pci_read_bars(3, 0, bars) == SVSM_OK) {
		for (unsigned b = 0; b < 6; b++) {
			check(pci_config_read32(3, 0, 0x10 + 4 * b) == before[b]);
			check(bars[b].base == 0 || bars[b].base + bars[b].size > bars[b].base);
		}
	} else {
		memset(bars, 0, sizeof(bars));
	}
	/* Also against BARs taken straight from the input, to reach every walk path. */
	for (unsigned pass = 0; pass < 2; pass++) {
		if (pass == 1) {
			for (unsigned b = 0; b < 6; b++) {
				bars[b].base = le32(masks + 4 * b) & ~0xfffu;
				bars[b].size = bars[b].base != 0 ? 1ull << (masks[24 + b] & 31) : 0;
			}
		}
		if (virtio_pci_parse_caps(cfg, bars, 8, &l) != SVSM_OK) {
			continue;
		}
		check_region(&l.common, bars);
		check_region(&l.notify, bars);
		check_region(&l.isr, bars);
		check_region(&l.device, bars);
		check(l.common.length >= VIRTIO_PCI_COMMON_CFG_SIZE && l.device.length >= 8);
		if (virtio_pci_notify_offset(&l, (uint16_t)le32(masks + 30), &off) == SVSM_OK) {
			check((uint64_t)off + 2 <= l.notify.length);
		}
	}
}

static void fuzz_used(const uint8_t *p, size_t n)
{
	struct virtio_used_check c = {.last_used = 0, .queue_size = 8, .head = 0, .writable = 0};

	for (size_t i = 0; i + 12 <= n; i += 12) {
		uint16_t idx = (uint16_t)(p[i] | p[i + 1] << 8);
		uint32_t id = le32(p + i + 2);
		uint32_t len = le32(p + i + 6);
		enum virtio_used_result r;

		c.head = p[i + 10] & 7;
		c.writable = 1 + (p[i + 11] & 1) * 32768u;
		r = virtio_pci_used_check(&c, idx, id, len);
		if (r == VIRTIO_USED_PENDING) {
			check(idx == c.last_used);
		} else if (r == VIRTIO_USED_DONE) {
			check(idx == (uint16_t)(c.last_used + 1) && id == c.head && len <= c.writable);
			c.last_used++;
		} else {
			check(r == VIRTIO_USED_BAD);
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint64_t cap, lba, n;

	if (size < 256 + 32 + 24) {
		return 0;
	}
	fuzz_caps(data, data + 256);
	cap = le64(data + 288);
	lba = le64(data + 296);
	n = le64(data + 304);
	if (virtio_blk_range_ok(cap, lba, n)) {
		check(lba + n >= lba && lba + n <= cap && n * VIRTIO_BLK_SECTOR / VIRTIO_BLK_SECTOR == n);
	}
	fuzz_used(data + 312, size - 312);
	return 0;
}
