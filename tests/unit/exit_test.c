/*
 * Tests of the exit dispatcher (kernel/vcpu/exit.c, msr.c, mmio.c) on the fake platform:
 * what the guest observes in its registers and RIP, and when its vCPU or the whole guest
 * stops, for each kind of struct vm_exit.
 */
#include "kernel/arch/x86_64/trap.h"
#include "kernel/arch/x86_64/x86.h"
#include "kernel/devices/bus.h"
#include "kernel/devices/guest_done.h"
#include "kernel/guest/guest.h"
#include "kernel/vcpu/exit.h"
#include "svsm/abi/native_guest.h"
#include "tests/unit/guest_fixture.h"
#include "tests/unit/harness.h"

#define RIP0 0x100000ull

static struct guest_fixture g;
static struct bus_access seen;
static uint64_t device_value;

static void setup(void)
{
	guest_fixture_setup(&g);
	memset(g.fv.reg, 0, sizeof(g.fv.reg));
	g.fv.reg[VM_REG_RIP] = RIP0;
	bus_reset();
	guest_stop_reset();
}

static struct vm_exit io_exit(uint16_t port, uint8_t size, bool in, bool string)
{
	return (struct vm_exit){.kind = VM_EXIT_IO, .insn_len = 1,
				.u.io = {port, size, in, string, false}};
}

static enum bus_result device(void *ctx, struct vcpu *v, struct bus_access *a)
{
	(void)ctx;
	(void)v;
	seen = *a;
	if (!a->write) {
		a->value = device_value;
	}
	return BUS_DONE;
}

TEST(exit, unowned_port_reads_all_ones_and_drops_writes)
{
	struct vm_exit e = io_exit(0x92, 1, true, false);

	setup();
	g.fv.regs.rax = 0x1234567812345600ull;
	EXPECT_EQ(vcpu_exit_dispatch(g.v, &e), VCPU_NEXT_RUN);
	EXPECT_EQ(g.fv.regs.rax, 0x12345678123456ffull);
	EXPECT_EQ(g.fv.reg[VM_REG_RIP], RIP0 + 1);
	e = io_exit(0xcfc, 4, true, false);
	g.fv.regs.rax = 0xaaaaaaaa00000000ull; /* a 32-bit IN zero-extends, as on hardware */
	EXPECT_EQ(vcpu_exit_dispatch(g.v, &e), VCPU_NEXT_RUN);
	EXPECT_EQ(g.fv.regs.rax, 0xffffffffull);
	e = io_exit(0x92, 1, false, false);
	g.fv.regs.rax = 0;
	EXPECT_EQ(vcpu_exit_dispatch(g.v, &e), VCPU_NEXT_RUN);
	EXPECT_EQ(g.fv.regs.rax, 0);
	EXPECT_FALSE(guest_stopped());
}

TEST(exit, owned_port_goes_to_the_device_outs_does_not)
{
	struct vm_exit e = io_exit(0x60, 2, true, false);

	setup();
	ASSERT_EQ(bus_register_io(0x60, 1, device, NULL), SVSM_OK);
	device_value = 0xbeef;
	g.fv.regs.rax = 0xffffffffffff0000ull;
	EXPECT_EQ(vcpu_exit_dispatch(g.v, &e), VCPU_NEXT_RUN);
	EXPECT_EQ(g.fv.regs.rax, 0xffffffffffffbeefull);
	e = io_exit(0x60, 1, false, false);
	g.fv.regs.rax = 0x1ab;
	EXPECT_EQ(vcpu_exit_dispatch(g.v, &e), VCPU_NEXT_RUN);
	EXPECT_TRUE(seen.write);
	EXPECT_EQ(seen.value, 0xab);
	seen = (struct bus_access){.size = 0};
	e = io_exit(0x60, 1, false, true); /* OUTS */
	g.fv.regs.rax = 7;
	EXPECT_EQ(vcpu_exit_dispatch(g.v, &e), VCPU_NEXT_RUN);
	EXPECT_EQ(seen.size, 0); /* not offered to the device */
	EXPECT_EQ(g.fv.regs.rax, 7);
	EXPECT_EQ(g.fv.reg[VM_REG_RIP], RIP0 + 3);
}

