/*
 * Tests of the virtio-blk driver's untrusted-input checks (kernel/drivers/virtio_pci.c and
 * virtio_blk_range_ok()): finding the function on a fake bus 0, BAR sizing and restore,
 * the capability walk (regions outside their BAR, overflowing offsets, unassigned BARs,
 * looping lists, bad notify multipliers), notify offsets, queue sizes, used-ring elements
 * and request ranges against the capacity.
 */
#include <string.h>

#include "kernel/devices/pci_filter.h"
#include "kernel/drivers/pci.h"
#include "kernel/drivers/virtio_blk.h"
#include "kernel/drivers/virtio_pci.h"
#include "tests/unit/harness.h"

#define DEV 5u
#define BAR4_BASE 0xfe000000u
#define BAR1_BASE 0xfebd1000u

static void put32(uint8_t *cfg, unsigned off, uint32_t v)
{
	for (unsigned i = 0; i < 4; i++) {
		cfg[off + i] = (uint8_t)(v >> (8 * i));
	}
}

/* A virtio capability at @at: @type in BAR @bar at [@offset, @offset + @length). */
static void cap(uint8_t *cfg, unsigned at, unsigned next, uint8_t type, uint8_t bar,
		uint32_t offset, uint32_t length)
{
	cfg[at] = 0x09;
	cfg[at + 1] = (uint8_t)next;
	cfg[at + 2] = type == VIRTIO_PCI_CAP_NOTIFY_CFG ? 20 : 16;
	cfg[at + 3] = type;
	cfg[at + 4] = bar;
	put32(cfg, at + 8, offset);
	put32(cfg, at + 12, length);
	if (type == VIRTIO_PCI_CAP_NOTIFY_CFG) {
		put32(cfg, at + 16, 4);
	}
}

/* QEMU's layout: BAR4 (16 KiB, 64-bit) holds common, ISR, device, notify; BAR1 is MSI-X. */
static void good_cfg(uint8_t *cfg)
{
	memset(cfg, 0, 256);
	put32(cfg, 0x00, 0x10421af4);
	put32(cfg, 0x04, 0x00100000);
	put32(cfg, 0x14, BAR1_BASE);
	put32(cfg, 0x20, BAR4_BASE | 0xc);
	cfg[0x34] = 0x40;
	cap(cfg, 0x40, 0x50, VIRTIO_PCI_CAP_COMMON_CFG, 4, 0x0000, 0x1000);
	cap(cfg, 0x50, 0x60, VIRTIO_PCI_CAP_ISR_CFG, 4, 0x1000, 0x1000);
	cap(cfg, 0x60, 0x70, VIRTIO_PCI_CAP_DEVICE_CFG, 4, 0x2000, 0x1000);
	cap(cfg, 0x70, 0x84, VIRTIO_PCI_CAP_NOTIFY_CFG, 4, 0x3000, 0x1000);
	cfg[0x84] = 0x11; /* MSI-X, end of list */
}

static void good_bars(struct virtio_pci_bar *bars)
{
	memset(bars, 0, sizeof(struct virtio_pci_bar) * VIRTIO_PCI_BAR_COUNT);
	bars[1] = (struct virtio_pci_bar){BAR1_BASE, 0x1000};
	bars[4] = (struct virtio_pci_bar){BAR4_BASE, 0x4000};
}

/* The good configuration on the fake bus at 00:05.0, with BAR write masks. */
static void fake_device(const uint8_t *cfg)
{
	pci_fake_reset();
	for (unsigned r = 0; r < 256; r += 4) {
		pci_fake_set32(DEV, 0, r, cfg[r] | cfg[r + 1] << 8 | (uint32_t)cfg[r + 2] << 16 |
						  (uint32_t)cfg[r + 3] << 24);
	}
	for (unsigned b = 0; b < 6; b++) {
		pci_fake_set_mask32(DEV, 0, 0x10 + 4 * b, 0);
	}
	pci_fake_set_mask32(DEV, 0, 0x14, 0xfffff000);
	pci_fake_set_mask32(DEV, 0, 0x20, 0xffffc000);
	pci_fake_set_mask32(DEV, 0, 0x24, 0xffffffff);
	pci_fake_set32(0, 0, 0, 0x29c08086); /* a host bridge before it */
}

