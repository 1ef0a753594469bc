/*
 * Tests of the platform policy an OS guest runs under: the PCI configuration filter
 * (devices/pci_filter.c), the legacy port devices and their PM1a_CNT/reset decoders
 * (devices/legacy.c), the CPUID filter (vcpu/cpuid.c), the MSR policy (vcpu/msr.c), the
 * exit statistics (vcpu/exit_stats.c) and VMMCALL from user mode, on the fake platform
 * with the fake ports and PCI bus of the kernel/drivers host fakes.
 */
#include "kernel/arch/x86_64/trap.h"
#include "kernel/arch/x86_64/x86.h"
#include "kernel/devices/bus.h"
#include "kernel/devices/legacy.h"
#include "kernel/devices/pci_filter.h"
#include "kernel/drivers/pci.h"
#include "kernel/drivers/port_io.h"
#include "kernel/guest/guest.h"
#include "kernel/vcpu/cpuid.h"
#include "kernel/vcpu/exit.h"
#include "kernel/vcpu/exit_stats.h"
#include "kernel/vcpu/msr.h"
#include "tests/unit/guest_fixture.h"
#include "tests/unit/harness.h"

#define RIP0 0x100000ull
#define CFG_ADDR(dev, fn, reg) (0x80000000u | (dev) << 11 | (fn) << 8 | (reg))

static struct guest_fixture g;

static void setup(void)
{
	guest_fixture_setup(&g);
	memset(g.fv.reg, 0, sizeof(g.fv.reg));
	g.fv.reg[VM_REG_RIP] = RIP0;
	bus_reset();
	guest_stop_reset();
	pci_fake_reset();
	pci_filter_reset();
	port_io_fake_reset();
	exit_stats_reset();
	/* MCH: id, command 0x0006 / status 0x0010, PCIEXBAR 0xb0000001, PAM0 0x30; LPC. */
	pci_fake_set32(0, 0, 0x00, 0x29c08086);
	pci_fake_set32(0, 0, 0x04, 0x00100006);
	pci_fake_set32(0, 0, 0x60, 0xb0000001);
	pci_fake_set32(0, 0, 0x64, 0);
	pci_fake_set32(0, 0, 0x90, 0x30);
	pci_fake_set32(0, 0, 0x9c, 0);
	pci_fake_set32(0x1f, 0, 0x00, 0x29188086);
	pci_fake_set32(0x1f, 0, 0x40, 0x601);
	pci_fake_set32(0x1f, 0, 0x44, 0x80);
	pci_fake_set32(0x1f, 0, 0xf0, 0);
	pci_fake_set32(0x1f, 0, 0x60, 0x80808080u);
	pci_fake_set32(0x1f, 3, 0x00, 0x29308086); /* SMBus: present, hidden */
	pci_fake_set32(2, 0, 0x00, 0x10001af4);    /* a virtio device: hidden */
}

static void io(uint16_t port, uint8_t size, bool in, uint32_t value, enum vcpu_next want)
{
	struct vm_exit e = {.kind = VM_EXIT_IO, .insn_len = 1,
			    .u.io = {port, size, in, false, false}};

	g.fv.regs.rax = value;
	EXPECT_EQ(vcpu_exit_dispatch(g.v, &e), want);
}

static uint32_t cfg_read(uint32_t addr, uint16_t port, uint8_t size)
{
	io(PCI_FILTER_CF8, 4, false, addr, VCPU_NEXT_RUN);
	io(port, size, true, 0, VCPU_NEXT_RUN);
	return (uint32_t)g.fv.regs.rax;
}

static void cfg_write(uint32_t addr, uint16_t port, uint8_t size, uint32_t value)
{
	io(PCI_FILTER_CF8, 4, false, addr, VCPU_NEXT_RUN);
	io(port, size, false, value, VCPU_NEXT_RUN);
}

TEST(pci_filter, hidden_functions_read_all_ones_and_drop_writes)
{
	setup();
	ASSERT_EQ(pci_filter_register(gpa_init(0xb0000000ull), 0x10000000ull), SVSM_OK);
	EXPECT_EQ(cfg_read(CFG_ADDR(0, 0, 0), 0xcfc, 4), 0x29c08086u);
	EXPECT_EQ(cfg_read(CFG_ADDR(0x1f, 0, 0), 0xcfe, 2), 0x2918u);
	EXPECT_EQ(cfg_read(CFG_ADDR(0x1f, 3, 0), 0xcfc, 4), 0xffffffffu);
	EXPECT_EQ(cfg_read(CFG_ADDR(2, 0, 0), 0xcfc, 4), 0xffffffffu);
	EXPECT_EQ(cfg_read(CFG_ADDR(0, 0, 0) | 1u << 16, 0xcfc, 4), 0xffffffffu); /* bus 1 */
	cfg_write(CFG_ADDR(2, 0, 4), 0xcfc, 2, 0x7);
	EXPECT_EQ(pci_fake_writes(), 0u);
	EXPECT_EQ(cfg_read(CFG_ADDR(0, 0, 0) & 0x7fffffffu, 0xcfc, 4), 0xffffffffu); /* disabled */
}

