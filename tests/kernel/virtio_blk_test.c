/*
 * In-kernel tests of the SVSM's virtio-blk driver on QEMU's real device. scripts/test-kernel.sh
 * attaches a fresh 1 MiB raw image and passes vblk_sectors=2048; a second boot has no disk
 * and vblk_sectors=0. Without vblk_sectors= (a manual run) the tests only log and pass.
 * Checked: probe and capacity, patterns at several LBAs and a request larger than the
 * bounce buffer from an unaligned buffer, flush, read-back, out-of-range requests refused
 * without a device request, four CPUs writing at once, and "no disk" as SVSM_E_NOT_FOUND.
 * LBA 1000 gets a marker the script then finds in the image file.
 */
#include <stdbool.h>
#include <string.h>

#include "kernel/arch/x86_64/smp.h"
#include "kernel/drivers/virtio_blk.h"
#include "kernel/init/boot_info.h"
#include "kernel/lib/ktest.h"
#include "kernel/lib/log.h"
#include "lib/cmdline.h"

#define VBLK_TEST_BIG 100u /* sectors: more than the 64-sector bounce buffer */
#define VBLK_TEST_MARKER "svsm-virtio-blk-test"
#define VBLK_TEST_MARKER_LBA 1000u

static uint8_t wbuf[VBLK_TEST_BIG * VIRTIO_BLK_SECTOR + 8];
static uint8_t rbuf[VBLK_TEST_BIG * VIRTIO_BLK_SECTOR + 8];

/* vblk_sectors= from the command line; false when absent. */
static bool expected_sectors(uint64_t *n)
{
	char val[24] = "";

	if (!cmdline_get(boot_info.cmdline, "vblk_sectors", val, sizeof(val)) || val[0] == '\0') {
		return false;
	}
	*n = 0;
	for (const char *p = val; *p >= '0' && *p <= '9'; p++) {
		*n = *n * 10 + (uint64_t)(*p - '0');
	}
	return true;
}

/* True when the disk is expected and started. */
static bool disk_ready(void)
{
	uint64_t n = 0;

	return expected_sectors(&n) && n > 0 && virtio_blk_probe() == SVSM_OK;
}

static void fill(uint8_t *p, uint64_t lba, uint32_t sectors, uint8_t salt)
{
	for (uint32_t i = 0; i < sectors * VIRTIO_BLK_SECTOR; i++) {
		p[i] = (uint8_t)((lba + i / VIRTIO_BLK_SECTOR) * 131 + i * 7 + salt);
	}
}

/* Write a pattern at @lba and read it back equal. */
static bool round_trip(uint64_t lba, uint32_t sectors, unsigned misalign, uint8_t salt)
{
	uint8_t *w = wbuf + misalign;
	uint8_t *r = rbuf + (misalign ^ 5);

	fill(w, lba, sectors, salt);
	memset(r, 0xee, sectors * VIRTIO_BLK_SECTOR);
	return virtio_blk_write(lba, w, sectors) == SVSM_OK && virtio_blk_flush() == SVSM_OK &&
	       virtio_blk_read(lba, r, sectors) == SVSM_OK &&
	       memcmp(w, r, sectors * VIRTIO_BLK_SECTOR) == 0;
}

KTEST(virtio_blk, probe_matches_the_boot)
{
	uint64_t n = 0;
	uint8_t sector[VIRTIO_BLK_SECTOR];

	if (!expected_sectors(&n)) {
		pr_info("virtio_blk test: no vblk_sectors= given, probe says %d\n", virtio_blk_probe());
		return;
	}
	if (n == 0) {
		KEXPECT_EQ(virtio_blk_probe(), SVSM_E_NOT_FOUND);
		KEXPECT(!virtio_blk_present());
		KEXPECT_EQ(virtio_blk_sectors(), 0);
		KEXPECT_EQ(virtio_blk_read(0, sector, 1), SVSM_E_NOT_FOUND);
		KEXPECT_EQ(virtio_blk_write(0, sector, 1), SVSM_E_NOT_FOUND);
		KEXPECT_EQ(virtio_blk_flush(), SVSM_E_NOT_FOUND);
		KEXPECT_EQ(virtio_blk_guest_deny(), SVSM_OK);
		KEXPECT_EQ(virtio_blk_request_count(), 0);
		return;
	}
	KEXPECT_EQ(virtio_blk_probe(), SVSM_OK);
	KEXPECT(virtio_blk_present());
	KEXPECT_EQ(virtio_blk_sectors(), n);
	KEXPECT(virtio_blk_can_flush()); /* QEMU's virtio-blk offers VIRTIO_BLK_F_FLUSH */
	KEXPECT_EQ(virtio_blk_probe(), SVSM_OK); /* again: only Bus Master Enable back on */
}