TEST(virtio_blk, finds_the_function_on_bus_0)
{
	uint8_t cfg[256];
	unsigned dev = 99, fn = 99;

	good_cfg(cfg);
	fake_device(cfg);
	ASSERT_EQ(virtio_pci_find(VIRTIO_PCI_VENDOR, VIRTIO_BLK_DEVICE_ID, &dev, &fn), SVSM_OK);
	EXPECT_EQ(dev, DEV);
	EXPECT_EQ(fn, 0u);
	pci_fake_reset();
	EXPECT_EQ(virtio_pci_find(VIRTIO_PCI_VENDOR, VIRTIO_BLK_DEVICE_ID, &dev, &fn),
		  SVSM_E_NOT_FOUND);
}

TEST(virtio_blk, hidden_from_the_guest_pci_view)
{
	EXPECT_FALSE(pci_filter_visible(0, DEV, 0));
	EXPECT_TRUE(pci_filter_visible(0, 0, 0));
	EXPECT_TRUE(pci_filter_visible(0, 0x1f, 0));
}

TEST(virtio_blk, bars_sized_and_restored)
{
	uint8_t cfg[256];
	struct virtio_pci_bar bars[VIRTIO_PCI_BAR_COUNT];

	good_cfg(cfg);
	fake_device(cfg);
	pci_fake_set32(DEV, 0, 0x04, 0x00100006);
	ASSERT_EQ(virtio_pci_read_bars(DEV, 0, bars), SVSM_OK);
	EXPECT_EQ(bars[4].base, BAR4_BASE);
	EXPECT_EQ(bars[4].size, 0x4000u);
	EXPECT_EQ(bars[1].base, BAR1_BASE);
	EXPECT_EQ(bars[1].size, 0x1000u);
	EXPECT_EQ(bars[0].base, 0u);
	EXPECT_EQ(bars[5].base, 0u);
	EXPECT_EQ(pci_config_read32(DEV, 0, 0x20), BAR4_BASE | 0xc);
	EXPECT_EQ(pci_config_read32(DEV, 0, 0x24), 0u);
	EXPECT_EQ(pci_config_read32(DEV, 0, 0x14), BAR1_BASE);
	EXPECT_EQ(pci_config_read32(DEV, 0, 0x04) & 0xffff, 6u);
}

TEST(virtio_blk, unassigned_or_misaligned_bar)
{
	uint8_t cfg[256];
	struct virtio_pci_bar bars[VIRTIO_PCI_BAR_COUNT];
	struct virtio_pci_layout l;

	good_cfg(cfg);
	put32(cfg, 0x20, 0xc); /* BAR4 left at 0 by the firmware */
	fake_device(cfg);
	ASSERT_EQ(virtio_pci_read_bars(DEV, 0, bars), SVSM_OK);
	EXPECT_EQ(bars[4].base, 0u);
	EXPECT_EQ(virtio_pci_parse_caps(cfg, bars, 8, &l), SVSM_E_FORMAT);
	put32(cfg, 0x20, BAR4_BASE + 0x1000 + 0xc); /* not aligned to its 16 KiB size */
	fake_device(cfg);
	EXPECT_EQ(virtio_pci_read_bars(DEV, 0, bars), SVSM_E_FORMAT);
	put32(cfg, 0x20, 0xffffc00c);
	put32(cfg, 0x24, 0xffffffff); /* 64-bit base that wraps with its size */
	fake_device(cfg);
	EXPECT_EQ(virtio_pci_read_bars(DEV, 0, bars), SVSM_E_FORMAT);
}

TEST(virtio_blk, caps_parsed)
{
	uint8_t cfg[256];
	struct virtio_pci_bar bars[VIRTIO_PCI_BAR_COUNT];
	struct virtio_pci_layout l;

	good_cfg(cfg);
	good_bars(bars);
	ASSERT_EQ(virtio_pci_parse_caps(cfg, bars, 8, &l), SVSM_OK);
	EXPECT_EQ(l.common.bar, 4u);
	EXPECT_EQ(l.common.offset, 0u);
	EXPECT_EQ(l.isr.offset, 0x1000u);
	EXPECT_EQ(l.device.offset, 0x2000u);
	EXPECT_EQ(l.notify.offset, 0x3000u);
	EXPECT_EQ(l.notify.length, 0x1000u);
	EXPECT_EQ(l.notify_off_multiplier, 4u);
}

