/*
 * libFuzzer target for the guest page-table walk and instruction fetch
 * (kernel/vcpu/guest_walk.c): random page tables in a small fake guest RAM, with random
 * paging state and RIP. Guest RAM is a fixed low mapping (GPA = host address below 4 GiB,
 * reachable from 32-bit and PAE tables) followed by an SVSM region mapped without access;
 * nothing else is mapped around them, so a read the gateway should have refused crashes.
 * Entries with the AVL bit 9 set are steered into RAM, the SVSM region or just past it, so
 * that deep walks are reached. Checks: a fetch returns 1..len bytes, and they are the bytes
 * of guest RAM at the translated addresses.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "kernel/arch/x86_64/x86.h"
#include "kernel/mm/guest_mem.h"
#include "kernel/vcpu/guest_walk.h"

#define RAM        0x40000000ull
#define RAM_PAGES  16ull
#define RAM_SIZE   (RAM_PAGES * 4096)
#define SVSM       (RAM + RAM_SIZE)
#define SVSM_SIZE  (4ull * 4096)
#define HEADER     40

static uint64_t rd64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return v;
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
	    guest_mem_init(&r, 1, gpa_init(SVSM), gpa_init(SVSM + SVSM_SIZE)) != SVSM_OK) {
		abort();
	}
	ready = true;
}

/* Entries with AVL bit 9 point at a page of RAM, of the SVSM region, or the one after. */
static void steer_entries(void)
{
	uint64_t *w = (uint64_t *)(uintptr_t)RAM;

	for (size_t i = 0; i < RAM_SIZE / 8; i++) {
		if ((w[i] & (1ull << 9)) != 0) {
			uint64_t page = ((w[i] >> 12) & 0xff) % (RAM_PAGES + SVSM_SIZE / 4096 + 1);

			w[i] = (w[i] & 0xfff0000000000fffull) | (RAM + page * 4096);
		}
	}
}

static struct guest_paging paging_of(const uint8_t *h)
{
	struct guest_paging p = {.cpl = h[1] & 3, .cr3 = RAM + (h[2] % RAM_PAGES) * 4096 +
							   (h[3] & 0x1f) * 0x20};

	switch (h[0] & 7) {
	case 0: /* real mode */
		break;
	case 1: /* protected mode, paging off */
		p.cr0 = CR0_PE;
		break;
	case 2: /* 32-bit paging, 4K */
	case 3: /* 32-bit paging with PSE */
		p.cr0 = CR0_PE | CR0_PG;
		p.cr4 = (h[0] & 7) == 3 ? CR4_PSE : 0;
		break;
	case 4: /* PAE */
		p.cr0 = CR0_PE | CR0_PG;
		p.cr4 = CR4_PAE;
		break;
	case 5: /* 4-level */
	case 6: /* 5-level */
		p.cr0 = CR0_PE | CR0_PG;
		p.cr4 = CR4_PAE | ((h[0] & 7) == 6 ? CR4_LA57 : 0);
		p.efer = EFER_LME | EFER_LMA;
		break;
	default: /* anything */
		p.cr0 = rd64(h + 8);
		p.cr3 = rd64(h + 16);
		p.cr4 = rd64(h + 24);
		p.efer = rd64(h + 32);
		return p;
	}
	p.efer |= (h[0] & 0x08) != 0 ? EFER_NXE : 0;
	p.cr4 |= (h[0] & 0x10) != 0 ? CR4_SMEP : 0;
	return p;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct guest_paging p;
	struct guest_walk_fault f;
	uint8_t buf[16];
	size_t n = 0, len = 0;
	uint64_t rip = 0, cs_base = 0;
	bool code64 = false;
	gpa_t gpa = GPA_C(0);

	setup_once();
	if (size < HEADER) {
		return 0;
	}
	memset((void *)(uintptr_t)RAM, 0, RAM_SIZE);
	memcpy((void *)(uintptr_t)RAM, data + HEADER,
	       size - HEADER < RAM_SIZE ? size - HEADER : RAM_SIZE);
	steer_entries();
	p = paging_of(data);
	code64 = (data[0] & 0x20) != 0;
	len = data[4] % 17; /* 16: the fetch must clamp to 15 */
	rip = rd64(data + 8);
	cs_base = (data[0] & 0x40) != 0 ? rd64(data + 16) : 0;
	if ((data[0] & 7) < 2 && (data[5] & 1) != 0) {
		rip = RAM + (rip % (RAM_SIZE + SVSM_SIZE + 0x2000)); /* near the edges */
		cs_base = 0;
	}
	memset(buf, 0xcc, sizeof(buf));
	if (guest_walk_fetch(&p, cs_base, rip, code64, buf, len, &n, &f) == SVSM_OK && len > 0) {
		uint64_t linear = code64 ? rip : (cs_base + rip) & 0xffffffffull;

		if (n == 0 || n > 15 || n > len || buf[15] != 0xcc) {
			__builtin_trap();
		}
		/* The first byte is guest RAM's byte at the translated address. */
		if (guest_walk_translate(&p, linear, &gpa, NULL) != SVSM_OK ||
		    !guest_mem_valid(gpa, 1) ||
		    *(const uint8_t *)(uintptr_t)gpa_addr(gpa) != buf[0]) {
			__builtin_trap();
		}
	}
	(void)guest_walk_translate(&p, rd64(data + 24), &gpa, &f);
	(void)guest_walk_why_name(f.why);
	return 0;
}