TEST(pci_filter, cf8_latch_is_32_bit_and_shared)
{
	setup();
	ASSERT_EQ(pci_filter_register(gpa_init(0xb0000000ull), 0x10000000ull), SVSM_OK);
	io(PCI_FILTER_CF8, 4, false, 0x8000f800u, VCPU_NEXT_RUN);
	io(PCI_FILTER_CF8, 4, true, 0, VCPU_NEXT_RUN);
	EXPECT_EQ(g.fv.regs.rax, 0x8000f800u);
	io(PCI_FILTER_CF8, 1, false, 0, VCPU_NEXT_RUN); /* byte: not the latch */
	io(PCI_FILTER_CF8, 4, true, 0, VCPU_NEXT_RUN);
	EXPECT_EQ(g.fv.regs.rax, 0x8000f800u);
}

TEST(pci_filter, whitelist_and_bus_master_forced_off)
{
	setup();
	ASSERT_EQ(pci_filter_register(gpa_init(0xb0000000ull), 0x10000000ull), SVSM_OK);
	cfg_write(CFG_ADDR(0, 0, 4), 0xcfc, 2, 0x0007); /* BME set: kept off */
	EXPECT_EQ(pci_config_read32(0, 0, 4), 0x00000003u); /* status never written back */
	cfg_write(CFG_ADDR(0, 0, 0x90), 0xcfc, 1, 0x33);       /* PAM0 */
	EXPECT_EQ(pci_config_read32(0, 0, 0x90), 0x33u);
	cfg_write(CFG_ADDR(0, 0, 0x60), 0xcfc, 4, 0);          /* PCIEXBAR off: refused */
	EXPECT_EQ(cfg_read(CFG_ADDR(0, 0, 0x60), 0xcfc, 4), 0xb0000001u);
	cfg_write(CFG_ADDR(0, 0, 0x9c), 0xcfc, 1, 0xff);       /* SMBASE query: refused */
	EXPECT_EQ(pci_config_read32(0, 0, 0x9c), 0u);
	cfg_write(CFG_ADDR(0x1f, 0, 0x40), 0xcfc, 4, 0x701);   /* PMBASE move: refused */
	EXPECT_EQ(pci_config_read32(0x1f, 0, 0x40), 0x601u);
	cfg_write(CFG_ADDR(0x1f, 0, 0x40), 0xcfc, 4, 0x601);   /* same value: fine */
	cfg_write(CFG_ADDR(0x1f, 0, 0xf0), 0xcfc, 4, 0xfed1c001u); /* RCBA: refused */
	EXPECT_EQ(pci_config_read32(0x1f, 0, 0xf0), 0u);
	cfg_write(CFG_ADDR(0x1f, 0, 0x44), 0xcfc, 1, 0xa0);    /* ACPI_CNTL */
	EXPECT_EQ(pci_config_read32(0x1f, 0, 0x44), 0xa0u);
	cfg_write(CFG_ADDR(0x1f, 0, 0x60), 0xcfe, 1, 0x0b);    /* PIRQC */
	EXPECT_EQ(pci_config_read32(0x1f, 0, 0x60), 0x800b8080u);
}