TEST(virtio_blk, caps_outside_their_bar_refused)
{
	uint8_t cfg[256];
	struct virtio_pci_bar bars[VIRTIO_PCI_BAR_COUNT];
	struct virtio_pci_layout l;

	good_bars(bars);
	good_cfg(cfg);
	cap(cfg, 0x60, 0x70, VIRTIO_PCI_CAP_DEVICE_CFG, 4, 0x3800, 0x1000); /* past 16 KiB */
	EXPECT_EQ(virtio_pci_parse_caps(cfg, bars, 8, &l), SVSM_E_FORMAT);
	good_cfg(cfg);
	cap(cfg, 0x60, 0x70, VIRTIO_PCI_CAP_DEVICE_CFG, 4, 0xfffffff0, 0x20); /* wraps 32 bits */
	EXPECT_EQ(virtio_pci_parse_caps(cfg, bars, 8, &l), SVSM_E_FORMAT);
	good_cfg(cfg);
	cap(cfg, 0x40, 0x50, VIRTIO_PCI_CAP_COMMON_CFG, 4, 0, 0x20); /* shorter than common_cfg */
	EXPECT_EQ(virtio_pci_parse_caps(cfg, bars, 8, &l), SVSM_E_FORMAT);
	good_cfg(cfg);
	cap(cfg, 0x40, 0x50, VIRTIO_PCI_CAP_COMMON_CFG, 6, 0, 0x1000); /* BAR index 6 */
	EXPECT_EQ(virtio_pci_parse_caps(cfg, bars, 8, &l), SVSM_E_FORMAT);
	good_cfg(cfg);
	cap(cfg, 0x40, 0x50, VIRTIO_PCI_CAP_COMMON_CFG, 2, 0, 0x1000); /* BAR2 unassigned */
	EXPECT_EQ(virtio_pci_parse_caps(cfg, bars, 8, &l), SVSM_E_FORMAT);
	good_cfg(cfg);
	cfg[0x72] = 16; /* NOTIFY without its multiplier */
	EXPECT_EQ(virtio_pci_parse_caps(cfg, bars, 8, &l), SVSM_E_FORMAT);
	good_cfg(cfg);
	put32(cfg, 0x80, 3); /* multiplier not a power of two */
	EXPECT_EQ(virtio_pci_parse_caps(cfg, bars, 8, &l), SVSM_E_FORMAT);
	good_cfg(cfg);
	cfg[0x62] = 0xf0; /* cap_len past the end of configuration space */
	EXPECT_EQ(virtio_pci_parse_caps(cfg, bars, 8, &l), SVSM_E_FORMAT);
}

TEST(virtio_blk, a_later_usable_cap_is_taken)
{
	uint8_t cfg[256];
	struct virtio_pci_bar bars[VIRTIO_PCI_BAR_COUNT];
	struct virtio_pci_layout l;

	good_bars(bars);
	good_cfg(cfg);
	cfg[0x84] = 0x09;
	cap(cfg, 0x60, 0x70, VIRTIO_PCI_CAP_DEVICE_CFG, 4, 0x3800, 0x1000); /* unusable */
	cap(cfg, 0x84, 0, VIRTIO_PCI_CAP_DEVICE_CFG, 4, 0x2000, 0x100);
	ASSERT_EQ(virtio_pci_parse_caps(cfg, bars, 8, &l), SVSM_OK);
	EXPECT_EQ(l.device.offset, 0x2000u);
	EXPECT_EQ(l.device.length, 0x100u);
}

TEST(virtio_blk, cap_list_loops_and_bad_pointers_end)
{
	uint8_t cfg[256];
	struct virtio_pci_bar bars[VIRTIO_PCI_BAR_COUNT];
	struct virtio_pci_layout l;

	good_bars(bars);
	good_cfg(cfg);
	cfg[0x41] = 0x40; /* common points to itself */
	EXPECT_EQ(virtio_pci_parse_caps(cfg, bars, 8, &l), SVSM_E_FORMAT);
	good_cfg(cfg);
	cfg[0x84 + 1] = 0x40; /* all four found, then a loop back */
	EXPECT_EQ(virtio_pci_parse_caps(cfg, bars, 8, &l), SVSM_OK);
	good_cfg(cfg);
	cfg[0x34] = 0x20; /* into the header */
	EXPECT_EQ(virtio_pci_parse_caps(cfg, bars, 8, &l), SVSM_E_FORMAT);
	good_cfg(cfg);
	cfg[0x06] = 0; /* no capability list */
	EXPECT_EQ(virtio_pci_parse_caps(cfg, bars, 8, &l), SVSM_E_FORMAT);
	good_cfg(cfg);
	cfg[0x34] = 0xff; /* aligned down to 0xfc: a 4-byte capability at the end */
	EXPECT_EQ(virtio_pci_parse_caps(cfg, bars, 8, &l), SVSM_E_FORMAT);
}

