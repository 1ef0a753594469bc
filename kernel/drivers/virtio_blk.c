/*
 * The SVSM's own virtio-blk device (virtio_blk.h, docs/virtio-blk.md): probe and start over
 * the modern virtio-pci interface, one split virtqueue of at most 8 entries, one request
 * in flight, polled with a 5 s time-out, data copied through a 32 KiB bounce buffer. The
 * ring page (descriptors, rings, request header, status byte) and the bounce buffer are
 * SVSM pages from page_alloc; the device DMAs nowhere else. Everything the device writes
 * is checked by virtio_pci.c before use.
 *
 * Locking: `vblk.busy` is a test-and-set lock taken WITHOUT disabling interrupts; it is
 * held for one whole call (all its chunks), including the polling, so calls from different
 * CPUs are serialised and a CPU waiting for the disk keeps taking interrupts (IPIs, wake-ups)
 * and never stalls a CPU that does not use the disk. It must not be taken from an
 * interrupt handler (a handler spinning on the lock its CPU holds would never return).
 * Probe and virtio_blk_guest_deny() run at set-up time on the boot CPU.
 */
#include "kernel/drivers/virtio_blk.h"

#include <stddef.h>
#include <string.h>

#include "kernel/arch/x86_64/tsc.h"
#include "kernel/arch/x86_64/x86.h"
#include "kernel/devices/bus.h"
#include "kernel/drivers/pci.h"
#include "kernel/drivers/virtio_pci.h"
#include "kernel/guest/guest.h"
#include "kernel/lib/log.h"
#include "kernel/mm/mm.h"
#include "kernel/mm/page_alloc.h"
#include "kernel/platform/platform.h"
#include "kernel/vcpu/vcpu.h"

#define PCI_COMMAND          0x04u
#define PCI_COMMAND_MEM      (1u << 1)
#define PCI_COMMAND_MASTER   (1u << 2)
#define PCI_COMMAND_INTX_OFF (1u << 10)

/* Virtio-blk (spec 5.2). */
#define VIRTIO_BLK_F_RO    5u
#define VIRTIO_BLK_F_FLUSH 9u
#define VIRTIO_BLK_T_IN    0u
#define VIRTIO_BLK_T_OUT   1u
#define VIRTIO_BLK_T_FLUSH 4u
#define VIRTIO_BLK_S_OK    0u
#define VIRTIO_BLK_S_UNSUPP 2u

/* Split virtqueue (spec 2.6). */
#define VIRTQ_DESC_F_NEXT  1u
#define VIRTQ_DESC_F_WRITE 2u
#define VIRTQ_AVAIL_F_NO_INTERRUPT 1u

#define VBLK_QUEUE_WANTED 8u
#define VBLK_QUEUE_NEEDED 4u /* header, data, status: 3 descriptors; power of two */
#define VBLK_BOUNCE_ORDER 3u /* 32 KiB */
#define VBLK_BOUNCE_BYTES (MM_PAGE_SIZE << VBLK_BOUNCE_ORDER)
#define VBLK_BOUNCE_SECTORS ((uint32_t)(VBLK_BOUNCE_BYTES / VIRTIO_BLK_SECTOR))
#define VBLK_TIMEOUT_US 5000000ull

/* The ring page: offsets of each part (a queue of 8 uses 128 + 22 + 70 bytes). */
#define RING_DESC   0x000u
#define RING_AVAIL  0x100u
#define RING_USED   0x200u
#define RING_HDR    0x800u
#define RING_STATUS 0x810u

/** struct virtq_desc - split virtqueue descriptor (spec 2.6.5). */
struct virtq_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags;
	uint16_t next;
};
_Static_assert(sizeof(struct virtq_desc) == 16, "virtq_desc layout");

/** struct virtio_blk_req_hdr - request header (spec 5.2.6). */
struct virtio_blk_req_hdr {
	uint32_t type;
	uint32_t reserved;
	uint64_t sector;
};
_Static_assert(sizeof(struct virtio_blk_req_hdr) == 16, "virtio_blk_req_hdr layout");

