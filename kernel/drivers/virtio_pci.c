/*
 * The modern virtio-pci transport's discovery and checks (virtio_pci.h): bus-0 lookup, BAR
 * sizing, the capability walk, notify offsets, used-element checks. Every value comes from
 * the untrusted host (configuration space, the used ring) and is checked here before the
 * driver (virtio_blk.c) uses it. No state, no lock: configuration accesses go through
 * pci.h (its pci_lock keeps each CF8/CFC pair together).
 */
#include "kernel/drivers/virtio_pci.h"

#include <stddef.h>

#include "kernel/drivers/pci.h"

#define PCI_COMMAND       0x04u
#define PCI_COMMAND_IO    (1u << 0)
#define PCI_COMMAND_MEM   (1u << 1)
#define PCI_STATUS_CAPS   (1u << 4) /* in the status byte at 0x06 */
#define PCI_BAR0          0x10u
#define PCI_CAP_PTR       0x34u
#define PCI_CAP_VENDOR    0x09u
#define PCI_CAP_WALK_MAX  48u /* (256 - 64) / 4: more entries mean a loop */
#define VIRTIO_CAP_LEN    16u
#define VIRTIO_NOTIFY_CAP_LEN 20u

enum svsm_err virtio_pci_find(uint16_t vendor, uint16_t device_id, unsigned *dev, unsigned *fn)
{
	for (unsigned d = 0; d < 32; d++) {
		for (unsigned f = 0; f < 8; f++) {
			uint32_t id = pci_config_read32(d, f, 0);

			if ((id & 0xffff) == 0xffff) {
				if (f == 0) {
					break; /* no device */
				}
				continue;
			}
			if ((id & 0xffff) == vendor && (id >> 16) == device_id) {
				*dev = d;
				*fn = f;
				return SVSM_OK;
			}
		}
	}
	return SVSM_E_NOT_FOUND;
}

static bool is_pow2(uint64_t v)
{
	return v != 0 && (v & (v - 1)) == 0;
}

/* Size one memory BAR at index @i (64-bit when @wide): write all-ones, read, restore. */
static uint64_t bar_mask(unsigned dev, unsigned fn, unsigned i, bool wide)
{
	unsigned reg = PCI_BAR0 + 4 * i;
	uint32_t lo = pci_config_read32(dev, fn, reg);
	uint32_t hi = wide ? pci_config_read32(dev, fn, reg + 4) : 0;
	uint64_t mask = 0;

	pci_config_write32(dev, fn, reg, 0xffffffffu);
	mask = pci_config_read32(dev, fn, reg) & ~0xfu;
	pci_config_write32(dev, fn, reg, lo);
	if (wide) {
		pci_config_write32(dev, fn, reg + 4, 0xffffffffu);
		mask |= (uint64_t)pci_config_read32(dev, fn, reg + 4) << 32;
		pci_config_write32(dev, fn, reg + 4, hi);
	} else if (mask != 0) {
		mask |= 0xffffffff00000000ull;
	}
	return mask;
}

static enum svsm_err read_bars(unsigned dev, unsigned fn, struct virtio_pci_bar *bars)
{
	for (unsigned i = 0; i < VIRTIO_PCI_BAR_COUNT; i++) {
		uint32_t lo = pci_config_read32(dev, fn, PCI_BAR0 + 4 * i);
		bool wide = ((lo >> 1) & 3) == 2;
		uint64_t base = lo & ~0xfull;
		uint64_t mask, size;

		bars[i] = (struct virtio_pci_bar){0, 0};
		if ((lo & 1) != 0) {
			continue; /* I/O BAR: the driver uses memory BARs only */
		}
		if (wide && i + 1 >= VIRTIO_PCI_BAR_COUNT) {
			return SVSM_E_FORMAT;
		}
		if (wide) {
			base |= (uint64_t)pci_config_read32(dev, fn, PCI_BAR0 + 4 * (i + 1)) << 32;
		}
		mask = bar_mask(dev, fn, i, wide);
		size = ~mask + 1;
		if (mask != 0 && base != 0) {
			if (!is_pow2(size) || base % size != 0 || base + size < base) {
				return SVSM_E_FORMAT;
			}
			bars[i] = (struct virtio_pci_bar){base, size};
		}
		if (wide) {
			bars[++i] = (struct virtio_pci_bar){0, 0};
		}
	}
	return SVSM_OK;
}

enum svsm_err virtio_pci_read_bars(unsigned dev, unsigned fn,
				   struct virtio_pci_bar bars[VIRTIO_PCI_BAR_COUNT])
{
	uint32_t cmd = pci_config_read32(dev, fn, PCI_COMMAND) & 0xffff;
	enum svsm_err err;

	/* No decoding while a BAR holds all-ones (status half written as 0: write-1-to-clear). */
	pci_config_write32(dev, fn, PCI_COMMAND, cmd & ~(PCI_COMMAND_MEM | PCI_COMMAND_IO));
	err = read_bars(dev, fn, bars);
	pci_config_write32(dev, fn, PCI_COMMAND, cmd);
	return err;
}

