/*
 * The SVSM's block device on platforms where the driver cannot run yet (SEV-SNP: its
 * ring and bounce pages would have to be shared with the host). Every call says so.
 * No state.
 */
#include "kernel/drivers/virtio_blk.h"

enum svsm_err virtio_blk_probe(void)
{
	return SVSM_E_UNSUPPORTED;
}

bool virtio_blk_present(void)
{
	return false;
}

bool virtio_blk_panic_claim(uint64_t deadline_us)
{
	(void)deadline_us;
	return false;
}

uint64_t virtio_blk_sectors(void)
{
	return 0;
}

uint64_t virtio_blk_request_count(void)
{
	return 0;
}

bool virtio_blk_can_flush(void)
{
	return false;
}

enum svsm_err virtio_blk_read(uint64_t lba, void *buf, uint32_t sectors)
{
	(void)lba;
	(void)buf;
	(void)sectors;
	return SVSM_E_UNSUPPORTED;
}

enum svsm_err virtio_blk_write(uint64_t lba, const void *buf, uint32_t sectors)
{
	(void)lba;
	(void)buf;
	(void)sectors;
	return SVSM_E_UNSUPPORTED;
}

enum svsm_err virtio_blk_flush(void)
{
	return SVSM_E_UNSUPPORTED;
}

enum svsm_err virtio_blk_guest_deny(void)
{
	return SVSM_OK;
}