static struct {
	bool found;    /* a function with our ID exists; bars[] are its BARs */
	bool present;  /* started and not failed */
	bool failed;   /* reset after a violation or time-out: every call fails */
	bool read_only;
	bool flush;
	unsigned dev, fn;
	struct virtio_pci_bar bars[VIRTIO_PCI_BAR_COUNT];
	volatile uint8_t *common;
	volatile uint8_t *device_cfg;
	volatile uint16_t *notify;
	uint64_t capacity;
	uint16_t queue_size;
	uint16_t avail_idx; /* == last_used between calls: one request at a time */
	uint16_t last_used;
	uint64_t requests;
	uint8_t *ring;
	uint8_t *bounce;
	paddr_t ring_pa, bounce_pa;
	uint32_t busy;
	uint64_t panic_deadline; /* virtio_blk_panic_claim(): no request waits past this */
} vblk;

static void vblk_lock(void)
{
	while (__atomic_exchange_n(&vblk.busy, 1, __ATOMIC_ACQUIRE) != 0) {
		while (__atomic_load_n(&vblk.busy, __ATOMIC_RELAXED) != 0) {
			cpu_relax();
		}
	}
}

static void vblk_unlock(void)
{
	__atomic_store_n(&vblk.busy, 0, __ATOMIC_RELEASE);
}

static uint8_t common_r8(uint32_t off)
{
	return vblk.common[off];
}

static void common_w8(uint32_t off, uint8_t v)
{
	vblk.common[off] = v;
}

static uint16_t common_r16(uint32_t off)
{
	return *(volatile uint16_t *)(vblk.common + off);
}

static void common_w16(uint32_t off, uint16_t v)
{
	*(volatile uint16_t *)(vblk.common + off) = v;
}

static uint32_t common_r32(uint32_t off)
{
	return *(volatile uint32_t *)(vblk.common + off);
}

static void common_w32(uint32_t off, uint32_t v)
{
	*(volatile uint32_t *)(vblk.common + off) = v;
}

static void common_w64(uint32_t off, uint64_t v)
{
	common_w32(off, (uint32_t)v);
	common_w32(off + 4, (uint32_t)(v >> 32));
}

static void set_command(uint32_t set, uint32_t clear)
{
	uint32_t cmd = pci_config_read32(vblk.dev, vblk.fn, PCI_COMMAND) & 0xffff;

	pci_config_write32(vblk.dev, vblk.fn, PCI_COMMAND, (cmd | set) & ~clear);
}

/* Reset the device (it stops using the queue), wait for it to say so, stop its DMA. */
static void device_reset(void)
{
	uint64_t deadline = tsc_now_us() + 1000000;

	if (vblk.common != NULL) {
		common_w8(VIRTIO_PCI_COMMON_STATUS, 0);
		while (common_r8(VIRTIO_PCI_COMMON_STATUS) != 0 && tsc_now_us() < deadline) {
			cpu_relax();
		}
	}
	set_command(0, PCI_COMMAND_MASTER);
}

/* A protocol violation or a time-out: the device is reset and never used again. */
static enum svsm_err device_fail(const char *why)
{
	pr_err("virtio-blk: %s: device reset, the SVSM's disk is no longer used\n", why);
	device_reset();
	vblk.present = false;
	vblk.failed = true;
	return SVSM_E_IO;
}

static void set_desc(unsigned i, paddr_t pa, uint32_t len, uint16_t flags, uint16_t next)
{
	volatile struct virtq_desc *d = (volatile struct virtq_desc *)(vblk.ring + RING_DESC) + i;

	d->addr = pa_addr(pa);
	d->len = len;
	d->flags = flags;
	d->next = next;
}

/*
 * One request, lock held: header, @bytes of bounce buffer (device-writable when
 * @device_writes), status byte. Waits at most VBLK_TIMEOUT_US for the used element.
 */