/* 4-level tables in guest RAM mapping the arena's first 4 MiB at their own addresses. */
static void identity_map_arena(void)
{
	uint64_t *pml4 = (uint64_t *)(uintptr_t)(g.ram + 0x10000);
	uint64_t *pdpt = (uint64_t *)(uintptr_t)(g.ram + 0x11000);
	uint64_t *pd = (uint64_t *)(uintptr_t)(g.ram + 0x12000);
	uint64_t a = g.svsm;

	pml4[(a >> 39) & 511] = (g.ram + 0x11000) | 3;
	pdpt[(a >> 30) & 511] = (g.ram + 0x12000) | 3;
	pd[(a >> 21) & 511] = a | 0x83;
	pd[((a >> 21) + 1) & 511] = (a + (2ull << 20)) | 0x83;
	g.fv.reg[VM_REG_CR0] = CR0_PE | CR0_PG;
	g.fv.reg[VM_REG_CR3] = g.ram + 0x10000;
	g.fv.reg[VM_REG_CR4] = CR4_PAE;
	g.fv.reg[VM_REG_EFER] = EFER_LME | EFER_LMA;
}

TEST(exit, rep_ins_from_an_owned_port_stores_at_rdi)
{
	struct vm_exit e = io_exit(0x60, 1, true, true);
	uint8_t *mem = (uint8_t *)(uintptr_t)(g.ram + 0x1000);

	setup();
	mem = (uint8_t *)(uintptr_t)(g.ram + 0x1000);
	ASSERT_EQ(bus_register_io(0x60, 1, device, NULL), SVSM_OK);
	device_value = 0x1c5;
	e.u.io.rep = true;
	e.hw_info1 = 1ull << 9; /* 64-bit addresses: the arena may be above 4 GiB */
	identity_map_arena();
	g.fv.regs.rcx = 3;
	g.fv.reg[VM_REG_RDI] = g.ram + 0x1000;
	EXPECT_EQ(vcpu_exit_dispatch(g.v, &e), VCPU_NEXT_RUN);
	EXPECT_EQ(mem[0], 0xc5);
	EXPECT_EQ(mem[2], 0xc5);
	EXPECT_EQ(mem[3], 0);
	EXPECT_EQ(g.fv.regs.rcx, 0u);
	EXPECT_EQ(g.fv.reg[VM_REG_RDI], g.ram + 0x1003);
	EXPECT_EQ(g.fv.reg[VM_REG_RIP], RIP0 + 1);
	EXPECT_FALSE(guest_stopped());
	/* A long REP INS stops after a bounded number of elements and resumes (RIP kept). */
	g.fv.regs.rcx = 5000;
	EXPECT_EQ(vcpu_exit_dispatch(g.v, &e), VCPU_NEXT_RUN);
	EXPECT_EQ(g.fv.regs.rcx, 5000u - 4096u);
	EXPECT_EQ(g.fv.reg[VM_REG_RIP], RIP0 + 1);
	EXPECT_EQ(vcpu_exit_dispatch(g.v, &e), VCPU_NEXT_RUN);
	EXPECT_EQ(g.fv.regs.rcx, 0u);
	EXPECT_EQ(g.fv.reg[VM_REG_RIP], RIP0 + 2);
	/* INS into the SVSM region stops the guest, nothing written there. */
	e.u.io.rep = false;
	g.fv.reg[VM_REG_RDI] = g.svsm + 0x100;
	EXPECT_EQ(vcpu_exit_dispatch(g.v, &e), VCPU_NEXT_STOP);
	EXPECT_TRUE(guest_stopped());
	EXPECT_EQ(g.arena[0x100], 0);
	guest_stop_reset();
}

TEST(exit, completion_port_ends_the_vcpu_with_the_result)
{
	struct vm_exit e = io_exit(NATIVE_GUEST_DONE_PORT, 1, true, false);

	setup();
	ASSERT_EQ(guest_done_register(NATIVE_GUEST_DONE_PORT), SVSM_OK);
	g.fv.regs.rax = 0;
	EXPECT_EQ(vcpu_exit_dispatch(g.v, &e), VCPU_NEXT_RUN); /* a read: bus default */
	EXPECT_EQ(g.fv.regs.rax, 0xff);
	e = io_exit(NATIVE_GUEST_DONE_PORT, 1, false, false);
	g.fv.regs.rax = 0x305;
	EXPECT_EQ(vcpu_exit_dispatch(g.v, &e), VCPU_NEXT_STOP);
	EXPECT_EQ(guest_done_result(), 5);
	EXPECT_FALSE(guest_stopped());
}