TEST(virtio_blk, notify_offset_inside_the_region)
{
	struct virtio_pci_layout l = {.notify = {4, 0x3000, 0x1000}, .notify_off_multiplier = 4};
	uint32_t off = 0;

	ASSERT_EQ(virtio_pci_notify_offset(&l, 3, &off), SVSM_OK);
	EXPECT_EQ(off, 12u);
	EXPECT_EQ(virtio_pci_notify_offset(&l, 0x3ff, &off), SVSM_OK);
	EXPECT_EQ(virtio_pci_notify_offset(&l, 0x400, &off), SVSM_E_FORMAT);
	EXPECT_EQ(virtio_pci_notify_offset(&l, 0xffff, &off), SVSM_E_FORMAT);
	l.notify_off_multiplier = 0;
	ASSERT_EQ(virtio_pci_notify_offset(&l, 0xffff, &off), SVSM_OK);
	EXPECT_EQ(off, 0u);
	l.notify.length = 1;
	EXPECT_EQ(virtio_pci_notify_offset(&l, 0, &off), SVSM_E_FORMAT);
}

TEST(virtio_blk, queue_size)
{
	uint16_t s = 0;

	ASSERT_EQ(virtio_pci_queue_size(256, 8, 4, &s), SVSM_OK);
	EXPECT_EQ(s, 8u);
	ASSERT_EQ(virtio_pci_queue_size(6, 8, 4, &s), SVSM_OK);
	EXPECT_EQ(s, 4u);
	EXPECT_EQ(virtio_pci_queue_size(3, 8, 4, &s), SVSM_E_FORMAT);
	EXPECT_EQ(virtio_pci_queue_size(0, 8, 4, &s), SVSM_E_FORMAT);
	ASSERT_EQ(virtio_pci_queue_size(0xffff, 8, 4, &s), SVSM_OK);
	EXPECT_EQ(s, 8u);
}

TEST(virtio_blk, used_element_checked)
{
	struct virtio_used_check c = {.last_used = 7, .queue_size = 8, .head = 0, .writable = 513};

	EXPECT_EQ(virtio_pci_used_check(&c, 7, 5, 99999), VIRTIO_USED_PENDING);
	EXPECT_EQ(virtio_pci_used_check(&c, 8, 0, 513), VIRTIO_USED_DONE);
	EXPECT_EQ(virtio_pci_used_check(&c, 8, 0, 1), VIRTIO_USED_DONE);
	EXPECT_EQ(virtio_pci_used_check(&c, 8, 1, 513), VIRTIO_USED_BAD);
	EXPECT_EQ(virtio_pci_used_check(&c, 8, 0x10000, 513), VIRTIO_USED_BAD);
	EXPECT_EQ(virtio_pci_used_check(&c, 8, 0, 514), VIRTIO_USED_BAD);
	EXPECT_EQ(virtio_pci_used_check(&c, 9, 0, 513), VIRTIO_USED_BAD);
	EXPECT_EQ(virtio_pci_used_check(&c, 6, 0, 513), VIRTIO_USED_BAD);
	c.last_used = 0xffff;
	EXPECT_EQ(virtio_pci_used_check(&c, 0, 0, 1), VIRTIO_USED_DONE);
	EXPECT_EQ(virtio_pci_used_check(&c, 1, 0, 1), VIRTIO_USED_BAD);
}

TEST(virtio_blk, request_ranges_against_capacity)
{
	EXPECT_TRUE(virtio_blk_range_ok(2048, 0, 2048));
	EXPECT_TRUE(virtio_blk_range_ok(2048, 2047, 1));
	EXPECT_TRUE(virtio_blk_range_ok(2048, 2048, 0));
	EXPECT_FALSE(virtio_blk_range_ok(2048, 2048, 1));
	EXPECT_FALSE(virtio_blk_range_ok(2048, 2049, 0));
	EXPECT_FALSE(virtio_blk_range_ok(2048, 1, 2048));
	EXPECT_FALSE(virtio_blk_range_ok(2048, UINT64_MAX, 2));
	EXPECT_FALSE(virtio_blk_range_ok(2048, 1, UINT64_MAX));
	EXPECT_FALSE(virtio_blk_range_ok(UINT64_MAX, 0, UINT64_MAX / 256));
	EXPECT_FALSE(virtio_blk_range_ok(0, 0, 1));
}