static enum svsm_err do_request(uint32_t type, uint64_t sector, uint32_t bytes, bool device_writes)
{
	volatile struct virtio_blk_req_hdr *hdr = (void *)(vblk.ring + RING_HDR);
	volatile uint8_t *status = vblk.ring + RING_STATUS;
	volatile uint16_t *avail = (volatile uint16_t *)(vblk.ring + RING_AVAIL);
	volatile uint16_t *used_idx = (volatile uint16_t *)(vblk.ring + RING_USED + 2);
	volatile uint32_t *used_ring = (volatile uint32_t *)(vblk.ring + RING_USED + 4);
	paddr_t status_pa = pa_add(vblk.ring_pa, RING_STATUS);
	struct virtio_used_check check = {
		.last_used = vblk.last_used, .queue_size = vblk.queue_size, .head = 0,
		.writable = 1 + (device_writes ? bytes : 0)};
	uint64_t deadline = tsc_now_us() + VBLK_TIMEOUT_US;
	uint64_t panic_deadline = __atomic_load_n(&vblk.panic_deadline, __ATOMIC_RELAXED);
	unsigned slot = vblk.last_used % vblk.queue_size;
	enum virtio_used_result r = VIRTIO_USED_PENDING;
	uint32_t id = 0, len = 0;
	uint8_t st;

	if (panic_deadline != 0 && panic_deadline < deadline) {
		deadline = panic_deadline;
	}

	hdr->type = type;
	hdr->reserved = 0;
	hdr->sector = sector;
	*status = 0xff;
	set_desc(0, pa_add(vblk.ring_pa, RING_HDR), sizeof(*hdr), VIRTQ_DESC_F_NEXT, 1);
	if (bytes != 0) {
		set_desc(1, vblk.bounce_pa, bytes,
			 VIRTQ_DESC_F_NEXT | (device_writes ? VIRTQ_DESC_F_WRITE : 0), 2);
		set_desc(2, status_pa, 1, VIRTQ_DESC_F_WRITE, 0);
	} else {
		set_desc(1, status_pa, 1, VIRTQ_DESC_F_WRITE, 0);
	}
	avail[2 + vblk.avail_idx % vblk.queue_size] = 0; /* head descriptor 0 */
	__atomic_store_n(&vblk.requests, vblk.requests + 1, __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	vblk.avail_idx++;
	avail[1] = vblk.avail_idx;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	*vblk.notify = 0; /* queue 0 */
	for (;;) {
		uint16_t idx = *used_idx;

		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		id = used_ring[2 * slot];
		len = used_ring[2 * slot + 1];
		r = virtio_pci_used_check(&check, idx, id, len);
		if (r != VIRTIO_USED_PENDING) {
			break;
		}
		if (tsc_now_us() > deadline) {
			return device_fail("request timed out");
		}
		cpu_relax();
	}
	if (r == VIRTIO_USED_BAD) {
		pr_err("virtio-blk: used element id %u len %u (want id 0, len <= %u)\n", id, len,
		       check.writable);
		return device_fail("the device broke the used-ring protocol");
	}
	vblk.last_used++;
	if (device_writes && len != check.writable) {
		return device_fail("short read");
	}
	st = *status;
	if (st == VIRTIO_BLK_S_OK) {
		return SVSM_OK;
	}
	pr_warn("virtio-blk: request type %u sector %lu: status %u\n", type, sector, st);
	return st == VIRTIO_BLK_S_UNSUPP ? SVSM_E_UNSUPPORTED : SVSM_E_IO;
}

static enum svsm_err check_call(uint64_t lba, uint32_t sectors)
{
	if (vblk.failed || !vblk.present) {
		return vblk.failed ? SVSM_E_IO : SVSM_E_NOT_FOUND;
	}
	if (!virtio_blk_range_ok(vblk.capacity, lba, sectors)) {
		return SVSM_E_INVALID_PARAM;
	}
	return SVSM_OK;
}

enum svsm_err virtio_blk_read(uint64_t lba, void *buf, uint32_t sectors)
{
	uint8_t *out = buf;
	enum svsm_err err;

	vblk_lock();
	err = check_call(lba, sectors);
	while (err == SVSM_OK && sectors > 0) {
		uint32_t n = sectors < VBLK_BOUNCE_SECTORS ? sectors : VBLK_BOUNCE_SECTORS;
		uint32_t bytes = n * VIRTIO_BLK_SECTOR;

		err = do_request(VIRTIO_BLK_T_IN, lba, bytes, true);
		if (err == SVSM_OK) {
			memcpy(out, vblk.bounce, bytes);
			out += bytes;
			lba += n;
			sectors -= n;
		}
	}
	vblk_unlock();
	return err;
}

enum svsm_err virtio_blk_write(uint64_t lba, const void *buf, uint32_t sectors)
{
	const uint8_t *in = buf;
	enum svsm_err err;

