/*
 * The modern virtio-pci transport (virtio 1.1 spec section 4.1), as far as the SVSM's own
 * virtio-blk driver needs it: finding a function on bus 0, its memory BARs (base and size),
 * the vendor capabilities that place COMMON/NOTIFY/ISR/DEVICE config in those BARs, the
 * notify address of a queue, and the check of a used-ring element. Everything here reads
 * values the untrusted host chose, validates them and never touches the device's MMIO:
 * portable, with unit tests (tests/unit/virtio_blk_test.c) and a libFuzzer target
 * (tests/fuzz/virtio_blk.c). The driver is kernel/drivers/virtio_blk.c.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "svsm/err.h"

#define VIRTIO_PCI_VENDOR 0x1af4u
#define VIRTIO_PCI_BAR_COUNT 6u

/* Capability cfg_type values (spec 4.1.4). */
#define VIRTIO_PCI_CAP_COMMON_CFG 1u
#define VIRTIO_PCI_CAP_NOTIFY_CFG 2u
#define VIRTIO_PCI_CAP_ISR_CFG    3u
#define VIRTIO_PCI_CAP_DEVICE_CFG 4u

/* struct virtio_pci_common_cfg register offsets (spec 4.1.4.3). */
#define VIRTIO_PCI_COMMON_DFSELECT  0x00u /* le32 device_feature_select */
#define VIRTIO_PCI_COMMON_DF        0x04u /* le32 device_feature */
#define VIRTIO_PCI_COMMON_GFSELECT  0x08u /* le32 driver_feature_select */
#define VIRTIO_PCI_COMMON_GF        0x0cu /* le32 driver_feature */
#define VIRTIO_PCI_COMMON_MSIX      0x10u /* le16 msix_config */
#define VIRTIO_PCI_COMMON_NUMQ      0x12u /* le16 num_queues */
#define VIRTIO_PCI_COMMON_STATUS    0x14u /* u8 device_status */
#define VIRTIO_PCI_COMMON_CFGGEN    0x15u /* u8 config_generation */
#define VIRTIO_PCI_COMMON_Q_SELECT  0x16u /* le16 queue_select */
#define VIRTIO_PCI_COMMON_Q_SIZE    0x18u /* le16 queue_size */
#define VIRTIO_PCI_COMMON_Q_MSIX    0x1au /* le16 queue_msix_vector */
#define VIRTIO_PCI_COMMON_Q_ENABLE  0x1cu /* le16 queue_enable */
#define VIRTIO_PCI_COMMON_Q_NOFF    0x1eu /* le16 queue_notify_off */
#define VIRTIO_PCI_COMMON_Q_DESCLO  0x20u /* le64 queue_desc */
#define VIRTIO_PCI_COMMON_Q_AVAILLO 0x28u /* le64 queue_driver */
#define VIRTIO_PCI_COMMON_Q_USEDLO  0x30u /* le64 queue_device */
#define VIRTIO_PCI_COMMON_CFG_SIZE  0x38u

/* Device status bits (spec 2.1). */
#define VIRTIO_STATUS_ACKNOWLEDGE 1u
#define VIRTIO_STATUS_DRIVER      2u
#define VIRTIO_STATUS_DRIVER_OK   4u
#define VIRTIO_STATUS_FEATURES_OK 8u
#define VIRTIO_STATUS_FAILED      0x80u

#define VIRTIO_F_VERSION_1 32u

/**
 * struct virtio_pci_bar - one BAR of the function as the firmware assigned it.
 * @base: physical base (0: not a memory BAR or unassigned).
 * @size: decoded size in bytes (0 when @base is 0).
 */
struct virtio_pci_bar {
	uint64_t base;
	uint64_t size;
};

/**
 * struct virtio_pci_region - one configuration structure: @length bytes at @offset in BAR
 * @bar, checked to lie inside it.
 */
struct virtio_pci_region {
	uint8_t bar;
	uint32_t offset;
	uint32_t length;
};

/**
 * struct virtio_pci_layout - where a modern device put its configuration structures.
 * @common, @notify, @isr, @device: the first usable capability of each type.
 * @notify_off_multiplier: from the NOTIFY capability.
 */