TEST(exit, msrs_deny_by_default)
{
	struct vm_exit e = {.kind = VM_EXIT_MSR, .insn_len = 2, .u.msr = {0x10000, false, 0}};

	setup();
	EXPECT_EQ(vcpu_exit_dispatch(g.v, &e), VCPU_NEXT_RUN);
	EXPECT_EQ(fake_log.injections, 1u);
	EXPECT_EQ(fake_log.last_vector, VEC_GP);
	EXPECT_EQ(g.fv.reg[VM_REG_RIP], RIP0); /* faulted: not completed */
	e.u.msr = (struct vm_exit_msr){MSR_SVSM_CAA, false, 0};
	EXPECT_EQ(vcpu_exit_dispatch(g.v, &e), VCPU_NEXT_RUN);
	EXPECT_EQ(g.fv.regs.rax, g.ca & 0xffffffffu);
	EXPECT_EQ(g.fv.regs.rdx, g.ca >> 32);
	EXPECT_EQ(g.fv.reg[VM_REG_RIP], RIP0 + 2);
	g.fv.reg[VM_REG_EFER] = EFER_SVME;
	e.u.msr = (struct vm_exit_msr){MSR_EFER, true, EFER_LME | (1ull << 20)};
	EXPECT_EQ(vcpu_exit_dispatch(g.v, &e), VCPU_NEXT_RUN);
	EXPECT_EQ(fake_log.injections, 2u);
	EXPECT_EQ(g.fv.reg[VM_REG_EFER], EFER_SVME);
	e.u.msr = (struct vm_exit_msr){MSR_EFER, true, EFER_LME};
	EXPECT_EQ(vcpu_exit_dispatch(g.v, &e), VCPU_NEXT_RUN);
	EXPECT_EQ(g.fv.reg[VM_REG_EFER], EFER_LME | EFER_SVME);
	e.u.msr = (struct vm_exit_msr){MSR_PAT, true, 0x0202020202020202ull};
	EXPECT_EQ(vcpu_exit_dispatch(g.v, &e), VCPU_NEXT_RUN);
	EXPECT_EQ(fake_log.injections, 3u);
}

TEST(exit, svsm_call_hlt_and_ud)
{
	struct vm_exit e = {.kind = VM_EXIT_SVSM_CALL, .insn_len = 3};

	setup();
	EXPECT_EQ(vcpu_exit_dispatch(g.v, &e), VCPU_NEXT_RUN);
	EXPECT_EQ(g.fv.reg[VM_REG_RIP], RIP0 + 3);
	e = (struct vm_exit){.kind = VM_EXIT_HLT, .insn_len = 1};
	EXPECT_EQ(vcpu_exit_dispatch(g.v, &e), VCPU_NEXT_HALT);
	EXPECT_EQ(g.fv.reg[VM_REG_RIP], RIP0 + 4);
	e = (struct vm_exit){.kind = VM_EXIT_UD};
	EXPECT_EQ(vcpu_exit_dispatch(g.v, &e), VCPU_NEXT_RUN);
	EXPECT_EQ(fake_log.last_vector, VEC_UD);
	e = (struct vm_exit){.kind = VM_EXIT_STOP};
	EXPECT_EQ(vcpu_exit_dispatch(g.v, &e), VCPU_NEXT_STOP);
	EXPECT_FALSE(guest_stopped());
	e = (struct vm_exit){.kind = VM_EXIT_SHUTDOWN};
	EXPECT_EQ(vcpu_exit_dispatch(g.v, &e), VCPU_NEXT_STOP);
	EXPECT_TRUE(guest_stopped());
}

static struct vm_exit mmio_exit(uint64_t gpa, enum vm_access access, const uint8_t *insn,
				uint8_t len)
{
	struct vm_exit e = {.kind = VM_EXIT_MMIO};

	e.u.mmio = (struct vm_exit_mmio){.gpa = gpa_init(gpa), .access = access, .cpu_mode = 8,
					 .insn_len = len};
	if (len > 0) {
		memcpy(e.u.mmio.insn_bytes, insn, len);
	}
	return e;
}