	vblk_lock();
	err = check_call(lba, sectors);
	if (err == SVSM_OK && vblk.read_only && sectors > 0) {
		err = SVSM_E_UNSUPPORTED;
	}
	while (err == SVSM_OK && sectors > 0) {
		uint32_t n = sectors < VBLK_BOUNCE_SECTORS ? sectors : VBLK_BOUNCE_SECTORS;
		uint32_t bytes = n * VIRTIO_BLK_SECTOR;

		memcpy(vblk.bounce, in, bytes);
		err = do_request(VIRTIO_BLK_T_OUT, lba, bytes, false);
		in += bytes;
		lba += n;
		sectors -= n;
	}
	vblk_unlock();
	return err;
}

enum svsm_err virtio_blk_flush(void)
{
	enum svsm_err err;

	vblk_lock();
	err = check_call(0, 0);
	if (err == SVSM_OK && vblk.flush) {
		err = do_request(VIRTIO_BLK_T_FLUSH, 0, 0, false);
	}
	vblk_unlock();
	return err;
}

bool virtio_blk_panic_claim(uint64_t deadline_us)
{
	if (!vblk.present || vblk.failed ||
	    __atomic_load_n(&vblk.busy, __ATOMIC_ACQUIRE) != 0) {
		return false; /* absent, broken, or a stopped CPU was inside a request */
	}
	__atomic_store_n(&vblk.panic_deadline, deadline_us, __ATOMIC_RELEASE);
	return true;
}

bool virtio_blk_present(void)
{
	return vblk.present;
}

uint64_t virtio_blk_sectors(void)
{
	return vblk.present ? vblk.capacity : 0;
}

uint64_t virtio_blk_request_count(void)
{
	return __atomic_load_n(&vblk.requests, __ATOMIC_RELAXED);
}

bool virtio_blk_can_flush(void)
{
	return vblk.present && vblk.flush;
}

/* Map [@off, @off + @len) of region @r (checked inside its BAR by virtio_pci.c). */
static volatile uint8_t *map_region(const struct virtio_pci_region *r, uint32_t off, uint32_t len)
{
	return mm_map_mmio(pa_init(vblk.bars[r->bar].base + r->offset + off), len);
}

/* The capacity, read consistently (config_generation unchanged around it). */
static enum svsm_err read_capacity(void)
{
	for (unsigned tries = 0; tries < 4; tries++) {
		uint8_t gen = common_r8(VIRTIO_PCI_COMMON_CFGGEN);
		uint64_t lo = *(volatile uint32_t *)vblk.device_cfg;
		uint64_t hi = *(volatile uint32_t *)(vblk.device_cfg + 4);

		if (common_r8(VIRTIO_PCI_COMMON_CFGGEN) == gen) {
			vblk.capacity = lo | hi << 32;
			/* Byte offsets of every sector must fit 64 bits. */
			return vblk.capacity <= UINT64_MAX / VIRTIO_BLK_SECTOR ? SVSM_OK
									      : SVSM_E_FORMAT;
		}
	}
	return SVSM_E_FORMAT;
}

/* Features: VIRTIO_F_VERSION_1 required; FLUSH and RO taken when offered. */
static enum svsm_err negotiate(void)
{
	uint32_t lo, hi, want_lo;

	common_w32(VIRTIO_PCI_COMMON_DFSELECT, 0);
	lo = common_r32(VIRTIO_PCI_COMMON_DF);
	common_w32(VIRTIO_PCI_COMMON_DFSELECT, 1);
	hi = common_r32(VIRTIO_PCI_COMMON_DF);
	if ((hi & (1u << (VIRTIO_F_VERSION_1 - 32))) == 0) {
		return SVSM_E_UNSUPPORTED;
	}
	want_lo = lo & ((1u << VIRTIO_BLK_F_FLUSH) | (1u << VIRTIO_BLK_F_RO));
	common_w32(VIRTIO_PCI_COMMON_GFSELECT, 0);
	common_w32(VIRTIO_PCI_COMMON_GF, want_lo);
	common_w32(VIRTIO_PCI_COMMON_GFSELECT, 1);
	common_w32(VIRTIO_PCI_COMMON_GF, 1u << (VIRTIO_F_VERSION_1 - 32));
	common_w8(VIRTIO_PCI_COMMON_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER |
						    VIRTIO_STATUS_FEATURES_OK);
	if ((common_r8(VIRTIO_PCI_COMMON_STATUS) & VIRTIO_STATUS_FEATURES_OK) == 0) {
		return SVSM_E_UNSUPPORTED;
	}
	vblk.flush = (want_lo & (1u << VIRTIO_BLK_F_FLUSH)) != 0;
	vblk.read_only = (want_lo & (1u << VIRTIO_BLK_F_RO)) != 0;
	return SVSM_OK;
}

/* Queue 0: size, rings in the ring page, notify address. */
static enum svsm_err setup_queue(const struct virtio_pci_layout *l)
{
	uint32_t notify_off = 0;
	enum svsm_err err;

