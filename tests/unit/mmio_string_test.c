/*
 * Tests of string MMIO emulation (kernel/vcpu/mmio_string.c) through the exit dispatcher
 * on the fake platform: MOVS to and from a memory-backed test device and STOS to it, as
 * Linux's memcpy_toio/memcpy_fromio/memset_io run them, with the guest's own 4-level page
 * tables; and every refusal (DF, both sides MMIO, memory side not RAM, ...).
 */
#include "kernel/arch/x86_64/x86.h"
#include "kernel/devices/bus.h"
#include "kernel/guest/guest.h"
#include "kernel/vcpu/exit.h"
#include "kernel/vcpu/mmio_string.h"
#include "tests/unit/guest_fixture.h"
#include "tests/unit/harness.h"

#define RIP0    0x100000ull
#define DEV     0xfed00000ull /* two pages of device registers */
#define DEV_LEN 0x2000ull
#define DATA    0x10000000ull /* linear: data pages, each mapped to a separate RAM page */

static struct guest_fixture g;
static uint8_t devmem[DEV_LEN];
static unsigned dev_accesses;
static unsigned dev_stop_at; /* the access (1-based) the device answers BUS_STOP_VCPU */
static unsigned dev_end_at;  /* the access (1-based) the device marks end_batch */
static uint8_t dev_last_size;
static uint64_t next_table;

static uint8_t *ram(uint64_t gpa)
{
	return (uint8_t *)(uintptr_t)gpa;
}

static enum bus_result device(void *ctx, struct vcpu *v, struct bus_access *a)
{
	uint64_t off = gpa_addr(a->gpa) - DEV;

	(void)ctx;
	(void)v;
	dev_accesses++;
	dev_last_size = a->size;
	if (a->size == 0 || off + a->size > DEV_LEN) {
		return BUS_STOP_GUEST;
	}
	if (a->write) {
		memcpy(&devmem[off], &a->value, a->size);
	} else {
		a->value = 0;
		memcpy(&a->value, &devmem[off], a->size);
	}
	a->end_batch = dev_accesses == dev_end_at;
	return dev_accesses == dev_stop_at ? BUS_STOP_VCPU : BUS_DONE;
}

/* Map linear @linear's 4 KiB page to @gpa (R/W) in 4-level tables from g.ram + 1 MiB. */
static void map4k(uint64_t linear, uint64_t gpa)
{
	uint64_t table = g.ram + 0x100000;

	for (unsigned level = 4; level > 1; level--) {
		uint64_t *e = (uint64_t *)ram(table) + ((linear >> (12 + 9 * (level - 1))) & 511);

		if ((*e & 1) == 0) {
			*e = next_table | 7;
			next_table += 0x1000;
		}
		table = *e & 0x000ffffffffff000ull;
	}
	((uint64_t *)ram(table))[(linear >> 12) & 511] = gpa | 7;
}

/* Data page @k of the linear DATA window: RAM page g.ram + 2 MiB + 2 * k pages (so that
 * consecutive linear pages are not consecutive in guest RAM). */
static uint64_t data_gpa(unsigned k)
{
	return g.ram + 0x200000 + 2ull * k * 0x1000;
}

static void setup(void)
{
	guest_fixture_setup(&g);
	memset(g.fv.reg, 0, sizeof(g.fv.reg));
	g.fv.reg[VM_REG_RIP] = RIP0;
	bus_reset();
	guest_stop_reset();
	memset(devmem, 0, sizeof(devmem));
	dev_accesses = 0;
	dev_stop_at = 0;
	dev_end_at = 0;
	dev_last_size = 0;
	next_table = g.ram + 0x101000;
	for (unsigned k = 0; k < 4; k++) {
		map4k(DATA + k * 0x1000ull, data_gpa(k));
	}
	map4k(DEV, DEV);
	map4k(DEV + 0x1000, DEV + 0x1000);
	g.fv.reg[VM_REG_CR0] = CR0_PE | CR0_PG;
	g.fv.reg[VM_REG_CR3] = g.ram + 0x100000;
	g.fv.reg[VM_REG_CR4] = CR4_PAE;
	g.fv.reg[VM_REG_EFER] = EFER_LME | EFER_LMA | EFER_SVME;
	if (bus_register_mmio(gpa_init(DEV), DEV_LEN, device, NULL) != SVSM_OK) {
		abort();
	}
}