TEST(pci_filter, ecam_goes_through_the_same_filter)
{
	struct bus_access a = {.gpa = gpa_init(0xb00f8000ull), .size = 4};

	setup();
	ASSERT_EQ(pci_filter_register(gpa_init(0xb0000000ull), 0x10000000ull), SVSM_OK);
	EXPECT_EQ(pci_filter_read(0, 0, 0, 0, 4), 0x29c08086u);
	EXPECT_EQ(pci_filter_read(0, 0, 0, 0x100, 4), 0xffffffffu);
	EXPECT_TRUE(bus_mmio_owned(gpa_init(0xb00f8000ull)));
	EXPECT_EQ(bus_mmio(g.v, &a), BUS_DONE); /* 00:1f.0 register 0 */
	EXPECT_EQ(a.value, 0x29188086u);
	a.gpa = gpa_init(0xb00fb000ull); /* 00:1f.3: hidden */
	EXPECT_EQ(bus_mmio(g.v, &a), BUS_DONE);
	EXPECT_EQ(a.value, 0xffffffffu);
	a = (struct bus_access){.gpa = gpa_init(0xb00f8004ull), .size = 2, .write = true,
				.value = 0x0107};
	EXPECT_EQ(bus_mmio(g.v, &a), BUS_DONE); /* command: BME off, SERR kept */
	EXPECT_EQ(pci_config_read32(0x1f, 0, 4) & 0xffff, 0x0103u);
	a = (struct bus_access){.gpa = gpa_init(0xb00f8000ull), .size = 8};
	EXPECT_EQ(bus_mmio(g.v, &a), BUS_DONE);
	EXPECT_EQ(a.value, ~0ull);
}

TEST(legacy, pm1_cnt_and_reset_decoders)
{
	uint32_t fwd = 0;

	EXPECT_EQ(legacy_pm1_cnt_decode(0x604, 2, 0x2001, &fwd), LEGACY_PM1_POWER_OFF);
	EXPECT_EQ(fwd, 0x2001u);
	EXPECT_EQ(legacy_pm1_cnt_decode(0x605, 1, 0x20, &fwd), LEGACY_PM1_POWER_OFF);
	EXPECT_EQ(legacy_pm1_cnt_decode(0x604, 2, 0x2401, &fwd), LEGACY_PM1_REFUSED); /* S3 */
	EXPECT_EQ(fwd, 0x0401u);
	EXPECT_EQ(legacy_pm1_cnt_decode(0x605, 1, 0x24, &fwd), LEGACY_PM1_REFUSED);
	EXPECT_EQ(fwd, 0x04u);
	EXPECT_EQ(legacy_pm1_cnt_decode(0x604, 2, 0x0001, &fwd), LEGACY_PM1_FORWARD);
	EXPECT_EQ(legacy_pm1_cnt_decode(0x604, 1, 0xff, &fwd), LEGACY_PM1_FORWARD);
	EXPECT_TRUE(legacy_is_reset(0xcf9, 0x6));
	EXPECT_TRUE(legacy_is_reset(0xcf9, 0x4));
	EXPECT_FALSE(legacy_is_reset(0xcf9, 0x2));
	EXPECT_TRUE(legacy_is_reset(0x92, 0x3));
	EXPECT_FALSE(legacy_is_reset(0x92, 0x2));
	EXPECT_TRUE(legacy_is_reset(0x64, 0xfe));
	EXPECT_FALSE(legacy_is_reset(0x64, 0xd1));
}

TEST(legacy, devices_on_the_bus)
{
	setup();
	ASSERT_EQ(legacy_devices_register(), SVSM_OK);
	io(0x604, 2, false, 0x0001, VCPU_NEXT_RUN); /* SCI_EN: forwarded */
	EXPECT_EQ(port_io_fake_get(0x604), 0x0001u);
	io(0x604, 2, false, 0x2401, VCPU_NEXT_RUN); /* S3: SLP_EN dropped */
	EXPECT_EQ(port_io_fake_get(0x604), 0x0401u);
	io(0xb2, 1, false, 0x01, VCPU_NEXT_RUN);    /* APM: no SMI */
	io(0x630, 4, false, 0x01, VCPU_NEXT_RUN);
	EXPECT_EQ(port_io_fake_writes(0xb2) + port_io_fake_writes(0x630), 0u);
	port_io_fake_set(0x630, 0x1234);
	io(0x630, 4, true, 0, VCPU_NEXT_RUN);
	EXPECT_EQ(g.fv.regs.rax, 0x1234u);
	io(0x64, 1, true, 0, VCPU_NEXT_RUN);        /* no i8042 */
	EXPECT_EQ(g.fv.regs.rax & 0xff, 0xffu);
	io(0x64, 1, false, 0xd1, VCPU_NEXT_RUN);
	io(0x92, 1, false, 0x00, VCPU_NEXT_RUN);    /* A20 off: ignored */
	EXPECT_EQ(port_io_fake_writes(0x92), 0u);
	EXPECT_FALSE(guest_stopped());
	io(0x64, 1, false, 0xfe, VCPU_NEXT_STOP);   /* pulse reset */
	EXPECT_EQ(port_io_fake_get(0xcf9), RST_CNT_RESET);
	EXPECT_TRUE(guest_stopped());
	setup();
	ASSERT_EQ(legacy_devices_register(), SVSM_OK);
	io(0x604, 2, false, 0x2001, VCPU_NEXT_STOP); /* S5 */
	EXPECT_EQ(port_io_fake_get(0x604), 0x2001u);
	EXPECT_TRUE(guest_stopped());
	EXPECT_EQ(exit_stats_get(EXIT_STAT_IO), 1u);
}