	if (common_r16(VIRTIO_PCI_COMMON_NUMQ) < 1) {
		return SVSM_E_FORMAT;
	}
	common_w16(VIRTIO_PCI_COMMON_Q_SELECT, 0);
	err = virtio_pci_queue_size(common_r16(VIRTIO_PCI_COMMON_Q_SIZE), VBLK_QUEUE_WANTED,
				    VBLK_QUEUE_NEEDED, &vblk.queue_size);
	if (err == SVSM_OK) {
		err = virtio_pci_notify_offset(l, common_r16(VIRTIO_PCI_COMMON_Q_NOFF), &notify_off);
	}
	if (err != SVSM_OK) {
		return err;
	}
	vblk.notify = (volatile uint16_t *)map_region(&l->notify, notify_off, 2);
	vblk.ring_pa = page_alloc_get_zeroed(0, PAGE_OWNER_KERNEL);
	vblk.bounce_pa = page_alloc_get_zeroed(VBLK_BOUNCE_ORDER, PAGE_OWNER_KERNEL);
	if (pa_is_null(vblk.ring_pa) || pa_is_null(vblk.bounce_pa)) {
		return SVSM_E_NOMEM;
	}
	vblk.ring = phys_to_virt(vblk.ring_pa);
	vblk.bounce = phys_to_virt(vblk.bounce_pa);
	*(volatile uint16_t *)(vblk.ring + RING_AVAIL) = VIRTQ_AVAIL_F_NO_INTERRUPT;
	vblk.avail_idx = 0;
	vblk.last_used = 0;
	common_w16(VIRTIO_PCI_COMMON_Q_SIZE, vblk.queue_size);
	common_w16(VIRTIO_PCI_COMMON_Q_MSIX, 0xffff); /* VIRTIO_MSI_NO_VECTOR */
	common_w64(VIRTIO_PCI_COMMON_Q_DESCLO, pa_addr(pa_add(vblk.ring_pa, RING_DESC)));
	common_w64(VIRTIO_PCI_COMMON_Q_AVAILLO, pa_addr(pa_add(vblk.ring_pa, RING_AVAIL)));
	common_w64(VIRTIO_PCI_COMMON_Q_USEDLO, pa_addr(pa_add(vblk.ring_pa, RING_USED)));
	common_w16(VIRTIO_PCI_COMMON_Q_ENABLE, 1);
	return SVSM_OK;
}

static enum svsm_err start_device(void)
{
	uint32_t cfg_words[64];
	struct virtio_pci_layout l;
	enum svsm_err err = virtio_pci_read_bars(vblk.dev, vblk.fn, vblk.bars);