static enum vcpu_next run(uint64_t gpa, enum vm_access access, const char *insn, uint8_t len)
{
	struct vm_exit e = {.kind = VM_EXIT_MMIO};

	e.u.mmio = (struct vm_exit_mmio){.gpa = gpa_init(gpa), .access = access, .cpu_mode = 8,
					 .insn_len = len};
	memcpy(e.u.mmio.insn_bytes, insn, len);
	return vcpu_exit_dispatch(g.v, &e);
}

static void fill(uint8_t *p, size_t n, uint8_t seed)
{
	for (size_t i = 0; i < n; i++) {
		p[i] = (uint8_t)(seed + i * 7);
	}
}

TEST(mmio_string, rep_movsl_to_and_from_mmio)
{
	uint8_t want[32];

	setup();
	fill(ram(data_gpa(0)), 32, 1);
	memcpy(want, ram(data_gpa(0)), 32);
	g.fv.regs.rcx = 8;
	g.fv.reg[VM_REG_RSI] = DATA;
	g.fv.reg[VM_REG_RDI] = DEV + 0x40;
	EXPECT_EQ(run(DEV + 0x40, VM_ACCESS_WRITE, "\xf3\xa5", 2), VCPU_NEXT_RUN); /* memcpy_toio */
	EXPECT_EQ(memcmp(&devmem[0x40], want, 32), 0);
	EXPECT_EQ(dev_accesses, 8u);
	EXPECT_EQ(dev_last_size, 4);
	EXPECT_EQ(g.fv.regs.rcx, 0u);
	EXPECT_EQ(g.fv.reg[VM_REG_RSI], DATA + 32);
	EXPECT_EQ(g.fv.reg[VM_REG_RDI], DEV + 0x60);
	EXPECT_EQ(g.fv.reg[VM_REG_RIP], RIP0 + 2);
	/* memcpy_fromio: the device's bytes land in guest RAM at ES:rDI. */
	fill(&devmem[0x100], 32, 9);
	g.fv.regs.rcx = 8;
	g.fv.reg[VM_REG_RSI] = DEV + 0x100;
	g.fv.reg[VM_REG_RDI] = DATA + 0x1000 + 0x10;
	EXPECT_EQ(run(DEV + 0x100, VM_ACCESS_READ, "\xf3\xa5", 2), VCPU_NEXT_RUN);
	EXPECT_EQ(memcmp(ram(data_gpa(1)) + 0x10, &devmem[0x100], 32), 0);
	EXPECT_EQ(g.fv.regs.rcx, 0u);
	EXPECT_EQ(g.fv.reg[VM_REG_RSI], DEV + 0x120);
	EXPECT_EQ(g.fv.reg[VM_REG_RDI], DATA + 0x1030);
	EXPECT_EQ(g.fv.reg[VM_REG_RIP], RIP0 + 4);
	EXPECT_FALSE(guest_stopped());
}

TEST(mmio_string, byte_word_and_qword_elements_without_rep)
{
	setup();
	fill(ram(data_gpa(0)), 16, 0x30);
	g.fv.regs.rcx = 0x55; /* no REP: rCX is not used or changed */
	g.fv.reg[VM_REG_RSI] = DATA + 1;
	g.fv.reg[VM_REG_RDI] = DEV + 1;
	EXPECT_EQ(run(DEV + 1, VM_ACCESS_WRITE, "\xa4", 1), VCPU_NEXT_RUN); /* movsb */
	EXPECT_EQ(devmem[1], ram(data_gpa(0))[1]);
	EXPECT_EQ(dev_last_size, 1);
	EXPECT_EQ(run(DEV + 2, VM_ACCESS_WRITE, "\x66\xa5", 2), VCPU_NEXT_RUN); /* movsw */
	EXPECT_EQ(memcmp(&devmem[2], ram(data_gpa(0)) + 2, 2), 0);
	EXPECT_EQ(dev_last_size, 2);
	EXPECT_EQ(g.fv.reg[VM_REG_RSI], DATA + 4);
	EXPECT_EQ(g.fv.reg[VM_REG_RDI], DEV + 4);
	EXPECT_EQ(g.fv.regs.rcx, 0x55u);
	EXPECT_EQ(g.fv.reg[VM_REG_RIP], RIP0 + 3);
	/* movsq from the device. */
	fill(&devmem[0x200], 8, 0x90);
	g.fv.reg[VM_REG_RSI] = DEV + 0x200;
	g.fv.reg[VM_REG_RDI] = DATA + 0x2000;
	EXPECT_EQ(run(DEV + 0x200, VM_ACCESS_READ, "\x48\xa5", 2), VCPU_NEXT_RUN);
	EXPECT_EQ(memcmp(ram(data_gpa(2)), &devmem[0x200], 8), 0);
	EXPECT_EQ(dev_last_size, 8);
	EXPECT_EQ(g.fv.reg[VM_REG_RIP], RIP0 + 5);
	EXPECT_FALSE(guest_stopped());
}