TEST(cpuid_filter, hides_svm_and_reflects_the_guest)
{
	struct cpuid_guest gs = {.cr4 = 0, .apic_id = 3, .xsave_size = 832};
	struct cpuid_regs all = {0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu};
	struct cpuid_regs r;

	r = vcpu_cpuid_filter(1, 0, all, &gs);
	EXPECT_EQ(r.ecx & (CPUID_1_ECX_X2APIC | CPUID_1_ECX_TSC_DEADLINE | CPUID_1_ECX_MONITOR |
			   CPUID_1_ECX_OSXSAVE | CPUID_1_ECX_HYPERVISOR), 0u);
	EXPECT_EQ(r.ebx >> 24, 3u);
	gs.cr4 = CR4_OSXSAVE | CPUID_CR4_PKE;
	r = vcpu_cpuid_filter(1, 0, all, &gs);
	EXPECT_TRUE(r.ecx & CPUID_1_ECX_OSXSAVE);
	r = vcpu_cpuid_filter(7, 0, all, &gs);
	EXPECT_TRUE(r.ecx & CPUID_7_ECX_OSPKE);
	EXPECT_FALSE(r.ebx & CPUID_7_EBX_TSC_ADJUST);
	gs.cr4 = 0;
	r = vcpu_cpuid_filter(7, 0, all, &gs);
	EXPECT_FALSE(r.ecx & CPUID_7_ECX_OSPKE);
	r = vcpu_cpuid_filter(0x80000001u, 0, all, &gs);
	EXPECT_FALSE(r.ecx & CPUID_80000001_ECX_SVM);
	r = vcpu_cpuid_filter(0x8000000au, 0, all, &gs);
	EXPECT_EQ(r.eax | r.ebx | r.ecx | r.edx, 0u);
	r = vcpu_cpuid_filter(0x8000001fu, 0, all, &gs);
	EXPECT_EQ(r.eax | r.ebx | r.ecx | r.edx, 0u);
	r = vcpu_cpuid_filter(0x40000000u, 0, all, &gs);
	EXPECT_EQ(r.eax | r.ebx | r.ecx | r.edx, 0u);
	r = vcpu_cpuid_filter(5, 0, all, &gs);
	EXPECT_EQ(r.eax | r.ebx | r.ecx | r.edx, 0u);
	r = vcpu_cpuid_filter(0xd, 0, all, &gs);
	EXPECT_EQ(r.ebx, 832u);
	EXPECT_EQ(r.eax, 0xffffffffu);
	EXPECT_EQ(vcpu_cpuid_xsave_size(3), 576u);
}

static void msr(uint32_t index, bool write, uint64_t value, bool want_gp)
{
	struct vm_exit e = {.kind = VM_EXIT_MSR, .insn_len = 2, .u.msr = {index, write, value}};
	unsigned before = fake_log.injections;

	g.fv.reg[VM_REG_RIP] = RIP0;
	EXPECT_EQ(vcpu_exit_dispatch(g.v, &e), VCPU_NEXT_RUN);
	EXPECT_EQ(fake_log.injections - before, want_gp ? 1u : 0u);
	EXPECT_EQ(g.fv.reg[VM_REG_RIP], want_gp ? RIP0 : RIP0 + 2);
}

static uint64_t msr_read(uint32_t index)
{
	msr(index, false, 0, false);
	return (uint32_t)g.fv.regs.rax | g.fv.regs.rdx << 32;
}