	for (unsigned i = 0; err == SVSM_OK && i < 64; i++) {
		cfg_words[i] = pci_config_read32(vblk.dev, vblk.fn, 4 * i);
	}
	if (err == SVSM_OK) {
		/* The capacity is the first 8 bytes of the device configuration. */
		err = virtio_pci_parse_caps((const uint8_t *)cfg_words, vblk.bars, 8, &l);
	}
	if (err != SVSM_OK) {
		pr_err("virtio-blk: 00:%02x.%u: BARs or capabilities malformed or unassigned\n",
		       vblk.dev, vblk.fn);
		return err;
	}
	vblk.common = map_region(&l.common, 0, VIRTIO_PCI_COMMON_CFG_SIZE);
	vblk.device_cfg = map_region(&l.device, 0, 8);
	set_command(PCI_COMMAND_MEM | PCI_COMMAND_MASTER | PCI_COMMAND_INTX_OFF, 0);
	device_reset();
	set_command(PCI_COMMAND_MASTER, 0); /* device_reset() cleared it */
	common_w8(VIRTIO_PCI_COMMON_STATUS, VIRTIO_STATUS_ACKNOWLEDGE);
	common_w8(VIRTIO_PCI_COMMON_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
	err = negotiate();
	if (err == SVSM_OK) {
		err = setup_queue(&l);
	}
	if (err == SVSM_OK) {
		err = read_capacity();
	}
	if (err == SVSM_OK) {
		common_w8(VIRTIO_PCI_COMMON_STATUS,
			  VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER |
				  VIRTIO_STATUS_FEATURES_OK | VIRTIO_STATUS_DRIVER_OK);
		if ((common_r8(VIRTIO_PCI_COMMON_STATUS) & VIRTIO_STATUS_DRIVER_OK) == 0) {
			err = SVSM_E_IO;
		}
	}
	return err;
}

enum svsm_err virtio_blk_probe(void)
{
	enum svsm_err err;

	if (vblk.present) {
		set_command(PCI_COMMAND_MEM | PCI_COMMAND_MASTER, 0); /* after pci_disable_bus_mastering() */
		return SVSM_OK;
	}
	if (vblk.failed) {
		return SVSM_E_IO;
	}
	err = virtio_pci_find(VIRTIO_PCI_VENDOR, VIRTIO_BLK_DEVICE_ID, &vblk.dev, &vblk.fn);
	if (err != SVSM_OK) {
		return err;
	}
	vblk.found = true;
	err = start_device();
	if (err != SVSM_OK) {
		pr_err("virtio-blk: 00:%02x.%u: cannot start the device: error %d\n", vblk.dev,
		       vblk.fn, err);
		if (vblk.common != NULL) {
			common_w8(VIRTIO_PCI_COMMON_STATUS, VIRTIO_STATUS_FAILED);
		}
		device_reset();
		/* Memory decoding off too: BARs the probe could not record are not on the deny
		 * list, and the guest must reach no register of this device. */
		set_command(0, PCI_COMMAND_MEM | PCI_COMMAND_MASTER);
		vblk.failed = true;
		/* The ring and bounce pages stay allocated: the device may still hold them. */
		return err;
	}
	vblk.present = true;
	for (unsigned i = 0; i < VIRTIO_PCI_BAR_COUNT; i++) {
		if (vblk.bars[i].base != 0) {
			pr_info("virtio-blk: 00:%02x.%u BAR%u %#lx+%#lx (SVSM only)\n", vblk.dev,
				vblk.fn, i, vblk.bars[i].base, vblk.bars[i].size);
		}
	}
	pr_info("virtio-blk: 00:%02x.%u: %lu sectors (%lu KiB), queue %u, %s%s\n", vblk.dev,
		vblk.fn, vblk.capacity, vblk.capacity / 2, vblk.queue_size,
		vblk.flush ? "flush" : "no flush (write-through)", vblk.read_only ? ", read-only" : "");
	return SVSM_OK;
}

static enum bus_result deny_access(void *ctx, struct vcpu *v, struct bus_access *a)
{
	(void)ctx;
	pr_err("guest: vCPU %u accessed the SVSM's block device (virtio-blk BAR) at GPA %#lx "
	       "(RIP %#lx)\n", v->id, gpa_addr(a->gpa), plat_vcpu_reg(v, VM_REG_RIP));
	guest_stop("access to the SVSM's block device");
	return BUS_STOP_GUEST;
}

enum svsm_err virtio_blk_guest_deny(void)
{
	enum svsm_err err = SVSM_OK;

	if (!vblk.found) {
		return SVSM_OK;
	}
	for (unsigned i = 0; err == SVSM_OK && i < VIRTIO_PCI_BAR_COUNT; i++) {
		uint64_t start = align_down(vblk.bars[i].base, MM_PAGE_SIZE);
		uint64_t end = align_up(vblk.bars[i].base + vblk.bars[i].size, MM_PAGE_SIZE);

		if (vblk.bars[i].base != 0) {
			err = bus_register_mmio(gpa_init(start), end - start, deny_access, NULL);
		}
	}
	return err;
}