KTEST(virtio_blk, write_flush_read_back)
{
	uint64_t n = 0;
	static const uint64_t lbas[] = {0, 1, 7, 513};

	if (!disk_ready() || !expected_sectors(&n)) {
		return;
	}
	/* A fresh image reads as zeros. */
	memset(rbuf, 0xee, VIRTIO_BLK_SECTOR);
	KEXPECT_EQ(virtio_blk_read(50, rbuf, 1), SVSM_OK);
	for (unsigned i = 0; i < VIRTIO_BLK_SECTOR; i++) {
		if (rbuf[i] != 0) {
			KEXPECT_EQ(rbuf[i], 0);
			break;
		}
	}
	for (unsigned i = 0; i < sizeof(lbas) / sizeof(lbas[0]); i++) {
		KEXPECT(round_trip(lbas[i], 1, 0, (uint8_t)i));
	}
	KEXPECT(round_trip(n - 1, 1, 0, 0x33));  /* the last sector */
	KEXPECT(round_trip(200, VBLK_TEST_BIG, 3, 0x44)); /* split in two chunks, unaligned */
	KEXPECT(round_trip(n - VBLK_TEST_BIG, VBLK_TEST_BIG, 1, 0x55)); /* up to the end */
	/* A read that ends inside the first chunk's data of another request. */
	memset(rbuf, 0xee, 70 * VIRTIO_BLK_SECTOR);
	KEXPECT_EQ(virtio_blk_read(230, rbuf, 70), SVSM_OK);
	fill(wbuf, 230, 70, 0x44);
	KEXPECT(memcmp(wbuf, rbuf, 70 * VIRTIO_BLK_SECTOR) == 0);
	/* The marker the script finds in the image after QEMU exits. */
	memset(wbuf, 0, VIRTIO_BLK_SECTOR);
	memcpy(wbuf, VBLK_TEST_MARKER, sizeof(VBLK_TEST_MARKER) - 1);
	KEXPECT_EQ(virtio_blk_write(VBLK_TEST_MARKER_LBA, wbuf, 1), SVSM_OK);
	KEXPECT_EQ(virtio_blk_flush(), SVSM_OK);
}

KTEST(virtio_blk, out_of_range_refused_without_a_request)
{
	uint64_t n = 0;
	uint64_t before;

	if (!disk_ready() || !expected_sectors(&n)) {
		return;
	}
	before = virtio_blk_request_count();
	KEXPECT_EQ(virtio_blk_read(n, rbuf, 1), SVSM_E_INVALID_PARAM);
	KEXPECT_EQ(virtio_blk_read(n - 1, rbuf, 2), SVSM_E_INVALID_PARAM);
	KEXPECT_EQ(virtio_blk_write(n + 5, wbuf, 1), SVSM_E_INVALID_PARAM);
	KEXPECT_EQ(virtio_blk_write(UINT64_MAX, wbuf, 2), SVSM_E_INVALID_PARAM);
	KEXPECT_EQ(virtio_blk_read(1, rbuf, UINT32_MAX), SVSM_E_INVALID_PARAM);
	KEXPECT_EQ(virtio_blk_read(n, rbuf, 0), SVSM_OK); /* empty, at the end */
	KEXPECT_EQ(virtio_blk_request_count(), before);
	KEXPECT(virtio_blk_present());
}

struct vblk_job {
	uint64_t lba;
	uint8_t salt;
	volatile int failures;
	uint8_t buf[2][8 * VIRTIO_BLK_SECTOR];
};

static struct vblk_job jobs[4];

static void hammer(void *arg)
{
	struct vblk_job *j = arg;

	for (unsigned round = 0; round < 6; round++) {
		uint8_t salt = (uint8_t)(j->salt + round);

		fill(j->buf[0], j->lba, 8, salt);
		if (virtio_blk_write(j->lba, j->buf[0], 8) != SVSM_OK ||
		    virtio_blk_read(j->lba, j->buf[1], 8) != SVSM_OK ||
		    memcmp(j->buf[0], j->buf[1], sizeof(j->buf[0])) != 0) {
			j->failures++;
		}
	}
}

KTEST(virtio_blk, cpus_share_the_disk)
{
	unsigned cpus = smp_cpu_count() < 4 ? smp_cpu_count() : 4;
	bool started[4] = {false, false, false, false};

	if (!disk_ready()) {
		return;
	}
	for (unsigned c = 0; c < cpus; c++) {
		jobs[c] = (struct vblk_job){.lba = 400 + 16 * c, .salt = (uint8_t)(c * 40)};
	}
	for (unsigned c = 1; c < cpus; c++) {
		started[c] = smp_start_on(c, hammer, &jobs[c]);
		KEXPECT(started[c]);
	}
	hammer(&jobs[0]);
	KEXPECT(smp_wait_idle(30000));
	for (unsigned c = 0; c < cpus; c++) {
		KEXPECT_EQ(jobs[c].failures, 0);
		if (c == 0 || started[c]) {
			fill(wbuf, jobs[c].lba, 8, (uint8_t)(jobs[c].salt + 5));
			KEXPECT_EQ(virtio_blk_read(jobs[c].lba, rbuf, 8), SVSM_OK);
			KEXPECT(memcmp(wbuf, rbuf, 8 * VIRTIO_BLK_SECTOR) == 0);
		}
	}
}