TEST(msr_policy, mtrrs_efer_and_fixed_values)
{
	setup();
	EXPECT_EQ(msr_read(MSR_MTRR_CAP), 0x508u);
	msr(MSR_MTRR_CAP, true, 0, true);
	msr(MSR_MTRR_DEF_TYPE, true, 0xc06, false);
	EXPECT_EQ(msr_read(MSR_MTRR_DEF_TYPE), 0xc06u);
	EXPECT_EQ(g.v->msrs.mtrr_def_type, 0xc06u);
	msr(MSR_MTRR_DEF_TYPE, true, 0x2, true);      /* type 2 is reserved */
	msr(MSR_MTRR_DEF_TYPE, true, 0x1006, true);   /* reserved bit */
	msr(MSR_MTRR_FIX4K_F8000, true, 0x0505050505050505ull, false);
	EXPECT_EQ(msr_read(MSR_MTRR_FIX4K_F8000), 0x0505050505050505ull);
	msr(MSR_MTRR_FIX64K_00000, true, 0x0707060606060606ull, true);
	msr(MSR_MTRR_PHYS_BASE0 + 1, true, 0xf00000800ull, false);
	msr(MSR_MTRR_PHYS_BASE0 + 1, true, 0x1ull, true); /* low mask bits are reserved */
	msr(MSR_MTRR_PHYS_BASE0 + 16, false, 0, true);    /* past VCNT */
	EXPECT_EQ(msr_read(MSR_MCG_CAP), 0u);
	EXPECT_EQ(msr_read(MSR_MCG_STATUS), 0u);
	EXPECT_EQ(msr_read(MSR_AMD_DE_CFG), DE_CFG_LFENCE_SERIALIZE);
	msr(MSR_AMD_HWCR, true, 1, false);
	EXPECT_EQ(msr_read(MSR_AMD_HWCR), 0u);
	EXPECT_EQ(msr_read(MSR_VM_CR), VM_CR_LOCK | VM_CR_SVMDIS);
	EXPECT_EQ(msr_read(MSR_VM_HSAVE_PA), 0u);
	msr(0x6e0, false, 0, true); /* TSC deadline: not emulated */
	/* EFER: SVME hidden and kept; LMA the hardware's; LME fixed while paging is on. */
	g.fv.reg[VM_REG_EFER] = EFER_SVME;
	EXPECT_EQ(msr_read(MSR_EFER), 0u);
	msr(MSR_EFER, true, EFER_LME | EFER_LMA, false);
	EXPECT_EQ(g.fv.reg[VM_REG_EFER], EFER_LME | EFER_SVME);
	g.fv.reg[VM_REG_CR0] = 1ull << 31;
	g.fv.reg[VM_REG_EFER] = EFER_LME | EFER_LMA | EFER_SVME;
	msr(MSR_EFER, true, EFER_NXE, true);
	msr(MSR_EFER, true, EFER_LME | EFER_NXE, false);
	EXPECT_EQ(g.fv.reg[VM_REG_EFER], EFER_LME | EFER_LMA | EFER_NXE | EFER_SVME);
	EXPECT_EQ(msr_read(MSR_EFER), EFER_LME | EFER_LMA | EFER_NXE);
	EXPECT_EQ(exit_stats_get(EXIT_STAT_MSR), 25u); /* every access above, faults too */
}

TEST(msr_policy, apic_base_reads_as_xapic)
{
	/* An SVSM in x2APIC mode (QEMU 10's TCG): the guest, whose CPUID has no x2APIC, must
	 * not see EXTD, or OVMF reads the x2APIC MSRs and #GPs (triple fault before its IDT). */
	EXPECT_EQ(vcpu_msr_apic_base_view(0xfee00d00ull), 0xfee00900ull);
	EXPECT_EQ(vcpu_msr_apic_base_view(0xfee00c00ull), 0xfee00800ull);
	EXPECT_EQ(vcpu_msr_apic_base_view(0xfee00900ull), 0xfee00900ull); /* xAPIC: as is */
}

TEST(exit_stats, counts_and_user_vmmcall)
{
	struct vm_exit e = {.kind = VM_EXIT_SVSM_CALL, .insn_len = 3};

	setup();
	g.fv.reg[VM_REG_CPL] = 3;
	EXPECT_EQ(vcpu_exit_dispatch(g.v, &e), VCPU_NEXT_RUN);
	EXPECT_EQ(fake_log.last_vector, VEC_UD);
	EXPECT_EQ(g.fv.reg[VM_REG_RIP], RIP0);
	e = (struct vm_exit){.kind = VM_EXIT_NONE, .hw_code = 0x60};
	EXPECT_EQ(vcpu_exit_dispatch(g.v, &e), VCPU_NEXT_RUN);
	e.hw_code = 0x64;
	EXPECT_EQ(vcpu_exit_dispatch(g.v, &e), VCPU_NEXT_RUN);
	EXPECT_EQ(exit_stats_get(EXIT_STAT_SVSM_CALL), 1u);
	EXPECT_EQ(exit_stats_get(EXIT_STAT_INTR), 1u);
	EXPECT_EQ(exit_stats_get(EXIT_STAT_VINTR), 1u);
	EXPECT_STREQ(exit_stats_name(EXIT_STAT_CPUID), "cpuid");
	exit_stats_print();
}