TEST(mmio_string, rep_stos_to_mmio)
{
	setup();
	g.fv.regs.rax = 0xaabbccdd11223344ull;
	g.fv.regs.rcx = 4;
	g.fv.reg[VM_REG_RDI] = DEV + 0x300;
	EXPECT_EQ(run(DEV + 0x300, VM_ACCESS_WRITE, "\xf3\xab", 2), VCPU_NEXT_RUN); /* stosl */
	for (unsigned i = 0; i < 4; i++) {
		uint32_t w;

		memcpy(&w, &devmem[0x300 + 4 * i], 4);
		EXPECT_EQ(w, 0x11223344u);
	}
	EXPECT_EQ(g.fv.reg[VM_REG_RDI], DEV + 0x310);
	EXPECT_EQ(g.fv.regs.rcx, 0u);
	g.fv.regs.rcx = 2;
	EXPECT_EQ(run(DEV + 0x310, VM_ACCESS_WRITE, "\xf3\x48\xab", 3), VCPU_NEXT_RUN); /* stosq */
	EXPECT_EQ(memcmp(&devmem[0x310], "\x44\x33\x22\x11\xdd\xcc\xbb\xaa", 8), 0);
	EXPECT_EQ(g.fv.reg[VM_REG_RIP], RIP0 + 5);
	/* STOS on a read exit (the code changed under us) is refused. */
	EXPECT_EQ(run(DEV + 0x320, VM_ACCESS_READ, "\xaa", 1), VCPU_NEXT_STOP);
	EXPECT_TRUE(guest_stopped());
}

TEST(mmio_string, rep_with_rcx_zero_only_advances_rip)
{
	setup();
	g.fv.regs.rcx = 0xffffffff00000000ull; /* 32-bit address size: ECX = 0 */
	g.fv.reg[VM_REG_RSI] = DATA;
	g.fv.reg[VM_REG_RDI] = DEV;
	EXPECT_EQ(run(DEV, VM_ACCESS_WRITE, "\x67\xf3\xa5", 3), VCPU_NEXT_RUN);
	EXPECT_EQ(dev_accesses, 0u);
	EXPECT_EQ(g.fv.reg[VM_REG_RIP], RIP0 + 3);
	EXPECT_EQ(g.fv.reg[VM_REG_RSI], DATA);
	EXPECT_EQ(g.fv.reg[VM_REG_RDI], DEV);
	EXPECT_FALSE(guest_stopped());
}

TEST(mmio_string, batch_limit_resumes)
{
	setup();
	fill(ram(data_gpa(0)), 1500, 3);
	g.fv.regs.rcx = 1500;
	g.fv.reg[VM_REG_RSI] = DATA;
	g.fv.reg[VM_REG_RDI] = DEV;
	EXPECT_EQ(run(DEV, VM_ACCESS_WRITE, "\xf3\xa4", 2), VCPU_NEXT_RUN);
	EXPECT_EQ(dev_accesses, MMIO_STRING_MAX_PER_EXIT);
	EXPECT_EQ(g.fv.regs.rcx, 1500u - MMIO_STRING_MAX_PER_EXIT);
	EXPECT_EQ(g.fv.reg[VM_REG_RSI], DATA + MMIO_STRING_MAX_PER_EXIT);
	EXPECT_EQ(g.fv.reg[VM_REG_RDI], DEV + MMIO_STRING_MAX_PER_EXIT);
	EXPECT_EQ(g.fv.reg[VM_REG_RIP], RIP0); /* the guest runs it again */
	EXPECT_EQ(run(DEV + MMIO_STRING_MAX_PER_EXIT, VM_ACCESS_WRITE, "\xf3\xa4", 2),
		  VCPU_NEXT_RUN);
	EXPECT_EQ(g.fv.regs.rcx, 0u);
	EXPECT_EQ(g.fv.reg[VM_REG_RIP], RIP0 + 2);
	EXPECT_EQ(memcmp(devmem, ram(data_gpa(0)), 1500), 0);
	EXPECT_FALSE(guest_stopped());
}