TEST(exit, mmio_svsm_memory_and_unowned_stop_the_guest)
{
	struct vm_exit e;

	setup();
	e = mmio_exit(g.svsm + 0x1000, VM_ACCESS_READ, NULL, 0);
	EXPECT_EQ(vcpu_exit_dispatch(g.v, &e), VCPU_NEXT_STOP);
	EXPECT_TRUE(guest_stopped());
	guest_stop_reset();
	e = mmio_exit(0xfed00000, VM_ACCESS_WRITE, NULL, 0);
	EXPECT_EQ(vcpu_exit_dispatch(g.v, &e), VCPU_NEXT_STOP);
	EXPECT_TRUE(guest_stopped());
}

TEST(exit, mmio_owned_range_is_decoded_and_emulated)
{
	static const uint8_t store[] = {0x89, 0x18};        /* mov [rax], ebx */
	static const uint8_t load[] = {0x8a, 0x60, 0x04};   /* mov ah, [rax + 4] */
	static const uint8_t movzx[] = {0x0f, 0xb7, 0x08};  /* movzx ecx, word [rax] */
	struct vm_exit e = mmio_exit(0xfed00000, VM_ACCESS_WRITE, store, sizeof(store));

	setup();
	ASSERT_EQ(bus_register_mmio(gpa_init(0xfed00000), 0x1000, device, NULL), SVSM_OK);
	g.fv.reg[VM_REG_RBX] = 0x1122334455667788ull;
	EXPECT_EQ(vcpu_exit_dispatch(g.v, &e), VCPU_NEXT_RUN);
	EXPECT_TRUE(seen.write);
	EXPECT_EQ(seen.size, 4);
	EXPECT_EQ(seen.value, 0x55667788u);
	EXPECT_EQ(g.fv.reg[VM_REG_RIP], RIP0 + 2);
	device_value = 0xab;
	g.fv.regs.rax = 0xffff;
	e = mmio_exit(0xfed00004, VM_ACCESS_READ, load, sizeof(load));
	EXPECT_EQ(vcpu_exit_dispatch(g.v, &e), VCPU_NEXT_RUN);
	EXPECT_EQ(g.fv.regs.rax, 0xabff);
	device_value = 0xfffe;
	g.fv.regs.rcx = ~0ull;
	e = mmio_exit(0xfed00000, VM_ACCESS_READ, movzx, sizeof(movzx));
	EXPECT_EQ(vcpu_exit_dispatch(g.v, &e), VCPU_NEXT_RUN);
	EXPECT_EQ(g.fv.regs.rcx, 0xfffe);
	EXPECT_EQ(g.fv.reg[VM_REG_RIP], RIP0 + 2 + 3 + 3);
	/* No instruction bytes and none to fetch (RIP is not in guest RAM): the guest stops. */
	e = mmio_exit(0xfed00000, VM_ACCESS_READ, NULL, 0);
	EXPECT_EQ(vcpu_exit_dispatch(g.v, &e), VCPU_NEXT_STOP);
	EXPECT_TRUE(guest_stopped());
	bus_reset();
}

/* Guest page @page (4 KiB) of guest RAM, written directly (the fixture's GPA = address). */
static uint8_t *guest_page(uint64_t page)
{
	return (uint8_t *)(uintptr_t)page;
}

/* 4-level tables in guest RAM that map linear @linear's 4 KiB page to guest page @page. */
static void map_page(uint64_t root, uint64_t linear, uint64_t page)
{
	uint64_t table = root;

	for (unsigned level = 4; level >= 1; level--) {
		uint64_t *e = (uint64_t *)guest_page(table) + ((linear >> (3 + 9 * level)) & 511);

		if (level == 1) {
			*e = page | 1;
		} else if ((*e & 1) == 0) {
			*e = (root + (5 - level) * 0x1000) | 3; /* the next table page */
		}
		table = *e & 0x000ffffffffff000ull;
	}
}

