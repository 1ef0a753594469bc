/*
 * A fake host fw_cfg for the fw_cfg view's tests and fuzz target: fw_cfg_read_at() and
 * guest_e820() over a fixed set of host items (signature, NB_CPUS, a file directory with
 * etc/e820, etc/acpi/tables, etc/table-loader and the opt/svsm/ inputs, a small bzImage). Include it in
 * exactly one file of a program: it defines those two functions.
 */
#pragma once

#include <stdint.h>
#include <string.h>

#include "kernel/drivers/fw_cfg.h"
#include "kernel/guest/guest.h"
#include "svsm/abi/e820.h"

#define FAKE_KERNEL_SIZE 8192u
#define FAKE_SETUP_SIZE  1024u /* setup_sects 1 */
#define FAKE_INITRD_SIZE 5000u
#define FAKE_ACPI_SIZE   300u
#define FAKE_LOADER_SIZE 256u /* two 128-byte linker/loader commands */
#define FAKE_CMDLINE     "console=ttyS0 quiet"

struct fake_file {
	const char *name;
	uint16_t select;
	uint32_t size;
};

static const struct fake_file fake_files[] = {
	{"etc/e820", 0x20, 40},         {"etc/acpi/tables", 0x21, FAKE_ACPI_SIZE},
	{"opt/svsm/kernel", 0x22, FAKE_KERNEL_SIZE}, {"opt/svsm/initrd", 0x23, FAKE_INITRD_SIZE},
	{"opt/svsm/cmdline", 0x24, sizeof(FAKE_CMDLINE) - 1}, {"opt/svsm/firmware", 0x25, 4096},
	{"etc/table-loader", 0x26, FAKE_LOADER_SIZE},
};
#define FAKE_FILE_COUNT (sizeof(fake_files) / sizeof(fake_files[0]))

/* The host's byte @off of item @select (0 past its end, as QEMU reads). */
static uint8_t fake_host_byte(uint16_t select, uint32_t off)
{
	switch (select) {
	case 0x00:
		return off < 4 ? (uint8_t)"QEMU"[off] : 0;
	case 0x01:
		return off == 0 ? 3 : 0;
	case 0x03:
		return off < 8 ? 0x77 : 0; /* RAM size: must stay hidden */
	case 0x05:
		return off == 0 ? 2 : 0;
	case 0x19: {
		uint32_t i = (off - 4) / 64, o = (off - 4) % 64;
		const struct fake_file *f;

		if (off < 4) {
			return off == 3 ? (uint8_t)FAKE_FILE_COUNT : 0;
		}
		if (i >= FAKE_FILE_COUNT) {
			return 0;
		}
		f = &fake_files[i];
		if (o < 4) {
			return (uint8_t)(f->size >> (8 * (3 - o)));
		}
		if (o < 6) {
			return (uint8_t)(f->select >> (8 * (5 - o)));
		}
		if (o < 8) {
			return 0;
		}
		return o - 8 < strlen(f->name) ? (uint8_t)f->name[o - 8] : 0;
	}
	case 0x20:
		return off < 40 ? 0xee : 0; /* the host's own map: must not be seen */
	case 0x21:
		return off < FAKE_ACPI_SIZE ? (uint8_t)(off * 3 + 1) : 0;
	case 0x22:
		if (off >= FAKE_KERNEL_SIZE) {
			return 0;
		}
		if (off == 0x1f1) {
			return 1;
		}
		if (off >= 0x202 && off < 0x206) {
			return (uint8_t)"HdrS"[off - 0x202];
		}
		return (uint8_t)(off * 7 + (off >> 8));
	case 0x23:
		return off < FAKE_INITRD_SIZE ? (uint8_t)(off * 5 + 9) : 0;
	case 0x24:
		return off < sizeof(FAKE_CMDLINE) - 1 ? (uint8_t)FAKE_CMDLINE[off] : 0;
	case 0x25:
		return off < 4096 ? 0x5a : 0;
	case 0x26:
		return off < FAKE_LOADER_SIZE ? (uint8_t)(off * 11 + 3) : 0;
	default:
		return 0;
	}
}

void fw_cfg_read_at(uint16_t select, uint32_t offset, void *dst, size_t len)
{
	uint8_t *p = dst;

	for (size_t i = 0; i < len; i++) {
		p[i] = fake_host_byte(select, offset + (uint32_t)i);
	}
}

static const struct e820_entry fake_e820[2] = {
	{0, 0x9f000, E820_RAM},
	{0x100000, 0x7f00000, E820_RAM},
};

/* Weak: kernel/guest's definition, once it exists, is the one the tests see. */
__attribute__((weak)) unsigned guest_e820(struct e820_entry *out, unsigned max)
{
	for (unsigned i = 0; i < 2 && i < max; i++) {
		out[i] = fake_e820[i];
	}
	return 2;
}
