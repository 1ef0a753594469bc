/*
 * fw_cfg driver over the legacy I/O interface (see fw_cfg.h). Used at boot on the BSP, and
 * by the guest's fw_cfg view (devices/fw_cfg_view.c) under that device's lock: callers
 * serialize. fw_cfg_read_at() uses the host's DMA interface into one page of its own (the
 * descriptor and a bounce buffer) when the host offers DMA, else the data port.
 */
#include "kernel/drivers/fw_cfg.h"

#include <string.h>

#include "kernel/arch/x86_64/x86.h"
#include "kernel/mm/addr.h"
#include "kernel/mm/page_alloc.h"

#define FW_CFG_PORT_SEL  0x510
#define FW_CFG_PORT_DATA 0x511
#define FW_CFG_SIGNATURE 0x0000
#define FW_CFG_FILE_DIR  0x0019
#define FW_CFG_ID        0x0001
#define FW_CFG_ID_DMA    2u
#define FW_CFG_PORT_DMA  0x514
#define FW_CFG_DMA_ERROR 1u
#define FW_CFG_DMA_READ  2u
#define FW_CFG_DMA_SKIP  4u
#define FW_CFG_DMA_SELECT 8u
#define FW_CFG_MAX_FILES 4096

struct fw_cfg_file {
	uint32_t size;     /* big-endian */
	uint16_t select;   /* big-endian */
	uint16_t reserved;
	char name[56];
};

static uint32_t be32(uint32_t v)
{
	return __builtin_bswap32(v);
}

void fw_cfg_read(uint16_t select, void *dst, size_t len)
{
	uint8_t *p = dst;

	outw(FW_CFG_PORT_SEL, select);
	for (size_t i = 0; i < len; i++) {
		p[i] = inb(FW_CFG_PORT_DATA);
	}
}

static void read_more(void *dst, size_t len)
{
	uint8_t *p = dst;

	for (size_t i = 0; i < len; i++) {
		p[i] = inb(FW_CFG_PORT_DATA);
	}
}

bool fw_cfg_find(const char *name, uint16_t *select, uint32_t *size)
{
	char sig[4];
	uint32_t count;
	struct fw_cfg_file f;

	fw_cfg_read(FW_CFG_SIGNATURE, sig, sizeof(sig));
	if (memcmp(sig, "QEMU", 4) != 0) {
		return false;
	}
	fw_cfg_read(FW_CFG_FILE_DIR, &count, sizeof(count));
	count = be32(count);
	if (count > FW_CFG_MAX_FILES) {
		return false;
	}
	for (uint32_t i = 0; i < count; i++) {
		read_more(&f, sizeof(f));
		f.name[sizeof(f.name) - 1] = '\0';
		if (strcmp(f.name, name) == 0) {
			*select = __builtin_bswap16(f.select);
			*size = be32(f.size);
			return true;
		}
	}
	return false;
}

/** struct fw_cfg_dma - FWCfgDmaAccess (QEMU docs/specs/fw_cfg.txt), big-endian fields. */
struct fw_cfg_dma {
	uint32_t control;
	uint32_t length;
	uint64_t address;
};

#define FW_CFG_DMA_CHUNK (MM_PAGE_SIZE - 64)

static int dma_state; /* 0: not probed, 1: DMA usable, -1: data port only */
static uint8_t *dma_page;

static bool dma_ready(void)
{
	uint32_t id = 0;
	paddr_t pa;

	if (dma_state != 0) {
		return dma_state > 0;
	}
	dma_state = -1;
	fw_cfg_read(FW_CFG_ID, &id, sizeof(id));
	if ((id & FW_CFG_ID_DMA) == 0) {
		return false;
	}
	pa = page_alloc_get_zeroed(0, PAGE_OWNER_KERNEL);
	if (pa_is_null(pa)) {
		return false;
	}
	dma_page = phys_to_virt(pa);
	dma_state = 1;
	return true;
}

/* One host DMA operation; the host completes it before the port write returns. */
static bool dma_op(uint32_t control, uint32_t length, uint64_t address)
{
	volatile struct fw_cfg_dma *d = (volatile struct fw_cfg_dma *)dma_page;
	uint64_t pa = virt_to_phys_direct(dma_page).pa;

	d->control = be32(control);
	d->length = be32(length);
	d->address = __builtin_bswap64(address);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	outl(FW_CFG_PORT_DMA, be32((uint32_t)(pa >> 32)));
	outl(FW_CFG_PORT_DMA + 4, be32((uint32_t)pa));
	while ((be32(d->control) & ~FW_CFG_DMA_ERROR) != 0) {
		__asm__ volatile("pause");
	}
	return (be32(d->control) & FW_CFG_DMA_ERROR) == 0;
}

void fw_cfg_read_at(uint16_t select, uint32_t offset, void *dst, size_t len)
{
	uint8_t *p = dst;
	uint64_t buf_pa;

	if (!dma_ready()) {
		outw(FW_CFG_PORT_SEL, select);
		for (uint32_t i = 0; i < offset; i++) {
			(void)inb(FW_CFG_PORT_DATA);
		}
		read_more(dst, len);
		return;
	}
	buf_pa = virt_to_phys_direct(dma_page + 64).pa;
	if (!dma_op((uint32_t)select << 16 | FW_CFG_DMA_SELECT | FW_CFG_DMA_SKIP, offset, 0)) {
		memset(dst, 0, len);
		return;
	}
	while (len > 0) {
		size_t n = len < FW_CFG_DMA_CHUNK ? len : FW_CFG_DMA_CHUNK;

		if (!dma_op(FW_CFG_DMA_READ, (uint32_t)n, buf_pa)) {
			memset(p, 0, len);
			return;
		}
		memcpy(p, dma_page + 64, n);
		p += n;
		len -= n;
	}
}
