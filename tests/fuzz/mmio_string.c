/*
 * libFuzzer target for MMIO emulation (kernel/vcpu/mmio.c) and its string instructions
 * (mmio_string.c): an MMIO exit with random registers (rCX, rSI, rDI, RFLAGS, RAX, DS/ES
 * bases), paging state, page tables, instruction bytes (mostly MOVS/STOS encodings with
 * random prefixes after them), direction and faulting GPA, against a device that owns one
 * page at DEV. Guest RAM is a fixed low mapping (GPA = host address) followed by an SVSM
 * region mapped without access, and nothing is mapped at DEV: a RAM access the gateway
 * should have refused, or a direct access to the device page, crashes. Table entries with
 * AVL bit 9 are steered into RAM, the SVSM region or the device page. Checks: every device
 * access is 1, 2, 4 or 8 bytes inside the device (or the undecoded size 0), at most one
 * batch of them per exit, none after the access the device marked end_batch (the flash's
 * commit), and RIP moves by at most one instruction.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "kernel/arch/x86_64/x86.h"
#include "kernel/devices/bus.h"
#include "kernel/guest/guest.h"
#include "kernel/mm/guest_mem.h"
#include "kernel/platform/platform.h"
#include "kernel/vcpu/exit.h"
#include "kernel/vcpu/mmio_string.h"
#include "kernel/vcpu/vcpu.h"

#define RAM       0x40000000ull
#define RAM_PAGES 16ull
#define RAM_SIZE  (RAM_PAGES * 4096)
#define SVSM      (RAM + RAM_SIZE)
#define SVSM_SIZE (4ull * 4096)
#define DEV       0xfeb00000ull
#define DEV_SIZE  0x1000ull
#define HEADER    80

/* The vCPU's registers: the platform interface mmio.c uses, in this file. */
static uint64_t regs[VM_REG_COUNT];

static uint8_t devmem[DEV_SIZE];
static unsigned dev_accesses;
static unsigned dev_stop_at;
static unsigned dev_end_at; /* the access (1-based) the device marks end_batch; 0: none */

static uint64_t rd64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return v;
}

uint64_t plat_vcpu_reg(struct vcpu *v, enum vm_reg reg)
{
	(void)v;
	return (unsigned)reg < VM_REG_COUNT ? regs[reg] : 0;
}

void plat_vcpu_set_reg(struct vcpu *v, enum vm_reg reg, uint64_t value)
{
	(void)v;
	if ((unsigned)reg < VM_REG_COUNT) {
		regs[reg] = value;
	}
}

void vcpu_request_stop_all(const struct vcpu *self)
{
	(void)self;
}

static enum bus_result device(void *ctx, struct vcpu *v, struct bus_access *a)
{
	uint64_t off = gpa_addr(a->gpa) - DEV;

	(void)ctx;
	(void)v;
	dev_accesses++;
	if (a->size != 0 && a->size != 1 && a->size != 2 && a->size != 4 && a->size != 8) {
		__builtin_trap();
	}
	if (off >= DEV_SIZE || off + a->size > DEV_SIZE) {
		__builtin_trap(); /* the bus or the emulation let an access out of the device */
	}
	if (a->write) {
		memcpy(&devmem[off], &a->value, a->size);
	} else {
		a->value = 0;
		memcpy(&a->value, &devmem[off], a->size);
	}
	a->end_batch = dev_accesses == dev_end_at;
	if (dev_accesses == dev_stop_at) {
		return (dev_stop_at & 1) != 0 ? BUS_STOP_VCPU : BUS_UNOWNED;
	}
	return BUS_DONE;
}

static void setup_once(void)
{
	static bool ready;
	struct guest_mem_range r = {gpa_init(RAM), gpa_init(RAM + RAM_SIZE)};

	if (ready) {
		return;
	}
	if (mmap((void *)RAM, RAM_SIZE, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0) != (void *)RAM ||
	    mmap((void *)SVSM, SVSM_SIZE, PROT_NONE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0) != (void *)SVSM ||
	    guest_mem_init(&r, 1, gpa_init(SVSM), gpa_init(SVSM + SVSM_SIZE)) != SVSM_OK ||
	    bus_register_mmio(gpa_init(DEV), DEV_SIZE, device, NULL) != SVSM_OK) {
		abort();
	}
	ready = true;
}

/* Entries with AVL bit 9 point at a page of RAM, of the SVSM region, or the device. */
static void steer_entries(void)
{
	uint64_t *w = (uint64_t *)(uintptr_t)RAM;

	for (size_t i = 0; i < RAM_SIZE / 8; i++) {
		if ((w[i] & (1ull << 9)) != 0) {
			uint64_t page = ((w[i] >> 12) & 0xff) % (RAM_PAGES + SVSM_SIZE / 4096 + 1);
			uint64_t at = page == RAM_PAGES + SVSM_SIZE / 4096 ? DEV : RAM + page * 4096;

			w[i] = (w[i] & 0xfff0000000000fffull) | at;
		}
	}
}