TEST(exit, mmio_without_insn_bytes_fetches_through_the_guest_page_tables)
{
	uint64_t root, code1, code2;
	struct vm_exit e;

	setup();
	root = g.ram + 0x10000; /* root and three more table pages */
	code1 = g.ram + 0x20000;
	code2 = g.ram + 0x30000;
	map_page(root, 0x400000, code1);
	map_page(root, 0x401000, code2);
	ASSERT_EQ(bus_register_mmio(gpa_init(0xfed00000), 0x1000, device, NULL), SVSM_OK);
	g.fv.reg[VM_REG_CR0] = CR0_PE | CR0_PG;
	g.fv.reg[VM_REG_CR3] = root;
	g.fv.reg[VM_REG_CR4] = CR4_PAE;
	g.fv.reg[VM_REG_EFER] = EFER_LME | EFER_LMA | EFER_SVME;
	/* mov [rax], ebx split across the two pages; then mov rcx, [rax] (48 8b 08). */
	guest_page(code1)[0xfff] = 0x89;
	guest_page(code2)[0] = 0x18;
	memcpy(guest_page(code2) + 1, "\x48\x8b\x08", 3);
	g.fv.reg[VM_REG_RIP] = 0x400fff;
	g.fv.reg[VM_REG_RBX] = 0xabcdef0012345678ull;
	e = mmio_exit(0xfed00010, VM_ACCESS_WRITE, NULL, 0);
	EXPECT_EQ(vcpu_exit_dispatch(g.v, &e), VCPU_NEXT_RUN);
	EXPECT_TRUE(seen.write);
	EXPECT_EQ(seen.size, 4);
	EXPECT_EQ(seen.value, 0x12345678u);
	EXPECT_EQ(g.fv.reg[VM_REG_RIP], 0x401001u);
	device_value = 0x1122334455667788ull;
	e = mmio_exit(0xfed00010, VM_ACCESS_READ, NULL, 0);
	EXPECT_EQ(vcpu_exit_dispatch(g.v, &e), VCPU_NEXT_RUN);
	EXPECT_EQ(seen.size, 8);
	EXPECT_EQ(g.fv.regs.rcx, 0x1122334455667788ull);
	EXPECT_EQ(g.fv.reg[VM_REG_RIP], 0x401004u);
	EXPECT_FALSE(guest_stopped());
	/* The code page's entry gone: the guest stops there, nothing reaches the device. */
	*((uint64_t *)guest_page(root + 0x3000) + 1) = 0;
	seen = (struct bus_access){.size = 0xff};
	e = mmio_exit(0xfed00010, VM_ACCESS_READ, NULL, 0);
	EXPECT_EQ(vcpu_exit_dispatch(g.v, &e), VCPU_NEXT_STOP);
	EXPECT_EQ(seen.size, 0); /* offered undecoded (size 0), as before */
	EXPECT_TRUE(guest_stopped());
	EXPECT_EQ(g.fv.reg[VM_REG_RIP], 0x401004u);
	bus_reset();
}

TEST(exit, mmio_fetched_insn_must_match_the_exits_direction)
{
	static const uint8_t load[] = {0x8b, 0x08}; /* mov ecx, [rax] */
	uint64_t root = 0, code = 0;
	struct vm_exit e;

	setup();
	root = g.ram + 0x10000;
	code = g.ram + 0x20000;
	map_page(root, 0x400000, code);
	memcpy(guest_page(code), load, sizeof(load));
	g.fv.reg[VM_REG_CR0] = CR0_PE | CR0_PG;
	g.fv.reg[VM_REG_CR3] = root;
	g.fv.reg[VM_REG_CR4] = CR4_PAE;
	g.fv.reg[VM_REG_EFER] = EFER_LME | EFER_LMA | EFER_SVME;
	g.fv.reg[VM_REG_RIP] = 0x400000;
	ASSERT_EQ(bus_register_mmio(gpa_init(0xfed00000), 0x1000, device, NULL), SVSM_OK);
	e = mmio_exit(0xfed00000, VM_ACCESS_READ, NULL, 0);
	EXPECT_EQ(vcpu_exit_dispatch(g.v, &e), VCPU_NEXT_RUN); /* the load, as reported */
	EXPECT_EQ(g.fv.reg[VM_REG_RIP], 0x400002u);
	/* A write exit whose instruction (rewritten meanwhile by another vCPU) is a load. */
	g.fv.reg[VM_REG_RIP] = 0x400000;
	e = mmio_exit(0xfed00000, VM_ACCESS_WRITE, NULL, 0);
	seen = (struct bus_access){.size = 0xff};
	EXPECT_EQ(vcpu_exit_dispatch(g.v, &e), VCPU_NEXT_STOP);
	EXPECT_EQ(seen.size, 0); /* offered undecoded */
	EXPECT_TRUE(guest_stopped());
	EXPECT_EQ(g.fv.reg[VM_REG_RIP], 0x400000u);
	bus_reset();
}
