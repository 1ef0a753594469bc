/*
 * fw_cfg driver over the legacy I/O interface (see fw_cfg.h). Used at boot on the BSP only.
 */
#include "kernel/drivers/fw_cfg.h"

#include <string.h>

#include "kernel/arch/x86_64/x86.h"

#define FW_CFG_PORT_SEL  0x510
#define FW_CFG_PORT_DATA 0x511
#define FW_CFG_SIGNATURE 0x0000
#define FW_CFG_FILE_DIR  0x0019
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

void fw_cfg_read_next(void *dst, size_t len)
{
	/* One string instruction per call: QEMU serves the port byte by byte either way. */
	__asm__ volatile("rep insb" : "+D"(dst), "+c"(len) : "d"(FW_CFG_PORT_DATA) : "memory");
}

void fw_cfg_read_at(uint16_t select, uint32_t offset, void *dst, size_t len)
{
	outw(FW_CFG_PORT_SEL, select);
	for (uint32_t i = 0; i < offset; i++) {
		(void)inb(FW_CFG_PORT_DATA);
	}
	fw_cfg_read_next(dst, len);
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