static uint32_t le32_at(const uint8_t *p)
{
	return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* A usable region: an assigned memory BAR, inside it, aligned, long enough. */
static bool region_ok(const struct virtio_pci_bar *bars, uint8_t bar, uint32_t offset,
		      uint32_t length, uint32_t min, uint32_t align)
{
	return bar < VIRTIO_PCI_BAR_COUNT && bars[bar].base != 0 && length >= min &&
	       offset % align == 0 && (uint64_t)offset + length <= bars[bar].size;
}

enum svsm_err virtio_pci_parse_caps(const uint8_t cfg[256],
				    const struct virtio_pci_bar bars[VIRTIO_PCI_BAR_COUNT],
				    uint32_t device_min, struct virtio_pci_layout *out)
{
	/* Per cfg_type 1..4: minimum length and offset alignment. */
	static const uint32_t min_len[5] = {0, VIRTIO_PCI_COMMON_CFG_SIZE, 2, 1, 0};
	static const uint32_t align[5] = {1, 4, 2, 1, 4};
	bool found[5] = {false, false, false, false, false};
	unsigned ptr = cfg[PCI_CAP_PTR] & 0xfc;

	*out = (struct virtio_pci_layout){.notify_off_multiplier = 0};
	if ((cfg[0x06] & PCI_STATUS_CAPS) == 0) {
		return SVSM_E_FORMAT;
	}
	for (unsigned n = 0; n < PCI_CAP_WALK_MAX && ptr >= 0x40; n++) {
		const uint8_t *cap = cfg + ptr;
		unsigned next = cap[1] & 0xfc;
		uint8_t type = cap[3];
		uint32_t offset, length, min;
		struct virtio_pci_region *r = NULL;

		if (cap[0] != PCI_CAP_VENDOR || cap[2] < VIRTIO_CAP_LEN ||
		    ptr + cap[2] > 256 || type < 1 || type > 4 || found[type]) {
			ptr = next;
			continue; /* not a virtio capability we use (or a later duplicate) */
		}
		offset = le32_at(cap + 8);
		length = le32_at(cap + 12);
		min = type == VIRTIO_PCI_CAP_DEVICE_CFG ? device_min : min_len[type];
		if (type == VIRTIO_PCI_CAP_NOTIFY_CFG) {
			uint32_t mult = cap[2] >= VIRTIO_NOTIFY_CAP_LEN ? le32_at(cap + 16) : 1;

			/* Spec 4.1.4.4: 0 or an even power of two. */
			if (cap[2] < VIRTIO_NOTIFY_CAP_LEN || (mult != 0 && (!is_pow2(mult) || mult == 1))) {
				ptr = next;
				continue;
			}
			out->notify_off_multiplier = mult;
		}
		if (!region_ok(bars, cap[4], offset, length, min, align[type])) {
			ptr = next; /* the spec lets a driver skip a capability it cannot use */
			continue;
		}
		switch (type) {
		case VIRTIO_PCI_CAP_COMMON_CFG:
			r = &out->common;
			break;
		case VIRTIO_PCI_CAP_NOTIFY_CFG:
			r = &out->notify;
			break;
		case VIRTIO_PCI_CAP_ISR_CFG:
			r = &out->isr;
			break;
		default:
			r = &out->device;
			break;
		}
		*r = (struct virtio_pci_region){cap[4], offset, length};
		found[type] = true;
		ptr = next;
	}
	if (!found[1] || !found[2] || !found[3] || !found[4]) {
		return SVSM_E_FORMAT;
	}
	return SVSM_OK;
}

enum svsm_err virtio_pci_notify_offset(const struct virtio_pci_layout *l, uint16_t queue_notify_off,
				       uint32_t *offset)
{
	uint64_t off = (uint64_t)queue_notify_off * l->notify_off_multiplier;

	if (off % 2 != 0 || off + 2 > l->notify.length) {
		return SVSM_E_FORMAT;
	}
	*offset = (uint32_t)off;
	return SVSM_OK;
}

enum svsm_err virtio_pci_queue_size(uint16_t device_max, uint16_t wanted, uint16_t needed,
				    uint16_t *size)
{
	uint16_t limit = device_max < wanted ? device_max : wanted;
	uint16_t s = 1;

	if (limit == 0) {
		return SVSM_E_FORMAT;
	}
	while ((uint32_t)s * 2 <= limit) {
		s = (uint16_t)(s * 2);
	}
	if (s < needed) {
		return SVSM_E_FORMAT;
	}
	*size = s;
	return SVSM_OK;
}

enum virtio_used_result virtio_pci_used_check(const struct virtio_used_check *c, uint16_t used_idx,
					      uint32_t id, uint32_t len)
{
	if (used_idx == c->last_used) {
		return VIRTIO_USED_PENDING;
	}
	if (used_idx != (uint16_t)(c->last_used + 1) || id != c->head || len > c->writable) {
		return VIRTIO_USED_BAD;
	}
	return VIRTIO_USED_DONE;
}