TEST(mmio_string, memory_side_page_crossing_resumes_on_the_next_page)
{
	setup();
	fill(ram(data_gpa(0)) + 0xff0, 16, 0x40);
	fill(ram(data_gpa(1)), 16, 0x80);
	g.fv.regs.rcx = 8;
	g.fv.reg[VM_REG_RSI] = DATA + 0xff0;
	g.fv.reg[VM_REG_RDI] = DEV;
	EXPECT_EQ(run(DEV, VM_ACCESS_WRITE, "\xf3\xa5", 2), VCPU_NEXT_RUN);
	EXPECT_EQ(dev_accesses, 4u); /* the batch ends at the memory page's end */
	EXPECT_EQ(g.fv.regs.rcx, 4u);
	EXPECT_EQ(g.fv.reg[VM_REG_RIP], RIP0);
	EXPECT_EQ(run(DEV + 16, VM_ACCESS_WRITE, "\xf3\xa5", 2), VCPU_NEXT_RUN);
	EXPECT_EQ(g.fv.regs.rcx, 0u);
	EXPECT_EQ(g.fv.reg[VM_REG_RIP], RIP0 + 2);
	EXPECT_EQ(memcmp(devmem, ram(data_gpa(0)) + 0xff0, 16), 0);
	EXPECT_EQ(memcmp(&devmem[16], ram(data_gpa(1)), 16), 0); /* from the other RAM page */
	/* A dword straddling the two pages moves alone, its halves from both pages. */
	g.fv.regs.rcx = 2;
	g.fv.reg[VM_REG_RSI] = DEV + 0x400;
	g.fv.reg[VM_REG_RDI] = DATA + 0xffe;
	fill(&devmem[0x400], 8, 0xc0);
	EXPECT_EQ(run(DEV + 0x400, VM_ACCESS_READ, "\xf3\xa5", 2), VCPU_NEXT_RUN);
	EXPECT_EQ(g.fv.regs.rcx, 1u);
	EXPECT_EQ(ram(data_gpa(0))[0xffe], devmem[0x400]);
	EXPECT_EQ(ram(data_gpa(0))[0xfff], devmem[0x401]);
	EXPECT_EQ(ram(data_gpa(1))[0], devmem[0x402]);
	EXPECT_EQ(ram(data_gpa(1))[1], devmem[0x403]);
	EXPECT_EQ(run(DEV + 0x404, VM_ACCESS_READ, "\xf3\xa5", 2), VCPU_NEXT_RUN);
	EXPECT_EQ(memcmp(ram(data_gpa(1)) + 2, &devmem[0x404], 4), 0);
	EXPECT_EQ(g.fv.reg[VM_REG_RIP], RIP0 + 4);
	EXPECT_FALSE(guest_stopped());
}

TEST(mmio_string, device_stop_ends_the_batch)
{
	setup();
	dev_stop_at = 3;
	g.fv.regs.rcx = 8;
	g.fv.reg[VM_REG_RSI] = DATA;
	g.fv.reg[VM_REG_RDI] = DEV;
	EXPECT_EQ(run(DEV, VM_ACCESS_WRITE, "\xf3\xa5", 2), VCPU_NEXT_STOP);
	EXPECT_EQ(dev_accesses, 3u);
	EXPECT_EQ(g.fv.regs.rcx, 5u);
	EXPECT_EQ(g.fv.reg[VM_REG_RDI], DEV + 12);
	EXPECT_EQ(g.fv.reg[VM_REG_RIP], RIP0);
}