/* Paging state from h[0..3], as the guest_walk target does (7: 4-level as well). */
static void paging_of(const uint8_t *h)
{
	uint64_t mode = h[0] & 7;

	regs[VM_REG_CPL] = h[1] & 3;
	regs[VM_REG_CR3] = RAM + (h[2] % RAM_PAGES) * 4096 + (h[3] & 0x1f) * 0x20;
	regs[VM_REG_CR0] = mode == 0 ? 0 : mode == 1 ? CR0_PE : CR0_PE | CR0_PG;
	regs[VM_REG_CR4] = mode == 3 ? CR4_PSE : mode >= 4 ? CR4_PAE : 0;
	regs[VM_REG_CR4] |= mode == 6 ? CR4_LA57 : 0;
	regs[VM_REG_CR4] |= (h[0] & 0x10) != 0 ? CR4_SMEP : 0;
	regs[VM_REG_EFER] = mode >= 5 ? EFER_LME | EFER_LMA : 0;
	regs[VM_REG_EFER] |= (h[0] & 0x08) != 0 ? EFER_NXE : 0;
}

/* An address register: raw, near guest RAM's edges, or in and just past the device. */
static uint64_t address_of(uint8_t sel, uint64_t raw)
{
	switch (sel % 3) {
	case 1:
		return RAM + raw % (RAM_SIZE + SVSM_SIZE + 0x2000);
	case 2:
		return DEV + raw % (DEV_SIZE + 0x100);
	default:
		return raw;
	}
}

/* Mostly string encodings (the decoder reads only what it needs of the bytes after). */
static uint8_t insn_of(const uint8_t *h, uint8_t insn[15])
{
	static const char *const forms[] = {
		"\xa4", "\xa5", "\x66\xa5", "\x48\xa5", "\xf3\xa4", "\xf3\xa5", "\xf3\x48\xa5",
		"\x67\xf3\xa5", "\xf3\x66\xa5", "\xaa", "\xf3\xab", "\xf3\x48\xab", "\x64\xf3\xa5",
		"\xf2\xa5", "\x3e\xf3\xa4", "\x26\x67\xa5",
	};
	uint8_t sel = h[4] % 20;

	memcpy(insn, h + 64, 15);
	if (sel < sizeof(forms) / sizeof(forms[0])) {
		memcpy(insn, forms[sel], strlen(forms[sel]));
		return 15;
	}
	return h[58] % 16;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct vcpu v;
	static const uint8_t modes[4] = {8, 4, 2, 8};
	struct vm_exit e = {.kind = VM_EXIT_MMIO};
	uint64_t rip0 = 0, gpa = 0;

	setup_once();
	if (size < HEADER) {
		return 0;
	}
	memset((void *)(uintptr_t)RAM, 0, RAM_SIZE);
	memcpy((void *)(uintptr_t)RAM, data + HEADER,
	       size - HEADER < RAM_SIZE ? size - HEADER : RAM_SIZE);
	steer_entries();
	memset(regs, 0, sizeof(regs));
	paging_of(data);
	regs[VM_REG_RCX] = (data[7] & 0x80) != 0 ? rd64(data + 8) : rd64(data + 8) % 3000;
	regs[VM_REG_RSI] = address_of(data[5], rd64(data + 16));
	regs[VM_REG_RDI] = address_of(data[6], rd64(data + 24));
	regs[VM_REG_RFLAGS] = (data[7] & 0x40) != 0 ? rd64(data + 32) : 2;
	regs[VM_REG_RAX] = rd64(data + 40);
	regs[VM_REG_DS_BASE] = (data[7] & 0x20) != 0 ? rd64(data + 48) & 0xffffffffull : 0;
	regs[VM_REG_ES_BASE] = (data[7] & 0x10) != 0 ? rd64(data + 52) & 0xffffffffull : 0;
	regs[VM_REG_RIP] = rip0 = RAM + 0x100;
	dev_accesses = 0;
	dev_stop_at = data[56];
	dev_end_at = data[59];
	e.u.mmio.access = (data[0] & 0x20) != 0 ? VM_ACCESS_WRITE : VM_ACCESS_READ;
	e.u.mmio.cpu_mode = modes[data[0] >> 6];
	e.u.mmio.insn_len = insn_of(data, e.u.mmio.insn_bytes);
	/* The faulting GPA: in the device, or rSI/rDI as they are (right with paging off). */
	gpa = (data[7] & 3) == 1 ? regs[VM_REG_RSI] : (data[7] & 3) == 2 ? regs[VM_REG_RDI]
						: DEV + (data[57] % DEV_SIZE);
	e.u.mmio.gpa = gpa_init(gpa);
	guest_stop_reset();
	(void)vcpu_mmio_exit(&v, &e);
	if (dev_accesses > MMIO_STRING_MAX_PER_EXIT ||
	    (dev_end_at != 0 && dev_accesses > dev_end_at) ||
	    regs[VM_REG_RIP] - rip0 > 15) {
		__builtin_trap();
	}
	return 0;
}