struct virtio_pci_layout {
	struct virtio_pci_region common;
	struct virtio_pci_region notify;
	struct virtio_pci_region isr;
	struct virtio_pci_region device;
	uint32_t notify_off_multiplier;
};

/**
 * virtio_pci_find - the first function on bus 0 with @vendor:@device_id;
 * SVSM_E_NOT_FOUND when there is none.
 */
enum svsm_err virtio_pci_find(uint16_t vendor, uint16_t device_id, unsigned *dev,
			      unsigned *fn) SVSM_MUST_CHECK;

/**
 * virtio_pci_read_bars - base and size of every memory BAR of 00:@dev.@fn. Sizes by writing
 * all-ones with memory decoding off, then restores the BARs and the command register (set
 * up time, nothing else may use the function meanwhile). An I/O BAR or a memory BAR at 0
 * (unassigned) gets base 0. SVSM_E_FORMAT for a BAR the host made inconsistent (64-bit
 * type in BAR5, a size that is not a power of two, a range that wraps).
 */
enum svsm_err virtio_pci_read_bars(unsigned dev, unsigned fn,
				   struct virtio_pci_bar bars[VIRTIO_PCI_BAR_COUNT]) SVSM_MUST_CHECK;

/**
 * virtio_pci_parse_caps - walk the capability list of configuration space @cfg (256 bytes,
 * as read) and find the four structures. Each must be in an assigned memory BAR of @bars
 * and fit in it (overflow-checked); COMMON at least VIRTIO_PCI_COMMON_CFG_SIZE bytes,
 * NOTIFY at least 2, ISR at least 1, DEVICE at least @device_min. Bounded walk (a looping
 * list ends after 48 entries). SVSM_E_FORMAT when something is missing or malformed.
 */
enum svsm_err virtio_pci_parse_caps(const uint8_t cfg[256],
				    const struct virtio_pci_bar bars[VIRTIO_PCI_BAR_COUNT],
				    uint32_t device_min, struct virtio_pci_layout *out) SVSM_MUST_CHECK;

/**
 * virtio_pci_notify_offset - the offset in the NOTIFY region where queue with
 * @queue_notify_off is notified (spec 4.1.4.4); SVSM_E_FORMAT when a 16-bit write there
 * would leave the region.
 */
enum svsm_err virtio_pci_notify_offset(const struct virtio_pci_layout *l, uint16_t queue_notify_off,
				       uint32_t *offset) SVSM_MUST_CHECK;

/**
 * virtio_pci_queue_size - the ring size to use: the largest power of two <= min(@device_max,
 * @wanted); SVSM_E_FORMAT when that is below @needed (0 means the queue is absent).
 */
enum svsm_err virtio_pci_queue_size(uint16_t device_max, uint16_t wanted, uint16_t needed,
				    uint16_t *size) SVSM_MUST_CHECK;

/**
 * struct virtio_used_check - the state a used-ring update is checked against: exactly one
 * request (head @head) is outstanding, the driver last saw used index @last_used, the
 * ring has @queue_size entries and the chain has @writable device-writable bytes.
 */
struct virtio_used_check {
	uint16_t last_used;
	uint16_t queue_size;
	uint16_t head;
	uint32_t writable;
};

/** enum virtio_used_result - what a polled used index and element mean. */
enum virtio_used_result {
	VIRTIO_USED_PENDING = 0, /* the index did not move: keep waiting */
	VIRTIO_USED_DONE,        /* the one request completed with a plausible element */
	VIRTIO_USED_BAD,         /* the device broke the protocol: reset it */
};

/**
 * virtio_pci_used_check - judge used index @used_idx and, when it moved, the element at
 * ring slot @c->last_used % @c->queue_size (@id, @len, read once by the caller): the index
 * may advance by exactly one, @id must be @c->head, @len at most @c->writable.
 */
enum virtio_used_result virtio_pci_used_check(const struct virtio_used_check *c, uint16_t used_idx,
					      uint32_t id, uint32_t len);