/* A device that did costly work (the flash's commit) ends the batch; the guest runs on. */
TEST(mmio_string, device_end_batch_resumes)
{
	setup();
	dev_end_at = 3;
	fill(ram(data_gpa(0)), 32, 5);
	g.fv.regs.rcx = 8;
	g.fv.reg[VM_REG_RSI] = DATA;
	g.fv.reg[VM_REG_RDI] = DEV;
	EXPECT_EQ(run(DEV, VM_ACCESS_WRITE, "\xf3\xa5", 2), VCPU_NEXT_RUN); /* rep movsl */
	EXPECT_EQ(dev_accesses, 3u);
	EXPECT_EQ(g.fv.regs.rcx, 5u);
	EXPECT_EQ(g.fv.reg[VM_REG_RSI], DATA + 12);
	EXPECT_EQ(g.fv.reg[VM_REG_RDI], DEV + 12);
	EXPECT_EQ(g.fv.reg[VM_REG_RIP], RIP0); /* the guest runs it again */
	EXPECT_EQ(run(DEV + 12, VM_ACCESS_WRITE, "\xf3\xa5", 2), VCPU_NEXT_RUN);
	EXPECT_EQ(dev_accesses, 8u);
	EXPECT_EQ(g.fv.regs.rcx, 0u);
	EXPECT_EQ(g.fv.reg[VM_REG_RIP], RIP0 + 2);
	EXPECT_EQ(memcmp(devmem, ram(data_gpa(0)), 32), 0);
	/* STOS as well. */
	dev_end_at = 10;
	g.fv.regs.rcx = 4;
	g.fv.reg[VM_REG_RDI] = DEV + 0x100;
	EXPECT_EQ(run(DEV + 0x100, VM_ACCESS_WRITE, "\xf3\xab", 2), VCPU_NEXT_RUN);
	EXPECT_EQ(dev_accesses, 10u);
	EXPECT_EQ(g.fv.regs.rcx, 2u);
	EXPECT_EQ(g.fv.reg[VM_REG_RIP], RIP0 + 2);
	EXPECT_FALSE(guest_stopped());
}

/* Each refusal stops the guest before the device sees anything. */
static void expect_refused(uint64_t gpa, enum vm_access access, const char *insn, uint8_t len)
{
	uint64_t rip = g.fv.reg[VM_REG_RIP];

	guest_stop_reset();
	dev_accesses = 0;
	EXPECT_EQ(run(gpa, access, insn, len), VCPU_NEXT_STOP);
	EXPECT_TRUE(guest_stopped());
	EXPECT_EQ(dev_accesses, 0u);
	EXPECT_EQ(g.fv.reg[VM_REG_RIP], rip);
}

TEST(mmio_string, refusals)
{
	setup();
	g.fv.regs.rcx = 4;
	g.fv.reg[VM_REG_RSI] = DATA;
	g.fv.reg[VM_REG_RDI] = DEV;
	g.fv.reg[VM_REG_RFLAGS] = 0x402; /* DF */
	expect_refused(DEV, VM_ACCESS_WRITE, "\xf3\xa5", 2);
	g.fv.reg[VM_REG_RFLAGS] = 0x2;
	expect_refused(DEV, VM_ACCESS_WRITE, "\xf2\xa5", 2);     /* REPNE */
	expect_refused(DEV, VM_ACCESS_WRITE, "\x64\xf3\xa5", 3); /* FS: source */
	expect_refused(DEV + 4, VM_ACCESS_WRITE, "\xf3\xa5", 2); /* not the faulting GPA */
	expect_refused(DEV, VM_ACCESS_READ, "\xf3\xa5", 2);      /* wrong direction */
	/* Both sides device MMIO. */
	g.fv.reg[VM_REG_RSI] = DEV + 0x1000;
	expect_refused(DEV, VM_ACCESS_WRITE, "\xf3\xa5", 2);
	/* Memory side not guest RAM: mapped to the SVSM region, to nothing, or unmapped. */
	map4k(DATA + 0x10000, g.svsm + 0x1000);
	map4k(DATA + 0x11000, 0x1000);
	g.fv.reg[VM_REG_RSI] = DATA + 0x10000;
	expect_refused(DEV, VM_ACCESS_WRITE, "\xf3\xa5", 2);
	g.fv.reg[VM_REG_RSI] = DATA + 0x11000;
	expect_refused(DEV, VM_ACCESS_WRITE, "\xf3\xa5", 2);
	g.fv.reg[VM_REG_RSI] = DATA + 0x12000;
	expect_refused(DEV, VM_ACCESS_WRITE, "\xf3\xa5", 2);
	/* A device element across the end of the device range. */
	g.fv.reg[VM_REG_RSI] = DATA;
	g.fv.reg[VM_REG_RDI] = DEV + DEV_LEN - 2;
	map4k(DEV + DEV_LEN, DEV + DEV_LEN);
	expect_refused(DEV + DEV_LEN - 2, VM_ACCESS_WRITE, "\xf3\xa5", 2);
	EXPECT_EQ(g.fv.regs.rcx, 4u);
	EXPECT_EQ(g.fv.reg[VM_REG_RSI], DATA);
	guest_stop_reset();
}

