/*
 * The SVSM's own block device: a modern virtio-blk PCI function (1af4:1042) on bus 0 that
 * the host attaches for the SVSM alone (docs/virtio-blk.md). Synchronous, polled requests
 * through one split virtqueue; data bounces through SVSM pages. The guest never sees the
 * function (pci_filter.c hides it) and is stopped if it touches its BARs.
 * Native platform only: on SNP virtio_blk_probe() returns SVSM_E_UNSUPPORTED
 * (virtio_blk_absent.c) until the bounce pages can be shared with the host.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "svsm/err.h"

#define VIRTIO_BLK_SECTOR 512u
#define VIRTIO_BLK_DEVICE_ID 0x1042u

/**
 * virtio_blk_probe - find and start the device: SVSM_OK, SVSM_E_NOT_FOUND when there is
 * none, another error (device reset and left alone) when it is malformed. Called at boot
 * before the guest launches, after pci_disable_bus_mastering(); calling it again on a
 * started device only turns Bus Master Enable back on and returns SVSM_OK.
 */
enum svsm_err virtio_blk_probe(void) SVSM_MUST_CHECK;

/**
 * virtio_blk_panic_claim - for the panic path (every other CPU stopped): false if no
 * request can be made without waiting (no device, a failed one, or a request was in
 * flight on a stopped CPU); else true, and from now on no request waits past
 * @deadline_us (tsc_now_us() time): it times out and the device is failed instead.
 */
bool virtio_blk_panic_claim(uint64_t deadline_us);

/** virtio_blk_present - the device was started and has not failed since. */
bool virtio_blk_present(void);

/** virtio_blk_sectors - capacity in VIRTIO_BLK_SECTOR units (0 when not present). */
uint64_t virtio_blk_sectors(void);

/** virtio_blk_can_flush - the device offered VIRTIO_BLK_F_FLUSH (else write-through). */
bool virtio_blk_can_flush(void);

/** virtio_blk_request_count - requests sent to the device since boot (tests, statistics). */
uint64_t virtio_blk_request_count(void);

/**
 * virtio_blk_read / virtio_blk_write - @sectors sectors at @lba from/to @buf (any
 * alignment). SVSM_E_INVALID_PARAM for a range past the capacity (nothing sent),
 * SVSM_E_UNSUPPORTED for a write to a read-only device, SVSM_E_IO for a device error,
 * a time-out (5 s per chunk) or a protocol violation (then the device is reset and
 * every later call fails with SVSM_E_IO). @sectors 0 is a successful no-op.
 */
enum svsm_err virtio_blk_read(uint64_t lba, void *buf, uint32_t sectors) SVSM_MUST_CHECK;
enum svsm_err virtio_blk_write(uint64_t lba, const void *buf, uint32_t sectors) SVSM_MUST_CHECK;

/**
 * virtio_blk_flush - every completed write is durable when this returns SVSM_OK
 * (VIRTIO_BLK_T_FLUSH). Without VIRTIO_BLK_F_FLUSH the device is write-through (spec
 * 5.2.6.2: writes are durable when they complete) and this returns SVSM_OK at once.
 */
enum svsm_err virtio_blk_flush(void) SVSM_MUST_CHECK;

/**
 * virtio_blk_guest_deny - put every memory BAR of the device on the device bus as a
 * range that stops the guest at any access (it would otherwise be identity-mapped);
 * SVSM_OK and nothing registered when there is no device. Set-up time, before
 * trap_device_mmio() in kernel/guest/launch.c.
 */
enum svsm_err virtio_blk_guest_deny(void) SVSM_MUST_CHECK;

/**
 * virtio_blk_range_ok - [@lba, @lba + @sectors) lies inside @capacity sectors and its
 * byte size fits 64 bits (overflow-checked).
 */
static inline bool virtio_blk_range_ok(uint64_t capacity, uint64_t lba, uint64_t sectors)
{
	return lba <= capacity && sectors <= capacity - lba &&
	       sectors <= UINT64_MAX / VIRTIO_BLK_SECTOR;
}