TEST(mmio_string, address_size_32_wraps_and_zero_extends)
{
	setup();
	map4k(0xfffff000ull, data_gpa(0));
	map4k(0, data_gpa(1));
	fill(ram(data_gpa(0)) + 0xff8, 8, 0x11);
	fill(ram(data_gpa(1)), 8, 0x22);
	g.fv.regs.rcx = 0xdead00000004ull; /* ECX = 4 */
	g.fv.reg[VM_REG_RSI] = 0x55fffffff8ull;
	g.fv.reg[VM_REG_RDI] = DEV;
	EXPECT_EQ(run(DEV, VM_ACCESS_WRITE, "\x67\xf3\xa5", 3), VCPU_NEXT_RUN);
	EXPECT_EQ(dev_accesses, 2u); /* ESI wraps to 0 after two dwords: the batch ends */
	EXPECT_EQ(g.fv.reg[VM_REG_RSI], 0u);
	EXPECT_EQ(g.fv.regs.rcx, 2u);
	EXPECT_EQ(g.fv.reg[VM_REG_RDI], DEV + 8);
	EXPECT_EQ(g.fv.reg[VM_REG_RIP], RIP0);
	EXPECT_EQ(run(DEV + 8, VM_ACCESS_WRITE, "\x67\xf3\xa5", 3), VCPU_NEXT_RUN);
	EXPECT_EQ(g.fv.regs.rcx, 0u);
	EXPECT_EQ(g.fv.reg[VM_REG_RSI], 8u);
	EXPECT_EQ(g.fv.reg[VM_REG_RIP], RIP0 + 3);
	EXPECT_EQ(memcmp(devmem, ram(data_gpa(0)) + 0xff8, 8), 0);
	EXPECT_EQ(memcmp(&devmem[8], ram(data_gpa(1)), 8), 0);
	EXPECT_FALSE(guest_stopped());
}

TEST(mmio_string, protected_mode_uses_segment_bases)
{
	setup();
	/* 32-bit code with PAE paging is not needed: paging off, linear = physical, so a
	 * device at DEV and the fixture's RAM (above 4 GiB, unreachable) are tested with
	 * STOS, which has no memory side. ES base 0x100 shifts the destination. */
	g.fv.reg[VM_REG_CR0] = CR0_PE;
	g.fv.reg[VM_REG_EFER] = 0;
	g.fv.reg[VM_REG_ES_BASE] = 0x100;
	g.fv.reg[VM_REG_RDI] = DEV - 0x100 + 0x20;
	g.fv.regs.rcx = 2;
	g.fv.regs.rax = 0x01020304;
	{
		struct vm_exit e = {.kind = VM_EXIT_MMIO};

		e.u.mmio = (struct vm_exit_mmio){.gpa = gpa_init(DEV + 0x20),
						 .access = VM_ACCESS_WRITE, .cpu_mode = 4,
						 .insn_len = 2};
		memcpy(e.u.mmio.insn_bytes, "\xf3\xab", 2);
		EXPECT_EQ(vcpu_exit_dispatch(g.v, &e), VCPU_NEXT_RUN);
		EXPECT_EQ(memcmp(&devmem[0x20], "\x04\x03\x02\x01\x04\x03\x02\x01", 8), 0);
		EXPECT_EQ(g.fv.regs.rcx, 0u);
		/* An SS override on MOVS outside 64-bit mode is refused (no SS base). */
		e.u.mmio.insn_len = 3;
		memcpy(e.u.mmio.insn_bytes, "\x36\xf3\xa5", 3);
		g.fv.regs.rcx = 1;
		EXPECT_EQ(vcpu_exit_dispatch(g.v, &e), VCPU_NEXT_STOP);
		EXPECT_TRUE(guest_stopped());
	}
}
